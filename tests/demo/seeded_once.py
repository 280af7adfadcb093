"""One seed for a class of tests: seeding the small demo takes seconds, reading it milliseconds.

A test class derives from ``SeededOnce`` and defines the class-scoped fixture ``seed``, which seeds inside
``kept_for_the_class`` (tests/conftest.py) and yields a ``Seed``. Its tests ask for ``area``, ``staff`` and ``seeded``
(what each module's ``seed_*`` returned, by module); each runs in a transaction of its own, rolled back after it, so a
test that writes (seeding again, closing a ballot) leaves the seed as the next test expects it. Tests that read the
same seed belong in one class, so that it is seeded once (tests/demo/test_small_demo.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from quartier.models import Quartier, User


def rng(seed: int) -> random.Random:
    """The demo's random source, the same for the same seed in every module's test."""
    return random.Random(seed)  # noqa: S311 - demo data, not security


@dataclass(frozen=True)
class Seed:
    area: int
    staff: list[int]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # module of the demo → what its seed returned

    @classmethod
    def of(cls, area: Quartier, staff: list[User], counts: dict[str, dict[str, int]] | None = None) -> Seed:
        return cls(area=area.pk, staff=[user.pk for user in staff], counts=dict(counts or {}))


class SeededOnce:
    """Fresh model instances for every test, read from the class's seed."""

    @pytest.fixture(autouse=True)
    def _grouped(self, request: pytest.FixtureRequest) -> None:
        """Under ``--dist loadgroup`` every test of the class runs on one worker (tests/demo/conftest.py), which
        pytest-xdist shows by the group at the end of the test's id; without it the class seeds on each worker."""
        if getattr(request.config.option, "loadgroup", False):
            assert request.node.nodeid.endswith(f"@{type(self).__module__}.{type(self).__qualname__}"), (
                f"{request.node.nodeid} is not in its class's xdist group (tests/conftest.py)"
            )

    @pytest.fixture
    def area(self, seed: Seed, db: None) -> Quartier:
        return Quartier.objects.get(pk=seed.area)

    @pytest.fixture
    def staff(self, seed: Seed, db: None) -> list[User]:
        users = User.objects.in_bulk(seed.staff)
        return [users[pk] for pk in seed.staff]

    @pytest.fixture
    def seeded(self, seed: Seed) -> dict[str, dict[str, int]]:
        return {module: dict(counts) for module, counts in seed.counts.items()}
