"""The ISEK's yearly sums (``YearlySum``), kept by PostgreSQL's triggers: after every kind of write the table holds
what a ``GROUP BY`` over the rows gives, and ``overview`` reads it."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from demo.factories import MeasureFactory, VersionFactory
from isek.models import Financing, Measure, PlannedCost, Spending, Version, YearlySum
from isek.selectors import overview
from isek.services import YearPlan, finance_plan_save, spending_add, version_adopt, version_continue, version_create
from quartier.models import Quartier, User

Key = tuple[int, str, int, str]  # version, kind, year, source
COST, FINANCING, SPENT = YearlySum.Kind.PLANNED_COST, YearlySum.Kind.FINANCING, YearlySum.Kind.SPENT


def summed_from_rows() -> dict[Key, tuple[Decimal, int]]:
    """The reference: the sums and row counts, per version, kind, year and source, added up from the rows."""
    sums: dict[Key, tuple[Decimal, int]] = {}
    for version, year, total, rows in (
        PlannedCost.objects.order_by()
        .values_list("measure__version", "year")
        .annotate(total=Sum("amount"), rows=Count("pk"))
    ):
        sums[(version, COST, year, "")] = (total, rows)
    for version, year, source, total, rows in (
        Financing.objects.order_by()
        .values_list("measure__version", "year", "source")
        .annotate(total=Sum("amount"), rows=Count("pk"))
    ):
        sums[(version, FINANCING, year, source)] = (total, rows)
    for version, year, source, total, rows in (
        Spending.objects.order_by()
        .annotate(year=ExtractYear("date"))
        .values_list("measure__version", "year", "source")
        .annotate(total=Sum("amount"), rows=Count("pk"))
    ):
        sums[(version, SPENT, year, source)] = (total, rows)
    return sums


def kept() -> dict[Key, tuple[Decimal, int]]:
    return {
        (version, kind, year, source): (amount, rows)
        for version, kind, year, source, amount, rows in YearlySum.objects.values_list(
            "version", "kind", "year", "source", "amount", "rows"
        )
    }


def assert_kept_true() -> None:
    assert kept() == summed_from_rows()


def fill(measure: Measure, *, cents: str = "00") -> None:
    """Two years, three sources, amounts with cents: costs and financing in 2025 and 2026, spending in both."""
    for year in (2025, 2026):
        PlannedCost.objects.create(measure=measure, year=year, amount=Decimal(f"10000.{cents}"))
        for source, amount in (("bund", "3333.33"), ("land", "3333.33"), ("privat", "3333.34")):
            Financing.objects.create(measure=measure, year=year, source=source, amount=Decimal(amount))
        Spending.objects.create(
            measure=measure, date=datetime.date(year, 3, 1), amount=Decimal(f"120.{cents}"), source="bund"
        )
        Spending.objects.create(measure=measure, date=datetime.date(year, 9, 1), amount=Decimal("80.05"), source="land")


@pytest.fixture
def two(area: Quartier) -> tuple[Version, Version]:
    """Two versions of ``area``, with two measures each, filled."""
    versions = (VersionFactory(area=area, label="ISEK 2024"), VersionFactory(area=area, label="ISEK 2026"))
    for version in versions:
        for cents in ("10", "25"):
            fill(MeasureFactory(version=version), cents=cents)
    return versions


def check_foreign_keys() -> None:
    """What the commit would check: Django's foreign keys are deferred to it."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.django_db
def test_rows_saved_through_the_orm_are_summed(two: tuple[Version, Version]) -> None:
    first, _second = two
    assert_kept_true()
    assert kept()[(first.pk, COST, 2025, "")] == (Decimal("20000.35"), 2)
    assert kept()[(first.pk, SPENT, 2026, "land")] == (Decimal("160.10"), 2)
    cost = PlannedCost.objects.filter(measure__version=first, year=2025).first()
    assert cost is not None
    cost.amount = Decimal("1.01")
    cost.save()
    assert_kept_true()


