"""What committee members are told by mail: a ballot opened, a ballot closed with its results, minutes approved.

Each is queued by the service that makes the change (``ballot_open``, ``ballot_close``, ``minutes_approve``),
in its transaction, so every path (the office, the deadline task, the admin) sends it. They are optional mails:
each account gets them as it chose (``quartier.notifications.notify``: now, in the daily digest, or not). Only a
member with a voting account and an address is told: the link leads to pages behind the login.

The results of a ballot are counts per item, for a named ballot too: never who voted how.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from committees.models import Ballot, Meeting, Membership
from committees.voters import active_voting_members, address_of
from quartier.models import running_on
from quartier.net import on_site
from quartier.notifications import mail_choices_of, notify
from quartier.sorting import german

BALLOT_OPENED = "committees.ballot_opened"
BALLOT_CLOSED = "committees.ballot_closed"
MINUTES_APPROVED = "committees.minutes_approved"


def reachable(memberships: Iterable[Membership]) -> list[tuple[Membership, str]]:
    """Of ``memberships``, those with an active voting account and an address, with the address: one per account
    (a renewed term running beside the old one is one person). One query."""
    ids = [membership.pk for membership in memberships]
    found = (
        Membership.objects.filter(pk__in=ids, user__isnull=False, user__is_active=True)
        .select_related("person", "user")
        .order_by(*german("person__last_name", "person__first_name"), "pk")
    )
    seen: set[int] = set()
    reached = []
    for membership in found:
        address = address_of(membership)
        if address and membership.user_id is not None and membership.user_id not in seen:
            seen.add(membership.user_id)
            reached.append((membership, address))
    return reached


def _tell(
    recipients: list[tuple[Membership, str]],
    *,
    kind: str,
    subject: Callable[[], str],
    template: str,
    context: dict[str, object],
) -> int:
    """Send the mail of ``template`` to each recipient as they chose, in the member's language
    (``Membership.mail_language``; ``subject()`` is written in it too); returns how many were queued or kept."""
    choices = mail_choices_of(membership.user_id for membership, _address in recipients if membership.user_id)
    told = 0
    for membership, address in recipients:
        if membership.user is None:  # never: reachable() keeps only members with an account
            continue
        with translation.override(membership.mail_language):
            body = render_to_string(template, {**context, "name": str(membership.person)})
            subject_text = subject()
        delivery = notify(
            user=membership.user,
            to=address,
            subject=subject_text,
            body=body,
            kind=kind,
            about=membership,
            area=membership.committee.area,
            choices=choices,
            language=membership.mail_language,
        )
        told += delivery != "no"
    return told


def _ballot_context(ballot: Ballot) -> dict[str, object]:
    """What the mails about a ballot show: its committee, items and the link to the member's ballot page."""
    return {
        "committee": ballot.committee.name,
        "area": ballot.committee.area,
        "ballot": ballot,
        "items": list(ballot.items.order_by("position")),
        "link": on_site(reverse("ballot_page", kwargs={"ballot_pk": ballot.pk})),
    }


def ballot_opened_tell(ballot: Ballot, now: datetime.datetime) -> int:
    """Tell the voting members who can vote online that ``ballot`` is open: its items, deadline and link."""
    ballot = Ballot.objects.select_related("committee__area").get(pk=ballot.pk)
    voters = active_voting_members(ballot, timezone.localdate(now))
    recipients = _with_committee(reachable(voters), ballot.committee)
    return _tell(
        recipients,
        kind=BALLOT_OPENED,
        subject=lambda: (
            _("New ballot: “%(title)s”, until %(deadline)s")
            % {
                "title": ballot.title,
                "deadline": date_format(timezone.localtime(ballot.deadline), "SHORT_DATETIME_FORMAT"),
            }
        ),
        template="committees/email/ballot_opened.txt",
        context=_ballot_context(ballot),
    )


def ballot_closed_tell(ballot: Ballot, voters: list[Membership]) -> int:
    """Tell ``voters`` (the voting members on the counting day) the results of the closed ``ballot``: the counts
    and the outcome of each item, never who voted how."""
    ballot = Ballot.objects.select_related("committee__area").get(pk=ballot.pk)
    recipients = _with_committee(reachable(voters), ballot.committee)
    return _tell(
        recipients,
        kind=BALLOT_CLOSED,
        subject=lambda: _("Results: “%(title)s”") % {"title": ballot.title},
        template="committees/email/ballot_closed.txt",
        context=_ballot_context(ballot),
    )


def minutes_approved_tell(meeting: Meeting, at: Meeting, now: datetime.datetime) -> int:
    """Tell the committee's members (voting and advisory, their term running) that the minutes of ``meeting`` were
    approved at ``at``. Members have no page of the minutes (the PDF is the office's, with the names of who took
    part): the link leads to the committees' public page, with the meeting and its decisions."""
    meeting = Meeting.objects.select_related("committee__area").get(pk=meeting.pk)
    committee = meeting.committee
    members = Membership.objects.filter(committee=committee).filter(running_on(timezone.localdate(now)))
    return _tell(
        _with_committee(reachable(members), committee),
        kind=MINUTES_APPROVED,
        subject=lambda: (
            _("Minutes approved: %(committee)s on %(date)s")
            % {
                "committee": committee.name,
                "date": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT"),
            }
        ),
        template="committees/email/minutes_approved.txt",
        context={
            "committee": committee.name,
            "area": committee.area,
            "meeting": meeting,
            "at": at,
            "items": list(meeting.items.order_by("position")),
            "link": on_site(reverse("public_committees", kwargs={"slug": committee.area.slug})),
        },
    )


def _with_committee(recipients: list[tuple[Membership, str]], committee: object) -> list[tuple[Membership, str]]:
    """The recipients with their committee set (read once), so no mail reads it again."""
    for membership, _address in recipients:
        membership.committee = committee  # type: ignore[assignment]
    return recipients
