"""A juror on a phone: vote, change the vote, declare a conflict, and see the results once the ballot closes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actors.models import Person
from committees.models import Ballot, Committee, Membership, Participation, Vote
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from demo.factories import UserFactory
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser


@pytest.fixture
def jury_ballot(area):
    jury = Committee.objects.create(
        area=area, name="Aktionsfondsjury", kind=Committee.Kind.ACTION_FUND_JURY, quorum_members=2
    )
    members = []
    for number in range(1, 4):
        person = Person.objects.create(area=area, first_name="Jury", last_name=f"Mitglied {number}", is_resident=True)
        members.append(
            Membership.objects.create(
                committee=jury, person=person, user=UserFactory(username=f"jury{number}"), member_type="bewohner"
            )
        )
    ballot = Ballot.objects.create(
        committee=jury, title="Aktionsfonds November", deadline=timezone.now() + datetime.timedelta(days=5)
    )
    ballot.items.create(position=1, title="Nachbarschaftsfest am Kanalufer – 1.200 €")
    ballot.items.create(position=2, title="Bücherschrank am Spielplatz – 800 €")
    ballot_open(ballot=ballot, by=None)
    return ballot, members


def test_juror_votes_changes_declares_a_conflict_and_sees_the_result(
    phone_page, visit, navigates, browser_login, axe_check, jury_ballot
):
    ballot, members = jury_ballot
    page = phone_page
    browser_login(page, members[0].user)  # a juror lands on "My ballots"
    expect(page.get_by_role("heading", level=1)).to_have_text(german("My ballots"))
    with navigates(page):
        page.get_by_role("link", name="Aktionsfonds November").click()

    fest, shelf = ballot.items.order_by("position")
    fest_card = page.locator(f"#item-{fest.pk}")
    fest_card.get_by_role("button", name="Ja").click()
    expect(fest_card.get_by_role("status")).to_be_visible()
    expect(fest_card.get_by_role("button", name="Ja")).to_have_attribute("aria-pressed", "true")
    axe_check(page)

    fest_card.get_by_role("button", name="Nein").click()  # a change of mind
    expect(fest_card.get_by_role("button", name="Nein")).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.get(item=fest, membership=members[0]).choice == "nein"

    shelf_card = page.locator(f"#item-{shelf.pk}")
    shelf_card.get_by_role("button", name=german("I have a conflict of interest in this item")).click()
    expect(shelf_card).to_contain_text(german("You declared a conflict of interest: you do not vote on this item."))
    expect(page.locator("#ballot-summary")).to_contain_text("2")
    axe_check(page)
    assert Participation.objects.get(item=shelf, membership=members[0]).kind == Participation.Kind.RECUSED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for member in members[1:]:
        vote_cast(item=fest, membership=member, choice="ja", by=member.user)
        vote_cast(item=shelf, membership=member, choice="ja", by=member.user)
    ballot_close(ballot=ballot, by=None)
    visit(page, f"/abstimmungen/{ballot.pk}/")
    expect(fest_card.locator(".result")).to_contain_text(german("Adopted"))
    expect(fest_card).to_contain_text("Nein")


def test_juror_votes_with_the_keyboard_alone(page, visit, browser_login, axe_check, jury_ballot):
    ballot, members = jury_ballot
    browser_login(page, members[1].user)
    visit(page, f"/abstimmungen/{ballot.pk}/")
    fest = ballot.items.order_by("position").first()
    button = page.locator(f"#item-{fest.pk}").get_by_role("button", name="Enthaltung")
    button.focus()
    page.keyboard.press("Enter")
    chosen = page.locator(f"#item-{fest.pk}").get_by_role("button", name="Enthaltung")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(chosen).to_be_focused()  # the item was replaced; the focus stays on the button pressed
    page.keyboard.press("Shift+Tab")  # and the keyboard goes on from there: the choice before it
    expect(page.locator(f"#item-{fest.pk}").get_by_role("button", name="Nein")).to_be_focused()
    axe_check(page)
    assert Vote.objects.get(item=fest, membership=members[1]).choice == "enthaltung"


def test_juror_makes_a_calendar_link_and_a_new_one_on_a_phone(phone_page, browser_login, axe_check, jury_ballot):
    """The link appears in place (htmx), is shown once, and a new one replaces it."""
    import re

    from committees.calendar import committee_for_feed_token

    ballot, members = jury_ballot
    page = phone_page
    browser_login(page, members[0].user)  # lands on "My ballots"
    calendar = page.locator("#calendar")
    calendar.get_by_role("button", name=german("Make my calendar link")).click()
    field = page.locator(f"#feed-url-{members[0].pk}")
    expect(field).to_be_visible()
    first = re.search(r"/kalender/([A-Za-z0-9_-]+)\.ics$", field.input_value())[1]
    assert committee_for_feed_token(first) == ballot.committee
    axe_check(page)
    page.locator("#calendar").get_by_role("button", name=german("Make a new link (the old one stops working)")).click()
    expect(field).not_to_have_value(re.compile(first))
    second = re.search(r"/kalender/([A-Za-z0-9_-]+)\.ics$", field.input_value())[1]
    assert committee_for_feed_token(first) is None and committee_for_feed_token(second) == ballot.committee
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
