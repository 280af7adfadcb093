"""ISEK fixtures, shared by the ISEK tests (a pytest plugin)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from actors.models import Organisation
from demo.factories import GoalFactory, IndicatorFactory, MeasureFactory, OrganisationFactory, VersionFactory
from isek.models import Financing, Goal, Indicator, Measure, PlannedCost, Spending, Version
from isek.services import split_urban_funding
from quartier.models import FieldOfAction, Quartier

Grow = Callable[[int], None]


def add_measures(version: Version, count: int, *, start: int = 1, prefix: str = "M") -> list[Measure]:
    """``count`` measures with goals, fields, a lead organisation, costs 2025–2027 in thirds, a spending, a
    milestone and a progress note each; investive and non-investive in turn."""
    fields = list(FieldOfAction.objects.order_by("position")[:3])
    goals = list(Goal.objects.filter(version=version, parent__isnull=False))
    lead = Organisation.objects.filter(area_id=version.area_id).first() or OrganisationFactory(
        area=version.area, name="Nachbarschaftshaus am Kanal"
    )
    statuses = list(Measure.Status.values)
    measures = []
    for index in range(start, start + count):
        investive = index % 2 == 1
        measure = MeasureFactory(
            version=version,
            number=f"{prefix}-{index}",
            kind=Measure.Kind.INVESTIVE if investive else Measure.Kind.SOCIAL,
            responsible_role="planung" if investive else "gwa",
            status=statuses[index % len(statuses)],
            lead_organisation=lead,
            start=datetime.date(2025, 1 + index % 12, 1),
            end=datetime.date(2027, 1 + index % 12, 28),
        )
        measure.fields_of_action.set([fields[index % len(fields)]])
        measure.goals.set(goals[index % len(goals) :][:1] if goals else [])
        for year in (2025, 2026, 2027):
            PlannedCost.objects.create(measure=measure, year=year, amount=Decimal("30000.00"))
            for source, amount in split_urban_funding(Decimal("30000.00")).items():
                Financing.objects.create(measure=measure, year=year, source=source, amount=amount)
        Spending.objects.create(
            measure=measure, date=datetime.date(2025, 6, 1), amount=Decimal("1200.50"), source="bund"
        )
        measure.milestones.create(date=datetime.date(2026, 6, 1), title="Baubeginn", reached=index % 2 == 0)
        measure.progress_notes.create(date=datetime.date(2025, 9, 1), text="Planung läuft.")
        measures.append(measure)
    return measures


def add_indicators(version: Version, count: int, *, start: int = 1) -> list[Indicator]:
    field = FieldOfAction.objects.order_by("position").first()
    goal = Goal.objects.filter(version=version).first()
    indicators = []
    for index in range(start, start + count):
        indicator = IndicatorFactory(version=version, name=f"Indikator {index}", field_of_action=field)
        if goal:
            indicator.goals.add(goal)
        for year in (2021, 2022, 2023, 2024):
            indicator.values.create(year=year, value=Decimal(10 + index % 5 + year - 2021))
        indicators.append(indicator)
    return indicators


@pytest.fixture
def isek(area: Quartier) -> Version:
    """A draft ISEK of ``area``: an overall goal with two goals of fields of action, four measures (the even
    ones non-investive and the office's) and two indicators."""
    version = VersionFactory(area=area, label="ISEK 2024, Fortschreibung 2026")
    fields = list(FieldOfAction.objects.order_by("position")[:2])
    overall = GoalFactory(version=version, title="Ein lebendiger Kiez für alle", position=1)
    GoalFactory(version=version, parent=overall, field_of_action=fields[0], title="Treffpunkte", position=1)
    GoalFactory(version=version, parent=overall, field_of_action=fields[1], title="Grün am Kanal", position=2)
    add_measures(version, 4)
    add_indicators(version, 2)
    return version


@pytest.fixture
def grow_isek(isek: Version) -> Grow:
    """Add ``n`` more measures and indicators (and goals) to the ``isek`` fixture's version."""
    state = {"next": 100}

    def grow(n: int) -> None:
        overall = GoalFactory(version=isek, title=f"Leitziel {state['next']}", position=state["next"])
        field = FieldOfAction.objects.order_by("position").first()
        for i in range(n):
            GoalFactory(version=isek, parent=overall, field_of_action=field, title=f"Ziel {i}", position=i)
        add_measures(isek, n, start=state["next"], prefix="G")
        add_indicators(isek, n, start=state["next"])
        state["next"] += n

    return grow
