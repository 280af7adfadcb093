"""Section 8, funds: the funds of the year (``Fund.year``) with budget, committed and not yet paid, paid, paid back
and remaining (the one definition of a fund's money, ``fonds.selectors.FundTotals``); the applications to them,
whose money the year's budgets provide: received once submitted, approved while they bind money
(``fonds.models.BINDING``); the approved money by field of action."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fonds.models import Application
from fonds.selectors import FundTotals
from quartier.exports import euro_column
from quartier.models import Quartier
from reporting import charts, selectors
from reporting.figures.common import ZERO, Table, field_label, in_field_order, names_of


@dataclass(frozen=True, slots=True)
class FundRow:
    name: str
    kind: str | Promise
    budget: Decimal
    committed: Decimal  # approved and not yet paid (fonds.selectors.FundTotals, as every sum of a fund's money)
    paid: Decimal  # released payments
    repaid: Decimal  # paid back after a reclaim
    remaining: Decimal  # budget − committed − paid + repaid
    received: int  # applications submitted
    approved: int  # applications that bind money


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    title: str
    fund: str
    applicant_kind: str | Promise  # the organisation's kind, or resident / private person
    amount: Decimal  # the approved amount
    fields: tuple[str, ...]
    status: str | Promise


@dataclass(frozen=True, slots=True)
class FieldTotal:
    label: str | Promise
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FundsSection:
    funds: tuple[FundRow, ...]  # per fund of the year, by name
    totals: FundRow  # the sums, without a name
    applications: tuple[ApplicationRow, ...]  # per approved application, by fund and title
    by_field: tuple[FieldTotal, ...]  # per field of action of the approved applications, "without" last
    chart: charts.BudgetChart

    def tables(self) -> dict[str, Table]:
        return {
            "fonds": Table(
                _("Funds"),
                (
                    _("Fund"),
                    _("Kind"),
                    euro_column(_("Budget (€)")),
                    euro_column(_("Committed, not yet paid (€)")),
                    euro_column(_("Paid (€)")),
                    euro_column(_("Paid back (€)")),
                    euro_column(_("Remaining (€)")),
                    _("Applications received"),
                    _("Applications approved"),
                ),
                tuple(
                    (
                        row.name,
                        row.kind,
                        row.budget,
                        row.committed,
                        row.paid,
                        row.repaid,
                        row.remaining,
                        row.received,
                        row.approved,
                    )
                    for row in self.funds
                ),
            ),
            "bewilligungen": Table(
                _("Approved applications"),
                (
                    _("Project"),
                    _("Fund"),
                    _("Applicant"),
                    euro_column(_("Approved (€)")),
                    _("Fields of action"),
                    _("Status"),
                ),
                tuple(
                    (row.title, row.fund, row.applicant_kind, row.amount, ", ".join(row.fields), row.status)
                    for row in self.applications
                ),
            ),
            "fonds-handlungsfelder": Table(
                _("Approved money by field of action"),
                (_("Field of action"), _("Applications"), euro_column(_("Approved (€)"))),
                tuple((row.label, row.count, row.amount) for row in self.by_field),
            ),
        }


def _fund_row(name: str, kind: str | Promise, money: FundTotals, counts: selectors.ApplicationCount) -> FundRow:
    return FundRow(
        name=name, kind=kind, budget=money.budget, committed=money.committed, paid=money.paid, repaid=money.repaid,
        remaining=money.free, received=counts.received, approved=counts.approved,
    )  # fmt: skip


def _applicant_kind(application: Application) -> str | Promise:
    if application.organisation is not None:
        return application.organisation.get_kind_display()
    if application.person is not None and application.person.is_resident:
        return _("Resident")
    return _("Private person")


def funds_section(area: Quartier, year: int) -> FundsSection:
    """Four queries (three when nothing was approved)."""
    data = selectors.fund_data(area, year)
    rows = tuple(
        _fund_row(
            each.fund.name,
            each.fund.get_kind_display(),
            each.money,
            data.applications.get(each.fund.pk, selectors.NO_APPLICATIONS),
        )
        for each in data.funds
    )
    totals = _fund_row(
        "",
        "",
        FundTotals.sum(each.money for each in data.funds),
        selectors.ApplicationCount(sum(row.received for row in rows), sum(row.approved for row in rows)),
    )
    applications = []
    by_field: dict[selectors.FieldKey | None, list[Decimal]] = defaultdict(list)
    for application in data.approved:
        amount = application.approved_amount or ZERO
        chosen = list(application.fields_of_action.all())
        applications.append(
            ApplicationRow(
                title=application.title,
                fund=application.fund.name,
                applicant_kind=_applicant_kind(application),
                amount=amount,
                fields=names_of(chosen),
                status=application.get_status_display(),
            )
        )
        for chosen_field in chosen:
            by_field[selectors.FieldKey(chosen_field.pk, chosen_field.position, chosen_field.name)].append(amount)
        if not chosen:
            by_field[None].append(amount)
    return FundsSection(
        funds=rows,
        totals=totals,
        applications=tuple(applications),
        by_field=tuple(
            FieldTotal(field_label(key), len(amounts), sum(amounts, ZERO)) for key, amounts in in_field_order(by_field)
        ),
        # The chart's "committed" is all the fund's applications take from the budget, what is paid included.
        chart=charts.budget_bars(
            [(each.fund.name, each.money.budget, each.money.bound, each.money.out) for each in data.funds]
        ),
    )
