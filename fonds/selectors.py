"""Reads of the funds module: what a fund has bound, paid and has left."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from fonds.models import BINDING, Application, Fund, Payment, Status

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def bound_amount() -> Case:
    """What one application binds: its approved amount, and once it is settled what it finally spent."""
    return Case(
        When(status__in=[Status.CLOSED, Status.RECLAIM], then=F("settled_amount")),
        When(status__in=BINDING, then=F("approved_amount")),
        default=Value(ZERO),
        output_field=MONEY_FIELD,
    )


@dataclass(frozen=True)
class FundTotals:
    budget: Decimal
    bound: Decimal  # approved (paid or not), or spent once settled
    paid: Decimal  # released payments

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.bound

    @property
    def committed_unpaid(self) -> Decimal:
        return max(self.bound - self.paid, ZERO)


def bound_of(fund_id: int, *, exclude: int | None = None) -> Decimal:
    """The money the fund's applications bind (without application ``exclude``)."""
    applications = Application.objects.filter(fund_id=fund_id)
    if exclude is not None:
        applications = applications.exclude(pk=exclude)
    total = applications.aggregate(total=Coalesce(Sum(bound_amount()), Value(ZERO), output_field=MONEY_FIELD))
    return total["total"]


def fund_totals(fund: Fund) -> FundTotals:
    paid = Payment.objects.filter(application__fund=fund, released_at__isnull=False).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD)
    )["total"]
    return FundTotals(budget=fund.budget, bound=bound_of(fund.pk), paid=paid)


def funds_with_totals(queryset: QuerySet[Fund]) -> QuerySet[Fund]:
    """Funds annotated with ``bound`` and ``paid`` (one query for any number of funds)."""
    bound = (
        Application.objects.filter(fund=OuterRef("pk"))
        .values("fund")
        .annotate(total=Sum(bound_amount()))
        .values("total")
    )
    paid = (
        Payment.objects.filter(application__fund=OuterRef("pk"), released_at__isnull=False)
        .values("application__fund")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        bound=Coalesce(Subquery(bound, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD),
        paid=Coalesce(Subquery(paid, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD),
    )


def paid_of(application: Application) -> Decimal:
    return application.payments.filter(released_at__isnull=False).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD)
    )["total"]


def recorded_of(application: Application) -> Decimal:
    """Payments recorded, released or not."""
    return application.payments.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD))["total"]
