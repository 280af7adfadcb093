"""Reads for committee members: their ballots and, per ballot, what they voted and what is open."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    CalendarLink,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    SecretVote,
    Vote,
)
from committees.rules import Tally, has_quorum, vote_holders
from committees.secrecy import Unreadable
from committees.voters import active_voting_members, ballot_keys, counting_day, voter_of
from quartier.models import Quartier, User, running_on
from quartier.permissions import committee_member_ids
from quartier.selectors import CompiledLists, lists_of
from quartier.sorting import german


def ballots_of_member(user: User) -> QuerySet[Ballot]:
    """Open and closed ballots of the user's committees, with how many items they have done."""
    return (
        Ballot.objects.filter(committee_id__in=committee_member_ids(user))
        .exclude(status=Ballot.Status.DRAFT)
        .select_related("committee")
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count(
                "items__participations",
                filter=Q(items__participations__membership__user=user),
                distinct=True,
            ),
        )
        .order_by("status", "deadline")
    )


def membership_of(user: User, ballot: Ballot, on: datetime.date | None = None) -> Membership | None:
    """The user's running membership in the ballot's committee (the voting one first)."""
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(committee_id=ballot.committee_id, user=user)
        .filter(running_on(on))
        .select_related("person")
        .order_by("-voting")
        .first()
    )


@dataclass
class ItemState:
    item: BallotItem
    my_choice: str | None  # None when not voted, or secret and closed (then nobody knows)
    recused: bool
    flag: ConflictFlag | None

    @property
    def done(self) -> bool:
        return self.recused or self.my_choice is not None


def _ballot_lists(*, ballot: int, committee: int, person: int, secret: bool) -> dict[str, QuerySet[Any]]:
    voter = voter_of(committee=committee, person=person)
    lists: dict[str, QuerySet[Any]] = {
        "items": BallotItem.objects.filter(ballot_id=ballot),
        "participations": Participation.objects.filter(voter, item__ballot_id=ballot).values_list(
            "item_id", "kind", "membership_id"
        ),
        "flags": ConflictFlag.objects.filter(voter, item__ballot_id=ballot),
    }
    if not secret:
        lists["votes"] = Vote.objects.filter(voter, item__ballot_id=ballot).values_list("item_id", "choice")
    return lists


# A member's page of a ballot is opened often while it runs (from each mail, after each vote): its lists in one
# prepared query compiled once.
_BALLOT_LISTS = CompiledLists(_ballot_lists, ids=("ballot", "committee", "person"))


def item_states(ballot: Ballot, membership: Membership | None) -> list[ItemState]:
    """Each item of ``ballot`` with the member's vote, recusal and open conflict flag, in whichever of the
    person's terms they took part (``committees.services.ballots.seat_of``). One query (and one more for the
    member's own votes of an open secret ballot)."""
    if membership is None:
        items = list(ballot.items.all())
        return [ItemState(item=item, my_choice=None, recused=False, flag=None) for item in items]
    lists = _BALLOT_LISTS.read(
        ballot=ballot.pk, committee=membership.committee_id, person=membership.person_id, secret=ballot.secret
    )
    items = lists["items"]
    for item in items:  # as ``ballot.items.all()`` gives them
        BallotItem.ballot.field.set_cached_value(item, ballot)
    seats: dict[int, int] = {}  # item -> the membership (term) that took part in it
    participations: dict[int, str] = {}
    for item_id, kind, seat in lists["participations"]:
        participations[item_id], seats[item_id] = kind, seat
    flags: dict[int, ConflictFlag] = {}
    for flag in sorted(  # an open flag first: it is what the member must answer
        lists["flags"], key=lambda flag: (flag.status != ConflictFlag.Status.FLAGGED, flag.pk)
    ):
        if flag.item_id is not None:  # always: the flags of the ballot's items
            flags.setdefault(flag.item_id, flag)
    choices = _own_secret_choices(ballot, membership, items, seats) if ballot.secret else dict(lists["votes"])
    return [
        ItemState(
            item=item,
            my_choice=choices.get(item.pk),
            recused=participations.get(item.pk) == Participation.Kind.RECUSED,
            flag=flags.get(item.pk),
        )
        for item in items
    ]


