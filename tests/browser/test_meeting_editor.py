"""The office runs a meeting in the browser: agenda with htmx, attendance with the quorum, minutes; and
drafts, opens and follows a ballot. Keyboard only where a person at the meeting would type fast."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Ballot, Meeting
from demo.factories import user_with_role
from quartier.models import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_fixture", ["page", "phone_page"])
def test_the_office_runs_a_meeting(request, visit, axe_check, browser_login, area, jury, jurors, page_fixture) -> None:
    page = request.getfixturevalue(page_fixture)
    meeting = Meeting.objects.create(
        committee=jury, starts_at=timezone.now() - datetime.timedelta(minutes=30), place="Stadtteilbüro"
    )
    meeting.items.create(position=1, title="Begrüßung")
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # Add an item with the keyboard only: type the title, Enter submits through htmx.
    page.get_by_label("Titel").fill("Antrag Sommerfest")
    page.get_by_label("Titel").press("Enter")
    expect(
        page.get_by_role("status").filter(has_text="„Antrag Sommerfest“ wurde auf die Tagesordnung gesetzt.")
    ).to_be_visible()
    expect(page.locator(".agenda__item h3")).to_have_text(["1. Begrüßung", "2. Antrag Sommerfest"])

    # Move it up with the keyboard: the focus stays with the item; at the top its "Up" is disabled, so the focus goes
    # to its "Down" (static/js/focus.js), and the next Tab goes on from there.
    page.get_by_role("button", name="„Antrag Sommerfest“ nach oben schieben").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda__item h3")).to_have_text(["1. Antrag Sommerfest", "2. Begrüßung"])
    expect(page.get_by_role("button", name="„Antrag Sommerfest“ nach unten schieben")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda__item h3")).to_have_text(["1. Begrüßung", "2. Antrag Sommerfest"])
    expect(page.get_by_role("button", name="„Antrag Sommerfest“ nach oben schieben")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda__item h3")).to_have_text(["1. Antrag Sommerfest", "2. Begrüßung"])

    # Attendance: five of seven present makes the jury quorate (quorum: 4 members).
    for member in jurors[:5]:
        page.get_by_role("group", name=str(member.person)).get_by_label("anwesend").check()
    expect(page.locator("#quorum")).to_contain_text("Beschlussfähig")
    expect(page.locator("#quorum")).to_contain_text("5 von 7")

    # One juror declares a conflict and leaves the room: the office records the recusal, member by member.
    item = meeting.items.get(title="Antrag Sommerfest")
    page.reload()
    editor = page.locator(f"#agenda-item-{item.pk}")
    editor.get_by_label("Befangen bei diesem Punkt").select_option(label=str(jurors[4].person))
    editor.get_by_role("button", name="Befangenheit bei „Antrag Sommerfest“ festhalten").click()
    editor = page.locator(f"#agenda-item-{item.pk}")
    expect(editor).to_contain_text(f"Befangen und nicht abgestimmt: {jurors[4].person}")

    # The counts (the editor stays open), a refused one first; the result is computed by the rule, never chosen.
    expect(editor.locator("details.minutes-editor")).to_have_attribute("open", "")
    editor.get_by_label("Ja").fill("5")
    editor.get_by_label("Nein", exact=True).fill("0")
    editor.get_by_label("Enthaltungen").fill("0")
    expect(editor.get_by_label("Ergebnis")).to_have_count(0)
    editor.get_by_role("button", name="Protokoll zu „Antrag Sommerfest“ speichern").click()
    editor = page.locator(f"#agenda-item-{item.pk}")
    expect(editor.locator(".error-summary")).to_be_visible()
    expect(editor.locator(".errorlist")).to_contain_text("übersteigen die anwesenden stimmberechtigten Mitglieder")
    editor.get_by_label("Ja").fill("3")
    editor.get_by_label("Nein", exact=True).fill("1")
    editor.get_by_role("button", name="Protokoll zu „Antrag Sommerfest“ speichern").click()
    editor = page.locator(f"#agenda-item-{item.pk}")
    expect(editor.get_by_role("status")).to_contain_text("ist gespeichert")
    expect(editor.locator(".result")).to_contain_text("abgelehnt: 3 Ja, nötig sind 4 von 6 Mitgliedern (1 befangen)")
    axe_check(page)
    item.refresh_from_db()
    assert (item.yes, item.no, item.abstain, item.recusals, item.result) == (3, 1, 0, 1, "abgelehnt")


def test_the_office_drafts_and_opens_a_ballot(page, visit, navigates, browser_login, area, jury, jurors) -> None:
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/gremien/{jury.pk}/abstimmungen/neu/")
    page.get_by_label("Titel").fill("Umlauf Dezember")
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Frist").fill(deadline)
    with navigates(page):
        page.get_by_role("button", name="Speichern").click()
    page.get_by_label("Titel").fill("Antrag Nachbarschaftscafé")
    with navigates(page):
        page.get_by_role("button", name="Punkt hinzufügen").click()
    expect(page.get_by_role("heading", name="1. Antrag Nachbarschaftscafé")).to_be_visible()
    with navigates(page):
        page.get_by_role("button", name="Abstimmung öffnen").click()
    expect(page.get_by_text("Die Abstimmung ist geöffnet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Wer hat abgestimmt")).to_be_visible()
    assert Ballot.objects.get(title="Umlauf Dezember").status == Ballot.Status.OPEN
