"""Friendly German pages for unknown URLs, server errors, refused permissions and CSRF failures."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from quartier.models import Quartier, User


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [path("kaputt/", broken_view)]


def test_unknown_url_gets_a_friendly_german_404(client: Client, db: None) -> None:
    response = client.get("/gibt/es/nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert "Traceback" not in html


def test_server_error_page_shows_no_internals(db: None, settings: object) -> None:
    settings.ROOT_URLCONF = __name__  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    response = client.get("/kaputt/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Etwas ist schiefgegangen" in html
    assert "hunter2" not in html and "RuntimeError" not in html


def test_forbidden_page_is_german(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["planung"])
    response = client.get(f"/gebiet/{area.slug}/verlauf/")
    assert response.status_code == 403
    assert "Nicht erlaubt" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_gets_a_clear_page_and_logs_nobody_in(role_users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/anmelden/", {"username": "gwa-user", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formular abgelaufen" in html
    assert "Nichts wurde gespeichert" in html
    assert "_auth_user_id" not in client.session