def _own_secret_choices(
    ballot: Ballot, membership: Membership, items: list[BallotItem], seats: dict[int, int]
) -> dict[int, str]:
    """The member's own sealed votes of an open secret ballot (each item's under the term it was cast in,
    ``seats``), unsealed for their page only (one query). A closed ballot has no salt, and nobody can tell any
    more who voted how."""
    if ballot.status != Ballot.Status.OPEN or not ballot.secret_salt:
        return {}
    keys = ballot_keys(ballot)
    wanted = {
        key.tag(seats.get(item.pk, membership.pk), item.pk): (key, item.pk) for key in reversed(keys) for item in items
    }
    choices: dict[int, str] = {}
    for tag, sealed in SecretVote.objects.filter(item__ballot=ballot, voter_tag__in=wanted).values_list(
        "voter_tag", "sealed"
    ):
        if tag is None:  # never: only tags were asked for
            continue
        key, item_id = wanted[tag]
        try:
            choices[item_id] = key.unseal(sealed, item_id=item_id, tag=tag)
        except Unreadable:
            continue  # a tampered seal: shown as not voted; voting again replaces it
    return choices


def committees_of_area(area: Quartier, on: datetime.date | None = None) -> QuerySet:
    """The area's committees with their running voting members, residents among them and open ballots."""
    on = on or timezone.localdate()
    voting = running_on(on, prefix="memberships__") & Q(memberships__voting=True)
    return (
        Committee.objects.filter(area=area)
        .annotate(
            voting_members=Count("memberships", filter=voting, distinct=True),
            residents=Count("memberships", filter=voting & Q(memberships__member_type="bewohner"), distinct=True),
            open_ballots=Count("ballots", filter=Q(ballots__status=Ballot.Status.OPEN), distinct=True),
        )
        .order_by(*german("name"))
    )


@dataclass
class BallotProgress:
    ballot: Ballot
    items: int
    voters: list[tuple[Membership, int]]  # each voting member and how many items they have done


def committee_detail(committee_id: int, area: Quartier, on: datetime.date | None = None) -> dict[str, object] | None:
    """Everything the committee page shows, in a fixed number of queries."""
    on = on or timezone.localdate()
    committee = committees_of_area(area, on).filter(pk=committee_id).first()
    if committee is None:
        return None
    members = list(
        Membership.objects.filter(committee=committee)
        .filter(running_on(on))
        .select_related("person", "deputy_of__person")
        .order_by("-voting", *german("person__last_name", "person__first_name"))
    )
    meetings = list(Meeting.objects.filter(committee=committee).order_by("-starts_at")[:10])
    ballots = list(
        Ballot.objects.filter(committee=committee)
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-deadline")[:10]
    )
    open_ids = [ballot.pk for ballot in ballots if ballot.status == Ballot.Status.OPEN]
    done = {  # by person: a term renewed while a ballot runs is one voter (committees.services.ballots.seat_of)
        (ballot_id, person_id): count
        for ballot_id, person_id, count in Participation.objects.filter(item__ballot_id__in=open_ids)
        .values_list("item__ballot_id", "membership__person_id")
        .annotate(count=Count("pk"))
    }
    voting = [member for member in members if member.voting]
    progress = [
        BallotProgress(
            ballot=ballot,
            items=ballot.item_count,
            voters=[(member, done.get((ballot.pk, member.person_id), 0)) for member in voting],
        )
        for ballot in ballots
        if ballot.status == Ballot.Status.OPEN
    ]
    return {
        "committee": committee,
        "members": members,
        "meetings": meetings,
        "ballots": ballots,
        "progress": progress,
        "kind": Committee.Kind(committee.kind).label,
    }


#: A meeting was held once the office marked it so (or approved its minutes) and its time has come: an invited
#: meeting may still lie ahead, and a meeting marked held before anything was recorded could be moved. Every page
#: that lists meetings held asks ``held_meetings``, every page that lists coming ones ``upcoming_meetings``.
HELD_STATES = (Meeting.Status.HELD, Meeting.Status.APPROVED)
UPCOMING_STATES = (Meeting.Status.PLANNED, Meeting.Status.INVITED)


def held_meetings(now: datetime.datetime, prefix: str = "") -> Q:
    """Meetings (reached through ``prefix``) that were held by ``now``."""
    return Q(**{f"{prefix}status__in": HELD_STATES, f"{prefix}starts_at__lte": now})


def upcoming_meetings(now: datetime.datetime, prefix: str = "") -> Q:
    """Meetings (reached through ``prefix``) planned or invited to that have not begun at ``now``."""
    return Q(**{f"{prefix}status__in": UPCOMING_STATES, f"{prefix}starts_at__gt": now})


