"""Calendar entries of meetings (ICS) and the feed of a committee."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.test import Client

from committees.calendar import committee_feed, feed_path, invitation_ics, meeting_event
from committees.models import AgendaItem, Committee, Meeting, Membership
from committees.services.calendar_links import calendar_link_renew
from quartier.models import Quartier

START = datetime.datetime(2026, 12, 1, 18, 30, tzinfo=datetime.UTC)


def make_meeting(committee: Committee, starts_at: datetime.datetime, *, items: int = 2, **fields: object) -> Meeting:
    meeting = Meeting.objects.create(committee=committee, starts_at=starts_at, **fields)
    titles = ["Begrüßung", "Antrag Nachbarschaftsfest", "Verschiedenes", "Termine"]
    for position in range(1, items + 1):
        AgendaItem.objects.create(meeting=meeting, position=position, title=titles[(position - 1) % len(titles)])
    return meeting


@pytest.fixture
def meeting(jury: Committee) -> Meeting:
    return make_meeting(
        jury,
        START,
        duration_minutes=90,
        place="Stadtteilbüro, Uferstraße 12",
        online_link="https://meet.example.org/jury",
    )


def test_event_carries_the_meeting(meeting: Meeting) -> None:
    event = meeting_event(meeting)
    assert event["UID"] == f"meeting-{meeting.pk}@quartier"
    assert event.start == START
    assert event.end == START + datetime.timedelta(minutes=90)
    assert event.start.utcoffset() == datetime.timedelta(0)
    assert event["SUMMARY"] == "Aktionsfondsjury Kiez am Kanal"
    assert "Stadtteilbüro, Uferstraße 12" in event["LOCATION"]
    assert "https://meet.example.org/jury" in event["LOCATION"]
    assert str(event["DESCRIPTION"]).startswith("1. Begrüßung\n2. Antrag Nachbarschaftsfest")
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "TENTATIVE"
    assert event.stamp is not None


def test_event_of_a_meeting_with_only_a_place_or_only_a_link(jury: Committee) -> None:
    in_person = make_meeting(jury, START, place="Nachbarschaftshaus")
    online = make_meeting(jury, START + datetime.timedelta(days=7), online_link="https://meet.example.org/x")
    assert meeting_event(in_person)["LOCATION"] == "Nachbarschaftshaus"
    assert "URL" not in meeting_event(in_person)
    assert meeting_event(online)["LOCATION"] == "https://meet.example.org/x"
    assert meeting_event(online)["URL"] == "https://meet.example.org/x"


def test_uid_stays_and_sequence_follows_a_change(meeting: Meeting) -> None:
    before = meeting_event(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=START + datetime.timedelta(hours=1), sequence=3, status=Meeting.Status.INVITED
    )
    meeting.refresh_from_db()
    after = meeting_event(meeting)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 3
    assert after.start == START + datetime.timedelta(hours=1)
    assert after["STATUS"] == "CONFIRMED"


def test_times_in_berlin_summer_and_winter_come_out_right(jury: Committee) -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    summer = make_meeting(jury, datetime.datetime(2027, 7, 1, 18, 0, tzinfo=berlin), place="Hof")
    winter = make_meeting(jury, datetime.datetime(2027, 1, 14, 18, 0, tzinfo=berlin), place="Hof")
    assert meeting_event(summer).start == datetime.datetime(2027, 7, 1, 16, 0, tzinfo=datetime.UTC)
    assert meeting_event(winter).start == datetime.datetime(2027, 1, 14, 17, 0, tzinfo=datetime.UTC)
    assert b"DTSTART:20270701T160000Z" in meeting_event(summer).to_ical()


def test_invitation_file_is_a_request_with_one_event(meeting: Meeting) -> None:
    calendar = icalendar.Calendar.from_ical(invitation_ics(meeting, attendee="juror@example.org"))
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert [event["UID"] for event in calendar.events] == [f"meeting-{meeting.pk}@quartier"]
    event = calendar.events[0]
    assert str(event["ATTENDEE"]) == "mailto:juror@example.org"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_feed_is_published_with_the_committees_name(jury: Committee, meeting: Meeting) -> None:
    other = make_meeting(jury, START + datetime.timedelta(days=14), place="Hof")
    calendar = icalendar.Calendar.from_ical(committee_feed(jury, [meeting, other]))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Aktionsfondsjury Kiez am Kanal"
    assert {event["UID"] for event in calendar.events} == {
        f"meeting-{meeting.pk}@quartier",
        f"meeting-{other.pk}@quartier",
    }


# The feed view (personal links: tests/committees/test_calendar_links.py) --------------------------------------


@pytest.fixture
def other_committee(area: Quartier) -> Committee:
    return Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)


@pytest.fixture
def jury_feed(jurors: list[Membership]) -> str:
    """The feed path of the first juror's personal link."""
    member = jurors[0]
    return feed_path(calendar_link_renew(committee=member.committee, membership=member, by=member.user))


def _events(response: object) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(response.content).events  # type: ignore[attr-defined]


def test_feed_needs_no_login_and_lists_last_year_and_the_future(
    client: Client, jury: Committee, other_committee: Committee, jury_feed: str, now: datetime.datetime
) -> None:
    recent = make_meeting(jury, now - datetime.timedelta(days=300), place="Hof", status=Meeting.Status.APPROVED)
    coming = make_meeting(jury, now + datetime.timedelta(days=400), place="Hof")
    make_meeting(jury, now - datetime.timedelta(days=400), place="Hof")  # too old
    make_meeting(other_committee, now + datetime.timedelta(days=3), place="Rathaus")  # another committee

    response = client.get(jury_feed)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [event["UID"] for event in _events(response)] == [
        f"meeting-{recent.pk}@quartier",
        f"meeting-{coming.pk}@quartier",
    ]
    assert icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"] == jury.name


def test_feed_of_a_committee_without_meetings_is_an_empty_calendar(client: Client, jury_feed: str) -> None:
    response = client.get(jury_feed)
    assert response.status_code == 200
    assert _events(response) == []


def test_a_link_of_a_deleted_committee_is_404(client: Client, jury: Committee, jury_feed: str) -> None:
    Membership.objects.filter(committee=jury).delete()
    jury.delete()
    assert client.get(jury_feed).status_code == 404


def test_feed_only_answers_get(client: Client, jury_feed: str) -> None:
    assert client.post(jury_feed).status_code == 405
