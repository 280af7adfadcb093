"""The public pages in German, English, Turkish and Arabic on a 360 px phone, each checked with axe (Arabic laid out
right to left), the language chosen with the switch in the header by the keyboard; and an application made in
Arabic from the fund list to the confirmation, with the mail that confirms it in Arabic."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from committees.models import AgendaItem, Meeting
from demo.factories import EventFactory
from fonds.models import Application, Fund, Status
from quartier.languages import NATIVE_NAMES
from quartier.models import Mail

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "tr", "ar"]


def said(language: str, message: str) -> str:
    """``message`` as the server says it in ``language``."""
    with translation.override(language):
        return translation.gettext(message)


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways at 360 px: content is {width}px wide"


def choose_with_the_keyboard(page, navigates, language: str) -> None:
    """Tab to the language's button in the header's switch and press Enter."""
    button = page.get_by_role("form", name=re.compile(".")).get_by_role("button", name=NATIVE_NAMES[language])
    page.keyboard.press("Tab")  # the skip link first
    for _press in range(30):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    with navigates(page):
        page.keyboard.press("Enter")


@pytest.fixture
def public_area(area, jury, aktionsfonds):
    now = timezone.now()
    area.office_address = "Stadtteilbüro Kiez am Kanal\nUferstraße 12\n12345 Beispielstadt"
    area.opening_hours = "Di 10–13 Uhr"
    area.office_email = "buero@kiez.example.org"
    area.save()
    aktionsfonds.rounds.create(deadline=now + datetime.timedelta(days=20))
    Meeting.objects.create(
        committee=jury, starts_at=now + datetime.timedelta(days=9), status=Meeting.Status.INVITED, place="Treff"
    )
    held = Meeting.objects.create(
        committee=jury, starts_at=now - datetime.timedelta(days=30), status=Meeting.Status.APPROVED, place="Büro"
    )
    AgendaItem.objects.create(
        meeting=held, position=1, title="Bücherschrank am Kanal – 800 €", result="angenommen", yes=6, no=0, abstain=1
    )
    EventFactory(area=area, title="Stadtteilcafé", kind="sprechstunde")  # the public calendar has an entry
    return area


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_pages_in_each_language_on_a_phone(phone_page, visit, navigates, public_area, language):
    page = phone_page
    visit(page, "/")
    choose_with_the_keyboard(page, navigates, language)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(said(language, "Your neighbourhood office"))
    expect(page.get_by_role("button", name=NATIVE_NAMES[language])).to_have_attribute("aria-current", "true")
    fits_the_phone(page)
    slug = public_area.slug
    fund = Fund.objects.get(area=public_area)
    for path in [
        f"/oeffentlich/{slug}/",
        f"/oeffentlich/{slug}/fonds/",
        f"/oeffentlich/{slug}/gremien/",
        f"/oeffentlich/{slug}/fonds/{fund.pk}/antrag/",
        f"/oeffentlich/{slug}/impressum/",
        f"/oeffentlich/{slug}/veranstaltungen/",
        "/antrag/kein-gueltiger-link/",
    ]:
        visit(page, path, status=404 if path.startswith("/antrag/") else None)  # remembered: the cookie
        expect(html).to_have_attribute("lang", language)
        fits_the_phone(page)
    if language == "ar":  # mirrored: the switch and the skip link's target start at the right
        visit(page, f"/oeffentlich/{slug}/fonds/")
        box = page.locator(".language-switch").bounding_box()
        heading = page.get_by_role("heading", level=1).bounding_box()
        assert heading["x"] + heading["width"] > 300, "the heading does not start at the right"
        assert box["x"] < 180, "the switch is not at the end (the left) of the header"


def test_an_application_made_in_arabic_from_the_fund_list_to_the_confirmation_and_its_mail(
    phone_page, visit, navigates, axe_check, public_area
):
    page = phone_page
    visit(page, f"/oeffentlich/{public_area.slug}/fonds/")
    choose_with_the_keyboard(page, navigates, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with navigates(page):
        page.get_by_role("link", name=said("ar", "Apply")).first.click()

    # Step 1, sent with a mistake first: the refusal in Arabic.
    expect(page.get_by_role("heading", level=1)).to_contain_text(said("ar", "About you"))
    page.get_by_label(said("ar", "first name")).fill("ليلى")
    page.get_by_label(said("ar", "last name")).fill("حداد")
    page.get_by_label(said("ar", "email address")).fill("laila@")
    page.get_by_label(said("ar", "I live in the area.")).check()
    page.get_by_label(said("ar", "I am at least 16 years old.")).check()
    with navigates(page, status=400):
        page.get_by_role("button", name=said("ar", "Save and continue")).click()
    expect(page.get_by_role("main")).to_contain_text(
        said("ar", "Please enter a valid email address, for example name@example.org.")
    )
    fits_the_phone(page)
    page.get_by_label(said("ar", "email address")).fill("laila@example.org")
    with navigates(page):
        page.get_by_role("button", name=said("ar", "Save and continue")).click()
    application = Application.objects.get()
    assert application.language == "ar"

    # Step 2: the project.
    expect(page.get_by_role("heading", level=1)).to_contain_text(said("ar", "Your project"))
    page.get_by_label(said("ar", "Title of your project")).fill("مقهى القراءة في الحي")
    page.get_by_label(said("ar", "What do you plan to do?")).fill("لقاء أسبوعي للقراءة مع الجيران.")
    with navigates(page):
        page.get_by_role("button", name=said("ar", "Save and continue")).click()

    # Step 3: the costs.
    expect(page.get_by_role("heading", level=1)).to_contain_text(said("ar", "Costs"))
    first = page.get_by_role("group", name=said("ar", "Cost item %(number)s") % {"number": 1})
    first.get_by_label(said("ar", "What for?")).fill("كتب")
    first.get_by_label(said("ar", "amount (€)")).fill("250")
    fits_the_phone(page)
    with navigates(page):
        page.get_by_role("button", name=said("ar", "Save and continue")).click()

    # Step 4: no attachment; step 5: check and hand in.
    expect(page.get_by_role("heading", level=1)).to_contain_text(said("ar", "Attachments"))
    with navigates(page):
        page.get_by_role("button", name=said("ar", "Continue to the next step")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(said("ar", "Check and hand in"))
    fits_the_phone(page)
    with navigates(page):
        page.get_by_role("button", name=said("ar", "Hand in the application")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        said("ar", "Thank you! Your application has been handed in.")
    )
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    fits_the_phone(page)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.language == "ar"

    # The mails to the applicant are Arabic: the private link, and the confirmation.
    subjects = list(Mail.objects.filter(to="laila@example.org").order_by("pk").values_list("subject", flat=True))
    assert subjects == [
        said("ar", "Your application to %(fund)s: your private link") % {"fund": Fund.objects.get(area=public_area)},
        said("ar", "Your application “%(title)s” has been received") % {"title": "مقهى القراءة في الحي"},
    ]
    confirmation = Mail.objects.filter(to="laila@example.org").order_by("pk").last()
    assert said("ar", "Hello %(name)s,") % {"name": "ليلى حداد"} in confirmation.body
    assert said("ar", "Here you can see at any time where your application stands:") in confirmation.body
    assert said("ar", "Imprint") in confirmation.body
