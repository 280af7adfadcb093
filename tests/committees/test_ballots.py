"""Online ballots: one vote per member and item, changes until the deadline, conflicts, secrecy, results."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from actors.models import Organisation
from committees.models import (
    Ballot,
    BallotItem,
    Committee,
    ConflictFlag,
    Membership,
    Participation,
    Result,
    SecretVote,
    Vote,
)
from committees.rules import decide
from committees.services.ballots import (
    ballot_close,
    ballot_open,
    conflict_declare,
    conflict_dismiss,
    tally_item,
    vote_cast,
)
from demo.factories import UserFactory
from tests.committees.fixtures import make_ballot

PAST_DEADLINE = datetime.timedelta(days=3)  # past the deadline of make_ballot (48 hours)


def open_ballot(committee: Committee, **kwargs: object) -> Ballot:
    ballot = make_ballot(committee, **kwargs)
    return ballot_open(ballot=ballot, by=UserFactory())


def vote(member: Membership, item: BallotItem, choice: str) -> None:
    vote_cast(item=item, membership=member, choice=choice, by=member.user)


def test_a_member_votes_and_changes_the_vote_until_the_deadline(jury: Committee, jurors: list[Membership]) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.first()
    vote(jurors[0], item, "ja")
    vote(jurors[0], item, "nein")
    assert list(Vote.objects.values_list("membership", "choice")) == [(jurors[0].pk, "nein")]
    assert Participation.objects.get().kind == Participation.Kind.VOTED


def test_the_database_allows_one_vote_per_member_and_item(jury: Committee, jurors: list[Membership]) -> None:
    item = open_ballot(jury).items.first()
    Vote.objects.create(item=item, membership=jurors[0], choice="ja")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(item=item, membership=jurors[0], choice="nein")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.bulk_create(
            [Participation(item=item, membership=jurors[1], kind="voted") for _ in range(2)]
        )


@pytest.mark.parametrize("secret", [False, True])
@pytest.mark.django_db(transaction=True)
def test_two_parallel_submissions_of_the_same_vote_store_one(
    area: object, jury: Committee, jurors: list, secret: bool
) -> None:
    item = open_ballot(jury, secret=secret).items.first()
    member = jurors[0]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        try:
            barrier.wait()
            vote(member, item, "ja")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = SecretVote.objects.filter(item=item) if secret else Vote.objects.filter(item=item, membership=member)
    assert stored.count() == 1
    assert Participation.objects.filter(item=item, membership=member).count() == 1


@pytest.mark.parametrize("secret", [False, True])
def test_votes_after_the_deadline_are_refused(
    jury: Committee, jurors: list[Membership], secret: bool, now: datetime.datetime
) -> None:
    item = open_ballot(jury, secret=secret).items.first()
    with pytest.raises(ValidationError, match="Die Frist dieser Abstimmung ist abgelaufen"):
        vote_cast(item=item, membership=jurors[0], choice="ja", by=jurors[0].user, now=now + PAST_DEADLINE)
    assert not Vote.objects.exists() and not SecretVote.objects.exists() and not Participation.objects.exists()


def test_a_draft_or_closed_ballot_takes_no_votes(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    draft = make_ballot(jury)
    with pytest.raises(ValidationError):
        vote(jurors[0], draft.items.first(), "ja")
    ballot = open_ballot(jury, items=1)
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    with pytest.raises(ValidationError):
        vote(jurors[0], ballot.items.first(), "ja")
    assert not Vote.objects.exists()


def test_a_vote_in_another_committee_or_by_another_account_is_refused(
    area: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    council = Committee.objects.create(area=jury.area, name="Quartiersrat", kind="quartiersrat")
    other_item = open_ballot(council).items.first()
    with pytest.raises(PermissionDenied):
        vote(jurors[0], other_item, "ja")
    item = open_ballot(jury).items.first()
    with pytest.raises(PermissionDenied):
        vote_cast(item=item, membership=jurors[0], choice="ja", by=jurors[1].user, now=now)
    advisory = jurors[2]
    advisory.voting = False
    advisory.save()
    with pytest.raises(PermissionDenied):
        vote(advisory, item, "ja")
    with pytest.raises(ValidationError):
        vote(jurors[3], item, "vielleicht")
    assert not Vote.objects.exists()


def test_a_recused_member_cannot_vote_and_a_declared_conflict_withdraws_the_vote(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    item = open_ballot(jury).items.first()
    vote(jurors[0], item, "ja")
    conflict_declare(item=item, membership=jurors[0], by=jurors[0].user, now=now)
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError, match="befangen erklärt"):
        vote(jurors[0], item, "nein")
    assert Participation.objects.get().kind == Participation.Kind.RECUSED


def test_affiliation_with_the_applicant_flags_a_conflict_to_confirm_or_dismiss(
    area: object, jury: Committee, jurors: list[Membership], aktionsfonds: object, now: datetime.datetime
) -> None:
    from tests.fonds.fixtures import make_application

    club = Organisation.objects.create(area=jury.area, name="Kanalkinder e. V.")
    jurors[0].person.affiliation_set.create(organisation=club, function="Kassenwart")
    ballot = make_ballot(jury, items=1)
    item = ballot.items.get()
    item.subject = make_application(aktionsfonds, organisation=club)  # type: ignore[arg-type]
    item.save()
    ballot_open(ballot=ballot, by=UserFactory(), now=now)
    flag = ConflictFlag.objects.get()
    assert flag.membership == jurors[0] and "Kanalkinder" in flag.reason
    with pytest.raises(ValidationError, match="Hinweis auf Befangenheit"):
        vote(jurors[0], item, "ja")
    conflict_dismiss(item=item, membership=jurors[0], by=jurors[0].user, now=now)
    vote(jurors[0], item, "ja")
    assert Vote.objects.get().choice == "ja"


@pytest.mark.parametrize("secret", [False, True])
def test_closing_computes_results_from_the_stored_votes(
    jury: Committee, jurors: list[Membership], secret: bool, now: datetime.datetime
) -> None:
    ballot = open_ballot(jury, secret=secret)
    first, second = ballot.items.order_by("position")
    for member in jurors[:5]:
        vote(member, first, "ja")
    for member in jurors[:3]:
        vote(member, second, "ja")
    for member in jurors[3:6]:
        vote(member, second, "nein")
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.yes, first.no, first.result) == (5, 0, Result.ADOPTED)
    assert (second.yes, second.no, second.result) == (3, 3, Result.REJECTED)  # 3 of 7 is no majority of members
    for item in (first, second):
        recomputed = decide(jury, tally_item(item, eligible=7, secret=secret))
        assert recomputed == item.result


def test_a_secret_ballot_keeps_no_link_from_a_vote_to_its_voter(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury, secret=True, items=1)
    item = ballot.items.get()
    vote(jurors[0], item, "nein")
    vote(jurors[1], item, "ja")
    vote(jurors[0], item, "ja")  # a change of mind finds the member's own secret vote
    assert SecretVote.objects.count() == 2 and set(SecretVote.objects.values_list("choice", flat=True)) == {""}
    assert not Vote.objects.exists()
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    ballot.refresh_from_db()
    assert ballot.secret_salt == ""
    assert list(SecretVote.objects.values_list("voter_tag", "sealed", "choice")) == [(None, "", "ja")] * 2
    field_names = {field.name for field in SecretVote._meta.get_fields()}
    assert field_names == {"id", "item", "choice", "voter_tag", "sealed"}
    assert Participation.objects.filter(item=item).count() == 2  # who took part, not how


def test_closing_early_needs_everyone_and_a_result_is_final(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury, items=1)
    item = ballot.items.get()
    for member in jurors[:6]:
        vote(member, item, "ja")
    with pytest.raises(ValidationError):
        ballot_close(ballot=ballot, by=None, now=now)
    vote(jurors[6], item, "nein")
    ballot_close(ballot=ballot, by=None, now=now)
    with pytest.raises(ValidationError):
        ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    item.refresh_from_db()
    assert (item.yes, item.no, item.result) == (6, 1, Result.ADOPTED)


def test_opening_needs_a_future_deadline_and_items(jury: Committee, now: datetime.datetime) -> None:
    past = make_ballot(jury, hours=-1)
    with pytest.raises(ValidationError, match="Die Frist muss in der Zukunft liegen"):
        ballot_open(ballot=past, by=UserFactory(), now=now)
    empty = make_ballot(jury, items=0)
    with pytest.raises(ValidationError):
        ballot_open(ballot=empty, by=UserFactory(), now=now)
    assert set(Ballot.objects.values_list("status", flat=True)) == {"entwurf"}


def test_a_member_cannot_be_their_own_deputy(jurors: list[Membership]) -> None:
    member = jurors[0]
    member.deputy_of = member
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_data_page_shows_how_a_member_voted_only_once_the_ballot_is_closed(
    client: object, area: object, jury: Committee, jurors: list[Membership], role_users: dict
) -> None:
    """The office follows who has voted, never how; while a named ballot is open, the person's data page (open
    to Planung too) showed each vote as it came in, and could change with every change of mind."""
    import json

    ballot = open_ballot(jury, items=1)
    item = ballot.items.get()
    vote(jurors[0], item, "nein")
    client.force_login(role_users["planung"])  # type: ignore[attr-defined]
    url = f"/gebiet/{area.slug}/personen/{jurors[0].person_id}/daten/?format=json"  # type: ignore[attr-defined]
    data = json.loads(client.get(url).content)  # type: ignore[attr-defined]
    assert not data["votes"]
    assert [row["kind"] for row in data["ballot_participations"]] == ["abgestimmt"]  # taking part is shown
    ballot_close(ballot=ballot, by=None, now=ballot.deadline)
    data = json.loads(client.get(url).content)  # type: ignore[attr-defined]
    assert [row["choice"] for row in data["votes"]] == ["Nein"]


def test_an_advisory_member_cannot_recuse_themselves_from_the_pool(
    client: object, area: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    """Only voting members vote, so only they can be recused: an advisory member's posted "recuse" stored a
    recusal, which took one from the pool a majority of all members is counted from."""
    from actors.models import Person

    person = Person.objects.create(area=jury.area, first_name="Bera", last_name="Tend")
    advisory = Membership.objects.create(
        committee=jury, person=person, member_type="verwaltung", voting=False, user=UserFactory(username="bera")
    )
    ballot = open_ballot(jury, items=1)
    item = ballot.items.get()
    client.force_login(advisory.user)  # type: ignore[attr-defined]
    response = client.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "recuse"}, follow=True)  # type: ignore[attr-defined]
    assert "Beratende Mitglieder stimmen nicht ab." in response.content.decode()
    with pytest.raises(PermissionDenied):
        conflict_declare(item=item, membership=advisory, by=advisory.user, now=now)
    assert not Participation.objects.exists() and not ConflictFlag.objects.exists()
