"""A survey's results on a phone: the numbers beside their bars, the filter by language, a free text made a concern
with the keyboard. Every page visited is checked with axe (0 violations) and fits 360 px."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from activation.models import Answer
from actors.models import Concern
from demo.factories import user_with_role
from quartier.models import Role
from tests.activation.test_survey_results import answer, make_survey
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_results_on_a_phone_and_a_free_text_made_a_concern_with_the_keyboard(
    phone_page, visit, navigates, browser_login, area, today
):
    page = phone_page
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    survey = make_survey(area, title="Wie lebt es sich am Kanal?")
    given = [
        ("de", "ja", 5, "Mehr Bänke am Kanalufer, damit Ältere sich ausruhen können."),
        ("tr", "nein", 2, "Parkta daha fazla ağaç"),
        ("de", "ja", 4, ""),
        ("ar", "ja", 3, "نحتاج إلى مزيد من الإضاءة"),
        ("en", "nein", 4, "A repair café"),
    ]
    for days, (language, single, scale, text) in enumerate(given):
        chosen = ("Bänke", "Licht") if days % 2 else ("Bäume",)
        day = today - datetime.timedelta(days=days)
        answer(survey, day=day, single=single, scale=scale, text=text, multiple=chosen, number=str(days + 1),
               language=language)  # fmt: skip
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wie lebt es sich am Kanal?")
    expect(page.get_by_text("5 Fragebögen beantwortet.")).to_be_visible()
    row = page.get_by_role("row", name="ja 3 60,0 %")
    expect(row).to_be_visible()
    assert fits(page)
    # Filter by language with the keyboard.
    page.locator("#id_language").focus()
    page.keyboard.type(german("Turkish"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_text("1 Fragebogen beantwortet passt zum Filter (von 5).")).to_be_visible()
    assert fits(page)
    page.get_by_role("link", name=german("Make a concern of it")).first.focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.locator("#id_text")).to_have_value("Parkta daha fazla ağaç")
    page.locator("#id_place").focus()
    page.keyboard.type("Uferpark")
    with navigates(page):
        page.keyboard.press("Enter")
    concern = Concern.objects.get()
    assert concern.place == "Uferpark" and concern.raised_on == today - datetime.timedelta(days=1)
    assert Answer.objects.get(concern=concern).text == "Parkta daha fazla ağaç"
    visit(page, f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/")
    expect(page.get_by_role("link", name=german("concern made"))).to_have_count(1)
    assert fits(page)
