"""A committee member's access follows their term at the moment of the request: nothing is copied when the
membership is saved, so the clock alone opens and closes the ballots, the applications and the meetings.

Every test here moves the clock (``django.utils.timezone.now``) and edits nothing in between.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import Ballot, Committee, Meeting, Membership, Vote
from committees.services.ballots import ballot_open, vote_cast
from committees.services.committees import membership_create
from committees.services.members import member_account_create
from fonds.models import Application, Fund
from quartier.models import Quartier, User
from tests.committees.fixtures import make_ballot
from tests.fonds.fixtures import make_application

DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], datetime.datetime]:
    """Move the clock to noon (Europe/Berlin) of a day; return that moment."""

    def move_to(day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return move_to


def _member(jury: Committee, area: Quartier, by: User, *, start: datetime.date, end: datetime.date) -> Membership:
    """A new voting resident of ``jury`` for ``start``–``end``, with an account made by invitation (the office's
    way): the services run once, now, and never again."""
    person = Person.objects.create(quartier=area, first_name="Derya", last_name="Neu", is_resident=True)
    membership = membership_create(
        committee=jury, data={"person": person, "member_type": "bewohner", "voting": True, "start": start, "end": end},
        by=by,
    )  # fmt: skip
    member_account_create(membership=membership, email="derya@example.org", by=by)
    membership.refresh_from_db()
    return membership


def _ballot_and_meeting(jury: Committee, aktionsfonds: Fund, applicant: Person, by: User) -> tuple[Ballot, Meeting]:
    """An open ballot about one application and a meeting with another on its agenda, both a month away."""
    on_ballot = make_application(aktionsfonds, person=applicant, title="Hoffest im Kiez")
    on_agenda = make_application(aktionsfonds, person=applicant, title="Bücherschrank")
    ballot = make_ballot(jury, items=1, hours=30 * 24)
    item = ballot.items.get()
    item.subject = on_ballot
    item.save()
    ballot = ballot_open(ballot=ballot, by=by)
    meeting = Meeting.objects.create(committee=jury, starts_at=timezone.now() + 28 * DAY, place="Stadtteilbüro")
    meeting.items.create(
        position=1, title="Bücherschrank", content_type=ContentType.objects.get_for_model(Application),
        object_id=on_agenda.pk,
    )  # fmt: skip
    return ballot, meeting


def _urls(ballot: Ballot, meeting: Meeting) -> dict[str, str]:
    on_ballot = ballot.items.get().object_id
    on_agenda = meeting.items.get().object_id
    return {
        "ballot": f"/abstimmungen/{ballot.pk}/",
        "application on the ballot": f"/abstimmungen/{ballot.pk}/antraege/{on_ballot}/",
        "application on the meeting's agenda": f"/abstimmungen/sitzungen/{meeting.pk}/antraege/{on_agenda}/",
    }


def _sees_nothing(client: Client, ballot: Ballot, meeting: Meeting, membership: Membership, when: str) -> None:
    client.force_login(membership.user)
    for what, url in _urls(ballot, meeting).items():
        assert client.get(url).status_code == 404, f"{when}: {what}"
    item = ballot.items.get()
    vote = client.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "vote", "choice": "nein"})
    assert vote.status_code == 404, when
    mine = client.get("/abstimmungen/")
    assert mine.context["open_ballots"] == [] and mine.context["meetings"] == [], when
    assert client.get("/").get("Location") != "/abstimmungen/", when
    assert "/abstimmungen/" not in client.get("/konto/sicherheit/").content.decode(), when  # no menu entry
    with pytest.raises(PermissionDenied):
        vote_cast(item=item, membership=membership, choice="nein", by=membership.user)


def test_a_term_that_starts_later_opens_the_ballot_by_the_clock_alone(
    client: Client,
    clock: Callable[[datetime.date], datetime.datetime],
    area: Quartier,
    jury: Committee,
    aktionsfonds: Fund,
    applicant: Person,
    staff: dict[str, User],
) -> None:
    today = timezone.localdate()
    membership = _member(jury, area, staff["gwa"], start=today + 10 * DAY, end=today + 20 * DAY)
    ballot, meeting = _ballot_and_meeting(jury, aktionsfonds, applicant, staff["gwa"])

    clock(today + 5 * DAY)  # before the term
    _sees_nothing(client, ballot, meeting, membership, "before the term")
    assert not Vote.objects.exists()

    clock(today + 10 * DAY)  # the first day of the term
    client.force_login(membership.user)
    for what, url in _urls(ballot, meeting).items():
        assert client.get(url).status_code == 200, f"during the term: {what}"
    assert client.get("/")["Location"] == "/abstimmungen/"
    mine = client.get("/abstimmungen/")
    assert mine.context["open_ballots"] == [ballot] and mine.context["meetings"] == [meeting]
    item = ballot.items.get()
    response = client.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "vote", "choice": "ja"})
    assert response.status_code == 302
    assert Vote.objects.get(item=item, membership=membership).choice == "ja"


def test_a_term_that_ends_closes_the_ballot_by_the_clock_alone(
    client: Client,
    clock: Callable[[datetime.date], datetime.datetime],
    area: Quartier,
    jury: Committee,
    aktionsfonds: Fund,
    applicant: Person,
    staff: dict[str, User],
) -> None:
    today = timezone.localdate()
    membership = _member(jury, area, staff["gwa"], start=today - 10 * DAY, end=today + 10 * DAY)
    ballot, meeting = _ballot_and_meeting(jury, aktionsfonds, applicant, staff["gwa"])

    clock(today + 10 * DAY)  # the last day of the term
    client.force_login(membership.user)
    for what, url in _urls(ballot, meeting).items():
        assert client.get(url).status_code == 200, f"last day of the term: {what}"
    item = ballot.items.get()
    vote_cast(item=item, membership=membership, choice="ja", by=membership.user)

    clock(today + 11 * DAY)  # the term has ended
    _sees_nothing(client, ballot, meeting, membership, "after the term")
    assert Vote.objects.get(item=item, membership=membership).choice == "ja"  # the vote cast in time stays


def test_nothing_is_copied_into_object_permissions_when_a_member_gets_an_account(
    area: Quartier, jury: Committee, staff: dict[str, User]
) -> None:
    from guardian.models import UserObjectPermission

    today = timezone.localdate()
    membership = _member(jury, area, staff["gwa"], start=today, end=today + 10 * DAY)
    assert not UserObjectPermission.objects.filter(user=membership.user).exists()
