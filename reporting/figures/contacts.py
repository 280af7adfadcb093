"""Section 3, contacts and concerns: contact notes by channel and field of action, the people and organisations
reached; the concerns raised in the year by status and where they were forwarded, and those resolved in it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from actors.models import ConcernStatus, ContactNote
from quartier.models import Quartier
from reporting import charts, selectors
from reporting.figures.common import CountRow, Table, field_label, in_field_order


@dataclass(frozen=True, slots=True)
class ContactsSection:
    notes: int  # contact notes of the year
    persons: int  # distinct persons they reached
    organisations: int  # distinct organisations they reached
    by_channel: tuple[CountRow, ...]  # every channel
    by_field: tuple[CountRow, ...]  # every field of action with a note, "without a field of action" last
    channel_chart: charts.HBarChart
    field_chart: charts.HBarChart
    concerns_raised: int
    concerns_by_status: tuple[CountRow, ...]  # every status, of the concerns raised in the year, as they stand now
    concerns_resolved: int
    concerns_forwarded: int
    forwarded: tuple[CountRow, ...]  # per administrative unit the year's concerns were forwarded to, most first

    def tables(self) -> dict[str, Table]:
        count = _("Number")
        return {
            "kontakte-kanal": Table(
                _("Contacts by channel"),
                (_("Channel"), count),
                tuple((row.label, row.count) for row in self.by_channel),
            ),
            "kontakte-handlungsfeld": Table(
                _("Contacts by field of action"),
                (_("Field of action"), count),
                tuple((row.label, row.count) for row in self.by_field),
            ),
            "anliegen-status": Table(
                _("Concerns raised in the year by status"),
                (_("Status"), count),
                tuple((row.label, row.count) for row in self.concerns_by_status),
            ),
            "anliegen-weitergeleitet": Table(
                _("Concerns forwarded, by recipient"),
                (_("Forwarded to"), count),
                tuple((row.label, row.count) for row in self.forwarded),
            ),
        }


def contacts_section(area: Quartier, year: int) -> ContactsSection:
    """Six queries."""
    data = selectors.contact_data(area, selectors.Span(year))
    by_channel = tuple(CountRow(label, data.by_channel.get(key, 0), key) for key, label in ContactNote.Channel.choices)
    by_field = tuple(
        CountRow(field_label(key), count, str(key.pk) if key is not None else "")
        for key, count in in_field_order(data.by_field)
    )
    forwarded = tuple(CountRow(unit, count) for unit, count in data.forwarded)
    return ContactsSection(
        notes=data.notes,
        persons=data.persons,
        organisations=data.organisations,
        by_channel=by_channel,
        by_field=by_field,
        channel_chart=charts.hbar_chart([(str(row.label), [row.count]) for row in by_channel]),
        field_chart=charts.hbar_chart([(str(row.label), [row.count]) for row in by_field]),
        concerns_raised=sum(data.concerns_by_status.values()),
        concerns_by_status=tuple(
            CountRow(label, data.concerns_by_status.get(key, 0), key) for key, label in ConcernStatus.choices
        ),
        concerns_resolved=data.concerns_resolved,
        concerns_forwarded=sum(row.count for row in forwarded),
        forwarded=forwarded,
    )
