"""Demo data of the ISEK: the adopted ISEK 2024 and its Fortschreibung 2026, and ten yearly versions at scale."""

from __future__ import annotations

import datetime
import itertools
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from committees.models import AgendaItem
from demo.actors import seed_actors
from demo.committees import seed_committees
from demo.factories import OrganisationFactory, QuartierFactory, user_with_role
from demo.fonds import seed_funds
from demo.isek import SIZES, Sizes, isek_counts, seed_isek
from isek.models import (
    Financing,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlannedCost,
    ProgressNote,
    Source,
    Spending,
    Version,
)
from isek.selectors import compare
from quartier.models import Quartier, Role, User
from tests.conftest import kept_for_the_class
from tests.demo.seeded_once import Seed, SeededOnce

URBAN = {Source.FEDERAL, Source.STATE, Source.MUNICIPAL}
MAIN_FIELDS = {
    "integration-nachbarschaft",
    "bildung",
    "oeffentlicher-raum",
    "gesundheit-bewegung",
    "beteiligung-vernetzung",
}
LETTERS = {"I": "integration-nachbarschaft", "B": "bildung", "Ö": "oeffentlicher-raum", "G": "gesundheit-bewegung"}
LETTERS["V"] = "beteiligung-vernetzung"


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - demo data, not security


def office_of(area: Quartier) -> list[User]:
    return [
        user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa"),
        user_with_role(area, Role.PLANUNG, username="planung"),
        user_with_role(area, Role.STEUERUNG, username="steuerung"),
    ]


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_of(area)


@pytest.fixture
def actors(area: Quartier, staff: list[User]) -> None:
    seed_actors(area=area, scale="small", staff=staff, rng=rng(42))


@pytest.fixture
def seeded(area: Quartier, staff: list[User], actors: None) -> dict[str, int]:
    """The small demo of the area as ``seed_demo`` makes it: committees and funds first, then the ISEK."""
    seed_committees(area=area, scale="small", staff=staff, rng=rng(7))
    seed_funds(area=area, scale="small", rng=rng(11))
    return seed_isek(area=area, scale="small", rng=rng(13))


def versions(area: Quartier) -> tuple[Version, Version]:
    """(adopted, draft)"""
    draft, adopted = Version.objects.filter(area=area)  # newest first
    return adopted, draft


def money_rules(version: Version) -> None:
    """Each year's financing adds up to its planned cost, urban funding comes in thirds, spending stays below the
    financing of its year and source and inside the measure's dates, and no amount is negative or has more than
    two decimals."""
    planned = {
        (measure_id, year): amount
        for measure_id, year, amount in PlannedCost.objects.filter(measure__version=version).values_list(
            "measure_id", "year", "amount"
        )
    }
    financed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    parts: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for measure_id, year, source, amount in Financing.objects.filter(measure__version=version).values_list(
        "measure_id", "year", "source", "amount"
    ):
        financed[measure_id, year] += amount
        parts[measure_id, year][source] = amount
    assert financed == {key: amount for key, amount in planned.items() if amount > 0}
    for shares in parts.values():
        urban = [shares.get(source, Decimal(0)) for source in (Source.FEDERAL, Source.STATE, Source.MUNICIPAL)]
        assert urban[0] == urban[1] and Decimal(0) <= urban[2] - urban[0] <= Decimal("0.02"), shares
    spent = (
        Spending.objects.filter(measure__version=version)
        .annotate(year=ExtractYear("date"))
        .values("measure_id", "year", "source")
        .annotate(total=Sum("amount"))
    )
    for row in spent:
        assert row["total"] <= parts[row["measure_id"], row["year"]].get(row["source"], Decimal(0)), row
    for spending in Spending.objects.filter(measure__version=version).select_related("measure"):
        assert spending.measure.start <= spending.date <= spending.measure.end
    for model in (PlannedCost, Financing, Spending):
        for amount in model.objects.filter(measure__version=version).values_list("amount", flat=True):
            assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))


# --- Small -------------------------------------------------------------------------------------------------------


def _small_seed_is_the_adopted_isek_2024_and_its_draft_update(area: Quartier, seeded: dict[str, int]) -> None:
    adopted, draft = versions(area)
    assert (adopted.label, adopted.status, adopted.adopted_by) == (
        "ISEK 2024",
        "beschlossen",
        "Stadtverordnetenversammlung",
    )
    assert (adopted.adopted_on.year, adopted.adopted_on.month) == (2024, 6)
    assert (draft.label, draft.status, draft.adopted_on) == ("ISEK 2024, Fortschreibung 2026", "entwurf", None)
    assert draft.previous == adopted and adopted.previous is None
    assert adopted.created_at < draft.created_at <= timezone.now()
    assert seeded["versions"] == SIZES["small"].versions == 2
    assert seeded["measures"] == 29 + 30
    assert seeded["indicators"] == 2 * SIZES["small"].indicators
    assert all(seeded[name] > 0 for name in ("milestones", "progress_notes", "spendings", "indicator_values"))
    # The adoption's audit entry is dated on the adoption day.
    [entry] = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Version),
        object_id=adopted.pk,
        additional_data__transition="adopt",
    )
    assert timezone.localdate(entry.timestamp) == adopted.adopted_on


