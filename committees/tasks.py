"""Background work of the committees: invitations by email, ballot reminders and closing ballots at
their deadline. Celery beat runs the last two regularly (``CELERY_BEAT_SCHEDULE`` in the settings).

Each task may run twice, or two runs may overlap, without harm: a reminder is claimed with a
conditional UPDATE before it is sent, and a ballot is closed under a row lock by ``ballot_close``,
which refuses a ballot that is no longer open.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from committees.models import Ballot, Meeting, Participation
from committees.services.ballots import ballot_close
from committees.services.invitations import address_of, meeting_invitations_send
from committees.voters import active_voting_members
from quartier.mail import queue_mail
from quartier.net import on_site

logger = logging.getLogger(__name__)

# Voters who have not finished hear from us once, when the deadline is this close.
REMINDER_BEFORE = datetime.timedelta(hours=48)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_meeting_invitations(meeting_id: int) -> int:
    """Email the invitation to a meeting (queued by ``meeting_invite``). Retried when the mail server
    cannot be reached: then nothing was sent yet."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        return meeting_invitations_send(meeting=meeting)


def _queue_reminders(ballot: Ballot, now: datetime.datetime) -> int:
    """Queue a reminder to each voting member with an account and an address who has not yet taken part in
    every item of ``ballot``. Returns how many."""
    items = ballot.items.count()
    done = dict(  # by person: a term renewed while the ballot runs is one voter (ballots.seat_of)
        Participation.objects.filter(item__ballot=ballot)
        .values_list("membership__person_id")
        .annotate(count=Count("pk"))
        .values_list("membership__person_id", "count")
    )
    link = on_site(reverse("ballot_page", kwargs={"ballot_pk": ballot.pk}))
    queued = 0
    for membership in active_voting_members(ballot, timezone.localdate(now)):
        if done.get(membership.person_id, 0) >= items or membership.user_id is None:
            continue  # finished, or cannot vote online at all
        address = address_of(membership)
        if not address:
            continue
        with translation.override(membership.mail_language):
            subject = _("Reminder: “%(title)s” ends on %(deadline)s") % {
                "title": ballot.title,
                "deadline": date_format(timezone.localtime(ballot.deadline), "SHORT_DATETIME_FORMAT"),
            }
            body = render_to_string(
                "committees/email/ballot_reminder.txt",
                {
                    "name": str(membership.person),
                    "committee": ballot.committee.name,
                    "area": ballot.committee.area,
                    "ballot": ballot,
                    "done": done.get(membership.person_id, 0),
                    "total": items,
                    "link": link,
                },
            )
        queue_mail(
            to=address,
            subject=subject,
            body=body,
            kind="committees.ballot_reminder",
            about=membership,
            language=membership.mail_language,
        )
        queued += 1
    return queued


@shared_task
def remind_ballot_voters() -> int:
    """Remind the voters who have not finished an open ballot whose deadline is less than 48 hours
    away, once per ballot. Returns the number of reminders queued."""
    now = timezone.now()
    due = Ballot.objects.filter(
        status=Ballot.Status.OPEN, reminded_at__isnull=True, deadline__gt=now, deadline__lte=now + REMINDER_BEFORE
    ).values_list("pk", flat=True)
    sent = 0
    for ballot_id in list(due):
        # Claim the ballot: of two runs at once, only one gets the row (at most one reminder).
        claimed = Ballot.objects.filter(pk=ballot_id, status=Ballot.Status.OPEN, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue
        try:
            ballot = Ballot.objects.select_related("committee__area").get(pk=ballot_id)
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                sent += _queue_reminders(ballot, now)
        except Exception:
            # Nothing was queued (one transaction): give the ballot back to the next run.
            Ballot.objects.filter(pk=ballot_id, reminded_at=now).update(reminded_at=None)
            logger.exception("Reminders of ballot %s failed; the next run tries again", ballot_id)
    return sent


@shared_task
def close_due_ballots() -> int:
    """Close every open ballot whose deadline has passed, with its results. One ballot that fails is
    logged and does not stop the others. Returns the number closed."""
    now = timezone.now()
    due = list(
        Ballot.objects.filter(status=Ballot.Status.OPEN, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)
    )
    closed = 0
    for ballot_id in due:
        try:
            ballot_close(ballot=Ballot(pk=ballot_id), by=None, now=now)
        except ValidationError as refused:
            logger.info("Ballot %s not closed: %s", ballot_id, " ".join(refused.messages))
        except Exception:
            logger.exception("Closing ballot %s failed", ballot_id)
        else:
            closed += 1
    return closed
