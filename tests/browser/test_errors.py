"""Error pages in the browser: German and accessible."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_unknown_url_shows_the_german_404_page(page, visit, browser_login, area, logged_in):
    if logged_in:
        browser_login(page, user_with_role(area, Role.PLANUNG, username="planung-user"))

    visit(page, "/gibt-es-nicht/", status=404)

    expect(page.locator("html")).to_have_attribute("lang", "de")
    # "Page not found" is German even before the project's catalogue: Django's admin translates it.
    heading = german("Page not found")
    assert heading != "Page not found"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page).to_have_title(f"{heading} · Quartier")
    expect(page.get_by_role("main").get_by_role("link")).to_have_attribute("href", reverse("home"))
