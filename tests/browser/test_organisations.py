"""Organisations in the browser: live search with htmx, the duplicate warning, a phone-sized list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actors.models import Organisation
from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def office(area):
    for name in ("Kita Sonnenschein", "Nachbarschaftsverein Kanalkiez", "Moscheegemeinde am Ufer"):
        Organisation.objects.create(area=area, name=name)
    return user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")


def test_live_search_narrows_the_list_while_typing(page, visit, browser_login, axe_check, area, office):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/organisationen/")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_role("searchbox", name=german("Search")).fill("kanal")  # one input event: one request, one URL
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nachbarschaftsverein Kanalkiez")
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?q=kanal&kind=&field_of_action=&target_group=&network=&location="
    )
    axe_check(page)


def test_duplicate_name_warns_and_links_to_the_existing_one(page, visit, navigates, browser_login, area, office):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/organisationen/neu/")
    page.get_by_label(german("name").capitalize()).fill("kita sonnenschein")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    alert = page.get_by_role("alert").filter(has_text=german("An organisation with this name exists already"))
    expect(alert).to_be_visible()
    existing = Organisation.objects.get(name="Kita Sonnenschein")
    expect(alert.get_by_role("link", name="Kita Sonnenschein")).to_have_attribute(
        "href", f"/gebiet/{area.slug}/organisationen/{existing.pk}/"
    )
    page.get_by_label(german("Yes, this is a different organisation with the same name")).check()
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("kita sonnenschein")
    assert Organisation.objects.filter(name__iexact="kita sonnenschein").count() == 2


def test_list_fits_a_phone(phone_page, visit, browser_login, area, office):
    browser_login(phone_page, office)
    visit(phone_page, f"/gebiet/{area.slug}/organisationen/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
