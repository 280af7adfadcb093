"""Demo data of the actors: determinism, the services (small) and bulk (large), the large path and the refusals.

The checks of the small demo itself read one seed of the whole area, in tests/demo/test_small_demo.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

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
from demo.actors import SIZES, Sizes, _seed, seed_actors
from demo.factories import QuartierFactory, user_with_role
from quartier.models import Quartier, Role, User
from tests.conftest import count_queries
from tests.demo.seeded_once import rng


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
