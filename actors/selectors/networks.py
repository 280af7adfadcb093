"""Reads for networks: the filtered list with member counts, one network's page, the network picture."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from actors.models import Network, NetworkMembership
from actors.selectors.pickers import organisation_choices, person_choices
from quartier.models import Quartier
from quartier.sorting import german


def current_members(today: datetime.date, prefix: str = "") -> Q:
    """Memberships that have not ended by ``today`` (``prefix`` reaches them through a relation).

    A membership that starts later counts as current: the page shows its start.
    """
    return Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})


def working_in(field_of_action: int) -> QuerySet:
    """The ids of the networks working in ``field_of_action`` (a subquery: no duplicate rows from the join)."""
    return Network.fields_of_action.through.objects.filter(fieldofaction_id=field_of_action).values("network_id")


def networks_for(area: Quartier, *, today: datetime.date) -> QuerySet[Network]:
    """The area's networks (``actors.filters.NetworkFilterSet`` narrows them), by name, with
    ``organisation_count`` and ``person_count`` (current members), their lead organisation and fields of
    action."""
    queryset = Network.objects.filter(area=area)
    current = current_members(today, "members__")
    return (
        queryset.annotate(
            organisation_count=Count("members", filter=current & Q(members__organisation__isnull=False), distinct=True),
            person_count=Count("members", filter=current & Q(members__person__isnull=False), distinct=True),
        )
        .select_related("lead_organisation")
        .prefetch_related("fields_of_action")
        .order_by(*german("name"), "pk")
    )


def with_member_organisations(networks: QuerySet[Network], *, today: datetime.date) -> QuerySet[Network]:
    """``networks`` with ``current_organisations``: the current member organisations' memberships (for exports)."""
    return networks.prefetch_related(
        Prefetch(
            "members",
            queryset=NetworkMembership.objects.filter(current_members(today), organisation__isnull=False)
            .select_related("organisation")
            .order_by(*german("organisation__name"), "pk"),
            to_attr="current_organisations",
        )
    )


@dataclass
class NetworkPage:
    """What a network's page shows. Persons are listed only when the viewer may see persons; else only counted."""

    network: Network
    organisations: list[NetworkMembership] = field(default_factory=list)
    former_organisations: list[NetworkMembership] = field(default_factory=list)
    persons: list[NetworkMembership] = field(default_factory=list)
    former_persons: list[NetworkMembership] = field(default_factory=list)
    person_count: int = 0
    former_person_count: int = 0


def network_detail(area: Quartier, pk: int, *, with_persons: bool, today: datetime.date) -> NetworkPage | None:
    """One network of ``area`` with its members, current and former; ``None`` if it is not in this area."""
    related = ["organisation", "person"] if with_persons else ["organisation"]
    members = NetworkMembership.objects.select_related(*related).order_by(
        *german("organisation__name", "person__last_name", "person__first_name"), "start", "pk"
    )
    network = (
        Network.objects.filter(area=area, pk=pk)
        .select_related("lead_organisation")
        .prefetch_related("fields_of_action", Prefetch("members", queryset=members))
        .first()
    )
    if network is None:
        return None
    page = NetworkPage(network=network)
    for membership in network.members.all():
        former = membership.end is not None and membership.end < today
        if membership.organisation_id is not None:
            (page.former_organisations if former else page.organisations).append(membership)
        elif former:
            page.former_person_count += 1
            if with_persons:
                page.former_persons.append(membership)
        else:
            page.person_count += 1
            if with_persons:
                page.persons.append(membership)
    return page


@dataclass(frozen=True)
class PictureNetwork:
    """One network of the picture with its current member organisations (pk, name), for the table."""

    pk: int
    name: str
    kind: str
    organisations: tuple[tuple[int, str], ...]

    def get_kind_display(self) -> str:
        return str(Network.Kind(self.kind).label) if self.kind in Network.Kind.values else self.kind


def network_picture_data(area: Quartier, *, field_of_action: int | None, today: datetime.date) -> list[PictureNetwork]:
    """The area's networks (those working in ``field_of_action``, if given) with their current member
    organisations. Two queries, whatever the size."""
    networks = Network.objects.filter(area=area)
    if field_of_action:
        networks = networks.filter(pk__in=working_in(field_of_action))
    rows = list(networks.order_by(*german("name"), "pk").values_list("pk", "name", "kind"))
    members: dict[int, list[tuple[int, str]]] = {pk: [] for pk, _name, _kind in rows}
    memberships = (
        NetworkMembership.objects.filter(current_members(today), network__in=list(members), organisation__isnull=False)
        .order_by(*german("organisation__name"), "organisation_id")
        .values_list("network_id", "organisation_id", "organisation__name")
        .distinct()
    )
    for network_pk, organisation_pk, organisation_name in memberships:
        members[network_pk].append((organisation_pk, organisation_name))
    return [PictureNetwork(pk=pk, name=name, kind=kind, organisations=tuple(members[pk])) for pk, name, kind in rows]


def member_choices(area: Quartier) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The area's organisations and persons as (pk, label) pairs for the member selects: two queries for the
    whole form, however many member rows it has."""
    return organisation_choices(area), person_choices(area)
