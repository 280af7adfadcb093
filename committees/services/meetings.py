"""Meetings: planning, agenda, attendance, minutes and their approval at a later meeting.

Every step checks the state it starts from. Approved minutes are final: nothing of
the meeting changes afterwards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from committees.models import AgendaItem, Attendance, Committee, ConflictFlag, Meeting, Membership, Result
from committees.rules import Rules, Tally, basis_of, explain, vote_holders
from committees.services.conflicts import CONFLICT_FLAG, conflicts_refresh
from committees.services.news import minutes_approved_tell
from committees.signals import decision_tell, takes_decisions
from quartier.audit import acting_as
from quartier.models import User, running_on
from quartier.transitions import Move, StateMachine

MEETING_FIELDS = ("starts_at", "duration_minutes", "place", "online_link")
# What invited members must hear about again (a new calendar revision).
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "online_link")
ITEM_FIELDS = ("title", "description")
# What the office writes in the minutes; the result and the recusals are never among them.
MINUTES_FIELDS = ("minutes", "decision", "yes", "no", "abstain")


S = Meeting.Status

#: A meeting's steps: invited (again, after a change), held, its minutes approved at a later meeting.
MEETING = StateMachine(
    model=Meeting,
    moves={
        "invite": Move(
            sources=frozenset({S.PLANNED, S.INVITED}),
            target=S.INVITED,
            label=pgettext_lazy("step", "send the invitation"),
            done=pgettext_lazy("done", "invitation sent"),
            refusal=gettext_lazy("A meeting that has been held cannot be sent as an invitation."),
            audit="meeting_invite",
        ),
        "hold": Move(
            sources=frozenset({S.PLANNED, S.INVITED}),
            target=S.HELD,
            label=pgettext_lazy("step", "mark as held"),
            done=pgettext_lazy("done", "marked as held"),
            refusal=gettext_lazy("Only a planned or invited meeting can be marked as held."),
            audit="meeting_held",
        ),
        "approve_minutes": Move(
            sources=frozenset({S.HELD}),
            target=S.APPROVED,
            label=pgettext_lazy("step", "approve the minutes"),
            done=pgettext_lazy("done", "minutes approved"),
            refusal=gettext_lazy("Only the minutes of a held meeting can be approved."),
            refusal_from={S.APPROVED: gettext_lazy("These minutes are already approved.")},
            audit="minutes_approve",
        ),
    },
    lock_related=("committee",),
)


def _locked(meeting: Meeting) -> Meeting:
    return MEETING.lock(meeting)


def _check_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.APPROVED:
        raise ValidationError(_("The minutes of this meeting are approved; it can no longer be changed."), "approved")


def _check_where(meeting: Meeting) -> None:
    if not meeting.place and not meeting.online_link:
        raise ValidationError({"place": _("Give a place or an online link.")})


@transaction.atomic
def meeting_create(*, committee: Committee, data: dict[str, object], by: User) -> Meeting:
    meeting = Meeting(committee=committee, **{name: data[name] for name in MEETING_FIELDS if name in data})
    meeting.full_clean()
    _check_where(meeting)
    with acting_as(by):
        meeting.save()
    return meeting


def _minutes_recorded(meeting: Meeting) -> bool:
    """Is anything recorded for the meeting's day: attendance, or an item's counts or result?"""
    return (
        Attendance.objects.filter(meeting=meeting).exists()
        or meeting.items.filter(Q(yes__isnull=False) | ~Q(result="")).exists()
    )


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, data: dict[str, object], by: User, now: datetime.datetime | None = None
) -> Meeting:
    """Change date, duration or place. An invited meeting's calendar entry gets a new revision. Once attendance
    or a decision is recorded, the meeting stays on its day and in the past: both count the members whose term
    runs on that day, and a decision needs a meeting that has begun. A meeting marked held never moves into the
    future."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_open(meeting)
    changed = [name for name in MEETING_FIELDS if name in data and getattr(meeting, name) != data[name]]
    moved = data.get("starts_at")
    if (
        "starts_at" in changed
        and meeting.status == Meeting.Status.HELD
        and isinstance(moved, datetime.datetime)
        and moved > now
    ):
        # A held meeting has taken place: the public pages would list it as held on a day still to come.
        raise ValidationError({"starts_at": _("A meeting that has been held cannot move into the future.")})
    if (
        "starts_at" in changed
        and _minutes_recorded(meeting)
        and (
            not isinstance(moved, datetime.datetime)
            or timezone.localdate(moved) != timezone.localdate(meeting.starts_at)
            or moved > now
        )
    ):
        raise ValidationError(
            {
                "starts_at": _(
                    "Attendance and decisions of this meeting are recorded for its day; it can no longer move "
                    "to another day or into the future."
                )
            }
        )
    for name in changed:
        setattr(meeting, name, data[name])
    meeting.full_clean()
    _check_where(meeting)
    if meeting.status == Meeting.Status.INVITED and any(name in CALENDAR_FIELDS for name in changed):
        meeting.sequence += 1
    with acting_as(by):
        meeting.save()
    conflicts_refresh(meetings=[meeting.pk])  # the day sets who is a member
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User, now: datetime.datetime | None = None) -> Meeting:
    now = now or timezone.now()
    meeting = _locked(meeting)
    MEETING.check(meeting, "hold")
    if meeting.starts_at > now:
        raise ValidationError(_("A meeting can only be marked as held once it has begun."), "not_begun")
    return MEETING.apply(meeting, "hold", by=by, now=now)


