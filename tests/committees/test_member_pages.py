"""The committee member's pages: my ballots, one ballot, voting with htmx; nobody else sees them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from committees.models import Ballot, Committee, Membership, Participation, Vote
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from demo.factories import UserFactory
from quartier.models import User
from tests.committees.fixtures import make_ballot


@pytest.fixture
def ballot(jury: Committee, jurors: list[Membership], now: datetime.datetime) -> Ballot:
    return ballot_open(ballot=make_ballot(jury, items=2), by=UserFactory(), now=now)


@pytest.fixture
def juror(jurors: list[Membership], client: Client) -> Membership:
    client.force_login(jurors[0].user)
    return jurors[0]


def test_my_ballots_lists_the_open_ballot_with_what_is_left(client: Client, ballot: Ballot, juror: Membership) -> None:
    response = client.get("/abstimmungen/")
    assert response.status_code == 200
    assert response.context["open_ballots"] == [ballot]
    assert response.context["open_ballots"][0].done_count == 0
    assert "Umlauf November" in response.content.decode()
    assert "<title>Meine Abstimmungen · Quartier</title>" in response.content.decode()  # only the title


def test_a_juror_is_sent_from_the_start_page_to_their_ballots(
    client: Client, ballot: Ballot, juror: Membership
) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/abstimmungen/"


def test_voting_with_htmx_returns_the_item_and_the_summary(client: Client, ballot: Ballot, juror: Membership) -> None:
    item = ballot.items.order_by("position").first()
    response = client.post(
        f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/",
        {"action": "vote", "choice": "ja"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'aria-pressed="true"' in html and 'hx-swap-oob="true"' in html
    assert Vote.objects.get(item=item, membership=juror).choice == "ja"
    page = client.get(f"/abstimmungen/{ballot.pk}/")
    assert page.context["done"] == 1


def test_voting_without_javascript_redirects_with_a_message(client: Client, ballot: Ballot, juror: Membership) -> None:
    item = ballot.items.order_by("position").first()
    response = client.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "vote", "choice": "nein"})
    assert response.status_code == 302 and response["Location"] == f"/abstimmungen/{ballot.pk}/"
    assert Vote.objects.get().choice == "nein"


def test_a_refused_vote_says_why_and_stores_nothing(client: Client, ballot: Ballot, juror: Membership) -> None:
    item = ballot.items.first()
    response = client.post(
        f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/",
        {"action": "vote", "choice": "vielleicht"},
        headers={"HX-Request": "true"},
    )
    assert "Wählen Sie Ja, Nein oder Enthaltung." in response.content.decode()
    assert not Vote.objects.exists() and not Participation.objects.exists()


def test_an_item_of_another_ballot_is_not_found(
    client: Client, jury: Committee, ballot: Ballot, juror: Membership, now: datetime.datetime
) -> None:
    other = ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)
    foreign_item = other.items.get()
    response = client.post(f"/abstimmungen/{ballot.pk}/punkte/{foreign_item.pk}/", {"action": "vote", "choice": "ja"})
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_closed_ballot_shows_the_results(
    client: Client, ballot: Ballot, jurors: list[Membership], juror: Membership, now: datetime.datetime
) -> None:
    for member in jurors[:4]:
        for item in ballot.items.all():
            vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
    ballot_close(ballot=ballot, by=None, now=now + datetime.timedelta(days=3))
    html = client.get(f"/abstimmungen/{ballot.pk}/").content.decode()
    assert "angenommen" in html and "ja 4" in html.lower()


@pytest.mark.parametrize("who", ["staff", "other_committee", "outsider"])
def test_nobody_else_sees_or_uses_a_committee_ballot(
    client: Client, area: object, ballot: Ballot, role_users: dict[str, User], who: str
) -> None:
    if who == "staff":
        user = role_users["gwa"]  # the office manages committees, but the member pages are for members
    elif who == "other_committee":
        council = Committee.objects.create(area=ballot.committee.area, name="Quartiersrat", kind="quartiersrat")
        member = Membership.objects.create(
            committee=council,
            person=ballot.committee.memberships.first().person,
            user=UserFactory(),
            member_type="bewohner",
        )
        user = member.user
    else:
        user = UserFactory()
    client.force_login(user)
    item = ballot.items.first()
    assert client.get(f"/abstimmungen/{ballot.pk}/").status_code == 404
    assert (
        client.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "vote", "choice": "ja"}).status_code
        == 404
    )
    assert client.get("/abstimmungen/").context["open_ballots"] == []
    assert not Vote.objects.exists()


def test_a_draft_ballot_is_not_shown_to_members(client: Client, jury: Committee, juror: Membership) -> None:
    draft = make_ballot(jury)
    assert client.get(f"/abstimmungen/{draft.pk}/").status_code == 404


def test_a_membership_that_ended_loses_access(
    client: Client, jury: Committee, ballot: Ballot, juror: Membership
) -> None:
    juror.end = datetime.date(2020, 1, 1)
    juror.start = datetime.date(2018, 1, 1)
    juror.save()
    assert client.get(f"/abstimmungen/{ballot.pk}/").status_code == 404


def test_member_pages_query_count_does_not_grow(
    client: Client,
    jury: Committee,
    jurors: list[Membership],
    ballot: Ballot,
    juror: Membership,
    assert_constant_queries: object,
    now: datetime.datetime,
) -> None:
    added = iter(range(3, 100))

    def grow() -> None:
        for _ in range(5):
            extra = ballot_open(ballot=make_ballot(jury, items=3), by=UserFactory(), now=now)
            for item in extra.items.all():
                vote_cast(item=item, membership=juror, choice="ja", by=juror.user, now=now)
        for _ in range(6):
            position = next(added)
            ballot.items.create(position=position, title=f"Nachtrag {position}")

    counts = [
        assert_constant_queries(lambda url=url: client.get(url), grow)  # type: ignore[operator]
        for url in ("/abstimmungen/", f"/abstimmungen/{ballot.pk}/")
    ]
    assert counts == [6, 6], counts  # my ballots, the ballot page (its items, my votes, recusals and flags in one)
