"""The office manages committees: members, meetings with agenda, attendance and minutes, and ballots.

Every refused case shows its German message and leaves the database as it was.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import AgendaItem, Attendance, Ballot, Committee, Meeting, Membership
from committees.services.ballots import ballot_open, vote_cast
from demo.factories import UserFactory
from quartier.models import Quartier, User
from quartier.permissions import is_committee_member
from tests.committees.fixtures import make_ballot
from tests.mails import deliver

HOUR = datetime.timedelta(hours=1)
DEPUTY_VOTES = "Eine Stellvertretung stimmt nicht aus eigenem Recht ab"
STANDS_IN_FOR_VOTING = "Eine Stellvertretung vertritt ein stimmberechtigtes Mitglied."


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def page_text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


def make_meeting(committee: Committee, *, at: datetime.datetime, items: int = 2, **fields: object) -> Meeting:
    meeting = Meeting.objects.create(committee=committee, starts_at=at, place="Stadtteilbüro", **fields)
    for position in range(1, items + 1):
        meeting.items.create(position=position, title=f"Punkt {position}")
    return meeting


# Committees and members


def test_the_office_creates_a_committee(gwa: Client, area: Quartier) -> None:
    response = gwa.post(
        f"/gebiet/{area.slug}/gremien/neu/",
        {"name": "Quartiersrat", "kind": "quartiersrat", "majority_rule": "cast", "resident_share": "51",
         "quorum_share": "50", "term_years": "2"},
    )  # fmt: skip
    committee = Committee.objects.get(area=area, name="Quartiersrat")
    assert response.status_code == 302 and response["Location"].endswith(f"/gremien/{committee.pk}/")
    assert committee.resident_share == 51 and committee.quorum_share == 50


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Dieses Feld ist zwingend erforderlich."),
        ("resident_share", "120", "kleiner oder gleich 100"),
        ("quorum_share", "-1", "größer oder gleich 0"),
        ("kind", "club", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_a_refused_committee_says_why_and_saves_nothing(
    gwa: Client, area: Quartier, field: str, value: str, message: str
) -> None:
    data = {"name": "Rat", "kind": "quartiersrat", "majority_rule": "cast", "resident_share": "51", "term_years": "2"}
    response = gwa.post(f"/gebiet/{area.slug}/gremien/neu/", {**data, field: value})
    assert response.status_code == 200 and message in page_text(response)
    assert not Committee.objects.filter(area=area).exists()


def test_adding_a_member_with_an_account_lets_them_vote_and_ending_the_term_takes_it_away(
    gwa: Client, area: Quartier, jury: Committee
) -> None:
    person = Person.objects.create(
        area=area, first_name="Lena", last_name="Kaya", is_resident=True, email="lena@example.org"
    )
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/neu/"
    data = {"person": person.pk, "member_type": "bewohner", "voting": "on", "start": "2026-01-01"}
    assert gwa.post(url, data).status_code == 302
    membership = Membership.objects.get(committee=jury, person=person)
    edit = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{membership.pk}/"
    assert gwa.post(edit + "konto/").status_code == 302
    account = User.objects.get(email="lena@example.org")
    assert is_committee_member(account, jury.pk)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert gwa.post(edit, {**data, "end": yesterday}).status_code == 302
    assert not is_committee_member(User.objects.get(pk=account.pk), jury.pk)
    membership.refresh_from_db()
    assert membership.user == account  # the term ended; the account stays the member's


def test_member_refusals(gwa: Client, area: Quartier, other_area: Quartier, jury: Committee, jurors: list) -> None:
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    stranger = Person.objects.create(area=other_area, last_name="Fremd")
    person = Person.objects.create(area=area, last_name="Neu")
    url = f"/gebiet/{area.slug}/gremien/{council.pk}/mitglieder/neu/"
    base = {"person": person.pk, "member_type": "bewohner", "voting": "on"}
    cases = [
        ({"person": stranger.pk}, "Bitte eine gültige Auswahl treffen"),  # a person of another area is not offered
        ({"deputy_of": jurors[0].pk}, "Bitte eine gültige Auswahl treffen"),  # a member of another committee
        ({"start": "2026-05-01", "end": "2026-04-01"}, "Das Ende kann nicht vor dem Beginn liegen."),
    ]
    for change, message in cases:
        response = gwa.post(url, {**base, **change})
        assert response.status_code == 200 and message in page_text(response), change
    assert not Membership.objects.filter(committee=council).exists()
    # The same person twice at the same time.
    assert gwa.post(url, base).status_code == 302
    response = gwa.post(url, base)
    assert "Diese Person ist zu dieser Zeit schon Mitglied des Gremiums." in page_text(response)
    assert Membership.objects.filter(committee=council).count() == 1
    # Nobody stands in for themselves: the form does not offer the member, and the service refuses it.
    membership = Membership.objects.get(committee=council)
    edit = f"/gebiet/{area.slug}/gremien/{council.pk}/mitglieder/{membership.pk}/"
    response = gwa.post(edit, {**base, "deputy_of": membership.pk})
    assert "Bitte eine gültige Auswahl treffen" in page_text(response)
    membership.refresh_from_db()
    assert membership.deputy_of is None


# Meetings


def test_planning_a_meeting_needs_a_place_or_a_link(gwa: Client, area: Quartier, jury: Committee) -> None:
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/sitzungen/neu/"
    when = local(timezone.now() + 48 * HOUR)
    response = gwa.post(url, {"starts_at": when, "duration_minutes": "120"})
    assert "Geben Sie einen Ort oder einen Online-Link an." in page_text(response)
    response = gwa.post(url, {"starts_at": "morgen", "duration_minutes": "120", "place": "Büro"})
    assert "Bitte ein gültiges Datum und Uhrzeit eingeben." in page_text(response)
    assert not Meeting.objects.exists()
    response = gwa.post(url, {"starts_at": when, "duration_minutes": "90", "place": "Nachbarschaftshaus"})
    meeting = Meeting.objects.get()
    assert response["Location"].endswith(f"/gremien/sitzungen/{meeting.pk}/")
    assert meeting.status == Meeting.Status.PLANNED and meeting.duration_minutes == 90


def test_the_agenda_is_built_with_htmx(gwa: Client, area: Quartier, jury: Committee) -> None:
    meeting = make_meeting(jury, at=timezone.now() + 48 * HOUR, items=2)
    base = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/tagesordnung/"
    htmx = {"HX-Request": "true"}
    response = gwa.post(base, {"title": "Sommerfest", "description": "Antrag der Kanalkinder"}, headers=htmx)
    html = page_text(response)
    assert "<html" not in html and 'id="agenda"' in html and "Sommerfest" in html
    assert "„Sommerfest“ wurde auf die Tagesordnung gesetzt." in html
    response = gwa.post(base, {"title": ""}, headers=htmx)
    assert "Dieses Feld ist zwingend erforderlich." in page_text(response)
    assert meeting.items.count() == 3
    festival = meeting.items.get(title="Sommerfest")
    gwa.post(f"{base}{festival.pk}/verschieben/", {"direction": "up"}, headers=htmx)
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == [
        "Punkt 1",
        "Sommerfest",
        "Punkt 2",
    ]
    first = meeting.items.get(title="Punkt 1")
    response = gwa.post(f"{base}{first.pk}/entfernen/", {}, headers=htmx)
    assert "Nichts wurde entfernt" in page_text(response) and meeting.items.count() == 3
    gwa.post(f"{base}{first.pk}/entfernen/", {"confirm": "yes"}, headers=htmx)
    assert list(meeting.items.order_by("position").values_list("title", "position")) == [
        ("Sommerfest", 1),
        ("Punkt 2", 2),
    ]


def test_attendance_shows_the_quorum_and_saves_all_or_nothing(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    meeting = make_meeting(jury, at=timezone.now() - HOUR)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    htmx = {"HX-Request": "true"}
    response = gwa.post(url, {f"attendance-{member.pk}": "anwesend" for member in jurors[:3]}, headers=htmx)
    html = page_text(response)
    assert 'hx-swap-oob="true"' in html and "Nicht beschlussfähig" in html and "3 von 7" in html
    response = gwa.post(url, {f"attendance-{jurors[3].pk}": "anwesend"}, headers=htmx)
    assert "Beschlussfähig" in page_text(response) and "4 von 7" in page_text(response)
    # One bad entry refuses the whole form.
    stranger = Membership.objects.create(
        committee=Committee.objects.create(area=area, name="Andere", kind="other"),
        person=Person.objects.create(area=area, last_name="Fremd"),
        member_type="bewohner",
    )
    response = gwa.post(
        url, {f"attendance-{jurors[4].pk}": "anwesend", f"attendance-{stranger.pk}": "anwesend"}, headers=htmx
    )
    assert "ist am Tag der Sitzung kein Mitglied des Gremiums" in page_text(response)
    response = gwa.post(url, {f"attendance-{jurors[5].pk}": "vielleicht"}, headers=htmx)
    assert "Wählen Sie anwesend, entschuldigt oder abwesend." in page_text(response)
    assert Attendance.objects.filter(meeting=meeting).count() == 4


def test_attendance_of_a_made_up_member_is_refused_not_an_error(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    """A member named by "²" (a digit to str.isdigit, not to int()) was a server error (tests/test_fuzz_forms.py)."""
    meeting = make_meeting(jury, at=timezone.now() - HOUR)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    data = {f"attendance-{jurors[0].pk}": "anwesend", "attendance-²": "anwesend"}
    response = gwa.post(url, data, headers={"HX-Request": "true"})
    assert "ist am Tag der Sitzung kein Mitglied des Gremiums" in page_text(response)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_minutes_are_recorded_checked_and_approved_at_the_next_meeting(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    first = make_meeting(jury, at=timezone.now() - 30 * 24 * HOUR)
    second = make_meeting(jury, at=timezone.now() - HOUR)
    for member in jurors[:5]:
        Attendance.objects.create(meeting=first, membership=member, status="anwesend")
    item = first.items.get(position=1)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{first.pk}/tagesordnung/{item.pk}/"
    prefix = f"item-{item.pk}-"
    htmx = {"HX-Request": "true"}

    def minutes(**fields: str) -> dict[str, str]:
        return {prefix + name: value for name, value in fields.items()}

    refused = [
        (minutes(yes="4", no="2", abstain="1"), "übersteigen die anwesenden stimmberechtigten"),
        (minutes(yes="3", no="1"), "Geben Sie die Ja-, Nein- und Enthaltungsstimmen an."),
        (minutes(yes="3", no="1", abstain="0", deferred="on"), "Ein vertagter Punkt hat keine Stimmen"),
        (minutes(yes="-1", no="1", abstain="0"), "größer oder gleich 0"),
    ]
    for data, message in refused:
        response = gwa.post(url, data, headers=htmx)
        assert message in page_text(response), data
    item.refresh_from_db()
    assert item.result == "" and item.yes is None
    data = minutes(minutes="Vorgestellt von Frau Kaya.", decision="Die Jury fördert das Fest.", yes="4", no="1",
                   abstain="0", result="abgelehnt")  # fmt: skip
    response = gwa.post(url, data, headers=htmx)
    assert "Das Protokoll zu „Punkt 1“ ist gespeichert." in page_text(response)
    assert "angenommen: 4 Ja, nötig sind 4 von 7 Mitgliedern" in page_text(response)
    item.refresh_from_db()
    assert (item.yes, item.no, item.abstain, item.result) == (4, 1, 0, "angenommen")  # computed, not as sent

    action = f"/gebiet/{area.slug}/gremien/sitzungen/{second.pk}/status/"
    response = gwa.post(action, {"action": "approve_previous"}, follow=True)
    assert "Nur das Protokoll einer durchgeführten Sitzung kann genehmigt werden." in messages_of(response)
    assert gwa.post(f"/gebiet/{area.slug}/gremien/sitzungen/{first.pk}/status/", {"action": "held"}).status_code == 302
    response = gwa.post(action, {"action": "approve_previous"}, follow=True)
    assert "Das Protokoll der vorigen Sitzung ist genehmigt." in messages_of(response)
    first.refresh_from_db()
    assert first.status == Meeting.Status.APPROVED and first.approved_in == second
    # Approved minutes are final.
    response = gwa.post(url, minutes(minutes="Nachträglich geändert"), headers=htmx)
    assert "nicht mehr geändert werden" in page_text(response)
    item.refresh_from_db()
    assert item.minutes == "Vorgestellt von Frau Kaya."


def test_meeting_state_refusals(gwa: Client, area: Quartier, jury: Committee) -> None:
    future = make_meeting(jury, at=timezone.now() + 24 * HOUR)
    base = f"/gebiet/{area.slug}/gremien/sitzungen/{future.pk}/"
    response = gwa.post(base + "status/", {"action": "held"}, follow=True)
    assert "Eine Sitzung kann erst als durchgeführt gelten, wenn sie begonnen hat." in messages_of(response)
    item = future.items.get(position=1)
    response = gwa.post(
        f"{base}tagesordnung/{item.pk}/", {f"item-{item.pk}-deferred": "on"}, headers={"HX-Request": "true"}
    )
    assert "Ein Beschluss kann erst festgehalten werden, wenn die Sitzung begonnen hat." in page_text(response)
    future.refresh_from_db()
    assert future.status == Meeting.Status.PLANNED
    held = make_meeting(jury, at=timezone.now() - HOUR, status=Meeting.Status.HELD)
    item = held.items.get(position=1)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{held.pk}/tagesordnung/{item.pk}/entfernen/"
    response = gwa.post(url, {"confirm": "yes"}, follow=True)
    assert "Punkte einer durchgeführten Sitzung bleiben im Protokoll." in messages_of(response)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_held_meeting_does_not_move_into_the_future(gwa: Client, area: Quartier, jury: Committee) -> None:
    """Marked held before anything was recorded, it could be moved ahead and be listed as held on a day to come."""
    held = make_meeting(jury, at=timezone.now() - HOUR, status=Meeting.Status.HELD)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{held.pk}/bearbeiten/"
    ahead = timezone.now() + 48 * HOUR
    response = gwa.post(url, {"starts_at": local(ahead), "duration_minutes": "120", "place": "Stadtteilbüro"})
    assert "Eine Sitzung, die stattgefunden hat, kann nicht in die Zukunft verschoben werden." in page_text(response)
    moved = held.starts_at - 2 * HOUR  # earlier on its day: still allowed
    response = gwa.post(url, {"starts_at": local(moved), "duration_minutes": "120", "place": "Stadtteilbüro"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.starts_at < timezone.now()


def test_changing_an_invited_meeting_raises_its_calendar_revision(gwa: Client, area: Quartier, jury: Committee) -> None:
    meeting = make_meeting(jury, at=timezone.now() + 72 * HOUR, status=Meeting.Status.INVITED)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/bearbeiten/"
    data = {"starts_at": local(meeting.starts_at + HOUR), "duration_minutes": "120", "place": "Stadtteilbüro"}
    response = gwa.post(url, data, follow=True)
    assert any("Senden Sie die Einladung erneut" in message for message in messages_of(response))
    meeting.refresh_from_db()
    assert meeting.sequence == 1


@pytest.mark.parametrize("who", ["planung", "koordination"])
def test_readers_see_the_meeting_without_editing_controls(
    client: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User], who: str
) -> None:
    meeting = make_meeting(jury, at=timezone.now() - HOUR)
    client.force_login(role_users[who])
    html = page_text(client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"))
    assert "Punkt 1" in html and "Juror Nummer 1" in html
    assert "/tagesordnung/" not in html and "/status/" not in html


def test_meeting_page_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    assert_constant_queries: object,
) -> None:
    make_meeting(jury, at=timezone.now() - 40 * 24 * HOUR)
    meeting = make_meeting(jury, at=timezone.now() - HOUR, items=1)
    Attendance.objects.create(meeting=meeting, membership=jurors[0], status="anwesend")
    client.force_login(role_users["gwa"])
    added = iter(range(100))

    def grow() -> None:
        for _ in range(5):
            number = next(added)
            meeting.items.create(position=number + 10, title=f"Mehr {number}", result="vertagt")
            person = Person.objects.create(area=area, last_name=f"Neu {number}")
            member = Membership.objects.create(committee=jury, person=person, member_type="bewohner")
            Attendance.objects.create(meeting=meeting, membership=member, status="entschuldigt")

    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"), grow
    )


def test_a_meeting_of_another_area_is_not_found(
    client: Client, other_area: Quartier, area: Quartier, role_users: dict[str, User]
) -> None:
    foreign = Committee.objects.create(area=other_area, name="Fremd", kind="other")
    meeting = make_meeting(foreign, at=timezone.now())
    client.force_login(role_users["gwa"])
    assert client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/").status_code == 404
    item = meeting.items.first()
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/tagesordnung/{item.pk}/entfernen/"
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert meeting.items.count() == 2


# Ballots


def test_the_office_drafts_opens_and_closes_a_ballot(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/abstimmungen/neu/"
    response = gwa.post(url, {"title": "Umlauf Dezember", "deadline": local(timezone.now() - HOUR)})
    assert "Die Frist muss in der Zukunft liegen." in page_text(response)
    assert not Ballot.objects.exists()
    response = gwa.post(url, {"title": "Umlauf Dezember", "deadline": local(timezone.now() + 72 * HOUR)})
    ballot = Ballot.objects.get()
    base = f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/"
    assert response["Location"].endswith(base)
    response = gwa.post(base + "status/", {"action": "open"}, follow=True)
    assert "Eine Abstimmung braucht mindestens einen Punkt." in messages_of(response)
    gwa.post(base + "punkte/", {"title": "Antrag Sommerfest"})
    gwa.post(base + "punkte/", {"title": "Antrag Nachbarschaftscafé"})
    assert gwa.post(base + "status/", {"action": "open"}).status_code == 302
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    # Opened: no more changes to the items or the deadline.
    response = gwa.post(base + "punkte/", {"title": "Nachzügler"}, follow=True)
    assert "Eine geöffnete Abstimmung kann nicht mehr geändert werden." in messages_of(response)
    assert "Eine geöffnete Abstimmung kann nicht mehr geändert werden." in page_text(gwa.get(base + "bearbeiten/"))
    assert ballot.items.count() == 2
    response = gwa.post(base + "status/", {"action": "close"}, follow=True)
    assert any(
        "wenn alle stimmberechtigten Mitglieder abgestimmt haben" in message for message in messages_of(response)
    )
    for member in jurors:
        for item in ballot.items.all():
            vote_cast(item=item, membership=member, choice="ja", by=member.user)
    page = gwa.get(base)
    assert page.context["complete"] and "alle haben abgestimmt" in page_text(page)
    gwa.post(base + "status/", {"action": "close"})
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert set(ballot.items.values_list("result", flat=True)) == {"angenommen"}


def test_ballot_page_shows_who_has_voted_never_how_and_polls_as_a_fragment(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    ballot = ballot_open(ballot=make_ballot(jury, items=2, secret=False), by=UserFactory(), now=now)
    for item in ballot.items.all():
        vote_cast(item=item, membership=jurors[0], choice="nein", by=jurors[0].user, now=now)
    client.force_login(role_users["koordination"])
    url = f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/"
    html = page_text(client.get(url))
    assert "2 von 2" in html and "Nein" not in html.split('id="participation"')[1]
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and 'id="participation"' in page_text(fragment)
    assert "/status/" not in html  # Koordination reads only


def test_ballot_office_page_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    assert_constant_queries: object,
    now: datetime.datetime,
) -> None:
    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)
    client.force_login(role_users["gwa"])
    added = iter(range(100))

    def grow() -> None:
        for member in jurors:
            for item in ballot.items.all():
                vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
        for _ in range(3):
            number = next(added)
            person = Person.objects.create(area=area, last_name=f"Neu {number}")
            Membership.objects.create(committee=jury, person=person, member_type="bewohner")

    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/"), grow
    )


def test_the_meeting_page_lists_the_circular_resolutions_since_the_previous_meeting(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    from committees.services.ballots import ballot_close

    make_meeting(jury, at=now - 30 * 24 * HOUR, status=Meeting.Status.HELD)
    meeting = make_meeting(jury, at=now + 24 * HOUR)
    ballot = ballot_open(ballot=make_ballot(jury, items=1, hours=2), by=UserFactory(), now=now)
    for member in jurors:
        vote_cast(item=ballot.items.get(), membership=member, choice="ja", by=member.user, now=now)
    ballot_close(ballot=ballot, by=None, now=now)
    html = page_text(gwa.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"))
    assert "Umlaufbeschlüsse seit der letzten Sitzung" in html
    assert (
        "Antrag 1 – <strong>angenommen: 7 Ja, nötig sind 4 von 7 Mitgliedern</strong> "
        "(Ja 7, Nein 0, Enthaltungen 0, Befangenheiten 0)"
    ) in html


def test_a_deputy_standing_in_counts_towards_the_quorum_and_the_votes(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    deputy = Membership.objects.create(
        committee=jury,
        person=Person.objects.create(area=area, last_name="Vertretung"),
        member_type="bewohner",
        voting=False,
        deputy_of=jurors[0],
    )
    meeting = make_meeting(jury, at=timezone.now() - HOUR)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"
    present = {f"attendance-{member.pk}": "anwesend" for member in [*jurors[1:4], deputy]}
    response = gwa.post(url + "anwesenheit/", {**present, f"attendance-{jurors[0].pk}": "entschuldigt"},
                        headers={"HX-Request": "true"})  # fmt: skip
    assert "Beschlussfähig" in page_text(response) and "4 von 7" in page_text(response)
    item = meeting.items.get(position=1)
    data = {f"item-{item.pk}-yes": "4", f"item-{item.pk}-no": "0", f"item-{item.pk}-abstain": "0"}
    gwa.post(f"{url}tagesordnung/{item.pk}/", data, headers={"HX-Request": "true"})
    item.refresh_from_db()
    assert (item.yes, item.result) == (4, "angenommen")


def test_a_deputy_never_votes_in_their_own_right(
    gwa: Client, area: Quartier, role_users: dict[str, User], jury: Committee, jurors: list[Membership]
) -> None:
    """The member form ticks "voting" by default: a deputy saved so would vote beside the member they stand in
    for, online and in a meeting, and raise the number a majority of all members needs."""
    from django.core.exceptions import ValidationError

    from committees.services.committees import membership_create, membership_update

    person = Person.objects.create(area=area, first_name="Vera", last_name="Vertretung", is_resident=True)
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/neu/"
    data = {"person": person.pk, "member_type": "bewohner", "voting": "on", "deputy_of": jurors[0].pk}
    response = gwa.post(url, data)
    assert response.status_code == 200 and DEPUTY_VOTES in page_text(response)
    assert not Membership.objects.filter(person=person).exists()
    with pytest.raises(ValidationError, match="Stellvertretung"):
        membership_create(committee=jury, data={**data, "person": person, "deputy_of": jurors[0], "voting": True},
                          by=role_users["gwa"])  # fmt: skip
    assert gwa.post(url, {**data, "voting": ""}).status_code == 302
    deputy = Membership.objects.get(person=person)
    assert not deputy.voting and deputy.deputy_of == jurors[0]
    edit = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{deputy.pk}/"
    response = gwa.post(edit, data)
    assert response.status_code == 200 and DEPUTY_VOTES in page_text(response)
    with pytest.raises(ValidationError, match="Stellvertretung"):
        membership_update(membership=deputy, data={"voting": True}, by=role_users["gwa"])
    deputy.refresh_from_db()
    assert not deputy.voting
    # Nor does a deputy stand in for someone without a vote (a deputy, an advisory member): they never would.
    other = Person.objects.create(area=area, first_name="Otto", last_name="Zweitvertretung", is_resident=True)
    response = gwa.post(url, {"person": other.pk, "member_type": "bewohner", "deputy_of": deputy.pk})
    assert response.status_code == 200 and STANDS_IN_FOR_VOTING in page_text(response)
    assert not Membership.objects.filter(person=other).exists()


def test_the_office_makes_a_member_an_account_for_online_voting(
    gwa: Client, area: Quartier, jury: Committee, mailoutbox: list, django_capture_on_commit_callbacks: object
) -> None:
    person = Person.objects.create(area=area, first_name="Mehmet", last_name="Aydın", email="mehmet@example.org")
    membership = Membership.objects.create(committee=jury, person=person, member_type="bewohner")
    base = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{membership.pk}/"
    page = page_text(gwa.get(base))
    assert "Konto für die Online-Abstimmung" in page and "Die Einladung geht an mehmet@example.org" in page
    taken = UserFactory(username="vergeben", email="Mehmet@example.org")
    refused = gwa.post(base + "konto/", follow=True)
    assert any("gehört schon zu einem anderen Konto" in message for message in messages_of(refused))
    membership.refresh_from_db()
    assert membership.user is None and not deliver()
    taken.delete()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        done = gwa.post(base + "konto/", follow=True)
    membership.refresh_from_db()
    account = membership.user
    assert account is not None and account.username == "mehmet" and not account.has_usable_password()
    assert any("„mehmet“" in message for message in messages_of(done))
    assert is_committee_member(account, jury.pk)
    [mail] = deliver()
    assert mail.to == ["mehmet@example.org"] and "/konto/passwort/neu/" in mail.body
    # The link sets the password: the member can then log in.
    link = mail.body.split("http://localhost:8000", 1)[1].split()[0]
    client = Client()
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Kanal-Jury-2026!", "new_password2": "Kanal-Jury-2026!"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Kanal-Jury-2026!")
    again = gwa.post(base + "konto/", follow=True)
    assert "Dieses Mitglied hat schon ein Konto." in messages_of(again)


def test_saving_attendance_does_not_grow_in_queries_with_the_members(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership], assert_constant_queries: object
) -> None:
    meeting = make_meeting(jury, at=timezone.now() - HOUR)
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    added = iter(range(100))

    def post() -> object:
        everyone = Membership.objects.filter(committee=jury).values_list("pk", flat=True)
        return gwa.post(url, {f"attendance-{pk}": "anwesend" for pk in everyone}, headers={"HX-Request": "true"})

    def grow() -> None:
        for _ in range(5):
            member = Membership.objects.create(
                committee=jury, person=Person.objects.create(area=area, last_name=f"Neu {next(added)}"),
                member_type="bewohner",
            )  # fmt: skip
            Attendance.objects.create(meeting=meeting, membership=member, status="anwesend")

    assert_constant_queries(post, grow)  # type: ignore[operator]
    assert Attendance.objects.filter(meeting=meeting, status="anwesend").count() == 12
