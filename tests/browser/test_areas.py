"""Moving between areas, and the dashboard's layout on a phone and on a desktop."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actors.models import Concern, Organisation
from actors.services.concerns import concern_create, concern_set_status
from actors.services.networks import MemberRow, network_create
from actors.services.organisations import organisation_create, organisation_update
from demo.factories import FundFactory, MeasureFactory, VersionFactory, user_with_role
from fonds.models import Application, Payment, Status
from isek.models import Measure, Milestone
from quartier.models import FieldOfAction, Role
from quartier.services import area_update, role_grant
from tests.browser.fixtures import german
from tests.fonds.fixtures import make_application

pytestmark = pytest.mark.browser


def test_area_switcher_goes_to_the_other_area(page, live_server, navigates, browser_login, area, other_area):
    user = user_with_role(area, Role.PLANUNG, username="multi")
    role_grant(user=user, area=other_area, role=Role.GEMEINWESENARBEIT, by=None)

    browser_login(page, user)
    # Two areas: the start page lets the user choose.
    expect(page).to_have_url(live_server.url + reverse("home"))
    with navigates(page):
        page.get_by_role("main").get_by_role("link", name=area.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)

    switcher = page.get_by_role("combobox", name=german("Area"))
    expect(switcher).to_have_value(area.slug)
    switcher.select_option(label=other_area.name)
    with navigates(page):
        page.get_by_role("button", name=german("Switch")).click()

    expect(page).to_have_url(live_server.url + other_area.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(other_area.name)
    expect(switcher).to_have_value(other_area.slug)
    expect(page.get_by_role("main").locator(".tag")).to_have_text([german(Role.GEMEINWESENARBEIT.label)])


@pytest.fixture
def busy_user(area, other_area):
    """The widest header and fullest dashboard: long name, two areas, steering (team and history)."""
    user = user_with_role(
        area, Role.STEUERUNG, username="steuerung-user", display_name="Maximiliane Müller-Lüdenscheidt-Schwarzenberg"
    )
    role_grant(user=user, area=other_area, role=Role.PLANUNG, by=None)
    user_with_role(area, Role.PLANUNG, display_name="Jonas Weber")
    user_with_role(area, Role.GEMEINWESENARBEIT, display_name="Aylin Demir")
    area_update(area=area, by=user, data={"opening_hours": "Di 10–13 Uhr\nDo 15–18 Uhr"})
    # What needs her now: a payment another person recorded, a new application, a measure behind schedule.
    office = user_with_role(area, Role.GEMEINWESENARBEIT, display_name="Konstantin Papadopoulos-Schmidt")
    today = timezone.localdate()
    fund = FundFactory(area=area, name="Verfügungsfonds Kiez am Kanal", year=today.year)
    verein = Organisation.objects.create(area=area, name="Nachbarschaftsverein Kanalufer e. V.")
    application = make_application(fund, organisation=verein, title="Sommerfest im Innenhof der Kanalstraße 12–18")
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    Payment.objects.create(
        application=application, amount=Decimal("1250.00"), paid_on=today, method="ueberweisung",
        recorded_by=office, recorded_at=timezone.now(),
    )  # fmt: skip
    measure = MeasureFactory(
        version=VersionFactory(area=area), title="Umgestaltung des Spielplatzes an der Uferpromenade",
        end=today - datetime.timedelta(days=90), status=Measure.Status.RUNNING,
    )  # fmt: skip
    Milestone.objects.create(measure=measure, date=today, title="Bürgerbeteiligung zur Spielplatzplanung")
    return user


def assert_fits(page) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width}px: content is {scroll_width}px wide"


@pytest.mark.parametrize("page_fixture", ["phone_page", "page"])
def test_dashboard_fits_the_viewport(request, visit, browser_login, area, busy_user, page_fixture):
    page = request.getfixturevalue(page_fixture)

    browser_login(page, busy_user)  # the login form, then the start page listing both areas
    assert_fits(page)
    visit(page, area.get_absolute_url())
    assert_fits(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
    expect(page.get_by_role("combobox", name=german("Area"))).to_be_visible()
    expect(page.get_by_role("heading", name=german("Team"))).to_be_visible()
    payments = page.get_by_role("heading", name=german("Payments to release"))
    expect(payments).to_be_visible()
    expect(page.locator("#payments-waiting-heading ~ ul")).to_contain_text("1.250,00 €")
    expect(page.get_by_role("heading", name=german("Measures behind schedule"))).to_be_visible()
    expect(page.get_by_role("heading", name=german("New applications"))).to_be_visible()


@pytest.mark.parametrize("page_fixture", ["phone_page", "page"])
def test_area_history_reads_in_german_fits_and_filters(
    request, visit, axe_check, browser_login, area, busy_user, page_fixture
):
    """The area's history with changes of several kinds: it fits the screen, and the filter by kind narrows it in
    place (htmx), with the address kept in step."""
    page = request.getfixturevalue(page_fixture)
    kita = organisation_create(
        area=area, data={"name": "Kita Sonnenschein am Landwehrkanal", "kind": "verein"}, by=busy_user
    )
    organisation_update(
        organisation=kita,
        data={
            "kind": Organisation.Kind.DAYCARE,
            "inside_area": False,
            "fields_of_action": list(FieldOfAction.objects.all()),
        },
        by=busy_user,
    )
    network_create(
        area=area, data={"name": "Runder Tisch Kinder und Jugend"}, members=[MemberRow(organisation=kita)], by=busy_user
    )
    concern = concern_create(
        area=area, data={"text": "Die Schaukel am Spielplatz ist defekt", "raised_on": "2026-01-05"}, by=busy_user
    )
    concern_set_status(concern=concern, to_status=Concern.Status.FORWARDED, by=busy_user, forwarded_to="Grünflächenamt")

    browser_login(page, busy_user)
    visit(page, reverse("area_history", args=[area.slug]))
    assert_fits(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("an die Verwaltung weitergeleitet")
    expect(main).to_contain_text("Kita Sonnenschein am Landwehrkanal als Mitglied im Netzwerk")

    page.get_by_text(german("Filters"), exact=True).click()
    page.get_by_label(german("Kind of object")).select_option("actors.organisation")
    expect(main).not_to_contain_text("weitergeleitet")
    expect(main).to_contain_text("Organisation „Kita Sonnenschein am Landwehrkanal“ angelegt")
    expect(page).to_have_url(re.compile(r"kind=actors\.organisation"))
    axe_check(page)
    assert_fits(page)
