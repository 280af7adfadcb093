"""Login by username or email, logout, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from demo.factories import PASSWORD, UserFactory, user_with_role
from quartier.models import Quartier, Role, User


@pytest.fixture
def gwa(area: Quartier) -> User:
    return user_with_role(area, Role.GEMEINWESENARBEIT, username="Gul", email="gul@example.org")


@pytest.mark.parametrize("login", ["Gul", "gul", "gul@example.org", "GUL@Example.org", "  gul  "])
def test_login_by_username_or_email_in_any_case(client: Client, gwa: User, login: str) -> None:
    response = client.post("/konto/anmelden/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # logged in: sent on to the dashboard
    assert int(client.session["_auth_user_id"]) == gwa.pk


def test_wrong_password_is_refused_with_a_german_message(client: Client, gwa: User) -> None:
    response = client.post("/konto/anmelden/", {"username": "gul", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername/E-Mail-Adresse oder Passwort ist falsch" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_login_form_shows_field_errors(client: Client, db: None) -> None:
    response = client.post("/konto/anmelden/", {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Dieses Feld ist zwingend erforderlich.") == 2


def test_inactive_user_cannot_log_in(client: Client, gwa: User) -> None:
    gwa.is_active = False
    gwa.save()
    response = client.post("/konto/anmelden/", {"username": "gul", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_two_accounts_with_the_same_email_cannot_exist(db: None) -> None:
    from django.db import IntegrityError, transaction

    UserFactory(username="a", email="same@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="b", email="SAME@example.org")


def test_a_user_name_that_is_another_accounts_email_address_logs_in_to_the_named_account(
    client: Client, db: None
) -> None:
    """Nothing stops an administrator from giving one account a user name that is another's email address: the
    name typed was then both and logged in to neither. The user name wins; the other logs in by its own name."""
    named = UserFactory(username="anna@example.org", email="")
    UserFactory(username="anna-b", email="Anna@Example.org")
    response = client.post("/konto/anmelden/", {"username": "ANNA@example.org", "password": PASSWORD})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == named.pk


def test_logout_needs_post_and_ends_the_session(client: Client, gwa: User) -> None:
    client.force_login(gwa)
    assert client.get("/konto/abmelden/").status_code == 405
    response = client.post("/konto/abmelden/")
    assert response.status_code == 302 and response["Location"] == "/konto/anmelden/"
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client: Client, gwa: User) -> None:
    response = client.post("/konto/passwort/vergessen/", {"email": "gul@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gul@example.org"]
    link = re.search(r"https?://[^/]+(/konto/passwort/neu/[^\s]+/)", message.body)
    assert link, message.body
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "Ein-neues-Passwort-2026", "new_password2": "Ein-neues-Passwort-2026"}
    )
    assert response.status_code == 302
    gwa.refresh_from_db()
    assert gwa.check_password("Ein-neues-Passwort-2026")


def test_password_reset_for_unknown_email_sends_nothing_and_tells_nothing(client: Client, db: None) -> None:
    response = client.post("/konto/passwort/vergessen/", {"email": "niemand@example.org"})
    assert response.status_code == 302  # same answer as for a known address
    assert mail.outbox == []


def test_password_reset_refuses_mismatched_passwords(client: Client, gwa: User) -> None:
    client.post("/konto/passwort/vergessen/", {"email": "gul@example.org"})
    path = re.search(r"(/konto/passwort/neu/[^\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(path).url
    response = client.post(form_url, {"new_password1": "Ein-neues-Passwort-2026", "new_password2": "anders-2026-x"})
    assert response.status_code == 200
    assert "Die beiden Passwörter sind nicht identisch." in response.content.decode()
    gwa.refresh_from_db()
    assert gwa.check_password(PASSWORD)


def test_a_used_or_forged_reset_link_is_refused(client: Client, gwa: User) -> None:
    response = client.get("/konto/passwort/neu/MQ/falsches-token/")
    assert response.status_code == 200
    assert "nicht mehr gültig" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/konto/anmelden/",
        "/konto/passwort/vergessen/",
        "/konto/passwort/vergessen/gesendet/",
        "/konto/passwort/neu/fertig/",
        "/konto/passwort/neu/MQ/falsches-token/",
    ],
)
def test_public_pages_query_count_does_not_grow(
    client: Client, area: Quartier, path: str, assert_constant_queries: object
) -> None:
    count = assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(path), lambda: [user_with_role(area, Role.PLANUNG) for _ in range(10)]
    )
    assert count <= 1
