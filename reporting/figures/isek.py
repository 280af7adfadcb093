"""Section 9, the ISEK: the measures of the version the report reads (``reporting.selectors.isek_version``: the
newest, whose name and whether it is adopted the section says) by status and field of action, those completed in
the year, the milestones reached and the progress noted in the year, and the financing planned against the money
spent, by source and over every year of the plan. Milestones, progress notes and spending count by their date,
planned costs and financing by their year; measures have no dates of their status, so their status is the one the
version records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from isek import charts as isek_charts
from isek.models import Measure, Milestone, ProgressNote, Source, Version
from quartier.exports import date_column, euro_column
from quartier.models import Quartier
from reporting import charts, selectors
from reporting.figures.common import ZERO, CountRow, Table, field_label, in_field_order

#: (key, label) of every status of a measure, in their order.
STATUSES: tuple[tuple[str, Promise], ...] = tuple(Measure.Status.choices)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    label: str | Promise
    counts: tuple[int, ...]  # per status, in the order of ``STATUSES``
    total: int


@dataclass(frozen=True, slots=True)
class SourceRow:
    key: str
    label: str | Promise
    planned: Decimal  # financing planned for the year
    spent: Decimal  # spent in the year


@dataclass(frozen=True, slots=True)
class YearRow:
    year: int
    cost: Decimal
    financed: Decimal
    spent: Decimal


@dataclass(frozen=True, slots=True)
class IsekSection:
    """Without an ISEK only ``version`` (``None``), ``adopted`` and ``statuses`` say something."""

    version: Version | None
    adopted: bool
    statuses: tuple[tuple[str, Promise], ...] = STATUSES
    measures: int = 0  # the version's measures
    by_status: tuple[CountRow, ...] = ()  # per status
    matrix: tuple[MatrixRow, ...] = ()  # per field of action (a measure in two fields counts in both), "without" last
    running: int = 0
    completed: tuple[Measure, ...] = ()  # status completed, end in the year
    milestones: tuple[Milestone, ...] = ()  # reached in the year, each with ``measure``
    notes: tuple[ProgressNote, ...] = ()  # of the year, each with ``measure``
    planned: Decimal = ZERO  # planned cost of the year
    financed: Decimal = ZERO  # the sum of ``sources``' planned financing
    spent: Decimal = ZERO  # the sum of ``sources``' spending
    sources: tuple[SourceRow, ...] = ()  # per source of financing
    sources_chart: charts.HBarChart | None = None  # two series: planned, spent
    years: tuple[YearRow, ...] = ()  # per year of the plan
    years_chart: isek_charts.StackedBars | None = None  # every year: planned financing and spending by source

    def tables(self) -> dict[str, Table]:
        if self.version is None:
            return {}
        return {
            "massnahmen-status": Table(
                _("Measures by field of action and status"),
                (_("Field of action"), *[label for _key, label in self.statuses], _("Total")),
                tuple((row.label, *row.counts, row.total) for row in self.matrix),
            ),
            "massnahmen-abgeschlossen": Table(
                _("Measures completed in the year"),
                (_("Number"), _("Measure"), date_column(_("End"))),
                tuple((measure.number, measure.title, measure.end) for measure in self.completed),
            ),
            "meilensteine": Table(
                _("Milestones reached"),
                (date_column(_("Date")), _("Number"), _("Measure"), _("Milestone")),
                tuple((m.date, m.measure.number, m.measure.title, m.title) for m in self.milestones),
            ),
            "sachstaende": Table(
                _("Progress notes of the year"),
                (_("Number"), _("Measure"), date_column(_("Date")), _("Progress")),
                tuple((n.measure.number, n.measure.title, n.date, n.text) for n in self.notes),
            ),
            "finanzierung": Table(
                _("Financing planned and money spent by source"),
                (_("Source"), euro_column(_("Planned (€)")), euro_column(_("Spent (€)"))),
                tuple((row.label, row.planned, row.spent) for row in self.sources),
            ),
            "finanzierung-jahre": Table(
                _("Planned cost, financing and spending per year"),
                (
                    _("Year"),
                    euro_column(_("Planned cost (€)")),
                    euro_column(_("Financing planned (€)")),
                    euro_column(_("Spent (€)")),
                ),
                tuple((row.year, row.cost, row.financed, row.spent) for row in self.years),
            ),
        }


def is_adopted(version: Version | None) -> bool:
    return version is not None and version.status == Version.Status.ADOPTED


def _matrix(counts: dict[tuple[selectors.FieldKey | None, str], int]) -> tuple[MatrixRow, ...]:
    per_field: dict[selectors.FieldKey | None, dict[str, int]] = defaultdict(dict)
    for (key, status), count in counts.items():
        per_field[key][status] = count
    return tuple(
        MatrixRow(
            field_label(key), tuple(by_status.get(status, 0) for status, _label in STATUSES), sum(by_status.values())
        )
        for key, by_status in in_field_order(per_field)
    )


def isek_section(area: Quartier, year: int) -> IsekSection:
    """Nine queries (one without an ISEK)."""
    version = selectors.isek_version(area)
    if version is None:
        return IsekSection(version=None, adopted=False)
    data = selectors.isek_data(version, selectors.Span(year))
    plan = data.plan
    sources = tuple(
        SourceRow(key, label, plan.financing.get((year, key), ZERO), plan.spent.get((year, key), ZERO))
        for key, label in Source.choices
    )
    shown = [row for row in sources if row.planned or row.spent]
    years = sorted(set(plan.costs) | {y for y, _s in plan.financing} | {y for y, _s in plan.spent})
    financed = plan.financing_by_year()
    spent_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (spent_year, _source), amount in plan.spent.items():
        spent_by_year[spent_year] += amount
    return IsekSection(
        version=version,
        adopted=is_adopted(version),
        measures=sum(data.by_status.values()),
        by_status=tuple(CountRow(label, data.by_status.get(key, 0), key) for key, label in STATUSES),
        matrix=_matrix(data.by_field_and_status),
        running=data.by_status.get(Measure.Status.RUNNING, 0),
        completed=tuple(data.completed),
        milestones=tuple(data.milestones),
        notes=tuple(data.notes),
        planned=plan.costs.get(year, ZERO),
        financed=sum((row.planned for row in sources), ZERO),
        spent=sum((row.spent for row in sources), ZERO),
        sources=sources,
        sources_chart=charts.hbar_chart([(str(row.label), [row.planned, row.spent]) for row in shown], money=True),
        years=tuple(
            YearRow(y, plan.costs.get(y, ZERO), financed.get(y, ZERO), spent_by_year.get(y, ZERO)) for y in years
        ),
        years_chart=isek_charts.stacked_bars(
            years, Source.values, plan.financing, plan.spent, plan.costs, width=720, height=300
        ),
    )
