"""A database outage met by a request: HTTP 503 with a German message (quartier/outage.py), never a 500.

The restart of a real PostgreSQL while jurors vote is in tests/test_fault_postgres.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.http import require_http_methods

from committees.models import Ballot, Committee, Membership, Vote
from committees.services.ballots import ballot_open
from demo.factories import UserFactory
from fonds.models import Application, Fund
from tests.committees.fixtures import make_ballot

ANY_MOMENT = "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einem Moment noch einmal."
MAYBE_NOT_SAVED = (
    "Die Datenbank ist gerade nicht erreichbar: Was Sie eben abgeschickt haben, wurde möglicherweise nicht "
    "gespeichert. Bitte versuchen Sie es in einem Moment noch einmal."
)


@require_http_methods(["GET", "POST"])
def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken_query(request: HttpRequest) -> HttpResponse:
    raise ProgrammingError('relation "nowhere" does not exist')


urlpatterns = [path("weg/", database_gone), path("kaputt/", broken_query)]


@pytest.fixture
def outage_urls(settings: object) -> None:
    settings.ROOT_URLCONF = __name__  # type: ignore[attr-defined]


def assert_outage(response: HttpResponse) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    return response.content.decode()


def test_a_page_the_database_fails_is_a_german_503_page(client: Client, db: None, outage_urls: None) -> None:
    html = assert_outage(client.get("/weg/?seite=2"))
    assert '<html lang="de">' in html and "<h1>Kurz nicht erreichbar</h1>" in html
    assert ANY_MOMENT in html
    assert '<a href="/weg/?seite=2">Seite neu laden</a>' in html
    assert "OperationalError" not in html and "127.0.0.1" not in html


def test_a_form_the_database_fails_says_it_may_not_be_saved(client: Client, db: None, outage_urls: None) -> None:
    html = assert_outage(client.post("/weg/"))
    assert MAYBE_NOT_SAVED in html and "Seite neu laden" not in html


def test_htmx_gets_only_the_notice_and_where_it_goes(client: Client, db: None, outage_urls: None) -> None:
    response = client.post("/weg/", headers={"HX-Request": "true"})
    html = assert_outage(response)
    assert response["HX-Reswap"] == "beforeend"  # static/js/outage.js swaps a 503 only with this header
    assert html.strip() == f'<p class="message message--error outage-notice" role="alert">{MAYBE_NOT_SAVED}</p>'


def test_other_database_errors_stay_server_errors(db: None, outage_urls: None) -> None:
    response = Client(raise_request_exception=False).get("/kaputt/")
    assert response.status_code == 500 and "Etwas ist schiefgegangen" in response.content.decode()


def test_an_outage_met_in_a_middleware_is_a_503_too(
    db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A signed-in visitor's user is first loaded from the session by a middleware (the audit log's), where
    Django would answer with its 500 page; the outage middleware answers instead, with the same headers."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    def unreachable(self: object) -> dict:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", unreachable)
    response = client.get("/abstimmungen/")
    html = assert_outage(response)
    assert ANY_MOMENT in html
    assert response["X-Frame-Options"] == "DENY"
    assert "Database unreachable, answered GET /abstimmungen/ with 503" in caplog.text


def test_an_answered_outage_is_one_log_line_not_a_server_error(
    db: None, outage_urls: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Django's own records of the 500 and the 503 (each mailed to ADMINS) are held back; others are not."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    def unreachable(self: object) -> dict:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", unreachable)
    caplog.clear()
    client.get("/abstimmungen/")
    client.get("/weg/")
    monkeypatch.undo()
    assert [record.name for record in caplog.records] == ["quartier.outage", "quartier.outage"]
    caplog.clear()
    Client(raise_request_exception=False).get("/kaputt/")
    assert [(record.name, record.getMessage()) for record in caplog.records] == [
        ("django.request", "Internal Server Error: /kaputt/")
    ]


# --- Redis away (issue #15, finding 15) ---------------------------------------------------------------------------

CACHE_GONE = (
    "Ein Teil des Systems ist gerade nicht erreichbar: Was Sie eben abgeschickt haben, wurde möglicherweise nicht "
    "gespeichert. Bitte versuchen Sie es in einem Moment noch einmal."
)


@pytest.fixture
def redis_away(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call of the cache's Redis client fails as it does when Redis is stopped."""
    import redis
    from django.core.cache import caches

    def refused(self: object, *args: object, **kwargs: object) -> None:
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # The client class the configured cache uses (quartier.cache's, which keeps one client per pool).
    monkeypatch.setattr(type(caches["default"]._cache), "get_client", refused)


