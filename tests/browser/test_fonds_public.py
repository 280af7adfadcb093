"""A resident applies on a 360 px phone, mostly with the keyboard: from the open funds through every step
of the form (the cost plan with htmx) to the confirmation and the status page, later the proof of use;
with the axe check on every page shown."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actors.models import Person
from demo.factories import user_with_role
from fonds.models import Application, Attachment, Status
from fonds.services.applications import (
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
    application_submit,
)
from fonds.services.links import access_link_create
from fonds.services.payments import payment_record, payment_release
from quartier.models import Role
from tests.browser.fixtures import german
from tests.fonds.fixtures import make_application
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def item(number: int) -> str:
    return german("Cost item %(number)s") % {"number": number}


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways at 360 px"


def test_a_resident_applies_on_a_phone_from_the_fund_list_to_the_confirmation(
    phone_page, visit, navigates, axe_check, area, aktionsfonds, tmp_path, smtp_server, live_server, settings
):
    settings.SITE_URL = live_server.url  # the links in the mails lead to this server
    worker = start_worker("applicant-applies", smtp_server.env)
    try:
        _applies(phone_page, visit, navigates, axe_check, area, aktionsfonds, tmp_path, smtp_server, live_server)
    finally:
        stop_worker(worker)


def _applies(phone_page, visit, navigates, axe_check, area, aktionsfonds, tmp_path, smtp_server, live_server):
    page = phone_page
    visit(page, f"/oeffentlich/{area.slug}/fonds/")
    fits_the_phone(page)
    apply = page.get_by_role("link", name=german("Apply")).filter(has_text="Aktionsfonds 2026")
    apply.focus()
    with navigates(page):
        page.keyboard.press("Enter")

    # Step 1: who applies. Sent empty first: the errors keep the layout of a phone.
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("About you"))
    with navigates(page, status=400):
        page.get_by_role("button", name=german("Save and continue")).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    fits_the_phone(page)
    age_error = page.locator(".field--checkbox .errorlist")
    age_box = page.get_by_label(german("I am at least 16 years old."))
    assert age_error.bounding_box()["y"] + age_error.bounding_box()["height"] <= age_box.bounding_box()["y"]
    axe_check(page)
    # The honeypot is not in the tab order.
    page.get_by_label(german("first name")).fill("Aylin")
    page.get_by_label(german("last name")).fill("Yıldız")
    page.get_by_label(german("email address")).fill("aylin@example.org")
    page.get_by_label(german("I live in the area.")).press("Space")
    age = page.get_by_label(german("I am at least 16 years old."))
    age.press("Space")
    expect(age).to_be_checked()
    age.press("Tab")
    expect(page.get_by_role("link", name=german("Back to the funds"))).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=german("Save and continue"))).to_be_focused()
    fits_the_phone(page)
    with navigates(page):
        page.keyboard.press("Enter")

    # Step 2: the project.
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("Your project"))
    page.get_by_label(german("Title of your project")).fill("Hoffest am Kanal")
    page.get_by_label(german("What do you plan to do?")).fill("Ein Fest für alle im Hof.")
    page.get_by_label(german("start"), exact=True).fill("2026-12-12")
    page.get_by_label(german("end"), exact=True).fill("2026-12-12")
    page.get_by_label(german("How many people do you expect?")).fill("80")
    page.get_by_role("group", name=german("Which topics does the project concern?")).get_by_role(
        "checkbox"
    ).first.press("Space")
    fits_the_phone(page)
    page.get_by_role("button", name=german("Save and continue")).focus()
    with navigates(page):
        page.keyboard.press("Enter")

    # Step 3: the cost plan, rows added and removed with htmx, totals computed by the server as typed.
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("Costs"))
    first = page.get_by_role("group", name=item(1))
    first.get_by_label(german("What for?")).fill("Zeltmiete")
    first.get_by_label(german("amount (€)")).fill("300")
    page.get_by_role("button", name=german("Add a cost item")).press("Enter")
    second = page.get_by_role("group", name=item(2))
    expect(second).to_be_visible()
    expect(second.get_by_label(german("Kind of cost"))).to_be_focused()  # typing goes on in the new row
    axe_check(page)
    second.get_by_label(german("Kind of cost")).select_option("verpflegung")
    second.get_by_label(german("What for?")).fill("Getränke")
    second.get_by_label(german("amount (€)")).fill("150,50")
    page.get_by_role("button", name=german("Add a cost item")).press("Enter")
    third = page.get_by_role("group", name=item(3))
    expect(third.get_by_label(german("Kind of cost"))).to_be_focused()
    third.get_by_role("button").press("Enter")  # remove it again
    expect(third).to_have_count(0)
    expect(page.get_by_role("button", name=german("Add a cost item"))).to_be_focused()
    page.get_by_label(german("Own money (€)")).fill("50")
    totals = page.locator("#pub-totals")
    expect(totals).to_contain_text("450,50 €")
    expect(totals.locator(".pub-sum__result")).to_contain_text("400,50 €")
    axe_check(page)
    fits_the_phone(page)
    page.get_by_role("button", name=german("Save and continue")).focus()
    with navigates(page):
        page.keyboard.press("Enter")

    # Step 4: an attachment (optional).
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("Attachments"))
    offer = tmp_path / "Angebot Zelt.pdf"
    offer.write_bytes(PDF)
    page.get_by_role("region", name=german("Add a file")).get_by_label(german("File")).set_input_files(str(offer))
    page.get_by_role("button", name=german("Upload file")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("list").filter(has_text="Angebot Zelt.pdf")).to_be_visible()
    fits_the_phone(page)
    # A second file chosen, and "Continue" pressed without "Upload file": it goes up on the way.
    plan = tmp_path / "Plan Hof.pdf"
    plan.write_bytes(PDF)
    page.get_by_role("region", name=german("Add a file")).get_by_label(german("File")).set_input_files(str(plan))
    page.get_by_role("button", name=german("Continue to the next step")).focus()
    with navigates(page):
        page.keyboard.press("Enter")

    # Step 5: check and hand in.
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("Check and hand in"))
    expect(page.get_by_role("main")).to_contain_text("Plan Hof.pdf")
    expect(page.get_by_role("main")).to_contain_text("Hoffest am Kanal")
    expect(page.get_by_role("main")).to_contain_text("400,50 €")
    fits_the_phone(page)
    page.get_by_role("button", name=german("Hand in the application")).focus()
    with navigates(page):
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(german("Thank you! Your application has been handed in."))
    fits_the_phone(page)
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED and application.applicant_to_review
    assert (application.total_costs, application.requested) == (Decimal("450.50"), Decimal("400.50"))
    assert sorted(application.attachments.values_list("name", "kind")) == [
        ("Angebot Zelt.pdf", Attachment.Kind.DOCUMENT),
        ("Plan Hof.pdf", Attachment.Kind.DOCUMENT),
    ]

    with navigates(page):  # the private link on the confirmation leads to the status page
        page.get_by_role("main").locator(".pub-link a").click()
    expect(page.get_by_role("main")).to_contain_text(german("You handed in the application."))
    fits_the_phone(page)

    # Later: the money is paid; the mail that says so (from the SMTP server) leads to the proof of use.
    assert _mail_to(smtp_server, "aylin@example.org", "ist eingegangen")  # the confirmation came by mail too
    pay(application, area)
    paid = _link_in(_mail_to(smtp_server, "aylin@example.org", "Geld ausgezahlt"), live_server)
    visit(page, paid + "nachweis/")
    fits_the_phone(page)
    page.get_by_role("link", name=german("Add another receipt")).press("Enter")
    fourth = page.get_by_role("group", name=german("Receipt %(number)s") % {"number": 4})
    expect(fourth.get_by_label(german("date"))).to_be_focused()
    axe_check(page)
    first = page.get_by_role("group", name=german("Receipt %(number)s") % {"number": 1})
    first.get_by_label(german("date")).fill("2026-12-12")
    first.get_by_label(german("Shop or company")).fill("Zeltverleih Kanal")
    first.get_by_label(german("amount (€)")).fill("450,50")
    page.get_by_label(german("What happened? A short report")).fill("Ein schönes Fest mit 80 Gästen.")
    page.get_by_role("button", name=german("Hand in the proof of use")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text(german("You handed in the proof of use."))
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED

    visit(page, "/antrag/kein-gueltiger-link/", status=404)  # a wrong link: the same page for everyone
    expect(page.get_by_role("heading", level=1)).to_have_text(german("This link is not valid"))
    fits_the_phone(page)


def pay(application: Application, area) -> None:
    """The office's side, up to the payment."""
    gwa = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-browser")
    steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-browser")
    application_review(application=application, by=gwa)
    checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=gwa)
    application_put_forward(application=application, by=gwa)
    application_decide(application=application, decision="approve", by=steuerung)
    application_commit(application=application, by=steuerung)
    payment = payment_record(
        application=application, amount=application.requested, paid_on=timezone.localdate(), method="bar", by=gwa
    )
    payment_release(payment=payment, by=steuerung)


