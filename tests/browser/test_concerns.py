"""The concerns board on a phone and a desktop, and a status step that is refused and then taken."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from actors.models import Concern
from demo.factories import user_with_role
from quartier.models import FieldOfAction, Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def office(area):
    return user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")


@pytest.fixture
def concerns(area, today):
    field = FieldOfAction.objects.first()
    made = {}
    for number, status in enumerate(Concern.Status.values):
        made[status] = Concern.objects.create(
            area=area,
            text=f"Anliegen {number}: Die Beleuchtung am Kanalweg zwischen Brücke und Spielplatz fehlt seit Wochen.",
            place="Kanalweg, Höhe Hausnummer 12",
            field_of_action=field,
            raised_on=today - datetime.timedelta(days=number),
            status=status,
            forwarded_to="Straßen- und Grünflächenamt Mitte" if status != "neu" else "",
        )
    return made


def column_boxes(page):
    return [column.bounding_box() for column in page.locator(".board__column").all()]


@pytest.mark.parametrize("page_fixture", ["phone_page", "page"])
def test_board_shows_a_column_per_status_and_fits_the_screen(
    request, visit, browser_login, area, office, concerns, page_fixture
):
    page = request.getfixturevalue(page_fixture)
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/anliegen/")
    headings = page.get_by_role("heading", level=2)
    expect(headings).to_have_count(len(Concern.Status.values))
    for index, (_status, label) in enumerate(Concern.Status.choices):
        expect(headings.nth(index)).to_contain_text(german(label))
        expect(headings.nth(index)).to_contain_text("(1)")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = column_boxes(page)
    if width <= 400:
        assert len({round(box["x"]) for box in boxes}) == 1, "on a phone the columns stack"
    else:
        assert round(boxes[0]["y"]) == round(boxes[1]["y"]), "on a desktop the columns stand side by side"


def test_board_search_narrows_the_cards(page, visit, browser_login, axe_check, area, office, concerns, today):
    Concern.objects.create(area=area, text="Der Bolzplatz braucht ein neues Tor.", raised_on=today)
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/anliegen/")
    cards = page.locator(".board__card")
    expect(cards).to_have_count(6)
    page.get_by_role("searchbox", name=german("Search")).fill("bolz")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Bolzplatz")
    axe_check(page)


def test_refused_step_explains_itself_and_then_goes_through(
    page, visit, navigates, browser_login, area, office, concerns
):
    concern = concerns["neu"]
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/anliegen/{concern.pk}/")
    step = page.get_by_role("combobox", name=german("New status"))
    step.select_option(label=german(Concern.Status.NOT_FEASIBLE.label))
    with navigates(page):
        page.get_by_role("button", name=german("Change status")).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(german("Say why the concern cannot be carried out."))
    concern.refresh_from_db()
    assert concern.status == "neu" and not concern.status_changes.exists()

    page.get_by_role("combobox", name=german("New status")).select_option(
        label=german(Concern.Status.NOT_FEASIBLE.label)
    )
    page.get_by_label(german("Note")).fill("Die Fläche gehört der Bahn; dort darf nichts gebaut werden.")
    with navigates(page):
        page.get_by_role("button", name=german("Change status")).click()
    outcome = page.get_by_role("region", name=german("What became of it"))
    expect(outcome).to_contain_text(german(Concern.Status.NOT_FEASIBLE.label))
    expect(outcome).to_contain_text("Die Fläche gehört der Bahn")
    concern.refresh_from_db()
    assert concern.status == "nicht_umsetzbar" and concern.status_changes.count() == 1
