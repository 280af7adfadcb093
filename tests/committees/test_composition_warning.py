"""An edit that breaks a committee's composition rule (share of residents among the voting members) says so at the
moment of saving, with the numbers, and the committee's page and the list show it until it is fixed (issue #15,
finding 18). Saving is never refused: the office records reality."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import constants
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import Committee, Membership
from quartier.models import Quartier, User

DAY = datetime.timedelta(days=1)
SAVED = "Das Mitglied ist gespeichert."


def notices(response: object) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in response.context["messages"]]  # type: ignore[attr-defined]


def warning(share: str, residents: int, voting: int, required: str) -> str:
    return (
        f"Der Anteil der Bewohner*innen liegt jetzt bei {share} % ({residents} von {voting} stimmberechtigten "
        f"Mitgliedern); nötig sind {required} %."
    )


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


@pytest.fixture
def council(area: Quartier) -> Committee:
    """A Quartiersrat of 17 voting members, 9 of them residents (52.9 %, the rule asks for 51 %)."""
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat", resident_share=51)
    for number in range(17):
        resident = number < 9
        person = Person.objects.create(area=area, first_name="Rat", last_name=f"{number:02d}", is_resident=resident)
        Membership.objects.create(
            committee=council, person=person, member_type="bewohner" if resident else "einrichtung",
            start=timezone.localdate() - 100 * DAY,
        )  # fmt: skip
    return council


def residents_of(council: Committee) -> list[Membership]:
    return list(council.memberships.filter(member_type="bewohner").order_by("person__last_name"))


def edit(gwa: Client, membership: Membership, **changes: object) -> object:
    data = {"person": membership.person_id, "member_type": membership.member_type, "voting": "on",
            "start": membership.start.isoformat() if membership.start else ""}  # fmt: skip
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    committee = membership.committee
    url = f"/gebiet/{committee.area.slug}/gremien/{committee.pk}/mitglieder/{membership.pk}/"
    return gwa.post(url, data, follow=True)


def test_changing_a_residents_member_type_warns_with_the_numbers_and_saves(gwa: Client, council: Committee) -> None:
    member = residents_of(council)[0]
    response = edit(gwa, member, member_type="einrichtung")
    assert notices(response) == [(constants.WARNING, f"{SAVED} {warning('47,1', 8, 17, '51')}")]
    member.refresh_from_db()
    assert member.member_type == "einrichtung"  # saved all the same
    html = response.content.decode()
    assert "message--warning" in html and warning("47,1", 8, 17, "51") in html


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("end", warning("50", 8, 16, "51")),  # a resident's term ends (yesterday)
        ("voting", warning("50", 8, 16, "51")),  # a resident becomes an advisory member
    ],
)
def test_ending_a_term_or_the_vote_of_a_resident_warns(
    gwa: Client, council: Committee, change: str, expected: str
) -> None:
    member = residents_of(council)[0]
    if change == "end":
        response = edit(gwa, member, end=(timezone.localdate() - DAY).isoformat())
    else:
        response = edit(gwa, member, voting=None)
    assert notices(response) == [(constants.WARNING, f"{SAVED} {expected}")]


def test_adding_a_member_that_breaks_the_rule_warns(gwa: Client, area: Quartier, council: Committee) -> None:
    person = Person.objects.create(area=area, first_name="Neu", last_name="Gewerbe")
    url = f"/gebiet/{area.slug}/gremien/{council.pk}/mitglieder/neu/"
    response = gwa.post(url, {"person": person.pk, "member_type": "gewerbe", "voting": "on"}, follow=True)
    assert notices(response) == [(constants.WARNING, f"Das Mitglied wurde hinzugefügt. {warning('50', 9, 18, '51')}")]
    assert Membership.objects.filter(committee=council, person=person).exists()


def test_an_action_fund_jury_needs_only_residents(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    person = Person.objects.create(area=area, first_name="Neu", last_name="Verwaltung")
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/neu/"
    response = gwa.post(url, {"person": person.pk, "member_type": "verwaltung", "voting": "on"}, follow=True)
    assert notices(response) == [(constants.WARNING, f"Das Mitglied wurde hinzugefügt. {warning('87,5', 7, 8, '100')}")]


def test_raising_the_rule_of_the_committee_warns(gwa: Client, area: Quartier, council: Committee) -> None:
    url = f"/gebiet/{area.slug}/gremien/{council.pk}/bearbeiten/"
    data = {"name": council.name, "kind": council.kind, "majority_rule": "cast", "resident_share": "60",
            "term_years": "2"}  # fmt: skip
    response = gwa.post(url, data, follow=True)
    assert notices(response) == [(constants.WARNING, f"Das Gremium ist gespeichert. {warning('52,9', 9, 17, '60')}")]
    council.refresh_from_db()
    assert council.resident_share == 60


def test_an_edit_that_keeps_the_rule_is_a_plain_success(gwa: Client, council: Committee) -> None:
    member = council.memberships.filter(member_type="einrichtung").first()
    response = edit(gwa, member, member_type="gewerbe")
    assert notices(response) == [(constants.SUCCESS, SAVED)]
    assert "message--warning" not in response.content.decode()


def test_the_page_and_the_list_show_a_broken_rule_until_it_is_fixed_also_when_a_term_ends_by_the_clock(
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    area: Quartier,
    council: Committee,
    role_users: dict[str, User],
) -> None:
    page, listing = f"/gebiet/{area.slug}/gremien/{council.pk}/", f"/gebiet/{area.slug}/gremien/"
    client.force_login(role_users["koordination"])
    assert "message--warning" not in client.get(page).content.decode()
    resident = residents_of(council)[0]
    Membership.objects.filter(pk=resident.pk).update(end=timezone.localdate() + 3 * DAY)
    later = timezone.now() + 4 * DAY
    monkeypatch.setattr(timezone, "now", lambda: later)  # the term ends by the clock; nobody edits anything
    client.force_login(role_users["koordination"])
    html = client.get(page).content.decode()
    assert warning("50", 8, 16, "51") in html and "message--warning" in html
    listed = client.get(listing).content.decode()
    assert warning("50", 8, 16, "51") in listed
    # Fixed: a new resident joins.
    person = Person.objects.create(area=area, first_name="Neu", last_name="Bewohnerin", is_resident=True)
    Membership.objects.create(committee=council, person=person, member_type="bewohner")
    assert "message--warning" not in client.get(page).content.decode()
    assert warning("50", 8, 16, "51") not in client.get(listing).content.decode()


@pytest.mark.parametrize("change", ["end", "voting"])
def test_a_committee_left_without_voting_members_warns_like_its_tag_says(
    gwa: Client, area: Quartier, change: str
) -> None:
    """The last voting member's term ends, or they become advisory: the committee can decide nothing and meets
    no share of residents. The tag said "does not meet the rule" while the save was a plain success and the
    list's warnings left it out."""
    jury = Committee.objects.create(area=area, name="Jury", kind="jury", resident_share=100)
    person = Person.objects.create(area=area, first_name="Letzte", last_name="Jurorin", is_resident=True)
    member = Membership.objects.create(committee=jury, person=person, member_type="bewohner")
    if change == "end":
        response = edit(gwa, member, end=(timezone.localdate() - DAY).isoformat())
    else:
        response = edit(gwa, member, voting=None)
    expected = "Das Gremium hat heute keine stimmberechtigten Mitglieder; nötig sind 100 % Bewohner*innen unter ihnen."
    assert notices(response) == [(constants.WARNING, f"{SAVED} {expected}")]
    listed = gwa.get(f"/gebiet/{area.slug}/gremien/").content.decode()
    assert expected in listed and "erfüllt die Regel nicht" in listed


def test_an_empty_committee_without_a_resident_rule_still_says_it_has_no_voting_members(
    gwa: Client, area: Quartier
) -> None:
    Committee.objects.create(area=area, name="Lenkungsgruppe", kind="lenkung", resident_share=0)
    listed = gwa.get(f"/gebiet/{area.slug}/gremien/").content.decode()
    assert "Das Gremium hat heute keine stimmberechtigten Mitglieder." in listed
