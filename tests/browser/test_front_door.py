"""The public front door in the browser, on a 360 px phone and at desktop width: the front page, an area's public
page and a legal text, each checked with axe; the way to apply is reached with the keyboard alone."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import AgendaItem, Meeting
from demo.factories import FundFactory, QuartierFactory
from fonds.models import Application, Fund
from fonds.services.links import access_link_create
from quartier.models import LegalText
from quartier.services import area_update
from tests.browser.fixtures import german
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone_page", "page"]


def fits(page) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width}px: content is {scroll_width}px wide"


@pytest.fixture
def public_area(area, role_users, jury, applicant, staff):
    """The area as a resident finds it: the office with every way to reach it, a fund taking applications with
    an approved project, the jury's coming meeting and a published decision."""
    now = timezone.now()
    area_update(
        area=area,
        by=role_users["gwa"],
        data={
            "office_address": "Stadtteilbüro Kiez am Kanal\nUferstraße 12\n12345 Beispielstadt",
            "opening_hours": "Di 10–13 Uhr\nDo 15–18 Uhr",
            "office_email": "stadtteilbuero@kiez-am-kanal.example.org",
            "office_phone": "0123 456 78-0",
            "description": "Gründerzeitquartier am Kanal mit Großwohnsiedlung im Norden. Schwerpunkte: Nachbarschaft.",
        },
    )
    fund = FundFactory(
        area=area, year=timezone.localdate().year, name="Aktionsfonds", cap=Decimal("1500.00"),
        office_limit=Decimal("500.00"), committee=jury, criteria=["kommt der Nachbarschaft im Gebiet zugute"],
    )  # fmt: skip
    fund.rounds.create(deadline=now + datetime.timedelta(days=20))
    approved(
        make_application(fund, person=applicant, costs=("250.00",), title="Lesecafé im Nachbarschaftstreff"), staff
    )
    Meeting.objects.create(
        committee=jury,
        starts_at=now + datetime.timedelta(days=9),
        status=Meeting.Status.INVITED,
        place="Nachbarschaftstreff, Schleusenweg 4",
    )
    held = Meeting.objects.create(
        committee=jury, starts_at=now - datetime.timedelta(days=30), status=Meeting.Status.APPROVED, place="Büro"
    )
    AgendaItem.objects.create(
        meeting=held, position=1, title="Aktionsfonds: Bücherschrank am Kanal – 800 €", result="angenommen",
        yes=6, no=0, abstain=1,
    )  # fmt: skip
    return area


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_the_front_page_leads_to_each_area_and_to_the_login(request, visit, navigates, public_area, page_fixture):
    QuartierFactory(slug="nordstadt", name="Nordstadt", description="Großwohnsiedlung der 1970er Jahre.")
    page = request.getfixturevalue(page_fixture)
    visit(page, "/")
    fits(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(german("Your neighbourhood office"))
    expect(page.get_by_role("link", name="Nordstadt")).to_be_visible()
    expect(page.get_by_role("link", name=german("Log in"))).to_be_visible()
    with navigates(page):
        page.get_by_role("link", name=public_area.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(public_area.name)


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_the_area_page_on_a_phone_and_a_desktop(request, visit, public_area, page_fixture, _axe_guard):
    page = request.getfixturevalue(page_fixture)
    visit(page, f"/oeffentlich/{public_area.slug}/")
    fits(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="stadtteilbuero@kiez-am-kanal.example.org")).to_be_visible()
    expect(main.get_by_text("Nachbarschaftstreff, Schleusenweg 4")).to_be_visible()
    expect(main.get_by_text("Aktionsfonds: Bücherschrank am Kanal – 800 €")).to_be_visible()
    expect(main.get_by_text("Lesecafé im Nachbarschaftstreff")).to_be_visible()
    footer = page.get_by_role("navigation", name=german("Legal notices"))
    expect(footer.get_by_role("link", name=german("Imprint"))).to_have_attribute(
        "href", f"/oeffentlich/{public_area.slug}/impressum/"
    )
    if page_fixture == "phone_page":
        _axe_guard.screenshot(page, "public-area")


def test_the_way_to_apply_is_reached_with_the_keyboard(phone_page, visit, navigates, public_area):
    page = phone_page
    visit(page, f"/oeffentlich/{public_area.slug}/")
    fund = Fund.objects.get(area=public_area)
    apply = page.get_by_role("link", name=german("Apply")).filter(has_text=f"{fund.name} {fund.year}")
    for _ in range(40):
        page.keyboard.press("Tab")
        if apply.evaluate("link => link === document.activeElement"):
            break
    expect(apply).to_be_focused()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(german("About you"))


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_a_legal_text_and_its_placeholder(request, visit, navigates, area, page_fixture):
    LegalText.objects.create(
        area=area, kind="barrierefreiheit", feedback_email="barrierefreiheit@kiez-am-kanal.example.org",
        text="Diese Seiten sind weitgehend barrierefrei.\n\nWas ist noch nicht barrierefrei?\nDie PDF-Berichte.",
    )  # fmt: skip
    page = request.getfixturevalue(page_fixture)
    visit(page, f"/oeffentlich/{area.slug}/barrierefreiheit/")
    fits(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(german("Accessibility statement"))
    expect(page.get_by_role("link", name="barrierefreiheit@kiez-am-kanal.example.org")).to_be_visible()
    with navigates(page):
        page.get_by_role("navigation", name=german("Legal notices")).get_by_role("link", name=german("Imprint")).click()
    expect(page.get_by_text(german("The operator of these pages has not filled in this text yet."))).to_be_visible()


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_every_public_page_has_no_axe_violation_on_a_phone_and_a_desktop(request, visit, public_area, page_fixture):
    """Every page a resident reaches without an account, at 360 px and at 1,280 px (``visit`` runs axe): the
    front door, the legal texts, the funds, the committees, the form's first step, a private link's page and a
    link that is not valid."""
    page = request.getfixturevalue(page_fixture)
    slug = public_area.slug
    fund = Fund.objects.get(area=public_area, name="Aktionsfonds")
    application = Application.objects.get(fund=fund, title="Lesecafé im Nachbarschaftstreff")
    token = access_link_create(application=application, email="aylin@example.org")
    paths = [
        "/", f"/oeffentlich/{slug}/", "/impressum/", "/datenschutz/", "/barrierefreiheit/",
        f"/oeffentlich/{slug}/impressum/", f"/oeffentlich/{slug}/datenschutz/", f"/oeffentlich/{slug}/fonds/",
        f"/oeffentlich/{slug}/gremien/",
        f"/oeffentlich/{slug}/fonds/{fund.pk}/antrag/", f"/antrag/{token}/",
    ]  # fmt: skip
    for path in paths:
        visit(page, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], path
    visit(page, "/antrag/kein-gueltiger-link/", status=404)