def _mail_to(smtp_server, address: str, kind_words: str, *, seconds: float = 60):
    """The first mail the SMTP server received for ``address`` whose subject holds ``kind_words``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in smtp_server.received:
            subject = str(make_header(decode_header(message["Subject"])))
            if message["To"] == address and kind_words in subject:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} about {kind_words!r}: {[m['Subject'] for m in smtp_server.received]}")


def _link_in(message, live_server) -> str:
    text = next(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/plain"
    )
    return re.search(rf"{re.escape(live_server.url)}(/antrag/[\w-]+/)", text).group(1)


def test_a_resident_answers_the_question_through_the_mails_link_and_later_downloads_the_letter(
    phone_page, visit, navigates, axe_check, area, aktionsfonds, tmp_path, smtp_server, live_server, settings
):
    """From the query mail's private link at 360 px: the answer with a plan, and after the decision the letter,
    through the decision mail's link. A real worker sends every mail to a real SMTP server on loopback."""

    settings.SITE_URL = live_server.url  # the links in the mails lead to this server
    worker = start_worker("applicant-journey", smtp_server.env)
    try:
        _journey(phone_page, visit, navigates, area, aktionsfonds, tmp_path, smtp_server, live_server)
    finally:
        stop_worker(worker)


def _journey(phone_page, visit, navigates, area, aktionsfonds, tmp_path, smtp_server, live_server) -> None:
    gwa = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-browser")
    steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-browser")
    person = Person.objects.create(area=area, first_name="Aylin", last_name="Yıldız", email="aylin@example.org")
    application = make_application(aktionsfonds, person=person, costs=("300.00", "150.00"), title="Hoffest am Kanal")
    access_link_create(application=application, email=person.email)
    Application.objects.filter(pk=application.pk).update(description="Ein Fest für alle im Hof.")
    application_submit(application=application, by=None)
    application_review(application=application, by=gwa)
    application_query(application=application, question="Wo genau im Hof? Bitte einen Lageplan.", by=gwa)
    link = _link_in(_mail_to(smtp_server, "aylin@example.org", "Rückfrage"), live_server)

    page = phone_page
    visit(page, link)
    fits_the_phone(page)
    question = page.get_by_role("region", name=german("The question of the neighbourhood office"))
    expect(question).to_contain_text("Wo genau im Hof? Bitte einen Lageplan.")
    plan = tmp_path / "Lageplan.pdf"
    plan.write_bytes(PDF)
    question.get_by_label(german("Your answer")).fill("Im hinteren Hof, neben dem Spielplatz.")
    question.get_by_label(german("A file (optional)")).set_input_files(str(plan))
    question.get_by_role("button", name=german("Send the answer and hand in again")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text(german("You handed in the changed application."))
    expect(page.get_by_role("main")).to_contain_text("Im hinteren Hof, neben dem Spielplatz.")
    fits_the_phone(page)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.attachments.get().name == "Lageplan.pdf"

    # Later: the office decides, and the letter is downloaded through the same link.
    application_review(application=application, by=gwa)
    checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=gwa)
    application_put_forward(application=application, by=gwa)
    application_decide(application=application, decision="approve", by=steuerung)
    link = _link_in(_mail_to(smtp_server, "aylin@example.org", "bewilligt"), live_server)  # a link of its own
    visit(page, link)
    fits_the_phone(page)
    expect(page.get_by_role("main")).to_contain_text(german("The application was approved."))
    download = page.get_by_role("link", name=german("Download the approval letter (PDF)"))
    href = download.get_attribute("href")
    assert href == f"{link}bescheid.pdf"
    letter = page.request.get(urlsplit(page.url)._replace(path=href).geturl())
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
