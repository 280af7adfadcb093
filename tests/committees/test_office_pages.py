"""The office's committee pages: list with the composition check, committee page with who has voted."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from actors.models import Person
from committees.models import Committee, Membership
from committees.services.ballots import ballot_open, vote_cast
from demo.factories import UserFactory
from quartier.models import Quartier, User
from tests.committees.fixtures import make_ballot


def test_list_shows_each_committee_and_whether_it_meets_its_resident_rule(
    client: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat", resident_share=51)
    for number in range(4):
        person = Person.objects.create(area=area, last_name=f"Rat {number}", is_resident=number < 1)
        Membership.objects.create(
            committee=council, person=person, member_type="bewohner" if number < 1 else "einrichtung"
        )
    client.force_login(role_users["koordination"])
    response = client.get(f"/gebiet/{area.slug}/gremien/")
    rows = {committee.name: composition for committee, composition in response.context["committees"]}
    assert rows["Aktionsfondsjury Kiez am Kanal"].meets_rule
    assert not rows["Quartiersrat"].meets_rule  # 1 of 4 residents against 51 %
    assert (
        "does not meet the rule" in response.content.decode() or "erfüllt die Regel nicht" in response.content.decode()
    )


def test_committee_page_shows_who_has_voted_but_not_how(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    ballot = ballot_open(ballot=make_ballot(jury, items=2), by=UserFactory(), now=now)
    for item in ballot.items.all():
        vote_cast(item=item, membership=jurors[0], choice="nein", by=jurors[0].user, now=now)
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/")
    [progress] = response.context["progress"]
    done = {member.pk: count for member, count in progress.voters}
    assert done[jurors[0].pk] == 2 and done[jurors[1].pk] == 0
    html = response.content.decode()
    assert "Nein" not in html.split('id="progress-')[1]  # the choice itself is nowhere in the progress table


def test_committee_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    foreign = Committee.objects.create(area=other_area, name="Fremder Rat", kind="quartiersrat")
    client.force_login(role_users["steuerung"])
    assert client.get(f"/gebiet/{area.slug}/gremien/{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/gremien/", "/gremien/{pk}/"])
def test_committee_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    url: str,
    assert_constant_queries: object,
    now: datetime.datetime,
) -> None:
    client.force_login(role_users["planung"])
    ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)  # small data has an open ballot too
    added = iter(range(100))

    def grow() -> None:
        ballot = ballot_open(ballot=make_ballot(jury, items=3), by=UserFactory(), now=now)
        for member in jurors[:4]:
            for item in ballot.items.all():
                vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
        for _ in range(3):
            number = next(added)
            Committee.objects.create(area=area, name=f"AG {number}", kind="other")
            person = Person.objects.create(area=area, last_name=f"Neu {number}")
            Membership.objects.create(committee=jury, person=person, member_type="bewohner", voting=False)

    assert_constant_queries(lambda: client.get(f"/gebiet/{area.slug}" + url.format(pk=jury.pk)), grow)  # type: ignore[operator]
