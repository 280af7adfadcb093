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


def applications_of(area: object, filters: dict[str, object] | None = None) -> QuerySet[Application]:
    """The area's applications for the list, newest first, filtered by fund, status, field of action and a
    search in title and applicant, with their fund and applicant (the list does not show fields of action:
    who needs them prefetches them)."""
    from django.db.models import Q

    filters = filters or {}
    applications = Application.objects.filter(quartier=area).select_related("fund", "person", "organisation")
    if filters.get("fonds"):
        applications = applications.filter(fund=filters["fonds"])
    if filters.get("status"):
        applications = applications.filter(status=filters["status"])
    if filters.get("handlungsfeld"):
        applications = applications.filter(fields_of_action=filters["handlungsfeld"])
    if filters.get("q"):
        q = str(filters["q"])
        applications = applications.filter(
            Q(title__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(person__last_name__icontains=q)
            | Q(person__first_name__icontains=q)
        )
    return applications.order_by("-created_at", "-pk")


def status_counts(fund: Fund) -> list[tuple[str, str, int]]:
    """(status, label, count) of the fund's applications, in lifecycle order, only the states in use."""
    from django.db.models import Count

    counts = dict(fund.applications.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)]


def bound_by_field_of_action(fund: Fund) -> list[tuple[str, Decimal, int]]:
    """Approved money and number of approved applications per field of action (an application in two fields
    counts in both)."""
    from django.db.models import Count

    rows = (
        Application.objects.filter(fund=fund, status__in=BINDING)
        .values("fields_of_action__name")
        .annotate(total=Sum(bound_amount()), n=Count("pk"))
        .order_by("fields_of_action__name")
    )
    return [(row["fields_of_action__name"] or "", row["total"] or ZERO, row["n"]) for row in rows]
