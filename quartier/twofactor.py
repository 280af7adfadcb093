"""Two-factor login with a time-based one-time code (TOTP), on django-otp.

A user who has set up an authenticator app logs in with the password and then
a six-digit code (or one of ten recovery codes, each valid once). Until then
the session is signed in but not verified: ``TwoFactorMiddleware`` lets it
open only the code page, the logout and the public pages. With the setting
``TWO_FACTOR_REQUIRED`` on, Steuerung and administrators must set up the app
before they can open anything else.

The check costs no query once a session has passed it: the result is kept in
the session, which every login and logout renews.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from quartier.models import Role, User

SESSION_KEY = "two_factor"
PENDING_KEY = "two_factor_pending_key"
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"
# Pages a signed-in session may open before its second factor: besides the public ones (login, password reset).
VERIFY_PAGES = {"two_factor_verify", "logout"}
SETUP_PAGES = {"two_factor_setup", "logout"}


def is_required(user: User) -> bool:
    """Whether this installation requires ``user`` to log in with a second factor."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.role_assignments.filter(role=Role.STEUERUNG).exists()


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_verified(request: HttpRequest) -> bool:
    return request.session.get(SESSION_KEY, {}).get("state") == "verified"


def session_is_open(request: HttpRequest) -> bool:
    """The signed-in session owes no second factor: verified, or found exempt under the current setting.
    (A session in neither state goes through ``TwoFactorMiddleware.process_view`` to find out.)"""
    state = request.session.get(SESSION_KEY)
    return state == {"state": "verified"} or state == {"state": "exempt", "required": settings.TWO_FACTOR_REQUIRED}


@receiver(user_logged_in)
def _forget_check_on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """A new login is checked afresh (the session keeps its data when the same user logs in again)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
        request.session.pop(PENDING_KEY, None)


class TwoFactorMiddleware:
    """Send a signed-in session that still owes its second factor to the code page (or, where the factor is
    required and not set up, to the set-up page). Public views stay open."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: object, *args: object) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if session_is_open(request):
            return None
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            target, allowed = "two_factor_verify", VERIFY_PAGES
        elif is_required(user):
            target, allowed = "two_factor_setup", SETUP_PAGES
        else:
            request.session[SESSION_KEY] = {"state": "exempt", "required": settings.TWO_FACTOR_REQUIRED}
            return None
        public = getattr(view_func, "public", False) and not getattr(view_func, "signed_in_part", False)
        if public or request.resolver_match.url_name in allowed:
            return None
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


def mark_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """The session has shown its second factor: a new session key, then open."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"state": "verified"}


def _refused_for_throttle(device: TOTPDevice | StaticDevice) -> ValidationError | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = data.get("locked_until") if data else None
    seconds = max(1, int((locked_until.timestamp() if locked_until else time.time()) - time.time()) + 1)
    return ValidationError(
        ngettext(
            "Too many wrong codes. Please wait %(seconds)d second and try again.",
            "Too many wrong codes. Please wait %(seconds)d seconds and try again.",
            seconds,
        )
        % {"seconds": seconds},
        code="throttled",
    )


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check_code_and_login(request: HttpRequest, code: str) -> None:
    """The second step of a login: a good code verifies the session, a wrong one is refused."""
    mark_verified(request, check_code(request.user, code))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def check_code(user: User, code: str) -> TOTPDevice | StaticDevice:
    """The device that accepts ``code`` (a current app code or an unused recovery code), or a German refusal.

    Each device row is locked, so one code cannot be used twice by two requests at the same moment. Wrong
    codes slow further tries down (django-otp's back-off, per device); the count of failures is committed
    before the refusal is raised, so callers must not wrap this in a transaction of their own."""
    code = _normalise(code)
    if not code:
        raise ValidationError(_("Enter the code."), code="required")
    refusal = None
    with transaction.atomic():
        devices: list[TOTPDevice | StaticDevice] = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        if not devices:
            raise ValidationError(_("Two-factor login is not set up for this account."), code="no_device")
        for device in devices:
            # Six digits are an app code; a recovery code has eight letters and digits.
            if isinstance(device, TOTPDevice) != _is_app_code(code):
                continue
            refusal = _refused_for_throttle(device)
            if refusal is None and device.verify_token(code):
                return device
    raise refusal or ValidationError(
        _("This code is not valid. Enter the current code from your app, or an unused recovery code."),
        code="invalid",
    )


@dataclass(frozen=True)
class PendingApp:
    """An app being set up: the secret lives in the session until the user proves the app shows its codes."""

    key: str  # hex, as django-otp stores it

    @property
    def secret(self) -> str:
        """The secret as people type it into an app: base32 in groups of four."""
        text = b32encode(unhexlify(self.key)).decode()
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

    def config_url(self, user: User) -> str:
        return TOTPDevice(user=user, key=self.key, name=APP_DEVICE_NAME).config_url

    def qr_data_uri(self, user: User) -> str:
        import segno

        return segno.make(self.config_url(user), error="m").svg_data_uri(scale=5, border=2)


def pending_app(request: HttpRequest) -> PendingApp:
    key = request.session.get(PENDING_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[PENDING_KEY] = key
    return PendingApp(key)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def app_confirm(request: HttpRequest, code: str) -> list[str]:
    """Finish setting up the app whose secret is pending in the session, with a code it shows. Replaces an
    app set up before (a new phone) and issues new recovery codes, which are returned to be shown once."""
    user = request.user
    key = request.session.get(PENDING_KEY)
    if not key:
        raise ValidationError(_("The set-up has expired. Scan the new QR code and try again."), code="expired")
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        raise ValidationError(_("Enter the six-digit code that your app shows."), code="invalid")
    totp = TOTP(unhexlify(key))
    if not totp.verify(int(code), tolerance=1):
        raise ValidationError(
            _("This code does not match. Check that the phone's time is right, and enter the current code."),
            code="invalid",
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t())
    codes = _new_recovery_codes(user)
    del request.session[PENDING_KEY]
    mark_verified(request, device)
    return codes


def recovery_codes_renew(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), confirmed with a current app code."""
    if not _is_app_code(_normalise(code)):
        raise ValidationError(_("Confirm with the six-digit code from your app."), code="app_code")
    check_code(user, code)
    with transaction.atomic():
        return _new_recovery_codes(user)


def two_factor_disable(request: HttpRequest, code: str) -> None:
    """Switch two-factor login off, confirmed with a current code; refused where it is required."""
    user = request.user
    if is_required(user):
        raise ValidationError(
            _(
                "Two-factor login is required for your role and cannot be switched off. "
                "To move to a new phone, set up the app again."
            ),
            code="required_for_role",
        )
    check_code(user, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session[SESSION_KEY] = {"state": "exempt", "required": settings.TWO_FACTOR_REQUIRED}
