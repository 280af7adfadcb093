"""Reads of the actors module: filtered lists and detail pages, always scoped to one area."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import OuterRef, Prefetch, QuerySet

from actors.models import Affiliation, ContactNote, NetworkMembership, Organisation
from quartier.models import FieldOfAction, Quartier

#: The expression the GIN index on organisations is built on; queries must use the same.
ORGANISATION_SEARCH_VECTOR = SearchVector("name", "description", config="german")

_WORD = re.compile(r"\w+", re.UNICODE)


def prefix_query(text: str) -> SearchQuery | None:
    """A German full-text query matching every word of ``text`` as a prefix ("kan" finds "Kanal")."""
    words = _WORD.findall(text)[:8]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="german")


@dataclass(frozen=True)
class OrganisationFilter:
    q: str = ""
    kind: str = ""
    field_of_action: int | None = None
    target_group: int | None = None
    network: int | None = None
    inside_area: bool | None = None
    active_only: bool = True


def organisations_for(area: Quartier, filters: OrganisationFilter) -> QuerySet[Organisation]:
    """The area's organisations matching ``filters``, ordered by name, each with ``field_of_action_names``: the
    names of its fields of action in their order (in the same query, for the rows fetched only)."""
    queryset = Organisation.objects.filter(quartier=area)
    query = prefix_query(filters.q)
    if query is not None:
        # alias, not annotate: the vector is only matched (where it pays, by the GIN index), never selected.
        queryset = queryset.alias(search=ORGANISATION_SEARCH_VECTOR).filter(search=query)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    # No DISTINCT: a many-to-many table holds a pair only once, so joining it for one value cannot repeat
    # an organisation; network memberships can (one per period), hence a subquery there.
    if filters.field_of_action:
        queryset = queryset.filter(fields_of_action=filters.field_of_action)
    if filters.target_group:
        queryset = queryset.filter(target_groups=filters.target_group)
    if filters.network:
        members = NetworkMembership.objects.filter(network=filters.network, organisation__isnull=False)
        queryset = queryset.filter(pk__in=members.values("organisation_id"))
    if filters.inside_area is not None:
        queryset = queryset.filter(inside_area=filters.inside_area)
    if filters.active_only:
        queryset = queryset.filter(active=True)
    names = FieldOfAction.objects.filter(organisation=OuterRef("pk")).order_by("position", "name").values("name")
    return queryset.annotate(field_of_action_names=ArraySubquery(names)).order_by("name", "pk")


def organisation_detail(area: Quartier, pk: int, *, with_people: bool, with_contacts: bool) -> Organisation | None:
    """One organisation of ``area`` with what its page shows; ``None`` if it is not in this area."""
    prefetches: list[str | Prefetch] = [
        "fields_of_action",
        "target_groups",
        Prefetch(
            "network_memberships",
            queryset=NetworkMembership.objects.select_related("network").order_by("network__name"),
        ),
    ]
    if with_people:
        prefetches.append(
            Prefetch(
                "affiliation_set",
                queryset=Affiliation.objects.select_related("person").order_by("person__last_name"),
            )
        )
    if with_contacts:
        prefetches.append(
            Prefetch(
                "contact_notes",
                queryset=ContactNote.objects.select_related("staff").order_by("-date", "-pk")[:20],
                to_attr="recent_contacts",
            )
        )
    return (
        Organisation.objects.filter(quartier=area, pk=pk)
        .select_related("quartier")
        .prefetch_related(*prefetches)
        .first()
    )


def organisations_named_like(area: Quartier, name: str, *, exclude_pk: int | None = None) -> QuerySet[Organisation]:
    """Organisations of ``area`` with the same name, ignoring case and surrounding space."""
    return Organisation.objects.filter(quartier=area, name__iexact=name.strip()).exclude(pk=exclude_pk or 0)