def _the_draft_has_its_goals_and_thirty_measures_in_every_status(area: Quartier, seeded: object) -> None:
    _adopted, draft = versions(area)
    overall = Goal.objects.filter(version=draft, parent=None)
    goals = Goal.objects.filter(version=draft, parent__isnull=False).select_related("field_of_action", "parent")
    assert overall.count() == 4 and goals.count() == 12
    assert {goal.field_of_action.key for goal in goals} == MAIN_FIELDS
    assert {goal.parent_id for goal in goals} == set(overall.values_list("pk", flat=True))
    measures = list(Measure.objects.filter(version=draft).prefetch_related("fields_of_action", "goals", "partners"))
    assert len(measures) == SIZES["small"].measures == 30
    assert {m.status for m in measures} == set(Measure.Status.values)
    assert {m.kind for m in measures} == set(Measure.Kind.values)
    assert {m.responsible_role for m in measures} == {Role.STEUERUNG, Role.PLANUNG, Role.GEMEINWESENARBEIT}
    office = [m for m in measures if m.kind == Measure.Kind.SOCIAL and m.responsible_role == Role.GEMEINWESENARBEIT]
    assert len(office) >= 5
    for measure in measures:
        letter = re.fullmatch(r"([IBÖGV])-\d+", measure.number).group(1)
        assert LETTERS[letter] in {f.key for f in measure.fields_of_action.all()}
        assert datetime.date(2020, 1, 1) <= measure.start <= measure.end <= datetime.date(2030, 12, 31)
        assert measure.goals.all() and all(goal.version_id == draft.pk for goal in measure.goals.all())
        assert measure.title and measure.description and measure.place
        orgs = [measure.lead_organisation, *measure.partners.all()]
        assert all(org.area_id == area.pk for org in orgs if org is not None)
    assert sum(1 for m in measures if m.lead_organisation_id) >= 25
    assert sum(1 for m in measures if m.partners.all()) >= 20


def _measures_have_milestones_notes_and_links_into_the_area(area: Quartier, staff: list[User], seeded: object) -> None:
    _adopted, draft = versions(area)
    today = timezone.localdate()
    milestones = Milestone.objects.filter(measure__version=draft)
    assert milestones.filter(reached=True).exists() and milestones.filter(reached=False).exists()
    assert not milestones.filter(reached=True, date__gt=today).exists()
    assert not milestones.filter(reached=True, measure__status=Measure.Status.IDEA).exists()
    notes = ProgressNote.objects.filter(measure__version=draft)
    assert notes.count() >= 30 and not notes.filter(date__gt=today).exists()
    assert set(notes.values_list("author", flat=True)) <= {user.pk for user in staff}
    assert notes.filter(author__username="gwa").exists() and notes.filter(author__username="planung").exists()
    for status, word in (("zurueckgestellt", "Zurückgestellt"), ("entfallen", "Entfallen")):
        for measure in Measure.objects.filter(version=draft, status=status):
            assert measure.progress_notes.all()[0].text.startswith(word)
    links = Measure.objects.filter(version=draft)
    concerns = links.filter(concerns__isnull=False).values_list("concerns__area", flat=True)
    applications = links.filter(applications__isnull=False).values_list("applications__area", flat=True)
    decisions = AgendaItem.objects.filter(measures__version=draft).select_related("meeting__committee")
    assert len(concerns) >= 3 and set(concerns) == {area.pk}
    assert len(applications) >= 3 and set(applications) == {area.pk}
    assert decisions.count() >= 2
    assert all(item.result and item.meeting.committee.area_id == area.pk for item in decisions)
    # The Verfügungsfonds measure serves the area's Verfügungsfonds applications.
    fund = Measure.objects.get(version=draft, title="Verfügungsfonds")
    assert fund.applications.exists()
    assert set(fund.applications.values_list("fund__kind", flat=True)) == {"verfuegungsfonds"}


