"""A committee member's access follows their term at the moment of the request: nothing is copied when the
membership is saved, so the clock alone opens and closes the ballots, the applications and the meetings.

Every test here moves the clock (``django.utils.timezone.now``) and edits nothing in between.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
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
    person = Person.objects.create(
        area=area, first_name="Derya", last_name="Neu", is_resident=True, email="derya@example.org"
    )
    membership = membership_create(
        committee=jury, data={"person": person, "member_type": "bewohner", "voting": True, "start": start, "end": end},
        by=by,
    )  # fmt: skip
    member_account_create(membership=membership, by=by)
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


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_member_whose_term_is_renewed_while_a_ballot_runs_votes_once(
    client: Client,
    clock: Callable[[datetime.date], datetime.datetime],
    area: Quartier,
    jury: Committee,
    staff: dict[str, User],
    secret: bool,
) -> None:
    """A renewal is a second membership of the same person, bound to the same account (the invitation uses the
    account the person already votes with). A ballot that runs across the change of term sees one voter: what
    the member voted in the old term is the vote they change in the new one, never a second vote."""
    from committees.models import SecretVote
    from committees.services.ballots import ballot_close

    today = timezone.localdate()
    old = _member(jury, area, staff["gwa"], start=today - 100 * DAY, end=today + 2 * DAY)
    new = membership_create(
        committee=jury, data={"person": old.person, "member_type": "bewohner", "voting": True,
                              "start": today + 3 * DAY, "end": today + 700 * DAY}, by=staff["gwa"],
    )  # fmt: skip
    member_account_create(membership=new, by=staff["gwa"])
    new.refresh_from_db()
    assert new.user_id == old.user_id
    ballot = ballot_open(ballot=make_ballot(jury, items=1, hours=10 * 24, secret=secret), by=staff["gwa"])
    item = ballot.items.get()
    url = f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/"
    client.force_login(old.user)

    clock(today + 2 * DAY)  # the last day of the old term
    assert client.post(url, {"action": "vote", "choice": "ja"}).status_code == 302
    at = clock(today + 3 * DAY)  # the first day of the new one
    page = client.get(f"/abstimmungen/{ballot.pk}/")
    assert [state.my_choice for state in page.context["states"]] == ["ja"]  # the vote of the old term is theirs
    from committees.tasks import _queue_reminders

    assert _queue_reminders(ballot, at) == 0  # done: no reminder to vote
    assert client.post(url, {"action": "vote", "choice": "nein"}).status_code == 302  # a change of mind
    page = client.get(f"/abstimmungen/{ballot.pk}/")
    assert [state.my_choice for state in page.context["states"]] == ["nein"]

    stored = SecretVote.objects.filter(item=item) if secret else Vote.objects.filter(item=item)
    assert stored.count() == 1
    client.force_login(staff["gwa"])
    office = client.get(f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/")
    assert [(member.pk, done) for member, done in office.context["progress"].voters] == [(new.pk, 1)]
    ballot_close(ballot=ballot, by=None, now=clock(today + 4 * DAY))  # early: every voting member has voted
    item.refresh_from_db()
    assert (item.yes, item.no, item.abstain) == (0, 1, 0)


def test_a_conflict_declared_in_the_renewed_term_withdraws_the_vote_of_the_old_one(
    clock: Callable[[datetime.date], datetime.datetime], area: Quartier, jury: Committee, staff: dict[str, User]
) -> None:
    from committees.models import Participation
    from committees.selectors import item_states
    from committees.services.ballots import ballot_close, conflict_declare

    today = timezone.localdate()
    old = _member(jury, area, staff["gwa"], start=today - 100 * DAY, end=today + 2 * DAY)
    new = membership_create(
        committee=jury, data={"person": old.person, "member_type": "bewohner", "voting": True,
                              "start": today + 3 * DAY, "end": today + 700 * DAY}, by=staff["gwa"],
    )  # fmt: skip
    member_account_create(membership=new, by=staff["gwa"])
    new.refresh_from_db()
    ballot = ballot_open(ballot=make_ballot(jury, items=1, hours=10 * 24, secret=True), by=staff["gwa"])
    item = ballot.items.get()
    vote_cast(item=item, membership=old, choice="ja", by=old.user, now=clock(today + 2 * DAY))

    conflict_declare(item=item, membership=new, by=new.user, now=clock(today + 3 * DAY))
    [state] = item_states(ballot, new)
    assert state.recused and state.my_choice is None
    with pytest.raises(ValidationError, match="befangen"):
        vote_cast(item=item, membership=new, choice="nein", by=new.user)
    assert list(Participation.objects.filter(item=item).values_list("membership_id", "kind")) == [(old.pk, "recused")]
    ballot_close(ballot=ballot, by=None, now=ballot.deadline)
    item.refresh_from_db()
    assert (item.yes, item.no, item.abstain, item.recusals) == (0, 0, 0, 1)


def test_a_ballot_ending_at_midnight_counts_the_members_of_its_last_day_not_of_the_next(
    clock: Callable[[datetime.date], datetime.datetime],
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    staff: dict[str, User],
) -> None:
    """A deadline at 0:00 (Europe/Berlin) ends the day before: the members whose term starts that midnight never
    could vote, so they must not raise what a majority of all members needs (4 of 7, not 5 of 9)."""
    from committees.services.ballots import ballot_close

    today = timezone.localdate()
    midnight = datetime.datetime.combine(today + 5 * DAY, datetime.time(0), tzinfo=timezone.get_current_timezone())
    for number in (8, 9):
        person = Person.objects.create(area=area, first_name="Neu", last_name=f"Nummer {number}")
        Membership.objects.create(committee=jury, person=person, member_type="bewohner", start=today + 5 * DAY)
    ballot = make_ballot(jury, items=1)
    ballot.deadline = midnight
    ballot.save()
    ballot = ballot_open(ballot=ballot, by=staff["gwa"])
    item = ballot.items.get()
    at = clock(today + 4 * DAY)
    for juror in jurors[:4]:
        vote_cast(item=item, membership=juror, choice="ja", by=juror.user, now=at)
    ballot_close(ballot=ballot, by=None, now=midnight)
    item.refresh_from_db()
    assert (item.result, item.basis["eligible"]) == ("angenommen", 7)
    assert item.result_reason == "angenommen: 4 Ja, nötig sind 4 von 7 Mitgliedern"


def test_a_term_ends_at_midnight_in_berlin_not_in_utc(
    client: Client, monkeypatch: pytest.MonkeyPatch, area: Quartier, jury: Committee, staff: dict[str, User]
) -> None:
    """At 0:30 in Berlin it is still the previous day in UTC: the term that ended yesterday has ended, for the
    pages and for the service alike; at 23:59 of its last day it still runs."""
    today = timezone.localdate()
    membership = _member(jury, area, staff["gwa"], start=today - 10 * DAY, end=today + 1 * DAY)
    ballot = ballot_open(ballot=make_ballot(jury, items=2, hours=10 * 24), by=staff["gwa"])
    first, second = ballot.items.order_by("position")
    berlin = timezone.get_current_timezone()
    last_minute = datetime.datetime.combine(today + DAY, datetime.time(23, 59), tzinfo=berlin)
    after_midnight = datetime.datetime.combine(today + 2 * DAY, datetime.time(0, 30), tzinfo=berlin)
    assert after_midnight.astimezone(datetime.UTC).date() == today + DAY  # still the last day in UTC
    client.force_login(membership.user)
    monkeypatch.setattr(timezone, "now", lambda: last_minute)
    url = f"/abstimmungen/{ballot.pk}/punkte/{first.pk}/"
    assert client.post(url, {"action": "vote", "choice": "ja"}).status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: after_midnight)
    assert client.get(f"/abstimmungen/{ballot.pk}/").status_code == 404
    url = f"/abstimmungen/{ballot.pk}/punkte/{second.pk}/"
    assert client.post(url, {"action": "vote", "choice": "ja"}).status_code == 404
    with pytest.raises(PermissionDenied):
        vote_cast(item=second, membership=membership, choice="ja", by=membership.user)
    assert list(Vote.objects.values_list("item_id", flat=True)) == [first.pk]
