"""Reads for persons: the filtered list, the person's page, everything held about them, the GDPR review.

Erased persons stay in the database (their contact notes and concerns keep counting) but appear in no
list and no export; pages about them answer with a short notice (see ``actors.views.persons``).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, Case, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from actors.models import Affiliation, ContactNote, NetworkMembership, Person
from actors.selectors.organisations import prefix_query
from quartier.models import Quartier
from quartier.personal_data import Section, Subject, sections
from quartier.sorting import german

#: How many contact notes the person's page lists.
RECENT_CONTACTS = 20


def person_query(text: str) -> SearchQuery | None:
    """Every word of ``text`` as a prefix, in the German or the simple configuration ("dem" finds "Demir"), as
    every search does (``actors.selectors.organisations.prefix_query``)."""
    return prefix_query(text)


def _affiliations() -> Prefetch:
    return Prefetch(
        "affiliation_set",
        queryset=Affiliation.objects.select_related("organisation").order_by(*german("organisation__name"), "pk"),
    )


def persons_for(area: Quartier) -> QuerySet[Person]:
    """The area's persons (never erased ones; ``actors.filters.PersonFilterSet`` narrows them), by name, with
    their organisations."""
    queryset = Person.objects.filter(area=area, erased_at__isnull=True)
    return queryset.order_by(*german("last_name", "first_name"), "pk").prefetch_related(_affiliations())


def person_in_area(area: Quartier, pk: int) -> Person | None:
    """The person ``pk`` of ``area`` (erased or not), or ``None``."""
    return Person.objects.filter(area=area, pk=pk).first()


def person_detail(area: Quartier, pk: int) -> Person | None:
    """One person of ``area`` with what their page shows (``recent_contacts``: the latest notes)."""
    return (
        Person.objects.filter(area=area, pk=pk)
        .prefetch_related(
            _affiliations(),
            Prefetch(
                "network_memberships",
                queryset=NetworkMembership.objects.select_related("network").order_by(*german("network__name"), "pk"),
            ),
            Prefetch(
                "contact_notes",
                queryset=ContactNote.objects.select_related("staff").order_by("-date", "-pk")[:RECENT_CONTACTS],
                to_attr="recent_contacts",
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class PersonData:
    """Everything the area holds about one person (the GDPR access request), kind by kind: one section per
    kind of personal data in the registry (``quartier.personal_data``), each read in a fixed number of queries.
    Sections the reader's role does not show have ``rows is None``."""

    person: Person
    sections: list[Section]

    @property
    def shown(self) -> list[Section]:
        return [section for section in self.sections if section.rows is not None]

    @property
    def hidden(self) -> list[Section]:
        return [section for section in self.sections if section.rows is None]

    def json(self, *, area: Quartier) -> dict[str, object]:
        """Everything as plain data (the JSON download): one key per kind, ``null`` where the role hides it."""
        return {
            "exported_at": timezone.localtime(),
            "area": area.name,
            **{section.key: section.json() for section in self.sections},
        }


def person_data(area: Quartier, person: Person, *, perms: Collection[str]) -> PersonData:
    """Everything held about ``person`` of ``area``, as a reader holding ``perms`` in the area may see it."""
    subject = Subject(person=person, area=area, perms=perms)
    return PersonData(person=person, sections=sections(subject))


def review_cutoff(years: int, *, today: datetime.date | None = None) -> datetime.date:
    """The day ``years`` years before ``today`` (29 February becomes 28 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def persons_for_review(area: Quartier, *, cutoff: datetime.date) -> QuerySet[Person]:
    """Persons to review: without a legal basis, or not touched (changed, or met in a contact) since ``cutoff``.

    Each row carries ``last_contact`` (the date of their latest contact note, or ``None``) and
    ``untouched`` (whether that is the reason, too).
    """
    cutoff_start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    untouched = Q(updated_at__lt=cutoff_start) & (Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
    return (
        Person.objects.filter(area=area, erased_at__isnull=True)
        .annotate(last_contact=Max("contact_notes__date"))
        .annotate(untouched=Case(When(untouched, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .filter(Q(legal_basis=Person.LegalBasis.NONE) | Q(untouched=True))
        .order_by(*german("last_name", "first_name"), "pk")
    )
