"""The filters above the ISEK's measures and their timeline (GET parameters in English; labels translated)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from isek.models import Measure
from quartier.filters import ChoiceFilter, ListFilterSet, SearchFilter, field_of_action_filter


class MeasureFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    field_of_action = field_of_action_filter()
    status = ChoiceFilter(label=_("Status"), choices=Measure.Status.choices)
    kind = ChoiceFilter(label=_("Kind"), choices=Measure.Kind.choices)
    responsible = ChoiceFilter(
        label=_("Responsible"),
        field_name="responsible_role",
        choices=lambda: Measure._meta.get_field("responsible_role").choices,
    )

    def search(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet[Measure]:
        """The number, the title or the description contains the text."""
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value))
