"""The small demo of kiez-am-kanal, seeded once for many tests (tests/demo/seeded_once.py): seeding takes seconds,
reading it milliseconds.

``TestTheSmallDemo`` seeds the area as ``seed_demo`` does, module after module (actors, committees, funds, ISEK), and
holds every check of the small demo of those modules. ``TestOnTheSmallActors`` seeds only the area's actors, on which
its tests seed the other modules in different ways (the large path, twice the same, refusals). The helpers of each
module's checks, and its tests that need no small demo, are in the module's own file (tests/demo/test_*.py).
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from actors.models import (
    Affiliation,
    Concern,
    ConcernStatusChange,
    ContactNote,
    Network,
    NetworkMembership,
    Organisation,
    Person,
)
from actors.services.concerns import CONCERN_TRANSITIONS
from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    Choice,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    Result,
    Vote,
)
from committees.rules import Composition
from committees.services.ballots import ballot_close, vote_cast
from demo.actors import SIZES as ACTOR_SIZES
from demo.actors import _seed as _seed_actors
from demo.actors import actor_counts, seed_actors
from demo.committees import SIZES as COMMITTEE_SIZES
from demo.committees import _seed as _seed_committees
from demo.committees import seed_committees
from demo.factories import OrganisationFactory, QuartierFactory, UserFactory, user_with_role
from demo.fonds import seed_funds
from demo.isek import SIZES as ISEK_SIZES
from demo.isek import Sizes as IsekSizes
from demo.isek import isek_counts, seed_isek
from fonds.models import Application, Fund, Payment, Status, StatusChange
from fonds.selectors import fund_totals
from isek.models import (
    Financing,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlannedCost,
    ProgressNote,
    Source,
    Spending,
    Version,
)
from isek.selectors import compare
from quartier.models import Quartier, Role, User
from quartier.permissions import is_committee_member
from tests.conftest import kept_for_the_class
from tests.demo.seeded_once import Seed, SeededOnce, rng
from tests.demo.test_committees import check_closed, check_meetings, council, jury, running
from tests.demo.test_fonds import check_funds, running_year


def office_of(area: Quartier) -> list[User]:
    """The office of ``area``: the small demo goes through the services, which give follow-ups only to staff who
    read contact notes there, and payments are recorded by a community worker and released by Steuerung."""
    return [
        user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa"),
        user_with_role(area, Role.PLANUNG, username="planung"),
        user_with_role(area, Role.STEUERUNG, username="steuerung"),
    ]


#: The main fields of action of the ISEK's goals, and the letters of the measures' numbers (I-1, B-2, …).
MAIN_FIELDS = {
    "integration-nachbarschaft",
    "bildung",
    "oeffentlicher-raum",
    "gesundheit-bewegung",
    "beteiligung-vernetzung",
}
LETTERS = {"I": "integration-nachbarschaft", "B": "bildung", "Ö": "oeffentlicher-raum", "G": "gesundheit-bewegung"}
LETTERS["V"] = "beteiligung-vernetzung"


def versions(area: Quartier) -> tuple[Version, Version]:
    """(adopted, draft)"""
    draft, adopted = Version.objects.filter(area=area)  # newest first
    return adopted, draft


def money_rules(version: Version) -> None:
    """Each year's financing adds up to its planned cost, urban funding comes in thirds, spending stays below the
    financing of its year and source and inside the measure's dates, and no amount is negative or has more than
    two decimals."""
    planned = {
        (measure_id, year): amount
        for measure_id, year, amount in PlannedCost.objects.filter(measure__version=version).values_list(
            "measure_id", "year", "amount"
        )
    }
    financed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    parts: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for measure_id, year, source, amount in Financing.objects.filter(measure__version=version).values_list(
        "measure_id", "year", "source", "amount"
    ):
        financed[measure_id, year] += amount
        parts[measure_id, year][source] = amount
    assert financed == {key: amount for key, amount in planned.items() if amount > 0}
    for shares in parts.values():
        urban = [shares.get(source, Decimal(0)) for source in (Source.FEDERAL, Source.STATE, Source.MUNICIPAL)]
        assert urban[0] == urban[1] and Decimal(0) <= urban[2] - urban[0] <= Decimal("0.02"), shares
    spent = (
        Spending.objects.filter(measure__version=version)
        .annotate(year=ExtractYear("date"))
        .values("measure_id", "year", "source")
        .annotate(total=Sum("amount"))
    )
    for row in spent:
        assert row["total"] <= parts[row["measure_id"], row["year"]].get(row["source"], Decimal(0)), row
    for spending in Spending.objects.filter(measure__version=version).select_related("measure"):
        assert spending.measure.start <= spending.date <= spending.measure.end
    for model in (PlannedCost, Financing, Spending):
        for amount in model.objects.filter(measure__version=version).values_list("amount", flat=True):
            assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))


class TestTheSmallDemo(SeededOnce):
    """The small demo of the area's actors, committees, funds and ISEK, each on the ones before, seeded once for these
    tests."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
            staff = office_of(area)
            counts = {
                "actors": seed_actors(area=area, scale="small", staff=staff, rng=rng(42)),
                "committees": seed_committees(area=area, scale="small", staff=staff, rng=rng(7)),
                "funds": seed_funds(area=area, scale="small", rng=rng(11)),
                "isek": seed_isek(area=area, scale="small", rng=rng(13)),
            }
            yield Seed.of(area, staff, counts)

    @pytest.fixture
    def actors_seeded(self, seeded: dict[str, dict[str, int]]) -> dict[str, int]:
        """What ``seed_actors`` returned."""
        return seeded["actors"]

    @pytest.fixture
    def committees_seeded(self, seeded: dict[str, dict[str, int]]) -> dict[str, int]:
        return seeded["committees"]

    @pytest.fixture
    def funds_seeded(self, seeded: dict[str, dict[str, int]]) -> dict[str, int]:
        return seeded["funds"]

    @pytest.fixture
    def isek_seeded(self, seeded: dict[str, dict[str, int]]) -> dict[str, int]:
        return seeded["isek"]

    # --- The actors (demo/actors.py) ----------------------------------------------------------------------------------

    def test_the_actors_have_the_stated_sizes(self, area: Quartier, actors_seeded: dict[str, int]) -> None:
        assert 50 <= actors_seeded["organisations"] <= 70
        assert 130 <= actors_seeded["persons"] <= 170
        assert 5 <= actors_seeded["networks"] <= 8
        assert 350 <= actors_seeded["contact_notes"] <= 450
        assert 35 <= actors_seeded["concerns"] <= 45
        assert actors_seeded["affiliations"] >= actors_seeded["organisations"]
        assert actors_seeded["network_memberships"] >= 3 * actors_seeded["networks"]
        assert actors_seeded["concern_status_changes"] >= actors_seeded["concerns"] // 2
        assert actors_seeded["organisations"] == Organisation.objects.filter(area=area).count()
        assert len(set(Organisation.objects.filter(area=area).values_list("name", flat=True))) == 60

    def test_seeding_the_actors_again_changes_nothing(
        self, area: Quartier, staff: list[User], actors_seeded: dict[str, int]
    ) -> None:
        before = actor_counts(area)
        again = seed_actors(area=area, scale="small", staff=staff, rng=rng(99))
        assert again == before
        # Since the actors, only the funds' seed wrote actors: the persons its public form took in, to be reviewed.
        applicants = Application.objects.filter(area=area, applicant_to_review=True).values("person").distinct()
        assert again == {**actors_seeded, "persons": actors_seeded["persons"] + applicants.count()}
        assert ContactNote.objects.count() == actors_seeded["contact_notes"]

    def test_each_concern_history_ends_in_its_status(self, area: Quartier, actors_seeded: dict[str, int]) -> None:
        statuses = set(Concern.objects.filter(area=area).values_list("status", flat=True))
        assert statuses == set(Concern.Status.values)
        for concern in Concern.objects.filter(area=area).prefetch_related("status_changes"):
            changes = list(concern.status_changes.all())  # ordered by "at", "pk"
            if concern.status == Concern.Status.NEW:
                assert changes == []
                continue
            assert changes[-1].to_status == concern.status
            assert changes[0].from_status == Concern.Status.NEW
            for before, after in itertools.pairwise(changes):
                assert after.from_status == before.to_status
                assert after.at > before.at
            for change in changes:
                assert change.to_status in CONCERN_TRANSITIONS[change.from_status]
                assert change.at.date() >= concern.raised_on
                assert change.at <= timezone.now()
                if change.to_status == Concern.Status.NOT_FEASIBLE:
                    assert change.note
            if any(change.to_status == Concern.Status.FORWARDED for change in changes):
                assert concern.forwarded_to.startswith("Bezirksamt") or concern.forwarded_to.startswith(
                    "Stadtverwaltung"
                )
            else:
                assert concern.forwarded_to == ""
        assert ConcernStatusChange.objects.filter(concern__area=area).values("by").distinct().count() > 1

    def test_follow_ups_have_assignees_and_all_states_occur(
        self, area: Quartier, staff: list[User], actors_seeded: object
    ) -> None:
        notes = ContactNote.objects.filter(area=area)
        follow_ups = notes.exclude(follow_up_due=None)
        today = timezone.localdate()
        assert not follow_ups.filter(follow_up_assignee=None).exists()
        assert set(follow_ups.values_list("follow_up_assignee", flat=True)) <= {user.pk for user in staff}
        assert follow_ups.filter(follow_up_done=True).exists()
        assert follow_ups.filter(follow_up_done=False, follow_up_due__lt=today).exists()  # overdue
        assert notes.filter(follow_up_due=None).count() > follow_ups.count()
        assert not notes.filter(date__gt=today).exists()
        assert notes.filter(date__lt=today - datetime.timedelta(days=365)).exists()  # spread over two years
        assert notes.filter(date__gte=today - datetime.timedelta(days=365 * 2 + 1)).count() == notes.count()
        assert notes.filter(topic__startswith="Sprechstunde:").exists()
        assert notes.annotate(n=Count("persons")).filter(n__gt=0).exists()
        assert notes.annotate(n=Count("organisations")).filter(n__gt=0).exists()
        assert notes.annotate(n=Count("fields_of_action")).filter(n=0).count() == 0
        assert set(notes.values_list("staff", flat=True)) == {user.pk for user in staff}

    def test_persons_mix_legal_bases_and_some_lack_one(self, area: Quartier, actors_seeded: object) -> None:
        persons = Person.objects.filter(area=area)
        assert persons.filter(legal_basis=Person.LegalBasis.NONE).exists()
        assert persons.filter(legal_basis=Person.LegalBasis.CONSENT).exclude(consent_scope="").exists()
        assert persons.filter(legal_basis=Person.LegalBasis.LEGITIMATE_INTEREST).exists()
        assert not persons.filter(legal_basis=Person.LegalBasis.CONSENT, consent_date=None).exists()
        assert not persons.filter(legal_basis=Person.LegalBasis.LEGITIMATE_INTEREST, interest_reason="").exists()
        assert persons.filter(is_key_person=True).exclude(key_person_note="").exists()
        assert persons.filter(is_resident=True).exists()
        assert persons.filter(is_resident=False).exists()
        assert Affiliation.objects.filter(person__area=area).exclude(function="").exists()
        assert Affiliation.objects.filter(person__area=area, end__isnull=False).exists()

    def test_networks_have_members_of_both_kinds_and_fields(self, area: Quartier, actors_seeded: object) -> None:
        members = NetworkMembership.objects.filter(network__area=area)
        assert members.filter(person=None).exists()
        assert members.filter(organisation=None).exists()
        assert Network.objects.filter(area=area, name="Stadtteilkonferenz Kiez am Kanal").exists()
        assert not Network.objects.filter(area=area).annotate(n=Count("fields_of_action")).filter(n=0).exists()
        organisations = Organisation.objects.filter(area=area)
        assert organisations.values("kind").distinct().count() >= len(Organisation.Kind) - 1  # all but "other"
        for part in ("Stadtteilverein Kiez am Kanal", "Moscheegemeinde", "Kirchengemeinde", "Kita", "– Jugendamt"):
            assert organisations.filter(name__contains=part).exists(), part
        assert not organisations.annotate(n=Count("fields_of_action")).filter(n=0).exists()
        assert not organisations.annotate(n=Count("target_groups")).filter(n=0).exists()

    def test_timestamps_are_spread_over_the_period(self, area: Quartier, actors_seeded: object) -> None:
        year_ago = timezone.now() - datetime.timedelta(days=365)
        assert ContactNote.objects.filter(area=area, created_at__lt=year_ago).exists()
        assert Organisation.objects.filter(area=area, created_at__lt=year_ago).exists()
        assert not ContactNote.objects.filter(area=area, created_at__gt=timezone.now()).exists()
        assert not ConcernStatusChange.objects.filter(concern__area=area, at__gt=timezone.now()).exists()

    # --- The committees (demo/committees.py) --------------------------------------------------------------------------

    def test_the_committees_have_the_stated_sizes(self, area: Quartier, committees_seeded: dict[str, int]) -> None:
        assert committees_seeded["committees"] == 2
        assert committees_seeded["memberships"] == 17 + 2 + 3 + 7  # voting, advisory, deputies; the jury
        assert committees_seeded["meetings"] == 6
        assert committees_seeded["ballots"] == 2
        assert 7 <= committees_seeded["ballot_items"] <= 8
        assert committees_seeded["attendances"] == 3 * 22 + 2 * 7  # every member of each past meeting
        assert committees_seeded["agenda_items"] >= 6 * 4
        assert committees_seeded["votes"] > 0 and committees_seeded["participations"] >= committees_seeded["votes"]
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

    def test_the_neighbourhood_council_meets_its_resident_rule(self, area: Quartier, committees_seeded: object) -> None:
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

    def test_jurors_have_accounts_and_can_log_in(self, area: Quartier, committees_seeded: object) -> None:
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

    def test_one_open_ballot_where_jury1_has_not_voted(self, area: Quartier, committees_seeded: object) -> None:
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

    def test_the_closed_ballot_keeps_the_results_of_its_votes(self, area: Quartier, committees_seeded: object) -> None:
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.CLOSED)
        assert ballot.deadline < timezone.now()
        assert Vote.objects.filter(item__ballot=ballot).exists()
        check_closed(ballot)

    def test_meetings_vote_counts_never_exceed_attendance(self, area: Quartier, committees_seeded: object) -> None:
        check_meetings(area)
        statuses = set(Attendance.objects.filter(meeting__committee__area=area).values_list("status", flat=True))
        assert Attendance.Status.PRESENT in statuses and len(statuses) >= 2

    def test_seeding_the_committees_again_changes_nothing(
        self, area: Quartier, staff: list[User], committees_seeded: dict[str, int]
    ) -> None:
        users = User.objects.count()
        assert seed_committees(area=area, scale="small", staff=staff, rng=rng(99)) == committees_seeded
        assert User.objects.count() == users

    # --- The funds (demo/fonds.py) ------------------------------------------------------------------------------------

    def test_small_seed_has_the_three_funds_with_their_applications(
        self, area: Quartier, funds_seeded: dict[str, int]
    ) -> None:
        assert funds_seeded["funds"] == 3
        year = running_year()
        funds = {fund.kind: fund for fund in Fund.objects.filter(area=area)}
        action = funds[Fund.Kind.ACTION_FUND]
        assert (action.name, action.year, action.budget, action.cap, action.office_limit) == (
            "Aktionsfonds",
            year,
            Decimal("10000.00"),
            Decimal("1500.00"),
            Decimal("500.00"),
        )
        assert action.committee.kind == Committee.Kind.ACTION_FUND_JURY
        assert action.criteria.count() == 4
        assert funds[Fund.Kind.PROJECT_FUND].committee.kind == Committee.Kind.NEIGHBOURHOOD_COUNCIL
        assert funds[Fund.Kind.NEIGHBOURHOOD_FUND].co_financing_share == Decimal("50.00")
        counts = Counter(Application.objects.filter(area=area).values_list("fund__kind", flat=True))
        assert counts == {Fund.Kind.ACTION_FUND: 25, Fund.Kind.PROJECT_FUND: 6, Fund.Kind.NEIGHBOURHOOD_FUND: 8}
        assert funds_seeded["applications"] == 39
        assert funds_seeded["payments"] > 0 and funds_seeded["receipts"] > 0 and funds_seeded["eligibility_checks"] > 0

    def test_the_aktionsfonds_has_every_state(self, area: Quartier, funds_seeded: object) -> None:
        states = set(Application.objects.filter(fund__kind=Fund.Kind.ACTION_FUND).values_list("status", flat=True))
        assert states == set(Status.values)

    def test_every_fund_keeps_its_budget_and_every_application_its_history(
        self, area: Quartier, funds_seeded: object
    ) -> None:
        check_funds(area)
        for fund in Fund.objects.filter(area=area):
            assert fund_totals(fund).free >= 0
        # Verfügungsfonds: at least half of the costs from own or other money.
        for application in Application.objects.filter(fund__kind=Fund.Kind.NEIGHBOURHOOD_FUND):
            assert (application.own_contribution + application.other_funding) * 2 >= application.total_costs

    def test_applicants_are_actors_of_the_area_and_some_new_ones_wait_for_review(
        self, area: Quartier, funds_seeded: object
    ) -> None:
        applications = Application.objects.filter(area=area).select_related("person", "organisation")
        assert all(application.applicant is not None for application in applications)
        assert all(application.applicant.area_id == area.pk for application in applications)
        assert applications.filter(person__isnull=False, organisation__isnull=True).exists()
        assert applications.filter(organisation__isnull=False).exists()
        new = applications.filter(applicant_to_review=True)
        assert new.count() == 3
        assert all(application.person.legal_basis == "consent" for application in new)
        assert set(new.values_list("status", flat=True)) <= {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW}

    def test_payments_are_released_by_steuerung_and_recorded_by_someone_else(
        self, area: Quartier, staff: list[User], funds_seeded: object
    ) -> None:
        payments = Payment.objects.filter(application__area=area)
        released = payments.exclude(released_by=None)
        assert released.exists()
        assert set(released.values_list("released_by__username", flat=True)) == {"steuerung"}
        assert set(payments.values_list("recorded_by__username", flat=True)) == {"gwa"}
        assert payments.filter(released_by=None).count() <= 2  # waiting for the second pair of eyes

    def test_the_open_ballot_decides_two_applications_and_the_jury_has_decided_others(
        self, area: Quartier, funds_seeded: object
    ) -> None:
        content_type = ContentType.objects.get_for_model(Application)
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.OPEN)
        assert ballot.items.count() == 4
        linked = ballot.items.filter(content_type=content_type)
        assert linked.count() == 2
        for item in linked:
            application = Application.objects.get(pk=item.object_id)
            assert application.status == Status.FOR_DECISION
            assert item.title.startswith(application.title)
            assert item.title.endswith(f" – {int(application.requested):,} €".replace(",", "."))
        decided = list(
            BallotItem.objects.filter(
                ballot__committee__area=area, ballot__status="geschlossen", object_id__isnull=False
            )
        ) + list(AgendaItem.objects.filter(meeting__committee__area=area, object_id__isnull=False))
        for item in decided:
            application = Application.objects.get(pk=item.object_id)
            if item.result == "angenommen":
                assert application.approved_amount == application.requested
                assert application.status not in {Status.REJECTED, Status.FOR_DECISION, Status.DEFERRED}
            elif item.result == "abgelehnt":
                assert application.status == Status.REJECTED
            elif item.result:
                assert application.status == Status.DEFERRED

    def test_closing_the_open_ballot_decides_its_applications_within_the_budget(
        self, area: Quartier, funds_seeded: object
    ) -> None:
        ballot = Ballot.objects.get(committee__area=area, status=Ballot.Status.OPEN)
        linked = list(ballot.items.filter(object_id__isnull=False))
        members = Membership.objects.filter(committee=ballot.committee, voting=True, user__isnull=False)
        for item in linked:
            for member in members.select_related("user"):
                with contextlib.suppress(ValidationError):  # a member who declared a conflict of interest
                    vote_cast(item=item, membership=member, choice=Choice.YES, by=member.user)
        ballot_close(ballot=ballot, by=None, now=ballot.deadline)
        for item in linked:
            item.refresh_from_db()
            application = Application.objects.get(pk=item.object_id)
            assert item.result == Result.ADOPTED
            assert application.status == Status.APPROVED
            assert application.approved_amount == application.requested
            # approved without a refusal for lack of money
            assert not application.status_changes.filter(from_status=F("to_status")).exists()
        check_funds(area)

    def test_seeding_the_funds_again_changes_nothing(self, area: Quartier, funds_seeded: dict[str, int]) -> None:
        users = User.objects.count()
        changes = StatusChange.objects.count()
        assert seed_funds(area=area, scale="small", rng=rng(99)) == funds_seeded
        assert (User.objects.count(), StatusChange.objects.count()) == (users, changes)

    # --- The ISEK (demo/isek.py) --------------------------------------------------------------------------------------

    def test_the_isek_is_the_adopted_isek_2024_and_its_draft_update(
        self, area: Quartier, isek_seeded: dict[str, int]
    ) -> None:
        adopted, draft = versions(area)
        assert (adopted.label, adopted.status, adopted.adopted_by) == (
            "ISEK 2024",
            "beschlossen",
            "Stadtverordnetenversammlung",
        )
        assert (adopted.adopted_on.year, adopted.adopted_on.month) == (2024, 6)
        assert (draft.label, draft.status, draft.adopted_on) == ("ISEK 2024, Fortschreibung 2026", "entwurf", None)
        assert draft.previous == adopted and adopted.previous is None
        assert adopted.created_at < draft.created_at <= timezone.now()
        assert isek_seeded["versions"] == ISEK_SIZES["small"].versions == 2
        assert isek_seeded["measures"] == 29 + 30
        assert isek_seeded["indicators"] == 2 * ISEK_SIZES["small"].indicators
        assert all(isek_seeded[name] > 0 for name in ("milestones", "progress_notes", "spendings", "indicator_values"))
        # The adoption's audit entry is dated on the adoption day.
        [entry] = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Version),
            object_id=adopted.pk,
            additional_data__transition="adopt",
        )
        assert timezone.localdate(entry.timestamp) == adopted.adopted_on

    def test_the_draft_has_its_goals_and_thirty_measures_in_every_status(
        self, area: Quartier, isek_seeded: object
    ) -> None:
        _adopted, draft = versions(area)
        overall = Goal.objects.filter(version=draft, parent=None)
        goals = Goal.objects.filter(version=draft, parent__isnull=False).select_related("field_of_action", "parent")
        assert overall.count() == 4 and goals.count() == 12
        assert {goal.field_of_action.key for goal in goals} == MAIN_FIELDS
        assert {goal.parent_id for goal in goals} == set(overall.values_list("pk", flat=True))
        measures = list(Measure.objects.filter(version=draft).prefetch_related("fields_of_action", "goals", "partners"))
        assert len(measures) == ISEK_SIZES["small"].measures == 30
        assert {m.status for m in measures} == set(Measure.Status.values)
        assert {m.kind for m in measures} == set(Measure.Kind.values)
        assert {m.responsible_role for m in measures} == {Role.STEUERUNG, Role.PLANUNG, Role.GEMEINWESENARBEIT}
        office = [m for m in measures if m.kind == Measure.Kind.SOCIAL and m.responsible_role == Role.GEMEINWESENARBEIT]
        assert len(office) >= 5
        for measure in measures:
            letter = re.fullmatch(r"([IBÖGV])-\d+", measure.number).group(1)
            assert LETTERS[letter] in {f.key for f in measure.fields_of_action.all()}
            assert datetime.date(2020, 1, 1) <= measure.start <= measure.end <= datetime.date(2030, 12, 31)
            assert measure.goals.all() and all(goal.version_id == draft.pk for goal in measure.goals.all())
            assert measure.title and measure.description and measure.place
            orgs = [measure.lead_organisation, *measure.partners.all()]
            assert all(org.area_id == area.pk for org in orgs if org is not None)
        assert sum(1 for m in measures if m.lead_organisation_id) >= 25
        assert sum(1 for m in measures if m.partners.all()) >= 20

    def test_measures_have_milestones_notes_and_links_into_the_area(
        self, area: Quartier, staff: list[User], isek_seeded: object
    ) -> None:
        _adopted, draft = versions(area)
        today = timezone.localdate()
        milestones = Milestone.objects.filter(measure__version=draft)
        assert milestones.filter(reached=True).exists() and milestones.filter(reached=False).exists()
        assert not milestones.filter(reached=True, date__gt=today).exists()
        assert not milestones.filter(reached=True, measure__status=Measure.Status.IDEA).exists()
        notes = ProgressNote.objects.filter(measure__version=draft)
        assert notes.count() >= 30 and not notes.filter(date__gt=today).exists()
        assert set(notes.values_list("author", flat=True)) <= {user.pk for user in staff}
        assert notes.filter(author__username="gwa").exists() and notes.filter(author__username="planung").exists()
        for status, word in (("zurueckgestellt", "Zurückgestellt"), ("entfallen", "Entfallen")):
            for measure in Measure.objects.filter(version=draft, status=status):
                assert measure.progress_notes.all()[0].text.startswith(word)
        links = Measure.objects.filter(version=draft)
        concerns = links.filter(concerns__isnull=False).values_list("concerns__area", flat=True)
        applications = links.filter(applications__isnull=False).values_list("applications__area", flat=True)
        decisions = AgendaItem.objects.filter(measures__version=draft).select_related("meeting__committee")
        assert len(concerns) >= 3 and set(concerns) == {area.pk}
        assert len(applications) >= 3 and set(applications) == {area.pk}
        assert decisions.count() >= 2
        assert all(item.result and item.meeting.committee.area_id == area.pk for item in decisions)
        # The Verfügungsfonds measure serves the area's Verfügungsfonds applications.
        fund = Measure.objects.get(version=draft, title="Verfügungsfonds")
        assert fund.applications.exists()
        assert set(fund.applications.values_list("fund__kind", flat=True)) == {"verfuegungsfonds"}

    def test_the_money_spans_2020_to_2030_and_adds_up(self, area: Quartier, isek_seeded: object) -> None:
        adopted, draft = versions(area)
        years = set(PlannedCost.objects.filter(measure__version=draft).values_list("year", flat=True))
        assert years == set(range(2020, 2031))
        for version in (adopted, draft):
            money_rules(version)
        sources = set(Financing.objects.filter(measure__version=draft).values_list("source", flat=True))
        assert sources == set(Source.values)
        assert not Spending.objects.filter(measure__version=draft, date__gt=timezone.localdate()).exists()
        assert not Spending.objects.filter(measure__version=adopted, date__gt=adopted.adopted_on).exists()
        assert (
            Spending.objects.filter(measure__version=draft).count()
            > Spending.objects.filter(measure__version=adopted).count()
        )
        # Building costs a lot, social work little.
        totals = {
            kind: PlannedCost.objects.filter(measure__version=draft, measure__kind=kind).aggregate(s=Sum("amount"))["s"]
            / Measure.objects.filter(version=draft, kind=kind).count()
            for kind in Measure.Kind.values
        }
        assert totals[Measure.Kind.INVESTIVE] > 3 * totals[Measure.Kind.SOCIAL]
        # Nothing is spent on measures that have not started.
        assert not Spending.objects.filter(
            measure__version=draft, measure__status__in=["idee", "vorbereitung"]
        ).exists()

    def test_ten_indicators_with_yearly_values(self, area: Quartier, isek_seeded: object) -> None:
        adopted, draft = versions(area)
        last_year = timezone.localdate().year - 1
        indicators = Indicator.objects.filter(version=draft).prefetch_related("values", "goals")
        assert indicators.count() == 10
        assert len({i.name for i in indicators}) == 10
        assert {i.field_of_action.key for i in indicators} == MAIN_FIELDS
        assert {i.direction for i in indicators} == set(Indicator.Direction.values)
        for indicator in indicators:
            assert indicator.unit and indicator.source and indicator.goals.all()
            assert indicator.target_year >= indicator.baseline_year
            years = [value.year for value in indicator.values.all()]
            assert years == list(range(indicator.baseline_year, last_year + 1))
            assert indicator.values.all()[0].value == indicator.baseline
            assert all(value.value >= 0 for value in indicator.values.all())
        adopted_years = IndicatorValue.objects.filter(indicator__version=adopted).values_list("year", flat=True)
        assert max(adopted_years) == 2023

    def test_the_comparison_of_the_two_versions_shows_the_update(self, area: Quartier, isek_seeded: object) -> None:
        adopted, draft = versions(area)
        comparison = compare(adopted, draft)
        assert len(comparison.added) == 3 and len(comparison.removed) == 2
        whats = Counter(change.what for change in comparison.changed)
        assert whats["status"] >= 5 and whats["costs"] >= 3
        dropped = [c for c in comparison.changed if c.what == "status" and c.after == Measure.Status.DROPPED]
        assert dropped
        # The copy kept what was recorded before the adoption and the office added what came since.
        kept = Measure.objects.get(version=draft, number="V-1")
        before = Measure.objects.get(version=adopted, number="V-1")
        assert set(before.spendings.values_list("date", "amount", "source")) < set(
            kept.spendings.values_list("date", "amount", "source")
        )

    def test_seeding_the_isek_again_changes_nothing(self, area: Quartier, isek_seeded: dict[str, int]) -> None:
        entries = LogEntry.objects.count()
        assert seed_isek(area=area, scale="small", rng=rng(99)) == isek_seeded
        assert seed_isek(area=area, scale="large", rng=rng(98)) == isek_seeded
        assert LogEntry.objects.count() == entries
        assert isek_counts(area) == isek_seeded


