"""Reads of the ISEK: the cost and financing overview, and the comparison of two versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from isek.models import (
    Financing,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    PlannedCost,
    Source,
    Version,
    YearlySum,
)
from quartier.forms import whole_number
from quartier.models import FieldOfAction, Quartier
from quartier.selectors import CompiledLists, lists_of
from quartier.sorting import german

ZERO = Decimal("0.00")
MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


@dataclass
class Overview:
    """Kosten- und Finanzierungsübersicht of a version: planned costs per year, planned financing and actual
    spending per year and source. One query, of the sums that PostgreSQL keeps (``YearlySum``)."""

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


def _overview_lists(version: int) -> dict[str, QuerySet[Any]]:
    sums = YearlySum.objects.filter(version=version).order_by()
    return {"sums": sums.values_list("kind", "year", "source", "amount")}


# The version's yearly sums, kept by PostgreSQL's triggers (``YearlySum``), by the index of their key, instead of
# adding up every cost, financing and spending row of its measures on each request; in one prepared query whose SQL
# Django compiles once per process.
_OVERVIEW = CompiledLists(_overview_lists, ids=("version",))


def overview(version: Version) -> Overview:
    data = Overview()
    for kind, year, source, amount in _OVERVIEW.read(version=version.pk)["sums"]:
        if kind == YearlySum.Kind.PLANNED_COST:
            data.costs[year] = amount
        elif kind == YearlySum.Kind.FINANCING:
            data.financing[(year, source)] = amount
        else:
            data.spent[(year, source)] = amount
    return data


@dataclass(frozen=True)
class Change:
    number: str  # the measure's number, or the indicator's name
    title: str
    what: str  # "title", "status", "start", "end", "costs", "financing"; for indicators "baseline", "target"
    before: object
    after: object


@dataclass(frozen=True)
class Shortfall:
    """A measure of the later version whose planned cost is above its financing."""

    measure: Measure
    planned: Decimal
    financed: Decimal

    @property
    def gap(self) -> Decimal:
        return self.planned - self.financed


@dataclass
class Comparison:
    added: list[Measure]
    removed: list[Measure]
    changed: list[Change]
    goals_added: list[str] = field(default_factory=list)
    goals_removed: list[str] = field(default_factory=list)
    indicators_added: list[Indicator] = field(default_factory=list)
    indicators_removed: list[Indicator] = field(default_factory=list)
    indicators_changed: list[Change] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)  # in the later version


MEASURE_FIELDS = ("title", "status", "start", "end")
INDICATOR_FIELDS = (("baseline", ("baseline_year", "baseline")), ("target", ("target_year", "target")))


def _sum_of(model: type[PlannedCost] | type[Financing]) -> Coalesce:
    """The sum of ``model``'s amounts for the measure of the outer query (0 without rows)."""
    total = model.objects.filter(measure=OuterRef("pk")).order_by().values("measure").annotate(total=Sum("amount"))
    return Coalesce(Subquery(total.values("total")), Value(ZERO), output_field=MONEY_FIELD)