def test_the_public_form_with_redis_away_is_the_german_503_page_and_saves_nothing(
    aktionsfonds: Fund, redis_away: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The rate limit of the public application form asks Redis first."""
    fund = aktionsfonds
    form = {
        "last_name": "Yıldız",
        "email": "aylin@example.org",
        "age_confirmed": "on",
    }
    url = f"/oeffentlich/{fund.area.slug}/fonds/{fund.pk}/antrag/"
    response = Client(raise_request_exception=False).post(url, form)
    html = assert_outage(response)
    assert '<html lang="de">' in html and CACHE_GONE in html
    assert "ConnectionError" not in html and "6379" not in html
    assert not Application.objects.exists()
    assert [record.name for record in caplog.records if record.levelname in {"ERROR", "WARNING"}] == ["quartier.outage"]


def test_the_import_with_redis_away_is_the_german_503_page_and_imports_nothing(
    db: None, redis_away: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import keeps the checked rows in Redis between the preview and the confirmation: both steps."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actors.models import Organisation
    from demo.factories import QuartierFactory, user_with_role
    from quartier.models import Role

    area = QuartierFactory(slug="kiez")
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(area, Role.GEMEINWESENARBEIT))
    upload = SimpleUploadedFile("liste.csv", b"Name;PLZ\nKita Sonnenschein;12345\n")
    response = client.post("/gebiet/kiez/import/", {"kind": "organisations", "file": upload})
    assert CACHE_GONE in assert_outage(response)
    response = client.post("/gebiet/kiez/import/bestaetigen/", {"token": "a" * 32}, headers={"HX-Request": "true"})
    assert CACHE_GONE in assert_outage(response)
    assert response["HX-Reswap"] == "beforeend"
    assert not Organisation.objects.exists()


@pytest.fixture
def ballot(jury: Committee, jurors: list[Membership], now: datetime.datetime) -> Ballot:
    return ballot_open(ballot=make_ballot(jury, items=2), by=UserFactory(), now=now)


@pytest.fixture
def voting_juror(client: Client, ballot: Ballot, jurors: list[Membership]) -> tuple[Ballot, Membership]:
    client.force_login(jurors[0].user)
    return ballot, jurors[0]


def database_gone_while_voting(**kwargs: object) -> None:
    raise OperationalError("terminating connection due to administrator command")


def test_a_vote_the_database_fails_gets_the_notice_and_stores_nothing(
    client: Client, voting_juror: tuple[Ballot, Membership], monkeypatch: pytest.MonkeyPatch
) -> None:
    ballot, juror = voting_juror
    item = ballot.items.order_by("position").first()

    monkeypatch.setattr("committees.views.members.vote_cast", database_gone_while_voting)
    url = f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/"
    response = client.post(url, {"action": "vote", "choice": "ja"}, headers={"HX-Request": "true"})
    assert MAYBE_NOT_SAVED in assert_outage(response)
    assert not Vote.objects.exists()

    monkeypatch.undo()
    response = client.post(url, {"action": "vote", "choice": "ja"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Ihre Stimme zu „Antrag 1“ ist gespeichert." in response.content.decode()
    assert Vote.objects.get(membership=juror).choice == "ja"


def test_every_page_loads_the_script_that_shows_the_notice(
    client: Client, voting_juror: tuple[Ballot, Membership]
) -> None:
    ballot, _juror = voting_juror
    html = client.get(f"/abstimmungen/{ballot.pk}/").content.decode()
    assert '<script src="/static/js/outage.js" defer></script>' in html


@pytest.mark.browser
def test_the_juror_sees_the_notice_beside_the_item_and_can_vote_once_the_database_is_back(
    phone_page, visit, browser_login, axe_check, ballot: Ballot, jurors: list[Membership], monkeypatch
) -> None:
    from playwright.sync_api import expect

    from tests.browser.fixtures import german

    page = phone_page
    browser_login(page, jurors[0].user)
    visit(page, f"/abstimmungen/{ballot.pk}/")
    item = ballot.items.order_by("position").first()
    card = page.locator(f"#item-{item.pk}")

    monkeypatch.setattr("committees.views.members.vote_cast", database_gone_while_voting)
    card.get_by_role("button", name=german("Yes")).click()
    expect(card.get_by_role("alert")).to_have_text(MAYBE_NOT_SAVED)
    expect(card.get_by_role("button", name=german("Yes"))).to_have_attribute("aria-pressed", "false")
    card.get_by_role("button", name=german("Yes")).click()  # still away: one notice, not two
    expect(page.locator(".outage-notice")).to_have_count(1)
    axe_check(page)

    monkeypatch.undo()
    card.get_by_role("button", name=german("Yes")).click()
    expect(card.get_by_role("status")).to_have_text("Ihre Stimme zu „Antrag 1“ ist gespeichert.")
    expect(page.locator(".outage-notice")).to_have_count(0)
    assert Vote.objects.get(item=item, membership=jurors[0]).choice == "ja"


@pytest.mark.django_db(transaction=True)
def test_an_invitation_with_the_task_queue_away_is_the_german_503_page_and_can_be_sent_again(
    jury: Committee, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, now: datetime.datetime
) -> None:
    """The invitation is handed to Celery after the commit; with Redis (its broker) away, kombu raises its own
    ``OperationalError``, which was a server error. The meeting stays invited, so sending again works."""
    import datetime

    import kombu.exceptions

    from committees.models import AgendaItem, Meeting
    from committees.tasks import send_meeting_invitations
    from demo.factories import user_with_role
    from quartier.models import Role

    def broker_away(*args: object, **kwargs: object) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    meeting = Meeting.objects.create(committee=jury, starts_at=now + datetime.timedelta(days=7), place="Büro")
    AgendaItem.objects.create(meeting=meeting, position=1, title="Begrüßung")
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(jury.area, Role.GEMEINWESENARBEIT))
    url = f"/gebiet/{jury.area.slug}/gremien/sitzungen/{meeting.pk}/status/"
    monkeypatch.setattr(send_meeting_invitations, "delay", broker_away)
    html = assert_outage(client.post(url, {"action": "invite"}))
    assert CACHE_GONE in html and "6379" not in html
    assert [record.name for record in caplog.records if record.levelname in {"ERROR", "WARNING"}] == ["quartier.outage"]
    sent: list[int] = []
    monkeypatch.setattr(send_meeting_invitations, "delay", sent.append)
    assert client.post(url, {"action": "invite"}).status_code == 302
    assert sent == [meeting.pk] and Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.INVITED
