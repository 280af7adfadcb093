"""Each class of tests that share one seed runs on one pytest-xdist worker (``make test`` uses ``--dist
loadgroup``), so the class seeds once instead of once per worker that happens to get one of its tests.

The marks go on first (``tryfirst``): pytest-xdist's worker reads them in a hook of its own to put each test in its
group, and a hook that ran after it would mark the tests too late (each class would then be split over both
workers and seeded twice)."""

from __future__ import annotations

import pytest

from tests.demo.seeded_once import SeededOnce


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, SeededOnce):
            item.add_marker(pytest.mark.xdist_group(f"{cls.__module__}.{cls.__qualname__}"))
