"""A juror is told of a new ballot by a mail a real worker sends to a real SMTP server, follows its link on a
phone, logs in and votes; and chooses their mails with the keyboard alone (issue #17)."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

import pytest
from playwright.sync_api import expect

from committees.models import Vote
from committees.services.ballots import ballot_open
from demo.factories import PASSWORD
from quartier.forms import LoginForm, MailChoicesForm
from quartier.models import Mail, MailChoices
from tests.browser.fixtures import german
from tests.committees.fixtures import make_ballot
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.browser


def _text_of(message: object) -> str:
    for part in message.walk():  # type: ignore[attr-defined]
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no plain-text part")


def test_a_juror_is_told_of_a_new_ballot_follows_the_link_and_votes(
    phone_page, navigates, axe_check, smtp_server, live_server, settings, jury, jurors
):
    settings.SITE_URL = live_server.url  # the links in the mails lead to this server
    ballot = make_ballot(jury, items=4)
    worker = start_worker("member-mails", smtp_server.env)
    try:
        ballot_open(ballot=ballot, by=None)  # committed: the worker delivers the mails
        received = smtp_server.wait_for(7)
    finally:
        stop_worker(worker)
    assert sorted(message["To"] for message in received) == [f"jury{number}@example.org" for number in range(1, 8)]
    assert set(Mail.objects.filter(kind="committees.ballot_opened").values_list("status", flat=True)) == {"sent"}
    message = next(message for message in received if message["To"] == "jury1@example.org")
    assert ballot.title in str(make_header(decode_header(message["Subject"])))
    text = _text_of(message)
    for item in ballot.items.all():
        assert item.title in text
    link = re.search(rf"{re.escape(live_server.url)}/abstimmungen/\d+/", text)[0]

    page = phone_page
    with navigates(page):
        page.goto(link)  # not logged in yet: the login page, which leads back
    page.get_by_label(german(LoginForm.base_fields["username"].label)).fill("jury1")
    page.get_by_label(german(LoginForm.base_fields["password"].label)).fill(PASSWORD)
    with navigates(page):
        page.get_by_role("main").get_by_role("button", name=german("Log in"), exact=True).click()
    assert page.url == link
    expect(page.get_by_role("heading", level=1)).to_contain_text(ballot.title)

    first = ballot.items.order_by("position").first()
    card = page.locator(f"#item-{first.pk}")
    card.get_by_role("button", name="Ja").click()
    expect(card.get_by_role("button", name="Ja")).to_have_attribute("aria-pressed", "true")
    axe_check(page)
    assert Vote.objects.get(item=first, membership=jurors[0]).choice == "ja"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_member_chooses_a_daily_digest_with_the_keyboard_on_a_phone(
    phone_page, browser_login, navigates, axe_check, jurors
):
    page = phone_page
    browser_login(page, jurors[0].user)
    with navigates(page):
        page.get_by_role("navigation", name=german("Account")).get_by_role("link", name=german("Mails")).click()
    opened = page.get_by_label(german(MailChoicesForm.base_fields["ballot_opened"].label))
    expect(opened).to_be_checked()
    opened.focus()
    page.keyboard.press("Space")  # off
    expect(opened).not_to_be_checked()
    digest = page.get_by_label(german("one summary a day"))
    digest.focus()
    page.keyboard.press("Space")
    expect(digest).to_be_checked()
    page.get_by_role("button", name=german("Save")).focus()
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(german("Your choice of mails is saved."))
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    choices = MailChoices.objects.get(user=jurors[0].user)
    assert (choices.ballot_opened, choices.digest) == (False, True)
