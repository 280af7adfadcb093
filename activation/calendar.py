"""The area's public events as a calendar feed (ICS, RFC 5545), for anyone to subscribe to: no personal data, only
what the public calendar page shows (title, kind, time, place, description, the organising organisations).

Times are written in UTC, as in the committees' feed (``committees.calendar``), so no calendar needs a time zone
definition; each event keeps its UID for life."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.urls import reverse
from django.utils import timezone

from activation.models import Event
from quartier.models import Quartier
from quartier.net import on_site

PRODID = "-//Quartier//Veranstaltungen//DE"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@quartier"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def public_event(event: Event, *, stamp: datetime.datetime, url: str) -> icalendar.Event:
    """One public event as a calendar entry. Reads ``event.organisations`` (prefetch it for many events)."""
    organisers = ", ".join(organisation.name for organisation in event.organisations.all())
    description = "\n\n".join(part for part in (event.description, organisers) if part)
    entry = icalendar.Event.new(
        uid=event_uid(event),
        start=_utc(event.starts_at),
        end=_utc(event.ends_at),
        stamp=stamp,
        summary=event.title,
        description=description or None,
        location=event.place or None,
        url=url,
    )
    entry.add("categories", [str(event.get_kind_display())])
    entry.add("status", "CONFIRMED")
    return entry


def public_feed(area: Quartier, events: Iterable[Event]) -> bytes:
    """The area's calendar of public events (METHOD:PUBLISH)."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", uid=f"events-{area.pk}@quartier", name=f"Veranstaltungen {area.name}"
    )
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", datetime.timedelta(hours=1))
    stamp = _utc(timezone.now())
    url = on_site(reverse("public_calendar", args=[area.slug]))
    for event in events:
        calendar.add_component(public_event(event, stamp=stamp, url=url))
    return calendar.to_ical()
