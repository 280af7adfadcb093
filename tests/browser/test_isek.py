"""Planning works with the ISEK in the browser: the measures table (filter, sort), a measure's page with a
progress note typed with the keyboard, the timeline, the financing overview and the indicators' charts; the
coordinator reads the same pages on a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from demo.factories import user_with_role
from isek.models import Financing, PlannedCost, Spending, Version
from quartier.models import Role

pytestmark = pytest.mark.browser


def test_planning_filters_sorts_and_notes_progress(page, visit, navigates, axe_check, browser_login, area, isek):
    planner = user_with_role(area, Role.PLANUNG, username="planung-user")
    browser_login(page, planner)
    visit(page, f"/gebiet/{area.slug}/isek/")
    expect(page.get_by_role("heading", name="Ein lebendiger Kiez für alle")).to_be_visible()

    with navigates(page):
        page.get_by_role("navigation", name="ISEK").get_by_role("link", name="Maßnahmen").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)

    # Filter: non-investive only (htmx swaps the results and keeps the URL in step).
    page.locator("summary", has_text="Filter").click()
    page.get_by_label("Art").select_option("nicht_investiv")
    expect(page.locator(".result-count")).to_contain_text("2 Maßnahmen")
    expect(page).to_have_url(re.compile(r"kind=nicht_investiv"))
    axe_check(page)

    # Sort by number, descending: the second click on the heading reverses.
    page.get_by_role("link", name="Nr.").click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("td").first).to_have_text("M-4")
    axe_check(page)

    # Open the measure and add a progress note with the keyboard only.
    with navigates(page):
        page.get_by_role("link", name="Maßnahme M-4").click()
    page.get_by_text("Sachstand ergänzen").focus()
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Sachstand").fill("Die Gruppe trifft sich jetzt wöchentlich.")
    page.keyboard.press("Tab")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("Der Sachstand wurde ergänzt.")
    expect(page.locator("#progress")).to_contain_text("Die Gruppe trifft sich jetzt wöchentlich.")

    for tab, picture in (("Zeitplan", "svg.gantt"), ("Finanzierung", "svg.stacked"), ("Indikatoren", "svg.line-chart")):
        with navigates(page):
            page.get_by_role("navigation", name="ISEK").get_by_role("link", name=tab).click()
        expect(page.locator(picture).first).to_be_visible()


def test_the_coordinator_reads_the_pictures_on_a_phone(phone_page, visit, browser_login, area, isek: Version):
    page = phone_page
    coordinator = user_with_role(area, Role.KOORDINATION, username="koordination-user")
    browser_login(page, coordinator)
    for path in ("isek/", "isek/massnahmen/", "isek/zeitplan/", "isek/finanzen/", "isek/indikatoren/"):
        visit(page, f"/gebiet/{area.slug}/{path}")
        # The page itself never scrolls sideways; wide pictures and tables scroll in their own region.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], path
    expect(page.locator("svg.line-chart")).to_have_count(2)
    expect(page.get_by_role("link", name="Neuer Indikator")).to_have_count(0)


def test_the_financing_table_fits_a_desktop_screen(page, visit, browser_login, area, isek: Version):
    """Sixteen columns of amounts in the millions: on a 1,280 px screen the table shows whole, without scrolling in
    its region."""
    assert page.viewport_size["width"] == 1280
    for model in (Financing, PlannedCost):
        model.objects.filter(measure__version=isek).update(amount=Decimal("4321987.65"))
    Financing.objects.filter(measure__version=isek, source="bund").update(source="privat")  # every source in use
    Spending.objects.filter(measure__version=isek).update(amount=Decimal("1234567.89"))
    browser_login(page, user_with_role(area, Role.PLANUNG, username="planung-finanzen"))
    visit(page, f"/gebiet/{area.slug}/isek/finanzen/")
    region = page.get_by_role("region", name="Finanzierung je Jahr und Quelle")
    expect(region.locator("table")).to_be_visible()
    assert region.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth"), region.evaluate(
        "wrap => [wrap.scrollWidth, wrap.clientWidth]"
    )
    expect(region.locator("thead abbr").first).to_have_attribute("title", "Städtebauförderung: Bund")
