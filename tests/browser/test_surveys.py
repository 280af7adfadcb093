"""Surveys in the browser: a resident answers on a 360 px phone with the keyboard only, in German and in Arabic (right
to left), first sending too little and seeing the error at its question; the office builds a questionnaire with a
question of each kind, opens it and sees its QR code and poster. Every page is checked with axe (0 violations)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from activation.models import Response, Survey
from demo.factories import user_with_role
from quartier.models import Role
from tests.activation.survey_fixtures import by_kind, survey_of_every_kind
from tests.browser.test_languages import fits_the_phone, said

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_resident_answers_on_a_phone_with_the_keyboard(phone_page, visit, navigates, live_server, area, language):
    page = phone_page
    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    page.context.add_cookies([{"name": "quartier_language", "value": language, "url": live_server.url}])
    visit(page, f"/oeffentlich/{area.slug}/umfragen/{survey.key}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    fits_the_phone(page)
    send = page.get_by_role("button", name=said(language, "Send my answers"))
    # Sent without the required scale: the error stands at its question, and what was chosen stays.
    page.locator(f"#id_q{q['single'].pk}_0").focus()
    page.keyboard.press("Space")
    send.focus()
    with navigates(page, status=400):
        page.keyboard.press("Enter")
    expect(page.locator(f"#question-{q['scale'].pk} .errorlist")).to_have_text(
        said(language, "Please answer this question.")
    )
    expect(page.locator(f"#id_q{q['single'].pk}_0")).to_be_checked()
    fits_the_phone(page)
    # Now the whole questionnaire, by the keyboard: Tab from question to question, Space and arrows to choose.
    page.locator(f"#id_q{q['multiple'].pk}_0").focus()
    page.keyboard.press("Space")  # Bänke
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Licht
    page.keyboard.press("Tab")  # into the scale
    page.keyboard.press("Space")  # 1
    for _step in range(3):
        page.keyboard.press("ArrowDown")  # … 4
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("Mehr Licht am Kanal")
    page.keyboard.press("Tab")
    expect(send).to_be_focused()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(said(language, "Thank you for your answers"))
    fits_the_phone(page)
    response = Response.objects.get()
    assert response.language == language
    answers = {
        (a.question.kind, a.choice.label if a.choice else None, a.number, a.text) for a in response.answers.all()
    }
    assert answers == {
        ("single", "ja", None, ""),
        ("multiple", "Bänke", None, ""),
        ("multiple", "Licht", None, ""),
        ("scale", None, 4, ""),
        ("number", None, 12, ""),
        ("text", None, None, "Mehr Licht am Kanal"),
    }
    # The device remembers it: a second visit is told so, with a way for another person.
    visit(page, f"/oeffentlich/{area.slug}/umfragen/{survey.key}/")
    expect(page.get_by_role("link", name=said(language, "Answer as another person"))).to_be_visible()
    fits_the_phone(page)


def test_the_office_builds_a_questionnaire_opens_it_and_sees_its_qr_code(page, visit, navigates, browser_login, area):
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/umfragen/")
    with navigates(page):
        page.get_by_role("link", name="Neue Umfrage").click()
    page.locator("#id_title").fill("Wohnumfeld am Kanal")
    page.locator("#id_introduction").fill("Das Stadtteilbüro fragt nach Ihrer Meinung.")
    with navigates(page):
        page.get_by_role("button", name="Speichern").click()
    survey = Survey.objects.get()
    questions = [
        ("single", "Wohnen Sie im Gebiet?", {"#id_choices": "ja\nnein"}),
        ("multiple", "Was fehlt?", {"#id_choices": "Bänke\nBäume\nLicht"}),
        ("scale", "Wie zufrieden sind Sie mit dem Wohnumfeld?", {"#id_scale_max_label": "sehr zufrieden"}),
        ("number", "Wie viele Menschen leben im Haushalt?", {"#id_number_min": "1"}),
        ("text", "Was sollte sich ändern?", {}),
    ]
    for kind, text, extra in questions:
        with navigates(page):
            page.get_by_role("link", name="Frage hinzufügen").click()
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_text").fill(text)
        for selector, value in extra.items():
            page.locator(selector).fill(value)
        with navigates(page):
            page.get_by_role("button", name="Speichern").click()
    assert [q.kind for q in survey.questions.order_by("position")] == ["single", "multiple", "scale", "number", "text"]
    with navigates(page):
        page.get_by_role("button", name="Umfrage öffnen").click()
    expect(page.locator(".lead .tag")).to_have_text("Offen")
    qr = page.get_by_role("img", name="QR-Code des öffentlichen Links")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    link = page.locator(".pub-link a")
    expect(link).to_have_text(re.compile(f"/oeffentlich/{area.slug}/umfragen/{survey.key}/$"))
    with navigates(page):
        page.get_by_role("link", name="Plakat zum Drucken (A4)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wohnumfeld am Kanal")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".poster__qr")).to_be_visible()
