"""The API's behaviour: pages with links, filters (and their refusals), conditional GET, CORS on its answers only,
tombstones of what is gone, and a fixed number of queries for every list and object."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from committees.models import AgendaItem, Committee, Meeting, Tombstone
from committees.oparl import views
from committees.services.committees import membership_update
from committees.services.meetings import agenda_item_delete
from demo.factories import UserFactory
from quartier.models import Quartier
from tests.oparl.world import DAY, World, build, grow


@pytest.fixture
def world(area: Quartier, other_area: Quartier) -> World:
    return build(area, other_area)


def base(world: World) -> str:
    return f"/oparl/v1/body/{world.area.pk}/"


def local(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


@pytest.mark.django_db
def test_lists_come_in_pages_linked_by_next(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    grow(world)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    everything = client.get(base(world) + "membership/").json()
    assert everything["pagination"]["totalElements"] == everything["pagination"]["totalPages"] * 2 - (
        everything["pagination"]["totalElements"] % 2
    )
    ids, url, pages = [], base(world) + "membership/", 0
    while url:
        page = client.get(local(url)).json()
        pages += 1
        assert page["pagination"]["currentPage"] == pages and len(page["data"]) <= 2
        ids += [obj["id"] for obj in page["data"]]
        url = page["links"].get("next")
    assert pages == everything["pagination"]["totalPages"] > 1
    assert len(ids) == len(set(ids)) == everything["pagination"]["totalElements"]


@pytest.mark.django_db
def test_next_links_keep_the_filters(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    grow(world)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    page = client.get(base(world) + "membership/", {"modified_since": "2000-01-01T00:00:00+01:00"}).json()
    assert "modified_since=2000-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["next"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organization", "person", "membership", "meeting", "agendaItem", "paper", "file"])
def test_filters_by_creation_and_change(client: Client, world: World, kind: str) -> None:
    url = base(world) + kind + "/"
    assert client.get(url).json()["data"]
    later = (timezone.now() + DAY).isoformat()
    earlier = (timezone.now() - DAY).isoformat()
    assert client.get(url, {"modified_since": later}).json()["data"] == []
    assert client.get(url, {"created_since": later}).json()["data"] == []
    assert client.get(url, {"modified_until": earlier}).json()["data"] == []
    assert client.get(url, {"created_until": earlier}).json()["data"] == []
    assert client.get(url, {"modified_since": earlier, "modified_until": later}).json()["data"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"modified_since": "gestern"}, "modified_since"),
        ({"created_since": "2026-13-01T00:00:00"}, "created_since"),
        ({"modified_until": "2026-01-01T25:00:00+01:00"}, "modified_until"),
        ({"created_until": "1.1.2026"}, "created_until"),
        ({"page": "zwei"}, "page"),
        ({"page": "0"}, "page"),
    ],
)
def test_malformed_filters_are_refused_with_400(client: Client, world: World, query: dict[str, str], says: str) -> None:
    response = client.get(base(world) + "meeting/", query)
    assert response.status_code == 400
    assert says in response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01",
        "2026-01-01 10:00:00",
        "2026-01-01T10:00:00 01:00",  # a "+" not encoded arrives as a space
        "2026-01-01T10:00:00Z",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_odd_but_wellformed_times_never_fail(client: Client, world: World, value: str) -> None:
    response = client.get(base(world) + "meeting/", {"modified_since": value})
    assert response.status_code in {200, 400}, value
    assert response.json()


@pytest.mark.django_db
def test_a_page_beyond_the_last_is_404(client: Client, world: World) -> None:
    assert client.get(base(world) + "meeting/", {"page": "2"}).status_code == 404


@pytest.mark.django_db
def test_conditional_get_answers_304(client: Client, world: World) -> None:
    url = f"{base(world)}meeting/{world.approved.pk}/"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    listed = client.get(base(world) + "meeting/")
    assert client.get(base(world) + "meeting/", headers={"if-none-match": listed["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_cors_is_open_on_the_api_only(client: Client, world: World) -> None:
    assert client.get("/oparl/v1/")["Access-Control-Allow-Origin"] == "*"
    assert client.get("/oparl/v1/body/")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get(f"/oeffentlich/{world.area.slug}/")
    assert client.post("/oparl/v1/").status_code == 405  # read-only
    preflight = client.options(base(world) + "meeting/", headers={"access-control-request-headers": "if-none-match"})
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.django_db
def test_ids_are_absolute_under_the_site_url(client: Client, world: World, settings: Any) -> None:
    settings.SITE_URL = "https://quartier.example.org/"
    system = client.get("/oparl/v1/").json()  # asked by "testserver": the id names the site all the same
    assert system["id"] == "https://quartier.example.org/oparl/v1/"
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    assert system["body"] == "https://quartier.example.org/oparl/v1/body/"


@pytest.mark.django_db
def test_legislative_terms_follow_the_councils_term_from_the_funding_start(client: Client, world: World) -> None:
    world.area.funding_start, world.area.funding_end = 2019, 2024
    world.area.save()
    world.jury.term_years = 3
    world.jury.save()
    terms = client.get(base(world) + "legislativeTerm/").json()["data"]
    assert [(term["startDate"], term["endDate"]) for term in terms] == [
        ("2019-01-01", "2021-12-31"),
        ("2022-01-01", "2024-12-31"),
    ]
    assert client.get(base(world) + "legislativeTerm/2022/").json()["name"]


@pytest.mark.django_db
def test_withdrawn_consent_leaves_tombstones_and_given_again_lifts_them(client: Client, world: World) -> None:
    staff = UserFactory()
    person_url = f"{base(world)}person/{world.named.person_id}/"
    membership_url = f"{base(world)}membership/{world.named.pk}/"
    membership_update(membership=world.named, data={"named_publicly": False}, by=staff)
    for url in (person_url, membership_url):
        gone = client.get(url).json()
        assert gone["deleted"] is True and "name" not in gone and "organization" not in gone
    since = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    persons = client.get(base(world) + "person/", {"modified_since": since}).json()["data"]
    assert [obj["id"] for obj in persons] == [f"http://localhost:8000{person_url}"]
    organization = client.get(f"{base(world)}organization/{world.jury.pk}/").json()
    assert organization["membership"] == []
    membership_update(membership=world.named, data={"named_publicly": True}, by=staff)
    assert client.get(person_url).json()["deleted"] is False
    assert not Tombstone.objects.exists()


@pytest.mark.django_db
def test_deleted_meetings_and_published_agenda_items_stay_as_tombstones(client: Client, world: World) -> None:
    staff = UserFactory()
    item = AgendaItem.objects.create(meeting=world.coming, position=1, title="Neuer Punkt")
    agenda_item_delete(item=item, by=staff)
    assert not Tombstone.objects.filter(kind="agendaItem").exists()  # never shown: the minutes were not approved
    published = world.approved.items.get(position=2)
    published_pk = published.pk
    published.delete()  # in the admin, say
    gone = client.get(f"{base(world)}agendaItem/{published_pk}/").json()
    assert gone["deleted"] is True and "name" not in gone
    pk = world.coming.pk
    world.coming.delete()
    gone = client.get(f"{base(world)}meeting/{pk}/").json()
    assert gone == {
        "id": f"http://localhost:8000{base(world)}meeting/{pk}/",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "created": gone["created"],
        "modified": gone["modified"],
        "deleted": True,
    }
    listed = client.get(base(world) + "meeting/").json()["data"]
    assert [obj["id"] for obj in listed if obj["deleted"]] == [gone["id"]]


@pytest.mark.django_db
def test_a_committee_deleted_leaves_tombstones_of_everything_it_showed(client: Client, world: World) -> None:
    jury_pk, meeting_pk, item_pk = world.jury.pk, world.approved.pk, world.decided.pk
    world.jury.delete()
    gone = set(Tombstone.objects.values_list("kind", "key"))
    assert {
        ("organization", jury_pk),
        ("meeting", meeting_pk),
        ("agendaItem", item_pk),
        ("membership", world.named.pk),
        ("person", world.named.person_id),
    } <= gone
    assert ("membership", world.hidden.pk) not in gone  # never shown, nothing to take back
    assert ("person", world.hidden.person_id) not in gone
    assert client.get(f"{base(world)}organization/{jury_pk}/").json()["deleted"] is True


@pytest.mark.django_db
def test_deleting_an_area_takes_its_tombstones(other_area: Quartier) -> None:
    Tombstone.objects.create(area=other_area, kind="meeting", key=1, created_at=timezone.now())
    other_area.delete()
    assert not Tombstone.objects.exists()


LISTS = ["organization", "person", "membership", "meeting", "location", "agendaItem", "paper", "consultation", "file"]


@pytest.mark.django_db
def test_a_committees_meetings_are_its_own(client: Client, world: World, other_area: Quartier) -> None:
    meetings = client.get(f"{base(world)}organization/{world.jury.pk}/meeting/").json()["data"]
    assert {obj["id"].rsplit("/", 2)[1] for obj in meetings} == {
        str(world.approved.pk),
        str(world.draft.pk),
        str(world.coming.pk),
    }
    foreign = Committee.objects.get(area=other_area)
    assert client.get(f"{base(world)}organization/{foreign.pk}/meeting/").status_code == 404


@pytest.mark.django_db
def test_a_committees_meeting_list_costs_the_same_queries_with_more_data(
    client: Client, world: World, assert_constant_queries: Callable[..., int]
) -> None:
    def more() -> None:
        for days in range(1, 5):
            Meeting.objects.create(committee=world.jury, starts_at=timezone.now() - days * DAY, status="genehmigt")

    assert_constant_queries(lambda: client.get(f"{base(world)}organization/{world.jury.pk}/meeting/"), more)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*LISTS, "legislativeTerm"])
def test_each_list_costs_the_same_queries_with_more_data(
    client: Client, world: World, kind: str, assert_constant_queries: Callable[..., int]
) -> None:
    url = base(world) + kind + "/"
    assert_constant_queries(lambda: client.get(url), lambda: grow(world, times=4))


@pytest.mark.django_db
def test_the_system_and_the_bodies_cost_the_same_queries_with_more_data(
    client: Client, world: World, assert_constant_queries: Callable[..., int], other_area: Quartier
) -> None:
    def read() -> None:
        for url in ("/oparl/v1/", "/oparl/v1/body/", base(world)):
            assert client.get(url).status_code == 200

    assert_constant_queries(read, lambda: grow(world, times=4))


@pytest.mark.django_db
def test_each_object_costs_the_same_queries_with_more_data(
    client: Client, world: World, assert_constant_queries: Callable[..., int]
) -> None:
    def read() -> None:
        for path in (
            f"organization/{world.jury.pk}/",
            f"person/{world.named.person_id}/",
            f"membership/{world.named.pk}/",
            f"meeting/{world.approved.pk}/",
            f"location/{world.approved.pk}/",
            f"agendaItem/{world.decided.pk}/",
            f"paper/concern-{world.concern.pk}/",
            f"consultation/agenda-{world.decided.pk}/",
            f"consultation/ballot-{world.secret_item.pk}/",
            f"file/minutes-{world.approved.pk}/",
            "legislativeTerm/2020/",
        ):
            assert client.get(base(world) + path).status_code == 200, path

    def more() -> None:
        grow(world, times=4)
        for _number in range(3):
            AgendaItem.objects.create(
                meeting=world.approved,
                position=world.approved.items.count() + 1,
                title="Mehr",
                yes=1,
                no=0,
                abstain=0,
                result="angenommen",
                subject=world.concern,
            )

    assert_constant_queries(read, more)
