"""Reads of the funds module: a fund's money, written down once, and the lists of applications.

The money of a fund (and of a year's funds, and of one application) is defined here and nowhere else
(``money_of`` and ``FundTotals``); every page, the approval's budget check, the budget's floor, the public
funds page and the annual report read it from here:

- **bound, not paid** (``committed``): the approved amounts of approvals not yet settled (approved, committed,
  paid, proof of use handed in) minus the payments released on them;
- **paid**: the payments released;
- **repaid**: the money paid back after a reclaim (``Repayment``, whole or in parts);
- **free**: the budget minus the rest.

budget = free + bound and not paid + paid − repaid, and no part is ever negative (``FundTotals.broken_rules``).
A settled application binds what was paid and not paid back: money reclaimed is free again only once it has
come back. A withdrawn or rejected application binds nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Expression,
    F,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise

from fonds.models import (
    AWAITING_DECISION,
    BINDING,
    Application,
    EligibilityCheck,
    Fund,
    Payment,
    Repayment,
    Round,
    Status,
    StatusChange,
)
from quartier.models import Quartier
from quartier.selectors import CompiledLists
from quartier.sorting import german

ZERO = Decimal("0.00")
MONEY_FIELD: DecimalField = DecimalField(max_digits=14, decimal_places=2)

#: States in which an approval binds its approved amount, paid or not, until the proof of use is settled.
UNSETTLED = (
    Status.APPROVED,
    Status.APPROVED_WITH_CONDITIONS,
    Status.COMMITTED,
    Status.PAID,
    Status.PROOF_SUBMITTED,
)


def _total(rows: QuerySet, group: str, field: str | Expression) -> Coalesce:
    """The sum of ``field`` over ``rows`` (correlated with the outer query), 0 without rows."""
    total = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def money_of(path: str) -> dict[str, Expression]:
    """The money of each row of an outer query, as annotations ``money_committed``, ``money_paid``,
    ``money_repaid`` and ``money_reclaim_open``. ``path`` leads from an application to the outer row: ``"fund"``
    for funds, ``"pk"`` for applications. The one definition of the funds' money (see the module's docstring).

    The payments are summed per application, through their index on the application, and those sums over the
    outer row's applications: the work grows with the row's applications, not with all payments there are (a
    join of a fund's applications with the payments hashed every released payment, once per fund). Repayments,
    a few per reclaim, are joined."""
    own = {path: OuterRef("pk")}
    through = f"application__{path}"
    applications = Application.objects.filter(**own)
    unsettled = applications.filter(status__in=UNSETTLED)
    paid = _total(
        Payment.objects.filter(application=OuterRef("pk"), released_at__isnull=False), "application", "amount"
    )
    repayments = Repayment.objects.filter(**{through: OuterRef("pk")})
    reclaimed = _total(applications.filter(status=Status.RECLAIM), path, "reclaim_amount")
    repaid_of_reclaims = _total(repayments.filter(application__status=Status.RECLAIM), through, "amount")
    return {
        "money_committed": _total(unsettled, path, "approved_amount") - _total(unsettled, path, paid),
        "money_paid": _total(applications, path, paid),
        "money_repaid": _total(repayments, through, "amount"),
        "money_reclaim_open": reclaimed - repaid_of_reclaims,
    }


@dataclass(frozen=True)
class Money:
    """The money of an application, or of all applications of a fund or a year."""

    committed: Decimal  # bound, not yet paid
    paid: Decimal  # payments released
    repaid: Decimal  # paid back after a reclaim
    reclaim_open: Decimal  # reclaimed and not yet paid back (a part of paid − repaid)

    @property
    def out(self) -> Decimal:
        """Paid and not paid back."""
        return self.paid - self.repaid

    @property
    def bound(self) -> Decimal:
        """What the applications take from the budget: bound and not paid, plus paid and not paid back."""
        return self.committed + self.paid - self.repaid

    @classmethod
    def of(cls, row: Model) -> Money:
        """The money of ``row``, annotated with ``money_of``."""
        return cls(**{name: getattr(row, f"money_{name}") for name in ("committed", "paid", "repaid", "reclaim_open")})


@dataclass(frozen=True)
class FundTotals(Money):
    """The money of a fund, or of the funds of a year (their sum)."""

    budget: Decimal

    @property
    def free(self) -> Decimal:
        """What the budget has left to approve."""
        return self.budget - self.bound

    def broken_rules(self) -> list[str]:
        """The money's rules that do not hold (none, as long as every write goes through the services)."""
        rules = {
            "budget = free + bound and not paid + paid − repaid": self.budget
            == self.free + self.committed + self.paid - self.repaid,
            "free ≥ 0": self.free >= 0,
            "bound and not paid ≥ 0": self.committed >= 0,
            "paid ≥ 0": self.paid >= 0,
            "repaid ≥ 0": self.repaid >= 0,
            "paid − repaid ≥ 0": self.out >= 0,
            "0 ≤ reclaimed and not yet back ≤ paid − repaid": ZERO <= self.reclaim_open <= self.out,
        }
        return [rule for rule, holds in rules.items() if not holds]

    def __add__(self, other: FundTotals) -> FundTotals:
        return FundTotals(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @classmethod
    def of(cls, row: Model) -> FundTotals:
        """The totals of a fund annotated with ``money_of("fund")`` (see ``funds_with_totals``)."""
        return cls(budget=row.budget, **vars(Money.of(row)))  # type: ignore[attr-defined]  # a Fund's row

    @classmethod
    def sum(cls, totals: Iterable[FundTotals]) -> FundTotals:
        result = cls(committed=ZERO, paid=ZERO, repaid=ZERO, reclaim_open=ZERO, budget=ZERO)
        for each in totals:
            result = result + each
        return result


def more_than_left(application: Application, free: Decimal | None) -> Decimal | None:
    """By how much ``application`` asks for more than its fund has ``free`` (``FundTotals.free``) while it waits
    for its decision; ``None`` when it fits, or once it is decided (the office is told at once: the application
    page, the list and the mail about a new application say so). The pages read ``free`` only for applications
    that wait for their decision (``None`` for the others)."""
    if application.status not in AWAITING_DECISION or application.requested is None or free is None:
        return None
    beyond = application.requested - free
    return beyond if beyond > 0 else None


def funds_with_totals(queryset: QuerySet[Fund]) -> QuerySet[Fund]:
    """Funds annotated with their money (``money_of``; ``FundTotals.of(fund)`` reads it): one query for any
    number of funds."""
    return queryset.annotate(**money_of("fund"))


def fund_totals(fund: Fund) -> FundTotals:
    """The money of ``fund``, with the budget ``fund`` has in hand (a service checks a changed budget). One query."""
    row = funds_with_totals(Fund.objects.filter(pk=fund.pk)).get()
    return FundTotals(budget=fund.budget, **vars(Money.of(row)))


def year_totals(area: Quartier, year: int) -> FundTotals:
    """The money of the funds of ``area`` in ``year``: the sum of each fund's. One query."""
    return FundTotals.sum(FundTotals.of(fund) for fund in funds_with_totals(Fund.objects.filter(area=area, year=year)))


def totals_by_year(funds: Iterable[Fund]) -> dict[int, FundTotals]:
    """The sums of funds annotated by ``funds_with_totals``, per year."""
    years: dict[int, list[FundTotals]] = {}
    for fund in funds:
        years.setdefault(fund.year, []).append(FundTotals.of(fund))
    return {year: FundTotals.sum(totals) for year, totals in years.items()}


def application_money(application: Application) -> Money:
    """The money of one application. One query."""
    return Money.of(Application.objects.filter(pk=application.pk).annotate(**money_of("pk")).get())


def approved_binding() -> Case:
    """The approved amount of an application that binds money, 0 for any other (what was approved, as the
    figures by field of action count it; what an application takes from the budget is ``Money.bound``)."""
    return Case(When(status__in=BINDING, then=F("approved_amount")), default=Value(ZERO), output_field=MONEY_FIELD)


def paid_of(application: Application) -> Decimal:
    """Payments released."""
    return application.payments.filter(released_at__isnull=False).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD)
    )["total"]