def _the_money_spans_2020_to_2030_and_adds_up(area: Quartier, seeded: object) -> None:
    adopted, draft = versions(area)
    years = set(PlannedCost.objects.filter(measure__version=draft).values_list("year", flat=True))
    assert years == set(range(2020, 2031))
    for version in (adopted, draft):
        money_rules(version)
    sources = set(Financing.objects.filter(measure__version=draft).values_list("source", flat=True))
    assert sources == set(Source.values)
    assert not Spending.objects.filter(measure__version=draft, date__gt=timezone.localdate()).exists()
    assert not Spending.objects.filter(measure__version=adopted, date__gt=adopted.adopted_on).exists()
    assert (
        Spending.objects.filter(measure__version=draft).count()
        > Spending.objects.filter(measure__version=adopted).count()
    )
    # Building costs a lot, social work little.
    totals = {
        kind: PlannedCost.objects.filter(measure__version=draft, measure__kind=kind).aggregate(s=Sum("amount"))["s"]
        / Measure.objects.filter(version=draft, kind=kind).count()
        for kind in Measure.Kind.values
    }
    assert totals[Measure.Kind.INVESTIVE] > 3 * totals[Measure.Kind.SOCIAL]
    # Nothing is spent on measures that have not started.
    assert not Spending.objects.filter(measure__version=draft, measure__status__in=["idee", "vorbereitung"]).exists()


def _ten_indicators_with_yearly_values(area: Quartier, seeded: object) -> None:
    adopted, draft = versions(area)
    last_year = timezone.localdate().year - 1
    indicators = Indicator.objects.filter(version=draft).prefetch_related("values", "goals")
    assert indicators.count() == 10
    assert len({i.name for i in indicators}) == 10
    assert {i.field_of_action.key for i in indicators} == MAIN_FIELDS
    assert {i.direction for i in indicators} == set(Indicator.Direction.values)
    for indicator in indicators:
        assert indicator.unit and indicator.source and indicator.goals.all()
        assert indicator.target_year >= indicator.baseline_year
        years = [value.year for value in indicator.values.all()]
        assert years == list(range(indicator.baseline_year, last_year + 1))
        assert indicator.values.all()[0].value == indicator.baseline
        assert all(value.value >= 0 for value in indicator.values.all())
    adopted_years = IndicatorValue.objects.filter(indicator__version=adopted).values_list("year", flat=True)
    assert max(adopted_years) == 2023


def _the_comparison_of_the_two_versions_shows_the_update(area: Quartier, seeded: object) -> None:
    adopted, draft = versions(area)
    comparison = compare(adopted, draft)
    assert len(comparison.added) == 3 and len(comparison.removed) == 2
    whats = Counter(change.what for change in comparison.changed)
    assert whats["status"] >= 5 and whats["costs"] >= 3
    dropped = [c for c in comparison.changed if c.what == "status" and c.after == Measure.Status.DROPPED]
    assert dropped
    # The copy kept what was recorded before the adoption and the office added what came since.
    kept = Measure.objects.get(version=draft, number="V-1")
    before = Measure.objects.get(version=adopted, number="V-1")
    assert set(before.spendings.values_list("date", "amount", "source")) < set(
        kept.spendings.values_list("date", "amount", "source")
    )


def _seed_is_idempotent(area: Quartier, seeded: dict[str, int]) -> None:
    entries = LogEntry.objects.count()
    assert seed_isek(area=area, scale="small", rng=rng(99)) == seeded
    assert seed_isek(area=area, scale="large", rng=rng(98)) == seeded
    assert LogEntry.objects.count() == entries
    assert isek_counts(area) == seeded


def test_the_small_seed(area: Quartier, staff: list[User], seeded: dict[str, int]) -> None:
    """Every property of the small seed, on one seed (seeding the area's actors, committees and funds first
    takes seconds; the checks below only read, the idempotence check last)."""
    _small_seed_is_the_adopted_isek_2024_and_its_draft_update(area, seeded)
    _the_draft_has_its_goals_and_thirty_measures_in_every_status(area, seeded)
    _measures_have_milestones_notes_and_links_into_the_area(area, staff, seeded)
    _the_money_spans_2020_to_2030_and_adds_up(area, seeded)
    _ten_indicators_with_yearly_values(area, seeded)
    _the_comparison_of_the_two_versions_shows_the_update(area, seeded)
    _seed_is_idempotent(area, seeded)


