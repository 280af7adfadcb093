"""The office enters an event with the keyboard on a phone and records its participants; the public calendar on a
phone. Every page visited is checked with axe (0 violations)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activation.models import Event, Photo
from demo.factories import EventFactory, OrganisationFactory, user_with_role
from quartier.models import Role
from tests.activation.test_views import _photo
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


def test_the_office_enters_an_event_with_the_keyboard_and_records_its_participants(
    phone_page, visit, navigates, browser_login, area, now
):
    page = phone_page
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    OrganisationFactory(area=area, name="Kanalkinder e. V.")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/veranstaltungen/neu/")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.get_by_label(german("Title"), exact=False).first.focus()
    page.keyboard.type("Kiezputz am Kanal")
    page.keyboard.press("Tab")
    page.keyboard.type(german("Action"))  # the select jumps to the typed option
    start = timezone.localtime(now - datetime.timedelta(hours=2))
    page.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill((start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").focus()
    page.keyboard.type("Uferpark")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiezputz am Kanal")
    event = Event.objects.get(title="Kiezputz am Kanal")
    assert event.kind == "aktion" and event.place == "Uferpark"
    page.get_by_role("link", name=german("Record participants")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    page.locator("#id_participants").focus()
    page.keyboard.type("40")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.locator("#participants")).to_contain_text("40")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    event.refresh_from_db()
    assert (event.participants, event.under_18) == (40, 12)


def test_the_public_calendar_on_a_phone(phone_page, visit, area, now):
    page = phone_page
    organisation = OrganisationFactory(area=area, name="Kanalkinder e. V.")
    event = EventFactory(area=area, title="Stadtteilfest am Kanal", place="Uferpark", description="Musik und Essen")
    event.organisations.add(organisation)
    EventFactory(area=area, title="Teamsitzung", public=False)
    visit(page, f"/oeffentlich/{area.slug}/veranstaltungen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(area.name)
    expect(page.get_by_text("Stadtteilfest am Kanal")).to_be_visible()
    expect(page.get_by_text("Kanalkinder e. V.")).to_be_visible()
    expect(page.get_by_text("Teamsitzung")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_office_deletes_a_photo_after_a_page_that_asks_first_with_the_keyboard_on_a_phone(
    phone_page, visit, navigates, browser_login, area, now
):
    page = phone_page
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    event = EventFactory(area=area, title="Hoffest", starts_at=now - datetime.timedelta(days=2))
    photo = _photo(event, consent=True, caption="Bühne am Hof")
    kept = _photo(event, consent=False, caption="Kinderecke")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/")
    page.get_by_role("link", name=german("Delete photo")).first.focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bühne am Hof")
    expect(page.get_by_role("img", name="Bühne am Hof")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert Photo.objects.filter(pk=photo.pk).exists()  # asking deletes nothing
    page.get_by_role("button", name=german("Delete the photo")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_text(german("The photo was deleted."))).to_be_visible()
    assert list(Photo.objects.all()) == [kept]


def test_the_series_form_offers_the_event_form_s_organisers_and_links_on_a_phone(
    phone_page, visit, browser_login, area
):
    page = phone_page
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    OrganisationFactory(area=area, name="Kanalkinder e. V.")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/")
    for label in ("organising organisations", "organising persons", "ISEK measures", "fund applications"):
        expect(page.get_by_label(german(label), exact=False).first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
