"""Quick contact entry with htmx (refused, then saved) on the organisation and person pages, and ticking off a
follow-up in the list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.text import capfirst
from playwright.sync_api import expect

from actors.models import ContactNote, Organisation, Person
from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def office(area):
    return user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")


@pytest.fixture
def kita(area, office, today):
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    earlier = ContactNote.objects.create(
        area=area,
        date=today - datetime.timedelta(days=3),
        staff=office,
        channel="buero",
        topic="Sommerfest besprochen",
    )
    earlier.organisations.add(kita)
    return kita


def label(field: str) -> str:
    return capfirst(german(ContactNote._meta.get_field(field).verbose_name))


def quick_entry(page, axe_check, kita: Organisation | Person) -> None:
    """On a page with the include: load the form, be refused, then save; the list shows the new note."""
    card = page.locator("#quick-contact")
    topic = page.get_by_label(label("topic"))
    expect(topic).to_be_visible()  # htmx has loaded the form
    # Today as the server saw it when it made the form.
    expect(page.get_by_label(label("date"))).to_have_value(timezone.localdate().isoformat())
    axe_check(page)

    page.get_by_label(label("text")).fill("Leitung ruft wegen der Begehung zurück.")
    page.get_by_role("button", name=german("Save contact")).click()
    summary = page.locator("#quick-contact .error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#quick_topic_error")).to_have_text("Dieses Feld ist zwingend erforderlich.")
    expect(page.get_by_label(label("text"))).to_have_value("Leitung ruft wegen der Begehung zurück.")
    assert not ContactNote.objects.filter(topic="").exists() and ContactNote.objects.count() == 1
    axe_check(page)

    page.get_by_label(label("topic")).fill("Rückruf Leitung")
    page.get_by_label(label("channel")).select_option("telefon")
    page.get_by_role("button", name=german("Save contact")).click()
    items = page.locator("#quick-contact .recent-contacts li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Rückruf Leitung")
    expect(page.locator("#quick-contact [role=status]")).to_contain_text("Rückruf Leitung")
    expect(page.get_by_label(label("topic"))).to_have_value("")  # a fresh form for the next one
    expect(card).to_be_visible()
    axe_check(page)
    created = ContactNote.objects.get(topic="Rückruf Leitung")
    actors = list(created.organisations.all()) + list(created.persons.all())
    assert actors == [kita] and created.channel == "telefon"


@pytest.fixture
def ayse(area, office, today):
    ayse = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")
    earlier = ContactNote.objects.create(
        area=area, date=today - datetime.timedelta(days=3), staff=office, channel="buero", topic="Erstgespräch"
    )
    earlier.persons.add(ayse)
    return ayse


def test_quick_entry_on_the_person_page(page, visit, browser_login, axe_check, area, office, ayse):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/personen/{ayse.pk}/")
    quick_entry(page, axe_check, ayse)


def test_quick_entry_on_the_organisation_page(page, visit, browser_login, axe_check, area, office, kita):
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/organisationen/{kita.pk}/")
    quick_entry(page, axe_check, kita)


def test_follow_up_is_ticked_off_in_the_list(page, visit, browser_login, axe_check, area, office, kita, today):
    note = ContactNote.objects.create(
        area=area,
        date=today,
        staff=office,
        channel="telefon",
        topic="Angebot schicken",
        follow_up_due=today - datetime.timedelta(days=1),
        follow_up_assignee=office,
    )
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/kontakte/")
    cell = page.locator(f"#follow-up-{note.pk}")
    expect(cell).to_contain_text(german("overdue"))
    cell.get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(cell.get_by_role("button")).to_contain_text(german("Open again"))
    expect(cell.get_by_role("button")).to_be_focused()  # the focus stays on the button it replaced
    expect(cell.locator(".tag")).to_have_text(german("done"))
    axe_check(page)
    note.refresh_from_db()
    assert note.follow_up_done


def test_a_follow_up_nobody_can_do_is_given_to_someone_else_from_the_dashboard(
    page, visit, navigates, browser_login, axe_check, area, office, today
):
    """The assignee became Koordination: the office finds the follow-up on its dashboard, the form says why,
    and it is given to a colleague who can read it (a coordinator is not offered)."""
    from quartier.models import RoleAssignment
    from quartier.services import role_grant, role_revoke

    leaving = user_with_role(area, Role.PLANUNG, username="planung-user", display_name="Paula Planerin")
    colleague = user_with_role(area, Role.STEUERUNG, username="steuerung-user", display_name="Sven Steuer")
    note = ContactNote.objects.create(
        area=area,
        date=today,
        staff=office,
        channel="telefon",
        topic="Spielplatz klären",
        follow_up_due=today + datetime.timedelta(days=3),
        follow_up_assignee=leaving,
    )
    role_revoke(assignment=RoleAssignment.objects.get(user=leaving, area=area), by=None)
    role_grant(user=leaving, area=area, role=Role.KOORDINATION, by=None)

    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Wiedervorlagen ohne Zuständige"))
    expect(section).to_contain_text("war für Paula Planerin")
    axe_check(page)
    with navigates(page):
        section.get_by_role("link", name="Spielplatz klären").click()
    assignee = page.get_by_label(label("follow_up_assignee"))
    expect(page.get_by_text("Paula Planerin darf in diesem Gebiet keine Kontaktnotizen mehr lesen")).to_be_visible()
    axe_check(page)
    assignee.select_option(label="Sven Steuer")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    note.refresh_from_db()
    assert note.follow_up_assignee == colleague
    visit(page, f"/gebiet/{area.slug}/")
    expect(page.get_by_role("heading", name="Wiedervorlagen ohne Zuständige")).to_have_count(0)
