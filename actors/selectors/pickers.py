"""The options of the pickers of persons and organisations (every form that links one: contact notes,
affiliations, network and committee members, concerns, ISEK measures), with labels that tell same-named ones
apart, in German order; the whole list for the form, or the ones a search finds for the picker's search box."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Affiliation, Organisation, Person
from actors.selectors.organisations import prefix_query
from quartier.models import Quartier
from quartier.sorting import german

Choice = tuple[int, str]


#: Ids to keep offering: a list, or a subquery of them (read within the query that needs them).
Kept = Collection[int] | QuerySet


def _ids(keep: Kept) -> Kept:
    return keep if isinstance(keep, QuerySet) else list(keep)


def pickable_persons(area: Quartier | int, *, keep: Kept = ()) -> QuerySet[Person]:
    """The persons a form may link in ``area``: never one whose data was erased, unless the record links them
    already (``keep``), and never one of another area."""
    return Person.objects.filter(Q(erased_at__isnull=True) | Q(pk__in=_ids(keep)), area=area)


def pickable_organisations(area: Quartier | int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(area=area)


def person_label(first_name: str, last_name: str, *, organisations: list[str], email: str, address: str) -> str:
    """A person as a picker shows them: the name, with the organisations they work for now, else (where given)
    their e-mail address or the first line of their address."""
    name = f"{first_name} {last_name}".strip()
    lines = address.strip().splitlines()
    detail = ", ".join(organisations) or email or (lines[0].strip() if lines else "")
    return f"{name} ({detail})" if detail else name


def _told_apart(choices: list[Choice]) -> list[Choice]:
    """Labels that are still the same get the number of their record."""
    shared = Counter(label for _pk, label in choices)
    number = _("No. %(number)s")
    return [(pk, f"{label} · {number % {'number': pk}}" if shared[label] > 1 else label) for pk, label in choices]


def person_choices(
    area: Quartier | int,
    *,
    search: str = "",
    keep: Kept = (),
    only: Collection[int] | None = None,
    today: datetime.date | None = None,
) -> list[Choice]:
    """``(pk, label)`` of the persons a form may link in ``area`` (those ``search`` finds, if given, and ``keep``
    always; of ``only``, if given), in German order by last and first name. The organisations are named for
    everyone who has one; the e-mail address or address only where two persons share a name without one, and the
    number where even that does not tell them apart. One query."""
    today = today or timezone.localdate()
    current = Q(end__isnull=True) | Q(end__gte=today)
    organisations = (
        Affiliation.objects.filter(current, person=OuterRef("pk"))
        .order_by(*german("organisation__name"), "pk")
        .values("organisation__name")
    )
    persons = pickable_persons(area, keep=keep)
    if only is not None:
        persons = persons.filter(pk__in=list(only))
    query = prefix_query(search) if search.strip() else None
    if query is not None:
        persons = persons.filter(Q(search_words=query) | Q(pk__in=_ids(keep)))
    rows = list(
        persons.annotate(organisation_names=ArraySubquery(organisations))
        .order_by(*german("last_name", "first_name"), "pk")
        .values_list("pk", "first_name", "last_name", "email", "address", "organisation_names", "erased_at")
    )
    shared = Counter(f"{first} {last}".strip().lower() for _pk, first, last, *_rest in rows)
    choices = []
    for pk, first, last, email, address, names, erased_at in rows:
        if erased_at is not None:
            choices.append((pk, _("Erased person")))
            continue
        alone = shared[f"{first} {last}".strip().lower()] == 1
        label = person_label(
            first, last, organisations=list(names), email="" if alone else email, address="" if alone else address
        )
        choices.append((pk, label))
    return _told_apart(choices)


def organisation_choices(
    area: Quartier | int, *, search: str = "", keep: Collection[int] = (), only: Collection[int] | None = None
) -> list[Choice]:
    """``(pk, label)`` of the organisations of ``area`` (those ``search`` finds, if given, and ``keep`` always; of
    ``only``, if given), in German order; organisations of the same name are told apart by their address or city.
    One query."""
    organisations = pickable_organisations(area)
    if only is not None:
        organisations = organisations.filter(pk__in=list(only))
    query = prefix_query(search) if search.strip() else None
    if query is not None:
        organisations = organisations.filter(Q(search_words=query) | Q(pk__in=list(keep)))
    rows = list(organisations.order_by(*german("name"), "pk").values_list("pk", "name", "street", "postcode", "city"))
    shared = Counter(name.strip().lower() for _pk, name, *_rest in rows)
    choices = []
    for pk, name, street, postcode, city in rows:
        detail = ", ".join(part for part in (street, f"{postcode} {city}".strip()) if part)
        if shared[name.strip().lower()] > 1:
            choices.append((pk, f"{name} ({detail})" if detail else name))
        else:
            choices.append((pk, name))
    return _told_apart(choices)
