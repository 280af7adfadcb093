"""factory_boy factories for the core. Modules add theirs beside their tests."""

from __future__ import annotations

import factory

from quartier.models import Quartier, Role, User
from quartier.services import role_grant

PASSWORD = "test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="de_DE")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class QuartierFactory(factory.django.DjangoModelFactory):
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
    from quartier.permissions import ROLE_PERMISSIONS

    monkeypatch.setitem(ROLE_PERMISSIONS, Role.KOORDINATION, frozenset(perms))  # type: ignore[attr-defined]
    return user_with_role(area, Role.KOORDINATION, **kwargs)


def user_with_role(area: Quartier, role: str | Role, **kwargs: object) -> User:
    """A new user holding ``role`` in ``area`` (granted through the service, as in production)."""
    user = UserFactory(**kwargs)
    role_grant(user=user, quartier=area, role=role, by=None)
    return user
