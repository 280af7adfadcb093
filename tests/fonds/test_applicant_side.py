"""The applicant's side (#17): a mail at every step that concerns them, each with a private link of its own;
the link page with the whole story, the answer to the office's question, the letters and the withdrawal; and
every refusal (a German message, nothing half-saved)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import AgendaItem, Attendance, Ballot, Choice, Meeting, Membership
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from committees.services.meetings import agenda_item_update
from fonds.models import AccessLink, Application, Attachment, Fund, Status
from fonds.services.applications import (
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
    application_settle,
    receipts_decide,
)
from fonds.services.links import access_link_create
from fonds.services.notices import PROOF_REMINDER_DAYS, proof_due_of, proof_reminders_send
from fonds.services.payments import payment_record, payment_release
from fonds.services.public import ReceiptData, access_link_revoke, proof_of_use_submit
from fonds.tasks import remind_proof_due
from quartier.mail import mails_about
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible
from tests.fonds.test_public import PDF, submitted, text
from tests.mails import deliver

LINK = re.compile(r"https?://\S+/antrag/([\w-]+)/")


@pytest.fixture
def fund(aktionsfonds: Fund) -> Fund:
    return aktionsfonds


@pytest.fixture
def applicant(applicant: Person) -> Person:
    """The applicant of the funds fixtures, with an address to write to."""
    applicant.email = "aylin@example.org"
    applicant.save(update_fields=["email"])
    return applicant


def small(fund: Fund, person: Person, **changes: object) -> Application:
    """An application of 450 €: the office decides it (up to 500 €)."""
    return make_application(fund, person=person, costs=("300.00", "150.00"), **changes)


def kinds(application: Application) -> list[str]:
    """The kinds of the mails to the applicant about ``application`` (the office's own mails left out)."""
    mails = mails_about(application).exclude(kind__startswith="fonds.office_")
    return list(mails.order_by("pk").values_list("kind", flat=True))


def tokens_in_outbox(application: Application) -> list[str]:
    return [token for body in mails_about(application).values_list("body", flat=True) for token in LINK.findall(body)]


def approve(application: Application, staff: dict) -> Application:
    application_put_forward(application=application, by=staff["gwa"])
    return application_decide(application=application, decision="approve", by=staff["steuerung"])


def pay(application: Application, staff: dict) -> Application:
    application.refresh_from_db()
    application_commit(application=application, by=staff["steuerung"])
    payment = payment_record(
        application=application, amount=application.approved_amount, paid_on=timezone.localdate(), method="bar",
        by=staff["gwa"],
    )  # fmt: skip
    payment_release(payment=payment, by=staff["steuerung"])
    application.refresh_from_db()
    return application


# --- mails -----------------------------------------------------------------------------------------------------------


def test_every_step_tells_the_applicant_with_a_link_of_its_own(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Wo genau im Hof?", by=staff["gwa"])
    assert client.post(f"/antrag/{token}/antwort/", {"answer": "Im hinteren Hof."}).status_code == 302
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    approve(application, staff)
    pay(application, staff)
    proof_of_use_submit(
        application=application,
        receipts=[ReceiptData(date=timezone.localdate(), vendor="Zeltverleih", amount=Decimal("100.00"))],
        report="Ein schönes Fest.",
        participants=40,
    )
    receipts_decide(application=application, decisions={r.pk: (True, "") for r in application.receipts.all()},
                    by=staff["gwa"])  # fmt: skip
    application_settle(application=application, by=staff["gwa"])

    assert kinds(application) == [
        "fonds.draft_link", "fonds.submitted", "fonds.query", "fonds.submitted", "fonds.eligibility",
        "fonds.put_forward", "fonds.decided", "fonds.proof_deadline", "fonds.paid", "fonds.reclaim",
    ]  # fmt: skip
    step_mails = mails_about(application).exclude(kind__in=["fonds.draft_link", "fonds.submitted"])
    step_mails = step_mails.exclude(kind__startswith="fonds.office_")
    fresh = [token for body in step_mails.values_list("body", flat=True) for token in LINK.findall(body)]
    assert len(fresh) == len(set(fresh)) == 7 == step_mails.count()  # one link of its own in each step's mail
    assert not set(fresh) & (set(tokens_in_outbox(application)) - set(fresh)) and token not in fresh
    sent = {message.subject: message.body for message in deliver()}
    query = sent["Ihr Antrag „Hoffest am Kanal“: eine Rückfrage des Stadtteilbüros"]
    assert "Wo genau im Hof?" in query
    assert (
        "Das Stadtteilbüro entscheidet über Ihren Antrag."
        in sent["Über Ihren Antrag „Hoffest am Kanal“ wird entschieden"]
    )
    assert "Sie erhalten 450,50 €" in sent["Ihr Antrag „Hoffest am Kanal“ wurde bewilligt"]
    deadline = sent["Ihr Antrag „Hoffest am Kanal“: Das Geld ist reserviert"]
    assert "bis zum 6. Februar 2027 ein" in deadline  # eight weeks after the project's end (12.12.2026)
    assert "350,50 € müssen innerhalb von 4 Wochen" in sent["Ihr Antrag „Hoffest am Kanal“: Geld zurückzuzahlen"]
    for body in sent.values():  # every link in a mail opens the application
        for found in LINK.findall(body):
            assert client.get(f"/antrag/{found}/").status_code == 200


def test_the_meeting_it_is_put_on_is_named_with_day_time_and_place(fund: Fund, applicant: Person, staff: dict) -> None:
    application = eligible(make_application(fund, person=applicant, costs=("900.00",)), staff)
    starts = timezone.make_aware(datetime.datetime(2027, 3, 4, 18, 30))
    meeting = Meeting.objects.create(committee=fund.committee, starts_at=starts, place="Stadtteilbüro, Kanalstr. 1")
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    body = mails_about(application).get(kind="fonds.put_forward").body
    assert "in der Sitzung am 4. März 2027 um 18:30 Uhr. Ort: Stadtteilbüro, Kanalstr. 1." in body


def test_an_applicant_without_an_address_gets_no_mail_and_the_step_is_taken(fund: Fund, staff: dict) -> None:
    person = Person.objects.create(area=fund.area, first_name="Ohne", last_name="Adresse")
    application = eligible(make_application(fund, person=person), staff)
    assert not kinds(application) and application.status == Status.ELIGIBLE
    assert not AccessLink.objects.filter(application=application).exists()


def test_a_step_that_is_refused_sends_nothing(fund: Fund, applicant: Person, staff: dict) -> None:
    application = eligible(make_application(fund, person=applicant), staff)
    before = kinds(application)
    with pytest.raises(ValidationError):
        application_decide(application=application, decision="approve", by=staff["steuerung"])  # not put forward
    assert kinds(application) == before


# --- a rejection always carries a reason ----------------------------------------------------------------------------


def test_the_office_cannot_reject_without_a_reason(fund: Fund, applicant: Person, staff: dict) -> None:
    application = eligible(small(fund, applicant), staff)
    application_put_forward(application=application, by=staff["gwa"])
    with pytest.raises(ValidationError, match="Geben Sie den Grund für die Ablehnung an"):
        application_decide(application=application, decision="reject", reason="  ", by=staff["steuerung"])
    application.refresh_from_db()
    assert application.status == Status.FOR_DECISION and "fonds.decided" not in kinds(application)
    application_decide(application=application, decision="reject", reason="Kein Bezug zum Gebiet.",
                       by=staff["steuerung"])  # fmt: skip
    mail = mails_about(application).get(kind="fonds.decided")
    assert "Leider wurde Ihr Antrag abgelehnt. Die Begründung:\n\nKein Bezug zum Gebiet." in mail.body


def test_minutes_that_reject_without_a_reason_are_refused_and_nothing_is_saved(
    fund: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application = eligible(make_application(fund, person=applicant, costs=("900.00",)), staff)
    meeting = Meeting.objects.create(
        committee=fund.committee, starts_at=timezone.now() + datetime.timedelta(days=2), place="Büro"
    )
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status="anwesend")
    item = meeting.items.get()
    with pytest.raises(ValidationError, match="Schreiben Sie die Begründung des Gremiums"):
        agenda_item_update(item=item, data={"yes": 1, "no": 4, "abstain": 0}, by=staff["gwa"])
    item = AgendaItem.objects.get(pk=item.pk)
    application.refresh_from_db()
    assert item.result == "" and application.status == Status.FOR_DECISION
    data = {"yes": 1, "no": 4, "abstain": 0, "decision": "Abgelehnt: Honorare sind nicht förderfähig."}
    agenda_item_update(item=item, data=data, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.reason.endswith("Abgelehnt: Honorare sind nicht förderfähig.")
    assert "Honorare sind nicht förderfähig." in mails_about(application).get(kind="fonds.decided").body


def test_a_ballot_that_rejects_gives_the_vote_as_the_reason(
    fund: Fund, applicant: Person, staff: dict, jurors: list[Membership], now: datetime.datetime
) -> None:
    application = eligible(make_application(fund, person=applicant, costs=("800.00",)), staff)
    ballot = Ballot.objects.create(
        committee=fund.committee, title="Umlauf", deadline=now + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    assert "in einer Online-Abstimmung" in mails_about(application).get(kind="fonds.put_forward").body
    ballot_open(ballot=ballot, by=staff["gwa"], now=now)
    for member in jurors:
        vote_cast(item=ballot.items.get(), membership=member, choice=Choice.NO, by=member.user, now=now)
    ballot_close(ballot=ballot, by=staff["gwa"], now=now)
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert "Umlauf" in application.reason and "0 Ja" in application.reason
    assert application.reason in mails_about(application).get(kind="fonds.decided").body


def test_the_database_refuses_a_rejection_without_a_reason(fund: Fund, applicant: Person) -> None:
    application = make_application(fund, person=applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status=Status.REJECTED, reason="")


# --- the link page --------------------------------------------------------------------------------------------------


def test_the_link_page_shows_the_whole_story(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    application_put_forward(application=application, by=staff["gwa"])
    page = text(client.get(f"/antrag/{token}/"))
    assert "Wann und wo entschieden wird" in page and "Das Stadtteilbüro entscheidet über Ihren Antrag." in page
    assert "Antrag zurückziehen" in page
    application_decide(application=application, decision="approve", by=staff["steuerung"])
    pay(application, staff)
    page = text(client.get(f"/antrag/{token}/"))
    assert "Bewilligungsbescheid herunterladen (PDF)" in page
    assert "Verwendungsnachweis fällig bis" in page and "6. Februar 2027" in page
    assert 'id="payments-heading"' in page and "450,50 €</li>" in page  # the payment
    assert "Antrag zurückziehen" not in page
    for entry in ("Der Antrag erfüllt die Bedingungen des Fonds.", "Der Antrag wurde bewilligt.",
                  "Geld wurde ausgezahlt."):  # fmt: skip
        assert entry in page
    letter = client.get(f"/antrag/{token}/bescheid.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF") and f"bescheid-{application.pk}.pdf" in letter["Content-Disposition"]


def test_a_rejection_shows_its_reason_and_the_rejection_letter(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    application_put_forward(application=application, by=staff["gwa"])
    application_decide(application=application, decision="reject", reason="Kein Bezug zum Gebiet.",
                       by=staff["steuerung"])  # fmt: skip
    page = text(client.get(f"/antrag/{token}/"))
    assert "Kein Bezug zum Gebiet." in page and "Ablehnungsbescheid herunterladen (PDF)" in page
    assert client.get(f"/antrag/{token}/bescheid.pdf").status_code == 200


def test_the_letter_is_refused_before_the_decision_and_for_a_dead_link(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    response = client.get(f"/antrag/{token}/bescheid.pdf")
    assert response.status_code == 404 and "noch keinen Bescheid" in text(response)
    link = AccessLink.objects.filter(application=application).order_by("created_at").first()
    access_link_revoke(link=link, by=None)
    assert client.get(f"/antrag/{token}/bescheid.pdf").status_code == 404


def test_a_token_opens_only_its_own_letter(client: Client, fund: Fund, applicant: Person, staff: dict) -> None:
    mine = approve(eligible(small(fund, applicant, title="Mein Fest"), staff), staff)
    other = eligible(make_application(fund, person=applicant, title="Anderes Fest"), staff)
    token = access_link_create(application=other, email="a@example.org")
    response = client.get(f"/antrag/{token}/bescheid.pdf")
    assert response.status_code == 404  # the other application is not decided: its token gives no letter
    assert f"bescheid-{mine.pk}" not in response.get("Content-Disposition", "")


def test_an_expired_link_opens_nothing(client: Client, fund: Fund, applicant: Person, staff: dict) -> None:
    application = approve(eligible(small(fund, applicant), staff), staff)
    token = access_link_create(application=application, email="a@example.org",
                               now=timezone.now() - datetime.timedelta(days=400))  # fmt: skip
    for path in ("", "bescheid.pdf", "zurueckziehen/"):
        assert client.get(f"/antrag/{token}/{path}").status_code == 404
    assert client.post(f"/antrag/{token}/antwort/", {"answer": "x"}).status_code == 404


# --- the answer to the office's question ----------------------------------------------------------------------------


def test_the_answer_with_a_file_hands_in_again_and_the_office_sees_what_changed(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Bitte Lageplan.", by=staff["gwa"])
    page = text(client.get(f"/antrag/{token}/"))
    assert "Ihre Antwort" in page and "Bitte Lageplan." in page
    plan = SimpleUploadedFile("lageplan.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "Hier der Plan.", "file": plan})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.attachments.filter(kind=Attachment.Kind.DOCUMENT, name="lageplan.pdf").exists()
    note = application.status_changes.order_by("-at", "-pk").first().note
    assert "Antwort der antragstellenden Person: Hier der Plan." in note
    assert "Neue Dateien seit der Rückfrage: lageplan.pdf" in note


def test_an_empty_answer_is_refused_and_nothing_is_saved(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Bitte Lageplan.", by=staff["gwa"])
    plan = SimpleUploadedFile("lageplan.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "   ", "file": plan})
    assert response.status_code == 400
    assert "Schreiben Sie Ihre Antwort auf die Rückfrage." in text(response)
    application.refresh_from_db()
    assert application.status == Status.QUERY and not application.attachments.exists()


def test_an_answer_without_an_open_question_is_refused(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "Noch etwas."})
    assert response.status_code == 400
    assert "Es gibt keine offene Rückfrage des Stadtteilbüros" in text(response)
    assert application.status_changes.count() == 1


def test_a_replayed_answer_is_refused(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Wann?", by=staff["gwa"])
    assert client.post(f"/antrag/{token}/antwort/", {"answer": "Im Mai."}).status_code == 302
    changes = application.status_changes.count()
    assert client.post(f"/antrag/{token}/antwort/", {"answer": "Im Mai."}).status_code == 400
    assert application.status_changes.count() == changes


# --- withdrawal -----------------------------------------------------------------------------------------------------


def test_the_applicant_withdraws_before_the_decision_and_the_outbox_tells_the_office(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = submitted(client, fund)
    assert "Möchten Sie Ihren Antrag" in text(client.get(f"/antrag/{token}/zurueckziehen/"))
    assert client.post(f"/antrag/{token}/zurueckziehen/").status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert kinds(application)[-1] == "fonds.withdrawn"
    assert "über den privaten Link zurückgezogen" in application.status_changes.order_by("-pk").first().note


def test_withdrawal_after_the_decision_is_refused_in_german(
    client: Client, fund: Fund, applicant: Person, staff: dict
) -> None:
    application = approve(eligible(small(fund, applicant), staff), staff)
    token = access_link_create(application=application, email="a@example.org")
    refused = "Über den Antrag ist entschieden („bewilligt“); er kann hier nicht mehr zurückgezogen werden."
    page = client.get(f"/antrag/{token}/zurueckziehen/")
    assert page.status_code == 400 and refused in text(page)
    response = client.post(f"/antrag/{token}/zurueckziehen/")
    assert response.status_code == 400 and refused in text(response)
    application.refresh_from_db()
    assert application.status == Status.APPROVED and "fonds.withdrawn" not in kinds(application)


# --- the reminder ---------------------------------------------------------------------------------------------------


def test_the_reminder_before_the_proof_of_use_is_due_goes_out_once(
    fund: Fund, applicant: Person, staff: dict, now: datetime.datetime
) -> None:
    application = approve(eligible(small(fund, applicant), staff), staff)
    pay(application, staff)
    end = timezone.localdate(now) - datetime.timedelta(weeks=8) + datetime.timedelta(days=PROOF_REMINDER_DAYS - 1)
    Application.objects.filter(pk=application.pk).update(start=end, end=end)  # the project is over
    application.refresh_from_db()
    later = approve(eligible(small(fund, applicant, title="Später"), staff), staff)
    pay(later, staff)  # no dates: due eight weeks after the decision, not yet reminded
    assert proof_due_of(application) == end + datetime.timedelta(weeks=8)
    assert remind_proof_due.apply().get() == 1
    assert proof_reminders_send(now=now) == 0  # once per application
    assert kinds(application).count("fonds.proof_reminder") == 1 and "fonds.proof_reminder" not in kinds(later)
    subject = mails_about(application).get(kind="fonds.proof_reminder").subject
    assert subject.startswith("Erinnerung: Der Verwendungsnachweis für „Hoffest im Kiez“ ist am")


# --- query counts ---------------------------------------------------------------------------------------------------


def test_the_link_page_of_a_paid_application_needs_the_same_queries_for_more_payments(
    client: Client, fund: Fund, staff: dict, assert_constant_queries: Callable
) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    application_put_forward(application=application, by=staff["gwa"])
    application_decide(application=application, decision="approve", by=staff["steuerung"])
    application_commit(application=application, by=staff["steuerung"])

    def grow() -> None:
        for _n in range(3):
            payment = payment_record(application=application, amount=Decimal("50.00"),
                                     paid_on=timezone.localdate(), method="bar", by=staff["gwa"])  # fmt: skip
            payment_release(payment=payment, by=staff["steuerung"])

    assert assert_constant_queries(lambda: client.get(f"/antrag/{token}/"), grow) <= 10


def test_the_link_page_while_it_waits_for_the_decision_needs_few_queries(
    client: Client, fund: Fund, staff: dict, assert_constant_queries: Callable
) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    meeting = Meeting.objects.create(committee=fund.committee, starts_at=timezone.now() + datetime.timedelta(days=3))
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])

    def grow() -> None:
        for number in range(3):
            Meeting.objects.create(committee=fund.committee, starts_at=timezone.now() + datetime.timedelta(days=number))

    assert assert_constant_queries(lambda: client.get(f"/antrag/{token}/"), grow) <= 10
