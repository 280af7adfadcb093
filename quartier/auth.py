"""Login by username or email address, and the login throttle (django-axes) that counts accounts, not spellings.

The throttle counts failed logins under the account the typed name would log in to, whatever was typed:
``Planung``, ``PLANUNG`` and the account's email address are one account (``login_account_key``); a name
that matches no account is counted under its case-folded form. Client addresses are counted as
``quartier.net.client_address`` gives them (an IPv6 client by its /64 network). Three limits, within
``LOGIN_COOLOFF_MINUTES``:

* an account from one client address after ``LOGIN_FAILURE_LIMIT`` failures (``AXES_LOCKOUT_PARAMETERS``);
* a client address as a whole after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures at any accounts (many accounts
  tried from one place);
* an account as a whole after ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures from any addresses (one account tried
  from many places), except from an address the account has logged in from before: guesses from elsewhere
  never lock the office out of its own account.

A successful login clears only that account's failures from that address.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.http import HttpRequest

from quartier.models import User

#: The length of axes' username column.
KEY_LENGTH = 255


def account_for_login(login: str) -> User | None:
    """The one account whose username is ``login`` (any case), else the one whose email address is, or ``None``.

    A username wins over another account's email address that reads the same; two accounts that match the same
    way (which the database's constraints leave possible only for letters whose cases do not pair up, such as
    ``ı`` and ``i``) log in to neither."""
    login = login.strip()
    if not login:
        return None
    for field in ("username", "email"):
        candidates = list(User.objects.filter(**{f"{field}__iexact": login})[:2])
        if candidates:
            return candidates[0] if len(candidates) == 1 else None
    return None


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


def _typed_login(request: HttpRequest | None, credentials: dict | None) -> str | None:
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    elif request is not None:
        typed = getattr(request, "data", request.POST).get(field)
    else:
        typed = None
    return None if typed is None else str(typed)


def _login_account(request: HttpRequest | None, typed: str) -> tuple[str, User | None]:
    """The name failures for ``typed`` are counted under, and the account it logs in to (if one). Asked several
    times per login, so remembered on the request."""
    remembered: dict[str, tuple[str, User | None]] = getattr(request, "_quartier_login_keys", None) or {}
    if typed not in remembered:
        user = account_for_login(typed)
        key = (user.username if user is not None else typed.strip()).casefold()[:KEY_LENGTH]
        remembered[typed] = (key, user)
        if request is not None:
            request._quartier_login_keys = remembered  # type: ignore[attr-defined]
    return remembered[typed]


def login_account_key(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the name failures are counted under.

    The account the typed name or address would log in to is counted under its username, case-folded; an
    unknown name under the typed name, case-folded."""
    typed = _typed_login(request, credentials)
    return None if typed is None else _login_account(request, typed)[0]


def login_failures_forget(user: User) -> int:
    """Clear the failed logins counted for ``user``'s account from every address (its password is new); the
    number of records removed."""
    deleted, _per_model = AccessAttempt.objects.filter(username=user.username.casefold()[:KEY_LENGTH]).delete()
    return deleted


def _failures(**where: object) -> int:
    return AccessAttempt.objects.filter(**where).aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler (an account from one address), with the limits of a client address and of an
    account as a whole."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The account's failures from this address, or the limit itself when the address or the account has
        used up its own (``request.login_lockout`` then says which)."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures >= limit:
            return failures
        since = get_cool_off_threshold(request)
        address = request.axes_ip_address  # type: ignore[attr-defined]
        if _failures(ip_address=address, attempt_time__gte=since) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.login_lockout = "address"  # type: ignore[attr-defined]
            return limit
        typed = _typed_login(request, credentials)
        if typed is not None:
            key, user = _login_account(request, typed)
            if _failures(username=key, attempt_time__gte=since) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT and not (
                user is not None and AccessLog.objects.filter(username=user.username, ip_address=address).exists()
            ):
                request.login_lockout = "account"  # type: ignore[attr-defined]
                return limit
        return failures
