"""Reads of the actors module: filtered lists and detail pages, always scoped to one area."""

from __future__ import annotations

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import OuterRef, Prefetch, QuerySet

from actors.models import Affiliation, ContactNote, NetworkMembership, Organisation
from quartier.models import FieldOfAction, Quartier
from quartier.selectors import CompiledLists

_WORD = re.compile(r"\w+", re.UNICODE)


def prefix_query(text: str) -> SearchQuery | None:
    """A German full-text query matching every word of ``text`` as a prefix ("kan" finds "Kanal")."""
    words = _WORD.findall(text)[:8]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="german")


#: The columns the organisation list reads of each row it shows (``actors.views.rows.organisation_rows``).
LIST_COLUMNS = ("pk", "name", "active", "kind", "inside_area")


def _organisations_by_ids(*, area: int, page: list[int]) -> dict[str, QuerySet[Organisation]]:
    names = FieldOfAction.objects.filter(organisation=OuterRef("pk")).order_by("position", "name").values("name")
    organisations = Organisation.objects.filter(area=area, pk__any_of=page).order_by().only(*LIST_COLUMNS)
    return {"organisations": organisations.annotate(field_of_action_names=ArraySubquery(names))}


_ORGANISATIONS_BY_IDS = CompiledLists(_organisations_by_ids, ids=("area",), id_lists=("page",))


def organisations_by_ids(area: Quartier, ids: list[int]) -> list[Organisation]:
    """The area's organisations of ``ids`` as the list shows them (``LIST_COLUMNS`` and ``field_of_action_names``),
    in no particular order; one prepared query."""
    return _ORGANISATIONS_BY_IDS.read(area=area.pk, page=ids)["organisations"]


def organisations_for(area: Quartier) -> QuerySet[Organisation]:
    """The area's organisations (``actors.filters.OrganisationFilterSet`` narrows them), ordered by name, each
    with ``field_of_action_names``: the names of its fields of action in their order (in the same query, for the
    rows fetched only). No DISTINCT in the filters: a many-to-many table holds a pair only once, so joining it
    for one value cannot repeat an organisation."""
    queryset = Organisation.objects.filter(area=area)
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
    return Organisation.objects.filter(area=area, pk=pk).select_related("area").prefetch_related(*prefetches).first()


def organisations_named_like(area: Quartier, name: str, *, exclude_pk: int | None = None) -> QuerySet[Organisation]:
    """Organisations of ``area`` with the same name, ignoring case and surrounding space."""
    return Organisation.objects.filter(area=area, name__iexact=name.strip()).exclude(pk=exclude_pk or 0)
