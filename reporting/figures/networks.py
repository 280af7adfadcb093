"""Section 6, networks: the networks with members in the year, their members and newcomers; the members of all
networks; the organisations (by kind) and persons new in the year. A membership counts when its period shares a
day with the year (an open start or end reaches infinitely far); an organisation or person is new when it was
created in the year."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation
from quartier.models import Quartier
from reporting import selectors
from reporting.figures.common import CountRow, Table, names_of


@dataclass(frozen=True, slots=True)
class NetworkRow:
    name: str
    kind: str | Promise
    lead: str
    fields: tuple[str, ...]
    organisations: int  # distinct member organisations in the year
    persons: int  # distinct member persons in the year
    joined: int  # memberships that started in the year
    new: bool  # the network was created in the year


@dataclass(frozen=True, slots=True)
class NetworksSection:
    networks: tuple[NetworkRow, ...]  # with members in the year, by name
    active: int
    organisations: int  # distinct members of any network in the year
    persons: int
    new_networks: int
    new_organisations: int
    new_organisations_by_kind: tuple[CountRow, ...]  # most first
    new_persons: int
    new_residents: int

    def tables(self) -> dict[str, Table]:
        return {
            "netzwerke": Table(
                _("Active networks"),
                (
                    _("Network"),
                    _("Kind"),
                    _("Lead organisation"),
                    _("Fields of action"),
                    _("Organisations"),
                    _("Persons"),
                    _("Joined in the year"),
                ),
                tuple(
                    (row.name, row.kind, row.lead, ", ".join(row.fields), row.organisations, row.persons, row.joined)
                    for row in self.networks
                ),
            ),
            "neue-organisationen": Table(
                _("New organisations by kind"),
                (_("Kind"), _("Number")),
                tuple((row.label, row.count) for row in self.new_organisations_by_kind),
            ),
        }


def networks_section(area: Quartier, year: int) -> NetworksSection:
    """Five queries (four without an active network)."""
    span = selectors.Span(year)
    data = selectors.network_data(area, span)
    rows = tuple(
        NetworkRow(
            name=active.network.name,
            kind=active.network.get_kind_display(),
            lead=active.network.lead_organisation.name if active.network.lead_organisation else "",
            fields=names_of(active.network.fields_of_action.all()),
            organisations=active.organisations,
            persons=active.persons,
            joined=active.joined,
            new=span.contains(active.network.created_at),
        )
        for active in data.networks
    )
    kinds = dict(Organisation.Kind.choices)
    new_organisations = tuple(
        CountRow(kinds.get(kind, kind), count, kind) for kind, count in data.new_organisations_by_kind
    )
    return NetworksSection(
        networks=rows,
        active=len(rows),
        organisations=data.member_organisations,
        persons=data.member_persons,
        new_networks=sum(1 for row in rows if row.new),
        new_organisations=sum(row.count for row in new_organisations),
        new_organisations_by_kind=new_organisations,
        new_persons=data.new_persons,
        new_residents=data.new_residents,
    )
