"""The rules of the activation work's services: every refused case leaves nothing saved."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from activation.models import Event, Frequency, Photo, Series, TargetGroupCount
from activation.services import (
    PHOTO_MAX_BYTES,
    SERIES_MAX_DAYS,
    event_create,
    event_record_counts,
    event_update,
    photo_add,
    series_create,
    series_delete,
    series_update,
)
from actors.models import TargetGroup
from demo.factories import (
    EventFactory,
    FundFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    VersionFactory,
)
from fonds.models import Application
from quartier.models import Quartier


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def _data(now: datetime.datetime, **more: object) -> dict[str, object]:
    return {
        "title": "Hoffest",
        "kind": "stadtteilfest",
        "starts_at": now + datetime.timedelta(days=3),
        "ends_at": now + datetime.timedelta(days=3, hours=4),
        "place": "Hof Uferstraße",
        "public": True,
        **more,
    }


def _application(area: Quartier) -> Application:
    fund = FundFactory(area=area)
    return Application.objects.create(area=area, fund=fund, title="Sommerfest", status="eingereicht")


def test_an_event_is_made_with_its_links(area: Quartier, now: datetime.datetime) -> None:
    organisation = OrganisationFactory(area=area)
    person = PersonFactory(area=area)
    measure = MeasureFactory(version=VersionFactory(area=area))
    application = _application(area)
    event = event_create(
        area=area,
        data=_data(now, organisations=[organisation], persons=[person], measures=[measure], applications=[application]),
        by=None,
    )
    assert list(event.organisations.all()) == [organisation]
    assert list(event.persons.all()) == [person]
    assert list(event.measures.all()) == [measure]
    assert list(event.applications.all()) == [application]


def test_an_end_before_the_start_is_refused(area: Quartier, now: datetime.datetime) -> None:
    with pytest.raises(ValidationError) as refused:
        event_create(area=area, data=_data(now, ends_at=now + datetime.timedelta(days=2)), by=None)
    assert "Ende" in " ".join(refused.value.messages) or "end" in " ".join(refused.value.messages)
    assert not Event.objects.exists()


@pytest.mark.parametrize("link", ["organisations", "persons", "measures", "applications"])
def test_a_link_to_another_area_is_refused(
    link: str, area: Quartier, other_area: Quartier, now: datetime.datetime
) -> None:
    foreign = {
        "organisations": lambda: OrganisationFactory(area=other_area),
        "persons": lambda: PersonFactory(area=other_area),
        "measures": lambda: MeasureFactory(version=VersionFactory(area=other_area)),
        "applications": lambda: _application(other_area),
    }[link]()
    with pytest.raises(ValidationError) as refused:
        event_create(area=area, data=_data(now, **{link: [foreign]}), by=None)
    assert link in refused.value.error_dict
    assert not Event.objects.exists()
    event = EventFactory(area=area)
    with pytest.raises(ValidationError):
        event_update(event=event, data={link: [foreign]}, by=None)
    assert getattr(Event.objects.get(pk=event.pk), link).count() == 0


def test_an_erased_person_is_not_made_an_organiser(area: Quartier, now: datetime.datetime) -> None:
    person = PersonFactory(area=area, erased_at=now)
    with pytest.raises(ValidationError):
        event_create(area=area, data=_data(now, persons=[person]), by=None)
    assert not Event.objects.exists()


def _begun(area: Quartier, now: datetime.datetime) -> Event:
    return EventFactory(area=area, starts_at=now - datetime.timedelta(hours=3))


def test_counts_are_recorded_with_their_parts(area: Quartier, now: datetime.datetime) -> None:
    event = _begun(area, now)
    kids, seniors = TargetGroup.objects.get(name="Kinder"), TargetGroup.objects.get(name="Senior*innen")
    event_record_counts(
        event=event,
        participants=40,
        ages={"under_18": 12, "age_18_64": 20, "age_65_plus": 8},
        groups={kids: 12, seniors: 8},
        note="Gute Stimmung",
        by=None,
    )
    event.refresh_from_db()
    assert (event.participants, event.under_18, event.age_65_plus, event.note) == (40, 12, 8, "Gute Stimmung")
    assert dict(event.group_counts.values_list("target_group__name", "count")) == {"Kinder": 12, "Senior*innen": 8}
    event_record_counts(event=event, participants=41, ages={}, groups={kids: 10}, note="", by=None)
    assert dict(event.group_counts.values_list("target_group__name", "count")) == {"Kinder": 10}


def test_age_bands_above_the_total_are_refused(area: Quartier, now: datetime.datetime) -> None:
    event = _begun(area, now)
    with pytest.raises(ValidationError) as refused:
        event_record_counts(
            event=event, participants=10, ages={"under_18": 6, "age_18_64": 5}, groups={}, note="x", by=None
        )
    assert refused.value.code == "parts_above_total"
    event.refresh_from_db()
    assert event.participants is None and event.note == ""


def test_target_groups_above_the_total_are_refused(area: Quartier, now: datetime.datetime) -> None:
    event = _begun(area, now)
    kids, families = TargetGroup.objects.get(name="Kinder"), TargetGroup.objects.get(name="Familien")
    with pytest.raises(ValidationError):
        event_record_counts(event=event, participants=10, ages={}, groups={kids: 6, families: 6}, note="", by=None)
    assert not TargetGroupCount.objects.exists()


def test_parts_without_a_total_are_refused(area: Quartier, now: datetime.datetime) -> None:
    event = _begun(area, now)
    with pytest.raises(ValidationError):
        event_record_counts(event=event, participants=None, ages={"under_18": 3}, groups={}, note="", by=None)


def test_counts_before_the_start_are_refused(area: Quartier, now: datetime.datetime) -> None:
    event = EventFactory(area=area, starts_at=now + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        event_record_counts(event=event, participants=5, ages={}, groups={}, note="Schon da", by=None)
    assert refused.value.code == "not_begun"
    event.refresh_from_db()
    assert event.participants is None and event.note == ""


# --- Photos --------------------------------------------------------------------------------------------------------


def test_a_photo_is_kept_with_its_consent(area: Quartier) -> None:
    event = EventFactory(area=area)
    upload = SimpleUploadedFile("fest.png", image_bytes(), content_type="image/png")
    photo = photo_add(event=event, upload=upload, caption="Am Grill", consent=True, consent_how="schriftlich", by=None)
    assert photo.content_type == "image/png" and photo.consent and photo.file.read() == image_bytes()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notiz.png", b"Dies ist kein Bild, nur Text.", "wrong_type"),
        ("fest.gif", b"GIF89a" + b"\x00" * 40, "wrong_type"),
        ("kaputt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "wrong_type"),
        ("leer.png", b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(area: Quartier, name: str, content: bytes, code: str) -> None:
    event = EventFactory(area=area)
    with pytest.raises(ValidationError) as refused:
        photo_add(
            event=event, upload=SimpleUploadedFile(name, content), caption="", consent=False, consent_how="", by=None
        )
    assert refused.value.code == code
    assert refused.value.messages[0]  # a German sentence, see test_views
    assert not Photo.objects.exists()


def test_a_photo_too_big_is_refused(area: Quartier) -> None:
    event = EventFactory(area=area)
    content = image_bytes() + b"\x00" * PHOTO_MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        photo_add(
            event=event, upload=SimpleUploadedFile("gross.png", content), caption="", consent=False, consent_how="",
            by=None,
        )  # fmt: skip
    assert refused.value.code == "too_large"
    assert not Photo.objects.exists()


def test_consent_without_how_is_refused(area: Quartier) -> None:
    event = EventFactory(area=area)
    with pytest.raises(ValidationError):
        photo_add(
            event=event, upload=SimpleUploadedFile("a.png", image_bytes()), caption="", consent=True, consent_how=" ",
            by=None,
        )  # fmt: skip
    assert not Photo.objects.exists()


# --- Series --------------------------------------------------------------------------------------------------------


def _series_data(today: datetime.date, **more: object) -> dict[str, object]:
    return {
        "title": "Sprechstunde",
        "kind": "sprechstunde",
        "public": True,
        "frequency": Frequency.WEEKLY,
        "first_day": today + datetime.timedelta(days=1),
        "last_day": today + datetime.timedelta(days=1 + 7 * 9),
        "start_time": datetime.time(10),
        "end_time": datetime.time(12),
        **more,
    }


def test_a_series_makes_its_events(area: Quartier, today: datetime.date) -> None:
    series = series_create(area=area, data=_series_data(today), by=None, today=today)
    starts = [event.starts_at for event in series.events.order_by("starts_at")]
    assert len(starts) == 10
    assert all(later - earlier == datetime.timedelta(days=7) for earlier, later in itertools.pairwise(starts))
    assert all(event.public and event.kind == "sprechstunde" for event in series.events.all())


def test_a_fortnightly_and_a_monthly_series(area: Quartier, today: datetime.date) -> None:
    fortnightly = series_create(
        area=area, data=_series_data(today, frequency=Frequency.FORTNIGHTLY), by=None, today=today
    )
    assert fortnightly.events.count() == 5
    monthly = series_create(
        area=area,
        data=_series_data(today, frequency=Frequency.MONTHLY, last_day=today + datetime.timedelta(days=300)),
        by=None,
        today=today,
    )
    assert 9 <= monthly.events.count() <= 10


def test_a_series_beyond_the_bound_is_refused(area: Quartier, today: datetime.date) -> None:
    data = _series_data(today, last_day=today + datetime.timedelta(days=SERIES_MAX_DAYS + 1))
    with pytest.raises(ValidationError) as refused:
        series_create(area=area, data=data, by=None, today=today)
    assert "last_day" in refused.value.error_dict
    assert not Series.objects.exists() and not Event.objects.exists()


def test_changing_the_time_changes_the_coming_events_not_edited(
    area: Quartier, today: datetime.date, now: datetime.datetime
) -> None:
    series = series_create(area=area, data=_series_data(today), by=None, today=today)
    first, second, *_rest = list(series.events.order_by("starts_at"))
    event_update(event=second, data={"place": "Gemeinschaftsraum"}, by=None)  # changed on its own
    series_update(series=series, data={"start_time": datetime.time(14), "end_time": datetime.time(16)}, by=None)
    first.refresh_from_db()
    second.refresh_from_db()

    assert timezone.localtime(first.starts_at).hour == 14
    assert timezone.localtime(second.starts_at).hour == 10 and second.place == "Gemeinschaftsraum"
    assert all(timezone.localtime(event.starts_at).hour == 14 for event in series.events.exclude(pk=second.pk))
    assert series.events.count() == 10


def test_changing_the_time_leaves_the_events_that_have_begun(
    area: Quartier, today: datetime.date, now: datetime.datetime
) -> None:
    data = _series_data(today, first_day=today - datetime.timedelta(days=14))
    series = series_create(area=area, data=data, by=None, today=today)
    past = list(series.events.filter(starts_at__lt=now - datetime.timedelta(days=1)))
    assert past
    series_update(series=series, data={"start_time": datetime.time(9)}, by=None)
    for event in past:
        before = event.starts_at
        event.refresh_from_db()
        assert event.starts_at == before


def test_deleting_a_series_deletes_its_future_events_only(
    area: Quartier, today: datetime.date, now: datetime.datetime
) -> None:
    data = _series_data(today, first_day=today - datetime.timedelta(days=21))
    series = series_create(area=area, data=data, by=None, today=today)
    past = set(series.events.filter(starts_at__lte=now).values_list("pk", flat=True))
    coming = series.events.filter(starts_at__gt=now).count()
    assert past and coming
    assert series_delete(series=series, by=None) == coming
    assert set(Event.objects.values_list("pk", flat=True)) == past
    assert not Series.objects.exists()


_funds = itertools.count(1)


def _links(area: Quartier) -> dict[str, list[object]]:
    fund = FundFactory(area=area, name=f"Aktionsfonds {next(_funds)}")
    return {
        "organisations": [OrganisationFactory(area=area)],
        "persons": [PersonFactory(area=area)],
        "measures": [MeasureFactory(version=VersionFactory(area=area))],
        "applications": [Application.objects.create(area=area, fund=fund, title="Sommerfest", status="eingereicht")],
    }


def _linked(event: Event | Series) -> dict[str, set[int]]:
    names = ("organisations", "persons", "measures", "applications")
    return {name: set(getattr(event, name).values_list("pk", flat=True)) for name in names}


def test_a_series_hands_its_organisers_and_links_to_each_event(area: Quartier, today: datetime.date) -> None:
    links = _links(area)
    series = series_create(area=area, data=_series_data(today, **links), by=None, today=today)
    expected = {name: {row.pk for row in rows} for name, rows in links.items()}  # type: ignore[attr-defined]
    assert _linked(series) == expected
    assert series.events.count() == 10
    assert all(_linked(event) == expected for event in series.events.all())


def test_a_series_change_hands_its_organisers_to_the_coming_events_not_changed_on_their_own(
    area: Quartier, today: datetime.date, now: datetime.datetime
) -> None:
    data = _series_data(today, first_day=today - datetime.timedelta(days=14), **_links(area))
    series = series_create(area=area, data=data, by=None, today=today)
    past = list(series.events.filter(starts_at__lte=now))
    coming = list(series.events.filter(starts_at__gt=now).order_by("starts_at"))
    assert past and len(coming) > 2
    own = coming[0]
    event_update(event=own, data={"place": "Hof"}, by=None)  # changed on its own
    before = {event.pk: _linked(event) for event in [*past, own]}

    new = _links(area)
    series_update(series=series, data=new, by=None, now=now)
    expected = {name: {row.pk for row in rows} for name, rows in new.items()}  # type: ignore[attr-defined]
    assert _linked(series) == expected
    assert all(_linked(event) == expected for event in coming[1:])
    assert {event.pk: _linked(event) for event in [*past, own]} == before  # begun, or changed on its own: kept


@pytest.mark.parametrize("link", ["organisations", "persons", "measures", "applications"])
def test_a_series_with_a_link_to_another_area_is_refused(
    link: str, area: Quartier, other_area: Quartier, today: datetime.date
) -> None:
    foreign = _links(other_area)[link]
    with pytest.raises(ValidationError) as refused:
        series_create(area=area, data=_series_data(today, **{link: foreign}), by=None, today=today)
    assert link in refused.value.error_dict
    assert not Series.objects.exists() and not Event.objects.exists()
    series = series_create(area=area, data=_series_data(today), by=None, today=today)
    with pytest.raises(ValidationError):
        series_update(series=series, data={"title": "Neu", link: foreign}, by=None)
    series.refresh_from_db()
    assert series.title == "Sprechstunde" and getattr(series, link).count() == 0
    assert not any(getattr(event, link).exists() for event in series.events.all())


def test_an_erased_person_is_not_made_an_organiser_of_a_series(area: Quartier, today: datetime.date) -> None:
    person = PersonFactory(area=area, erased_at=timezone.now())
    with pytest.raises(ValidationError):
        series_create(area=area, data=_series_data(today, persons=[person]), by=None, today=today)
    assert not Series.objects.exists() and not Event.objects.exists()