@pytest.mark.django_db
def test_the_services_writes_are_summed(area: Quartier, role_users: dict[str, User]) -> None:
    version = version_create(area=area, label="ISEK 2024", by=role_users["planung"])
    measure = MeasureFactory(version=version)
    plan = [
        YearPlan(2025, Decimal("900.99"), {"bund": Decimal("300.33"), "land": Decimal("300.33")}),
        YearPlan(2026, Decimal("50.00"), {"privat": Decimal("50.00")}),
    ]
    finance_plan_save(measure=measure, years=plan, by=role_users["planung"])
    spending_add(
        measure=measure,
        date=datetime.date(2025, 5, 2),
        amount=Decimal("7.77"),
        source="land",
        note="",
        by=role_users["planung"],
    )
    assert_kept_true()
    assert overview(version).costs == {2025: Decimal("900.99"), 2026: Decimal("50.00")}
    finance_plan_save(measure=measure, years=plan[:1], by=role_users["planung"])  # 2026 goes
    assert_kept_true()
    assert not YearlySum.objects.filter(version=version, year=2026).exists()


@pytest.mark.django_db
def test_bulk_created_rows_are_summed(two: tuple[Version, Version]) -> None:
    first, _second = two
    measure = MeasureFactory(version=first)
    PlannedCost.objects.bulk_create(
        [PlannedCost(measure=measure, year=year, amount=Decimal("0.01")) for year in (2024, 2025)]
    )
    Financing.objects.bulk_create([Financing(measure=measure, year=2025, source="dritte", amount=Decimal("9.99"))])
    Spending.objects.bulk_create(
        [Spending(measure=measure, date=datetime.date(2027, 1, 1), amount=Decimal("1.50"), source="dritte")]
    )
    assert_kept_true()
    assert kept()[(first.pk, COST, 2024, "")] == (Decimal("0.01"), 1)


@pytest.mark.django_db
def test_an_upsert_of_rows_is_summed(two: tuple[Version, Version]) -> None:
    first, _second = two
    measure = Measure.objects.filter(version=first).order_by("pk").first()
    assert measure is not None
    PlannedCost.objects.bulk_create(  # INSERT … ON CONFLICT DO UPDATE: one row replaced, one new
        [
            PlannedCost(measure=measure, year=2025, amount=Decimal("0.50")),
            PlannedCost(measure=measure, year=2035, amount=Decimal("2.00")),
        ],
        update_conflicts=True,
        unique_fields=["measure", "year"],
        update_fields=["amount"],
    )
    assert_kept_true()
    assert kept()[(first.pk, COST, 2025, "")] == (Decimal("10000.75"), 2)


@pytest.mark.django_db
def test_queryset_updates_of_amount_year_date_and_source_are_summed(two: tuple[Version, Version]) -> None:
    first, _second = two
    PlannedCost.objects.filter(measure__version=first, year=2025).update(amount=Decimal("7.07"))
    assert_kept_true()
    PlannedCost.objects.filter(measure__version=first, year=2025).update(year=2030)
    assert_kept_true()
    assert (first.pk, COST, 2025, "") not in kept()  # the year is empty now, so it is gone
    Financing.objects.filter(measure__version=first, source="privat").update(source="programm")
    Financing.objects.filter(measure__version=first, year=2026).update(year=2027, amount=Decimal("1.00"))
    assert_kept_true()
    Spending.objects.filter(measure__version=first, date__year=2025).update(date=datetime.date(2029, 12, 31))
    Spending.objects.filter(measure__version=first, source="land").update(source="kommune")
    Spending.objects.filter(measure__version=first).update(date=datetime.date(2029, 1, 5))  # the same year
    assert_kept_true()
    Spending.objects.filter(measure__version=first).update(note="only a note")  # no sum changes
    assert_kept_true()


@pytest.mark.django_db
def test_a_row_given_to_a_measure_of_another_version_moves_its_sum(two: tuple[Version, Version]) -> None:
    first, second = two
    elsewhere = MeasureFactory(version=second)
    Spending.objects.filter(measure__version=first, date__year=2026).update(measure=elsewhere)
    cost = PlannedCost.objects.filter(measure__version=first, year=2025).order_by("pk").first()
    assert cost is not None
    PlannedCost.objects.filter(pk=cost.pk).update(measure=elsewhere, year=2031)
    assert_kept_true()
    assert (first.pk, SPENT, 2026, "bund") not in kept()
    assert kept()[(first.pk, COST, 2025, "")] == (Decimal("10000.25"), 1)
    assert kept()[(second.pk, COST, 2031, "")] == (Decimal("10000.10"), 1)


