"""The proof of use: each receipt accepted or disallowed with a reason, the settlement and the reclaim computed from
the accepted ones, and the reclaim letter for the office and the applicant (finding 9 of issue #15)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from demo.factories import user_with_role
from fonds.letters import RECLAIM_WEEKS
from fonds.models import Fund, Receipt, Status
from fonds.services.applications import application_settle, application_submit_proof, receipts_decide
from fonds.services.payments import repayment_record
from fonds.services.public import access_link_create
from quartier.models import Quartier, Role
from tests.fonds.fixtures import make_application
from tests.fonds.test_letters import pdf_text
from tests.fonds.test_lifecycle import approved
from tests.fonds.test_money import messages_of, paid_out


def proof_handed_in(fund: Fund, applicant: object, staff: dict, *, paid: str, receipts: tuple[str, ...]) -> object:
    application = approved(make_application(fund, person=applicant, costs=(paid,)), staff)
    paid_out(application, staff, paid)
    today = timezone.localdate()
    application_submit_proof(
        application=application,
        receipts=[(today, f"Händler {number}", Decimal(amount)) for number, amount in enumerate(receipts, 1)],
        report="Ein schönes Fest",
        participants=50,
        by=None,
    )
    return application


def test_the_proof_of_use_is_settled_only_once_every_receipt_is_decided(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00", "160.00"))
    with pytest.raises(ValidationError, match="Entscheiden Sie zuerst über jeden Beleg: 2 sind noch nicht geprüft"):
        application_settle(application=application, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED and application.settled_amount is None


def decide_url(area: Quartier, application: object) -> str:
    return f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/belege/"


def test_the_reclaim_is_computed_from_the_accepted_receipts(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    """450 € paid; receipts of 300 € and 160 € would cover it, but the office does not accept the 160 €: the
    settlement keeps 300 € and reclaims 150 €, computed, never typed."""
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00", "160.00"))
    first, second = application.receipts.order_by("pk")
    client.force_login(staff["gwa"])
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert "Prüfen Sie unten die Belege</a>: 2 sind noch nicht geprüft." in page
    data = {
        f"receipt-decision-{first.pk}": "anerkannt",
        f"receipt-decision-{second.pk}": "nicht_anerkannt",
        f"receipt-reason-{second.pk}": "Pfand ist nicht förderfähig.",
    }
    assert messages_of(client.post(decide_url(area, application), data, follow=True)) == [
        "Die Entscheidungen zu 2 Belegen sind gespeichert."
    ]
    second.refresh_from_db()
    assert (second.decision, second.decision_reason, second.decided_by) == (
        Receipt.Decision.DISALLOWED, "Pfand ist nicht förderfähig.", staff["gwa"],
    )  # fmt: skip
    assert second.decided_at is not None
    step = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/schritt/"
    client.post(step, {"action": "settle"})
    application.refresh_from_db()
    assert application.status == Status.RECLAIM
    assert (application.settled_amount, application.reclaim_amount) == (Decimal("300.00"), Decimal("150.00"))
    assert application.status_changes.last().note == "150,00 € sind zurückzuzahlen."
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert "Nicht anerkannt: Pfand ist nicht förderfähig." in page and "Rückforderung (PDF)" in page


def test_a_disallowance_needs_a_reason_and_a_refused_form_saves_no_decision(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00", "160.00"))
    first, second = application.receipts.order_by("pk")
    client.force_login(staff["gwa"])
    refusals = [
        ({f"receipt-decision-{first.pk}": "anerkannt", f"receipt-decision-{second.pk}": "nicht_anerkannt",
          f"receipt-reason-{second.pk}": "  "},
         "Geben Sie den Grund an, warum der Beleg von Händler 2 über 160,00 € nicht anerkannt wird."),
        ({f"receipt-decision-{first.pk}": "vielleicht"}, "Wählen Sie, ob der Beleg anerkannt wird oder nicht."),
        ({}, "Wählen Sie für mindestens einen Beleg, ob er anerkannt wird."),
    ]  # fmt: skip
    for data, message in refusals:
        assert messages_of(client.post(decide_url(area, application), data, follow=True)) == [message]
    assert set(application.receipts.values_list("decision", flat=True)) == {Receipt.Decision.OPEN}
    with pytest.raises(ValidationError, match="Geben Sie den Grund an"):
        receipts_decide(application=application, decisions={first.pk: (False, "")}, by=staff["gwa"])


def test_a_decision_on_a_receipt_of_another_application_or_area_is_refused(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    staff: dict,
    aktionsfonds: Fund,
    applicant: object,
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00",))
    other = proof_handed_in(aktionsfonds, applicant, staff, paid="200.00", receipts=("200.00",))
    own, foreign = application.receipts.get(), other.receipts.get()
    client.force_login(staff["gwa"])
    for forged in (str(foreign.pk), "x", "²", "9" * 19):
        data = {f"receipt-decision-{own.pk}": "anerkannt", f"receipt-decision-{forged}": "anerkannt"}
        response = client.post(decide_url(area, application), data, follow=True)
        assert response.status_code == 200, (forged[:20], response.status_code, response.content[:300])
        assert messages_of(response) == ["Dieser Beleg gehört zu einem anderen Antrag."]
    with pytest.raises(ValidationError, match="Dieser Beleg gehört zu einem anderen Antrag"):
        receipts_decide(application=application, decisions={foreign.pk: (True, "")}, by=staff["gwa"])
    # Another area's office sees neither the application nor its receipts.
    north = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nordstadt")
    client.force_login(north)
    data = {f"receipt-decision-{own.pk}": "anerkannt"}
    assert client.post(f"/gebiet/{other_area.slug}/fonds/antraege/{application.pk}/belege/", data).status_code == 404
    assert client.post(decide_url(area, application), data).status_code == 404
    assert set(Receipt.objects.values_list("decision", flat=True)) == {Receipt.Decision.OPEN}


def test_decisions_on_receipts_are_taken_only_while_the_proof_of_use_is_checked(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="300.00", receipts=("300.00",))
    receipt = application.receipts.get()
    receipts_decide(application=application, decisions={receipt.pk: (True, "")}, by=staff["gwa"])
    application_settle(application=application, by=staff["gwa"])
    client.force_login(staff["gwa"])
    data = {f"receipt-decision-{receipt.pk}": "nicht_anerkannt", f"receipt-reason-{receipt.pk}": "doch nicht"}
    assert messages_of(client.post(decide_url(area, application), data, follow=True)) == [
        "Der Verwendungsnachweis ist abgerechnet; die Entscheidungen über seine Belege können sich nicht mehr ändern."
    ]
    receipt.refresh_from_db()
    assert receipt.decision == Receipt.Decision.ACCEPTED and receipt.decision_reason == ""
    paid = approved(make_application(aktionsfonds, person=applicant, costs=("100.00",)), staff)
    with pytest.raises(ValidationError, match="Belege werden geprüft, sobald der Verwendungsnachweis eingereicht"):
        receipts_decide(application=paid, decisions={receipt.pk: (True, "")}, by=staff["gwa"])


def reclaim_with_letter(aktionsfonds: Fund, applicant: object, staff: dict) -> object:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00", "160.00"))
    first, second = application.receipts.order_by("pk")
    decisions = {first.pk: (True, ""), second.pk: (False, "Pfand ist nicht förderfähig.")}
    receipts_decide(application=application, decisions=decisions, by=staff["gwa"])
    return application_settle(application=application, by=staff["gwa"])


def test_the_reclaim_letter_states_the_receipts_the_amount_and_the_due_date_in_german(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = reclaim_with_letter(aktionsfonds, applicant, staff)
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/rueckforderung.pdf"
    with translation.override("en"):
        response = client.get(url, headers={"Accept-Language": "en"})
    assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    due = timezone.localdate() + datetime.timedelta(weeks=RECLAIM_WEEKS)
    for expected in (
        "Rückforderung eines Teils der Zuwendung für „Hoffest im Kiez“",
        "Betrag zur Rückzahlung 150,00 €",
        "Von den an Sie ausgezahlten 450,00 € wurden Belege über 300,00 € anerkannt.",
        f"bis zum {date_format(due, 'DATE_FORMAT')}",
        "„Rückforderung Antrag " + str(application.pk) + "“",
        "Händler 2 160,00 € Nicht anerkannt: Pfand ist nicht förderfähig.",
        "Händler 1 300,00 € Anerkannt",
        "Guten Tag Aylin Yıldız,",
    ):
        assert expected in text, expected
    # The same letter for the applicant, through their private link, and a link to it on their status page.
    token = access_link_create(application=application, email="aylin@example.org")
    client.logout()
    status = client.get(f"/antrag/{token}/").content.decode()
    assert f'href="/antrag/{token}/rueckforderung.pdf"' in status and "Rückforderung herunterladen (PDF)" in status
    assert "150,00 €" in status
    download = client.get(f"/antrag/{token}/rueckforderung.pdf")
    assert download["Content-Type"] == "application/pdf" and "no-store" in download["Cache-Control"]
    assert pdf_text(download.content) == text


def test_there_is_no_reclaim_letter_before_a_reclaim(
    client: Client, area: Quartier, other_area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="300.00", receipts=("300.00",))
    token = access_link_create(application=application, email="aylin@example.org")
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/rueckforderung.pdf"
    assert client.get(url).status_code == 404
    receipts_decide(application=application, decisions={application.receipts.get().pk: (True, "")}, by=staff["gwa"])
    application_settle(application=application, by=staff["gwa"])  # all of it spent: closed without a reclaim
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(f"/antrag/{token}/rueckforderung.pdf")
    assert response.status_code == 404 and "es gibt kein Rückforderungsschreiben" in response.content.decode()
    assert "rueckforderung.pdf" not in client.get(f"/antrag/{token}/").content.decode()
    # A reclaim of another area stays invisible.
    reclaimed = reclaim_with_letter(aktionsfonds, applicant, staff)
    client.force_login(user_with_role(other_area, Role.STEUERUNG, username="steuerung-nord"))
    assert client.get(f"/gebiet/{other_area.slug}/fonds/antraege/{reclaimed.pk}/rueckforderung.pdf").status_code == 404


def test_the_reclaim_letter_is_kept_after_the_money_came_back(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    application = reclaim_with_letter(aktionsfonds, applicant, staff)
    repayment_record(
        application=application, amount=Decimal("150.00"), received_on=timezone.localdate(), by=staff["gwa"]
    )
    client.force_login(staff["gwa"])
    response = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/rueckforderung.pdf")
    assert response.status_code == 200 and "150,00 €" in pdf_text(response.content)


def test_the_page_of_a_proof_of_use_needs_the_same_queries_for_more_receipts(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object, assert_constant_queries: object
) -> None:
    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00",))
    client.force_login(staff["gwa"])

    def grow() -> None:
        for number in range(3):
            receipt = application.receipts.create(date=timezone.localdate(), vendor=f"Markt {number}", amount=10)
            application.attachments.create(
                file=ContentFile(b"%PDF", name="b.pdf"), name="b.pdf", content_type="application/pdf", size=4,
                kind="beleg", receipt=receipt,
            )  # fmt: skip
            receipts_decide(application=application, decisions={receipt.pk: (False, "zu spät")}, by=staff["gwa"])

    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/"
    assert_constant_queries(lambda: client.get(url), grow)  # type: ignore[operator]
    # Someone who reads but does not check sees the receipts as a table, each with its scans and its decision.
    client.force_login(user_with_role(area, Role.KOORDINATION, username="koord-proof"))
    html = client.get(url).content.decode()
    decided = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    by = staff["gwa"].get_display_name()
    for receipt in application.receipts.filter(vendor__startswith="Markt"):
        scan = receipt.attachments.get()
        assert (
            f"<td>{date_format(receipt.date, 'SHORT_DATE_FORMAT')}</td><td>{receipt.vendor} · "
            f'<a href="/gebiet/{area.slug}/fonds/dateien/{scan.pk}/">Scan</a></td><td class="num">10,00</td>'
            f"<td>Nicht anerkannt: zu spät ({by}, {decided})</td>"
        ) in html


def test_the_applicants_status_page_of_a_reclaim_needs_the_same_queries_for_more_repayments(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object, assert_constant_queries: object
) -> None:
    application = reclaim_with_letter(aktionsfonds, applicant, staff)
    token = access_link_create(application=application, email="aylin@example.org")

    def grow() -> None:
        for _ in range(3):
            repayment_record(
                application=application, amount=Decimal("10"), received_on=timezone.localdate(), by=staff["gwa"]
            )

    count = assert_constant_queries(lambda: client.get(f"/antrag/{token}/"), grow)  # type: ignore[operator]
    assert count <= 9
    assert "noch 120,00 € offen" in client.get(f"/antrag/{token}/").content.decode()
