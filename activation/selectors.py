"""Reads of the activation work: the office's list and page of events, and the public calendar."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from activation.models import Event, Photo, Series, TargetGroupCount
from actors.models import Organisation, Person
from fonds.models import Application
from isek.models import Measure
from quartier.models import Quartier
from quartier.sorting import german

#: How far back the public calendar reaches: the last month's events stay there with their photos.
PUBLIC_PAST_DAYS = 31


def events_for(area: Quartier) -> QuerySet[Event]:
    """The area's events, newest first: what the list filters."""
    return Event.objects.filter(area=area).order_by("-starts_at", "-pk")


def events_listed(area: Quartier, ids: Iterable[int]) -> QuerySet[Event]:
    """The events ``ids`` of the area with what the list shows: their fields of action (one query)."""
    return (
        Event.objects.filter(area=area, pk__in=list(ids))
        .only("pk", "title", "kind", "starts_at", "ends_at", "place", "public", "participants", "series_id")
        .prefetch_related("fields_of_action")
    )


def events_exported(rows: QuerySet[Event]) -> QuerySet[Event]:
    """The filtered events with everything the download writes (a fixed number of queries)."""
    return rows.prefetch_related(
        "fields_of_action",
        "target_groups",
        Prefetch("organisations", queryset=Organisation.objects.only("pk", "name").order_by(*german("name"))),
    )


def event_detail(area: Quartier, pk: int, *, with_persons: bool) -> Event | None:
    """One event of the area with its links, counts and photos; its organising persons only ``with_persons``."""
    prefetches: list[Any] = [
        "fields_of_action",
        "target_groups",
        Prefetch("organisations", queryset=Organisation.objects.only("pk", "name").order_by(*german("name"))),
        Prefetch("measures", queryset=Measure.objects.select_related("version").order_by("number")),
        Prefetch("applications", queryset=Application.objects.select_related("fund").order_by("pk")),
        Prefetch("group_counts", queryset=TargetGroupCount.objects.select_related("target_group")),
        Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at", "pk")),
    ]
    if with_persons:
        prefetches.append(
            Prefetch(
                "persons",
                queryset=Person.objects.only("pk", "first_name", "last_name").order_by(
                    *german("last_name", "first_name")
                ),
            )
        )
    return Event.objects.filter(area=area, pk=pk).select_related("series").prefetch_related(*prefetches).first()


def series_for(area: Quartier) -> QuerySet[Series]:
    return Series.objects.filter(area=area)


def public_events(area: Quartier, *, now: datetime.datetime) -> list[Event]:
    """The area's public events from a month ago on, in their order, with their organising organisations (never
    the persons) and the photos that may be shown: those with the recorded consent of the people shown."""
    since = now - datetime.timedelta(days=PUBLIC_PAST_DAYS)
    prefetches: list[Any] = [
        Prefetch("organisations", queryset=Organisation.objects.only("pk", "name").order_by(*german("name"))),
        Prefetch(
            "photos",
            queryset=Photo.objects.filter(consent=True).only("pk", "event_id", "caption").order_by("pk"),
            to_attr="public_photos",
        ),
    ]
    return list(
        Event.objects.filter(area=area, public=True, ends_at__gte=since)
        .only("pk", "title", "kind", "starts_at", "ends_at", "place", "description", "area_id")
        .prefetch_related(*prefetches)
        .order_by("starts_at", "pk")
    )


def public_photo(area: Quartier, pk: int) -> Photo | None:
    """A photo anyone may see: of a public event of the area, with the consent of the people shown recorded."""
    return Photo.objects.filter(pk=pk, consent=True, event__public=True, event__area=area).first()
