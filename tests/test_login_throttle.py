"""Login throttling (django-axes) and password hashing (Argon2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client
from django.urls import reverse

from demo.factories import PASSWORD, UserFactory
from quartier.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _throttle_on(settings: object) -> None:
    settings.AXES_ENABLED = True  # type: ignore[attr-defined]
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]


def login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_for_a_while(client: Client) -> None:
    user = UserFactory(username="gwa-user")
    for _ in range(2):
        refused = login(client, "gwa-user", "falsch")
        assert refused.status_code == 200 and "Passwort ist falsch" in refused.content.decode()
    locked = login(client, "gwa-user", "falsch")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldungen" in text and "in 15 Minuten" in text
    assert login(client, "gwa-user", PASSWORD).status_code == 429  # the right password does not help now
    assert "_auth_user_id" not in client.session
    # The same name from another address, and another name from this address, are not locked.
    assert login(Client(), "gwa-user", PASSWORD, address="198.51.100.9").status_code == 302
    UserFactory(username="planung-user")
    assert login(Client(), "planung-user", PASSWORD).status_code == 302
    assert User.objects.get(pk=user.pk).is_active


def test_a_successful_login_forgets_the_failures(client: Client) -> None:
    UserFactory(username="gwa-user")
    login(client, "gwa-user", "falsch")
    login(client, "gwa-user", "falsch")
    assert login(client, "gwa-user", PASSWORD).status_code == 302
    client.logout()
    login(client, "gwa-user", "falsch")
    assert login(client, "gwa-user", PASSWORD).status_code == 302  # counting starts again


def test_behind_the_proxy_the_throttle_counts_the_address_the_proxy_saw(client: Client, settings: object) -> None:
    settings.BEHIND_PROXY = True  # type: ignore[attr-defined]
    UserFactory(username="gwa-user")

    def attempt(forwarded: str, password: str = "falsch"):
        return client.post(
            reverse("login"), {"username": "gwa-user", "password": password}, headers={"x-forwarded-for": forwarded}
        )

    for _ in range(3):
        attempt("1.2.3.4, 203.0.113.7")  # what the client claimed, then what the proxy saw
    assert attempt("5.6.7.8, 203.0.113.7", PASSWORD).status_code == 429  # a new claim does not help
    assert attempt("203.0.113.99", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2_by_the_production_settings() -> None:
    from django.conf import settings as django_settings
    from django.test import override_settings

    from quartier import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password("geheim-und-lang")
        assert encoded.startswith("argon2$") and check_password("geheim-und-lang", encoded)
    assert django_settings.PASSWORD_HASHERS != production.PASSWORD_HASHERS  # the tests use a fast hasher


# --- the lockout counts accounts, not spellings (issue #15, finding 7) -------------------------------------------


def test_every_spelling_of_a_locked_out_account_is_locked_out_too(client: Client) -> None:
    """Failures count for the account the name or address would log in to: after three wrong passwords typed
    in any mix of spellings, no spelling gets another guess, the right password included."""
    UserFactory(username="planung", email="Planung@Example.org")
    assert login(client, "planung", "falsch").status_code == 200
    assert login(client, "Planung", "falsch").status_code == 200
    assert login(client, "planung@example.org", "falsch").status_code == 429  # the third failure locks
    for spelling in (
        "planung",
        "Planung",
        "PLANUNG",
        " planung ",
        "pLaNuNg",
        "planung@example.org",
        "PLANUNG@EXAMPLE.ORG",
    ):
        refused = login(client, spelling, PASSWORD)
        assert refused.status_code == 429, spelling
        assert "Zu viele fehlgeschlagene Anmeldungen" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_case_variant_with_the_right_password_cannot_bypass_the_lockout(client: Client) -> None:
    UserFactory(username="planung")
    for _ in range(3):
        login(client, "planung", "falsch")
    assert login(client, "pLaNuNg", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_unknown_name_is_counted_under_its_case_folded_form(client: Client) -> None:
    login(client, "Niemand", "falsch")
    login(client, "NIEMAND", "falsch")
    assert login(client, "niemand", "falsch").status_code == 429
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"niemand"}


def test_a_successful_login_by_email_forgets_the_failures_of_every_spelling(client: Client) -> None:
    UserFactory(username="planung", email="planung@example.org")
    login(client, "PLANUNG", "falsch")
    login(client, "Planung", "falsch")
    assert login(client, "planung@example.org", PASSWORD).status_code == 302
    client.logout()
    login(client, "planung", "falsch")
    login(client, "planung", "falsch")
    assert login(client, "Planung", PASSWORD).status_code == 302  # counting started again at the success


def test_many_accounts_tried_from_one_address_lock_that_address(client: Client, settings: object) -> None:
    """Password spraying: one wrong guess for each of many accounts. The address as a whole has a limit of
    its own; other addresses are not affected, and a success there does not reset it."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4  # type: ignore[attr-defined]
    victims = [UserFactory(username=f"konto{n}") for n in range(5)]
    for victim in victims[:4]:
        login(client, victim.username, "falsch")
    locked = login(client, victims[4].username, PASSWORD)
    assert locked.status_code == 429
    assert "zu oft ein falsches Passwort eingegeben, für dieses Konto oder für mehrere" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(Client(), victims[4].username, PASSWORD, address="198.51.100.9").status_code == 302


