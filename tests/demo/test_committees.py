"""Demo data of the committees module: composition, accounts, ballots, minutes that agree with the rules."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    Result,
    Vote,
)
from committees.rules import Composition, Tally, decide, explain, vote_holders
from committees.services.ballots import tally_item
from committees.voters import active_voting_members
from demo.actors import seed_actors
from demo.committees import SIZES, Sizes, _seed, seed_committees
from demo.factories import QuartierFactory, UserFactory
from quartier.models import Quartier, Role, User
from quartier.permissions import is_committee_member
from quartier.services import role_grant
from tests.conftest import kept_for_the_class
from tests.demo.seeded_once import Seed, SeededOnce


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - demo data, not security


def office(area: Quartier, staff: list[User]) -> None:
    """Give ``staff`` the roles of ``area``'s office: the small demo goes through the services."""
    for user, role in zip(staff, (Role.GEMEINWESENARBEIT, Role.PLANUNG), strict=True):
        role_grant(user=user, area=area, role=role, by=None)


def office_users(area: Quartier) -> list[User]:
    users = [UserFactory(username=name) for name in ("gwa", "planung")]
    office(area, users)
    return users


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_users(area)


def with_actors() -> tuple[Quartier, list[User]]:
    """The area, its office and the small demo of its actors: what the committees are seeded on."""
    area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
    staff = office_users(area)
    seed_actors(area=area, scale="small", staff=staff, rng=rng(42))
    return area, staff


def running(committee: Committee, on: datetime.date) -> list[Membership]:
    return list(
        Membership.objects.filter(committee=committee)
        .filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person")
    )


def council(area: Quartier) -> Committee:
    return Committee.objects.get(area=area, kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)


def jury(area: Quartier) -> Committee:
    return Committee.objects.get(area=area, kind=Committee.Kind.ACTION_FUND_JURY)


def check_closed(ballot: Ballot) -> None:
    """The stored results are the ones the rules give for the stored votes."""
    assert ballot.closed_at == ballot.deadline and ballot.secret_salt == ""
    assert ballot.opened_at < ballot.deadline
    eligible = len(active_voting_members(ballot, timezone.localdate(ballot.deadline)))
    assert eligible == 7
    for item in ballot.items.all():
        tally = tally_item(item, eligible=eligible, secret=ballot.secret)
        assert (item.yes, item.no, item.abstain, item.recusals) == (tally.yes, tally.no, tally.abstain, tally.recused)
        assert item.result == decide(ballot.committee, tally)
        assert item.result_reason == explain(ballot.committee, tally).reason  # the basis is kept
        assert item.participations.filter(kind="voted").count() == tally.taking_part
    cast = Vote.objects.filter(item__ballot=ballot).values_list("cast_at", flat=True)
    assert all(ballot.opened_at < at < ballot.deadline for at in cast)


def check_meetings(area: Quartier) -> None:
    """Every past meeting has a row per member; vote counts never exceed who was there; recusals are rows of
    members holding a vote; results (and the reasons they give) follow the rules, as the meeting service
    computes them."""
    past = Meeting.objects.filter(committee__area=area, starts_at__lt=timezone.now()).select_related("committee")
    for meeting in past:
        day = timezone.localdate(meeting.starts_at)
        members = running(meeting.committee, day)
        status = dict(meeting.attendances.values_list("membership_id", "status"))
        assert set(status) == {member.pk for member in members}
        holders = vote_holders(members, {pk for pk, value in status.items() if value == Attendance.Status.PRESENT})
        eligible = sum(1 for member in members if member.voting)
        for item in meeting.items.exclude(yes=None):
            recused = set(
                item.conflict_flags.filter(status=ConflictFlag.Status.CONFIRMED).values_list("membership_id", flat=True)
            )
            assert recused <= holders and item.recusals == len(recused)
            assert item.yes + item.no + item.abstain + item.recusals <= len(holders)
            tally = Tally.in_meeting(
                yes=item.yes, no=item.no, abstain=item.abstain, recused=len(recused), eligible=eligible,
                present=len(holders),
            )  # fmt: skip
            assert item.result == decide(meeting.committee, tally)
            assert item.result_reason == explain(meeting.committee, tally).reason
        for item in meeting.items.filter(yes=None).exclude(result=""):
            assert item.result == Result.DEFERRED


