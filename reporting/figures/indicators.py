"""Section 10, indicators: the indicators of the ISEK version the report reads, each with its baseline, target,
the value of the year and the way made towards the target, and a line chart of its values up to the year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from isek import charts as isek_charts
from isek.models import Indicator, Version
from isek.selectors import indicators_of
from quartier.display import share
from quartier.models import Quartier
from reporting import selectors
from reporting.figures.common import Table
from reporting.figures.isek import is_adopted


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator; the attribute names are those ``templates/isek/charts/line.html`` reads."""

    name: str
    unit: str
    field: str
    direction: str | Promise
    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    value: Decimal | None  # the value of the year
    latest: tuple[int, Decimal] | None  # the latest value up to the year
    progress: Decimal | None  # of the way from the baseline to the target, percent, by the latest value
    chart: isek_charts.LineChart


@dataclass(frozen=True, slots=True)
class IndicatorsSection:
    version: Version | None
    adopted: bool
    indicators: tuple[IndicatorRow, ...] = ()  # by field of action and name

    def tables(self) -> dict[str, Table]:
        if self.version is None:
            return {}
        return {
            "indikatoren": Table(
                _("Indicators"),
                (
                    _("Indicator"),
                    _("Unit"),
                    _("Baseline year"),
                    _("Baseline"),
                    _("Target year"),
                    _("Target"),
                    _("Value of the year"),
                    _("Progress towards the target (%)"),
                ),
                tuple(
                    (
                        row.name,
                        row.unit,
                        row.baseline_year,
                        row.baseline,
                        row.target_year,
                        row.target,
                        row.value,
                        row.progress,
                    )
                    for row in self.indicators
                ),
            )
        }


def _indicator_row(indicator: Indicator, year: int) -> IndicatorRow:
    values = [(value.year, value.value) for value in indicator.values.all() if value.year <= year]
    latest = values[-1] if values else None
    way = indicator.target - indicator.baseline
    return IndicatorRow(
        name=indicator.name,
        unit=indicator.unit,
        field=indicator.field_of_action.name if indicator.field_of_action else "",
        direction=indicator.get_direction_display(),
        baseline_year=indicator.baseline_year,
        baseline=indicator.baseline,
        target_year=indicator.target_year,
        target=indicator.target,
        value=dict(values).get(year),
        latest=latest,
        progress=share(latest[1] - indicator.baseline, way) if latest and way else None,
        chart=isek_charts.line_chart(
            values,
            baseline=(indicator.baseline_year, indicator.baseline),
            target=(indicator.target_year, indicator.target),
            width=240,
            height=96,
        ),
    )


def indicators_section(area: Quartier, year: int) -> IndicatorsSection:
    """Three queries (two without indicators, one without an ISEK)."""
    version = selectors.isek_version(area)
    if version is None:
        return IndicatorsSection(version=None, adopted=False)
    return IndicatorsSection(
        version=version,
        adopted=is_adopted(version),
        indicators=tuple(_indicator_row(indicator, year) for indicator in indicators_of(version)),
    )
