"""factory_boy factories of the project's models, for the tests and the demo.

Each factory makes a valid row with plain German defaults; a test names what it is about and leaves the rest.
Rows that a service checks on the way in (a contact note's staff, a membership's account, an application's
lifecycle) are made by the tests and the demo through the service; these factories stand in where a row is only
the ground a test stands on. The demo makes its accounts with :class:`UserFactory` and its areas with
:class:`QuartierFactory`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from activation.models import Event, Kind
from actors.models import Concern, ContactNote, Network, Organisation, Person
from committees.models import Ballot, BallotItem, Committee, Meeting, Membership
from fonds.models import Fund
from isek.models import Goal, Indicator, Measure, Version
from quartier.models import Quartier, Role, User
from quartier.permissions import ROLE_PERMISSIONS
from quartier.services import role_grant

PASSWORD = "test-password-1"  # noqa: S105  # the tests' password  # nosec B105


class UserFactory(factory.django.DjangoModelFactory):
    """An account with the password ``PASSWORD`` (or ``password=…``); ``hashed=…`` sets a hash made beforehand
    instead (with ``password=None``), so that many accounts with one password are hashed once."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="de_DE")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def hashed(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted:
            self.password = extracted

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class QuartierFactory(factory.django.DjangoModelFactory):
    """An area; an existing one of the same slug is returned as it is."""

    class Meta:
        model = Quartier
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    municipality = "Beispielstadt"
    funding_start = 2020
    office_address = "Uferstraße 12\n12345 Beispielstadt"
    opening_hours = "Di 10–13 Uhr"


def user_with_permissions(area: Quartier, perms: set[str], monkeypatch: object, **kwargs: object) -> User:
    """A new user holding exactly ``perms`` in ``area``, a set no real role holds: permissions follow roles
    only, so the test gives Koordination that set for its duration (``monkeypatch``) and grants it."""
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.KOORDINATION, frozenset(perms))  # type: ignore[attr-defined]
    return user_with_role(area, Role.KOORDINATION, **kwargs)


def user_with_role(area: Quartier, role: str | Role, **kwargs: object) -> User:
    """A new user holding ``role`` in ``area`` (granted through the service, as in production)."""
    user = UserFactory(**kwargs)
    role_grant(user=user, area=area, role=role, by=None)
    return user


# --- Actors -------------------------------------------------------------------------------------------------------


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An association without an address (an address takes part in the conflicts of interest: give it)."""

    class Meta:
        model = Organisation

    area = factory.SubFactory(QuartierFactory)
    name = factory.Sequence(lambda n: f"Nachbarschaftsverein {n} e. V.")
    kind = Organisation.Kind.ASSOCIATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    area = factory.SubFactory(QuartierFactory)
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    is_resident = True


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    area = factory.SubFactory(QuartierFactory)
    name = factory.Sequence(lambda n: f"Arbeitsgruppe {n}")
    kind = Network.Kind.WORKING_GROUP


class ContactNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactNote

    area = factory.SubFactory(QuartierFactory)
    date = factory.LazyFunction(timezone.localdate)
    staff = factory.SubFactory(UserFactory)
    channel = ContactNote.Channel.PHONE
    topic = "Kooperationsgespräch"


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    area = factory.SubFactory(QuartierFactory)
    text = "Spielplatz am Kanal: Schaukel defekt"
    raised_on = factory.LazyFunction(timezone.localdate)


# --- Committees ---------------------------------------------------------------------------------------------------


class CommitteeFactory(factory.django.DjangoModelFactory):
    """An Aktionsfondsjury by default: residents only, a majority of all members, four make the quorum."""

    class Meta:
        model = Committee

    area = factory.SubFactory(QuartierFactory)
    name = factory.LazyAttribute(lambda committee: f"Aktionsfondsjury {committee.area.name}")
    kind = Committee.Kind.ACTION_FUND_JURY
    majority_rule = Committee.MajorityRule.ALL_MEMBERS
    quorum_members = 4
    resident_share = 100


class MembershipFactory(factory.django.DjangoModelFactory):
    """A voting resident member of a committee, without an account unless ``user=…`` is given."""

    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory, area=factory.SelfAttribute("..committee.area"))
    member_type = Membership.MemberType.RESIDENT


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    place = "Nachbarschaftstreff, Uferstraße 12"


class BallotFactory(factory.django.DjangoModelFactory):
    """A draft ballot, due in two days."""

    class Meta:
        model = Ballot

    committee = factory.SubFactory(CommitteeFactory)
    title = "Umlauf November"
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=48))


class BallotItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BallotItem

    ballot = factory.SubFactory(BallotFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda item: f"Antrag {item.position}")


# --- Funds --------------------------------------------------------------------------------------------------------


class FundFactory(factory.django.DjangoModelFactory):
    """An Aktionsfonds of 10,000 € in 2026; ``criteria=[…]`` adds its eligibility criteria in order."""

    class Meta:
        model = Fund
        skip_postgeneration_save = True

    area = factory.SubFactory(QuartierFactory)
    name = "Aktionsfonds"
    kind = Fund.Kind.ACTION_FUND
    year = 2026
    budget = Decimal("10000.00")

    @factory.post_generation
    def criteria(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for position, text in enumerate(extracted, start=1):
                self.criteria.create(position=position, text=text)


# --- ISEK ---------------------------------------------------------------------------------------------------------


class VersionFactory(factory.django.DjangoModelFactory):
    """A draft version of an area's ISEK."""

    class Meta:
        model = Version

    area = factory.SubFactory(QuartierFactory)
    label = "ISEK 2024, Fortschreibung 2026"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    version = factory.SubFactory(VersionFactory)
    title = factory.Sequence(lambda n: f"Ziel {n}")
    position = factory.Sequence(lambda n: n + 1)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    version = factory.SubFactory(VersionFactory)
    number = factory.Sequence(lambda n: f"M-{n + 1}")
    title = factory.LazyAttribute(lambda measure: f"Maßnahme {measure.number}")
    kind = Measure.Kind.SOCIAL
    responsible_role = "gwa"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    version = factory.SubFactory(VersionFactory)
    name = factory.Sequence(lambda n: f"Indikator {n + 1}")
    unit = "%"
    direction = Indicator.Direction.HIGHER
    baseline_year = 2020
    baseline = Decimal("10")
    target_year = 2030
    target = Decimal("20")


# --- Activation ---------------------------------------------------------------------------------------------------


class EventFactory(factory.django.DjangoModelFactory):
    """A public Stadtteilcafé of two hours, a week from now; ``starts_at=…`` moves it (the end follows)."""

    class Meta:
        model = Event

    area = factory.SubFactory(QuartierFactory)
    title = factory.Sequence(lambda n: f"Stadtteilcafé {n + 1}")
    kind = Kind.EVENT
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    place = "Stadtteilbüro"
    public = True
