"""Demo data of the actors: sizes, consistency, idempotency, determinism, the services (small) and bulk (large)."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator

import pytest
from django.db.models import Count
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
from demo.actors import SIZES, Sizes, _seed, seed_actors
from demo.factories import QuartierFactory, user_with_role
from quartier.models import Quartier, Role, User
from tests.conftest import count_queries, kept_for_the_class
from tests.demo.seeded_once import Seed, SeededOnce


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - demo data, not security


def office_of(area: Quartier) -> list[User]:
    """The office of ``area``: the small demo goes through the services, which give follow-ups only to staff who
    read contact notes there."""
    return [
        user_with_role(area, role, username=name)
        for name, role in (("gwa", Role.GEMEINWESENARBEIT), ("planung", Role.PLANUNG), ("multi", Role.PLANUNG))
    ]


@pytest.fixture
def staff(area: Quartier) -> list[User]:
    return office_of(area)


class TestTheSmallSeed(SeededOnce):
    """The small demo of the actors, seeded once for these tests (tests/demo/seeded_once.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(
        cls, django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Seed]:
        with kept_for_the_class(django_db_blocker, tmp_path_factory.mktemp("media")):
            area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
            office = office_of(area)
            yield Seed.of(area, office, seed_actors(area=area, scale="small", staff=office, rng=rng(42)))

    def test_small_seed_has_the_stated_sizes(self, area: Quartier, seeded: dict[str, int]) -> None:
        assert 50 <= seeded["organisations"] <= 70
        assert 130 <= seeded["persons"] <= 170
        assert 5 <= seeded["networks"] <= 8
        assert 350 <= seeded["contact_notes"] <= 450
        assert 35 <= seeded["concerns"] <= 45
        assert seeded["affiliations"] >= seeded["organisations"]
        assert seeded["network_memberships"] >= 3 * seeded["networks"]
        assert seeded["concern_status_changes"] >= seeded["concerns"] // 2
        assert seeded["organisations"] == Organisation.objects.filter(area=area).count()
        assert len(set(Organisation.objects.filter(area=area).values_list("name", flat=True))) == 60

    def test_seed_is_idempotent(self, area: Quartier, staff: list[User], seeded: dict[str, int]) -> None:
        again = seed_actors(area=area, scale="small", staff=staff, rng=rng(99))
        assert again == seeded
        assert ContactNote.objects.count() == seeded["contact_notes"]

    def test_each_concern_history_ends_in_its_status(self, area: Quartier, seeded: dict[str, int]) -> None:
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
        self, area: Quartier, staff: list[User], seeded: object
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

    def test_persons_mix_legal_bases_and_some_lack_one(self, area: Quartier, seeded: object) -> None:
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

    def test_networks_have_members_of_both_kinds_and_fields(self, area: Quartier, seeded: object) -> None:
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

    def test_timestamps_are_spread_over_the_period(self, area: Quartier, seeded: object) -> None:
        year_ago = timezone.now() - datetime.timedelta(days=365)
        assert ContactNote.objects.filter(area=area, created_at__lt=year_ago).exists()
        assert Organisation.objects.filter(area=area, created_at__lt=year_ago).exists()
        assert not ContactNote.objects.filter(area=area, created_at__gt=timezone.now()).exists()
        assert not ConcernStatusChange.objects.filter(concern__area=area, at__gt=timezone.now()).exists()


def test_same_seed_gives_the_same_data(staff: list[User]) -> None:
    sizes = Sizes(organisations=30, persons=60, networks=4, contact_notes=80, concerns=20, years=2)

    def snapshot() -> tuple[list[tuple[object, ...]], ...]:
        area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
        _seed(area=area, sizes=sizes, staff=staff, rng=rng(7))
        result = (
            list(Organisation.objects.filter(area=area).order_by("pk").values_list("name", "kind", "street")),
            list(Person.objects.filter(area=area).order_by("pk").values_list("first_name", "last_name", "email")),
            list(ContactNote.objects.filter(area=area).order_by("pk").values_list("date", "topic", "staff")),
            list(Concern.objects.filter(area=area).order_by("pk").values_list("text", "status", "forwarded_to")),
        )
        area.delete()
        return result

    assert snapshot() == snapshot()


def test_the_services_and_bulk_writes_give_the_same_data(area: Quartier, staff: list[User]) -> None:
    """The small demo goes through the services and the large one in bulk: from the same random source both
    write the same rows (the services accept every one of them)."""
    sizes = Sizes(organisations=30, persons=60, networks=4, contact_notes=80, concerns=20, years=2)
    twin = QuartierFactory(slug="zwilling", name=area.name)
    _seed(area=area, sizes=sizes, staff=staff, rng=rng(5), services=True)
    _seed(area=twin, sizes=sizes, staff=staff, rng=rng(5), services=False)

    def rows(of: Quartier) -> tuple[list[tuple[object, ...]], ...]:
        return (
            list(
                Organisation.objects.filter(area=of)
                .order_by("pk", "fields_of_action__key")
                .values_list("name", "kind", "street", "email", "website", "active", "fields_of_action__key")
            ),
            list(
                Person.objects.filter(area=of)
                .order_by("pk")
                .values_list("first_name", "email", "address", "legal_basis", "consent_date", "interest_reason")
            ),
            list(
                Affiliation.objects.filter(person__area=of)
                .order_by("person_id", "pk")
                .values_list("person__last_name", "organisation__name", "function", "start", "end")
            ),
            list(
                NetworkMembership.objects.filter(network__area=of)
                .order_by("network_id", "pk")
                .values_list("network__name", "organisation__name", "person__last_name", "start", "end")
            ),
            list(
                ContactNote.objects.filter(area=of)
                .order_by("pk")
                .values_list("date", "topic", "text", "staff", "follow_up_due", "follow_up_assignee", "follow_up_done")
            ),
            list(
                ContactNote.persons.through.objects.filter(contactnote__area=of)
                .order_by("contactnote_id", "person_id")
                .values_list("person__last_name")
            ),
            list(
                Concern.objects.filter(area=of)
                .order_by("pk")
                .values_list("text", "status", "raised_on", "forwarded_to", "answer", "raised_by_person__last_name")
            ),
            list(
                ConcernStatusChange.objects.filter(concern__area=of)
                .order_by("concern_id", "pk")
                .values_list("from_status", "to_status", "note", "by")
            ),
        )

    assert rows(area) == rows(twin)
    assert ConcernStatusChange.objects.filter(concern__area=area).exists()


def test_queries_do_not_grow_with_the_amount(staff: list[User]) -> None:
    """Everything goes through bulk_create: twice the data, the same number of queries."""
    sizes = Sizes(organisations=40, persons=100, networks=4, contact_notes=200, concerns=30, years=3)
    double = Sizes(organisations=80, persons=200, networks=8, contact_notes=400, concerns=60, years=3)
    first, second = QuartierFactory(slug="eins"), QuartierFactory(slug="zwei")
    small = count_queries(lambda: _seed(area=first, sizes=sizes, staff=staff, rng=rng(1)))
    large = count_queries(lambda: _seed(area=second, sizes=double, staff=staff, rng=rng(1)))
    assert small == large < 40


def test_large_like_run_over_ten_years(staff: list[User]) -> None:
    """The large path, scaled down: many organisations for few names, ten years, more networks than templates."""
    area = QuartierFactory(slug="nordstadt", name="Nordstadt", municipality="Gemeinde Parkdorf")
    sizes = Sizes(organisations=1000, persons=300, networks=25, contact_notes=600, concerns=150, years=10)
    counts = _seed(area=area, sizes=sizes, staff=staff, rng=rng(3))
    assert counts["organisations"] == 1000
    assert counts["networks"] == 25
    names = list(Organisation.objects.filter(area=area).values_list("name", flat=True))
    assert len(set(names)) == len(names)
    assert len({name for name in Network.objects.filter(area=area).values_list("name", flat=True)}) == 25
    today = timezone.localdate()
    assert ContactNote.objects.filter(area=area, date__lt=today - datetime.timedelta(days=365 * 8)).exists()
    forwarded = Concern.objects.filter(area=area).exclude(forwarded_to="")
    assert forwarded.exists()
    assert all(
        name.startswith("Gemeindeverwaltung Parkdorf – ") for name in forwarded.values_list("forwarded_to", flat=True)
    )


def test_scales_and_refusals(area: Quartier) -> None:
    assert SIZES["large"].organisations == 1000 and SIZES["large"].contact_notes == 15000
    with pytest.raises(ValueError, match="Unknown scale"):
        seed_actors(area=area, scale="huge", staff=[], rng=rng(1))
    with pytest.raises(ValueError, match="staff"):
        seed_actors(area=area, scale="small", staff=[], rng=rng(1))
    assert not Organisation.objects.filter(area=area).exists()
