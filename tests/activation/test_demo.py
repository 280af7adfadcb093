"""The activation demo: the small one through the services, the large one in bulk; both valid by the models' rules."""

from __future__ import annotations

import random

from django.db.models import Count

from activation.models import Event, Series
from demo.activation import seed_activation
from demo.factories import OrganisationFactory, PersonFactory
from quartier.models import Quartier


def test_the_small_demo_enters_events_with_participants_and_a_series(area: Quartier) -> None:
    OrganisationFactory.create_batch(3, area=area)
    count = seed_activation(area=area, scale="small", rng=random.Random(1))  # noqa: S311  # nosec B311
    assert count > 8
    assert Event.objects.filter(area=area, participants__isnull=False).count() == 5
    series = Series.objects.get(area=area)
    organiser = series.organisations.get()
    assert series.events.exists()
    assert all(list(event.organisations.all()) == [organiser] for event in series.events.all())  # handed on
    events = Event.objects.filter(area=area).count()
    again = seed_activation(area=area, scale="small", rng=random.Random(1))  # noqa: S311  # nosec B311
    assert again == count and Event.objects.filter(area=area).count() == events  # idempotent


def test_the_large_demo_writes_ten_years_of_valid_events_with_their_organisers(area: Quartier) -> None:
    organisations = {organisation.pk for organisation in OrganisationFactory.create_batch(5, area=area)}
    persons = {person.pk for person in PersonFactory.create_batch(3, area=area)}
    written = seed_activation(area=area, scale="large", rng=random.Random(2))  # noqa: S311  # nosec B311
    assert written == 1200 == Event.objects.filter(area=area).count()
    years = {event.starts_at.year for event in Event.objects.filter(area=area)}
    assert len(years) >= 10
    # Every event has one or two of the area's organisations as organisers, every third a person too.
    organised = Event.objects.filter(area=area).annotate(n=Count("organisations"))
    assert set(organised.values_list("n", flat=True)) == {1, 2}
    assert set(Event.organisations.through.objects.values_list("organisation", flat=True)) <= organisations
    assert Event.persons.through.objects.filter(event__area=area).count() == 400
    assert set(Event.persons.through.objects.values_list("person", flat=True)) <= persons
    for event in Event.objects.filter(area=area)[:50]:
        event.full_clean()
        assert sum(row.count for row in event.group_counts.all()) <= (event.participants or 0)
        addressed = set(event.target_groups.values_list("pk", flat=True))
        assert 1 <= len(addressed) <= 2
        assert {row.target_group_id for row in event.group_counts.all()} <= addressed