def recorded_of(application: Application) -> Decimal:
    """Payments recorded, released or not."""
    return application.payments.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD))["total"]


def repaid_of(application: Application) -> Decimal:
    """Money paid back."""
    return application.repayments.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD))[
        "total"
    ]


def payments_of(area: Quartier) -> QuerySet[Payment]:
    """The payments to the area's applications (``fonds.filters.PaymentFilterSet`` narrows them), by payment date,
    newest first, with what the list and its export show of each: the application, its fund and applicant, who
    recorded and who released it. One query."""
    return (
        Payment.objects.filter(application__area=area)
        .select_related(
            "application__fund", "application__organisation", "application__person", "recorded_by", "released_by"
        )
        .order_by("-paid_on", "-pk")
    )


def applications_of(area: Quartier) -> QuerySet[Application]:
    """The area's applications for the list (``fonds.filters.ApplicationFilterSet`` narrows them), newest first,
    with their fund and applicant (the list does not show fields of action: who needs them prefetches them)."""
    applications = Application.objects.filter(area=area).select_related("fund", "person", "organisation")
    return applications.order_by("-created_at", "-pk")


#: The columns the application list shows (its applicant as the organisation's name or the person's).
LIST_COLUMNS = (
    "title",
    "applicant_to_review",
    "status",
    "requested",
    "approved_amount",
    "created_at",
    "fund__name",
    "fund__year",
    "organisation__name",
    "person__first_name",
    "person__last_name",
)


def _applications_by_ids(*, area: int, page: list[int]) -> dict[str, QuerySet]:
    applications = Application.objects.filter(area=area, pk__any_of=page).order_by()
    # What a fund has left matters only to an application waiting for its decision (``more_than_left``).
    waiting = applications.filter(status__in=AWAITING_DECISION)
    funds = Fund.objects.filter(pk__in=Subquery(waiting.values("fund_id"))).order_by()
    return {
        "applications": applications.select_related("fund", "person", "organisation").only(*LIST_COLUMNS),
        "funds": funds_with_totals(funds.only("pk", "budget")),
    }


