"""Demo data of the committees module: the checks of ballots and minutes against the rules, and the refusals.

The checks of the small demo (composition, accounts, ballots, minutes) read one seed of the whole area, in
tests/demo/test_small_demo.py, with those seeding the committees in other ways on the small actors.
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from committees.models import (
    Attendance,
    Ballot,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Result,
    Vote,
)
from committees.rules import Tally, decide, explain, vote_holders
from committees.services.ballots import tally_item
from committees.voters import active_voting_members
from demo.committees import SIZES, Sizes, seed_committees
from demo.factories import UserFactory
from quartier.models import Quartier, Role, User
from quartier.services import role_grant
from tests.demo.seeded_once import rng


def office(area: Quartier, staff: list[User]) -> None:
    """Give ``staff`` the roles of ``area``'s office: the small demo goes through the services."""
    for user, role in zip(staff, (Role.GEMEINWESENARBEIT, Role.PLANUNG), strict=True):
        role_grant(user=user, area=area, role=role, by=None)


def office_users(area: Quartier) -> list[User]:
    users = [UserFactory(username=name) for name in ("gwa", "planung")]
    office(area, users)
    return users


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_users(area)


def running(committee: Committee, on: datetime.date) -> list[Membership]:
    return list(
        Membership.objects.filter(committee=committee)
        .filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person")
    )


def council(area: Quartier) -> Committee:
    return Committee.objects.get(area=area, kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)


def jury(area: Quartier) -> Committee:
    return Committee.objects.get(area=area, kind=Committee.Kind.ACTION_FUND_JURY)


def check_closed(ballot: Ballot) -> None:
    """The stored results are the ones the rules give for the stored votes."""
    assert ballot.closed_at == ballot.deadline and ballot.secret_salt == ""
    assert ballot.opened_at < ballot.deadline
    eligible = len(active_voting_members(ballot, timezone.localdate(ballot.deadline)))
    assert eligible == 7
    for item in ballot.items.all():
        tally = tally_item(item, eligible=eligible, secret=ballot.secret)
        assert (item.yes, item.no, item.abstain, item.recusals) == (tally.yes, tally.no, tally.abstain, tally.recused)
        assert item.result == decide(ballot.committee, tally)
        assert item.result_reason == explain(ballot.committee, tally).reason  # the basis is kept
        assert item.participations.filter(kind="voted").count() == tally.taking_part
    cast = Vote.objects.filter(item__ballot=ballot).values_list("cast_at", flat=True)
    assert all(ballot.opened_at < at < ballot.deadline for at in cast)


def check_meetings(area: Quartier) -> None:
    """Every past meeting has a row per member; vote counts never exceed who was there; recusals are rows of
    members holding a vote; results (and the reasons they give) follow the rules, as the meeting service
    computes them."""
    past = Meeting.objects.filter(committee__area=area, starts_at__lt=timezone.now()).select_related("committee")
    for meeting in past:
        day = timezone.localdate(meeting.starts_at)
        members = running(meeting.committee, day)
        status = dict(meeting.attendances.values_list("membership_id", "status"))
        assert set(status) == {member.pk for member in members}
        holders = vote_holders(members, {pk for pk, value in status.items() if value == Attendance.Status.PRESENT})
        eligible = sum(1 for member in members if member.voting)
        for item in meeting.items.exclude(yes=None):
            recused = set(
                item.conflict_flags.filter(status=ConflictFlag.Status.CONFIRMED).values_list("membership_id", flat=True)
            )
            assert recused <= holders and item.recusals == len(recused)
            assert item.yes + item.no + item.abstain + item.recusals <= len(holders)
            tally = Tally.in_meeting(
                yes=item.yes, no=item.no, abstain=item.abstain, recused=len(recused), eligible=eligible,
                present=len(holders),
            )  # fmt: skip
            assert item.result == decide(meeting.committee, tally)
            assert item.result_reason == explain(meeting.committee, tally).reason
        for item in meeting.items.filter(yes=None).exclude(result=""):
            assert item.result == Result.DEFERRED


def test_scales_and_refusals(area: Quartier, staff: list[User]) -> None:
    assert SIZES["large"] == Sizes(history_years=10, council_meetings=40, jury_meetings=40, closed_ballots=10)
    with pytest.raises(ValueError, match="Unknown scale"):
        seed_committees(area=area, scale="huge", staff=staff, rng=rng(1))
    with pytest.raises(ValueError, match="staff"):
        seed_committees(area=area, scale="small", staff=[], rng=rng(1))
    with pytest.raises(ValueError, match="seed_actors"):
        seed_committees(area=area, scale="small", staff=staff, rng=rng(1))
    assert not Committee.objects.filter(area=area).exists()
