"""Personal data of the activation work (see ``quartier.personal_data``): persons as organisers of events and of
series of events, and links of events and series to fund applications. Photos point at no person: the office
records the consent of the people shown with each photo, and a photo without it is never shown publicly."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from quartier import permissions
from quartier.personal_data import Column, Erasing, Erasure, Kind, Registration, Section, Subject, register


def export_organised_events(subject: Subject, rows: QuerySet[Any]) -> Section:
    events = rows.filter(area=subject.area).order_by("-starts_at", "-pk")
    return Section(
        key="organised_events",
        title=_("Events the person organised"),
        columns=(
            Column("starts_at", _("Starts"), Kind.DATETIME),
            Column("title", _("Title")),
            Column("kind", _("Kind")),
            Column("place", _("Place")),
        ),
        rows=[
            {
                "starts_at": event.starts_at,
                "title": event.title,
                "kind": event.get_kind_display(),
                "place": event.place,
            }
            for event in events
        ],
    )


def erase_organised_events(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The person is no longer named as an organiser; the events stay (their participants keep counting)."""
    person = subject.person
    for event in rows:
        event.persons.remove(person)


register(
    Registration(
        model="activation.Event",
        fields=("persons",),
        label=_("events organised"),
        holds=_("which events and activities the person organised"),
        erasure=Erasure.ANONYMISE,
        because=_("The events stay, so the people reached keep counting; the person is no longer named."),
        export=export_organised_events,
        erase=erase_organised_events,
        perm=permissions.VIEW_EVENTS,
        position=60,
    )
)


def export_organised_series(subject: Subject, rows: QuerySet[Any]) -> Section:
    series = rows.filter(area=subject.area).order_by("-first_day", "-pk")
    return Section(
        key="organised_series",
        title=_("Series of events the person organises"),
        columns=(
            Column("first_day", _("First day"), Kind.DATE),
            Column("last_day", _("Last day"), Kind.DATE),
            Column("title", _("Title")),
            Column("place", _("Place")),
        ),
        rows=[
            {"first_day": row.first_day, "last_day": row.last_day, "title": row.title, "place": row.place}
            for row in series
        ],
    )


def erase_organised_series(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The person is no longer named as an organiser of the series (its events are erased on their own)."""
    person = subject.person
    for series in rows:
        series.persons.remove(person)


register(
    Registration(
        model="activation.Series",
        fields=("persons",),
        label=_("series of events organised"),
        holds=_("which regular activities the person organises"),
        erasure=Erasure.ANONYMISE,
        because=_("The series and its events stay; the person is no longer named as their organiser."),
        export=export_organised_series,
        erase=erase_organised_series,
        perm=permissions.VIEW_EVENTS,
        position=61,
    )
)
register(
    Registration(
        model="activation.Series",
        fields=("applications",),
        label=_("links of series of events to fund applications"),
        holds=_("which fund applications a series of events served"),
        erasure=Erasure.NONE,
        because=_("A link between two records; the application itself is anonymised with the person."),
        not_exported_because=_("It holds nothing about the person beyond the application, which is exported."),
    )
)
register(
    Registration(
        model="activation.Event",
        fields=("applications",),
        label=_("links of events to fund applications"),
        holds=_("which fund applications an event served"),
        erasure=Erasure.NONE,
        because=_("A link between two records; the application itself is anonymised with the person."),
        not_exported_because=_("It holds nothing about the person beyond the application, which is exported."),
    )
)
