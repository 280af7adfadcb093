"""Login by username or email address, and the login throttle (django-axes) that counts accounts, not spellings.

The throttle counts failed logins under the account the typed name would log in to, whatever was typed:
``Planung``, ``PLANUNG`` and the account's email address are one account (``login_account_key``); a name
that matches no account is counted under its case-folded form. It locks out an account from one client
address after ``LOGIN_FAILURE_LIMIT`` failures (``AXES_LOCKOUT_PARAMETERS``), and a client address as a whole
after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures at any accounts (``LoginThrottle``: many accounts tried from one
address). A successful login clears only that account's failures from that address.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, Sum
from django.http import HttpRequest

from quartier.models import User

#: The length of axes' username column.
KEY_LENGTH = 255


def account_for_login(login: str) -> User | None:
    """The one account whose username or email address is ``login`` (any case), or ``None``."""
    login = login.strip()
    if not login:
        return None
    candidates = list(User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))[:2])
    return candidates[0] if len(candidates) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: object
    ) -> User | None:
        if not username or password is None:
            return None
        user = account_for_login(username)
        if user is None:
            # Run the hasher anyway so that timing does not tell whether an account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def login_account_key(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the name failures are counted under.

    The account the typed name or address would log in to is counted under its username, case-folded; an
    unknown name under the typed name, case-folded. Asked several times per login, so remembered on the request.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    elif request is not None:
        typed = getattr(request, "data", request.POST).get(field)
    else:
        typed = None
    if typed is None:
        return None
    typed = str(typed)
    remembered: dict[str, str] = getattr(request, "_quartier_login_keys", None) or {}
    if typed not in remembered:
        user = account_for_login(typed)
        remembered[typed] = (user.username if user is not None else typed.strip()).casefold()[:KEY_LENGTH]
        if request is not None:
            request._quartier_login_keys = remembered  # type: ignore[attr-defined]
    return remembered[typed]


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, with a second limit: all failures from one client address together."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The account's failures from this address, or the limit itself when the address has used up its own."""
        failures = super().get_failures(request, credentials)
        from_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if from_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
