"""Demo data of the funds module: the funds, every state, the budget, payments with four eyes, committee links."""

from __future__ import annotations

import contextlib
import datetime
import random
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from committees.models import AgendaItem, Ballot, BallotItem, Choice, Committee, Membership, Result
from committees.services.ballots import ballot_close, vote_cast
from demo.actors import seed_actors
from demo.committees import seed_committees
from demo.factories import QuartierFactory, user_with_role
from demo.fonds import SIZES, Sizes, _staff, fund_counts, seed_funds
from fonds.models import Application, Fund, Payment, Receipt, Status, StatusChange
from fonds.selectors import fund_totals, year_totals
from fonds.services.applications import TRANSITIONS
from fonds.services.payments import payment_period
from quartier import permissions
from quartier.models import Quartier, Role, User
from tests.conftest import kept_for_the_class
from tests.demo.seeded_once import Seed, SeededOnce


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - demo data, not security


def office_of(area: Quartier) -> list[User]:
    return [
        user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa"),
        user_with_role(area, Role.STEUERUNG, username="steuerung"),
    ]


def with_committees(area: Quartier, staff: list[User]) -> None:
    """The small demo of the area's actors and committees: what the funds are seeded on."""
    seed_actors(area=area, scale="small", staff=staff, rng=rng(42))
    seed_committees(area=area, scale="small", staff=staff, rng=rng(7))


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_of(area)


@pytest.fixture
def committees(area: Quartier, staff: list[User]) -> None:
    with_committees(area, staff)


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


