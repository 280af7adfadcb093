"""Attacks on what the second part of issue #16 changed: the page frame, the ISEK's tabs and tables written in
Python, and the ISEK's yearly sums that PostgreSQL's triggers keep (``isek.YearlySum``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from demo.factories import MeasureFactory, VersionFactory
from isek.models import Financing, PlannedCost, Spending, YearlySum
from isek.selectors import overview
from quartier.models import Quartier
from tests.isek.test_sums import assert_kept_true, fill, kept

COST, FINANCING, SPENT = YearlySum.Kind.PLANNED_COST, YearlySum.Kind.FINANCING, YearlySum.Kind.SPENT
MOST = Decimal("999999999999.99")  # the largest amount a row holds (max_digits=14)


# --- The yearly sums --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_near_the_largest_amount_add_up_beyond_a_rows_digits(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measures = [MeasureFactory(version=version) for _ in range(3)]
    for measure in measures:
        PlannedCost.objects.create(measure=measure, year=2026, amount=MOST)
        Financing.objects.create(measure=measure, year=2026, source="bund", amount=MOST)
    assert_kept_true()
    assert kept()[(version.pk, COST, 2026, "")] == (MOST * 3, 3)
    data = overview(version)
    assert data.costs == {2026: MOST * 3}
    assert data.financing == {(2026, "bund"): MOST * 3}


@pytest.mark.django_db
def test_a_rolled_back_write_and_a_rolled_back_savepoint_leave_the_sums_as_they_were(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    fill(measure)
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        Financing.objects.filter(measure=measure, source="bund").update(source="dritte")
        Spending.objects.all().delete()
        raise RuntimeError
    assert kept() == before
    with transaction.atomic():
        PlannedCost.objects.create(measure=measure, year=2030, amount=Decimal("1.00"))
        try:
            with transaction.atomic():
                PlannedCost.objects.create(measure=measure, year=2031, amount=Decimal("2.00"))
                PlannedCost.objects.create(measure=measure, year=2031, amount=Decimal("-2.00"))  # refused
        except IntegrityError:
            pass
    assert_kept_true()
    assert (version.pk, COST, 2031, "") not in kept()
    assert kept()[(version.pk, COST, 2030, "")] == (Decimal("1.00"), 1)


@pytest.mark.django_db
def test_negative_amounts_are_refused_and_leave_no_sum(area: Quartier) -> None:
    measure = MeasureFactory(version=VersionFactory(area=area))
    for model, extra in (
        (PlannedCost, {"year": 2026}),
        (Financing, {"year": 2026, "source": "bund"}),
        (Spending, {"date": datetime.date(2026, 1, 2), "source": "bund"}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(measure=measure, amount=Decimal("-0.01"), **extra)
    assert kept() == {}


@pytest.mark.django_db
def test_cents_over_many_rows_add_up_exactly(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    Spending.objects.bulk_create(
        [Spending(measure=measure, date=datetime.date(2025, 1 + i % 12, 1), amount=Decimal("0.01") * (i % 7 + 1),
                  source="land") for i in range(3001)]
    )  # fmt: skip
    assert_kept_true()
    expected = sum((Decimal("0.01") * (i % 7 + 1) for i in range(3001)), Decimal(0))
    assert overview(version).spent == {(2025, "land"): expected}