def test_an_own_login_from_the_address_does_not_reset_the_guesses_at_other_accounts(
    client: Client, settings: object
) -> None:
    """An attacker with an account of their own cannot log in between guesses to start the count again."""
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 100  # type: ignore[attr-defined]
    UserFactory(username="opfer")
    UserFactory(username="angreifer")
    login(client, "opfer", "falsch")
    login(client, "opfer", "falsch")
    assert login(Client(), "angreifer", PASSWORD).status_code == 302
    assert login(client, "Opfer", "falsch").status_code == 429
    assert login(client, "opfer", PASSWORD).status_code == 429


def test_the_django_admin_login_counts_the_same_way(client: Client) -> None:
    UserFactory(username="chefin", is_staff=True, is_superuser=True)
    for spelling in ("chefin", "Chefin", "CHEFIN"):
        client.post("/admin/login/", {"username": spelling, "password": "falsch"}, REMOTE_ADDR="203.0.113.7")
    response = client.post("/admin/login/", {"username": "cHeFiN", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429


# --- guesses spread over many addresses (attack on finding 7) ------------------------------------------------------


def test_an_ipv6_client_is_counted_by_its_network_not_by_each_of_its_addresses(client: Client) -> None:
    """A home connection gets a /64 network of IPv6 addresses and may use any of them: each new address got
    another round of guesses."""
    UserFactory(username="planung")
    for host in (1, 2, 3):
        login(Client(), "planung", "falsch", address=f"2001:db8:1:2::{host}")
    assert login(Client(), "planung", PASSWORD, address="2001:db8:1:2:ffff:ffff:ffff:ffff").status_code == 429
    assert login(Client(), "planung", PASSWORD, address="2001:db8:1:3::1").status_code == 302  # another network


def test_guesses_at_one_account_from_many_addresses_lock_it_except_where_it_logged_in_before(
    client: Client, settings: object
) -> None:
    """Two guesses from each of many addresses (a botnet): the account as a whole has a limit of its own. The
    addresses it has logged in from before are not locked by guesses from elsewhere, so nobody locks the office
    out of its own account."""
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6  # type: ignore[attr-defined]
    UserFactory(username="steuerung")
    office = "198.51.100.20"
    assert login(Client(), "steuerung", PASSWORD, address=office).status_code == 302
    spellings = ("steuerung", "STEUERUNG", "Steuerung")
    for number in range(5):
        guess = login(Client(), spellings[number % 3], "falsch", address=f"203.0.113.{number + 1}")
        assert guess.status_code == 200
    assert login(Client(), "steuerung", "falsch", address="203.0.113.6").status_code == 429  # the sixth locks
    locked = login(Client(), "Steuerung", PASSWORD, address="203.0.113.99")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Für dieses Konto wurde von mehreren Verbindungen aus zu oft ein falsches Passwort" in text
    assert login(Client(), "steuerung", PASSWORD, address=office).status_code == 302


def test_a_new_password_set_by_the_reset_link_opens_the_locked_out_account(client: Client) -> None:
    """The lockout page sends whoever forgot their password to the reset: with the new password set by the
    mailed link, the login works at once (the guesses were at the old password); other accounts' counts stay."""
    import re

    from axes.models import AccessAttempt
    from django.core import mail

    UserFactory(username="planung", email="planung@example.org")
    UserFactory(username="andere")
    login(client, "andere", "falsch")
    for _ in range(3):
        login(client, "planung", "falsch")
    assert login(client, "planung", PASSWORD).status_code == 429
    client.post("/konto/passwort/vergessen/", {"email": "planung@example.org"})
    path = re.search(r"(/konto/passwort/neu/[^\s]+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    new = {"new_password1": "Ein-neues-Passwort-2026", "new_password2": "Ein-neues-Passwort-2026"}
    assert client.post(client.get(path).url, new).status_code == 302
    assert login(client, "planung", "Ein-neues-Passwort-2026").status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["andere"]
