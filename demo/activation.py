"""The activation work's demo data: events and activities with their participants, a weekly series, and the small
demo's survey (``demo.surveys``).

The small demo enters a handful of events through the services (``event_create``, ``event_record_counts``,
``series_create``), so each passes their checks; the large one writes ten years of events of every kind with
``bulk_create`` (their organising organisations and persons, fields of action and target groups as rows of the
many-to-many tables, and their counts by target group). Runs after
``seed_actors`` (organisers) and ``seed_isek`` (linked measures); does nothing if the area has events already.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from activation.models import Event, Frequency, Kind, TargetGroupCount
from activation.services import event_create, event_record_counts, series_create
from actors.models import Organisation, Person, TargetGroup
from demo.surveys import demo_surveys
from isek.models import Measure
from quartier.models import FieldOfAction, Quartier

#: title, kind, place, public: what the office does through a year.
EVENTS: list[tuple[str, str, str, bool]] = [
    ("Stadtteilfest am Kanal", Kind.FESTIVAL, "Uferpark", True),
    ("Kiezputz", Kind.ACTION, "Treffpunkt Spielplatz Uferstraße", True),
    ("Beteiligungswerkstatt Uferpark", Kind.PARTICIPATION, "Gemeinschaftsraum Kanalstraße 4", True),
    ("Workshop Balkongärten", Kind.WORKSHOP, "Stadtteilbüro", True),
    ("Nachbarschaftscafé", Kind.EVENT, "Stadtteilbüro", True),
    ("Aktivierende Befragung Nordblock", Kind.ACTION, "Hauseingänge Nordblock", False),
    ("Runder Tisch Jugend", Kind.OTHER, "Jugendclub", False),
    ("Lesefest für Kinder", Kind.EVENT, "Stadtteilbibliothek", True),
]
BATCH = 2000


def seed_activation(*, area: Quartier, scale: str, rng: random.Random, now: datetime.datetime | None = None) -> int:
    """Give ``area`` its events for ``scale``; return how many it has."""
    if Event.objects.filter(area=area).exists():
        return Event.objects.filter(area=area).count()
    now = now or timezone.now()
    with transaction.atomic():
        if scale == "small":
            _small(area, rng, now)
        else:
            _large(area, rng, now)
    return Event.objects.filter(area=area).count()


def _small(area: Quartier, rng: random.Random, now: datetime.datetime) -> None:
    organisations = list(Organisation.objects.filter(area=area).order_by("pk")[:12])
    fields = list(FieldOfAction.objects.all())
    groups = list(TargetGroup.objects.all())
    measures = list(Measure.objects.filter(version__area=area).order_by("-version__created_at", "number")[:5])
    today = timezone.localdate(now)
    for number, (title, kind, place, public) in enumerate(EVENTS):
        days = (number - 5) * 9 + 4  # five behind, three ahead, none today (begun or not by the hour)
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(15))) + datetime.timedelta(days)
        event = event_create(
            area=area,
            data={
                "title": title,
                "kind": kind,
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=3),
                "place": place,
                "public": public,
                "description": f"{title}: alle aus der Nachbarschaft sind eingeladen.",
                "organisations": rng.sample(organisations, k=min(2, len(organisations))),
                "fields_of_action": rng.sample(fields, k=2),
                "target_groups": rng.sample(groups, k=2),
                "measures": measures[number % len(measures) : number % len(measures) + 1] if measures else [],
            },
            by=None,
        )
        if start < now:
            total = rng.randint(15, 120)
            under = rng.randint(0, total // 3)
            old = rng.randint(0, (total - under) // 3)
            chosen = list(event.target_groups.all())
            event_record_counts(
                event=event,
                participants=total,
                ages={"under_18": under, "age_18_64": total - under - old, "age_65_plus": old},
                groups={chosen[0]: min(under, total)} if chosen else {},
                note="Gut besucht; viele neue Gesichter.",
                by=None,
                now=now,
            )
    series_create(
        area=area,
        data={
            "title": "Offene Sprechstunde",
            "kind": Kind.OFFICE_HOURS,
            "place": "Stadtteilbüro",
            "public": True,
            "frequency": Frequency.WEEKLY,
            "first_day": today + datetime.timedelta(days=(1 - today.weekday()) % 7),  # next Tuesday
            "last_day": today + datetime.timedelta(days=120),
            "start_time": datetime.time(10),
            "end_time": datetime.time(13),
            "fields_of_action": fields[-1:],
            "organisations": organisations[:1],
        },
        by=None,
        today=today,
    )
    demo_surveys(area, now=now)


#: Events of the large demo: about 120 a year over ten years.
LARGE_EVENTS = 1200


def _large(area: Quartier, rng: random.Random, now: datetime.datetime) -> None:
    """Ten years of events (``LARGE_EVENTS``, about 120 a year), in bulk: each organised by one or two of the
    area's organisations, every third also by a person, for one or two target groups (the one counted among them)."""
    fields = list(FieldOfAction.objects.values_list("pk", flat=True))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.filter(area=area).order_by("pk").values_list("pk", flat=True)[:200])
    persons = list(
        Person.objects.filter(area=area, erased_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:200]
    )
    kinds = [kind for kind, _label in Kind.choices]
    first = timezone.localdate(now) - datetime.timedelta(days=365 * 10)
    events = []
    for index in range(LARGE_EVENTS):
        day = first + datetime.timedelta(days=rng.randint(0, 365 * 10 + 60))
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice([10, 14, 16, 18]))))
        title, _kind, place, public = rng.choice(EVENTS)
        begun = start < now
        total = rng.randint(5, 200) if begun else None
        under = rng.randint(0, total // 3) if total else None
        events.append(
            Event(
                area=area,
                title=f"{title} {index + 1}",
                kind=rng.choice(kinds),
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=rng.choice([1, 2, 3, 5])),
                place=place,
                public=public,
                participants=total,
                under_18=under,
                note="Gut besucht." if begun else "",
            )
        )
    events = Event.objects.bulk_create(events, batch_size=BATCH)
    Event.fields_of_action.through.objects.bulk_create(
        [
            Event.fields_of_action.through(event_id=event.pk, fieldofaction_id=field)
            for event in events
            for field in rng.sample(fields, k=2)
        ],
        batch_size=BATCH,
    )
    by_organisations = Event.organisations.through
    by_persons = Event.persons.through
    by_organisations.objects.bulk_create(
        [
            by_organisations(event_id=event.pk, organisation_id=organisation)
            for event in events
            for organisation in rng.sample(organisations, k=min(len(organisations), rng.randint(1, 2)))
        ],
        batch_size=BATCH,
    )
    by_persons.objects.bulk_create(
        [by_persons(event_id=event.pk, person_id=rng.choice(persons)) for event in events[::3] if persons],
        batch_size=BATCH,
    )
    addressed = {event.pk: rng.sample(groups, k=rng.randint(1, 2)) for event in events}
    Event.target_groups.through.objects.bulk_create(
        [
            Event.target_groups.through(event_id=event, targetgroup_id=group)
            for event, chosen in addressed.items()
            for group in chosen
        ],
        batch_size=BATCH,
    )
    counts = []
    for event in events:
        if event.participants:
            group = addressed[event.pk][0]
            counts.append(
                TargetGroupCount(event=event, target_group_id=group, count=rng.randint(0, event.participants))
            )
    TargetGroupCount.objects.bulk_create(counts, batch_size=BATCH)
