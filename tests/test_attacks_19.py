"""Attacks on what issue #19 added: the open data (OParl 1.1) and the public pages in four languages. One test per
attack, named for what it shows; the holes found are fixed where their rule lives and their attacks kept here, with
compact tests of the important attacks that held."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from committees.forms import AgendaItemForm, BallotItemForm
from committees.models import AgendaItem, Committee, Meeting, Membership, Tombstone
from committees.services.tombstones import named_membership_gone
from demo.factories import CommitteeFactory, MeetingFactory, MembershipFactory
from fonds.forms.public import ProjectForm
from quartier.models import Quartier
from tests.oparl.test_schema import walk
from tests.oparl.world import World, build

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def world(area: Quartier, other_area: Quartier) -> World:
    return build(area, other_area)


def base(world: World) -> str:
    return f"/oparl/v1/body/{world.area.pk}/"


# --- the open data: addresses and queries --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "paper/concern-²/",
        "file/minutes-²/",
        "file/agenda-²/download/",
        "consultation/agenda-²/",
        "paper/concern-١/",  # an Arabic-Indic one: int() reads it, but it is no address of ours
        "paper/concern-" + "9" * 5000 + "/",
        "paper/concern--1/",
        "paper/concern-../",
    ],
)
def test_keys_with_digits_that_are_not_ascii_or_too_many_answer_404_not_500(
    client: Client, world: World, path: str
) -> None:
    response = client.get(base(world) + path)
    assert response.status_code == 404 and response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["²", "١", "9" * 5000, "0", "-1", "1.0", " 1"])
def test_a_page_number_that_is_no_ascii_whole_number_from_1_is_refused_with_400(
    client: Client, world: World, page: str
) -> None:
    response = client.get(base(world) + "meeting/", {"page": page})
    assert response.status_code == 400 and "page" in response.json()["error"]


# --- the open data: what is public -------------------------------------------------------------------------------


def _steering_group(area: Quartier) -> tuple[Committee, Membership, Meeting, AgendaItem]:
    """The administration's steering group, with a member who agreed to be named, a meeting with approved minutes
    and one coming."""
    now = timezone.now()
    group = CommitteeFactory(area=area, name="Lenkungsgruppe Verwaltung", kind=Committee.Kind.STEERING_GROUP)
    member = MembershipFactory(committee=group, person__last_name="Amtsleiterin", named_publicly=True)
    held = MeetingFactory(committee=group, starts_at=now - datetime.timedelta(days=9), status=Meeting.Status.APPROVED)
    item = AgendaItem.objects.create(
        meeting=held, position=1, title="Haushaltssperre intern", yes=3, no=0, abstain=0, result="angenommen"
    )
    MeetingFactory(committee=group, starts_at=now + datetime.timedelta(days=9), place="Rathaus, Raum 101")
    return group, member, held, item


@pytest.mark.django_db
def test_the_administrations_steering_group_is_neither_on_the_public_pages_nor_in_the_open_data(
    client: Client, world: World
) -> None:
    group, member, held, item = _steering_group(world.area)
    for page in (f"/oeffentlich/{world.area.slug}/", f"/oeffentlich/{world.area.slug}/gremien/"):
        text = client.get(page).content.decode()
        assert "Lenkungsgruppe" not in text and "Haushaltssperre" not in text and "Raum 101" not in text, page
        assert "Aktionsfondsjury" in text, page  # the residents' committee stays public
    data = json.dumps(walk(client), ensure_ascii=False)
    assert "Lenkungsgruppe" not in data and "Amtsleiterin" not in data and "Haushaltssperre" not in data
    assert "Raum 101" not in data and "Aktionsfondsjury" in data
    for path in (
        f"organization/{group.pk}/",
        f"organization/{group.pk}/meeting/",
        f"membership/{member.pk}/",
        f"person/{member.person_id}/",
        f"meeting/{held.pk}/",
        f"agendaItem/{item.pk}/",
        f"file/minutes-{held.pk}/download/",
    ):
        assert client.get(base(world) + path).status_code == 404, path


@pytest.mark.django_db
def test_the_steering_groups_deletions_leave_no_tombstone_and_its_member_named_elsewhere_is_told_gone(
    client: Client, world: World
) -> None:
    group, member, held, item = _steering_group(world.area)
    elsewhere = MembershipFactory(committee=world.jury, person=member.person, named_publicly=True)
    Membership.objects.filter(pk=elsewhere.pk).update(named_publicly=False)  # the consent withdrawn in the jury
    named_membership_gone(membership=elsewhere, area_id=world.area.pk)
    person = client.get(f"{base(world)}person/{member.person_id}/").json()
    assert person["deleted"] is True  # not kept "named" by the steering group, which the open data does not show
    group.delete()
    assert not Tombstone.objects.filter(kind=Tombstone.Kind.ORGANIZATION, key=group.pk).exists()
    assert not Tombstone.objects.filter(kind=Tombstone.Kind.MEETING, key=held.pk).exists()
    assert not Tombstone.objects.filter(kind=Tombstone.Kind.AGENDA_ITEM, key=item.pk).exists()
    assert not Tombstone.objects.filter(kind=Tombstone.Kind.MEMBERSHIP, key=member.pk).exists()


def test_the_office_is_told_where_it_types_an_items_title_that_the_title_is_published() -> None:
    for form in (AgendaItemForm(), BallotItemForm()):
        with translation.override("de"):
            assert "offenen Daten" in str(form.fields["title"].help_text)
            assert "keine Namen von Privatpersonen" in str(form.fields["title"].help_text)


def test_an_applicant_is_told_in_their_language_that_the_project_title_is_published() -> None:
    with translation.override("ar"):
        assert "يُنشر مع قرار اللجنة" in str(ProjectForm().fields["title"].help_text)
    with translation.override("tr"):
        assert "adınızı yazmayın" in str(ProjectForm().fields["title"].help_text)


# --- the languages: attacks that held ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["/a\r\nSet-Cookie: x=1", "///evil.example", "/\\evil.example", " //evil.example"])
def test_the_switch_neither_splits_the_header_nor_leaves_the_site(client: Client, next_url: str) -> None:
    response = client.post("/sprache/", {"language": "ar", "next": next_url})
    assert response.status_code == 302 and "\n" not in response["Location"]
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    assert "x=1" not in str(response.cookies)


@pytest.mark.django_db
def test_the_open_data_speaks_the_offices_language_only_and_says_it_varies(client: Client, world: World) -> None:
    client.cookies[COOKIE] = "ar"
    response = client.get(base(world) + "meeting/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response["Content-Language"] == "de" and "Sitzung am" in response.content.decode()
    assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_a_missing_page_of_a_resident_in_arabic_is_arabic_and_right_to_left(client: Client, area: Quartier) -> None:
    client.cookies[COOKIE] = "ar"
    response = client.get("/antrag/kein-gueltiger-link/projekt/")
    assert response.status_code == 404 and '<html lang="ar" dir="rtl">' in response.content.decode()
