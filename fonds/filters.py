"""The filters above the application list (GET parameters in English; labels translated)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fonds.models import Application, Fund, Status
from quartier.filters import (
    AreaChoiceFilter,
    ChoiceFilter,
    ListFilterSet,
    SearchFilter,
    field_of_action_filter,
)


def funds_to_choose(area: int) -> QuerySet[Fund]:
    return Fund.objects.filter(area=area).only("pk", "name", "year").order_by("-year", "name")


class ApplicationFilterSet(ListFilterSet):
    q = SearchFilter(method="search")
    fund = AreaChoiceFilter(label=_("Fund"), choices=funds_to_choose, model=Fund)
    status = ChoiceFilter(label=_("Status"), choices=Status.choices)
    field_of_action = field_of_action_filter()

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """The title or the applicant (organisation, first or last name) contains the text."""
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(person__last_name__icontains=value)
            | Q(person__first_name__icontains=value)
        )