class TestTheSmallSeed(SeededOnce):
    """The small demo of the funds on the area's actors and committees, seeded once for these tests
    (tests/demo/seeded_once.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
            staff = office_of(area)
            with_committees(area, staff)
            yield Seed.of(area, staff, seed_funds(area=area, scale="small", rng=rng(11)))

    def test_small_seed_has_the_three_funds_with_their_applications(
        self, area: Quartier, seeded: dict[str, int]
    ) -> None:
        assert seeded["funds"] == 3
        year = running_year()
        funds = {fund.kind: fund for fund in Fund.objects.filter(area=area)}
        action = funds[Fund.Kind.ACTION_FUND]
        assert (action.name, action.year, action.budget, action.cap, action.office_limit) == (
            "Aktionsfonds",
            year,
            Decimal("10000.00"),
            Decimal("1500.00"),
            Decimal("500.00"),
        )
        assert action.committee.kind == Committee.Kind.ACTION_FUND_JURY
        assert action.criteria.count() == 4
        assert funds[Fund.Kind.PROJECT_FUND].committee.kind == Committee.Kind.NEIGHBOURHOOD_COUNCIL
        assert funds[Fund.Kind.NEIGHBOURHOOD_FUND].co_financing_share == Decimal("50.00")
        counts = Counter(Application.objects.filter(area=area).values_list("fund__kind", flat=True))
        assert counts == {Fund.Kind.ACTION_FUND: 25, Fund.Kind.PROJECT_FUND: 6, Fund.Kind.NEIGHBOURHOOD_FUND: 8}
        assert seeded["applications"] == 39
        assert seeded["payments"] > 0 and seeded["receipts"] > 0 and seeded["eligibility_checks"] > 0

    def test_the_aktionsfonds_has_every_state(self, area: Quartier, seeded: object) -> None:
        states = set(Application.objects.filter(fund__kind=Fund.Kind.ACTION_FUND).values_list("status", flat=True))
        assert states == set(Status.values)

    def test_every_fund_keeps_its_budget_and_every_application_its_history(
        self, area: Quartier, seeded: object
    ) -> None:
        check_funds(area)
        for fund in Fund.objects.filter(area=area):
            assert fund_totals(fund).free >= 0
        # Verfügungsfonds: at least half of the costs from own or other money.
        for application in Application.objects.filter(fund__kind=Fund.Kind.NEIGHBOURHOOD_FUND):
            assert (application.own_contribution + application.other_funding) * 2 >= application.total_costs

    def test_applicants_are_actors_of_the_area_and_some_new_ones_wait_for_review(
        self, area: Quartier, seeded: object
    ) -> None:
        applications = Application.objects.filter(area=area).select_related("person", "organisation")
        assert all(application.applicant is not None for application in applications)
        assert all(application.applicant.area_id == area.pk for application in applications)
        assert applications.filter(person__isnull=False, organisation__isnull=True).exists()
        assert applications.filter(organisation__isnull=False).exists()
        new = applications.filter(applicant_to_review=True)
        assert new.count() == 3
        assert all(application.person.legal_basis == "consent" for application in new)
        assert set(new.values_list("status", flat=True)) <= {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW}

    def test_payments_are_released_by_steuerung_and_recorded_by_someone_else(
        self, area: Quartier, staff: list[User], seeded: object
    ) -> None:
        payments = Payment.objects.filter(application__area=area)
        released = payments.exclude(released_by=None)
        assert released.exists()
        assert set(released.values_list("released_by__username", flat=True)) == {"steuerung"}
        assert set(payments.values_list("recorded_by__username", flat=True)) == {"gwa"}
        assert payments.filter(released_by=None).count() <= 2  # waiting for the second pair of eyes

    def test_the_open_ballot_decides_two_applications_and_the_jury_has_decided_others(
        self, area: Quartier, seeded: object
    ) -> None:
        content_type = ContentType.objects.get_for_model(Application)
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.OPEN)
        assert ballot.items.count() == 4
        linked = ballot.items.filter(content_type=content_type)
        assert linked.count() == 2
        for item in linked:
            application = Application.objects.get(pk=item.object_id)
            assert application.status == Status.FOR_DECISION
            assert item.title.startswith(application.title)
            assert item.title.endswith(f" – {int(application.requested):,} €".replace(",", "."))
        decided = list(
            BallotItem.objects.filter(
                ballot__committee__area=area, ballot__status="geschlossen", object_id__isnull=False
            )
        ) + list(AgendaItem.objects.filter(meeting__committee__area=area, object_id__isnull=False))
        for item in decided:
            application = Application.objects.get(pk=item.object_id)
            if item.result == "angenommen":
                assert application.approved_amount == application.requested
                assert application.status not in {Status.REJECTED, Status.FOR_DECISION, Status.DEFERRED}
            elif item.result == "abgelehnt":
                assert application.status == Status.REJECTED
            elif item.result:
                assert application.status == Status.DEFERRED

    def test_closing_the_open_ballot_decides_its_applications_within_the_budget(
        self, area: Quartier, seeded: object
    ) -> None:
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.OPEN)
        linked = list(ballot.items.filter(object_id__isnull=False))
        members = Membership.objects.filter(committee=ballot.committee, voting=True, user__isnull=False)
        for item in linked:
            for member in members.select_related("user"):
                with contextlib.suppress(ValidationError):  # a member who declared a conflict of interest
                    vote_cast(item=item, membership=member, choice=Choice.YES, by=member.user)
        ballot_close(ballot=ballot, by=None, now=ballot.deadline)
        for item in linked:
            item.refresh_from_db()
            application = Application.objects.get(pk=item.object_id)
            assert item.result == Result.ADOPTED
            assert application.status == Status.APPROVED
            assert application.approved_amount == application.requested
            # approved without a refusal for lack of money
            assert not application.status_changes.filter(from_status=F("to_status")).exists()
        check_funds(area)

    def test_seed_is_idempotent(self, area: Quartier, seeded: dict[str, int]) -> None:
        users = User.objects.count()
        changes = StatusChange.objects.count()
        assert seed_funds(area=area, scale="small", rng=rng(99)) == seeded
        assert (User.objects.count(), StatusChange.objects.count()) == (users, changes)


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


def test_large_run_over_ten_years(area: Quartier, committees: None) -> None:
    """The large path on the small actors: ten years of three funds with about 100 applications each."""
    seed_funds(area=area, scale="large", rng=rng(3))
    funds = Fund.objects.filter(area=area)
    assert funds.count() == 30
    assert funds.values("year").distinct().count() == 10
    per_fund = Counter(Application.objects.filter(area=area).values_list("fund_id", flat=True))
    assert all(90 <= count <= 110 for count in per_fund.values()), per_fund
    check_funds(area)
    old = Application.objects.filter(area=area, fund__year__lt=running_year())
    assert set(old.values_list("status", flat=True)) <= {
        Status.CLOSED,
        Status.RECLAIM,
        Status.REJECTED,
        Status.INELIGIBLE,
        Status.WITHDRAWN,
    }
    assert old.filter(status=Status.CLOSED).exists()
    # Every transition also has its audit entry, at the time of its status change.
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(Application)
    entries = LogEntry.objects.filter(content_type=content_type, additional_data__has_key="transition")
    assert entries.count() == StatusChange.objects.filter(application__area=area).count()
    assert not entries.filter(timestamp__gt=timezone.now()).exists()
    paid = Payment.objects.filter(application__area=area, released_at__isnull=False).aggregate(total=Sum("amount"))
    assert paid["total"] > 0