def compare(old: Version, new: Version) -> Comparison:
    """What the later version ``new`` changed against ``old``: measures added and removed (by number); of those in
    both, a changed title, status, start, end, planned cost and financing split; goals added and removed (by
    title); indicators added and removed (by name) and changed baselines and targets; and the later version's
    measures whose planned cost is above their financing. One query."""
    versions = [old.pk, new.pk]
    lists = lists_of(
        measures=Measure.objects.filter(version__in=versions)
        .annotate(planned=_sum_of(PlannedCost), financed=_sum_of(Financing))
        .order_by("number", "pk"),
        financing=Financing.objects.filter(measure__version__in=versions)
        .order_by()
        .values("measure__version", "measure__number", "source")
        .annotate(total=Sum("amount"))
        .values_list("measure__version", "measure__number", "source", "total"),
        goals=Goal.objects.filter(version__in=versions).order_by("position", "pk").values_list("version", "title"),
        indicators=Indicator.objects.filter(version__in=versions).order_by("name", "pk"),
    )
    measures: dict[int, dict[str, Measure]] = {old.pk: {}, new.pk: {}}
    for measure in lists["measures"]:
        measures[measure.version_id].setdefault(measure.number, measure)
    split: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    for version, number, source, total in lists["financing"]:
        split[(version, number)][source] = total
    before, after = measures[old.pk], measures[new.pk]
    changed: list[Change] = []
    for number, measure in after.items():
        previous = before.get(number)
        if previous is None:
            continue
        for name in MEASURE_FIELDS:
            if getattr(previous, name) != getattr(measure, name):
                changed.append(Change(number, measure.title, name, getattr(previous, name), getattr(measure, name)))
        if previous.planned != measure.planned:  # type: ignore[attr-defined]
            changed.append(Change(number, measure.title, "costs", previous.planned, measure.planned))  # type: ignore[attr-defined]
        was, now = split[(old.pk, number)], split[(new.pk, number)]
        if was != now:
            changed.append(Change(number, measure.title, "financing", was, now))
    goals: dict[int, list[str]] = {old.pk: [], new.pk: []}
    for version, title in lists["goals"]:
        goals[version].append(title)
    indicators: dict[int, dict[str, Indicator]] = {old.pk: {}, new.pk: {}}
    for indicator in lists["indicators"]:
        indicators[indicator.version_id].setdefault(indicator.name, indicator)
    indicators_changed = []
    for name, indicator in indicators[new.pk].items():
        previous_indicator = indicators[old.pk].get(name)
        if previous_indicator is None:
            continue
        for what, (year_field, value_field) in INDICATOR_FIELDS:
            was_pair = (getattr(previous_indicator, year_field), getattr(previous_indicator, value_field))
            now_pair = (getattr(indicator, year_field), getattr(indicator, value_field))
            if was_pair != now_pair:
                indicators_changed.append(Change(name, indicator.unit, what, was_pair, now_pair))
    return Comparison(
        added=[measure for number, measure in after.items() if number not in before],
        removed=[measure for number, measure in before.items() if number not in after],
        changed=changed,
        goals_added=[title for title in goals[new.pk] if title not in goals[old.pk]],
        goals_removed=[title for title in goals[old.pk] if title not in goals[new.pk]],
        indicators_added=[i for name, i in indicators[new.pk].items() if name not in indicators[old.pk]],
        indicators_removed=[i for name, i in indicators[old.pk].items() if name not in indicators[new.pk]],
        indicators_changed=indicators_changed,
        shortfalls=[
            Shortfall(measure, measure.planned, measure.financed)  # type: ignore[attr-defined]
            for measure in after.values()
            if measure.planned > measure.financed  # type: ignore[attr-defined]
        ],
    )


# --- Pages --------------------------------------------------------------------------------------------------------


def _versions(*, area: int) -> dict[str, QuerySet[Version]]:
    return {"versions": Version.objects.filter(area=area).select_related("previous").order_by("-created_at", "-pk")}


# Every ISEK page reads them: one prepared query compiled once.
_VERSIONS = CompiledLists(_versions, ids=("area",))


def versions_of(area: Quartier) -> list[Version]:
    """The area's ISEK versions, newest first, each with its previous one."""
    return _VERSIONS.read(area=area.pk)["versions"]


def pick_version(versions: list[Version], wanted: str | None) -> Version | None:
    """The version ``wanted`` (a primary key from the query string) or else the newest one."""
    number = whole_number(wanted)
    for version in versions:
        if version.pk == number:
            return version
    return versions[0] if versions else None


@dataclass
class GoalNode:
    goal: Goal
    children: list[Goal]


