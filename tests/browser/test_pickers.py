"""The searchable picker (quartier.pickers) in a browser: the search box appears, finds "Kästner" from
"kaestner" in the area's persons, keeps what was chosen, is reached by the keyboard, and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actors.models import Affiliation, ContactNote, Organisation, Person
from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


def test_the_person_picker_searches_and_keeps_the_choice(
    page, visit, browser_login, axe_check, navigates, area, other_area, today
):
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-picker")
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    ayse = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")
    erich = Person.objects.create(area=area, first_name="Erich", last_name="Kästner")
    Affiliation.objects.create(person=erich, organisation=kita)
    Person.objects.create(area=area, first_name="Jonas", last_name="Müller")
    Person.objects.create(area=other_area, first_name="Erich", last_name="Kästner")

    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/kontakte/neu/")
    persons = page.locator("#id_persons")
    search = page.locator("#id_persons_search")
    expect(search).to_be_visible()  # shown by the script; without it the plain select is all there is
    expect(page.get_by_role("searchbox", name=german("Search the list")).first).to_be_visible()
    persons.select_option(str(ayse.pk))  # chosen before the search: it must survive it

    search.focus()
    page.keyboard.type("kaestner")
    expect(persons.locator("option")).to_have_count(2)
    expect(persons.locator("option")).to_have_text(["Ayşe Demir", "Erich Kästner (Kita Sonnenschein)"])
    axe_check(page)
    page.keyboard.press("Tab")
    expect(persons).to_be_focused()
    persons.select_option([str(ayse.pk), str(erich.pk)])

    page.get_by_label(german("topic").capitalize()).fill("Lesung planen")
    page.get_by_label(german("channel").capitalize()).select_option("telefon")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    note = ContactNote.objects.get(topic="Lesung planen")
    assert sorted(note.persons.values_list("pk", flat=True)) == sorted([ayse.pk, erich.pk])
