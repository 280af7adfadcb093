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
