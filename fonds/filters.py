"""The filters above the application list (GET parameters in English; labels translated)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fonds.models import Application, Fund, Payment, Status
from quartier.filters import (
    AreaChoiceFilter,
    ChoiceFilter,
    DateFilter,
    ListFilterSet,
    SearchFilter,
    field_of_action_filter,
)
from quartier.sorting import german

#: Where a payment stands: recorded and waiting for its release by a second person, or released.
PAYMENT_STATES = [("waiting", _("waiting for release")), ("released", _("released"))]


def funds_to_choose(area: int) -> QuerySet[Fund]:
    return Fund.objects.filter(area=area).only("pk", "name", "year").order_by("-year", *german("name"))


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


class PaymentFilterSet(ListFilterSet):
    q = SearchFilter(method="search", help_text=_("Title of the application or the applicant."))
    fund = AreaChoiceFilter(label=_("Fund"), choices=funds_to_choose, model=Fund, field_name="application__fund")
    state = ChoiceFilter(label=_("Release status"), choices=PAYMENT_STATES, method="in_state")
    date_from = DateFilter(field_name="paid_on", lookup_expr="gte", label=_("From"))
    date_to = DateFilter(field_name="paid_on", lookup_expr="lte", label=_("Until"))

    def search(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet[Payment]:
        return queryset.filter(
            Q(application__title__icontains=value)
            | Q(application__organisation__name__icontains=value)
            | Q(application__person__last_name__icontains=value)
            | Q(application__person__first_name__icontains=value)
        )

    def in_state(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet[Payment]:
        return queryset.filter(released_at__isnull=value == "waiting")
