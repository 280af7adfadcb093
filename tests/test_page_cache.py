"""The page cache (quartier/pagecache.py): a kept page is served only while nothing it shows can have
changed, only to the session it was built for, and never when Redis is away."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from psycopg import sql as psql

from committees.models import Ballot, Committee, Membership
from committees.services.ballots import ballot_open
from committees.services.members import sync_member_permissions
from quartier import pagecache
from quartier.models import Quartier, RoleAssignment, User
from quartier.services import role_revoke
from tests.committees.fixtures import NOW, make_ballot
from tests.conftest import count_queries
from tests.factories import UserFactory


def built_and_kept(client: Client, url: str) -> str:
    """Open ``url`` until it is kept, then once more: that answer must come from the cache (no view ran).

    The first visit of a new session sets the CSRF cookie and remembers the area in the session, and a
    page that changed the session is not kept; so it may take two visits. Returns the HTML."""
    first = client.get(url)
    assert first.status_code == 200
    if first.context is not None:
        first = client.get(url)
    second: list[object] = []
    queries = count_queries(lambda: second.append(client.get(url)))
    response = second[0]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.context is None, "the second answer was built, not served from the cache"  # type: ignore[attr-defined]
    assert queries <= 2, f"a kept page cost {queries} queries"  # the session and the user
    assert response.content == first.content  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def was_built(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response.context is not None, "the page came from the cache"
    return response.content.decode()


@pytest.fixture
def office(client: Client, area: Quartier, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["steuerung"])
    return client


def test_an_unchanged_page_is_served_for_the_session_and_the_user(office: Client, area: Quartier) -> None:
    html = built_and_kept(office, area.get_absolute_url())
    assert "<h1>Kiez am Kanal</h1>" in html


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda area: Quartier.objects.filter(pk=area.pk).update(name="Kiez am Hafen"), id="update"),
        pytest.param(
            lambda area: connection.cursor().execute(
                "update quartier_quartier set name = 'Kiez am Hafen' where id = %s", [area.pk]
            ),
            id="raw-sql",
        ),
    ],
)
def test_any_write_to_the_database_makes_the_kept_pages_unreachable(office: Client, area: Quartier, write) -> None:  # type: ignore[no-untyped-def]
    built_and_kept(office, area.get_absolute_url())
    write(area)
    assert "<h1>Kiez am Hafen</h1>" in was_built(office, area.get_absolute_url())


def test_a_save_through_the_orm_makes_them_unreachable(office: Client, area: Quartier) -> None:
    built_and_kept(office, area.get_absolute_url())
    area.name = "Kiez am Hafen"
    area.save()
    assert "<h1>Kiez am Hafen</h1>" in was_built(office, area.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_again_when_the_transaction_commits(area: Quartier) -> None:
    """A page built between the write and the commit shows the old data: the commit must leave it behind."""
    with transaction.atomic():
        start = pagecache._generation()
        area.name = "Kiez am Hafen"
        area.save()
        area.save()
        during = pagecache._generation()
        assert [entry[1] for entry in connection.run_on_commit].count(pagecache._after_commit) == 1
    assert start is not None and during is not None and during > start  # seen by the transaction itself
    assert pagecache._generation() == during + 1  # and once more after the commit


def test_reading_does_not_move_the_generation(area: Quartier) -> None:
    start = pagecache._generation()
    list(Quartier.objects.select_for_update().filter(pk=area.pk))
    assert Quartier.objects.count() >= 1
    assert pagecache._generation() == start


def test_a_session_written_does_not_move_it(office: Client, area: Quartier) -> None:
    built_and_kept(office, area.get_absolute_url())
    session = office.session
    session["something"] = 1
    session.save()
    built_and_kept(office, area.get_absolute_url())


def test_any_post_makes_them_unreachable_even_if_it_wrote_nothing(office: Client, area: Quartier) -> None:
    built_and_kept(office, area.get_absolute_url())
    response = office.post(f"/gebiet/{area.slug}/profil/", {"name": ""})  # refused: nothing written
    assert response.status_code in {200, 422}
    was_built(office, area.get_absolute_url())


def test_another_person_never_gets_the_page_kept_for_someone_else(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["steuerung"])
    built_and_kept(client, area.get_absolute_url())
    other = Client()
    other.force_login(role_users["koordination"])
    html = was_built(other, area.get_absolute_url())
    assert 'id="changes-heading"' not in html  # only Steuerung sees the recent changes


def test_a_logged_out_session_is_not_served_what_it_saw(office: Client, area: Quartier) -> None:
    cookies = {name: morsel.value for name, morsel in office.cookies.items()}
    built_and_kept(office, area.get_absolute_url())
    office.post("/konto/abmelden/")
    replay = Client()
    for name, value in cookies.items():
        replay.cookies[name] = value
    response = replay.get(area.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")


def test_a_role_taken_away_is_felt_at_once(office: Client, area: Quartier, role_users: dict[str, User]) -> None:
    built_and_kept(office, area.get_absolute_url())
    role_revoke(assignment=RoleAssignment.objects.get(user=role_users["steuerung"]), by=None)
    assert office.get(area.get_absolute_url()).status_code == 404


def test_a_session_owing_its_second_factor_is_not_served(
    office: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    built_and_kept(office, area.get_absolute_url())
    with mock.patch("quartier.twofactor.session_is_open", return_value=False):
        response = office.get(area.get_absolute_url())
    assert response.context is not None


def test_a_waiting_message_is_shown_not_a_kept_page(office: Client, area: Quartier) -> None:
    url = area.get_absolute_url()
    built_and_kept(office, url)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Die Nachricht wartet.")
    carrier = HttpResponse()
    storage.update(carrier)
    office.cookies["messages"] = carrier.cookies["messages"].value
    assert "Die Nachricht wartet." in was_built(office, url)
    again = office.get(url)  # the page that showed it was not kept: the one from before is served again
    assert again.context is None and "Die Nachricht wartet." not in again.content.decode()


def test_htmx_requests_are_kept_apart_from_whole_pages(office: Client, area: Quartier) -> None:
    url = area.get_absolute_url()
    whole = built_and_kept(office, url)
    assert "<html" in whole
    first = office.get(url, headers={"HX-Request": "true", "HX-Target": "main"})
    assert first.context is not None  # not the whole page kept for the same address
    second = office.get(url, headers={"HX-Request": "true", "HX-Target": "main"})
    assert second.context is None and second.content == first.content


def test_a_juror_can_no_longer_vote_once_the_deadline_passed(
    client: Client, jury: Committee, jurors: list[Membership]
) -> None:
    sync_member_permissions(committee=jury)
    ballot = ballot_open(ballot=make_ballot(jury, items=2, hours=2), by=UserFactory(), now=NOW)
    client.force_login(jurors[0].user)
    url = f"/abstimmungen/{ballot.pk}/"
    html = built_and_kept(client, url)
    assert "Ja" in html and 'name="choice"' in html
    later = ballot.deadline + datetime.timedelta(minutes=1)
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN  # not closed yet by the task
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(url)
    assert response.context is not None and response.context["can_vote"] is False


def test_without_the_csrf_cookie_a_page_is_built(office: Client, area: Quartier) -> None:
    built_and_kept(office, area.get_absolute_url())
    del office.cookies["csrftoken"]
    was_built(office, area.get_absolute_url())


def test_only_a_permission_checked_html_page_is_kept(office: Client, area: Quartier) -> None:
    office.get("/konto/sicherheit/")
    assert office.get("/konto/sicherheit/").context is not None  # not an area page
    export = f"/gebiet/{area.slug}/akteure/organisationen/?export=csv"
    office.get(export)
    assert count_queries(lambda: office.get(export)) > 2


def test_redis_away_builds_every_page(office: Client, area: Quartier) -> None:
    built_and_kept(office, area.get_absolute_url())
    with mock.patch("quartier.pagecache.cache.get", side_effect=ConnectionError("Redis is away")):
        was_built(office, area.get_absolute_url())
        was_built(office, area.get_absolute_url())
    built_and_kept(office, area.get_absolute_url())


def test_a_write_while_redis_is_away_drops_the_kept_pages_once_it_is_back(office: Client, area: Quartier) -> None:
    url = area.get_absolute_url()
    built_and_kept(office, url)
    with mock.patch("quartier.pagecache.cache.incr", side_effect=ConnectionError("Redis is away")):
        area.name = "Kiez am Hafen"
        area.save()  # the write itself goes through; the generation could not move
        assert "<h1>Kiez am Hafen</h1>" in was_built(office, url)  # nothing is served meanwhile
        assert "<h1>Kiez am Hafen</h1>" in was_built(office, url)
    assert "<h1>Kiez am Hafen</h1>" in was_built(office, url)  # Redis back: the move is made first
    assert "<h1>Kiez am Hafen</h1>" in built_and_kept(office, url)


def test_a_restore_is_refused_while_redis_cannot_drop_the_kept_pages(db: None) -> None:
    away = mock.patch("quartier.pagecache.cache.incr", side_effect=ConnectionError("Redis is away"))
    with away, pytest.raises(ConnectionError):
        pagecache.move_generation(strict=True)


def test_a_kept_page_remembers_its_area_for_the_start_page(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    from quartier.services import role_grant

    user = role_users["steuerung"]
    role_grant(user=user, quartier=other_area, role="steuerung", by=None)
    client.force_login(user)
    built_and_kept(client, area.get_absolute_url())
    client.get(other_area.get_absolute_url())
    assert client.get("/")["Location"] == other_area.get_absolute_url()
    assert client.get(area.get_absolute_url()).context is None  # kept
    assert client.get("/")["Location"] == area.get_absolute_url()


def test_switched_off_nothing_is_kept(office: Client, area: Quartier, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE_SECONDS = 0
    was_built(office, area.get_absolute_url())
    was_built(office, area.get_absolute_url())


def test_moving_the_generation_starts_a_fresh_counter_in_an_emptied_redis(db: None) -> None:
    from django.core.cache import cache

    cache.delete(pagecache.GENERATION_KEY)
    pagecache.move_generation()
    assert pagecache._generation() > 1_700_000_000_000_000  # from the clock: never a number used before


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "quartier_quartier"."id" FROM "quartier_quartier"', False),
        ("  select 1 for update", False),
        ("SAVEPOINT s1", False),
        ('INSERT INTO "fonds_application" ("title") VALUES (%s)', True),
        ("with moved as (update quartier_quartier set name = 'x' returning id) select * from moved", True),
        ("SELECT 1; DELETE FROM quartier_quartier", True),
        ("/* a comment */ SELECT 1", True),  # not sure: counted as a write
        ('UPDATE "django_session" SET "session_data" = %s', False),  # sessions: the key holds them
        ('DELETE FROM "django_session" WHERE "session_key" = %s', False),
        ('TRUNCATE "quartier_quartier", "django_session" CASCADE', True),  # flush: everything goes
        ("EXPLAIN ANALYZE UPDATE quartier_quartier SET name = 'x'", True),  # EXPLAIN ANALYZE runs it
        (psql.SQL("UPDATE {} SET name = 'x'").format(psql.Identifier("quartier_quartier")), True),  # not a str
    ],
)
def test_what_counts_as_a_write(sql: object, writes: bool) -> None:
    assert pagecache.is_write(sql) is writes


def test_a_new_release_finds_none_of_the_pages_kept_by_the_one_before(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "base.html"
    template.write_text("<title>Quartier</title>")
    settings.BASE_DIR = tmp_path
    pagecache.release.cache_clear()
    try:
        before = pagecache.release()
        pagecache.release.cache_clear()
        assert pagecache.release() == before  # the same files: the same release
        template.write_text("<title>Quartier 2</title>")
        pagecache.release.cache_clear()
        assert pagecache.release() != before
    finally:
        pagecache.release.cache_clear()
