"""Meetings: planning, agenda, attendance, minutes and their approval at a later meeting.

Every step checks the state it starts from. Approved minutes are final: nothing of
the meeting changes afterwards.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AgendaItem, Attendance, Committee, Meeting, Membership, Result
from committees.rules import voting_present
from quartier.audit import acting_as, audit_transition
from quartier.models import User, running_on

MEETING_FIELDS = ("starts_at", "duration_minutes", "place", "online_link")
# What invited members must hear about again (a new calendar revision).
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "online_link")
ITEM_FIELDS = ("title", "description")
MINUTES_FIELDS = ("minutes", "decision", "yes", "no", "abstain", "recusals", "result")


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


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


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: dict[str, object], by: User) -> Meeting:
    """Change date, duration or place. An invited meeting's calendar entry gets a new revision."""
    meeting = _locked(meeting)
    _check_open(meeting)
    changed = [name for name in MEETING_FIELDS if name in data and getattr(meeting, name) != data[name]]
    for name in changed:
        setattr(meeting, name, data[name])
    meeting.full_clean()
    _check_where(meeting)
    if meeting.status == Meeting.Status.INVITED and any(name in CALENDAR_FIELDS for name in changed):
        meeting.sequence += 1
    with acting_as(by):
        meeting.save()
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User, now: datetime.datetime | None = None) -> Meeting:
    now = now or timezone.now()
    meeting = _locked(meeting)
    if meeting.status not in {Meeting.Status.PLANNED, Meeting.Status.INVITED}:
        raise ValidationError(_("Only a planned or invited meeting can be marked as held."), "not_planned")
    if meeting.starts_at > now:
        raise ValidationError(_("A meeting can only be marked as held once it has begun."), "not_begun")
    before = meeting.status
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    audit_transition(obj=meeting, transition="meeting_held", from_state=before, to_state=meeting.status, by=by)
    return meeting


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
    if meeting.status == Meeting.Status.APPROVED:
        raise ValidationError(_("These minutes are already approved."), "already_approved")
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Only the minutes of a held meeting can be approved."), "not_held")
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_in = at
    meeting.save(update_fields=["status", "approved_in"])
    audit_transition(
        obj=meeting, transition="minutes_approve", from_state=Meeting.Status.HELD, to_state=meeting.status, by=by
    )
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


def _present_voting(meeting: Meeting) -> int:
    """The votes present at the meeting: voting members, and deputies standing in for absent ones."""
    day = timezone.localdate(meeting.starts_at)
    members = list(Membership.objects.filter(running_on(day), committee_id=meeting.committee_id))
    present = set(
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).values_list(
            "membership_id", flat=True
        )
    )
    return voting_present(members, present)


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, data: dict[str, object], by: User, now: datetime.datetime | None = None
) -> AgendaItem:
    """Change an item's title and description, or record its minutes and decision."""
    now = now or timezone.now()
    meeting = _locked(item.meeting)
    _check_open(meeting)
    for name in (*ITEM_FIELDS, *MINUTES_FIELDS):
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    counts = [item.yes, item.no, item.abstain, item.recusals]
    recorded = any(value is not None for value in counts) or item.result or item.decision
    if recorded and meeting.starts_at > now:
        raise ValidationError(_("A decision can only be recorded once the meeting has begun."), "not_begun")
    votes = [value for value in (item.yes, item.no, item.abstain) if value is not None]
    if votes and not item.result:
        raise ValidationError({"result": _("Give the result of the vote.")})
    if item.result in {Result.ADOPTED, Result.REJECTED} and len(votes) < 3:
        raise ValidationError({"yes": _("Give the yes, no and abstain counts of the vote.")})
    if item.result == Result.ADOPTED and item.yes is not None and item.no is not None and item.yes <= item.no:
        raise ValidationError({"result": _("With no more yes than no votes, the motion is not adopted.")})
    total = sum(value for value in counts if value is not None)
    present = _present_voting(meeting)
    if total and total > present:
        raise ValidationError(
            {
                "yes": _("The votes and recusals (%(total)s) exceed the voting members present (%(present)s).")
                % {"total": total, "present": present}
            }
        )
    with acting_as(by):
        item.save()
    if item.result and item.content_type_id is not None:
        # The decision goes to the object the item is about (a fund application takes it if it waits for one).
        subject = item.subject
        if hasattr(subject, "apply_committee_decision"):
            subject.apply_committee_decision(result=item.result, source=item, by=by)
    return item


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
        item.save(update_fields=["position"])
        other.save(update_fields=["position"])


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    meeting = _locked(item.meeting)
    if meeting.status not in {Meeting.Status.PLANNED, Meeting.Status.INVITED}:
        raise ValidationError(_("Items of a held meeting stay in its minutes."), "held")
    with acting_as(by):
        item.delete()
        for position, later in enumerate(meeting.items.order_by("position"), start=1):
            if later.position != position:
                later.position = position
                later.save(update_fields=["position"])


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
