"""Demo data of the funds module: the rules every fund keeps, the staff who handle the money, the refusals.

The checks of the small demo (the funds, every state, the budget, payments with four eyes, committee links) read one
seed of the whole area, in tests/demo/test_small_demo.py, with the large run on the small actors.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from demo.factories import user_with_role
from demo.fonds import SIZES, Sizes, _staff, fund_counts, seed_funds
from fonds.models import Application, Fund, Receipt, Status
from fonds.selectors import fund_totals, year_totals
from fonds.services.applications import TRANSITIONS
from fonds.services.payments import payment_period
from quartier import permissions
from quartier.models import Quartier, Role, User
from tests.demo.seeded_once import rng


def office_of(area: Quartier) -> list[User]:
    return [
        user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa"),
        user_with_role(area, Role.STEUERUNG, username="steuerung"),
    ]


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_of(area)


def running_year() -> int:
    """The year of the running funds: the calendar year, until March still the last one."""
    return (timezone.localdate() - datetime.timedelta(days=75)).year


def check_funds(area: Quartier) -> None:
    """The rules the services keep, for every fund of ``area``."""
    for fund in Fund.objects.filter(area=area):
        totals = fund_totals(fund)
        assert totals.broken_rules() == [], f"{fund}: {totals}"
    for year in set(Fund.objects.filter(area=area).values_list("year", flat=True)):
        assert year_totals(area, year).broken_rules() == [], year
    applications = Application.objects.filter(area=area)
    for application in applications.prefetch_related(
        "status_changes", "payments", "cost_lines", "receipts", "repayments"
    ):
        # Every status change is recorded, in order, each one a transition of the lifecycle.
        status = Status.DRAFT
        previous = None
        for change in application.status_changes.all():
            assert any(
                change.from_status in sources and change.to_status == target for sources, target in TRANSITIONS.values()
            ), change
            assert change.from_status == status, application
            assert previous is None or change.at >= previous
            assert change.at <= timezone.now()
            status, previous = change.to_status, change.at
        assert status == application.status, application
        # The requested amount is the cost plan minus own and other money.
        total = sum(line.amount for line in application.cost_lines.all())
        assert application.total_costs == total and total > 0
        assert application.requested == max(total - application.own_contribution - application.other_funding, 0)
        if application.end and application.start:
            assert application.end >= application.start
        payments = list(application.payments.all())
        if payments:
            assert application.approved_amount is not None
            assert sum(payment.amount for payment in payments) <= application.approved_amount
        for payment in payments:
            first, _last = payment_period(application, timezone.localdate(payment.recorded_at))
            assert first <= payment.paid_on <= (application.end or application.start or payment.paid_on), payment
            if payment.released_by_id is not None:
                assert payment.released_by_id != payment.recorded_by_id
                assert permissions.can(payment.released_by, permissions.MANAGE_FUND_MONEY, area)
                assert payment.recorded_at <= payment.released_at
        paid = sum(payment.amount for payment in payments if payment.released_at)
        repaid = sum(repayment.amount for repayment in application.repayments.all())
        receipts = list(application.receipts.all())
        if application.status in {Status.CLOSED, Status.RECLAIM}:
            assert all(receipt.decision != Receipt.Decision.OPEN for receipt in receipts), application
            assert all(r.decision_reason for r in receipts if r.decision == Receipt.Decision.DISALLOWED)
        if application.status == Status.CLOSED:
            spent = sum(receipt.amount for receipt in receipts if receipt.decision == Receipt.Decision.ACCEPTED)
            assert application.settled_amount == min(spent, paid)
            assert paid - repaid == application.settled_amount  # a reclaim is closed once its money is back
        if application.status == Status.RECLAIM:
            assert application.reclaim_amount and application.reclaim_amount > 0
            assert repaid < application.reclaim_amount


def test_an_area_without_steuerung_gets_a_steuerung_user(other_area: Quartier) -> None:
    worker = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nordstadt")
    recorder, releaser = _staff(other_area)
    assert recorder == worker
    assert releaser.username == "steuerung-nordstadt"
    assert permissions.can(releaser, permissions.MANAGE_FUND_MONEY, other_area)
    assert _staff(other_area) == (recorder, releaser)


def test_scales_and_refusals(area: Quartier, staff: list[User]) -> None:
    assert SIZES["large"] == Sizes(history_years=9, per_fund=100)
    with pytest.raises(ValueError, match="Unknown scale"):
        seed_funds(area=area, scale="huge", rng=rng(1))
    with pytest.raises(ValueError, match="seed_committees"):
        seed_funds(area=area, scale="small", rng=rng(1))
    assert fund_counts(area)["funds"] == 0