class TestOnTheSmallActors(SeededOnce):
    """ISEKs seeded in different ways on the small demo of the actors, which is seeded once for these tests
    (tests/demo/seeded_once.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
            staff = office_of(area)
            seed_actors(area=area, scale="small", staff=staff, rng=rng(42))
            yield Seed.of(area, staff)

    @pytest.fixture
    def actors(self, seed: Seed) -> None:
        """Seeded with the class."""

    def test_the_same_random_source_and_moment_give_the_same_isek(self, area: Quartier, actors: None) -> None:
        now = timezone.now()

        def snapshot() -> list[tuple[object, ...]]:
            rows = Measure.objects.filter(version__area=area).order_by("version__label", "number")
            return [
                (m.version.label, m.number, m.title, m.status, m.lead_organisation_id, m.start, m.end,
                 tuple(m.planned_costs.values_list("year", "amount")), tuple(m.spendings.values_list("date", "amount")),
                 tuple(m.partners.values_list("pk", flat=True)))
                for m in rows
            ]  # fmt: skip

        seed_isek(area=area, scale="small", rng=rng(5), now=now)
        first = snapshot()
        adopted, draft = versions(area)
        draft.delete()
        adopted.delete()
        seed_isek(area=area, scale="small", rng=rng(5), now=now)
        assert snapshot() == first and len(first) == 59

    def test_scales_and_refusals(self, area: Quartier, other_area: Quartier, actors: None) -> None:
        assert SIZES["large"] == Sizes(versions=10, measures=300, indicators=40)
        assert SIZES["small"] == Sizes(versions=2, measures=30, indicators=10)
        with pytest.raises(ValueError, match="Unknown scale"):
            seed_isek(area=area, scale="huge", rng=rng(1))
        with pytest.raises(ValueError, match="seed_actors"):
            seed_isek(area=other_area, scale="small", rng=rng(1))
        assert isek_counts(other_area)["versions"] == 0 and isek_counts(area)["versions"] == 0
        # The small ISEK goes through the services, written by the area's staff: an area without any is refused.
        OrganisationFactory(area=other_area)
        with pytest.raises(ValueError, match="staff"):
            seed_isek(area=other_area, scale="small", rng=rng(1))
        assert isek_counts(other_area)["versions"] == 0
        # Without committees and funds the ISEK is still made, without links to them.
        seed_isek(area=area, scale="small", rng=rng(1))
        _adopted, draft = versions(area)
        assert draft.measures.count() == 30
        assert not Measure.objects.filter(version=draft, applications__isnull=False).exists()

    # --- Large -------------------------------------------------------------------------------------------------------

    def test_large_is_ten_yearly_versions_with_300_measures_and_40_indicators(
        self, area: Quartier, actors: None
    ) -> None:
        """The real large sizes on the small actors (about three seconds)."""
        counts = seed_isek(area=area, scale="large", rng=rng(3))
        chain = list(Version.objects.filter(area=area).order_by("created_at"))
        assert counts["versions"] == len(chain) == 10
        year = timezone.localdate().year
        assert [v.label for v in chain] == [f"ISEK {year - 9}"] + [
            f"ISEK {year - 9}, Fortschreibung {y}" for y in range(year - 8, year + 1)
        ]
        assert [v.previous_id for v in chain] == [None] + [v.pk for v in chain[:-1]]
        assert [v.status for v in chain] == ["beschlossen"] * 9 + ["entwurf"]
        adopted_on = [v.adopted_on for v in chain[:-1]]
        assert [day.year for day in adopted_on] == list(range(year - 9, year))
        assert Version.objects.filter(area=area).first() == chain[-1]  # the newest comes first
        newest = chain[-1]
        assert newest.measures.count() == 300 and newest.indicators.count() == 40
        sizes = [v.measures.count() for v in chain]
        assert sizes[0] < sizes[-1] and all(v.indicators.count() == 40 for v in chain)
        assert Goal.objects.filter(version=newest, parent=None).count() == 4
        statuses = set(newest.measures.values_list("status", flat=True))
        assert statuses == set(Measure.Status.values)
        assert all(
            Measure.objects.filter(version=newest, number__startswith=f"{letter}-").exists() for letter in LETTERS
        )
        # Each version adds up and holds only what was recorded by its day.
        for version in (chain[0], chain[4], newest):
            money_rules(version)
        for version in chain[:-1]:
            assert not Spending.objects.filter(measure__version=version, date__gt=version.adopted_on).exists()
            assert not ProgressNote.objects.filter(measure__version=version, date__gt=version.adopted_on).exists()
            last = IndicatorValue.objects.filter(indicator__version=version).order_by("-year").first()
            assert last.year == version.adopted_on.year - 1
        # The yearly updates differ: measures come and go, statuses and costs change.
        comparison = compare(chain[-2], newest)
        assert comparison.added and comparison.changed
        assert any(compare(a, b).removed for a, b in itertools.pairwise(chain))
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Version), additional_data__transition="adopt"
        )
        assert sorted(timezone.localdate(e.timestamp) for e in entries) == adopted_on
        # The links of the many-to-many tables are there.
        assert Measure.fields_of_action.through.objects.filter(measure__version=newest).count() >= 300
        assert Measure.goals.through.objects.filter(measure__version=newest).count() >= 300
        assert Indicator.goals.through.objects.filter(indicator__version=newest).count() >= 40
