"""The activation demo: the small one through the services, the large one in bulk; both valid by the models' rules."""

from __future__ import annotations

import random

from activation.models import Event, Series
from demo.activation import seed_activation
from demo.factories import OrganisationFactory
from quartier.models import Quartier


def test_the_small_demo_enters_events_with_participants_and_a_series(area: Quartier) -> None:
    OrganisationFactory.create_batch(3, area=area)
    count = seed_activation(area=area, scale="small", rng=random.Random(1))  # noqa: S311  # nosec B311
    assert count > 8
    assert Event.objects.filter(area=area, participants__isnull=False).count() == 5
    assert Series.objects.filter(area=area).count() == 1
    events = Event.objects.filter(area=area).count()
    again = seed_activation(area=area, scale="small", rng=random.Random(1))  # noqa: S311  # nosec B311
    assert again == count and Event.objects.filter(area=area).count() == events  # idempotent


def test_the_large_demo_writes_ten_years_of_valid_events(area: Quartier) -> None:
    written = seed_activation(area=area, scale="large", rng=random.Random(2))  # noqa: S311  # nosec B311
    assert written == 1200 == Event.objects.filter(area=area).count()
    years = {event.starts_at.year for event in Event.objects.filter(area=area)}
    assert len(years) >= 10
    for event in Event.objects.filter(area=area)[:50]:
        event.full_clean()
        assert sum(row.count for row in event.group_counts.all()) <= (event.participants or 0)
