"""Calendar entries (ICS, RFC 5545) of committee meetings: the invitation's attachment and a feed per committee.

Times are written in UTC, so no calendar needs a time zone definition. A meeting keeps its UID for
life; its SEQUENCE (``Meeting.sequence``) rises whenever an invited meeting changes, so calendars
replace the entry they already hold instead of adding a second one.

The feed's address carries a signed token of the committee instead of a login: calendar programs
cannot log in. The token is stable (it names the committee and nothing else), so the address a
member subscribed to keeps working; changing ``SECRET_KEY`` revokes every feed address.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from committees.models import Committee, Meeting

FEED_SALT = "committees.calendar.feed"
PRODID = "-//Quartier//Gremien//DE"
# The statuses of meetings that will take place or did (a planned one may still move).
CONFIRMED = {Meeting.Status.INVITED, Meeting.Status.HELD, Meeting.Status.APPROVED}


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@quartier"


def meeting_location(meeting: Meeting) -> str:
    """Place and online link, whichever the meeting has."""
    return " · ".join(part for part in (meeting.place, meeting.online_link) if part)


def agenda_text(meeting: Meeting) -> str:
    """The agenda titles, numbered (uses ``meeting.items.all()``, so prefetch it for many meetings)."""
    return "\n".join(f"{number}. {item.title}" for number, item in enumerate(meeting.items.all(), start=1))


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address or 'quartier@localhost'}")
    if name:
        organizer.params["CN"] = name
    return organizer


def meeting_event(meeting: Meeting, *, stamp: datetime.datetime | None = None) -> icalendar.Event:
    """The calendar entry of one meeting. Reads ``meeting.committee`` and ``meeting.items``."""
    start = meeting.starts_at.astimezone(datetime.UTC).replace(microsecond=0)  # ICS knows whole seconds
    description = agenda_text(meeting)
    if meeting.online_link:
        description = f"{description}\n\n{meeting.online_link}".strip()
    event = icalendar.Event.new(
        uid=meeting_uid(meeting),
        start=start,
        end=start + datetime.timedelta(minutes=meeting.duration_minutes),
        stamp=(stamp or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0),
        sequence=meeting.sequence,
        summary=meeting.committee.name,
        description=description or None,
        location=meeting_location(meeting) or None,
        url=meeting.online_link or None,
    )
    event.add("status", "CONFIRMED" if meeting.status in CONFIRMED else "TENTATIVE")
    event.add("organizer", _organizer())
    return event


def _calendar(*, method: str, uid: str, name: str | None = None) -> icalendar.Calendar:
    return icalendar.Calendar.new(prodid=PRODID, method=method, uid=uid, name=name)


def invitation_ics(meeting: Meeting, *, attendee: str | None = None) -> bytes:
    """The invitation's calendar file (METHOD:REQUEST) with the meeting; ``attendee`` is the
    recipient's address, so calendar programs recognise the invitation as theirs."""
    calendar = _calendar(method="REQUEST", uid=f"invitation-{meeting.pk}-{meeting.sequence}@quartier")
    event = meeting_event(meeting)
    if attendee:
        address = icalendar.vCalAddress(f"mailto:{attendee}")
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "FALSE"
        event.add("attendee", address)
    calendar.add_component(event)
    return calendar.to_ical()


def committee_feed(committee: Committee, meetings: Iterable[Meeting]) -> bytes:
    """A committee's calendar to subscribe to (METHOD:PUBLISH), one entry per meeting."""
    calendar = _calendar(method="PUBLISH", uid=f"committee-{committee.pk}@quartier", name=committee.name)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", datetime.timedelta(hours=1))
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    return calendar.to_ical()


def feed_token(committee: Committee) -> str:
    """The signed token in the address of ``committee``'s feed."""
    return signing.Signer(salt=FEED_SALT).sign(str(committee.pk))


def committee_from_token(token: str) -> Committee | None:
    """The committee a feed token names, or None for a forged, damaged or stale token."""
    try:
        value = signing.Signer(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    return Committee.objects.filter(pk=int(value)).first()


def feed_path(committee: Committee) -> str:
    """The path of ``committee``'s feed (for the subscription link on the committee page)."""
    return reverse("committee_calendar", kwargs={"token": feed_token(committee)})