def public_committee(prefix: str = "") -> Q:
    """Committees (reached through ``prefix``) whose work is public: every kind but the administration's own
    (``Committee.INTERNAL_KINDS``). The public pages and the open data (``committees.oparl``) read through it."""
    return ~Q(**{f"{prefix}kind__in": Committee.INTERNAL_KINDS})


def public_decision_lists(area: Quartier, *, now: datetime.datetime, limit: int) -> dict[str, QuerySet[Any]]:
    """The querysets of ``public_decisions``, for a page that reads them with others (``lists_of``)."""
    return {
        "committees": Committee.objects.filter(public_committee(), area=area)
        .order_by(*german("name"), "pk")
        .only("pk", "name", "kind"),
        "meetings": Meeting.objects.filter(held_meetings(now), public_committee("committee__"), committee__area=area)
        .select_related("committee")
        .only("starts_at", "status", "committee__name")
        .order_by("-starts_at", "pk")[:limit],
        # A meeting's decisions are published with its approved minutes.
        "meeting_decisions": AgendaItem.objects.filter(
            held_meetings(now, "meeting__"),
            public_committee("meeting__committee__"),
            meeting__committee__area=area,
            meeting__status=Meeting.Status.APPROVED,
        )
        .exclude(result="")
        .select_related("meeting__committee")
        .only(
            "title",
            "result",
            "yes",
            "no",
            "abstain",
            "recusals",
            "basis",
            "meeting__starts_at",
            "meeting__committee__name",
        )
        .order_by("-meeting__starts_at", "position", "pk")[:limit],
        "ballot_decisions": BallotItem.objects.filter(
            public_committee("ballot__committee__"), ballot__committee__area=area, ballot__status=Ballot.Status.CLOSED
        )
        .select_related("ballot__committee")
        .only(
            "title",
            "result",
            "yes",
            "no",
            "abstain",
            "recusals",
            "basis",
            "ballot__closed_at",
            "ballot__committee__name",
        )
        .order_by("-ballot__closed_at", "position", "pk")[:limit],
    }


def public_decisions(area: Quartier, limit: int = 50, now: datetime.datetime | None = None) -> dict[str, list[Any]]:
    """What anyone may see of an area's committees: names, meetings held (``held_meetings``), and decisions with
    their results. No names of members, no votes of anybody. One query."""
    return lists_of(**public_decision_lists(area, now=now or timezone.now(), limit=limit))