@pytest.mark.django_db
def test_deleted_rows_are_taken_away_and_an_emptied_year_disappears(two: tuple[Version, Version]) -> None:
    first, _second = two
    Spending.objects.filter(measure__version=first).first().delete()  # type: ignore[union-attr]
    assert_kept_true()
    Financing.objects.filter(measure__version=first, year=2026).delete()
    Spending.objects.filter(measure__version=first, date__year=2026).delete()
    PlannedCost.objects.filter(measure__version=first, year=2026).delete()
    assert_kept_true()
    assert not YearlySum.objects.filter(version=first, year=2026).exists()
    assert 2026 not in overview(first).costs


@pytest.mark.django_db
def test_a_deleted_measure_takes_its_sums_away(two: tuple[Version, Version]) -> None:
    first, _second = two
    Measure.objects.filter(version=first).order_by("pk").first().delete()  # type: ignore[union-attr]
    check_foreign_keys()
    assert_kept_true()
    assert kept()[(first.pk, COST, 2025, "")] == (Decimal("10000.25"), 1)


@pytest.mark.django_db
def test_a_measure_deleted_before_its_rows_takes_their_sums_away(two: tuple[Version, Version]) -> None:
    first, _second = two
    measure = Measure.objects.filter(version=first).order_by("pk").first()
    assert measure is not None
    with connection.cursor() as cursor:  # its rows after it: the foreign keys are checked at the end
        cursor.execute("DELETE FROM isek_measure WHERE id = %s", [measure.pk])
        assert kept()[(first.pk, COST, 2025, "")] == (Decimal("10000.25"), 1)
        for table in ("isek_plannedcost", "isek_financing", "isek_spending"):
            cursor.execute(f"DELETE FROM {table} WHERE measure_id = %s", [measure.pk])  # noqa: S608  # nosec B608
    check_foreign_keys()
    assert_kept_true()


@pytest.mark.django_db
def test_a_deleted_version_leaves_no_sums_and_no_foreign_key_error(two: tuple[Version, Version]) -> None:
    first, second = two
    first.delete()
    check_foreign_keys()
    assert not YearlySum.objects.filter(version=first.pk).exists()
    assert_kept_true()
    assert (
        YearlySum.objects.filter(version=second).count() == 12
    )  # 2 years: cost, financing by 3 sources, spending by 2


@pytest.mark.django_db
def test_rows_deleted_after_their_versions_sums_bring_no_sum_back(two: tuple[Version, Version]) -> None:
    first, _second = two
    YearlySum.objects.filter(version=first).delete()  # as Django may, deleting the version
    PlannedCost.objects.filter(measure__version=first).delete()
    Financing.objects.filter(measure__version=first).update(amount=Decimal("1.00"))
    Spending.objects.filter(measure__version=first).delete()
    assert not YearlySum.objects.filter(version=first).exists()


@pytest.mark.django_db
def test_a_measure_given_to_another_version_takes_its_sums_along(two: tuple[Version, Version]) -> None:
    first, second = two
    measure = Measure.objects.filter(version=first).order_by("pk").first()
    assert measure is not None
    Measure.objects.filter(pk=measure.pk).update(version=second)
    assert_kept_true()
    assert kept()[(first.pk, COST, 2025, "")] == (Decimal("10000.25"), 1)
    assert kept()[(second.pk, COST, 2025, "")] == (Decimal("30000.45"), 3)
    Measure.objects.filter(version=second).update(status="umsetzung")  # not its version: nothing moves
    assert_kept_true()


@pytest.mark.django_db
def test_a_copied_version_has_the_same_sums(area: Quartier, role_users: dict[str, User]) -> None:
    version = version_create(area=area, label="ISEK 2024", by=role_users["planung"])
    fill(MeasureFactory(version=version), cents="99")
    version_adopt(version=version, on=datetime.date(2024, 5, 7), body="Stadtrat", by=role_users["steuerung"])
    update = version_continue(version=version, label="Fortschreibung", by=role_users["planung"])
    assert_kept_true()
    assert overview(update) == overview(version)
    assert overview(update).costs == {2025: Decimal("10000.99"), 2026: Decimal("10000.99")}


