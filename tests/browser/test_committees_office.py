"""The office's committee pages in the browser, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from committees.services.ballots import ballot_open
from demo.factories import UserFactory, user_with_role
from quartier.models import Role
from tests.committees.fixtures import make_ballot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_fixture", ["page", "phone_page"])
def test_committee_list_and_page(request, visit, navigates, browser_login, area, jury, jurors, page_fixture):
    page = request.getfixturevalue(page_fixture)
    ballot_open(ballot=make_ballot(jury, items=2), by=UserFactory())
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/gremien/")
    with navigates(page):
        page.get_by_role("link", name=jury.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(jury.name)
    expect(page.get_by_role("heading", name="Umlauf November", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_public_committee_page_needs_no_login(phone_page, visit, area, jury, jurors):
    visit(phone_page, f"/oeffentlich/{area.slug}/gremien/")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(area.name)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_office_makes_its_own_calendar_link_on_the_committee_page(page, visit, browser_login, axe_check, area, jury):
    import re

    from committees.calendar import committee_for_feed_token
    from tests.browser.fixtures import german

    office = user_with_role(area, Role.KOORDINATION, username="koordination-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/gremien/{jury.pk}/")
    page.locator("#calendar").get_by_role("button", name=german("Make my calendar link")).click()
    field = page.locator("#feed-url")
    expect(field).to_be_visible()
    token = re.search(r"/kalender/([A-Za-z0-9_-]+)\.ics$", field.input_value())[1]
    assert committee_for_feed_token(token) == jury
    axe_check(page)


def test_a_broken_composition_and_a_members_account_in_the_browser(
    page, visit, navigates, browser_login, area, jury, jurors
):
    """The warning of a broken composition rule on the committee page and the list, and a member's account card
    (issue #15, findings 18 and 1): seen, readable, the account removed with one click, and a new one made by
    invitation at the address recorded in the person's data, reached from the card."""
    from actors.models import Person
    from committees.models import Membership

    person = Person.objects.create(area=area, first_name="Ute", last_name="Amt")
    Membership.objects.create(committee=jury, person=person, member_type="verwaltung")  # 7 of 8 residents
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/gremien/{jury.pk}/")
    expect(page.locator(".message--warning")).to_contain_text("87,5 % (7 von 8 stimmberechtigten Mitgliedern)")
    visit(page, f"/gebiet/{area.slug}/gremien/")
    expect(page.locator(".message--warning")).to_contain_text(jury.name)
    visit(page, f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{jurors[0].pk}/")
    expect(page.get_by_role("combobox", name="Konto")).to_have_count(0)  # no account is ever picked
    with navigates(page):
        page.get_by_role("button", name="Konto von dieser Mitgliedschaft entfernen").click()
    expect(page.get_by_role("status")).to_contain_text("Das Konto wurde von der Mitgliedschaft entfernt")
    # The juror has no address in the person data: the card says so and leads there; there is nothing to type.
    card = page.locator("section.card", has=page.locator("#account-heading"))
    expect(card).to_contain_text("Für das Mitglied ist keine E-Mail-Adresse hinterlegt.")
    expect(card.get_by_role("button", name="Konto anlegen")).to_have_count(0)
    expect(card.get_by_role("textbox")).to_have_count(0)
    with navigates(page):
        card.get_by_role("link", name="Adresse in den Personendaten eintragen").click()
    page.get_by_label("E-Mail-Adresse").fill("juror.eins@example.org")
    with navigates(page):
        page.get_by_role("button", name="Speichern").click()
    visit(page, f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{jurors[0].pk}/")
    expect(card).to_contain_text("Die Einladung geht an juror.eins@example.org")
    with navigates(page):
        card.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("juror.eins@example.org bekommt einen Link")
    jurors[0].refresh_from_db()
    assert jurors[0].user.email == "juror.eins@example.org"
