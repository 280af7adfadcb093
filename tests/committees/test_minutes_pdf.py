"""The minutes of a meeting as a PDF: attendance, quorum, decisions with counts, circular resolutions, approval."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pypdf import PdfReader

from actors.models import Person
from committees.minutes import circular_resolutions, meeting_of_area, meeting_quorum, minutes_of
from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Committee, Meeting, Membership, Result
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from quartier.models import Quartier, User

PRESENT, EXCUSED, ABSENT = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT
DAY = datetime.timedelta(days=1)


def gettext(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def url(area: Quartier, meeting: Meeting) -> str:
    return f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/protokoll.pdf"


def meeting_of(committee: Committee, starts_at: datetime.datetime, status: str = Meeting.Status.HELD) -> Meeting:
    return Meeting.objects.create(
        committee=committee, starts_at=starts_at, place="Stadtteilbüro, Kanalstraße 4", status=status
    )


def attend(meeting: Meeting, members: list[Membership], status: str) -> None:
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, membership=member, status=status) for member in members]
    )


def closed_ballot(
    committee: Committee,
    title: str,
    closed_at: datetime.datetime,
    votes: dict[Membership, str],
    *,
    secret: bool = False,
) -> Ballot:
    """A ballot of one item, voted on through the service and closed at ``closed_at``."""
    ballot = Ballot.objects.create(committee=committee, title=title, deadline=closed_at, secret=secret)
    item = BallotItem.objects.create(ballot=ballot, position=1, title=f"{title}: Antrag")
    ballot_open(ballot=ballot, by=None, now=closed_at - 2 * DAY)
    for member, choice in votes.items():
        vote_cast(item=item, membership=member, choice=choice, by=member.user, now=closed_at - DAY)
    return ballot_close(ballot=ballot, by=None, now=closed_at)


@pytest.fixture
def held(jury: Committee, jurors: list[Membership], now: datetime.datetime) -> Meeting:
    """A held meeting two days ago: five jurors present, one excused, one absent; an advisory member
    present; a welcome and a decided application."""
    meeting = meeting_of(jury, now - 2 * DAY)
    advisor = Membership.objects.create(
        committee=jury,
        person=Person.objects.create(area=jury.area, first_name="Bea", last_name="Beraterin"),
        member_type=Membership.MemberType.ADMINISTRATION,
        voting=False,
    )
    attend(meeting, [*jurors[:5], advisor], PRESENT)
    attend(meeting, [jurors[5]], EXCUSED)
    attend(meeting, [jurors[6]], ABSENT)
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="Begrüßung", minutes="Die Sitzung wird um 17:34 Uhr eröffnet."
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=2,
        title="Nachbarschaftsfest am Kanal – 1.200 €",
        minutes="Die Antragstellerin stellt das Fest vor.",
        decision="Die Jury bewilligt 1.200 € aus dem Aktionsfonds.",
        yes=4,
        no=1,
        abstain=0,
        recusals=0,
        result=Result.ADOPTED,
    )
    return meeting


def test_the_minutes_show_agenda_decisions_with_counts_attendance_and_quorum(
    client: Client, area: Quartier, held: Meeting, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, held))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(held.starts_at).isoformat()
    assert response["Content-Disposition"] == f'inline; filename="protokoll-aktionsfondsjury-kiez-am-kanal-{day}.pdf"'
    text = pdf_text(response.content)
    assert "Aktionsfondsjury Kiez am Kanal" in text
    assert "Stadtteilbüro, Kanalstraße 4" in text
    assert "Begrüßung" in text and "Die Sitzung wird um 17:34 Uhr eröffnet." in text
    assert "Nachbarschaftsfest am Kanal – 1.200 €" in text
    assert "Die Jury bewilligt 1.200 € aus dem Aktionsfonds." in text
    assert re.search(r"4 1 0 0 " + re.escape(gettext("Adopted")), text), text
    for number in range(1, 8):
        assert f"Juror Nummer {number}" in text  # present, excused and absent members are named
    assert "Bea Beraterin" in text
    quorum = gettext("%(present)s of %(eligible)s voting members were present; the committee had a quorum.")
    assert quorum % {"present": 5, "eligible": 7} in text
    assert gettext("Draft").upper() in text.upper()  # not approved yet


def test_without_quorum_the_minutes_say_so(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    meeting = meeting_of(jury, now - 2 * DAY)
    attend(meeting, jurors[:3], PRESENT)  # the jury needs 4
    attend(meeting, jurors[3:], EXCUSED)
    client.force_login(role_users["gwa"])
    text = pdf_text(client.get(url(area, meeting)).content)
    no_quorum = gettext("%(present)s of %(eligible)s voting members were present; the committee did not have a quorum.")
    assert no_quorum % {"present": 3, "eligible": 7} in text


def test_a_deputy_stands_in_for_an_absent_voting_member(
    jury: Committee, jurors: list[Membership], area: Quartier, now: datetime.datetime
) -> None:
    meeting = meeting_of(jury, now - 2 * DAY)
    deputy = Membership.objects.create(
        committee=jury,
        person=Person.objects.create(area=area, first_name="Dora", last_name="Vertreterin"),
        member_type=Membership.MemberType.RESIDENT,
        voting=False,
        deputy_of=jurors[0],
    )
    attend(meeting, [deputy, *jurors[1:4]], PRESENT)
    attend(meeting, [jurors[0]], EXCUSED)
    minutes = minutes_of(meeting_of_area(area, meeting.pk))
    assert ("Dora Vertreterin", "Juror Nummer 1") in [(a.name, a.stands_in_for) for a in minutes.present_voting]
    assert len(minutes.present_voting) == 4 and minutes.present_advisory == []
    assert minutes.quorum is True  # 4 of 7, the jury's quorum is 4 members


def test_meeting_quorum_applies_the_committee_rule(jury: Committee) -> None:
    assert not meeting_quorum(jury, present=3, eligible=7)
    assert meeting_quorum(jury, present=4, eligible=7)
    council = Committee(majority_rule="cast", quorum_share=50)
    assert not meeting_quorum(council, present=8, eligible=17) and meeting_quorum(council, present=9, eligible=17)


def test_circular_resolutions_are_those_closed_since_the_previous_meeting(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    previous = meeting_of(jury, now - 30 * DAY)
    meeting = meeting_of(jury, now - 2 * DAY)
    meeting_of(jury, now + 30 * DAY, status=Meeting.Status.PLANNED)  # a later one changes nothing
    yes = dict.fromkeys(jurors[:5], "ja")
    closed_ballot(jury, "Umlauf Januar", now - 40 * DAY, yes)  # before the previous meeting
    closed_ballot(jury, "Umlauf Grenze", previous.starts_at, yes)  # when the previous one began: recorded there
    closed_ballot(jury, "Umlauf Februar", now - 10 * DAY, {**yes, jurors[5]: "nein"})
    closed_ballot(jury, "Umlauf Beginn", meeting.starts_at, yes)  # up to this meeting's start: recorded here
    closed_ballot(jury, "Umlauf März", now - DAY, yes)  # after this meeting began
    assert [item.ballot.title for item in circular_resolutions(meeting, previous)] == [
        "Umlauf Februar",
        "Umlauf Beginn",
    ]
    client.force_login(role_users["planung"])
    text = pdf_text(client.get(url(area, meeting)).content)
    assert gettext("Circular resolutions since the last meeting") in text
    assert "Umlauf Februar: Antrag" in text and "Umlauf Beginn: Antrag" in text
    assert re.search(r"Umlauf Februar: Antrag 5 1 0 0 " + re.escape(gettext("Adopted")), text), text
    assert "Umlauf Januar" not in text and "Umlauf Grenze" not in text and "Umlauf März" not in text
    first = pdf_text(client.get(url(area, previous)).content)  # the first meeting: everything closed before it
    assert "Umlauf Januar: Antrag" in first and "Umlauf Februar" not in first


@pytest.mark.parametrize("secret", [True, False])
def test_a_ballot_shows_only_its_counts_never_who_voted_how(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    secret: bool,
    now: datetime.datetime,
) -> None:
    meeting = meeting_of(jury, now - 2 * DAY)  # no attendance recorded: no member is named anywhere
    closed_ballot(
        jury,
        "Umlauf geheim" if secret else "Umlauf offen",
        now - 10 * DAY,
        {jurors[0]: "ja", jurors[1]: "ja", jurors[2]: "nein", jurors[3]: "enthaltung"},
        secret=secret,
    )
    client.force_login(role_users["steuerung"])
    with CaptureQueriesContext(connection) as queries:
        text = pdf_text(client.get(url(area, meeting)).content)
    assert re.search(r"Antrag 2 1 1 0 " + re.escape(gettext("Rejected")), text), text  # 2 of 7 is no majority
    assert "Nummer" not in text  # no juror's name
    for table in ("committees_vote", "committees_secretvote", "committees_participation"):
        assert not any(table in query["sql"] for query in queries.captured_queries), table
    assert (gettext("secret ballot") in text) is secret


def test_a_planned_meeting_prints_as_a_draft_agenda(
    client: Client, area: Quartier, jury: Committee, role_users: dict[str, User], now: datetime.datetime
) -> None:
    meeting = meeting_of(jury, now + 7 * DAY, status=Meeting.Status.PLANNED)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Begrüßung")
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Hochbeete für den Hof", description="Antrag von Nachbarn."
    )
    client.force_login(role_users["gwa"])
    response = client.get(url(area, meeting))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert gettext("Agenda of the meeting") in text and gettext("Draft").upper() in text.upper()
    assert "Hochbeete für den Hof" in text and "Antrag von Nachbarn." in text
    assert gettext("Attendance") not in text


def test_approved_minutes_say_where_and_are_no_draft(
    client: Client, area: Quartier, held: Meeting, jury: Committee, role_users: dict[str, User], now: datetime.datetime
) -> None:
    approving = meeting_of(jury, now + 20 * DAY, status=Meeting.Status.PLANNED)
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.APPROVED, approved_in=approving)
    client.force_login(role_users["steuerung"])
    text = pdf_text(client.get(url(area, held)).content)
    date = approving.starts_at.astimezone(timezone.get_default_timezone()).strftime("%d.%m.%Y")
    assert gettext("These minutes were approved in the meeting of %(date)s.") % {"date": date} in text
    assert gettext("Draft").upper() not in text.upper()


def test_a_meeting_of_another_area_is_not_found(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    held: Meeting,
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    foreign = Committee.objects.create(area=other_area, name="Quartiersrat Nordstadt", kind="quartiersrat")
    foreign_meeting = meeting_of(foreign, now - 2 * DAY)
    client.force_login(role_users["steuerung"])
    assert client.get(url(area, foreign_meeting)).status_code == 404
    assert client.get(f"/gebiet/{area.slug}/gremien/sitzungen/999999/protokoll.pdf").status_code == 404
    assert client.get(f"/gebiet/{other_area.slug}/gremien/sitzungen/{held.pk}/protokoll.pdf").status_code == 404


def test_query_count_does_not_grow_with_items_attendance_and_ballots(
    client: Client,
    area: Quartier,
    held: Meeting,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    assert_constant_queries: Callable[..., int],
    now: datetime.datetime,
) -> None:
    previous = meeting_of(jury, now - 30 * DAY)
    closed_ballot(jury, "Umlauf 0", now - 20 * DAY, {jurors[0]: "ja"})
    client.force_login(role_users["planung"])
    added = iter(range(1000))

    def grow() -> None:
        for _ in range(3):
            number = next(added)
            AgendaItem.objects.create(
                meeting=held, position=10 + number, title=f"Punkt {number}", decision="Beschlossen.", yes=3, no=0,
                abstain=0, recusals=0, result=Result.ADOPTED,
            )  # fmt: skip
            member = Membership.objects.create(
                committee=jury,
                person=Person.objects.create(area=area, last_name=f"Neu {number}"),
                member_type=Membership.MemberType.RESIDENT,
                deputy_of=jurors[number % 7],
                voting=False,
            )
            attend(held, [member], PRESENT)
            attend(previous, [member], EXCUSED)
            closed_ballot(jury, f"Umlauf {number + 1}", now - (19 - number) * DAY, {jurors[1]: "nein"})

    assert_constant_queries(lambda: client.get(url(area, held)), grow)
    queries = assert_constant_queries(lambda: minutes_of(meeting_of_area(area, held.pk)), grow)
    # the meeting, voting members, attendance, previous meeting, agenda, recusals, circular resolutions
    assert queries == 7


def test_the_minutes_name_as_recused_only_the_members_the_result_counted_as_recused(
    client: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    """A member recorded as recused who is then recorded as absent holds no vote: the result no longer counts
    them, and the page does not name them. The PDF named them all the same, beside "Befangenheiten 0"."""
    from committees.services.meetings import agenda_item_update, agenda_recusal_record, attendance_record

    gwa = role_users["gwa"]
    meeting = meeting_of(jury, timezone.now() - DAY)
    item = meeting.items.create(position=1, title="Bank am Ufer")
    attend(meeting, jurors[:6], PRESENT)
    agenda_recusal_record(item=item, membership=jurors[5], recused=True, by=gwa)
    agenda_item_update(item=item, data={"yes": 4, "no": 1, "abstain": 0}, by=gwa)
    attendance_record(meeting=meeting, statuses={jurors[5].pk: EXCUSED}, by=gwa)
    item.refresh_from_db()
    assert (item.recusals, item.result) == (0, Result.ADOPTED)
    client.force_login(gwa)
    page = client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert "Befangen und nicht abgestimmt" not in page
    text = pdf_text(client.get(url(area, meeting)).content)
    assert "Befangen und nicht abgestimmt: Juror Nummer 6" not in text


def test_the_minutes_name_as_voting_the_members_the_result_counted(
    jury: Committee, jurors: list[Membership], area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    """The minutes chose the deputy standing in by name, the result by the first made (``rules.vote_holders``), and
    let a deputy stand in for a member whose term had ended, whom the result did not count."""
    from committees.services.meetings import meeting_votes

    meeting = meeting_of(jury, now - 2 * DAY)
    day = timezone.localdate(meeting.starts_at)

    def deputy(first: str, last: str, of: Membership) -> Membership:
        person = Person.objects.create(area=area, first_name=first, last_name=last)
        return Membership.objects.create(
            committee=jury, person=person, member_type="bewohner", voting=False, deputy_of=of
        )

    zora = deputy("Zora", "Zuerst", jurors[0])  # made first: she stands in
    aaron = deputy("Aaron", "Alpha", jurors[0])  # first by name
    Membership.objects.filter(pk=jurors[1].pk).update(end=day - DAY)  # this member's term has ended
    ben = deputy("Ben", "Bleibt", jurors[1])
    attend(meeting, [zora, aaron, ben, *jurors[2:5]], PRESENT)
    attend(meeting, [jurors[0]], EXCUSED)
    holders = meeting_votes(meeting).holders
    assert holders == {zora.pk, *(member.pk for member in jurors[2:5])}
    minutes = minutes_of(meeting_of_area(area, meeting.pk))
    assert [(a.name, a.stands_in_for) for a in minutes.present_voting] == [
        ("Juror Nummer 3", ""), ("Juror Nummer 4", ""), ("Juror Nummer 5", ""), ("Zora Zuerst", "Juror Nummer 1"),
    ]  # fmt: skip
    assert [a.name for a in minutes.present_advisory] == ["Aaron Alpha", "Ben Bleibt"]
    assert minutes.eligible == 6 and len(minutes.present_voting) == len(holders)
