"""Committee fixtures, shared by the committee tests and the browser tests (a pytest plugin)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from actors.models import Person
from committees.models import Ballot, BallotItem, Committee, Membership
from quartier.models import Quartier
from tests.factories import UserFactory


@pytest.fixture
def jury(area: Quartier) -> Committee:
    return Committee.objects.create(
        quartier=area,
        name="Aktionsfondsjury Kiez am Kanal",
        kind=Committee.Kind.AKTIONSFONDSJURY,
        majority_rule=Committee.MajorityRule.ALL_MEMBERS,
        quorum_members=4,
        resident_share=100,
    )


@pytest.fixture
def jurors(area: Quartier, jury: Committee) -> list[Membership]:
    """Seven voting residents, each with an account."""
    members = []
    for number in range(1, 8):
        person = Person.objects.create(
            quartier=area, first_name="Juror", last_name=f"Nummer {number}", is_resident=True
        )
        members.append(
            Membership.objects.create(
                committee=jury,
                person=person,
                user=UserFactory(username=f"jury{number}"),
                member_type=Membership.MemberType.RESIDENT,
            )
        )
    return members


def make_ballot(committee: Committee, *, secret: bool = False, items: int = 2, hours: int = 48) -> Ballot:
    ballot = Ballot.objects.create(
        committee=committee,
        title="Umlauf November",
        deadline=timezone.now() + datetime.timedelta(hours=hours),
        secret=secret,
    )
    for position in range(1, items + 1):
        BallotItem.objects.create(ballot=ballot, position=position, title=f"Antrag {position}")
    return ballot
