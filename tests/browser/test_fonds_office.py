"""An application from submission through the office's check and a juror's vote on a phone to its approval."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Ballot
from committees.services.ballots import vote_cast
from fonds.models import Application, Status
from fonds.services.applications import application_submit
from tests.fonds.fixtures import make_application

pytestmark = pytest.mark.browser


def test_an_application_is_checked_voted_on_and_approved(
    page, new_page, visit, navigates, axe_check, browser_login, area, aktionsfonds, applicant, jurors, staff
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("800.00", "250.00"))
    application_submit(application=application, by=None)
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee, title="Umlauf Dezember", deadline=timezone.now() + datetime.timedelta(days=3)
    )

    # The office checks the application and puts it on the jury's ballot.
    browser_login(page, staff["gwa"])
    visit(page, f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/")
    with navigates(page):
        page.get_by_role("button", name="Prüfung beginnen").click()
    for criterion in aktionsfonds.criteria.all():
        page.get_by_label(criterion.text).check()
    with navigates(page):
        page.get_by_role("button", name="förderfähig", exact=True).click()
    page.get_by_label("Online-Abstimmung „Umlauf Dezember“ (Entwurf)").check()
    with navigates(page):
        page.get_by_role("button", name="Zur Entscheidung vorlegen").click()
    expect(page.locator(".lead")).to_contain_text("zur Entscheidung")
    with navigates(page):
        page.get_by_role("link", name="Umlauf Dezember").click()
    with navigates(page):
        page.get_by_role("button", name="Abstimmung öffnen").click()

    # Six jurors have voted; the seventh reads the application on the phone and votes yes.
    item = ballot.items.get()
    for member in jurors[1:]:
        vote_cast(item=item, membership=member, choice="ja", by=member.user)
    phone = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    browser_login(phone, jurors[0].user)
    visit(phone, f"/abstimmungen/{ballot.pk}/")
    with navigates(phone):
        phone.get_by_role("link", name="Details und Unterlagen zu „Hoffest im Kiez“").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hoffest im Kiez")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    with navigates(phone):
        phone.get_by_role("link", name="Zurück zur Abstimmung").click()
    card = phone.locator(f"#item-{item.pk}")
    card.get_by_role("button", name="Ja").click()
    expect(card.get_by_role("status")).to_be_visible()
    axe_check(phone)

    # Everyone has voted: the office closes the ballot, and the application is approved by itself.
    visit(page, f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/")
    with navigates(page):
        page.get_by_role("button", name="Abstimmung schließen").click()
    visit(page, f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/")
    expect(page.locator(".lead")).to_contain_text("bewilligt")
    expect(page.locator(".lead")).to_contain_text("1.050,00 € bewilligt")
    assert Application.objects.get().status == Status.APPROVED


def test_the_office_checks_the_receipts_reclaims_and_records_the_repayment(
    page, visit, navigates, browser_login, area, aktionsfonds, applicant, staff
) -> None:
    """The proof of use on the application's page: each receipt accepted or not (with a reason), the settlement,
    the reclaim letter, a repayment in part; the fund's budget bar and the funds overview add up; the applicant sees
    what to pay back and downloads the letter. Every page is checked with axe."""
    from decimal import Decimal

    from fonds.services.public import access_link_create
    from tests.fonds.test_proof import proof_handed_in

    application = proof_handed_in(aktionsfonds, applicant, staff, paid="450.00", receipts=("300.00", "160.00"))
    browser_login(page, staff["gwa"])
    visit(page, f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/")
    first = page.get_by_role("group", name="Beleg 1")
    first.get_by_label("Anerkannt", exact=True).check()
    second = page.get_by_role("group", name="Beleg 2")
    second.get_by_label("Nicht anerkannt", exact=True).check()
    second.get_by_label("Begründung, falls nicht anerkannt").fill("Pfand ist nicht förderfähig.")
    with navigates(page):
        page.get_by_role("button", name="Entscheidungen speichern").click()
    expect(page.locator(".message, [role=status], .messages").first).to_contain_text("2 Belegen")
    with navigates(page):
        page.get_by_role("button", name="Verwendungsnachweis abrechnen").click()
    expect(page.locator(".lead")).to_contain_text("Rückforderung")
    expect(page.get_by_role("link", name="Rückforderung (PDF)")).to_be_visible()

    page.get_by_label("Betrag (€)").last.fill("50,00")
    page.get_by_label("Eingegangen am").fill(timezone.localdate().isoformat())
    with navigates(page):
        page.get_by_role("button", name="Rückzahlung erfassen").click()
    expect(page.locator("#payments")).to_contain_text("150,00 € zurückgefordert, davon 50,00 € zurückgezahlt.")

    visit(page, f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/")
    expect(page.locator(".budget__legend")).to_contain_text("Zurückgezahlt")
    expect(page.locator(".budget__legend")).to_contain_text("9.600,00 €")  # 10,000 − 450 paid + 50 back
    visit(page, f"/gebiet/{area.slug}/fonds/")
    expect(page.get_by_role("row", name="Alle Fonds 2026")).to_contain_text("9.600,00")

    token = access_link_create(application=application, email="aylin@example.org")
    page.context.clear_cookies()
    visit(page, f"/antrag/{token}/")
    expect(page.get_by_role("main")).to_contain_text("noch 100,00 € offen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Rückforderung herunterladen (PDF)").click(modifiers=["Alt"])
    assert download.value.suggested_filename.endswith(".pdf")
    assert Decimal("150.00") == application.__class__.objects.get(pk=application.pk).reclaim_amount
