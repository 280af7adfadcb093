"""Reads of the actors module: filtered lists and detail pages, always scoped to one area."""

from __future__ import annotations

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import OuterRef, Prefetch, QuerySet

from actors.models import Affiliation, ContactNote, NetworkMembership, Organisation
from quartier.models import FieldOfAction, Quartier
from quartier.selectors import CompiledLists
from quartier.sorting import german

_WORD = re.compile(r"\w+", re.UNICODE)


def _word_query(word: str) -> SearchQuery:
    """One word of a search, as a prefix: its German stem ("kastner" finds "Kästner", whose stem has no umlaut),
    and the word as written among the words stored as written and as typed without umlauts ("kaestner" finds
    "Kästner", ``quartier.sorting.GermanSearchFolds``). A word ending in an s after a vowel is also looked for
    without it ("Kitas" finds "Kita"; the German stemmer keeps that s). "Kita" finds "Kitas" as its prefix."""
    forms = [word]
    if len(word) > 3 and word[-1] in "sS" and word[-2].lower() in "aeiouy":
        forms.append(word[:-1])
    query = SearchQuery(f"{word}:*", search_type="raw", config="german")
    for form in forms:
        for config in ("german", "simple"):
            if (form, config) != (word, "german"):
                query = query | SearchQuery(f"{form}:*", search_type="raw", config=config)
    return query


def prefix_query(text: str) -> SearchQuery | None:
    """The full-text query of every search: each word of ``text`` (at most eight) as a prefix, in every form
    ``_word_query`` looks for; every word must be found. Filter the stored ``search_words`` with it (their GIN
    index serves it)."""
    query: SearchQuery | None = None
    for word in _WORD.findall(text)[:8]:
        part = _word_query(word)
        query = part if query is None else query & part
    return query


#: The columns the organisation list reads of each row it shows (``actors.views.rows.organisation_rows``).
LIST_COLUMNS = ("pk", "name", "active", "kind", "inside_area")


def _organisations_by_ids(*, area: int, page: list[int]) -> dict[str, QuerySet[Organisation]]:
    organisations = Organisation.objects.filter(area=area, pk__any_of=page).order_by().only(*LIST_COLUMNS)
    return {"organisations": with_field_of_action_names(organisations)}


_ORGANISATIONS_BY_IDS = CompiledLists(_organisations_by_ids, ids=("area",), id_lists=("page",))


def organisations_by_ids(area: Quartier, ids: list[int]) -> list[Organisation]:
    """The area's organisations of ``ids`` as the list shows them (``LIST_COLUMNS`` and ``field_of_action_names``),
    in no particular order; one prepared query."""
    return _ORGANISATIONS_BY_IDS.read(area=area.pk, page=ids)["organisations"]


def organisations_for(area: Quartier) -> QuerySet[Organisation]:
    """The area's organisations (``actors.filters.OrganisationFilterSet`` narrows them), ordered by name. The list
    reads its page's rows by their ids (``organisations_by_ids``), the export each row
    ``with_field_of_action_names``. No DISTINCT in the filters: a many-to-many table holds a pair only once, so
    joining it for one value cannot repeat an organisation."""
    return Organisation.objects.filter(area=area).order_by(*german("name"), "pk")


def with_field_of_action_names(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """``organisations`` each with ``field_of_action_names``: the names of its fields of action in their order (in
    the same query, for the rows fetched only)."""
    names = FieldOfAction.objects.filter(organisation=OuterRef("pk")).order_by("position", "name").values("name")
    return organisations.annotate(field_of_action_names=ArraySubquery(names))


def organisation_detail(area: Quartier, pk: int, *, with_people: bool, with_contacts: bool) -> Organisation | None:
    """One organisation of ``area`` with what its page shows; ``None`` if it is not in this area."""
    prefetches: list[str | Prefetch] = [
        "fields_of_action",
        "target_groups",
        Prefetch(
            "network_memberships",
            queryset=NetworkMembership.objects.select_related("network").order_by(*german("network__name")),
        ),
    ]
    if with_people:
        prefetches.append(
            Prefetch(
                "affiliation_set",
                queryset=Affiliation.objects.select_related("person").order_by(*german("person__last_name")),
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
