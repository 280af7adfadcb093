"""The minutes (Protokoll) of a committee meeting: everything they show, read in a fixed number of queries.

Who attended is named (as in any minutes); of the ballots decided in writing between meetings
(circular resolutions, Umlaufbeschlüsse) only the counts and results are read, never a vote.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Committee, ConflictFlag, Meeting, Membership
from committees.rules import Tally, has_quorum, vote_holders
from committees.selectors import previous_meeting
from quartier.models import Quartier, running_on
from quartier.sorting import german


@dataclass(frozen=True)
class Attendee:
    name: str
    voting: bool  # votes at this meeting: a voting member, or a deputy standing in for one
    stands_in_for: str = ""  # the member a deputy stands in for


@dataclass
class Minutes:
    committee: Committee
    meeting: Meeting
    previous: Meeting | None  # the committee's meeting before this one
    eligible: int  # the committee's voting members on the day of the meeting
    present: list[Attendee] = field(default_factory=list)  # voting ones first
    excused: list[Attendee] = field(default_factory=list)
    absent: list[Attendee] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)  # in order, each with ``recused_names``
    circular: list[BallotItem] = field(default_factory=list)  # items of ballots closed since the previous meeting

    @property
    def held(self) -> bool:
        return self.meeting.status in (Meeting.Status.HELD, Meeting.Status.APPROVED)

    @property
    def approved(self) -> bool:
        return self.meeting.status == Meeting.Status.APPROVED or self.meeting.approved_in_id is not None

    @property
    def approved_in(self) -> Meeting | None:
        return self.meeting.approved_in

    @property
    def attendance_recorded(self) -> bool:
        return bool(self.present or self.excused or self.absent)

    @property
    def present_voting(self) -> list[Attendee]:
        return [attendee for attendee in self.present if attendee.voting]

    @property
    def present_advisory(self) -> list[Attendee]:
        return [attendee for attendee in self.present if not attendee.voting]

    @property
    def quorum(self) -> bool | None:
        """Whether enough voting members were present; None while no attendance is recorded."""
        if not self.attendance_recorded:
            return None
        return meeting_quorum(self.committee, present=len(self.present_voting), eligible=self.eligible)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.meeting.starts_at + datetime.timedelta(minutes=self.meeting.duration_minutes)


def meeting_quorum(committee: Committee, *, present: int, eligible: int) -> bool:
    """The committee's quorum rule applied to a meeting: ``present`` votes present (voting members and
    deputies standing in) out of ``eligible`` (its voting members on the day)."""
    return has_quorum(committee, Tally.in_meeting(eligible=eligible, present=present))


def meeting_of_area(area: Quartier, meeting_pk: int) -> Meeting | None:
    """The meeting ``meeting_pk`` if it belongs to a committee of ``area``, with what the minutes need."""
    return (
        Meeting.objects.filter(pk=meeting_pk, committee__area=area).select_related("committee", "approved_in").first()
    )


#: What the minutes read of a ballot item: its counts and result, never a vote.
ITEM_FIELDS = (
    "title",
    "position",
    "yes",
    "no",
    "abstain",
    "recusals",
    "result",
    "basis",
    "ballot__title",
    "ballot__closed_at",
    "ballot__secret",
    "ballot__deadline",
)


def circular_resolutions(meeting: Meeting, previous: Meeting | None) -> list[BallotItem]:
    """The items of the committee's ballots that closed after ``previous`` started and up to the start of
    ``meeting`` (all closed before it, when there is no previous meeting): the circular resolutions these
    minutes record. With their ballot; counts and results only. One query."""
    closed = Q(ballot__closed_at__lte=meeting.starts_at)
    if previous is not None:
        closed &= Q(ballot__closed_at__gt=previous.starts_at)
    return list(
        BallotItem.objects.filter(
            closed, ballot__committee_id=meeting.committee_id, ballot__status=Ballot.Status.CLOSED
        )
        .select_related("ballot")
        .only(*ITEM_FIELDS)
        .order_by("ballot__closed_at", "ballot_id", "position")
    )


def _attendees(
    attendances: list[Attendance], holders: set[int]
) -> tuple[list[Attendee], list[Attendee], list[Attendee]]:
    """Present (those holding a vote first), excused and absent, each by last name. Who holds a vote is what the
    results were computed on (``committees.rules.vote_holders``): the voting members present, and a deputy
    standing in for a voting member who is not (one deputy per member)."""
    present: list[Attendee] = []
    excused: list[Attendee] = []
    absent: list[Attendee] = []
    for attendance in attendances:
        membership: Membership = attendance.membership
        name = str(membership.person)
        if attendance.status != Attendance.Status.PRESENT:
            (excused if attendance.status == Attendance.Status.EXCUSED else absent).append(
                Attendee(name=name, voting=membership.voting)
            )
        elif membership.pk not in holders:
            present.append(Attendee(name=name, voting=False))
        elif membership.voting:
            present.append(Attendee(name=name, voting=True))
        else:
            present.append(Attendee(name=name, voting=True, stands_in_for=str(membership.deputy_of.person)))
    present.sort(key=lambda attendee: not attendee.voting)  # stable: names stay in order
    return present, excused, absent


def _with_recusals(meeting: Meeting, holders: set[int]) -> list[AgendaItem]:
    """The agenda items in order, each with the names of the members recorded as recused from it who hold a vote
    at the meeting (the recusals its results count). Two queries."""
    items = list(meeting.items.order_by("position"))
    recused: dict[int, list[str]] = {}
    for flag in (
        ConflictFlag.objects.filter(
            agenda_item__meeting=meeting, status=ConflictFlag.Status.CONFIRMED, membership_id__in=holders
        )
        .select_related("membership__person")
        .order_by(*german("membership__person__last_name", "membership__person__first_name"), "pk")
    ):
        recused.setdefault(flag.agenda_item_id, []).append(str(flag.membership.person))
    for item in items:
        item.recused_names = recused.get(item.pk, [])
    return items


def minutes_of(meeting: Meeting) -> Minutes:
    """Everything the minutes of ``meeting`` show: the committee, the meeting, who attended, the quorum,
    the agenda items with minutes, decisions and recusals, the circular resolutions since the previous
    meeting and the approval. Six queries (fetch ``meeting`` with ``meeting_of_area`` for its committee and
    approval)."""
    committee = meeting.committee
    on = timezone.localdate(meeting.starts_at)
    members = list(
        Membership.objects.filter(committee_id=committee.pk).filter(running_on(on)).only("pk", "voting", "deputy_of_id")
    )
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__person", "membership__deputy_of__person")
        .order_by(*german("membership__person__last_name", "membership__person__first_name"), "pk")
    )
    present_ids = {
        attendance.membership_id for attendance in attendances if attendance.status == Attendance.Status.PRESENT
    }
    holders = vote_holders(members, present_ids)
    present, excused, absent = _attendees(attendances, holders)
    previous = previous_meeting(meeting)
    return Minutes(
        committee=committee,
        meeting=meeting,
        previous=previous,
        eligible=sum(1 for member in members if member.voting),
        present=present,
        excused=excused,
        absent=absent,
        items=_with_recusals(meeting, holders),
        circular=circular_resolutions(meeting, previous),
    )