@pytest.mark.django_db
def test_raw_sql_writes_are_summed(two: tuple[Version, Version]) -> None:
    first, _second = two
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE isek_financing SET amount = amount + 0.01 WHERE measure_id IN "
            "(SELECT id FROM isek_measure WHERE version_id = %s) AND source = 'bund'",
            [first.pk],
        )
        cursor.execute(
            "INSERT INTO isek_plannedcost (measure_id, year, amount) "
            "SELECT id, 2040, 5.55 FROM isek_measure WHERE version_id = %s",
            [first.pk],
        )
    assert_kept_true()
    assert kept()[(first.pk, FINANCING, 2025, "bund")] == (Decimal("6666.68"), 2)
    assert kept()[(first.pk, COST, 2040, "")] == (Decimal("11.10"), 2)


@pytest.mark.django_db
def test_a_truncated_table_rebuilds_the_sums(two: tuple[Version, Version]) -> None:
    first, second = two
    check_foreign_keys()  # PostgreSQL truncates no table with checks still pending
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE isek_spending")
    assert_kept_true()
    assert not YearlySum.objects.filter(kind=SPENT).exists()
    assert YearlySum.objects.filter(version=second, kind=COST).count() == 2
    check_foreign_keys()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE isek_plannedcost, isek_financing")
    assert not YearlySum.objects.exists()
    fill(MeasureFactory(version=first))
    assert_kept_true()


@pytest.mark.django_db
def test_rebuilding_gives_the_sums_the_triggers_kept(two: tuple[Version, Version]) -> None:
    first, _second = two
    Financing.objects.filter(measure__version=first, year=2025).update(year=2028)
    before = kept()
    with connection.cursor() as cursor:
        cursor.execute("SELECT isek_rebuild_sums()")
    assert kept() == before == summed_from_rows()


@pytest.mark.django_db
def test_the_overview_is_the_group_by_of_the_rows(
    two: tuple[Version, Version], django_assert_num_queries: object
) -> None:
    first, _second = two
    with django_assert_num_queries(1):  # type: ignore[operator]
        data = overview(first)
    sums = summed_from_rows()
    assert data.costs == {
        year: total for (v, kind, year, _s), (total, _n) in sums.items() if v == first.pk and kind == COST
    }
    assert data.financing == {
        (year, source): total
        for (v, kind, year, source), (total, _n) in sums.items()
        if v == first.pk and kind == FINANCING
    }
    assert data.spent == {
        (year, source): total
        for (v, kind, year, source), (total, _n) in sums.items()
        if v == first.pk and kind == SPENT
    }
    assert data.spent[(2025, "bund")] == Decimal("240.35")
    amounts = [*data.costs.values(), *data.financing.values(), *data.spent.values()]
    assert all(type(amount) is Decimal for amount in amounts)
    years = [*data.costs, *(year for year, _s in data.financing), *(year for year, _s in data.spent)]
    assert all(type(year) is int for year in years)
    assert overview(VersionFactory(area=first.area)) == type(data)()  # no measures: nothing


def test_the_sums_are_not_in_the_admin() -> None:
    assert YearlySum not in admin.site._registry  # PostgreSQL keeps them; nobody edits them


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_to_the_same_sum_both_count(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measures = [MeasureFactory(version=version), MeasureFactory(version=version)]
    first_written = threading.Event()
    errors: list[BaseException] = []

    def add(measure: Measure, *, first: bool) -> None:
        try:
            if not first:
                first_written.wait(5)
            with transaction.atomic():
                Financing.objects.create(measure=measure, year=2026, source="bund", amount=Decimal("100.10"))
                if first:
                    first_written.set()
                    time.sleep(0.2)  # the second one now waits on this sum, uncommitted
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(measure,), kwargs={"first": i == 0}) for i, measure in enumerate(measures)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kept() == {(version.pk, FINANCING, 2026, "bund"): (Decimal("200.20"), 2)}
    assert_kept_true()
    # The tests' flush (tests/conftest.py) deletes the tables one by one: no foreign key error, no sum left.
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    assert not YearlySum.objects.exists()