class TestOnTheSmallActors(SeededOnce):
    """Committees, funds and ISEKs seeded in different ways on the small demo of the area's actors, which is seeded
    once for these tests."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
            staff = office_of(area)
            seed_actors(area=area, scale="small", staff=staff, rng=rng(42))
            yield Seed.of(area, staff)

    @pytest.fixture
    def actors(self, seed: Seed) -> None:
        """Seeded with the class."""

    @pytest.fixture
    def committees(self, area: Quartier, staff: list[User], actors: None) -> None:
        """The small demo of the committees on the actors, as the funds are seeded on them."""
        seed_committees(area=area, scale="small", staff=staff, rng=rng(7))

    # --- Committees (demo/committees.py) ------------------------------------------------------------------------------

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

    def test_the_committees_through_the_services_and_in_bulk_are_the_same(
        self, area: Quartier, staff: list[User], actors: None
    ) -> None:
        """The small demo enters committees, members and meetings through the services, the large one in bulk:
        from the same random source and moment both write the same rows."""
        now = timezone.now()
        twin = QuartierFactory(slug="zwilling", name=area.name)
        # The twin's actors in bulk: the same rows as the services wrote in the area (tests/demo/test_actors.py).
        _seed_actors(area=twin, sizes=ACTOR_SIZES["small"], staff=staff, rng=rng(42), services=False)
        _seed_committees(area=area, sizes=COMMITTEE_SIZES["small"], staff=staff, rng=rng(6), now=now, services=True)
        _seed_committees(
            area=twin,
            sizes=COMMITTEE_SIZES["small"],
            staff=staff,
            rng=rng(6),
            now=now,
            account_prefix="zwilling",
            services=False,
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

    def test_the_same_seed_gives_the_same_committees(self, area: Quartier, staff: list[User], actors: None) -> None:
        """From the same random source and moment the committees come out the same, twice on the same actors (the
        actors' own sameness is tests/demo/test_actors.py's)."""
        now = timezone.now()

        def snapshot() -> tuple[list[tuple[object, ...]], ...]:
            _seed_committees(area=area, sizes=COMMITTEE_SIZES["small"], staff=staff, rng=rng(6), now=now)
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

    def test_a_large_like_run_of_the_committees_over_ten_years(
        self, area: Quartier, staff: list[User], actors: None
    ) -> None:
        """The large path on the small actors: five terms, forty meetings a committee, a closed ballot a year."""
        counts = _seed_committees(area=area, sizes=COMMITTEE_SIZES["large"], staff=staff, rng=rng(3))
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

    # --- The ISEK (demo/isek.py) --------------------------------------------------------------------------------------

    def test_the_same_random_source_and_moment_give_the_same_isek(self, area: Quartier, actors: None) -> None:
        now = timezone.now()

        def snapshot() -> list[tuple[object, ...]]:
            rows = Measure.objects.filter(version__area=area).order_by("version__label", "number")
            return [
                (m.version.label, m.number, m.title, m.status, m.lead_organisation_id, m.start, m.end,
                 tuple(m.planned_costs.values_list("year", "amount")), tuple(m.spendings.values_list("date", "amount")),
                 tuple(m.partners.values_list("pk", flat=True)))
                for m in rows
            ]  # fmt: skip

        seed_isek(area=area, scale="small", rng=rng(5), now=now)
        first = snapshot()
        adopted, draft = versions(area)
        draft.delete()
        adopted.delete()
        seed_isek(area=area, scale="small", rng=rng(5), now=now)
        assert snapshot() == first and len(first) == 59

    def test_the_isek_scales_and_refusals(self, area: Quartier, other_area: Quartier, actors: None) -> None:
        assert ISEK_SIZES["large"] == IsekSizes(versions=10, measures=300, indicators=40)
        assert ISEK_SIZES["small"] == IsekSizes(versions=2, measures=30, indicators=10)
        with pytest.raises(ValueError, match="Unknown scale"):
            seed_isek(area=area, scale="huge", rng=rng(1))
        with pytest.raises(ValueError, match="seed_actors"):
            seed_isek(area=other_area, scale="small", rng=rng(1))
        assert isek_counts(other_area)["versions"] == 0 and isek_counts(area)["versions"] == 0
        # The small ISEK goes through the services, written by the area's staff: an area without any is refused.
        OrganisationFactory(area=other_area)
        with pytest.raises(ValueError, match="staff"):
            seed_isek(area=other_area, scale="small", rng=rng(1))
        assert isek_counts(other_area)["versions"] == 0
        # Without committees and funds the ISEK is still made, without links to them.
        seed_isek(area=area, scale="small", rng=rng(1))
        _adopted, draft = versions(area)
        assert draft.measures.count() == 30
        assert not Measure.objects.filter(version=draft, applications__isnull=False).exists()

    def test_large_is_ten_yearly_versions_with_300_measures_and_40_indicators(
        self, area: Quartier, actors: None
    ) -> None:
        """The real large sizes on the small actors (about three seconds)."""
        counts = seed_isek(area=area, scale="large", rng=rng(3))
        chain = list(Version.objects.filter(area=area).order_by("created_at"))
        assert counts["versions"] == len(chain) == 10
        year = timezone.localdate().year
        assert [v.label for v in chain] == [f"ISEK {year - 9}"] + [
            f"ISEK {year - 9}, Fortschreibung {y}" for y in range(year - 8, year + 1)
        ]
        assert [v.previous_id for v in chain] == [None] + [v.pk for v in chain[:-1]]
        assert [v.status for v in chain] == ["beschlossen"] * 9 + ["entwurf"]
        adopted_on = [v.adopted_on for v in chain[:-1]]
        assert [day.year for day in adopted_on] == list(range(year - 9, year))
        assert Version.objects.filter(area=area).first() == chain[-1]  # the newest comes first
        newest = chain[-1]
        assert newest.measures.count() == 300 and newest.indicators.count() == 40
        sizes = [v.measures.count() for v in chain]
        assert sizes[0] < sizes[-1] and all(v.indicators.count() == 40 for v in chain)
        assert Goal.objects.filter(version=newest, parent=None).count() == 4
        statuses = set(newest.measures.values_list("status", flat=True))
        assert statuses == set(Measure.Status.values)
        assert all(
            Measure.objects.filter(version=newest, number__startswith=f"{letter}-").exists() for letter in LETTERS
        )
        # Each version adds up and holds only what was recorded by its day.
        for version in (chain[0], chain[4], newest):
            money_rules(version)
        for version in chain[:-1]:
            assert not Spending.objects.filter(measure__version=version, date__gt=version.adopted_on).exists()
            assert not ProgressNote.objects.filter(measure__version=version, date__gt=version.adopted_on).exists()
            last = IndicatorValue.objects.filter(indicator__version=version).order_by("-year").first()
            assert last.year == version.adopted_on.year - 1
        # The yearly updates differ: measures come and go, statuses and costs change.
        comparison = compare(chain[-2], newest)
        assert comparison.added and comparison.changed
        assert any(compare(a, b).removed for a, b in itertools.pairwise(chain))
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Version), additional_data__transition="adopt"
        )
        assert sorted(timezone.localdate(e.timestamp) for e in entries) == adopted_on
        # The links of the many-to-many tables are there.
        assert Measure.fields_of_action.through.objects.filter(measure__version=newest).count() >= 300
        assert Measure.goals.through.objects.filter(measure__version=newest).count() >= 300
        assert Indicator.goals.through.objects.filter(indicator__version=newest).count() >= 40

    # --- Funds (demo/fonds.py) ----------------------------------------------------------------------------------------

    def test_a_large_run_of_the_funds_over_ten_years(self, area: Quartier, committees: None) -> None:
        """The large path on the small actors: ten years of three funds with about 100 applications each."""
        seed_funds(area=area, scale="large", rng=rng(3))
        funds = Fund.objects.filter(area=area)
        assert funds.count() == 30
        assert funds.values("year").distinct().count() == 10
        per_fund = Counter(Application.objects.filter(area=area).values_list("fund_id", flat=True))
        assert all(90 <= count <= 110 for count in per_fund.values()), per_fund
        check_funds(area)
        old = Application.objects.filter(area=area, fund__year__lt=running_year())
        assert set(old.values_list("status", flat=True)) <= {
            Status.CLOSED,
            Status.RECLAIM,
            Status.REJECTED,
            Status.INELIGIBLE,
            Status.WITHDRAWN,
        }
        assert old.filter(status=Status.CLOSED).exists()
        # Every transition also has its audit entry, at the time of its status change.
        from auditlog.models import LogEntry

        content_type = ContentType.objects.get_for_model(Application)
        entries = LogEntry.objects.filter(content_type=content_type, additional_data__has_key="transition")
        assert entries.count() == StatusChange.objects.filter(application__area=area).count()
        assert not entries.filter(timestamp__gt=timezone.now()).exists()
        paid = Payment.objects.filter(application__area=area, released_at__isnull=False).aggregate(total=Sum("amount"))
        assert paid["total"] > 0
