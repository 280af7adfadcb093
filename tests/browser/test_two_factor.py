"""Steuerung sets up two-factor login on a phone with the keyboard alone, because the installation requires it,
then logs in again with a code from the app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from demo.factories import user_with_role
from quartier.models import Role
from tests.test_two_factor import code_for

pytestmark = pytest.mark.browser


def test_steuerung_sets_up_the_app_when_required_and_logs_in_with_a_code(
    phone_page, live_server, visit, navigates, browser_login, area, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    page = phone_page
    user = user_with_role(area, Role.STEUERUNG, username="steuerung-user")
    browser_login(page, user)  # the login lands on the set-up page: nothing else opens yet
    expect(page).to_have_url(re.compile(r"/konto/sicherheit/\?next="))
    expect(page.get_by_role("alert")).to_contain_text("Ihre Rolle verlangt die Zwei-Faktor-Anmeldung")
    expect(page.get_by_role("img", name="QR-Code für Ihre Authenticator-App")).to_be_visible()
    key = page.locator("code.secret").inner_text().replace(" ", "")

    # A wrong code first, then the right one, typed and sent with the keyboard.
    field = page.get_by_label("Sechsstelliger Code aus Ihrer App")
    field.focus()
    page.keyboard.type("000000" if code_for(_hex(key)) != "000000" else "111111")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("Dieser Code passt nicht")
    page.get_by_label("Sechsstelliger Code aus Ihrer App").fill(code_for(_hex(key)))
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ihre Wiederherstellungscodes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with navigates(page):
        page.get_by_role("link", name="Weiter").click()
    expect(page).to_have_url(live_server.url + area.get_absolute_url())

    # Log out and in again: the password alone leads to the code page.
    with navigates(page):
        page.get_by_role("button", name="Abmelden").click()
    browser_login(page, user)
    expect(page.get_by_role("heading", name="Anmeldung bestätigen")).to_be_visible()
    page.get_by_role("textbox", name=re.compile(r"^Code")).fill(code_for(_hex(key), 1))
    with navigates(page):
        page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_url(live_server.url + area.get_absolute_url())


def _hex(base32: str) -> str:
    from base64 import b32decode

    return b32decode(base32).hex()
