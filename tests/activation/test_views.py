"""The office's pages of events and the public calendar: another area's events are invisible, the query counts do
not grow with the data, and the public calendar and its feed show only the area's public events, never a person and
never a photo without recorded consent."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from activation.models import Event, Photo, Series
from activation.services import event_create, photo_add, series_create
from demo.factories import (
    EventFactory,
    FundFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    VersionFactory,
)
from fonds.models import Application
from quartier.models import Quartier, User
from tests.activation.test_services import image_bytes


def _photo(event: Event, *, consent: bool, caption: str) -> Photo:
    upload = SimpleUploadedFile(f"{caption}.png", image_bytes())
    how = "schriftlich" if consent else ""
    return photo_add(event=event, upload=upload, caption=caption, consent=consent, consent_how=how, by=None)


def _event(area: Quartier, now: datetime.datetime, *, public: bool, title: str, days: int = 3) -> Event:
    organisation = OrganisationFactory(area=area, name=f"Verein {title}")
    person = PersonFactory(area=area, first_name="Zeynep", last_name=f"Organisatorin{title}")
    return event_create(
        area=area,
        data={
            "title": title,
            "kind": "veranstaltung",
            "starts_at": now + datetime.timedelta(days=days),
            "ends_at": now + datetime.timedelta(days=days, hours=2),
            "public": public,
            "organisations": [organisation],
            "persons": [person],
        },
        by=None,
    )


def test_another_areas_event_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    foreign = EventFactory(area=other_area, starts_at=now - datetime.timedelta(hours=3))
    photo = _photo(foreign, consent=True, caption="fremd")
    client.force_login(role_users["gwa"])
    for suffix in ("", "bearbeiten/", "teilnehmende/", "fotos/neu/"):
        assert client.get(f"/gebiet/{area.slug}/veranstaltungen/{foreign.pk}/{suffix}").status_code == 404
    assert client.get(f"/gebiet/{area.slug}/veranstaltungen/fotos/{photo.pk}/").status_code == 404
    response = client.post(f"/gebiet/{area.slug}/veranstaltungen/{foreign.pk}/teilnehmende/", {"participants": 5})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.participants is None
    assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{photo.pk}/").status_code == 404


def test_the_office_records_an_event_and_its_participants(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    client.force_login(role_users["gwa"])
    start = (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    end = (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/neu/",
        {"title": "Kiezputz", "kind": "aktion", "starts_at": start, "ends_at": end, "place": "Uferpark"},
    )
    event = Event.objects.get(title="Kiezputz")
    assert response.status_code == 302
    counts = f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/teilnehmende/"
    refused = client.post(counts, {"participants": "10", "under_18": "8", "age_18_64": "5"})
    assert refused.status_code == 200
    assert "mehr als die 10 Teilnehmenden" in refused.content.decode()
    event.refresh_from_db()
    assert event.participants is None
    assert client.post(counts, {"participants": "10", "under_18": "4", "note": "Viele Kinder"}).status_code == 302
    event.refresh_from_db()
    assert (event.participants, event.under_18, event.note) == (10, 4, "Viele Kinder")


def test_a_photo_refused_says_why_in_german(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    event = EventFactory(area=area)
    client.force_login(role_users["gwa"])
    upload = SimpleUploadedFile("notiz.jpg", b"kein Bild")
    response = client.post(f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/fotos/neu/", {"file": upload})
    assert response.status_code == 200
    assert "ist kein Foto" in response.content.decode()
    assert not Photo.objects.exists()


def test_the_end_before_the_start_is_refused_on_the_form(
    client: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    client.force_login(role_users["gwa"])
    start = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = now.strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/gebiet/{area.slug}/veranstaltungen/neu/",
        {"title": "X", "kind": "aktion", "starts_at": start, "ends_at": end},
    )
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    assert not Event.objects.exists()


def test_the_public_calendar_shows_only_public_events_of_the_area_and_no_person(
    client: Client, area: Quartier, other_area: Quartier, now: datetime.datetime
) -> None:
    shown = _event(area, now, public=True, title="Hoffest")
    _event(area, now, public=False, title="Teamsitzung")
    _event(other_area, now, public=True, title="Nordfest")
    past = _event(area, now, public=True, title="Flohmarkt", days=-5)
    with_consent = _photo(past, consent=True, caption="Stand")
    without = _photo(past, consent=False, caption="Kinder")
    page = client.get(f"/oeffentlich/{area.slug}/veranstaltungen/").content.decode()
    assert "Hoffest" in page and "Flohmarkt" in page and "Verein Hoffest" in page
    assert "Teamsitzung" not in page and "Nordfest" not in page
    assert "Organisatorin" not in page and "Zeynep" not in page
    assert f"/fotos/{with_consent.pk}/" in page and f"/fotos/{without.pk}/" not in page
    assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{with_consent.pk}/").status_code == 200
    assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{without.pk}/").status_code == 404
    feed = client.get(f"/oeffentlich/{area.slug}/veranstaltungen.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert f"event-{shown.pk}@quartier" in text and "Hoffest" in text and "Verein Hoffest" in text
    assert "Teamsitzung" not in text and "Nordfest" not in text and "Organisatorin" not in text
    assert "Zeynep" not in text
    area_page = client.get(f"/oeffentlich/{area.slug}/").content.decode()
    assert f"/oeffentlich/{area.slug}/veranstaltungen/" in area_page


def test_a_private_event_s_photo_is_not_public_even_with_consent(area: Quartier, client: Client) -> None:
    event = EventFactory(area=area, public=False)
    photo = _photo(event, consent=True, caption="intern")
    assert client.get(f"/oeffentlich/{area.slug}/veranstaltungen/fotos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("page", ["list", "detail", "public", "feed", "counts", "series", "photo_delete"])
def test_query_counts_do_not_grow(
    page: str,
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    now: datetime.datetime,
    assert_constant_queries: Callable[..., int],
) -> None:
    event = _event(area, now, public=True, title="Hoffest", days=-1)
    photo = _photo(event, consent=True, caption="eins")
    today = timezone.localdate(now)
    series = series_create(
        area=area,
        data={"title": "Sprechstunde", "frequency": "weekly", "first_day": today, "start_time": datetime.time(10),
              "last_day": today + datetime.timedelta(days=14), "end_time": datetime.time(11),
              "organisations": list(event.organisations.all()), "persons": list(event.persons.all())},
        by=None,
        today=today,
    )  # fmt: skip
    client.force_login(role_users["gwa"])
    url = {
        "list": f"/gebiet/{area.slug}/veranstaltungen/",
        "detail": f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/",
        "public": f"/oeffentlich/{area.slug}/veranstaltungen/",
        "feed": f"/oeffentlich/{area.slug}/veranstaltungen.ics",
        "counts": f"/gebiet/{area.slug}/veranstaltungen/{event.pk}/teilnehmende/",
        "series": f"/gebiet/{area.slug}/veranstaltungen/reihen/{series.pk}/",
        "photo_delete": f"/gebiet/{area.slug}/veranstaltungen/fotos/{photo.pk}/loeschen/",
    }[page]

    def grow() -> None:
        for number in range(8):
            more = _event(area, now, public=True, title=f"Fest {number}", days=number - 3)
            _photo(more, consent=True, caption=f"f{number}")
            event.organisations.add(more.organisations.get())
            event.persons.add(more.persons.get())
            series.organisations.add(more.organisations.get())
            series.persons.add(more.persons.get())

    assert_constant_queries(lambda: client.get(url), grow)


def test_the_office_makes_a_series_with_its_organisers_and_links_and_a_forged_one_is_refused(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    organisation = OrganisationFactory(area=area, name="Kanalverein")
    person = PersonFactory(area=area, first_name="Zeynep", last_name="Kaya")
    measure = MeasureFactory(version=VersionFactory(area=area))
    application = Application.objects.create(
        area=area, fund=FundFactory(area=area), title="Sommerfest", status="eingereicht"
    )
    client.force_login(role_users["gwa"])
    form = {
        "title": "Sprechstunde", "kind": "sprechstunde", "frequency": "weekly",
        "first_day": (today + datetime.timedelta(days=1)).isoformat(),
        "last_day": (today + datetime.timedelta(days=22)).isoformat(),
        "start_time": "10:00", "end_time": "12:00",
        "organisations": [organisation.pk], "persons": [person.pk], "measures": [measure.pk],
        "applications": [application.pk],
    }  # fmt: skip
    page = client.get(f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/").content.decode()
    assert 'name="organisations"' in page and 'name="persons"' in page and 'name="measures"' in page
    response = client.post(f"/gebiet/{area.slug}/veranstaltungen/reihen/neu/", form)
    assert response.status_code == 302
    series = Series.objects.get()
    events = list(series.events.all())
    assert len(events) == 4
    for event in events:
        assert list(event.organisations.all()) == [organisation] and list(event.persons.all()) == [person]
        assert list(event.measures.all()) == [measure] and list(event.applications.all()) == [application]

    # Another area's organisation, its id forged into the form: refused in German, nothing changed.
    foreign = OrganisationFactory(area=other_area, name="Fremder Verein")
    edit = f"/gebiet/{area.slug}/veranstaltungen/reihen/{series.pk}/"
    refused = client.post(edit, {**form, "title": "Neu", "organisations": [foreign.pk]})
    assert refused.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in refused.content.decode()
    series.refresh_from_db()
    assert series.title == "Sprechstunde" and list(series.organisations.all()) == [organisation]
    assert not Event.objects.filter(organisations=foreign).exists()
