"""The ISEK's versions, their yearly update and comparison, goals that measures serve, and the totals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.models import Organisation
from isek.models import Financing, Goal, Indicator, Measure, PlannedCost, Source, Spending, Version
from isek.selectors import Overview, compare, overview
from isek.services import goal_delete, split_urban_funding, version_adopt, version_continue, version_create
from quartier.models import FieldOfAction, Quartier, User


@pytest.fixture
def version(area: Quartier, role_users: dict[str, User]) -> Version:
    version = version_create(area=area, label="ISEK 2024", by=role_users["planung"])
    field = FieldOfAction.objects.first()
    overall = Goal.objects.create(version=version, title="Ein lebendiger Kiez für alle", position=1)
    goal = Goal.objects.create(version=version, parent=overall, field_of_action=field, title="Treffpunkte", position=1)
    Goal.objects.create(version=version, parent=overall, title="Grün am Kanal", position=2)
    lead = Organisation.objects.create(area=area, name="Nachbarschaftshaus")
    for number, status in (("Ö-1", "umsetzung"), ("Ö-2", "idee"), ("S-1", "abgeschlossen")):
        measure = Measure.objects.create(
            version=version, number=number, title=f"Maßnahme {number}", kind="investiv", responsible_role="planung",
            status=status, lead_organisation=lead,
        )  # fmt: skip
        measure.goals.add(goal)
        measure.fields_of_action.add(field)
        PlannedCost.objects.create(measure=measure, year=2026, amount=Decimal("90000.00"))
        for source, amount in split_urban_funding(Decimal("90000.00")).items():
            Financing.objects.create(measure=measure, year=2026, source=source, amount=amount)
        Spending.objects.create(measure=measure, date=datetime.date(2026, 3, 1), amount=Decimal("1000"), source="bund")
        measure.milestones.create(date=datetime.date(2026, 6, 1), title="Baubeginn", reached=True)
    indicator = Indicator.objects.create(
        version=version, name="Spielplätze", unit="Anzahl", direction="hoeher", baseline_year=2020, baseline=3,
        target_year=2030, target=6,
    )  # fmt: skip
    indicator.goals.add(goal)
    indicator.values.create(year=2024, value=4)
    return version


def test_the_update_copies_everything_and_leaves_the_adopted_version_as_it_was(
    version: Version, role_users: dict[str, User]
) -> None:
    version_adopt(
        version=version, on=datetime.date(2024, 5, 7), body="Bezirksverordnetenversammlung", by=role_users["steuerung"]
    )
    update = version_continue(version=version, label="ISEK 2024, Fortschreibung 2026", by=role_users["planung"])
    assert update.status == Version.Status.DRAFT and update.previous == version
    assert update.goals.count() == 3 and update.measures.count() == 3 and update.indicators.count() == 1
    copied = update.measures.get(number="Ö-1")
    [goal] = copied.goals.all()
    assert (
        goal.version == update and goal.parent.version == update and goal.parent.title == "Ein lebendiger Kiez für alle"
    )
    assert copied.milestones.get().title == "Baubeginn" and copied.planned_costs.get().amount == Decimal("90000.00")
    assert sum(row.amount for row in copied.financing.all()) == Decimal("90000.00")
    assert copied.spendings.count() == 1
    indicator = update.indicators.get()
    assert indicator.values.get().value == 4 and indicator.goals.get().version == update
    # The adopted version keeps its own parts.
    assert Measure.objects.filter(version=version).count() == 3


def test_only_an_adopted_version_is_updated(version: Version, role_users: dict[str, User]) -> None:
    """The rule holds for every caller of the service, not only the page's button: a draft is refused and
    nothing is made."""
    with pytest.raises(ValidationError, match="Nur eine beschlossene Fassung"):
        version_continue(version=version, label="Fortschreibung", by=role_users["planung"])
    assert Version.objects.filter(area=version.area).count() == 1


def test_an_adopted_version_refuses_changes(version: Version, role_users: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="Nennen Sie das Gremium"):
        version_adopt(version=version, on=datetime.date(2024, 5, 7), body=" ", by=role_users["steuerung"])
    version_adopt(version=version, on=datetime.date(2024, 5, 7), body="Stadtrat", by=role_users["steuerung"])
    with pytest.raises(ValidationError, match="Eine beschlossene Fassung kann nicht geändert werden"):
        version_adopt(version=version, on=datetime.date(2024, 5, 8), body="Stadtrat", by=role_users["steuerung"])
    goal = version.goals.get(title="Grün am Kanal")
    with pytest.raises(ValidationError, match="Fortschreibung"):
        goal_delete(goal=goal, by=role_users["planung"])
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_goal_that_measures_serve_cannot_be_deleted(version: Version, role_users: dict[str, User]) -> None:
    overall = version.goals.get(parent=None)
    with pytest.raises(
        ValidationError, match="Maßnahmen dienen diesem Ziel, deshalb kann es nicht gelöscht werden: S-1, Ö-1, Ö-2"
    ):
        goal_delete(goal=overall, by=role_users["planung"])
    unused = version.goals.get(title="Grün am Kanal")
    goal_delete(goal=unused, by=role_users["planung"])
    assert version.goals.count() == 2


def test_two_versions_are_compared(version: Version, role_users: dict[str, User]) -> None:
    version_adopt(version=version, on=datetime.date(2024, 5, 7), body="Stadtrat", by=role_users["steuerung"])
    update = version_continue(version=version, label="Fortschreibung", by=role_users["planung"])
    update.measures.filter(number="Ö-2").update(status="vorbereitung")
    PlannedCost.objects.filter(measure__version=update, measure__number="S-1").update(amount=Decimal("95000"))
    update.measures.filter(number="Ö-1").delete()
    Measure.objects.create(
        version=update, number="Ö-4", title="Neue Maßnahme", kind="nicht_investiv", responsible_role="gwa"
    )
    result = compare(version, update)
    assert [measure.number for measure in result.added] == ["Ö-4"]
    assert [measure.number for measure in result.removed] == ["Ö-1"]
    assert {(change.number, change.what, change.before, change.after) for change in result.changed} == {
        ("Ö-2", "status", "idee", "vorbereitung"),
        ("S-1", "costs", Decimal("90000.00"), Decimal("95000.00")),
    }


def test_the_overview_sums_costs_financing_and_spending(version: Version, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        result = overview(version)
    assert result.costs == {2026: Decimal("270000.00")}
    assert result.financing_by_source() == {
        "bund": Decimal("90000.00"),
        "land": Decimal("90000.00"),
        "kommune": Decimal("90000.00"),
    }
    assert result.spent == {(2026, "bund"): Decimal("3000.00")}


@given(st.integers(min_value=0, max_value=10**12))
def test_the_thirds_always_add_up_to_the_amount(cents: int) -> None:
    amount = Decimal(cents) / 100
    parts = split_urban_funding(amount)
    assert sum(parts.values()) == amount
    assert (
        parts[Source.FEDERAL] == parts[Source.STATE] <= parts[Source.MUNICIPAL] <= parts[Source.STATE] + Decimal("0.02")
    )


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("1.005")])
def test_negative_amounts_and_fractions_of_a_cent_are_refused(amount: Decimal) -> None:
    with pytest.raises(ValidationError, match="Beträge müssen mindestens 0 sein und in ganzen Cent"):
        split_urban_funding(amount)


amounts = st.dictionaries(
    keys=st.tuples(st.integers(min_value=2020, max_value=2030), st.sampled_from(Source.values)),
    values=st.integers(min_value=0, max_value=10**10).map(lambda cents: Decimal(cents) / 100),
    max_size=40,
)


@settings(max_examples=200)
@given(amounts)
def test_sums_by_source_equal_sums_by_year(financing: dict[tuple[int, str], Decimal]) -> None:
    result = Overview(financing=financing)
    total = sum(financing.values(), Decimal(0))
    assert sum(result.financing_by_source().values(), Decimal(0)) == total
    assert sum(result.financing_by_year().values(), Decimal(0)) == total
