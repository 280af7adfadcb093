"""The money of a fund: budget = free + bound and not paid + paid − repaid, no part ever negative, per fund and per
year, on every page that shows it (finding 8 of issue #15)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from demo.factories import user_with_role
from fonds.models import Application, Fund, Payment, Receipt, Repayment, Status
from fonds.selectors import (
    UNSETTLED,
    FundTotals,
    fund_totals,
    funds_with_totals,
    paid_of,
    recorded_of,
    repaid_of,
    year_totals,
)
from fonds.services.applications import (
    application_commit,
    application_decide,
    application_put_forward,
    application_settle,
    application_submit_proof,
    application_withdraw,
    receipts_decide,
)
from fonds.services.funds import fund_update
from fonds.services.payments import payment_record, payment_release, repayment_record
from quartier.models import Quartier, Role
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import accept_every_receipt, approved, eligible


def legend(html: str) -> dict[str, Decimal]:
    """The budget bar's legend on a fund's page: label → amount."""
    found = re.findall(r'<dt>(?:<span class="swatch[^"]*"></span>)?([^<]+)</dt><dd>(?:<strong>)?([\d.,−-]+) €', html)
    return {label: Decimal(amount.replace(".", "").replace(",", ".").replace("−", "-")) for label, amount in found}


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def paid_out(application: Application, staff: dict, amount: str) -> Application:
    """A committed application with ``amount`` paid (recorded by Gemeinwesenarbeit, released by Steuerung)."""
    application_commit(application=application, by=staff["steuerung"])
    today = timezone.localdate()
    payment = payment_record(
        application=application, amount=Decimal(amount), paid_on=today, method="ueberweisung", by=staff["gwa"]
    )
    payment_release(payment=payment, by=staff["steuerung"])
    return application


def reclaimed(fund: Fund, applicant: object, staff: dict, *, paid: str, spent: str) -> Application:
    """Approved for ``paid``, paid out in full, proven by receipts of ``spent``: a reclaim of the difference."""
    application = approved(make_application(fund, person=applicant, costs=(paid,)), staff)
    paid_out(application, staff, paid)
    application_submit_proof(
        application=application,
        receipts=[(timezone.localdate() - datetime.timedelta(days=1), "Copyshop", Decimal(spent))],
        report="Flyer gedruckt",
        participants=None,
        by=None,
    )
    accept_every_receipt(application, staff)
    return application_settle(application=application, by=staff["gwa"])


def test_money_reclaimed_counts_as_paid_until_it_comes_back(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    """400 € paid, 310 € proven: 90 € are reclaimed. Until they are back, the fund has 400 € out and 9,600 € free;
    paid, bound and free add up to the budget (before, "Übrig" showed 9,690 € and the parts added up to 10,090 €)."""
    reclaimed(aktionsfonds, applicant, staff, paid="400.00", spent="310.00")
    client.force_login(staff["steuerung"])
    html = client.get(f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/").content.decode()
    parts = legend(html)
    assert parts["Ausgezahlt"] == Decimal("400.00")
    assert parts["Gebunden, noch nicht ausgezahlt"] == Decimal("0.00")
    assert parts["Übrig"] == Decimal("9600.00")
    assert parts["Zurückgezahlt"] == Decimal("0.00")
    assert "(90,00 € zurückgefordert und noch nicht zurück)" in html


def test_a_reclaim_is_paid_back_in_parts_and_closed_once_all_is_back(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = reclaimed(aktionsfonds, applicant, staff, paid="400.00", spent="310.00")
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/rueckzahlungen/"
    today = timezone.localdate()
    assert messages_of(client.post(url, {"amount": "50,00", "received_on": today}, follow=True)) == [
        "Die Rückzahlung ist erfasst."
    ]
    application.refresh_from_db()
    assert application.status == Status.RECLAIM
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert "90,00 € zurückgefordert, davon 50,00 € zurückgezahlt." in page
    parts = legend(client.get(f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/").content.decode())
    assert (parts["Ausgezahlt"], parts["Zurückgezahlt"], parts["Übrig"]) == (
        Decimal("400.00"), Decimal("50.00"), Decimal("9650.00"),
    )  # fmt: skip
    client.post(url, {"amount": "40", "received_on": today})
    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.settled_amount == Decimal("310.00")
    totals = fund_totals(aktionsfonds)
    assert (totals.paid, totals.repaid, totals.reclaim_open, totals.free) == (
        Decimal("400.00"), Decimal("90.00"), Decimal("0.00"), Decimal("9690.00"),
    )  # fmt: skip
    notes = list(application.status_changes.values_list("note", flat=True))
    assert "50,00 € zurückgezahlt. 40,00 € sind noch zurückzuzahlen." in notes
    assert notes[-1] == "40,00 € zurückgezahlt."


def test_a_repayment_is_refused_beyond_the_reclaim_before_the_payment_or_in_the_future(
    client: Client, area: Quartier, other_area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = reclaimed(aktionsfonds, applicant, staff, paid="400.00", spent="310.00")
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/rueckzahlungen/"
    today = timezone.localdate()
    first = application.payments.get().paid_on
    for data, message in [
        ({"amount": "90,01", "received_on": today}, "Nur noch 90,00 € sind zurückzuzahlen."),
        ({"amount": "0", "received_on": today}, "Ein Betrag muss mehr als 0 € sein."),
        ({"amount": "10", "received_on": today + datetime.timedelta(days=1)}, "an einem Tag, der noch kommt"),
        ({"amount": "10", "received_on": first - datetime.timedelta(days=1)}, "bevor es am"),
        ({"amount": "10", "received_on": "gestern"}, "Bitte ein gültiges Datum eingeben."),
    ]:
        refused = messages_of(client.post(url, data, follow=True))
        assert any(message in text for text in refused), (data, refused)
    assert not Repayment.objects.exists()
    assert fund_totals(aktionsfonds).repaid == Decimal("0.00")
    # Only after a reclaim, and only in the application's own area.
    paid = approved(make_application(aktionsfonds, person=applicant, costs=("100.00",)), staff)
    with pytest.raises(ValidationError, match="Geld wird nur nach einer Rückforderung zurückgezahlt"):
        repayment_record(application=paid, amount=Decimal("10"), received_on=today, by=staff["gwa"])
    client.force_login(user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nord"))
    foreign = f"/gebiet/{other_area.slug}/fonds/antraege/{application.pk}/rueckzahlungen/"
    assert client.post(foreign, {"amount": "10", "received_on": today}).status_code == 404
    assert not Repayment.objects.exists()


def test_settling_waits_for_a_payment_recorded_before_the_proof_of_use(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    """A payment recorded while the applicant handed in the proof of use is released without moving the
    application back; settling waits for it, so nothing recorded is left hanging."""
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    paid_out(application, staff, "300.00")
    today = timezone.localdate()
    waiting = payment_record(
        application=application, amount=Decimal("100"), paid_on=today, method="bar", by=staff["gwa"]
    )
    application_submit_proof(
        application=application, receipts=[(today, "Markt", Decimal("400"))], report="Fest", participants=None,
        by=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Eine Zahlung von 100,00 € wartet auf ihre Freigabe"):
        application_settle(application=application, by=staff["gwa"])
    payment_release(payment=waiting, by=staff["steuerung"])
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    accept_every_receipt(application, staff)
    application_settle(application=application, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.settled_amount == Decimal("400.00")
    assert fund_totals(aktionsfonds).broken_rules() == []


def test_the_funds_overview_sums_each_year_with_the_same_definition(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    Fund.objects.create(area=area, name="Verfügungsfonds", kind="verfuegungsfonds", year=2026, budget=5000)
    Fund.objects.create(area=area, name="Aktionsfonds", kind="aktionsfonds", year=2027, budget=8000)
    reclaimed(aktionsfonds, applicant, staff, paid="400.00", spent="310.00")
    approved(make_application(aktionsfonds, person=applicant, costs=("200.00",)), staff)
    client.force_login(staff["steuerung"])
    response = client.get(f"/gebiet/{area.slug}/fonds/")
    years = {year: totals for year, _funds, totals in response.context["years"]}
    assert years == {2026: year_totals(area, 2026), 2027: year_totals(area, 2027)}
    assert (years[2026].budget, years[2026].committed, years[2026].paid, years[2026].free) == (
        Decimal("15000.00"), Decimal("200.00"), Decimal("400.00"), Decimal("14400.00"),
    )  # fmt: skip
    html = response.content.decode()
    assert "Alle Fonds 2026" in html and "Alle Fonds 2027" in html and "14.400,00" in html


# --- property-based: any lifecycle, through the real services ------------------------------------------------------

RUNS = settings(
    max_examples=10,
    derandomize=True,  # a fixed seed: a run is repeatable
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CENTS = st.integers(min_value=1, max_value=150_000).map(lambda cents: Decimal(cents) / 100)


def expected_money(applications: list[Application]) -> dict[str, Decimal]:
    """The money of ``applications`` added up in Python, one by one, from the rows the services wrote: the oracle
    the one SQL definition (``fonds.selectors.money_of``) is compared with."""
    committed = paid = repaid = reclaim_open = Decimal("0")
    for application in applications:
        released = sum((p.amount for p in application.payments.all() if p.released_at), Decimal("0"))
        back = sum((r.amount for r in application.repayments.all()), Decimal("0"))
        paid, repaid = paid + released, repaid + back
        if application.status in UNSETTLED:
            committed += application.approved_amount - released
        if application.status == Status.RECLAIM:
            reclaim_open += application.reclaim_amount - back
    return {"committed": committed, "paid": paid, "repaid": repaid, "reclaim_open": reclaim_open}


def check_application(application: Application) -> None:
    """What one application keeps: never more recorded than approved; once settled, what it kept is what its
    receipts proved; a reclaim is what was paid beyond that; nothing paid on a withdrawn or rejected one."""
    released = sum((p.amount for p in application.payments.all() if p.released_at), Decimal("0"))
    recorded = sum((p.amount for p in application.payments.all()), Decimal("0"))
    back = sum((r.amount for r in application.repayments.all()), Decimal("0"))
    assert recorded <= (application.approved_amount or 0), application
    accepted = sum(
        (r.amount for r in application.receipts.all() if r.decision == Receipt.Decision.ACCEPTED), Decimal(0)
    )
    if application.status in {Status.CLOSED, Status.RECLAIM}:  # computed from the accepted receipts, never typed
        assert application.settled_amount == min(accepted, released)
        assert all(receipt.decision != Receipt.Decision.OPEN for receipt in application.receipts.all())
    if application.status == Status.CLOSED:
        assert released - back == application.settled_amount
    if application.status == Status.RECLAIM:
        assert application.settled_amount + application.reclaim_amount == released
        assert back < application.reclaim_amount
    if application.status in {Status.WITHDRAWN, Status.REJECTED}:
        assert recorded == 0


def check_money(area: Quartier, funds: list[Fund]) -> dict[int, FundTotals]:
    """Every rule of the money, for every fund and every year; returns the totals per fund."""
    rows = list(Application.objects.filter(fund__in=funds).prefetch_related("payments", "repayments").order_by("pk"))
    totals = {}
    for fund in funds_with_totals(Fund.objects.filter(pk__in=[fund.pk for fund in funds])):
        money = FundTotals.of(fund)
        assert money.broken_rules() == [], (fund, money)
        own = [application for application in rows if application.fund_id == fund.pk]
        assert {name: getattr(money, name) for name in ("committed", "paid", "repaid", "reclaim_open")} == (
            expected_money(own)
        ), fund
        assert money == fund_totals(fund)
        totals[fund.pk] = money
    for application in rows:
        check_application(application)
    for year in {fund.year for fund in funds}:
        of_year = year_totals(area, year)
        assert of_year.broken_rules() == []
        assert of_year == FundTotals.sum(totals[fund.pk] for fund in funds if fund.year == year)
    return totals


def through_decision(fund: Fund, applicant: object, staff: dict, costs: Decimal) -> Application:
    application = make_application(fund, person=applicant, costs=(str(costs),))
    application_put_forward(application=eligible(application, staff), by=staff["gwa"])
    return application


@RUNS
@given(data=st.data())
def test_the_money_adds_up_after_every_step_of_any_lifecycle(
    area: Quartier, staff: dict, applicant: object, data: st.DataObject
) -> None:
    """Random lifecycles through the services: approvals (with conditions, refused for lack of money), commits,
    partial payments recorded and released, proofs of use with receipts below, at or above what was paid, each
    receipt accepted or disallowed, settlement, reclaim, repayment in parts or whole, withdrawn approvals and budget
    changes. After every step,
    accepted or refused, the money's rules hold for each fund and each year, and the sums match the rows."""
    today = timezone.localdate()
    with transaction.atomic():
        funds = [
            Fund.objects.create(area=area, name=name, kind="other", year=year, budget=Decimal(budget))
            for name, year, budget in (("Aktionsfonds", 2026, "3000"), ("Verfügungsfonds", 2026, "5000"),
                                       ("Aktionsfonds", 2027, "2000"))
        ]  # fmt: skip
        applications: list[Application] = []
        totals = check_money(area, funds)
        for _step in range(data.draw(st.integers(min_value=8, max_value=25), label="steps")):
            fresh = Application.objects.in_bulk([application.pk for application in applications])
            applications[:] = [fresh[application.pk] for application in applications]
            by_status = {status: [a for a in applications if a.status == status] for status in Status.values}
            approved_ = by_status[Status.APPROVED] + by_status[Status.APPROVED_WITH_CONDITIONS]
            waiting = Payment.objects.filter(application__in=applications, released_at=None).exists()
            # Steps that take an application further come four times as often as a new one, a budget change or
            # a withdrawal, so that the lifecycles reach their end.
            further = 4
            choices = ["apply"] * (1 + (len(applications) < 3) * 3) + ["budget"]
            choices += ["approve"] * further * bool(by_status[Status.FOR_DECISION])
            choices += ["commit"] * further * bool(approved_)
            choices += ["withdraw"] * bool(approved_ + by_status[Status.COMMITTED] + by_status[Status.PAID])
            payable = [
                a for a in by_status[Status.COMMITTED] + by_status[Status.PAID] if recorded_of(a) < a.approved_amount
            ]
            by_status["payable"] = payable
            choices += ["record"] * further * bool(payable)
            choices += ["release"] * further * waiting
            choices += ["proof"] * further * bool(by_status[Status.PAID])
            choices += ["decide", "settle"] * further * bool(by_status[Status.PROOF_SUBMITTED])
            choices += ["repay"] * further * bool(by_status[Status.RECLAIM])
            action = data.draw(st.sampled_from(choices), label="action")
            try:
                with transaction.atomic():
                    do(action, data, funds, applications, by_status, staff, applicant, today)
            except ValidationError as refused:
                event(f"{action} refused: {getattr(refused, 'code', None) or 'form'}")
                assert check_money(area, funds) == totals, f"{action} refused, but the money changed"
            else:
                event(f"{action} done")
                totals = check_money(area, funds)
        transaction.set_rollback(True)