def goal_tree(version: Version) -> list[GoalNode]:
    """Overall goals with their goals of fields of action; each goal carries ``measure_numbers``. Two queries."""
    goals = list(
        Goal.objects.filter(version=version)
        .select_related("field_of_action")
        .annotate(measure_count=Count("measures", distinct=True))
        .order_by("position", "pk")
    )
    numbers: dict[int, list[str]] = defaultdict(list)
    for goal_id, number in Measure.goals.through.objects.filter(goal__version=version).values_list(
        "goal_id", "measure__number"
    ):
        numbers[goal_id].append(number)
    for goal in goals:
        goal.measure_numbers = sorted(numbers[goal.pk])  # type: ignore[attr-defined]
    children: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id:
            children[goal.parent_id].append(goal)
    return [GoalNode(goal, children[goal.pk]) for goal in goals if goal.parent_id is None]


SORTS = {
    "nummer": ("number",),
    "titel": ("title", "number"),
    "status": ("status", "number"),
    "beginn": ("start", "number"),
    "ende": ("end", "number"),
    "kosten": ("planned", "number"),
    "prioritaet": ("priority", "number"),
}


def measures_in(version: Version) -> QuerySet[Measure]:
    """The version's measures (``isek.filters.MeasureFilterSet`` narrows them; ``measures_of``,
    ``sorted_measures`` with ``measures_by_ids``, and ``timeline_rows`` read them)."""
    return Measure.objects.filter(version=version)


def _sorted(measures: QuerySet[Measure], sort: str, *, planned: bool = True) -> QuerySet[Measure]:
    """``measures`` sorted by ``sort``, with their planned costs in ``planned`` (without ``planned``, only where
    the sort needs them)."""
    descending = sort.startswith("-")
    keys = SORTS.get(sort.lstrip("-"), SORTS["nummer"])
    order = [
        (F(key).desc(nulls_last=True) if descending and i == 0 else F(key).asc(nulls_last=True))
        for i, key in enumerate(keys)
    ]
    if planned or "planned" in keys:
        # order_by(): without it the planned costs' Meta.ordering (measure → version → area) joins three more tables
        costs = PlannedCost.objects.filter(measure=OuterRef("pk")).order_by().values("measure")
        measures = measures.annotate(
            planned=Coalesce(Subquery(costs.annotate(total=Sum("amount")).values("total")), ZERO)
        )
    return measures.order_by(*order)


def measures_of(measures: QuerySet[Measure], sort: str = "nummer") -> QuerySet[Measure]:
    """``measures`` (of ``measures_in``) with their planned costs in ``planned``, sorted by ``sort`` (a key of
    ``SORTS``, '-' for descending)."""
    return (
        _sorted(measures, sort)
        .select_related("lead_organisation")
        .prefetch_related(Prefetch("fields_of_action", queryset=FieldOfAction.objects.order_by("position")))
    )


MEASURE_ROW = (
    "pk", "number", "title", "kind", "responsible_role", "status", "start", "end", "priority", "planned",
    "lead_organisation_id", "lead_organisation__name",
)  # fmt: skip


def sorted_measures(measures: QuerySet[Measure], sort: str = "nummer") -> QuerySet[Measure]:
    """``measures`` (of ``measures_in``) in the order of ``sort`` (a key of ``SORTS``, '-' for descending), for the
    ids of a page (``measures_by_ids`` reads its rows): their planned costs only where the order needs them (building
    that subquery cost more than the rest of the ids' query)."""
    return _sorted(measures, sort, planned=False)


def _measures_by_ids(*, version: int, page: list[int]) -> dict[str, QuerySet[Any]]:
    measures = Measure.objects.filter(version_id=version, pk__any_of=page)
    fields = Measure.fields_of_action.through.objects.filter(measure_id__any_of=page)
    return {
        "rows": _sorted(measures, "nummer").values(*MEASURE_ROW),
        "fields": fields.order_by("fieldofaction__position").values_list("measure_id", "fieldofaction__name"),
    }


# The measures table of a large ISEK is read often: the rows of its page and their fields of action in one
# prepared query compiled once.
_MEASURES_BY_IDS = CompiledLists(_measures_by_ids, ids=("version",), id_lists=("page",))


