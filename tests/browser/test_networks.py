"""Networks in the browser: the network picture with its field-of-action filter (htmx and without JS),
on a desktop and a phone, and the network form refusing an invalid member row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from actors.models import Network, NetworkMembership, Organisation
from demo.factories import user_with_role
from quartier.models import FieldOfAction, Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def networks(area):
    bildung = FieldOfAction.objects.get(key="bildung")
    raum = FieldOfAction.objects.get(key="oeffentlicher-raum")
    orgs = [Organisation.objects.create(area=area, name=name) for name in (
        "Kita Sonnenschein", "Astrid-Lindgren-Schule", "Nachbarschaftsverein Kanalkiez", "Jugendclub Kanal",
        "Wohnungsbau Kanal eG", "Moscheegemeinde am Ufer",
    )]  # fmt: skip
    kinder = Network.objects.create(area=area, name="Runder Tisch Kinder", kind=Network.Kind.ROUND_TABLE)
    kinder.fields_of_action.add(bildung)
    gruen = Network.objects.create(area=area, name="AG Grün und Sauberkeit", kind=Network.Kind.WORKING_GROUP)
    gruen.fields_of_action.add(raum)
    konferenz = Network.objects.create(area=area, name="Stadtteilkonferenz Kiez am Kanal", kind="konferenz")
    konferenz.fields_of_action.add(bildung, raum)
    for network, members in ((kinder, orgs[:4]), (gruen, orgs[2:]), (konferenz, orgs[::2])):
        for organisation in members:
            NetworkMembership.objects.create(network=network, organisation=organisation)
    return {"kinder": kinder, "gruen": gruen, "konferenz": konferenz, "orgs": orgs, "raum": raum}


@pytest.fixture
def coordinator(area):
    return user_with_role(area, Role.KOORDINATION, username="koordination-user")


def test_picture_filters_by_field_of_action_in_place(
    page, visit, browser_login, axe_check, area, networks, coordinator
):
    browser_login(page, coordinator)
    visit(page, f"/gebiet/{area.slug}/netzwerke/bild/")
    picture = page.get_by_role("img", name=german("Networks and their member organisations"))
    expect(picture).to_be_visible()
    expect(picture.locator("circle")).to_have_count(3)
    expect(picture.locator("rect")).to_have_count(6)
    table = page.get_by_role("table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.get_by_role("link", name="Nachbarschaftsverein Kanalkiez")).to_have_count(3)

    page.get_by_label(german("Field of action"), exact=True).select_option(
        label=networks["raum"].name
    )  # htmx swaps in place
    expect(table.locator("tbody tr")).to_have_count(2)
    picture = page.locator("#picture svg[role=img]")
    expect(picture.locator("circle")).to_have_count(2)
    expect(picture.locator("rect")).to_have_count(5)
    expect(page.locator("#picture-summary")).to_have_text(re.compile(r"^\D*2\D+5\D+7\D*$"))  # networks, orgs, lines
    expect(page.locator("#picture-summary")).to_have_count(1)
    expect(page.locator("#picture-summary > *")).to_have_count(0)  # its text was swapped, not a copy nested in it
    expect(page).to_have_url(f"{page.url.split('?')[0]}?field_of_action={networks['raum'].pk}")
    assert "Runder Tisch Kinder" not in table.inner_text()
    axe_check(page)


def test_picture_filter_works_as_a_plain_form(page, visit, navigates, browser_login, area, networks, coordinator):
    """Without JavaScript the filter is an ordinary GET form. (axe needs JavaScript, so instead of switching
    it off, the form is replaced by a copy without htmx's attributes and listeners.)"""
    browser_login(page, coordinator)
    visit(page, f"/gebiet/{area.slug}/netzwerke/bild/")
    page.locator("form.filters").evaluate(
        """form => {
            const plain = form.cloneNode(true);
            for (const name of plain.getAttributeNames()) if (name.startsWith("hx-")) plain.removeAttribute(name);
            form.replaceWith(plain);
        }"""
    )
    page.get_by_label(german("Field of action"), exact=True).select_option(label=networks["raum"].name)
    with navigates(page):
        page.get_by_role("button", name=german("Show")).click()
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_label(german("Field of action"), exact=True)).to_have_value(str(networks["raum"].pk))


def test_picture_fits_a_phone(phone_page, visit, browser_login, area, networks, coordinator):
    browser_login(phone_page, coordinator)
    visit(phone_page, f"/gebiet/{area.slug}/netzwerke/bild/")
    box = phone_page.locator("#picture svg[role=img]").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_form_refuses_an_invalid_member_row_and_keeps_the_input(page, visit, navigates, browser_login, area, networks):
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/netzwerke/neu/")
    page.get_by_label(german("name").capitalize()).fill("AG Spielplätze")
    first = page.locator("#member-1")
    first.get_by_label(german("organisation").capitalize()).select_option(label="Kita Sonnenschein")
    second = page.locator("#member-2")
    second.get_by_label(german("organisation").capitalize()).select_option(label="Jugendclub Kanal")
    second.get_by_label(german("from").capitalize()).fill("2026-03-01")
    second.get_by_label(german("until").capitalize()).fill("2026-02-01")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    expect(page.get_by_role("alert")).to_contain_text(german("Please correct the marked fields."))
    expect(page.locator("#member-2 .errorlist")).to_have_text(german("The end cannot be before the start."))
    expect(page.locator("#member-1 .errorlist")).to_have_count(0)
    expect(page.get_by_label(german("name").capitalize())).to_have_value("AG Spielplätze")
    assert not Network.objects.filter(name="AG Spielplätze").exists()

    second.get_by_label(german("until").capitalize()).fill("")
    with navigates(page):
        page.get_by_role("button", name=german("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AG Spielplätze")
    expect(page.locator("#member-organisations").get_by_role("link")).to_have_text(
        ["Jugendclub Kanal", "Kita Sonnenschein"]
    )


def test_list_and_network_page_fit_a_phone(phone_page, visit, browser_login, area, networks, coordinator):
    browser_login(phone_page, coordinator)
    visit(phone_page, f"/gebiet/{area.slug}/netzwerke/")
    expect(phone_page.get_by_role("table").locator("tbody tr")).to_have_count(3)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    visit(phone_page, f"/gebiet/{area.slug}/netzwerke/{networks['kinder'].pk}/")
    expect(phone_page.locator("#member-organisations").get_by_role("link")).to_have_count(4)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
