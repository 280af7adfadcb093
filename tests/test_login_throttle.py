"""Login throttling (django-axes) and password hashing (Argon2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client
from django.urls import reverse

from quartier.models import User
from tests.factories import PASSWORD, UserFactory

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
