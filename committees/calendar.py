"""Calendar entries (ICS, RFC 5545) of committee meetings: the invitation's attachment and the feed of a committee.

Times are written in UTC, so no calendar needs a time zone definition. A meeting keeps its UID for
life; its SEQUENCE (``Meeting.sequence``) rises whenever an invited meeting changes, so calendars
replace the entry they already hold instead of adding a second one. A meeting stored at the edge of
the calendar (year 1, year 9999) still gives a valid entry: its end stops at the last moment there is.

The feed's address carries a personal token instead of a login (calendar programs cannot log in):
``CalendarLink`` stores only its SHA-256. Whether the link still works is decided at each request:
a member's while their term runs (by the clock) and the account is still the membership's, office
staff's while their role lets them see the committees; a new link replaces the old one at once.
"""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from committees.models import CalendarLink, Committee, Meeting
from committees.services.calendar_links import token_hash
from quartier import permissions

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
END_OF_TIME = datetime.datetime.max.replace(microsecond=0, tzinfo=datetime.UTC)
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
    duration = datetime.timedelta(minutes=meeting.duration_minutes)
    end = start + duration if start <= END_OF_TIME - duration else END_OF_TIME  # no overflow in year 9999
    description = agenda_text(meeting)
    if meeting.online_link:
        description = f"{description}\n\n{meeting.online_link}".strip()
    event = icalendar.Event.new(
        uid=meeting_uid(meeting),
        start=start,
        end=end,
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


def committee_for_feed_token(token: str, now: datetime.datetime | None = None) -> Committee | None:
    """The committee whose feed the personal link ``token`` opens, or None for a forged, replaced or stale link:
    the member's term has ended (or not begun), the account is no longer the membership's or is switched off,
    or the staff member's role no longer lets them see the area's committees."""
    if not TOKEN.fullmatch(token):
        return None
    digest = token_hash(token)
    link = (
        CalendarLink.objects.select_related("committee__area", "membership", "user").filter(token_hash=digest).first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest) or not link.user.is_active:
        return None
    if link.membership is not None:
        on = timezone.localdate(now or timezone.now())
        membership = link.membership
        started = membership.start is None or membership.start <= on
        running = started and (membership.end is None or on <= membership.end)
        if not running or membership.user_id != link.user_id or membership.committee_id != link.committee_id:
            return None
    elif not permissions.can(link.user, permissions.VIEW_COMMITTEES, link.committee.area):
        return None
    return link.committee


def feed_path(token: str) -> str:
    """The path of the feed that the personal link ``token`` opens."""
    return reverse("committee_calendar", kwargs={"feed_token": token})
