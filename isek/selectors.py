"""Reads of the ISEK: the cost and financing overview, and the comparison of two versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from isek.models import Financing, Measure, PlannedCost, Spending, Version

ZERO = Decimal("0.00")


@dataclass
class Overview:
    """Kosten- und Finanzierungsübersicht of a version: planned costs per year, planned financing and actual
    spending per year and source. Three queries."""

    costs: dict[int, Decimal] = field(default_factory=dict)
    financing: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    spent: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    def financing_by_year(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for (year, _source), amount in self.financing.items():
            totals[year] += amount
        return dict(totals)

    def financing_by_source(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for (_year, source), amount in self.financing.items():
            totals[source] += amount
        return dict(totals)


def overview(version: Version) -> Overview:
    costs = dict(
        PlannedCost.objects.filter(measure__version=version)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    financing = {
        (year, source): total
        for year, source, total in Financing.objects.filter(measure__version=version)
        .values("year", "source")
        .annotate(total=Sum("amount"))
        .values_list("year", "source", "total")
    }
    spent = {
        (year, source): total
        for year, source, total in Spending.objects.filter(measure__version=version)
        .annotate(year=ExtractYear("date"))
        .values("year", "source")
        .annotate(total=Sum("amount"))
        .values_list("year", "source", "total")
    }
    return Overview(costs=costs, financing=financing, spent=spent)


@dataclass(frozen=True)
class Change:
    number: str
    title: str
    what: str  # "status", "costs"
    before: object
    after: object


@dataclass
class Comparison:
    added: list[Measure]
    removed: list[Measure]
    changed: list[Change]


def compare(old: Version, new: Version) -> Comparison:
    """Measures added and removed (by number), and changed statuses and planned costs. Two queries."""

    def measures(version: Version) -> dict[str, Measure]:
        rows = Measure.objects.filter(version=version).annotate(planned=Sum("planned_costs__amount"))
        return {measure.number: measure for measure in rows.order_by("number")}

    before, after = measures(old), measures(new)
    changed: list[Change] = []
    for number, measure in after.items():
        previous = before.get(number)
        if previous is None:
            continue
        if previous.status != measure.status:
            changed.append(Change(number, measure.title, "status", previous.status, measure.status))
        if (previous.planned or ZERO) != (measure.planned or ZERO):
            changed.append(Change(number, measure.title, "costs", previous.planned or ZERO, measure.planned or ZERO))
    return Comparison(
        added=[measure for number, measure in after.items() if number not in before],
        removed=[measure for number, measure in before.items() if number not in after],
        changed=changed,
    )
