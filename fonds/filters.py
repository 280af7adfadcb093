"""The filters above the application list (GET parameters in English; labels translated)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fonds.models import Application, Fund, Status
from quartier.filters import ChoiceFilter, ListFilterSet, ModelFilter, ReferenceFilter, SearchFilter
from quartier.models import FieldOfAction, Quartier
from quartier.reference import fields_of_action


class ApplicationFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    fund = ModelFilter(label=_("Fund"), queryset=Fund.objects.none())
    status = ChoiceFilter(label=_("Status"), choices=Status.choices)
    field_of_action = ReferenceFilter(
        field_name="fields_of_action",
        reference=fields_of_action,
        label=_("Field of action"),
        queryset=FieldOfAction.objects.all(),
    )

    def __init__(self, data: Any, *, queryset: QuerySet[Application], area: Quartier) -> None:
        super().__init__(data, queryset=queryset)
        self.filters["fund"].queryset = (
            Fund.objects.filter(area=area).only("pk", "name", "year").order_by("-year", "name")
        )

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """The title or the applicant (organisation, first or last name) contains the text."""
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(person__last_name__icontains=value)
            | Q(person__first_name__icontains=value)
        )
