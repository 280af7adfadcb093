"""Personal calendar feed links (issue #15, finding 17).

A member's link belongs to their membership: it works while the term runs (by the clock, nobody edits anything)
and stops at once when the member asks for a new one. Office staff who see the committees may get a link of their
own, which stops with their role. Only the SHA-256 of a link's token is stored; the committee-wide signed link of
before opens nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import signing
from django.test import Client

from actors.models import Person
from committees.calendar import committee_for_feed_token, feed_path
from committees.models import AgendaItem, CalendarLink, Committee, Meeting, Membership
from committees.services.calendar_links import calendar_link_renew
from demo.factories import UserFactory
from quartier.models import Quartier, RoleAssignment, User
from quartier.services import role_revoke

FEED = re.compile(r"/kalender/([A-Za-z0-9_-]+)\.ics")


def meeting(committee: Committee, starts_at: datetime.datetime, **fields: object) -> Meeting:
    created = Meeting.objects.create(committee=committee, starts_at=starts_at, place="Stadtteilbüro", **fields)
    AgendaItem.objects.create(meeting=created, position=1, title="Begrüßung")
    return created


def uids(response: object) -> list[str]:
    return [str(event["UID"]) for event in icalendar.Calendar.from_ical(response.content).events]  # type: ignore[attr-defined]


@pytest.fixture
def council(area: Quartier) -> Committee:
    return Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)


@pytest.fixture
def juror(jurors: list[Membership]) -> Membership:
    return jurors[0]


def member_link(membership: Membership, now: datetime.datetime | None = None) -> str:
    return feed_path(
        calendar_link_renew(committee=membership.committee, membership=membership, by=membership.user, now=now)
    )


# Members ---------------------------------------------------------------------------------------------------


def test_a_members_link_opens_their_committees_feed_without_login(
    client: Client, jury: Committee, council: Committee, juror: Membership, now: datetime.datetime
) -> None:
    own = meeting(jury, now + datetime.timedelta(days=3))
    meeting(council, now + datetime.timedelta(days=3))
    response = client.get(member_link(juror))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert uids(response) == [f"meeting-{own.pk}@quartier"]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_only_the_hash_of_a_token_is_stored(juror: Membership) -> None:
    token = calendar_link_renew(committee=juror.committee, membership=juror, by=juror.user)
    link = CalendarLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(CalendarLink.objects.values_list()))
    assert len(token) >= 40


def test_a_members_link_stops_when_the_term_ends_by_the_clock(
    client: Client, juror: Membership, now: datetime.datetime, today: datetime.date
) -> None:
    juror.end = today + datetime.timedelta(days=1)
    juror.save()
    path = member_link(juror)
    token = FEED.search(path)[1]
    assert committee_for_feed_token(token) == juror.committee
    assert committee_for_feed_token(token, now=now + datetime.timedelta(days=1)) == juror.committee  # its last day
    assert committee_for_feed_token(token, now=now + datetime.timedelta(days=2)) is None  # nobody edited anything


def test_a_link_made_during_a_term_that_has_ended_since_is_404(
    client: Client, juror: Membership, now: datetime.datetime, today: datetime.date
) -> None:
    juror.start, juror.end = today - datetime.timedelta(days=400), today - datetime.timedelta(days=1)
    juror.save()
    path = member_link(juror, now=now - datetime.timedelta(days=2))  # asked for while the term ran
    assert client.get(path).status_code == 404


def test_a_term_that_has_not_begun_gives_no_link(juror: Membership, today: datetime.date) -> None:
    from django.core.exceptions import PermissionDenied

    juror.start = today + datetime.timedelta(days=3)
    juror.save()
    with pytest.raises(PermissionDenied):
        calendar_link_renew(committee=juror.committee, membership=juror, by=juror.user)
    assert not CalendarLink.objects.exists()


def test_a_new_link_stops_the_old_one_at_once(client: Client, jury: Committee, juror: Membership) -> None:
    old = member_link(juror)
    new = member_link(juror)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarLink.objects.count() == 1


def test_nobody_asks_for_a_link_in_another_members_name(jurors: list[Membership], council: Committee) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar_link_renew(committee=jurors[0].committee, membership=jurors[0], by=jurors[1].user)
    with pytest.raises(PermissionDenied):  # a membership named with another committee
        calendar_link_renew(committee=council, membership=jurors[0], by=jurors[0].user)
    assert not CalendarLink.objects.exists()


def test_a_link_stops_when_the_account_is_no_longer_the_members(client: Client, juror: Membership) -> None:
    path = member_link(juror)
    juror.user = UserFactory()
    juror.save()
    assert client.get(path).status_code == 404


def test_a_link_stops_when_the_account_is_switched_off(client: Client, juror: Membership) -> None:
    path = member_link(juror)
    User.objects.filter(pk=juror.user_id).update(is_active=False)
    assert client.get(path).status_code == 404


def test_each_link_opens_only_its_own_committee(
    client: Client, area: Quartier, jury: Committee, council: Committee, juror: Membership, now: datetime.datetime
) -> None:
    person = Person.objects.create(area=area, first_name="Rat", last_name="Mitglied", is_resident=True)
    councillor = Membership.objects.create(committee=council, person=person, user=UserFactory(), member_type="bewohner")
    meeting(jury, now + datetime.timedelta(days=3))
    council_meeting = meeting(council, now + datetime.timedelta(days=4))
    assert uids(client.get(member_link(councillor))) == [f"meeting-{council_meeting.pk}@quartier"]


# Office staff ----------------------------------------------------------------------------------------------


def test_staff_who_see_the_committees_get_a_link_that_stops_with_their_role(
    client: Client, area: Quartier, jury: Committee, role_users: dict[str, User], now: datetime.datetime
) -> None:
    planner = role_users["planung"]
    own = meeting(jury, now + datetime.timedelta(days=3))
    path = feed_path(calendar_link_renew(committee=jury, by=planner))
    assert uids(client.get(path)) == [f"meeting-{own.pk}@quartier"]
    role_revoke(assignment=RoleAssignment.objects.get(user=planner, area=area), by=None)
    assert client.get(path).status_code == 404


def test_staff_of_another_area_and_members_get_no_staff_link(
    jury: Committee, outsider: User, juror: Membership
) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (outsider, juror.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            calendar_link_renew(committee=jury, by=user)
    assert not CalendarLink.objects.exists()


def test_a_staff_member_and_a_member_each_keep_their_own_link(
    client: Client, jury: Committee, role_users: dict[str, User], juror: Membership
) -> None:
    staff = feed_path(calendar_link_renew(committee=jury, by=role_users["gwa"]))
    member = member_link(juror)
    again = feed_path(calendar_link_renew(committee=jury, by=role_users["gwa"]))
    assert client.get(staff).status_code == 404
    assert client.get(again).status_code == 200 and client.get(member).status_code == 200


# Forged and old links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["set-password", "x" * 300, "a" * 43, "ä" * 43, "../" * 10, ""],
    ids=["garbage", "long", "unknown", "not-ascii", "path", "empty"],
)
def test_a_forged_token_is_404(client: Client, juror: Membership, token: str) -> None:
    member_link(juror)
    assert client.get(f"/kalender/{token}.ics").status_code == 404
    assert committee_for_feed_token(token) is None


def test_the_old_committee_wide_signed_link_opens_nothing(client: Client, jury: Committee) -> None:
    signed = signing.Signer(salt="committees.calendar.feed").sign(str(jury.pk))
    assert client.get(f"/kalender/gremium/{signed}.ics").status_code == 404
    assert client.get(f"/kalender/{signed}.ics").status_code == 404


def test_the_hash_of_a_token_is_no_token(client: Client, juror: Membership) -> None:
    member_link(juror)
    stored = CalendarLink.objects.get().token_hash
    assert client.get(f"/kalender/{stored}.ics").status_code == 404


# Stored meetings with extreme dates (finding 11) -----------------------------------------------------------


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime.datetime(9999, 12, 31, 22, 30, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    ],
    ids=["9999-berlin-evening", "9999-last-second"],
)
def test_a_meeting_stored_at_the_end_of_time_is_in_the_feed_not_a_server_error(
    client: Client, jury: Committee, juror: Membership, starts_at: datetime.datetime
) -> None:
    far = meeting(jury, starts_at, duration_minutes=720)
    response = client.get(member_link(juror))
    assert response.status_code == 200
    [event] = icalendar.Calendar.from_ical(response.content).events
    assert event["UID"] == f"meeting-{far.pk}@quartier"
    assert event.start == starts_at and event.end >= event.start


def test_meetings_stored_in_year_one_do_not_break_the_feed_or_the_invitation(
    client: Client, jury: Committee, juror: Membership, now: datetime.datetime
) -> None:
    from committees.calendar import invitation_ics

    ancient = meeting(jury, datetime.datetime(1, 1, 1, tzinfo=datetime.UTC))
    # Midnight of 1 January of year 1 in Berlin lies before year 1 in UTC: PostgreSQL keeps it, Python cannot read it.
    before_year_one = meeting(jury, now)
    Meeting.objects.filter(pk=before_year_one.pk).update(
        starts_at=datetime.datetime(1, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))
    )
    coming = meeting(jury, now + datetime.timedelta(days=3))
    far = meeting(jury, datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC))
    response = client.get(member_link(juror))
    assert response.status_code == 200
    assert uids(response) == [f"meeting-{coming.pk}@quartier", f"meeting-{far.pk}@quartier"]
    for stored in (ancient, far):
        calendar = icalendar.Calendar.from_ical(invitation_ics(stored, attendee="juror@example.org"))
        assert calendar.events[0].start == stored.starts_at


# Query counts ----------------------------------------------------------------------------------------------


def test_the_feed_query_count_does_not_grow_with_meetings(
    client: Client,
    jury: Committee,
    juror: Membership,
    role_users: dict[str, User],
    assert_constant_queries: Callable,
    now: datetime.datetime,
) -> None:
    member = member_link(juror)
    staff = feed_path(calendar_link_renew(committee=jury, by=role_users["steuerung"]))
    meeting(jury, now + datetime.timedelta(days=1))

    def grow() -> None:
        for day in range(2, 12):
            meeting(jury, now + datetime.timedelta(days=day))

    counts = [assert_constant_queries(lambda path=path: client.get(path), grow) for path in (member, staff)]
    assert counts[0] == 3  # the link with its committee, membership and account; the meetings; their agenda
    assert len(uids(client.get(member))) == 21


# The pages where people find their link --------------------------------------------------------------------


def test_a_member_makes_their_link_on_their_ballots_page_and_sees_it_once(
    client: Client, jury: Committee, juror: Membership
) -> None:
    client.force_login(juror.user)
    page = client.get("/abstimmungen/").content.decode()
    assert "Sitzungen in Ihrem Kalender" in page and "Meinen Kalender-Link erstellen" in page

    answer = client.post(f"/abstimmungen/kalender/{juror.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    [token] = FEED.findall(html)
    assert client.get(f"/kalender/{token}.ics").status_code == 200
    again = client.get("/abstimmungen/").content.decode()
    assert token not in again and "Sie haben einen Kalender-Link seit" in again  # shown only once

    fragment = client.post(f"/abstimmungen/kalender/{juror.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="calendar"' in fragment
    [new] = FEED.findall(fragment)
    assert (
        client.get(f"/kalender/{token}.ics").status_code == 404
        and client.get(f"/kalender/{new}.ics").status_code == 200
    )


def test_nobody_makes_a_link_for_another_members_or_an_ended_membership(
    client: Client, jurors: list[Membership], role_users: dict[str, User], today: datetime.date
) -> None:
    client.force_login(jurors[0].user)
    assert client.post(f"/abstimmungen/kalender/{jurors[1].pk}/").status_code == 404
    jurors[0].end = today - datetime.timedelta(days=1)
    jurors[0].save()
    assert client.post(f"/abstimmungen/kalender/{jurors[0].pk}/").status_code == 404
    client.force_login(role_users["gwa"])
    assert client.post(f"/abstimmungen/kalender/{jurors[1].pk}/").status_code == 404
    assert not CalendarLink.objects.exists()


def test_staff_make_their_link_on_the_committee_page(
    client: Client, area: Quartier, jury: Committee, role_users: dict[str, User], outsider: User
) -> None:
    client.force_login(role_users["koordination"])
    page = client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/").content.decode()
    assert not FEED.search(page) and "Meinen Kalender-Link erstellen" in page  # no shared link any more
    answer = client.post(f"/gebiet/{area.slug}/gremien/{jury.pk}/kalender/")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    [token] = FEED.findall(answer.content.decode())
    assert client.get(f"/kalender/{token}.ics").status_code == 200
    assert (
        "Sie haben einen Kalender-Link seit" in client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/").content.decode()
    )
    client.force_login(outsider)
    assert client.post(f"/gebiet/{area.slug}/gremien/{jury.pk}/kalender/").status_code == 404
    assert CalendarLink.objects.count() == 1


def test_the_members_page_query_count_does_not_grow_with_memberships_and_links(
    client: Client, area: Quartier, juror: Membership, assert_constant_queries: Callable
) -> None:
    client.force_login(juror.user)
    member_link(juror)
    added = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            number = next(added)
            committee = Committee.objects.create(area=area, name=f"AG {number}", kind="other")
            membership = Membership.objects.create(
                committee=committee, person=juror.person, user=juror.user, member_type="bewohner"
            )
            member_link(membership)

    assert_constant_queries(lambda: client.get("/abstimmungen/"), grow)
    assert client.get("/abstimmungen/").content.decode().count("Sie haben einen Kalender-Link seit") == 4
