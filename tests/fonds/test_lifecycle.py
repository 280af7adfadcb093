"""An application's lifecycle: every transition, every refused one, the money rules and the committee's decision."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from actors.models import Affiliation, Organisation, Person
from committees.models import Ballot, ConflictFlag, Result
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from demo.factories import UserFactory, user_with_role
from fonds.models import Application, Fund, Payment, Status, StatusChange
from fonds.selectors import FundTotals, fund_totals, funds_with_totals
from fonds.services.applications import (
    TRANSITIONS,
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
    application_settle,
    application_submit,
    application_submit_proof,
    application_withdraw,
    lock_application,
    move,
    receipts_decide,
)
from fonds.services.payments import payment_record, payment_release, repayment_record
from quartier.models import Role
from tests.fonds.fixtures import make_application

TODAY = datetime.date(2026, 11, 24)


def eligible(application: Application, staff: dict) -> Application:
    application_submit(application=application, by=None)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
    return application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])


def approved(application: Application, staff: dict, amount: str | None = None) -> Application:
    application_put_forward(application=eligible(application, staff), by=staff["gwa"])
    return application_decide(
        application=application,
        decision="approve",
        amount=Decimal(amount) if amount else None,
        by=staff["steuerung"],
    )


def accept_every_receipt(application: Application, staff: dict) -> None:
    decisions = {receipt.pk: (True, "") for receipt in application.receipts.all()}
    receipts_decide(application=application, decisions=decisions, by=staff["gwa"])


def test_the_requested_amount_is_computed_from_the_cost_plan(aktionsfonds: Fund, applicant: Person) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("300.00", "450.50"), own="100.00")
    assert application.total_costs == Decimal("750.50")
    assert application.requested == Decimal("650.50")


def test_a_negative_cost_line_is_refused_and_nothing_is_saved(aktionsfonds: Fund, applicant: Person) -> None:
    with pytest.raises(ValidationError, match="Ein Betrag muss mehr als 0 € sein"):
        make_application(aktionsfonds, person=applicant, costs=("100.00", "-5.00"))
    assert not Application.objects.exists()


def test_an_end_before_the_start_is_refused(aktionsfonds: Fund, applicant: Person) -> None:
    from fonds.services.applications import application_create

    data = {"title": "Fest", "person": applicant, "start": TODAY, "end": TODAY - datetime.timedelta(days=1)}
    with pytest.raises(ValidationError, match="Das Ende kann nicht vor dem Beginn liegen"):
        application_create(fund=aktionsfonds, data=data, lines=[], by=None)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"costs": ()}, "Der Kostenplan muss mehr als 0 € ergeben."),
        ({"costs": ("200.00",), "own": "200.00"}, "nichts bleibt zu fördern"),
        ({"costs": ("1000.00", "900.00")}, "Der Fonds fördert höchstens 1.500,00 € je Antrag."),
        ({"person": None}, "Nennen Sie die antragstellende Person oder Organisation."),
    ],
)
def test_an_incomplete_application_cannot_be_submitted(
    aktionsfonds: Fund, applicant: Person, kwargs: dict, message: str
) -> None:
    application = make_application(aktionsfonds, **{"person": applicant, **kwargs})
    with pytest.raises(ValidationError, match=message):
        application_submit(application=application, by=None)
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not application.status_changes.exists()


def test_the_co_financing_share_is_required(area, applicant: Person) -> None:
    fund = Fund.objects.create(
        area=area, name="Verfügungsfonds", kind="verfuegungsfonds", year=2026, budget=Decimal("20000"),
        co_financing_share=Decimal("50"),
    )  # fmt: skip
    application = make_application(fund, person=applicant, costs=("1000.00",), own="400.00")
    with pytest.raises(ValidationError, match="Mindestens 50 % der Kosten müssen aus eigenen oder anderen Mitteln"):
        application_submit(application=application, by=None)
    application = make_application(fund, person=applicant, costs=("1000.00",), own="500.00")
    assert application_submit(application=application, by=None).status == Status.SUBMITTED


def test_an_application_goes_from_draft_to_closed(aktionsfonds: Fund, applicant: Person, staff: dict) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("250.00", "200.00"))
    application_submit(application=application, by=None)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Wo findet das Fest statt?", by=staff["gwa"])
    assert lock_application(application).status == Status.QUERY
    application_submit(application=application, by=None)  # the applicant answers
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in aktionsfonds.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    application_put_forward(application=application, by=staff["gwa"])  # 450 € ≤ 500 €: the office decides
    application_decide(application=application, decision="approve", by=staff["steuerung"])
    application_commit(application=application, by=staff["steuerung"])
    payment = payment_record(
        application=application,
        amount=Decimal("450.00"),
        paid_on=timezone.localdate(),
        method="ueberweisung",
        by=staff["gwa"],
    )
    payment_release(payment=payment, by=staff["steuerung"])
    application_submit_proof(
        application=application,
        receipts=[(TODAY, "Baumarkt", Decimal("300.00")), (TODAY, "Getränkehandel", Decimal("160.00"))],
        report="Ein schönes Fest mit 80 Gästen.",
        participants=80,
        by=None,
    )
    accept_every_receipt(application, staff)
    application_settle(application=application, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.settled_amount == Decimal("450.00")
    steps = list(application.status_changes.values_list("to_status", flat=True))
    assert steps == [
        "eingereicht", "in_pruefung", "rueckfrage", "eingereicht", "in_pruefung", "foerderfaehig",
        "zur_entscheidung", "bewilligt", "mittel_gebunden", "ausgezahlt", "nachweis_eingereicht", "abgeschlossen",
    ]  # fmt: skip
    assert all(change.at for change in application.status_changes.all())
    totals = fund_totals(aktionsfonds)
    assert (totals.committed, totals.paid, totals.repaid, totals.free) == (
        Decimal("0.00"), Decimal("450.00"), Decimal("0.00"), Decimal("9550.00"),
    )  # fmt: skip


def test_receipts_below_the_payment_mean_a_reclaim(aktionsfonds: Fund, applicant: Person, staff: dict) -> None:
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    payment = payment_record(
        application=application, amount=Decimal("400.00"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
    )
    payment_release(payment=payment, by=staff["steuerung"])
    application_submit_proof(
        application=application, receipts=[(TODAY, "Copyshop", Decimal("310.00"))], report="Flyer", participants=None,
        by=None,
    )  # fmt: skip
    accept_every_receipt(application, staff)
    application_settle(application=application, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.RECLAIM and application.reclaim_amount == Decimal("90.00")
    assert fund_totals(aktionsfonds).free == Decimal("9600.00")  # the unspent 90 € are not back yet
    repayment_record(
        application=application, amount=Decimal("90.00"), received_on=timezone.localdate(), by=staff["gwa"]
    )
    assert lock_application(application).status == Status.CLOSED
    assert fund_totals(aktionsfonds).free == Decimal("9690.00")  # now they are


ALL_STATES = [status.value for status in Status]


@pytest.mark.parametrize(
    ("transition", "state"),
    [
        (transition, state)
        for transition, (sources, _target) in TRANSITIONS.items()
        for state in ALL_STATES
        if state not in sources
    ],
)
def test_every_transition_refuses_every_state_it_does_not_start_from(
    aktionsfonds: Fund, applicant: Person, transition: str, state: str, now: datetime.datetime
) -> None:
    application = make_application(aktionsfonds, person=applicant)
    Application.objects.filter(pk=application.pk).update(
        status=state, reason="Begründung"
    )  # a rejection always has one
    with pytest.raises(ValidationError, match="Dieser Schritt ist nicht möglich, solange der Antrag"):
        move(lock_application(application), transition, by=None, now=now)
    assert Application.objects.get(pk=application.pk).status == state
    assert not StatusChange.objects.exists()


def test_eligibility_needs_every_criterion_and_a_refusal_needs_a_reason(
    aktionsfonds: Fund, applicant: Person, staff: dict
) -> None:
    application = make_application(aktionsfonds, person=applicant)
    application_submit(application=application, by=None)
    application_review(application=application, by=staff["gwa"])
    first, second, third = aktionsfonds.criteria.all()
    checks = {first.pk: (True, ""), second.pk: (True, ""), third.pk: (False, "Honorar für DJ")}
    with pytest.raises(ValidationError, match="Nicht jedes Kriterium ist erfüllt: Sachkosten, keine Honorare"):
        application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    with pytest.raises(ValidationError, match="Geben Sie den Grund an"):
        application_assess(application=application, checks=checks, eligible=False, by=staff["gwa"])
    assert lock_application(application).status == Status.IN_REVIEW
    application_assess(application=application, checks=checks, eligible=False, reason="Honorare", by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.INELIGIBLE and application.reason == "Honorare"


def test_above_the_office_limit_the_committee_decides(
    aktionsfonds: Fund, applicant: Person, staff: dict, now: datetime.datetime
) -> None:
    application = eligible(make_application(aktionsfonds, person=applicant, costs=("800.00",)), staff)
    with pytest.raises(ValidationError, match="Über 500,00 € entscheidet das Gremium"):
        application_put_forward(application=application, by=staff["gwa"])
    assert lock_application(application).status == Status.ELIGIBLE
    ballot = Ballot.objects.create(committee=aktionsfonds.committee, title="Umlauf", deadline=now)
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    assert ballot.items.get().subject == application
    with pytest.raises(ValidationError, match="Über diesen Antrag entscheidet das Gremium"):
        application_decide(application=application, decision="approve", by=staff["steuerung"])
    assert lock_application(application).status == Status.FOR_DECISION


def test_only_the_funds_own_committee_and_an_unopened_ballot_take_an_application(
    aktionsfonds: Fund, applicant: Person, staff: dict, area, now: datetime.datetime
) -> None:
    from committees.models import Committee

    application = eligible(make_application(aktionsfonds, person=applicant, costs=("800.00",)), staff)
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    foreign = Ballot.objects.create(committee=council, title="Rat", deadline=now)
    with pytest.raises(ValidationError, match="Über die Anträge eines Fonds entscheidet sein eigenes Gremium"):
        application_put_forward(application=application, ballot=foreign, by=staff["gwa"])
    opened = Ballot.objects.create(committee=aktionsfonds.committee, title="Offen", deadline=now, status="offen")
    with pytest.raises(ValidationError, match="Eine geöffnete Abstimmung kann nicht mehr geändert werden"):
        application_put_forward(application=application, ballot=opened, by=staff["gwa"])
    assert not foreign.items.exists() and not opened.items.exists()
    assert lock_application(application).status == Status.ELIGIBLE


@pytest.mark.parametrize(("choice", "expected"), [("ja", Status.APPROVED), ("nein", Status.REJECTED)])
def test_the_jurys_ballot_decides_the_application_by_itself(
    aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list, choice: str, expected: str, now: datetime.datetime
) -> None:
    application = eligible(make_application(aktionsfonds, person=applicant, costs=("800.00", "400.00")), staff)
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee, title="Umlauf", deadline=now + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot_open(ballot=ballot, by=staff["gwa"], now=now)
    for member in jurors:
        vote_cast(item=ballot.items.get(), membership=member, choice=choice, by=member.user, now=now)
    ballot_close(ballot=ballot, by=staff["gwa"], now=now)
    application.refresh_from_db()
    assert application.status == expected
    if expected == Status.APPROVED:
        assert application.approved_amount == Decimal("1200.00")
    assert "Online-Abstimmung „Umlauf“" in application.status_changes.last().note


def test_a_deferred_or_unquorate_decision_defers_the_application(
    aktionsfonds: Fund, applicant: Person, staff: dict, now: datetime.datetime
) -> None:
    from fonds.services.applications import application_take_committee_decision

    application = eligible(make_application(aktionsfonds, person=applicant, costs=("800.00",)), staff)
    ballot = Ballot.objects.create(committee=aktionsfonds.committee, title="Umlauf", deadline=now)
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    application_take_committee_decision(
        application=application, result=Result.NO_QUORUM, source=ballot.items.get(), by=None
    )
    assert lock_application(application).status == Status.DEFERRED


def test_a_juror_of_the_applying_organisation_is_flagged(
    aktionsfonds: Fund, staff: dict, jurors: list, area, now: datetime.datetime
) -> None:
    club = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    Affiliation.objects.create(person=jurors[2].person, organisation=club)
    application = eligible(make_application(aktionsfonds, organisation=club, costs=("800.00",)), staff)
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee, title="Umlauf", deadline=now + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot_open(ballot=ballot, by=staff["gwa"], now=now)
    assert list(ConflictFlag.objects.values_list("membership", flat=True)) == [jurors[2].pk]


def test_an_approval_is_refused_above_the_cap_the_request_and_what_remains(
    aktionsfonds: Fund, applicant: Person, staff: dict
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("450.00",))
    application_put_forward(application=eligible(application, staff), by=staff["gwa"])
    with pytest.raises(ValidationError, match="den beantragten Betrag von 450,00 €"):
        application_decide(application=application, decision="approve", amount=Decimal("451"), by=staff["steuerung"])
    Fund.objects.filter(pk=aktionsfonds.pk).update(budget=Decimal("400.00"))
    with pytest.raises(ValidationError, match="Vom Fonds sind nur noch 400,00 € übrig; 450,00 € können nicht"):
        application_decide(application=application, decision="approve", by=staff["steuerung"])
    application.refresh_from_db()
    assert application.status == Status.FOR_DECISION and application.approved_amount is None
    approved_part = application_decide(
        application=application, decision="approve", amount=Decimal("400.00"), conditions="Nur Sachkosten",
        by=staff["steuerung"],
    )  # fmt: skip
    assert approved_part.status == Status.APPROVED_WITH_CONDITIONS
    aktionsfonds.refresh_from_db()
    assert fund_totals(aktionsfonds).free == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_never_overcommit_the_fund(area, jury, applicant: Person) -> None:
    steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-race")
    gwa = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-race")
    fund = Fund.objects.create(area=area, name="Kleiner Fonds", kind="other", year=2026, budget=Decimal("1000.00"))
    staff = {"gwa": gwa, "steuerung": steuerung}
    applications = []
    for number in range(2):
        application = make_application(fund, person=applicant, costs=("600.00",), title=f"Antrag {number}")
        application_put_forward(application=eligible(application, staff), by=gwa)
        applications.append(application)
    barrier = threading.Barrier(2)
    refusals: list[str] = []
    errors: list[BaseException] = []

    def approve(application: Application) -> None:
        try:
            barrier.wait()
            application_decide(application=application, decision="approve", by=steuerung)
        except ValidationError as refused:
            refusals.append(refused.code or "")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refusals == ["over_budget"]
    assert Application.objects.filter(status=Status.APPROVED).count() == 1
    assert FundTotals.of(funds_with_totals(Fund.objects.filter(pk=fund.pk)).get()).bound == Decimal("600.00")


def test_payments_need_four_eyes_and_steuerung(aktionsfonds: Fund, applicant: Person, staff: dict) -> None:
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    with pytest.raises(ValidationError, match="Zahlungen werden geleistet, sobald die Mittel gebunden sind"):
        payment_record(
            application=application, amount=Decimal("1"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
        )
    application_commit(application=application, by=staff["steuerung"])
    with pytest.raises(ValidationError, match="Noch 400,00 € sind offen"):
        payment_record(
            application=application,
            amount=Decimal("400.01"),
            paid_on=timezone.localdate(),
            method="bar",
            by=staff["gwa"],
        )
    payment = payment_record(
        application=application,
        amount=Decimal("250.00"),
        paid_on=timezone.localdate(),
        method="bar",
        by=staff["steuerung"],
    )
    with pytest.raises(ValidationError, match="Vier-Augen-Prinzip"):
        payment_release(payment=payment, by=staff["steuerung"])
    with pytest.raises(PermissionDenied):
        payment_release(payment=payment, by=staff["gwa"])
    assert Payment.objects.get().released_at is None
    assert lock_application(application).status == Status.COMMITTED
    payment_release(payment=payment, by=staff["steuerung2"])
    with pytest.raises(ValidationError, match="schon freigegeben"):
        payment_release(payment=payment, by=staff["steuerung2"])
    assert lock_application(application).status == Status.PAID
    assert fund_totals(aktionsfonds).paid == Decimal("250.00")


def test_withdrawal_is_possible_until_a_payment(aktionsfonds: Fund, applicant: Person, staff: dict) -> None:
    draft = make_application(aktionsfonds, person=applicant)
    assert application_withdraw(application=draft, by=None).status == Status.WITHDRAWN
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    payment_record(
        application=application, amount=Decimal("100"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
    )
    with pytest.raises(ValidationError, match="kann nicht mehr zurückgezogen werden"):
        application_withdraw(application=application, by=None)
    assert lock_application(application).status == Status.COMMITTED


def test_the_proof_of_use_needs_receipts_and_a_report(aktionsfonds: Fund, applicant: Person, staff: dict) -> None:
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    payment = payment_record(
        application=application, amount=Decimal("400"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
    )
    payment_release(payment=payment, by=UserFactory(is_superuser=True))
    with pytest.raises(ValidationError, match="Fügen Sie mindestens einen Beleg hinzu"):
        application_submit_proof(application=application, receipts=[], report="Fest", participants=None, by=None)
    with pytest.raises(ValidationError, match="Beschreiben Sie in wenigen Worten"):
        application_submit_proof(
            application=application, receipts=[(TODAY, "Markt", Decimal("10"))], report=" ", participants=None,
            by=None,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        application_submit_proof(
            application=application, receipts=[(TODAY, "Markt", Decimal("-10"))], report="Fest", participants=None,
            by=None,
        )  # fmt: skip
    assert not application.receipts.exists()
    assert lock_application(application).status == Status.PAID


def test_a_decision_in_the_minutes_of_a_meeting_decides_the_application(
    aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list
) -> None:
    from django.utils import timezone

    from committees.models import Attendance, Meeting
    from committees.services.meetings import agenda_item_update

    application = eligible(make_application(aktionsfonds, person=applicant, costs=("900.00",)), staff)
    meeting = Meeting.objects.create(
        committee=aktionsfonds.committee, starts_at=timezone.now() + datetime.timedelta(days=2), place="Büro"
    )
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    item = meeting.items.get()
    assert item.subject == application and "900,00" in item.description
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status="anwesend")
    item.refresh_from_db()
    agenda_item_update(item=item, data={"yes": 4, "no": 1, "abstain": 0, "result": "angenommen"}, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.approved_amount == Decimal("900.00")
    assert "Sitzung vom" in application.status_changes.last().note