@transaction.atomic
def minutes_approve(*, meeting: Meeting, at: Meeting, by: User, now: datetime.datetime | None = None) -> Meeting:
    """Approve the minutes of ``meeting`` at the later meeting ``at`` of the same committee."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if at.committee_id != meeting.committee_id or at.starts_at <= meeting.starts_at:
        raise ValidationError(_("Minutes are approved at a later meeting of the same committee."), "not_later")
    if at.starts_at > now:
        raise ValidationError(
            _("Minutes can only be approved once the approving meeting has begun."), "approving_not_begun"
        )
    meeting = MEETING.apply(meeting, "approve_minutes", by=by, now=now, approved_in=at)
    minutes_approved_tell(meeting, at, now)
    return meeting


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, data: dict[str, object], by: User) -> AgendaItem:
    meeting = _locked(meeting)
    _check_open(meeting)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, **{name: data[name] for name in ITEM_FIELDS if name in data})
    item.full_clean()
    with acting_as(by):
        item.save()
    return item


@dataclass(frozen=True)
class MeetingVotes:
    """Who holds a vote at a meeting as its attendance stands."""

    eligible: int  # the committee's voting members on the day
    holders: frozenset[int]  # memberships present that hold a vote (deputies standing in included)
    attendance_taken: bool

    @property
    def present(self) -> int:
        return len(self.holders)


def meeting_votes(meeting: Meeting) -> MeetingVotes:
    """The votes present at ``meeting``: voting members, and deputies standing in for absent ones. Two queries."""
    day = timezone.localdate(meeting.starts_at)
    members = list(
        Membership.objects.filter(running_on(day), committee_id=meeting.committee_id).only(
            "pk", "voting", "deputy_of_id", "start", "end"
        )
    )
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("membership_id", "status"))
    present = {pk for pk, status in statuses.items() if status == Attendance.Status.PRESENT}
    return MeetingVotes(
        eligible=sum(1 for member in members if member.voting),
        holders=frozenset(vote_holders(members, present)),
        attendance_taken=bool(statuses),
    )


def _recused(item: AgendaItem, votes: MeetingVotes) -> set[int]:
    """The members recorded as recused from ``item`` who hold a vote at the meeting."""
    confirmed = ConflictFlag.objects.filter(agenda_item=item, status=ConflictFlag.Status.CONFIRMED)
    return set(confirmed.values_list("membership_id", flat=True)) & votes.holders


def _decide(item: AgendaItem, meeting: Meeting, votes: MeetingVotes, recused: set[int]) -> None:
    """Compute the result of ``item`` from its counts under the committee's rules (``committees.rules``), with
    the recorded recusals out of the pool; keep the basis. Refuses counts the members present cannot give."""
    if not votes.attendance_taken:
        raise ValidationError(
            {"yes": _("Record the attendance first: the result depends on the voting members present.")}
        )
    tally = Tally.in_meeting(
        yes=item.yes or 0,
        no=item.no or 0,
        abstain=item.abstain or 0,
        recused=len(recused),
        eligible=votes.eligible,
        present=votes.present,
    )
    if tally.taking_part > tally.may_vote:
        if recused:
            text = _("The votes (%(total)s) exceed the voting members present and not recused (%(present)s).")
        else:
            text = _("The votes (%(total)s) exceed the voting members present (%(present)s).")
        raise ValidationError({"yes": text % {"total": tally.taking_part, "present": tally.may_vote}})
    rules = Rules.of(meeting.committee)
    item.result = explain(rules, tally).result
    item.recusals = len(recused)
    item.basis = basis_of(rules, tally)


def _clear(item: AgendaItem, result: str = "") -> None:
    item.result, item.recusals, item.basis = result, None, None


def _check_taken_over(item: AgendaItem, before: str) -> None:
    """A result handed to the object the item is about (an application takes it over by itself) stays: only
    the counts may be corrected, as long as the result remains."""
    if not before or item.result == before or item.content_type_id is None:
        return
    if takes_decisions(item.subject):
        raise ValidationError(
            _(
                "The application has already taken over this decision (%(result)s); it can no longer be changed "
                "here. Ask Steuerung to correct the application."
            )
            % {"result": Result(before).label}
        )


def _hand_over(item: AgendaItem, by: User) -> None:
    """The decision goes to the object the item is about (a fund application takes it if it waits for one)."""
    if item.result and item.content_type_id is not None:
        decision_tell(subject=item.subject, result=item.result, source=item, by=by)


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, data: dict[str, object], by: User, now: datetime.datetime | None = None
) -> AgendaItem:
    """Change an item's title and description, or record its minutes and decision.

    The office gives the yes, no and abstain counts; the result is computed by the committee's rules from
    them, the voting members present and the recusals recorded for the item (``agenda_recusal_record``). The
    only outcome chosen by hand is ``deferred`` (not voted on). ``result`` and ``recusals`` in ``data`` are
    ignored: no form can force a result."""
    now = now or timezone.now()
    meeting = _locked(item.meeting)
    _check_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    item.meeting = meeting
    before = item.result
    for name in (*ITEM_FIELDS, *MINUTES_FIELDS):
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    deferred = bool(data["deferred"]) if "deferred" in data else item.result == Result.DEFERRED
    counts = [value for value in (item.yes, item.no, item.abstain) if value is not None]
    if (counts or deferred or item.decision) and meeting.starts_at > now:
        raise ValidationError(_("A decision can only be recorded once the meeting has begun."), "not_begun")
    if deferred:
        if counts:
            raise ValidationError(
                {"deferred": _("A deferred item has no votes: remove the counts, or untick “deferred”.")}
            )
        _clear(item, Result.DEFERRED)
    elif counts:
        if len(counts) < 3:
            raise ValidationError({"yes": _("Give the yes, no and abstain counts of the vote.")})
        votes = meeting_votes(meeting)
        unanswered = list(
            ConflictFlag.objects.filter(
                agenda_item=item, status=ConflictFlag.Status.FLAGGED, membership_id__in=votes.holders
            ).select_related("membership__person")
        )
        if unanswered:
            names = ", ".join(sorted(str(flag.membership.person) for flag in unanswered))
            raise ValidationError(
                {
                    "yes": _(
                        "First record whether %(names)s was recused from this item: a possible conflict of "
                        "interest is flagged."
                    )
                    % {"names": names}
                }
            )
        _decide(item, meeting, votes, _recused(item, votes))
    else:
        _clear(item)
    _check_taken_over(item, before)
    with acting_as(by):
        item.save()
    _hand_over(item, by)
    return item


@transaction.atomic
def agenda_recusal_record(
    *, item: AgendaItem, membership: Membership, recused: bool, by: User, now: datetime.datetime | None = None
) -> ConflictFlag | None:
    """Record that ``membership`` was recused from ``item`` (left the room, did not vote), or that they took
    part after all. A recusal is stored per member and item (a confirmed ``ConflictFlag``); a flagged member
    who took part keeps the flag, dismissed. A recorded result is computed again."""
    now = now or timezone.now()
    meeting = _locked(item.meeting)
    _check_open(meeting)
    if meeting.starts_at > now:
        raise ValidationError(_("Recusals can be recorded once the meeting has begun."), "not_begun")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    item.meeting = meeting
    votes = meeting_votes(meeting)
    if membership.committee_id != meeting.committee_id or membership.pk not in votes.holders:
        raise ValidationError(
            _("Only a voting member present at the meeting (or a deputy standing in) can be recused from an item."),
            "not_present",
        )
    flag = ConflictFlag.objects.filter(agenda_item=item, membership=membership).first()
    with acting_as(by):
        if recused:
            if flag is None:
                flag = ConflictFlag.objects.create(
                    agenda_item=item,
                    membership=membership,
                    status=ConflictFlag.Status.CONFIRMED,
                    reason=_("Declared in the meeting."),
                )
            elif CONFLICT_FLAG.can(flag, "confirm"):
                CONFLICT_FLAG.apply(flag, "confirm", by=by, now=now)
        elif flag is not None and flag.reason == _("Declared in the meeting."):
            flag.delete()
            flag = None
        elif flag is not None:
            took_part = CONFLICT_FLAG.move_to(flag, ConflictFlag.Status.DISMISSED)  # flagged, or recused before
            if took_part is not None:
                CONFLICT_FLAG.apply(flag, took_part, by=by, now=now)
        if item.yes is not None and item.result != Result.DEFERRED:
            before = item.result
            _decide(item, meeting, votes, _recused(item, votes))
            _check_taken_over(item, before)
            item.save(update_fields=["result", "recusals", "basis", "modified_at"])
    return flag


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool, by: User) -> None:
    """Swap the item with the one above (or below) it."""
    meeting = _locked(item.meeting)
    _check_open(meeting)
    neighbours = (
        meeting.items.filter(position__lt=item.position) if up else meeting.items.filter(position__gt=item.position)
    )
    other = neighbours.order_by("-position" if up else "position").first()
    if other is None:
        return
    item.position, other.position = other.position, item.position
    with acting_as(by):
        item.save(update_fields=["position", "modified_at"])
        other.save(update_fields=["position", "modified_at"])


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    """Remove an item from the agenda of a meeting not yet held. An item with a recorded decision stays (a
    meeting that has begun may still be "planned" or "invited"): its counts are cleared first, which a decision
    an application has taken over refuses (``_check_taken_over``)."""
    meeting = _locked(item.meeting)
    if not MEETING.can(meeting, "hold"):  # held already
        raise ValidationError(_("Items of a held meeting stay in its minutes."), "held")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    if item.result or item.yes is not None:
        raise ValidationError(
            _(
                "An item with a recorded decision stays in the minutes. Clear its counts first; a decision an "
                "application has taken over stays for good."
            ),
            "decided",
        )
    with acting_as(by):
        item.delete()
        for position, later in enumerate(meeting.items.order_by("position"), start=1):
            if later.position != position:
                later.position = position
                later.save(update_fields=["position", "modified_at"])


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: dict[int, str], by: User) -> None:
    """Record whether members (by membership id) are present, excused or absent: all of them or none. Rows
    that do not change are left alone, so a form that sends every member writes only what changed."""
    meeting = _locked(meeting)
    _check_open(meeting)
    if any(status not in Attendance.Status.values for status in statuses.values()):
        raise ValidationError(_("Choose present, excused or absent."), "invalid_status")
    day = timezone.localdate(meeting.starts_at)
    members = set(
        Membership.objects.filter(running_on(day), committee_id=meeting.committee_id, pk__in=statuses).values_list(
            "pk", flat=True
        )
    )
    if members != set(statuses):
        raise ValidationError(_("This person is not a member of the committee on the day of the meeting."), "member")
    existing = {row.membership_id: row for row in Attendance.objects.filter(meeting=meeting, membership_id__in=members)}
    with acting_as(by):
        for membership_id, status in statuses.items():
            row = existing.get(membership_id)
            if row is None:
                Attendance.objects.create(meeting=meeting, membership_id=membership_id, status=status)
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
        _decide_again(meeting)


def _decide_again(meeting: Meeting) -> None:
    """After the attendance changed: every item decided by its counts is computed again. Counts that the
    members now present cannot give, or a result an application has taken over, refuse the change."""
    items = list(meeting.items.filter(yes__isnull=False).exclude(result__in=["", Result.DEFERRED]))
    if not items:
        return
    votes = meeting_votes(meeting)
    recused: dict[int, set[int]] = {}
    for item_id, membership_id in ConflictFlag.objects.filter(
        agenda_item__in=items, status=ConflictFlag.Status.CONFIRMED
    ).values_list("agenda_item_id", "membership_id"):
        recused.setdefault(item_id, set()).add(membership_id)
    changed = []
    for item in items:
        before = (item.result, item.recusals, item.basis)
        try:
            _decide(item, meeting, votes, recused.get(item.pk, set()) & votes.holders)
            _check_taken_over(item, before[0])
        except ValidationError as refused:
            raise ValidationError(
                _("%(title)s: %(refusal)s Correct the counts of this item first.")
                % {"title": item.title, "refusal": " ".join(refused.messages)}
            ) from refused
        if (item.result, item.recusals, item.basis) != before:
            item.modified_at = timezone.now()  # a bulk write stamps nothing itself
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["result", "recusals", "basis", "modified_at"])