class TestTheSmallSeed(SeededOnce):
    """The small demo of the committees on the area's actors, seeded once for these tests
    (tests/demo/seeded_once.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area, staff = with_actors()
            yield Seed.of(area, staff, seed_committees(area=area, scale="small", staff=staff, rng=rng(7)))

    def test_small_seed_has_the_stated_sizes(self, area: Quartier, seeded: dict[str, int]) -> None:
        assert seeded["committees"] == 2
        assert seeded["memberships"] == 17 + 2 + 3 + 7  # voting, advisory, deputies; the jury
        assert seeded["meetings"] == 6
        assert seeded["ballots"] == 2
        assert 7 <= seeded["ballot_items"] <= 8
        assert seeded["attendances"] == 3 * 22 + 2 * 7  # every member of each past meeting
        assert seeded["agenda_items"] >= 6 * 4
        assert seeded["votes"] > 0 and seeded["participations"] >= seeded["votes"]
        meetings = Meeting.objects.filter(committee__area=area)
        now = timezone.now()
        future = meetings.filter(starts_at__gt=now)
        assert list(future.values_list("status", flat=True)) == [Meeting.Status.PLANNED]
        assert future.get().items.count() >= 4
        assert not Attendance.objects.filter(meeting__in=future).exists()
        past = meetings.filter(starts_at__lt=now)
        assert set(past.values_list("status", flat=True)) <= {Meeting.Status.APPROVED, Meeting.Status.HELD}
        for meeting in past:
            assert meeting.items.exclude(minutes="").count() == meeting.items.count()
        assert AgendaItem.objects.filter(meeting__in=past).exclude(decision="").exists()

    def test_the_neighbourhood_council_meets_its_resident_rule(self, area: Quartier, seeded: object) -> None:
        committee = council(area)
        assert (committee.majority_rule, committee.quorum_share, committee.resident_share) == ("cast", 50, 51)
        assert committee.term_years == 2
        members = running(committee, timezone.localdate())
        voting = [member for member in members if member.voting]
        residents = [member for member in voting if member.member_type == Membership.MemberType.RESIDENT]
        assert len(voting) == 17 and len(residents) == 9
        assert all(member.person.is_resident for member in residents)
        assert {member.member_type for member in voting} == set(Membership.MemberType.values)
        composition = Composition(
            voting_members=len(voting), residents=len(residents), required_share=committee.resident_share
        )
        assert composition.meets_rule
        deputies = [member for member in members if member.deputy_of_id is not None]
        advisory = [member for member in members if not member.voting and member.deputy_of_id is None]
        assert len(deputies) >= 2 and 1 <= len(advisory) <= 2
        assert all(deputy.deputy_of.voting and deputy.deputy_of.committee_id == committee.pk for deputy in deputies)
        assert len({member.person_id for member in members}) == len(members)

    def test_jurors_have_accounts_and_can_log_in(self, area: Quartier, seeded: object) -> None:
        committee = jury(area)
        assert (committee.majority_rule, committee.quorum_members, committee.resident_share) == ("members", 4, 100)
        members = running(committee, timezone.localdate())
        assert len(members) == 7
        assert all(member.voting and member.person.is_resident for member in members)
        assert sorted(member.user.username for member in members) == [f"jury{number}" for number in range(1, 8)]
        jurors = {member.person_id for member in members}
        assert not jurors & set(Membership.objects.filter(committee=council(area)).values_list("person", flat=True))
        for number in range(1, 8):
            user = User.objects.get(username=f"jury{number}")
            assert " " in user.display_name
            assert is_committee_member(user, committee.pk)
            assert Client().login(username=f"jury{number}", password="quartier-demo")

    def test_one_open_ballot_where_jury1_has_not_voted(self, area: Quartier, seeded: object) -> None:
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.OPEN)
        now = timezone.now()
        assert ballot.committee == jury(area)
        assert ballot.items.count() == 4
        assert now + datetime.timedelta(days=9) < ballot.deadline < now + datetime.timedelta(days=11)
        assert ballot.opened_at < now
        assert ballot.secret_salt == ""  # a named ballot
        assert all(" – " in title and title.endswith(" €") for title in ballot.items.values_list("title", flat=True))
        jury1 = Membership.objects.get(user__username="jury1", committee=ballot.committee)
        participations = Participation.objects.filter(item__ballot=ballot)
        assert not participations.filter(membership=jury1).exists()
        assert participations.values("membership").distinct().count() >= 2
        assert Vote.objects.filter(item__ballot=ballot).exists()
        assert not Vote.objects.filter(item__ballot=ballot, cast_at__gt=now).exists()
        assert ballot.items.filter(result="").count() == 4

    def test_the_closed_ballot_keeps_the_results_of_its_votes(self, area: Quartier, seeded: object) -> None:
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.CLOSED)
        assert ballot.deadline < timezone.now()
        assert Vote.objects.filter(item__ballot=ballot).exists()
        check_closed(ballot)

    def test_meetings_vote_counts_never_exceed_attendance(self, area: Quartier, seeded: object) -> None:
        check_meetings(area)
        statuses = set(Attendance.objects.filter(meeting__committee__area=area).values_list("status", flat=True))
        assert Attendance.Status.PRESENT in statuses and len(statuses) >= 2

    def test_seed_is_idempotent(self, area: Quartier, staff: list[User], seeded: dict[str, int]) -> None:
        users = User.objects.count()
        assert seed_committees(area=area, scale="small", staff=staff, rng=rng(99)) == seeded
        assert User.objects.count() == users


class TestOnTheSmallActors(SeededOnce):
    """Committees seeded in different ways on the small demo of the actors, which is seeded once for these tests
    (tests/demo/seeded_once.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            yield Seed.of(*with_actors())

    @pytest.fixture
    def actors(self, seed: Seed) -> None:
        """Seeded with the class."""

    def test_existing_jury_accounts_are_reused(self, area: Quartier, staff: list[User], actors: None) -> None:
        existing = UserFactory(username="jury3", display_name="Schon Da")
        seed_committees(area=area, scale="small", staff=staff, rng=rng(7))
        assert User.objects.filter(username__istartswith="jury").count() == 7
        assert Membership.objects.filter(user=existing, committee__area=area).count() == 1

    @pytest.mark.parametrize("kind", ["staff role", "administrator", "another person's"])
    def test_the_demo_binds_no_account_the_rule_refuses(
        self, area: Quartier, other_area: Quartier, staff: list[User], actors: None, kind: str
    ) -> None:
        """The demo binds the jurors' accounts through the same rule as the office (finding 1 of issue #15)."""
        from django.core.exceptions import ValidationError

        from actors.models import Person
        from demo.factories import user_with_role
        from quartier.models import Role

        if kind == "staff role":
            existing = user_with_role(other_area, Role.PLANUNG, username="jury3")
        elif kind == "administrator":
            existing = UserFactory(username="jury3", is_staff=True)
        else:
            existing = UserFactory(username="jury3")
            elsewhere = Committee.objects.create(area=other_area, name="Jury Nordstadt", kind="jury")
            person = Person.objects.create(area=other_area, first_name="Ada", last_name="Nord", is_resident=True)
            Membership.objects.create(committee=elsewhere, person=person, user=existing, member_type="bewohner")
        with pytest.raises(ValidationError):
            seed_committees(area=area, scale="small", staff=staff, rng=rng(7))
        assert not Committee.objects.filter(area=area).exists()
        assert not Membership.objects.filter(user=existing, committee__area=area).exists()

    def test_the_services_and_bulk_writes_give_the_same_data(
        self, area: Quartier, staff: list[User], actors: None
    ) -> None:
        """The small demo enters committees, members and meetings through the services, the large one in bulk:
        from the same random source and moment both write the same rows."""
        now = timezone.now()
        twin = QuartierFactory(slug="zwilling", name=area.name)
        office(twin, staff)
        seed_actors(area=twin, scale="small", staff=staff, rng=rng(42))
        _seed(area=area, sizes=SIZES["small"], staff=staff, rng=rng(6), now=now, services=True)
        _seed(
            area=twin, sizes=SIZES["small"], staff=staff, rng=rng(6), now=now, account_prefix="zwilling", services=False
        )

        def rows(of: Quartier) -> tuple[list[tuple[object, ...]], ...]:
            return (
                list(
                    Membership.objects.filter(committee__area=of)
                    .order_by("pk")
                    .values_list("person__last_name", "member_type", "voting", "deputy_of__person__last_name", "start")
                ),
                list(
                    Meeting.objects.filter(committee__area=of)
                    .order_by("pk")
                    .values_list("committee__kind", "starts_at", "place", "status")
                ),
                list(
                    AgendaItem.objects.filter(meeting__committee__area=of)
                    .order_by("pk")
                    .values_list(
                        "position", "title", "minutes", "decision", "yes", "no", "abstain", "recusals", "result"
                    )
                ),
                list(
                    Attendance.objects.filter(meeting__committee__area=of)
                    .order_by("meeting_id", "membership_id")
                    .values_list("membership__person__last_name", "status")
                ),
                list(
                    ConflictFlag.objects.filter(agenda_item__meeting__committee__area=of)
                    .order_by("agenda_item_id", "membership_id")
                    .values_list("agenda_item__title", "membership__person__last_name", "status")
                ),
            )

        assert rows(area) == rows(twin)
        approved = Meeting.objects.filter(committee__area=area, status=Meeting.Status.APPROVED)
        assert approved.exists() and not approved.filter(approved_in=None).exists()  # the service says where

    def test_same_seed_gives_the_same_data(self, area: Quartier, staff: list[User], actors: None) -> None:
        """From the same random source and moment the committees come out the same, twice on the same actors (the
        actors' own sameness is tests/demo/test_actors.py's)."""
        now = timezone.now()

        def snapshot() -> tuple[list[tuple[object, ...]], ...]:
            _seed(area=area, sizes=SIZES["small"], staff=staff, rng=rng(6), now=now)
            result = (
                list(
                    Membership.objects.filter(committee__area=area)
                    .order_by("pk")
                    .values_list("person__first_name", "person__last_name", "member_type", "start")
                ),
                list(Meeting.objects.filter(committee__area=area).order_by("pk").values_list("starts_at", "status")),
                list(
                    AgendaItem.objects.filter(meeting__committee__area=area).order_by("pk").values_list("title", "yes")
                ),
                list(Vote.objects.filter(item__ballot__committee__area=area).order_by("pk").values_list("choice")),
            )
            Ballot.objects.filter(committee__area=area).delete()
            Committee.objects.filter(area=area).delete()
            return result

        first = snapshot()
        assert first[0] and first[1] and first[3]
        assert snapshot() == first

    def test_large_like_run_over_ten_years(self, area: Quartier, staff: list[User], actors: None) -> None:
        """The large path on the small actors: five terms, forty meetings a committee, a closed ballot a year."""
        counts = _seed(area=area, sizes=SIZES["large"], staff=staff, rng=rng(3))
        assert counts["meetings"] == 81
        assert counts["ballots"] == 11
        assert counts["secret_votes"] > 0
        assert Meeting.objects.filter(starts_at__lt=timezone.now() - datetime.timedelta(days=365 * 9)).count() >= 6
        for ballot in Ballot.objects.filter(committee__area=area, status=Ballot.Status.CLOSED):
            check_closed(ballot)
        check_meetings(area)
        recusals = ConflictFlag.objects.filter(agenda_item__meeting__committee__area=area, status="confirmed")
        assert recusals.exists()  # recorded member by member, as the office does
        assert Ballot.objects.filter(committee__area=area, status=Ballot.Status.OPEN).count() == 1
        council_members = Membership.objects.filter(committee=council(area))
        assert council_members.values("start").distinct().count() >= 5  # one start per term
        assert council_members.values("person").distinct().count() < council_members.count()  # some re-elected
        assert Membership.objects.filter(committee__area=area).exclude(user=None).count() == 7
        for committee in (council(area), jury(area)):
            for start in committee.memberships.values_list("start", flat=True).distinct():
                term = committee.memberships.filter(start=start, voting=True)
                assert term.count() == (17 if committee.kind == Committee.Kind.NEIGHBOURHOOD_COUNCIL else 7)


def test_scales_and_refusals(area: Quartier, staff: list[User]) -> None:
    assert SIZES["large"] == Sizes(history_years=10, council_meetings=40, jury_meetings=40, closed_ballots=10)
    with pytest.raises(ValueError, match="Unknown scale"):
        seed_committees(area=area, scale="huge", staff=staff, rng=rng(1))
    with pytest.raises(ValueError, match="staff"):
        seed_committees(area=area, scale="small", staff=[], rng=rng(1))
    with pytest.raises(ValueError, match="seed_actors"):
        seed_committees(area=area, scale="small", staff=staff, rng=rng(1))
    assert not Committee.objects.filter(area=area).exists()
