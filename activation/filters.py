"""The filters above the list of events (GET parameters in English; labels translated)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activation.models import Event, Kind
from quartier.filters import ChoiceFilter, DateFilter, ListFilterSet, SearchFilter, field_of_action_filter

PUBLICITY = [("yes", _("public")), ("no", _("for the office only"))]


class EventFilterSet(ListFilterSet):
    q = SearchFilter(method="search", help_text=_("Title or place; any part of a word is enough."))
    kind = ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    field_of_action = field_of_action_filter()
    date_from = DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    date_to = DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("Until"))
    public = ChoiceFilter(label=_("Public"), choices=PUBLICITY, method="publicity")

    def search(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(place__icontains=text))

    def publicity(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(public=value == "yes")