def upcoming_public_meetings(area: Quartier, *, now: datetime.datetime, limit: int) -> QuerySet[Meeting]:
    """The area's coming meetings (``upcoming_meetings``) with their committee, date, time and place: what anyone
    may know of them, soonest first."""
    return (
        Meeting.objects.filter(upcoming_meetings(now), public_committee("committee__"), committee__area=area)
        .select_related("committee")
        .only("starts_at", "status", "place", "committee__name")  # never the online link: it is for the members
        .order_by("starts_at", "pk")[:limit]
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's meeting before ``meeting``: whose minutes it approves, and since whose start the
    circular resolutions count."""
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .first()
    )


@dataclass
class ItemConflict:
    """A conflict flag of a member on an agenda item, as the meeting page shows it."""

    flag: ConflictFlag
    name: str
    holds_vote: bool  # present and holding a vote: the office records whether they were recused

    @property
    def reason(self) -> str:
        return " ".join(self.flag.reason.splitlines())

    @property
    def recused(self) -> bool:
        return self.flag.status == ConflictFlag.Status.CONFIRMED

    @property
    def open(self) -> bool:
        return self.flag.status == ConflictFlag.Status.FLAGGED


@dataclass
class MeetingPage:
    meeting: Meeting
    items: list  # each with ``conflicts`` (list of ItemConflict) and ``recused_names`` (list of str)
    members: list[tuple[Membership, str]]  # each running member and their attendance ("" when not taken)
    present_voting: int
    voting_members: int
    quorum: bool
    previous: Meeting | None
    vote_holders: list[Membership]  # the members present holding a vote, by name

    @property
    def attendance_taken(self) -> bool:
        return any(status for _member, status in self.members)


def meeting_page(meeting_id: int, area: Quartier) -> MeetingPage | None:
    """A meeting of ``area`` with its agenda and each item's conflicts and recusals, the members on its day
    with their attendance, and the quorum as attendance stands. Seven queries, whatever the size."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, committee__area=area).select_related("committee", "approved_in").first()
    )
    if meeting is None:
        return None
    day = timezone.localdate(meeting.starts_at)
    members = list(
        Membership.objects.filter(committee_id=meeting.committee_id)
        .filter(running_on(day))
        .select_related("person")
        .order_by("-voting", *german("person__last_name", "person__first_name"), "pk")
    )
    attendance = dict(Attendance.objects.filter(meeting=meeting).values_list("membership_id", "status"))
    voting = [member for member in members if member.voting]
    holders = vote_holders(members, {pk for pk, status in attendance.items() if status == Attendance.Status.PRESENT})
    tally = Tally.in_meeting(eligible=len(voting), present=len(holders))
    previous = previous_meeting(meeting)
    items = list(meeting.items.all())
    conflicts: dict[int, list[ItemConflict]] = {}
    for flag in (
        ConflictFlag.objects.filter(agenda_item__meeting=meeting)
        .select_related("membership__person")
        .order_by(*german("membership__person__last_name", "membership__person__first_name"), "pk")
    ):
        if flag.agenda_item_id is None:  # never: the flags of the meeting's items
            continue
        conflicts.setdefault(flag.agenda_item_id, []).append(
            ItemConflict(flag=flag, name=str(flag.membership.person), holds_vote=flag.membership_id in holders)
        )
    for item in items:
        # What the page shows of each item, kept on the row as prefetch_related(to_attr=...) would.
        item.conflicts = conflicts.get(item.pk, [])  # type: ignore[attr-defined]
        item.recused_names = [  # type: ignore[attr-defined]
            entry.name for entry in conflicts.get(item.pk, []) if entry.recused and entry.holds_vote
        ]
    return MeetingPage(
        meeting=meeting,
        items=items,
        members=[(member, attendance.get(member.pk, "")) for member in members],
        present_voting=len(holders),
        voting_members=len(voting),
        quorum=bool(holders) and has_quorum(meeting.committee, tally),
        previous=previous,
        vote_holders=[member for member in members if member.pk in holders],
    )


def ballot_office_page(ballot_id: int, area: Quartier, on: datetime.date | None = None) -> BallotProgress | None:
    """A ballot of ``area`` for the office: its items and, for every voting member, how many items they
    have done (never how they voted). Four queries."""
    ballot = Ballot.objects.filter(pk=ballot_id, committee__area=area).select_related("committee").first()
    if ballot is None:
        return None
    on = on or counting_day(ballot, timezone.now())
    items = list(ballot.items.all())
    done = dict(  # by person: a term renewed while the ballot runs is one voter
        Participation.objects.filter(item__ballot=ballot)
        .values_list("membership__person_id")
        .annotate(count=Count("pk"))
        .values_list("membership__person_id", "count")
    )
    voters = [(member, done.get(member.person_id, 0)) for member in active_voting_members(ballot, on)]
    voters.sort(key=lambda entry: (entry[0].person.last_name, entry[0].person.first_name, entry[0].pk))
    ballot.item_list = items  # type: ignore[attr-defined]
    return BallotProgress(ballot=ballot, items=len(items), voters=voters)


def meetings_of_member(user: User, on: datetime.date | None = None) -> list:
    """Coming meetings of the user's committees (and those of the last four weeks), with their agenda."""
    on = on or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=28)
    return list(
        Meeting.objects.filter(committee_id__in=committee_member_ids(user), starts_at__gte=since)
        .select_related("committee")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position")))
        .order_by("starts_at")[:20]
    )


def calendar_memberships(user: User, on: datetime.date | None = None) -> list[Membership]:
    """The user's running memberships, each with ``link_since``: when their calendar link was made (None without
    one). One query."""
    on = on or timezone.localdate()
    return list(
        Membership.objects.filter(user=user)
        .filter(running_on(on))
        .select_related("committee")
        .annotate(link_since=Max("calendar_links__created_at", filter=Q(calendar_links__user=user)))
        .order_by(*german("committee__name"), "pk")
    )


def staff_calendar_link_since(committee_id: int, user: User) -> datetime.datetime | None:
    """When ``user`` made their own (staff) calendar link of the committee, or None. One query."""
    return (
        CalendarLink.objects.filter(committee_id=committee_id, user=user, membership__isnull=True)
        .values_list("created_at", flat=True)
        .first()
    )