_APPLICATIONS_BY_IDS = CompiledLists(_applications_by_ids, ids=("area",), id_lists=("page",))


def applications_by_ids(area: Quartier, ids: list[int]) -> list[Application]:
    """The area's applications of ``ids`` with what the list shows (``LIST_COLUMNS``) and, for those waiting for
    their decision, what their fund has left (``fund_free``: ``FundTotals.free``, else ``None``), in no particular
    order; one prepared query."""
    lists = _APPLICATIONS_BY_IDS.read(area=area.pk, page=ids)
    free = {fund.pk: FundTotals.of(fund).free for fund in lists["funds"]}
    for application in lists["applications"]:
        application.fund_free = free.get(application.fund_id) if application.status in AWAITING_DECISION else None
    return lists["applications"]


def status_counts(fund: Fund) -> list[tuple[str, str | Promise, int]]:
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
        .annotate(total=Sum(approved_binding()), n=Count("pk"))
        .order_by("fields_of_action__name")
    )
    return [(row["fields_of_action__name"] or "", row["total"] or ZERO, row["n"]) for row in rows]


# --- What anyone may see: the public pages ----------------------------------------------------------------------


def open_funds(area: Quartier, now: datetime.datetime | None = None) -> QuerySet[Fund]:
    """The area's funds that take applications (this year's and later ones), with what they have bound,
    their checklist and their coming deadlines: three queries for any number of funds."""
    now = now or timezone.now()
    upcoming = Round.objects.filter(deadline__gte=now).select_related("meeting").order_by("deadline", "pk")
    funds = Fund.objects.filter(
        area=area, open_for_applications=True, year__gte=timezone.localdate(now).year
    ).select_related("committee")
    return (
        funds_with_totals(funds)
        .prefetch_related("criteria", Prefetch("rounds", queryset=upcoming, to_attr="upcoming_rounds"))
        .order_by("year", *german("name"), "pk")
    )


def public_funds_of(area: Quartier, now: datetime.datetime | None = None) -> list[Fund]:
    """``open_funds`` as the public pages show them: each with ``remaining`` (what the budget has left to approve,
    ``FundTotals.free``) and ``next_round`` (the next deadline, or None)."""
    funds = list(open_funds(area, now))
    for fund in funds:
        fund.remaining = FundTotals.of(fund).free  # type: ignore[attr-defined]
        fund.next_round = fund.upcoming_rounds[0] if fund.upcoming_rounds else None  # type: ignore[attr-defined]
    return funds


#: What the public pages show of an approved application: the project, its fund, the money and the day of the
#: decision, as the annual report lists them; never who applied (a private applicant's name is theirs).
PUBLIC_PROJECT_COLUMNS = ("title", "approved_amount", "decided_at", "fund__name", "fund__year")


def approved_projects(area: Quartier, limit: int = 10) -> QuerySet[Application]:
    """The area's approved applications (those that bind money, ``BINDING``), the latest decision first, with
    only what anyone may see of them (``PUBLIC_PROJECT_COLUMNS``)."""
    return (
        Application.objects.filter(area=area, status__in=BINDING, decided_at__isnull=False)
        .select_related("fund")
        .only(*PUBLIC_PROJECT_COLUMNS)
        .order_by("-decided_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class CriterionResult:
    text: str
    met: bool
    note: str


@dataclass(frozen=True)
class EligibilityResult:
    """The office's eligibility check as it was last done: the verdict, by whom and when, why not, and each
    criterion of the checklist with whether it was met and the note on it."""

    eligible: bool
    by: str
    at: datetime.datetime
    reason: str
    criteria: list[CriterionResult]


def eligibility_result(checks: Iterable[EligibilityCheck], history: Iterable[StatusChange]) -> EligibilityResult | None:
    """The result of the eligibility check from the application's ``checks`` (with their criterion) and its
    ``history`` (its status changes in order, with who made them); ``None`` before the check was done."""
    verdicts = [
        change
        for change in history
        if change.from_status == Status.IN_REVIEW and change.to_status in {Status.ELIGIBLE, Status.INELIGIBLE}
    ]
    if not verdicts:
        return None
    verdict = verdicts[-1]
    ordered = sorted(checks, key=lambda check: check.criterion.position)
    return EligibilityResult(
        eligible=verdict.to_status == Status.ELIGIBLE,
        by=verdict.by.get_display_name() if verdict.by is not None else "",
        at=verdict.at,
        reason=verdict.note if verdict.to_status == Status.INELIGIBLE else "",
        criteria=[CriterionResult(text=check.criterion.text, met=check.met, note=check.note) for check in ordered],
    )


def eligibility_of(application: Application) -> EligibilityResult | None:
    """``eligibility_result`` of ``application``, read in two queries."""
    return eligibility_result(
        EligibilityCheck.objects.filter(application=application).select_related("criterion"),
        StatusChange.objects.filter(
            application=application, from_status=Status.IN_REVIEW, to_status__in=[Status.ELIGIBLE, Status.INELIGIBLE]
        )
        .select_related("by")
        .order_by("at", "pk"),
    )
