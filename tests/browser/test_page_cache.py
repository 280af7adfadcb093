"""The page cache in a real browser against the live server: a page opened again is served from Redis,
and what another person saves (a real commit) is seen at the next reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quartier import pagecache
from quartier.models import Role
from quartier.services import quartier_update
from tests.browser.fixtures import german
from tests.factories import user_with_role

pytestmark = pytest.mark.browser


class ServedCounter:
    """The page cache's Redis client, counting the kept pages it hands out (the live server runs in this
    process, so the middleware uses it)."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.served = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def get(self, key: str, *args: object, **kwargs: object) -> object:
        value = self.real.get(key, *args, **kwargs)  # type: ignore[attr-defined]
        if isinstance(value, dict) and "content" in value:
            self.served += 1
        return value


def test_a_page_opened_again_is_served_and_another_persons_change_shows_at_the_next_reload(
    new_page, visit, navigates, browser_login, area, monkeypatch
):
    counter = ServedCounter(pagecache.cache)
    monkeypatch.setattr(pagecache, "cache", counter)
    worker = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    steering = user_with_role(area, Role.STEUERUNG, username="steuerung-user")
    quartier_update(quartier=area, by=steering, data={"opening_hours": "Mo 9–12 Uhr"})

    phone = new_page(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True)
    browser_login(phone, worker)
    for _ in range(3):
        visit(phone, area.get_absolute_url())
    expect(phone.get_by_text("Mo 9–12 Uhr")).to_be_visible()
    assert counter.served >= 1, "the dashboard opened again was built each time"

    desk = new_page()
    browser_login(desk, steering)
    visit(desk, f"/gebiet/{area.slug}/profil/")
    desk.get_by_label("Sprechzeiten").fill("Mi 14–17 Uhr")
    with navigates(desk):
        desk.get_by_role("button", name=german("Save"), exact=True).click()
    expect(desk.get_by_text(german("Saved."))).to_be_visible()

    served = counter.served
    visit(phone, area.get_absolute_url())
    expect(phone.get_by_text("Mi 14–17 Uhr")).to_be_visible()
    expect(phone.get_by_text("Mo 9–12 Uhr")).to_have_count(0)
    assert counter.served == served, "the page from before the change was served"
