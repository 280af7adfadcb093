"""Committee fixtures, shared by the committee tests and the browser tests (a pytest plugin)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from committees.models import Ballot, Committee, Membership
from demo.factories import BallotFactory, BallotItemFactory, CommitteeFactory, MembershipFactory, UserFactory
from quartier.models import Quartier


@pytest.fixture
def jury(area: Quartier) -> Committee:
    """The area's Aktionsfondsjury: residents only, a majority of all members, four make the quorum."""
    return CommitteeFactory(area=area)


@pytest.fixture
def jurors(area: Quartier, jury: Committee) -> list[Membership]:
    """Seven voting residents, each with an account."""
    return [
        MembershipFactory(
            committee=jury,
            person__first_name="Juror",
            person__last_name=f"Nummer {number}",
            user=UserFactory(username=f"jury{number}"),
        )
        for number in range(1, 8)
    ]


def make_ballot(committee: Committee, *, secret: bool = False, items: int = 2, hours: int = 48) -> Ballot:
    ballot = BallotFactory(
        committee=committee, deadline=timezone.now() + datetime.timedelta(hours=hours), secret=secret
    )
    for position in range(1, items + 1):
        BallotItemFactory(ballot=ballot, position=position)
    return ballot
