"""Section 4, events and participation: the events and activities of the year (by the moment they began, in the
office's time zone) and the participants counted at them, in total, by field of action, by kind, by target group
and by age band, each beside the year before; the public and the internal events, the series they came in, and
the year's largest events.

An event counts in the year it began; while the year runs, only the events begun by now, and of the year before
only those begun by the same day a year earlier, so the two years compare like with like. An event in several
fields of action counts in each, and so does an event for several target groups. Participants are the counts the
office recorded after an event: an event without a count is shown as such, never as 0 participants; the counts by
target group and by age band are optional parts of them.

The year's surveys (aktivierende Befragung, self-evaluation) are the section after this one
(``reporting.figures.surveys``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activation.models import AGE_BANDS, Kind
from quartier.exports import Column, date_column, number_column
from quartier.models import Quartier
from reporting import charts, selectors
from reporting.figures.common import Cell, Table, field_label, in_field_order
from reporting.selectors import NO_EVENT_YEAR, NO_EVENTS, EventCounts, FieldKey, GroupCounts

#: The difference of a figure from the year before to the year.
CHANGE = pgettext_lazy("compared with the year before", "Change")


@dataclass(frozen=True, slots=True)
class Pair:
    """A figure of the year and the same figure of the year before; ``None`` where nothing was counted."""

    year: int | None
    before: int | None

    @property
    def change(self) -> int | None:
        """From the year before to the year; ``None`` when either was not counted."""
        if self.year is None or self.before is None:
            return None
        return self.year - self.before


@dataclass(frozen=True, slots=True)
class TotalRow:
    key: str
    label: str | Promise
    figure: Pair


@dataclass(frozen=True, slots=True)
class EventRow:
    """Events of a field of action or a kind, and their participants."""

    key: str
    label: str | Promise
    events: Pair
    uncounted: Pair  # events without participants counted
    participants: Pair  # at the events with a count


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    label: str
    addressed: Pair  # events for the target group
    participants: Pair  # participants of the group, where events counted them


@dataclass(frozen=True, slots=True)
class AgeRow:
    key: str
    label: str | Promise
    participants: Pair


@dataclass(frozen=True, slots=True)
class LargeEvent:
    title: str
    kind: str | Promise
    day: datetime.date
    place: str
    participants: int


@dataclass(frozen=True, slots=True)
class ActivationSection:
    year: int
    running: bool  # the year runs: both years are counted up to the same day
    events: Pair
    counted: Pair  # events with participants counted
    uncounted: Pair
    participants: Pair  # at the counted events
    public: Pair
    internal: Pair
    series: Pair  # series with an event in the year
    totals: tuple[TotalRow, ...]  # the figures above, as the overview table shows them
    by_field: tuple[EventRow, ...]  # fields with events in either year, "without a field of action" last
    by_kind: tuple[EventRow, ...]  # every kind
    by_group: tuple[GroupRow, ...]  # target groups with events or counts in either year, in their order
    by_age: tuple[AgeRow, ...]  # every age band, then the participants counted without an age
    largest: tuple[LargeEvent, ...]  # the year's events with the most participants, most first
    field_chart: charts.HBarChart  # events by field of action, the year and the year before
    group_chart: charts.HBarChart  # participants by target group, the year and the year before

    def tables(self) -> dict[str, Table]:
        this, before = self.year, self.year - 1
        compared = _compared_headers(this, before)
        events = _("Events")
        return {
            "veranstaltungen-ueberblick": Table(
                _("Events and participants"),
                (_("Figure"), *compared),
                tuple((row.label, *_cells(row.figure)) for row in self.totals),
            ),
            "veranstaltungen-handlungsfeld": Table(
                _("Events by field of action"),
                (_("Field of action"), *_event_headers(this, before)),
                tuple(_event_cells(row) for row in self.by_field),
            ),
            "veranstaltungen-art": Table(
                _("Events by kind"),
                (_("Kind"), *_event_headers(this, before)),
                tuple(_event_cells(row) for row in self.by_kind),
            ),
            "veranstaltungen-zielgruppe": Table(
                _("Events and participants by target group"),
                (
                    _("Target group"),
                    *_compared_headers(this, before, events),
                    *_compared_headers(this, before, _("Participants")),
                ),
                tuple((row.label, *_cells(row.addressed), *_cells(row.participants)) for row in self.by_group),
            ),
            "teilnehmende-alter": Table(
                _("Participants by age"),
                (_("Age"), *compared),
                tuple((row.label, *_cells(row.participants)) for row in self.by_age),
            ),
            "veranstaltungen-groesste": Table(
                _("The year's largest events"),
                (date_column(_("Day")), _("Event"), _("Kind"), _("Place"), number_column(_("Participants"))),
                tuple((row.day, row.title, row.kind, row.place, row.participants) for row in self.largest),
            ),
        }


def _compared_headers(this: int, before: int, what: str | Promise = "") -> tuple[Column, ...]:
    """The columns of a figure compared: the year, the year before, the change (each named ``what`` first)."""
    names: tuple[str | Promise, ...] = (str(this), str(before), CHANGE)
    if what:
        names = tuple(format_lazy("{} {}", what, name) for name in names)
    return tuple(number_column(name) for name in names)


def _event_headers(this: int, before: int) -> tuple[Column, ...]:
    return (
        *_compared_headers(this, before, _("Events")),
        *_compared_headers(this, before, _("Participants")),
        number_column(format_lazy("{} {}", _("Events without a count"), this)),
        number_column(format_lazy("{} {}", _("Events without a count"), before)),
    )


def _cells(pair: Pair) -> tuple[Cell, Cell, Cell]:
    return (pair.year, pair.before, pair.change)


def _event_cells(row: EventRow) -> tuple[Cell, ...]:
    return (row.label, *_cells(row.events), *_cells(row.participants), row.uncounted.year, row.uncounted.before)


def _event_row(key: str, label: str | Promise, this: EventCounts, before: EventCounts) -> EventRow:
    return EventRow(
        key=key,
        label=label,
        events=Pair(this.events, before.events),
        uncounted=Pair(this.events - this.counted, before.events - before.counted),
        participants=Pair(this.participants, before.participants),
    )


def _not_counted(total: int | None, parts: Iterable[int | None]) -> int | None:
    """The participants of ``total`` in none of ``parts`` (``None`` when nobody was counted)."""
    if total is None:
        return None
    return total - sum(part for part in parts if part is not None)


def _chart(rows: Iterable[tuple[str | Promise, Pair]]) -> charts.HBarChart:
    return charts.hbar_chart([(str(label), [pair.year, pair.before]) for label, pair in rows])


def activation_section(area: Quartier, year: int, *, now: datetime.datetime | None = None) -> ActivationSection:
    """Five queries, whatever the number of events (the year before is read in the same queries)."""
    now = now or timezone.now()
    span = selectors.Span(year)
    data = selectors.activation_data(area, span, now)
    this_year = data.years.get(year, NO_EVENT_YEAR)
    year_before = data.years.get(year - 1, NO_EVENT_YEAR)
    this, before = this_year.counts, year_before.counts

    def pair(figure: str) -> Pair:
        return Pair(getattr(this_year, figure), getattr(year_before, figure))

    events = Pair(this.events, before.events)
    counted = Pair(this.counted, before.counted)
    uncounted = Pair(this.events - this.counted, before.events - before.counted)
    participants = Pair(this.participants, before.participants)
    public = pair("public")
    internal = Pair(this.events - this_year.public, before.events - year_before.public)
    series = pair("series")
    totals = (
        TotalRow("events", _("Events"), events),
        TotalRow("counted", _("with participants counted"), counted),
        TotalRow("uncounted", _("without participants counted"), uncounted),
        TotalRow("participants", _("Participants counted"), participants),
        TotalRow("public", _("Public events"), public),
        TotalRow("internal", _("Internal events"), internal),
        TotalRow("series", _("Series of events"), series),
    )
    field_keys = {key for (_year, key) in data.by_field}
    by_field = tuple(
        _event_row(
            str(key.pk) if key is not None else "",
            field_label(key),
            data.by_field.get((year, key), NO_EVENTS),
            data.by_field.get((year - 1, key), NO_EVENTS),
        )
        for key, _none in in_field_order(dict.fromkeys(field_keys))
    )
    by_kind = tuple(
        _event_row(key, label, data.by_kind.get((year, key), NO_EVENTS), data.by_kind.get((year - 1, key), NO_EVENTS))
        for key, label in Kind.choices
    )
    nothing = GroupCounts(0, 0, None)
    group_keys: list[FieldKey] = sorted({key for (_year, key) in data.by_group}, key=lambda key: key.order)

    def group(key: FieldKey) -> tuple[GroupCounts, GroupCounts]:
        return data.by_group.get((year, key), nothing), data.by_group.get((year - 1, key), nothing)

    by_group = tuple(
        GroupRow(
            key=str(key.pk),
            label=key.name,
            addressed=Pair(this_group.addressed, group_before.addressed),
            participants=Pair(this_group.participants, group_before.participants),
        )
        for key in group_keys
        for this_group, group_before in (group(key),)
    )
    by_age = (
        *(AgeRow(name, label, Pair(this_year.ages[name], year_before.ages[name])) for name, label in AGE_BANDS),
        AgeRow(
            "",
            _("age not counted"),
            Pair(
                _not_counted(this.participants, this_year.ages.values()),
                _not_counted(before.participants, year_before.ages.values()),
            ),
        ),
    )
    kinds = dict(Kind.choices)
    largest = tuple(
        LargeEvent(
            title=event.title,
            kind=kinds.get(event.kind, event.kind),
            day=timezone.localdate(event.starts_at),
            place=event.place,
            participants=event.participants or 0,
        )
        for event in data.largest
    )
    return ActivationSection(
        year=year,
        running=now < span.end,
        events=events,
        counted=counted,
        uncounted=uncounted,
        participants=participants,
        public=public,
        internal=internal,
        series=series,
        totals=totals,
        by_field=by_field,
        by_kind=by_kind,
        by_group=by_group,
        by_age=by_age,
        largest=largest,
        field_chart=_chart((row.label, row.events) for row in by_field),
        group_chart=_chart((row.label, row.participants) for row in by_group if row.participants != Pair(None, None)),
    )
