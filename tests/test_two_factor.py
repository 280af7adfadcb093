"""Two-factor login (TOTP app and recovery codes): set-up, the second login step, the rule that Steuerung and
administrators must use it when the installation says so, and every refusal."""

from __future__ import annotations

import time
from binascii import unhexlify
from urllib.parse import quote

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.factories import PASSWORD, UserFactory
from quartier import twofactor
from quartier.models import Quartier, User
from tests.conftest import count_queries

SETUP = "/konto/sicherheit/"
VERIFY = "/konto/anmelden/code/"
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret


def code_for(key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_code(key: str) -> str:
    """Six digits that are none of the codes the device accepts now (the current step ± 1)."""
    near = {code_for(key, step) for step in (-1, 0, 1)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333") if candidate not in near)


def with_app(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=twofactor.APP_DEVICE_NAME, key=KEY, confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name=twofactor.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in ("abcd2345", "wxyz6723"))
    return device


def password_login(client: Client, user: User) -> None:
    response = client.post("/konto/anmelden/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content


def allow_next_try(user: User) -> None:
    """Skip the back-off that a wrong code started (it is tested on its own)."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=None, throttling_failure_count=0)


@pytest.fixture
def steuerung(role_users: dict[str, User]) -> User:
    return role_users["steuerung"]


# Set-up ---------------------------------------------------------------------------------------------------------


def test_setting_up_the_app_shows_a_qr_code_and_the_key_and_confirms_with_a_code(
    client: Client, steuerung: User
) -> None:
    client.force_login(steuerung)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html and 'alt="QR-Code für Ihre Authenticator-App"' in html
    pending = twofactor.PendingApp(client.session[twofactor.PENDING_KEY])
    assert pending.secret.replace(" ", "") in html.replace(" ", "")
    assert pending.config_url(steuerung).startswith("otpauth://totp/Quartier%3A")

    done = client.post(SETUP, {"action": "confirm", "confirm-code": code_for(pending.key)})
    assert done.status_code == 200
    device = TOTPDevice.objects.get(user=steuerung)
    assert device.confirmed and device.key == pending.key
    codes = list(StaticToken.objects.filter(device__user=steuerung).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    assert "Bewahren Sie diese Codes sicher auf" in done.content.decode()
    assert twofactor.is_verified(done.wsgi_request)
    assert twofactor.PENDING_KEY not in client.session
    assert "App einrichten" not in done.content.decode()  # only the codes and "Weiter" now


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Dieses Feld ist zwingend erforderlich."),
        ("12345", "Geben Sie den sechsstelligen Code ein, den Ihre App anzeigt."),
        ("abcdef", "Geben Sie den sechsstelligen Code ein, den Ihre App anzeigt."),
        ("wrong", "Geben Sie den sechsstelligen Code ein, den Ihre App anzeigt."),
    ],
)
def test_a_bad_set_up_code_is_refused_and_nothing_is_saved(
    client: Client, steuerung: User, code: str, message: str
) -> None:
    client.force_login(steuerung)
    client.get(SETUP)
    response = client.post(SETUP, {"action": "confirm", "confirm-code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()


def test_a_code_of_another_secret_is_refused(client: Client, steuerung: User) -> None:
    client.force_login(steuerung)
    client.get(SETUP)
    wrong = wrong_code(client.session[twofactor.PENDING_KEY])
    response = client.post(SETUP, {"action": "confirm", "confirm-code": wrong})
    assert "Dieser Code passt nicht" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_the_set_up_expires_with_the_session_that_began_it(client: Client, steuerung: User) -> None:
    client.force_login(steuerung)
    response = client.post(SETUP, {"action": "confirm", "confirm-code": "123456"})
    assert "Die Einrichtung ist abgelaufen" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_new_phone_replaces_the_old_one_and_the_recovery_codes(client: Client, steuerung: User) -> None:
    old = with_app(steuerung)
    client.force_login(steuerung)
    session = client.session
    session[twofactor.SESSION_KEY] = {"state": "verified"}
    session.save()
    page = client.get(SETUP)
    assert "Auf ein neues Telefon umziehen" in page.content.decode()
    key = client.session[twofactor.PENDING_KEY]
    client.post(SETUP, {"action": "confirm", "confirm-code": code_for(key)})
    assert list(TOTPDevice.objects.values_list("key", flat=True)) == [key]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert StaticToken.objects.filter(device__user=steuerung).count() == 10


# The second step of the login ------------------------------------------------------------------------------------


def test_with_an_app_the_password_alone_opens_nothing_but_the_code_page(
    client: Client, area: Quartier, steuerung: User
) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    dashboard = area.get_absolute_url()
    for url in (dashboard, "/", "/abstimmungen/", SETUP, "/admin/", f"{dashboard}organisationen/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{VERIFY}?next={quote(url, safe='')}", url
    htmx = client.get(dashboard, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200
    assert client.get("/oeffentlich/kiez-am-kanal/gremien/").status_code in {200, 404}  # public pages stay open

    response = client.post(VERIFY, {"code": code_for(KEY), "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_a_wrong_code_is_refused_and_then_slowed_down(client: Client, area: Quartier, steuerung: User) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    first = client.post(VERIFY, {"code": wrong_code(KEY)})
    assert first.status_code == 200
    assert "Dieser Code ist nicht gültig" in first.content.decode()
    second = client.post(VERIFY, {"code": code_for(KEY)})  # even the right code, right after a wrong one
    assert "Zu viele falsche Codes. Bitte warten Sie" in second.content.decode()
    assert client.get(area.get_absolute_url()).status_code == 302
    allow_next_try(steuerung)
    assert client.post(VERIFY, {"code": code_for(KEY)}).status_code == 302
    assert client.get(area.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("code", ["", "   ", "12 34", "9" * 40, "abcd2345x", "' OR 1=1 --"])
def test_malformed_codes_are_refused(client: Client, steuerung: User, code: str) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not twofactor.is_verified(response.wsgi_request)


def test_one_app_code_opens_one_login_only(client: Client, steuerung: User) -> None:
    with_app(steuerung)
    code = code_for(KEY)
    password_login(client, steuerung)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/konto/abmelden/")
    password_login(client, steuerung)
    replay = client.post(VERIFY, {"code": code})
    assert "Dieser Code ist nicht gültig" in replay.content.decode()


def test_a_recovery_code_works_once(client: Client, area: Quartier, steuerung: User) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    assert client.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302  # as printed, case and dash ignored
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    client.post("/konto/abmelden/")
    password_login(client, steuerung)
    assert "Dieser Code ist nicht gültig" in client.post(VERIFY, {"code": "abcd2345"}).content.decode()


def test_the_next_page_must_be_on_this_site(client: Client, steuerung: User) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    response = client.post(VERIFY, {"code": code_for(KEY), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_logging_in_again_asks_for_a_new_code(client: Client, area: Quartier, steuerung: User) -> None:
    with_app(steuerung)
    password_login(client, steuerung)
    client.post(VERIFY, {"code": code_for(KEY)})
    client.post("/konto/abmelden/")
    password_login(client, steuerung)
    assert client.get(area.get_absolute_url())["Location"].startswith(VERIFY)


def test_without_an_app_the_code_page_sends_the_user_on(client: Client, steuerung: User) -> None:
    client.force_login(steuerung)
    assert client.get(f"{VERIFY}?next=/abstimmungen/")["Location"] == "/abstimmungen/"


# Required for Steuerung and administrators ----------------------------------------------------------------------


def test_when_required_steuerung_and_administrators_must_set_up_the_app_first(
    client: Client, area: Quartier, role_users: dict[str, User], superuser: User, settings: object
) -> None:
    settings.TWO_FACTOR_REQUIRED = True  # type: ignore[attr-defined]
    dashboard = area.get_absolute_url()
    for who in (role_users["steuerung"], superuser):
        client.force_login(who)
        response = client.get(dashboard)
        assert response["Location"] == f"{SETUP}?next={quote(dashboard, safe='')}", who
        assert client.get("/admin/")["Location"].startswith(SETUP)
        page = client.get(response["Location"])
        assert "Ihre Rolle verlangt die Zwei-Faktor-Anmeldung" in page.content.decode()
        client.post("/konto/abmelden/")
    for who in ("planung", "gwa", "koordination"):
        client.force_login(role_users[who])
        assert client.get(dashboard).status_code == 200, who
        client.post("/konto/abmelden/")
    juror = UserFactory(username="juror")
    client.force_login(juror)
    assert client.get("/abstimmungen/").status_code == 200


def test_when_required_it_cannot_be_switched_off(client: Client, steuerung: User, settings: object) -> None:
    settings.TWO_FACTOR_REQUIRED = True  # type: ignore[attr-defined]
    with_app(steuerung)
    password_login(client, steuerung)
    client.post(VERIFY, {"code": code_for(KEY)})
    page = client.get(SETUP).content.decode()
    assert "ausschalten" not in page.lower()
    response = client.post(SETUP, {"action": "disable", "disable-code": code_for(KEY, 1)})
    assert "ist für Ihre Rolle vorgeschrieben" in response.content.decode()
    assert TOTPDevice.objects.filter(user=steuerung).exists()


def test_switching_the_rule_on_reaches_sessions_that_passed_before(
    client: Client, area: Quartier, steuerung: User, settings: object
) -> None:
    client.force_login(steuerung)
    assert client.get(area.get_absolute_url()).status_code == 200
    settings.TWO_FACTOR_REQUIRED = True  # type: ignore[attr-defined]
    assert client.get(area.get_absolute_url())["Location"].startswith(SETUP)


# Recovery codes and switching off ---------------------------------------------------------------------------------


def _verified(client: Client, user: User) -> None:
    password_login(client, user)
    assert client.post(VERIFY, {"code": code_for(KEY)}).status_code == 302


def test_new_recovery_codes_need_an_app_code_and_replace_the_old_ones(client: Client, steuerung: User) -> None:
    with_app(steuerung)
    _verified(client, steuerung)
    refused = client.post(SETUP, {"action": "recovery", "recovery-code": "wxyz6723"})
    assert "Bestätigen Sie mit dem sechsstelligen Code aus Ihrer App." in refused.content.decode()
    assert StaticToken.objects.filter(token="wxyz6723").exists()
    wrong = client.post(SETUP, {"action": "recovery", "recovery-code": wrong_code(KEY)})
    assert "Dieser Code ist nicht gültig" in wrong.content.decode()
    allow_next_try(steuerung)
    done = client.post(SETUP, {"action": "recovery", "recovery-code": code_for(KEY, 1)})
    codes = list(StaticToken.objects.values_list("token", flat=True))
    assert len(codes) == 10 and "wxyz6723" not in codes
    assert all(code in done.content.decode() for code in codes)


def test_switching_off_needs_a_current_code(client: Client, steuerung: User) -> None:
    with_app(steuerung)
    _verified(client, steuerung)
    refused = client.post(SETUP, {"action": "disable", "disable-code": wrong_code(KEY)})
    assert "Dieser Code ist nicht gültig" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=steuerung).exists()
    allow_next_try(steuerung)
    done = client.post(SETUP, {"action": "disable", "disable-code": code_for(KEY, 1)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert "Die Zwei-Faktor-Anmeldung ist ausgeschaltet." in client.get(SETUP).content.decode()


def test_an_unknown_action_changes_nothing(client: Client, steuerung: User) -> None:
    with_app(steuerung)
    _verified(client, steuerung)
    response = client.post(SETUP, {"action": "delete-everything"})
    assert response.status_code == 302
    assert TOTPDevice.objects.exists() and StaticToken.objects.count() == 2


def test_without_an_app_there_is_nothing_to_renew_or_switch_off(client: Client, steuerung: User) -> None:
    client.force_login(steuerung)
    for action in ("recovery", "disable"):
        response = client.post(SETUP, {"action": action, f"{action}-code": "123456"}, follow=True)
        assert "Die Zwei-Faktor-Anmeldung ist für dieses Konto nicht eingerichtet." in response.content.decode()


# Cost ----------------------------------------------------------------------------------------------------------


def test_a_verified_session_costs_no_query_more_than_one_without_the_app(
    client: Client, area: Quartier, steuerung: User
) -> None:
    dashboard = area.get_absolute_url()
    client.force_login(steuerung)
    client.get(dashboard)
    without = count_queries(lambda: client.get(dashboard))
    client.post("/konto/abmelden/")
    with_app(steuerung)
    _verified(client, steuerung)
    client.get(dashboard)
    assert count_queries(lambda: client.get(dashboard)) == without


@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(code=st.one_of(st.text(max_size=40), st.integers(min_value=0, max_value=10**7).map(str)))
def test_no_made_up_code_is_an_error_or_a_login(client: Client, steuerung: User, code: str) -> None:
    if not TOTPDevice.objects.exists():
        with_app(steuerung)
    allow_next_try(steuerung)
    password_login(client, steuerung)
    response = client.post(VERIFY, {"code": code})
    accepted = code.strip() in {code_for(KEY, step) for step in (-1, 0, 1)} and response.status_code == 302
    assert response.status_code == 200 or accepted, response.status_code
    client.post("/konto/abmelden/")


@pytest.mark.parametrize("next_url", ["0", "dashboard", "https://example.org/"])
def test_a_next_address_that_is_not_a_path_here_leads_home(client: Client, steuerung: User, next_url: str) -> None:
    """redirect() took a "next" without a slash for the name of a view: "?next=0" was a server error."""
    client.force_login(steuerung)
    response = client.get(f"{VERIFY}?next={quote(next_url)}")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_two_factor_pages_cost_the_same_with_more_users_and_codes(
    client: Client, steuerung: User, assert_constant_queries: object
) -> None:
    """The set-up page and the code page read the user's own devices only, in a fixed number of queries."""
    with_app(steuerung)

    def grow() -> None:
        for _ in range(5):
            with_app(UserFactory())
        device = StaticDevice.objects.get(user=steuerung)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=StaticToken.random_token()) for _ in range(8))

    password_login(client, steuerung)
    assert_constant_queries(lambda: client.get(VERIFY), grow)  # type: ignore[operator]
    assert client.post(VERIFY, {"code": code_for(KEY)}).status_code == 302
    assert_constant_queries(lambda: client.get(SETUP), grow)  # type: ignore[operator]
