"""Invitations to committee meetings: by email with the calendar entry attached, by letter for the
members without an email address (the office sees who they are)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from committees.calendar import invitation_ics
from committees.models import Meeting, Membership
from committees.services.meetings import MEETING
from committees.voters import address_of
from quartier.mail import queue_mail
from quartier.models import User, running_on
from quartier.sorting import german

logger = logging.getLogger(__name__)

# Mails sent by a program, not a person: no out-of-office replies, please (RFC 3834).
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def invitees(meeting: Meeting) -> list[Membership]:
    """Every member of the committee (voting and advisory) whose term runs on the day of the meeting."""
    day = timezone.localdate(meeting.starts_at)
    return list(
        Membership.objects.filter(committee_id=meeting.committee_id)
        .filter(running_on(day))
        .select_related("person", "user")
        .order_by(*german("person__last_name", "person__first_name"), "pk")
    )


@transaction.atomic
def meeting_invite(
    *, meeting: Meeting, by: User | None, send: Callable[[int], object], now: datetime.datetime | None = None
) -> list[Membership]:
    """Invite the members to ``meeting``: mark it invited and, once the transaction is committed, hand the
    meeting's id to ``send``, which queues the emails (``committees.tasks.send_meeting_invitations.delay``:
    the task calls this module, so it is passed in rather than imported). An invited meeting may be sent
    again, after it has changed.

    Returns the members without an email address, who are to be invited by letter.
    """
    now = now or timezone.now()
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "invite")
    if meeting.starts_at <= now:
        raise ValidationError(_("A meeting in the past cannot be sent as an invitation."), code="past")
    if not meeting.items.exists():
        raise ValidationError(_("Add at least one agenda item before sending the invitation."), code="no_agenda")
    MEETING.apply(meeting, "invite", by=by, now=now, invited_at=now)
    meeting_id = meeting.pk
    transaction.on_commit(lambda: send(meeting_id))
    return [member for member in invitees(meeting) if not address_of(member)]


def _calendar_part(meeting: Meeting, attendee: str) -> dict[str, str]:
    """The calendar entry sent along (``quartier.models.Mail.attachments``): a request calendars take in."""
    filename = f"{slugify(meeting.committee.name) or 'sitzung'}-{timezone.localdate(meeting.starts_at):%Y-%m-%d}.ics"
    return {
        "name": filename,
        "type": "text/calendar",
        "method": "REQUEST",
        "content": invitation_ics(meeting, attendee=attendee).decode(),
    }


def invitation_queue(meeting: Meeting, membership: Membership, address: str) -> None:
    """Queue the invitation of one member (``quartier.mail.queue_mail``), in the member's language
    (``Membership.mail_language``) whatever the language of the office's page that sent it. Reads
    ``meeting.committee.area`` and ``meeting.items``."""
    with translation.override(membership.mail_language):
        _invitation_queue(meeting, membership, address)


def _invitation_queue(meeting: Meeting, membership: Membership, address: str) -> None:
    updated = meeting.sequence > 0
    subject = (
        _("Changed invitation: %(committee)s on %(date)s") if updated else _("Invitation: %(committee)s on %(date)s")
    )
    subject = subject % {
        "committee": meeting.committee.name,
        "date": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT"),
    }
    body = render_to_string(
        "committees/email/invitation.txt",
        {
            "name": str(membership.person),
            "committee": meeting.committee.name,
            "area": meeting.committee.area,
            "meeting": meeting,
            "ends_at": meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes),
            "items": list(meeting.items.all()),
            "advisory": not membership.voting,
            "updated": updated,
        },
    )
    queue_mail(
        to=address,
        subject=subject,
        body=body,
        kind="committees.invitation",
        about=membership,
        area=meeting.committee.area,
        attachments=[_calendar_part(meeting, address)],
        language=membership.mail_language,
    )


def meeting_invitations_send(*, meeting: Meeting, now: datetime.datetime | None = None) -> int:
    """Queue the invitation to every member of ``meeting``'s committee who has an address (each is sent, and
    retried, on its own). Nothing for a meeting that is no longer invited or has begun. Returns the number
    queued."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("committee__area").prefetch_related("items").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.INVITED or meeting.starts_at <= now:
        logger.info("Invitations to meeting %s not sent: it is no longer invited or has begun", meeting.pk)
        return 0
    queued = 0
    for membership in invitees(meeting):
        address = address_of(membership)
        if address:
            invitation_queue(meeting, membership, address)
            queued += 1
    logger.info("Queued %s invitations to meeting %s", queued, meeting.pk)
    return queued
