"""Deleting an event, deleting a photo and withdrawing a photo's consent (issue #20): the event goes with its counts
and photo files, only those who change events may do it, and a withdrawn consent takes the photo off the public
calendar at once, recorded in the audit log."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.test import Client

from activation.models import Event, Photo, TargetGroupCount
from activation.services import event_record_counts
from actors.models import TargetGroup
from demo.factories import EventFactory
from quartier.models import Quartier, User
from tests.activation.test_views import _event, _photo


def _past_event_with_counts(area: Quartier, now: datetime.datetime) -> Event:
    event = _event(area, now, public=True, title="Flohmarkt", days=-5)
    group = TargetGroup.objects.order_by("pk").first() or TargetGroup.objects.create(name="Kinder")
    event_record_counts(
        event=event, participants=40, ages={"under_18": 12}, groups={group: 10}, note="Sonnig", by=None, now=now
    )
    return event


def test_the_office_deletes_an_event_with_its_counts_and_photo_files(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    now: datetime.datetime,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    event = _past_event_with_counts(area, now)
    photos = [_photo(event, consent=True, caption="Stand"), _photo(event, consent=False, caption="Kinder")]
    files = [photo.file.name for photo in photos]
    assert all(default_storage.exists(name) for name in files)
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/loeschen/"
    page = client.get(f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/").content.decode()
    assert url in page
    confirm = client.get(url).content.decode()
    assert "2 Fotos" in confirm and "40 Teilnehmenden" in confirm and "Jahresbericht" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/gebiet/{area.slug}/veranstaltungen/"
    assert "„Flohmarkt“ wurde gelöscht" in response.content.decode()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not TargetGroupCount.objects.exists() and not Photo.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_deleting_an_event_of_a_series_deletes_only_that_date(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    client.force_login(role_users["steuerung"])
    first = today + datetime.timedelta(days=1)
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/",
        {
            "title": "Sprechstunde",
            "kind": "sprechstunde",
            "frequency": "weekly",
            "first_day": first.isoformat(),
            "last_day": (first + datetime.timedelta(days=21)).isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
        },
    )
    assert response.status_code == 302
    events = list(Event.objects.order_by("starts_at"))
    assert len(events) == 4
    url = f"/gebiet/{area.slug}/veranstaltungen/{events[1].pk}/loeschen/"
    assert "nur dieser Termin" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert list(Event.objects.order_by("starts_at")) == [events[0], events[2], events[3]]
    assert events[0].series is not None and events[0].series.events.count() == 3


def test_planung_and_koordination_may_not_delete_or_withdraw(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    event = _past_event_with_counts(area, now)
    photo = _photo(event, consent=True, caption="Stand")
    for role in ("planung", "koordination"):
        client.force_login(role_users[role])
        page = client.get(f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/").content.decode()
        assert "loeschen/" not in page and "einwilligung-zurueckziehen" not in page
        base = f"/gebiet/{area.slug}/veranstaltungen"
        assert client.get(f"{base}/{event.pk}/loeschen/").status_code == 403
        assert client.post(f"{base}/{event.pk}/loeschen/").status_code == 403
        assert client.post(f"{base}/fotos/{photo.pk}/einwilligung-zurueckziehen/").status_code == 403
        assert client.get(f"{base}/fotos/{photo.pk}/loeschen/").status_code == 403
        assert client.post(f"{base}/fotos/{photo.pk}/loeschen/").status_code == 403
    photo.refresh_from_db()
    assert photo.consent and photo.consent_how == "schriftlich"
    assert default_storage.exists(photo.file.name)
    event.refresh_from_db()
    assert event.participants == 40 and event.group_counts.count() == 1


def test_a_withdrawn_consent_takes_the_photo_off_the_public_calendar_at_once(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    event = _event(area, now, public=True, title="Flohmarkt", days=-5)
    photo = _photo(event, consent=True, caption="Stand")
    public = f"/oeffentlich/{area.slug}/veranstaltungen/"
    assert f"/fotos/{photo.pk}/" in client.get(public).content.decode()
    assert client.get(f"{public}fotos/{photo.pk}/").status_code == 200
    user = role_users["gwa"]
    client.force_login(user)
    url = f"/gebiet/{area.slug}/veranstaltungen/fotos/{photo.pk}/einwilligung-zurueckziehen/"
    assert client.get(url).status_code == 405
    assert url in client.get(event.get_absolute_url()).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{event.get_absolute_url()}#photos"
    photo.refresh_from_db()
    assert (photo.consent, photo.consent_how) == (False, "")
    client.logout()
    assert f"/fotos/{photo.pk}/" not in client.get(public).content.decode()
    assert client.get(f"{public}fotos/{photo.pk}/").status_code == 404
    entry = LogEntry.objects.get_for_object(photo).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == user
    assert entry.changes_dict["consent"] == ["True", "False"]
    assert entry.changes_dict["consent_how"] == ["schriftlich", ""]


def test_the_office_deletes_a_photo_and_its_file(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    now: datetime.datetime,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    event = EventFactory(area=area)
    photo = _photo(event, consent=False, caption="Kinder")
    kept = _photo(event, consent=False, caption="Bühne")
    client.force_login(role_users["steuerung"])
    url = f"/gebiet/{area.slug}/veranstaltungen/fotos/{photo.pk}/loeschen/"
    # The event's page links to a page that asks first (no script needed); asking deletes nothing.
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Foto „Kinder“ löschen?" in html and f"/veranstaltungen/fotos/{photo.pk}/" in html
    assert 'method="post"' in html and f'href="{event.get_absolute_url()}#photos"' in html  # and a way back
    assert Photo.objects.count() == 2 and default_storage.exists(photo.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{event.get_absolute_url()}#photos"
    assert list(Photo.objects.all()) == [kept]
    assert not default_storage.exists(photo.file.name) and default_storage.exists(kept.file.name)


def test_another_areas_photo_and_event_are_not_found_and_stay(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    foreign = _event(other_area, now, public=True, title="Nordfest", days=-2)
    photo = _photo(foreign, consent=True, caption="fremd")
    client.force_login(role_users["gwa"])
    base = f"/gebiet/{area.slug}/veranstaltungen"
    assert client.get(f"{base}/{foreign.pk}/loeschen/").status_code == 404
    assert client.post(f"{base}/{foreign.pk}/loeschen/").status_code == 404
    assert client.post(f"{base}/fotos/{photo.pk}/einwilligung-zurueckziehen/").status_code == 404
    assert client.get(f"{base}/fotos/{photo.pk}/loeschen/").status_code == 404
    assert client.post(f"{base}/fotos/{photo.pk}/loeschen/").status_code == 404
    photo.refresh_from_db()
    assert photo.consent and Event.objects.filter(pk=foreign.pk).exists()