def do(
    action: str,
    data: st.DataObject,
    funds: list[Fund],
    applications: list[Application],
    by_status: dict[str, list[Application]],
    staff: dict,
    applicant: object,
    today: datetime.date,
) -> None:
    """One step of the lifecycles, chosen by ``data``."""
    pick = lambda rows: data.draw(st.sampled_from(rows))  # noqa: E731
    if action == "apply":
        fund = pick(funds)
        applications.append(through_decision(fund, applicant, staff, data.draw(CENTS, label="costs")))
    elif action == "budget":
        fund = pick(funds)
        budget = data.draw(st.integers(min_value=0, max_value=8000), label="budget")
        fund_update(
            fund=fund,
            data={"budget": Decimal(budget)},
            criteria=list(fund.criteria.values_list("text", flat=True)),
            by=staff["steuerung"],
        )
    elif action == "approve":
        application = pick(by_status[Status.FOR_DECISION])
        share = data.draw(st.sampled_from([None, Decimal("1"), Decimal("0.5"), Decimal("0.01")]), label="share")
        amount = (
            None if share is None else max((application.requested * share).quantize(Decimal("0.01")), Decimal("0.01"))
        )
        conditions = data.draw(st.sampled_from(["", "Nur Sachkosten"]), label="conditions")
        application_decide(
            application=application, decision="approve", amount=amount, conditions=conditions, by=staff["steuerung"]
        )
    elif action == "commit":
        application_commit(
            application=pick(by_status[Status.APPROVED] + by_status[Status.APPROVED_WITH_CONDITIONS]),
            by=staff["steuerung"],
        )
    elif action == "withdraw":
        open_ = by_status[Status.APPROVED] + by_status[Status.APPROVED_WITH_CONDITIONS] + by_status[Status.COMMITTED]
        application_withdraw(application=pick(open_ or by_status[Status.PAID]), by=staff["gwa"], note="abgesagt")
    elif action == "record":
        application = pick(by_status["payable"])
        left = application.approved_amount - recorded_of(application)
        amount = data.draw(st.sampled_from([left, left, left / 2, left + Decimal("0.01")]), label="amount")
        payment_record(
            application=application,
            amount=amount.quantize(Decimal("0.01")),
            paid_on=today,
            method="bar",
            by=staff["gwa"],
        )
    elif action == "release":
        payment = pick(list(Payment.objects.filter(application__in=applications, released_at=None).order_by("pk")))
        payment_release(payment=payment, by=staff["steuerung"])
    elif action == "proof":
        application = pick(by_status[Status.PAID])
        paid = paid_of(application)
        spent = data.draw(st.sampled_from([paid, paid / 3, paid + 1, Decimal("0.01")]), label="spent")
        parts = data.draw(st.integers(min_value=1, max_value=3), label="receipts")
        amounts = [(spent / parts).quantize(Decimal("0.01"))] * (parts - 1)
        amounts.append(spent.quantize(Decimal("0.01")) - sum(amounts, Decimal("0")))
        receipts = [(today, f"Markt {number}", amount) for number, amount in enumerate(amounts, 1)]
        application_submit_proof(application=application, receipts=receipts, report="Fest", participants=None, by=None)
    elif action == "decide":
        application = pick(by_status[Status.PROOF_SUBMITTED])
        choice = st.sampled_from([(True, ""), (True, ""), (False, "nicht förderfähig")])
        decisions = {receipt.pk: data.draw(choice, label="decision") for receipt in application.receipts.all()}
        if data.draw(st.sampled_from([False, False, False, True]), label="no reason"):  # refused, saves none
            decisions[min(decisions)] = (False, " ")
        receipts_decide(application=application, decisions=decisions, by=staff["gwa"])
    elif action == "settle":
        application_settle(application=pick(by_status[Status.PROOF_SUBMITTED]), by=staff["gwa"])
    elif action == "repay":
        application = pick(by_status[Status.RECLAIM])
        left = application.reclaim_amount - repaid_of(application)
        amount = data.draw(st.sampled_from([left, (left / 2).quantize(Decimal("0.01")), left + 1]), label="repaid")
        repayment_record(
            application=application, amount=max(amount, Decimal("0.01")), received_on=today, by=staff["gwa"]
        )


@pytest.mark.parametrize("url", ["fonds/", "fonds/{fund}/", "fonds/antraege/{application}/"])
def test_money_pages_query_count_does_not_grow_with_repayments_and_years(
    client: Client,
    area: Quartier,
    staff: dict,
    aktionsfonds: Fund,
    applicant: object,
    url: str,
    assert_constant_queries: object,
) -> None:
    application = reclaimed(aktionsfonds, applicant, staff, paid="400.00", spent="100.00")
    client.force_login(staff["steuerung"])
    years = iter(range(2010, 2030))

    def grow() -> None:
        for _ in range(3):
            repayment_record(
                application=application, amount=Decimal("10"), received_on=timezone.localdate(), by=staff["gwa"]
            )
            Fund.objects.create(area=area, name="Aktionsfonds", kind="aktionsfonds", year=next(years), budget=100)

    target = f"/gebiet/{area.slug}/" + url.format(fund=aktionsfonds.pk, application=application.pk)
    assert_constant_queries(lambda: client.get(target), grow)  # type: ignore[operator]
