"""Logging in and out in a real browser, by mouse and by keyboard alone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.factories import user_with_role
from quartier.forms import LoginForm
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser

# From Django's own German catalogue, so German already today.
REQUIRED_DE = "Dieses Feld ist zwingend erforderlich."
EMAIL_DE = "E-Mail-Adresse"


def username_field(page):
    return page.get_by_label(german(LoginForm.base_fields["username"].label))


def password_field(page):
    return page.get_by_label(german(LoginForm.base_fields["password"].label))


def login_button(page):
    return page.get_by_role("main").get_by_role("button", name=german("Log in"), exact=True)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_logs_in_and_sees_the_dashboard(page, live_server, browser_login, area, role):
    user = user_with_role(area, role, username=f"{role.value}-user", display_name=f"Erika {role.value.title()}")

    browser_login(page, user)

    expect(page).to_have_url(live_server.url + area.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
    # Exactly the user's own role, with its (German) label.
    expect(page.get_by_role("main").locator(".tag")).to_have_text([german(role.label)])
    expect(page.get_by_role("navigation", name=german("Account"))).to_contain_text(user.display_name)
    expect(page.get_by_role("navigation", name=german("Area"))).to_be_visible()


def test_wrong_password_shows_the_error_and_stays_on_login(page, live_server, visit, navigates, area):
    user = user_with_role(area, Role.PLANUNG, username="planung-user")
    login_url = live_server.url + reverse("login")
    visit(page, reverse("login"))

    username_field(page).fill(user.username)
    password_field(page).fill("not-the-password")
    with navigates(page):
        login_button(page).click()

    expect(page).to_have_url(login_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(german("Log in"))
    expect(page.get_by_role("alert")).to_contain_text(german(LoginForm.error_messages["invalid_login"]))
    expect(username_field(page)).to_have_value(user.username)
    expect(password_field(page)).to_have_value("")


def test_empty_login_form_shows_german_field_errors(page, visit, navigates, db):
    visit(page, reverse("login"))

    with navigates(page):
        login_button(page).click()

    for field in (username_field(page), password_field(page)):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(REQUIRED_DE)


def test_keyboard_only_login(page, live_server, visit, navigates, area):
    user = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    visit(page, reverse("login"))
    keyboard = page.keyboard

    # The username field has autofocus; before it come the skip link, the brand link and the language switch
    # (the office's languages: German and English).
    expect(username_field(page)).to_be_focused()
    keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_focused()
    keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Deutsch", exact=True)).to_be_focused()
    keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Quartier", exact=True)).to_be_focused()
    keyboard.press("Shift+Tab")
    skip_link = page.get_by_role("link", name=german("Skip to content"))
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    # The skip link jumps to the content; the next Tab is the first field there.
    keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    keyboard.press("Tab")
    expect(username_field(page)).to_be_focused()
    keyboard.type(user.username)
    keyboard.press("Tab")
    expect(password_field(page)).to_be_focused()
    keyboard.type("test-password-1")
    keyboard.press("Tab")
    expect(login_button(page)).to_be_focused()
    with navigates(page):
        keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + area.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)


def test_logout_returns_to_the_login_page(page, live_server, visit, navigates, browser_login, area):
    user = user_with_role(area, Role.KOORDINATION, username="koordination-user")
    browser_login(page, user)

    with navigates(page):
        page.get_by_role("navigation", name=german("Account")).get_by_role("button", name=german("Log out")).click()

    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text(german("Log in"))
    expect(page.get_by_role("navigation", name=german("Account"))).to_have_count(0)

    # The session is gone: the dashboard asks for a login again.
    visit(page, area.get_absolute_url())
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("login")) + r"\?next="))


def test_password_reset_from_form_to_new_login(page, live_server, visit, navigates, browser_login, area, mailoutbox):
    user = user_with_role(area, Role.PLANUNG, username="vergesslich")
    visit(page, reverse("password_reset"))
    email = page.get_by_label(EMAIL_DE)
    send = page.get_by_role("main").get_by_role("button")

    with navigates(page):
        send.click()
    expect(email).to_have_accessible_description(REQUIRED_DE)

    email.fill(user.email)
    with navigates(page):
        send.click()
    expect(page).to_have_url(live_server.url + reverse("password_reset_done"))
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/konto/passwort/neu/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    visit(page, link.group(0).removeprefix(live_server.url))
    new_password = "Kanalufer-Laterne-42"
    # Both labels start with "Neues Passwort"; the ids tell them apart.
    page.locator("#id_new_password1").fill(new_password)
    page.locator("#id_new_password2").fill(new_password)
    with navigates(page):
        page.get_by_role("main").get_by_role("button").click()
    expect(page).to_have_url(live_server.url + reverse("password_reset_complete"))

    browser_login(page, user, password=new_password)
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
