"""Persons in the browser: live search, the form with an invalid affiliation, erasure with confirmation,
and the pages on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actors.models import Affiliation, Organisation, Person
from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def office(area):
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    ayse = Person.objects.create(
        area=area, first_name="Ayşe", last_name="Demir", email="ayse@example.org", is_key_person=True
    )
    Affiliation.objects.create(person=ayse, organisation=kita, function="Elternvertreterin")
    Person.objects.create(area=area, first_name="Jonas", last_name="Müller", is_resident=True)
    Person.objects.create(area=area, first_name="Karl", last_name="Kanal")
    return user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")


def test_live_search_narrows_the_list_while_typing(page, visit, browser_login, axe_check, area, office):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/personen/")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_role("searchbox", name=german("Search")).fill("dem")  # "dem" is a German stop word, still found
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Demir, Ayşe")
    expect(rows.first).to_contain_text("Kita Sonnenschein")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?q=dem&residence=&legal_basis=&organisation=")
    axe_check(page)
    page.get_by_role("searchbox", name=german("Search")).fill("zzz")
    expect(rows).to_have_count(0)
    expect(page.locator("#results")).to_contain_text(german("No person matches."))
    axe_check(page)


def test_form_refuses_an_affiliation_that_ends_before_it_starts(page, visit, navigates, browser_login, area, office):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/personen/neu/")
    page.get_by_label(german("first name").capitalize()).fill("Lena")
    page.get_by_label(german("last name").capitalize()).fill("Schulz")
    row = page.get_by_role("group", name=german("Add an organisation"))
    row.get_by_label(german("organisation").capitalize()).select_option(label="Kita Sonnenschein")
    row.get_by_label(german("function").capitalize()).fill("Leitung")
    row.get_by_label(german("from").capitalize()).fill("2026-02-01")
    row.get_by_label(german("until").capitalize()).fill("2026-01-01")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    expect(page.get_by_role("alert")).to_contain_text(german("Please correct the marked fields."))
    end = page.get_by_role("group", name=german("Add an organisation")).get_by_label(german("until").capitalize())
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_affiliations-0-end_error")).to_have_text(german("The end cannot be before the start."))
    assert not Person.objects.filter(last_name="Schulz").exists()

    end.fill("2026-12-31")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lena Schulz")
    expect(page.get_by_role("main")).to_contain_text("Kita Sonnenschein – Leitung")
    assert Person.objects.get(last_name="Schulz").affiliation_set.get().function == "Leitung"


def test_erase_needs_the_box_ticked(page, visit, navigates, browser_login, area, office):
    ayse = Person.objects.get(last_name="Demir")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/personen/{ayse.pk}/")
    with navigates(page):
        page.get_by_role("link", name=german("Erase personal data")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ayşe Demir")
    with navigates(page):
        page.get_by_role("button", name=german("Erase personal data")).click()
    expect(page.locator("#id_confirm_error")).to_have_text(german("Tick the box to confirm the erasure."))
    ayse.refresh_from_db()
    assert ayse.erased_at is None

    page.get_by_label(german("I understand that the personal data will be removed and cannot be restored.")).check()
    with navigates(page):
        page.get_by_role("button", name=german("Erase personal data")).click()
    expect(page.get_by_role("status")).to_contain_text(german("The person's data was erased."))
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(2)
    ayse.refresh_from_db()
    assert ayse.erased_at is not None and ayse.last_name == "Gelöschte Person"


@pytest.mark.parametrize("suffix", ["", "neu/", "{pk}/", "{pk}/daten/", "{pk}/loeschen/", "pruefen/"])
def test_pages_fit_a_phone(phone_page, visit, browser_login, area, office, suffix):
    ayse = Person.objects.get(last_name="Demir")
    browser_login(phone_page, office)
    visit(phone_page, f"/gebiet/{area.slug}/personen/" + suffix.format(pk=ayse.pk))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("suffix", ["{pk}/", "{pk}/bearbeiten/", "{pk}/daten/", "pruefen/"])
def test_pages_on_a_desktop(page, visit, browser_login, area, office, suffix):
    ayse = Person.objects.get(last_name="Demir")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/personen/" + suffix.format(pk=ayse.pk))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
