"""The filters above the actors' lists (GET parameters in English; labels translated)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from actors.models import Affiliation, ContactNote, Network, NetworkMembership, Organisation, Person, TargetGroup
from actors.selectors.contacts import note_authors
from actors.selectors.networks import working_in
from actors.selectors.organisations import prefix_query
from actors.selectors.persons import person_query
from quartier.filters import (
    AreaChoiceFilter,
    CheckboxFilter,
    ChoiceFilter,
    DateFilter,
    ListFilterSet,
    ReferenceFilter,
    SearchFilter,
    field_of_action_filter,
)
from quartier.models import FieldOfAction, User
from quartier.reference import target_groups
from quartier.sorting import german

#: Where an organisation is or a person lives, as the filters ask it.
LOCATIONS = [("inside", _("inside the area")), ("outside", _("outside the area"))]
RESIDENCES = [("inside", _("in the area")), ("outside", _("outside the area"))]
_INSIDE = {"inside": True, "outside": False}


def _search(self: ListFilterSet, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    """A filter method: every word of the search as a prefix in the rows' stored ``search_words``."""
    query = prefix_query(value)
    return queryset if query is None else queryset.filter(search_words=query)


def networks_to_choose(area: int) -> QuerySet[Network]:
    return Network.objects.filter(area=area).only("pk", "name").order_by(*german("name"))


def organisations_to_choose(area: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(area=area).only("pk", "name").order_by(*german("name"))


class OrganisationFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    kind = ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    field_of_action = field_of_action_filter()
    target_group = ReferenceFilter(
        field_name="target_groups", reference=target_groups, label=_("Target group"), queryset=TargetGroup.objects.all()
    )
    network = AreaChoiceFilter(label=_("Network"), method="in_network", choices=networks_to_choose, model=Network)
    location = ChoiceFilter(label=_("Location"), choices=LOCATIONS, method="located")
    inactive = CheckboxFilter(label=_("Include inactive organisations"), method="with_inactive")

    search = _search

    def in_network(self, queryset: QuerySet[Organisation], name: str, network: Network) -> QuerySet[Organisation]:
        # A subquery: memberships can repeat an organisation (one per period).
        members = NetworkMembership.objects.filter(network=network, organisation__isnull=False)
        return queryset.filter(pk__in=members.values("organisation_id"))

    def located(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return queryset.filter(inside_area=_INSIDE[value])

    def with_inactive(self, queryset: QuerySet[Organisation], name: str, value: bool) -> QuerySet[Organisation]:
        return queryset if value else queryset.filter(active=True)


class PersonFilterSet(ListFilterSet):
    q = SearchFilter(
        method="search",
        help_text=_("First name, last name or email address; the beginning of a word is enough."),
    )
    residence = ChoiceFilter(label=_("Lives"), choices=RESIDENCES, method="living")
    legal_basis = ChoiceFilter(label=_("Legal basis"), choices=Person.LegalBasis.choices)
    organisation = AreaChoiceFilter(
        label=_("Organisation"), method="affiliated", choices=organisations_to_choose, model=Organisation
    )
    key_persons = CheckboxFilter(label=_("Key persons only"), method="key_persons_only")

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        text = value.strip()
        if "@" in text:  # an email address: its words alone would not find it
            return queryset.filter(email__istartswith=text)
        query = person_query(text)
        return queryset if query is None else queryset.filter(search_words=query)

    def living(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return queryset.filter(is_resident=_INSIDE[value])

    def affiliated(self, queryset: QuerySet[Person], name: str, organisation: Organisation) -> QuerySet[Person]:
        return queryset.filter(Exists(Affiliation.objects.filter(person=OuterRef("pk"), organisation=organisation)))

    def key_persons_only(self, queryset: QuerySet[Person], name: str, value: bool) -> QuerySet[Person]:
        return queryset.filter(is_key_person=True) if value else queryset


class NetworkFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    kind = ChoiceFilter(label=_("Kind"), choices=Network.Kind.choices)
    field_of_action = field_of_action_filter(method="working")

    search = _search

    def working(self, queryset: QuerySet[Network], name: str, field: FieldOfAction) -> QuerySet[Network]:
        return queryset.filter(pk__in=working_in(field.pk))


class ContactFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    channel = ChoiceFilter(label=_("Channel"), choices=ContactNote.Channel.choices)
    field_of_action = field_of_action_filter()
    staff = AreaChoiceFilter(label=_("Staff member"), choices=note_authors, model=User)
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))
    open = CheckboxFilter(label=_("Only open follow-ups"), method="open_only")

    search = _search

    def open_only(self, queryset: QuerySet[ContactNote], name: str, value: bool) -> QuerySet[ContactNote]:
        return queryset.filter(follow_up_due__isnull=False, follow_up_done=False) if value else queryset


class ConcernFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    field_of_action = field_of_action_filter(field_name="field_of_action")

    search = _search