def measures_by_ids(version: Version, ids: list[int]) -> list[dict[str, Any]]:
    """What the measures table shows of the version's measures of ``ids``, as dicts rather than models (keys
    ``MEASURE_ROW`` and "fields", the names of their fields of action in the fields' order), in no particular
    order; one prepared query."""
    lists = _MEASURES_BY_IDS.read(version=version.pk, page=ids)
    names: dict[int, list[str]] = defaultdict(list)
    for measure_id, name in lists["fields"]:
        names[measure_id].append(name)
    return [{**row, "fields": names[row["pk"]]} for row in lists["rows"]]


def finance_plan_of(measure: Measure) -> dict[str, Any]:
    """The measure's planned costs, financing by source and spending, per year and in total (from the
    prefetched ``planned_costs``, ``financing`` and ``spendings``)."""
    costs = {row.year: row.amount for row in measure.planned_costs.all()}
    financing: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in measure.financing.all():
        financing[row.year][row.source] = row.amount
    spendings = list(measure.spendings.all())
    spent_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for spending in spendings:
        spent_by_year[spending.date.year] += spending.amount
    years = sorted(set(costs) | set(financing) | set(spent_by_year))
    rows: list[dict[str, Any]] = [
        {
            "year": year,
            "cost": costs.get(year, ZERO),
            "sources": [financing[year].get(source, ZERO) for source in Source.values],
            "financed": sum(financing[year].values(), ZERO),
            "spent": spent_by_year.get(year, ZERO),
        }
        for year in years
    ]
    totals = {
        "cost": sum(costs.values(), ZERO),
        "sources": [sum((financing[year].get(source, ZERO) for year in years), ZERO) for source in Source.values],
        "financed": sum((row["financed"] for row in rows), ZERO),
        "spent": sum(spent_by_year.values(), ZERO),
    }
    return {"spendings": spendings, "finance_rows": rows, "finance_totals": totals}


def measure_detail(measure: Measure) -> dict[str, Any]:
    """Everything the measure's page shows, in a fixed number of queries."""
    return {
        "fields": list(measure.fields_of_action.order_by("position")),
        "goals": list(measure.goals.select_related("parent").order_by("position", "pk")),
        "partners": list(measure.partners.order_by(*german("name"))),
        "concerns": list(measure.concerns.order_by("-raised_on")),
        "applications": list(measure.applications.select_related("fund").order_by("-created_at")),
        "decisions": list(
            measure.decisions.select_related("meeting__committee").order_by("-meeting__starts_at", "position")
        ),
        "milestones": list(measure.milestones.all()),
        "notes": list(measure.progress_notes.select_related("author")),
        **finance_plan_of(measure),
    }


def timeline_rows(measures: QuerySet[Measure]) -> list[tuple[FieldOfAction | None, list[Measure]]]:
    """``measures`` (of ``measures_in``) with dates, grouped by their first field of action (in the fields'
    order). Two queries."""
    dated = [
        measure for measure in measures_of(measures, "beginn") if measure.start is not None and measure.end is not None
    ]
    groups: dict[int | None, list[Measure]] = defaultdict(list)
    fields: dict[int | None, FieldOfAction | None] = {None: None}
    for measure in dated:
        first = next(iter(measure.fields_of_action.all()), None)
        key = first.pk if first else None
        fields[key] = first
        groups[key].append(measure)

    def place(key: int | None) -> tuple[bool, int]:  # the fields of action in their order, measures without last
        field_of_action = fields[key]
        return (field_of_action is None, field_of_action.position if field_of_action else 0)

    order = sorted(groups, key=place)
    return [(fields[key], groups[key]) for key in order]


def indicators_of(version: Version) -> list[Indicator]:
    """The version's indicators with their values (``values.all()``) and fields. Two queries."""
    return list(
        Indicator.objects.filter(version=version)
        .select_related("field_of_action")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("year")))
        .order_by("field_of_action__position", *german("name"))
    )
