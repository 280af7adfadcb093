"""Decisions taken in a meeting follow the committee's rules (issue #15, finding 2).

The office enters the counts; the result is computed by ``committees.rules`` (quorum of the voting
members present with deputies standing in, the majority rule, recusals out of the pool), never chosen by
hand. Only "deferred / not voted on" is chosen by hand. Every path says why, with the numbers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import AgendaItem, Attendance, Committee, Meeting, Membership, Result
from committees.services.meetings import agenda_item_update
from fonds.models import Application, Fund, Status
from fonds.services.applications import application_put_forward
from quartier.models import Quartier, User
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible

HOUR = datetime.timedelta(hours=1)
PRESENT = Attendance.Status.PRESENT


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


def held_meeting(committee: Committee, present: list[Membership], *, items: int = 1) -> Meeting:
    """A meeting that began an hour ago with ``present`` marked present (everyone else excused)."""
    meeting = Meeting.objects.create(committee=committee, starts_at=timezone.now() - HOUR, place="Stadtteilbüro")
    for position in range(1, items + 1):
        meeting.items.create(position=position, title=f"Punkt {position}")
    for member in committee.memberships.all():
        status = PRESENT if member in present else Attendance.Status.EXCUSED
        Attendance.objects.create(meeting=meeting, membership=member, status=status)
    return meeting


def post_minutes(client: Client, area: Quartier, item: AgendaItem, **fields: str) -> str:
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{item.meeting_id}/tagesordnung/{item.pk}/"
    data = {f"item-{item.pk}-{name}": value for name, value in fields.items()}
    return client.post(url, data, headers={"HX-Request": "true"}).content.decode()


def application_on_meeting(fund: Fund, person: Person, staff: dict[str, User]) -> tuple[Application, Meeting]:
    application = eligible(make_application(fund, person=person, costs=("900.00",)), staff)
    meeting = Meeting.objects.create(
        committee=fund.committee, starts_at=timezone.now() + datetime.timedelta(days=2), place="Büro"
    )
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - HOUR)
    meeting.refresh_from_db()
    return application, meeting


def test_three_to_one_in_a_seven_member_jury_is_rejected_and_the_application_is_not_approved(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    """The issue's case: majority of all members, 7 jurors, 4 present, 3 yes and 1 no; "angenommen" sent."""
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    for member in jurors[:4]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    html = post_minutes(
        gwa,
        area,
        item,
        yes="3",
        no="1",
        abstain="0",
        result="angenommen",
        recusals="0",
        decision="Abgelehnt: nicht die nötige Mehrheit.",
    )
    item.refresh_from_db()
    assert item.result == Result.REJECTED
    assert "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern" in html
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.approved_amount is None
    assert (
        "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"
        in gwa.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/").content.decode()
    )


def test_four_yes_of_seven_members_adopts_and_the_application_is_approved(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    html = post_minutes(gwa, area, item, yes="4", no="1", abstain="0")
    item.refresh_from_db()
    assert item.result == Result.ADOPTED and "angenommen: 4 Ja, nötig sind 4 von 7 Mitgliedern" in html
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.approved_amount == Decimal("900.00")


def test_without_quorum_no_decision_is_taken_and_the_application_is_deferred(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    for member in jurors[:3]:  # the jury needs 4
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    html = post_minutes(gwa, area, item, yes="3", no="0", abstain="0", result="angenommen")
    item.refresh_from_db()
    assert item.result == Result.NO_QUORUM
    assert "nicht beschlussfähig: 3 stimmberechtigte Mitglieder anwesend, nötig sind 4" in html
    application.refresh_from_db()
    assert application.status == Status.DEFERRED


def test_a_deputy_standing_in_makes_the_quorum_and_votes(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    deputy = Membership.objects.create(
        committee=jury,
        person=Person.objects.create(area=area, last_name="Vertretung"),
        member_type="bewohner",
        voting=False,
        deputy_of=jurors[0],
    )
    meeting = held_meeting(jury, [*jurors[1:4], deputy])
    item = meeting.items.get()
    html = post_minutes(gwa, area, item, yes="4", no="0", abstain="0")
    item.refresh_from_db()
    assert item.result == Result.ADOPTED and "angenommen: 4 Ja, nötig sind 4 von 7 Mitgliedern" in html
    # Two deputies of one member hold one vote: five votes are more than the four present.
    second = Membership.objects.create(
        committee=jury,
        person=Person.objects.create(area=area, last_name="Zweitvertretung"),
        member_type="bewohner",
        voting=False,
        deputy_of=jurors[0],
    )
    Attendance.objects.create(meeting=meeting, membership=second, status=PRESENT)
    html = post_minutes(gwa, area, item, yes="5", no="0", abstain="0")
    assert "übersteigen die anwesenden stimmberechtigten Mitglieder (4)" in html
    item.refresh_from_db()
    assert (item.yes, item.result) == (4, Result.ADOPTED)


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "result", "reason"),
    [
        (4, 2, 1, Result.ADOPTED, "angenommen: 4 Ja zu 2 Nein, nötig sind zwei Drittel der Ja- und Nein-Stimmen (4)"),
        (4, 3, 0, Result.REJECTED, "abgelehnt: 4 Ja zu 3 Nein, nötig sind zwei Drittel der Ja- und Nein-Stimmen (5)"),
    ],
)
def test_two_thirds_of_the_votes_cast(
    gwa: Client, area: Quartier, yes: int, no: int, abstain: int, result: str, reason: str
) -> None:
    council = Committee.objects.create(
        area=area, name="Quartiersrat", kind="quartiersrat", majority_rule="two_thirds", quorum_share=50
    )
    members = [
        Membership.objects.create(
            committee=council, person=Person.objects.create(area=area, last_name=f"Rat {n}"), member_type="bewohner"
        )
        for n in range(9)
    ]
    meeting = held_meeting(council, members[:7])
    item = meeting.items.get()
    html = post_minutes(gwa, area, item, yes=str(yes), no=str(no), abstain=str(abstain))
    item.refresh_from_db()
    assert item.result == result and reason in html


def test_a_majority_of_votes_cast_and_a_quorum_by_share(gwa: Client, area: Quartier) -> None:
    council = Committee.objects.create(
        area=area, name="Quartiersrat", kind="quartiersrat", majority_rule="cast", quorum_share=50
    )
    members = [
        Membership.objects.create(
            committee=council, person=Person.objects.create(area=area, last_name=f"Rat {n}"), member_type="bewohner"
        )
        for n in range(17)
    ]
    meeting = held_meeting(council, members[:8], items=2)  # 8 of 17 is less than half
    first, second = meeting.items.order_by("position")
    html = post_minutes(gwa, area, first, yes="6", no="1", abstain="1")
    assert "nicht beschlussfähig: 8 stimmberechtigte Mitglieder anwesend, nötig sind 9" in html
    Attendance.objects.filter(meeting=meeting, membership=members[8]).update(status=PRESENT)
    html = post_minutes(gwa, area, second, yes="4", no="3", abstain="2")
    assert "angenommen: 4 Ja zu 3 Nein, nötig sind mehr Ja- als Nein-Stimmen" in html


def test_no_form_and_no_service_call_can_force_a_result(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    meeting = held_meeting(jury, jurors[:5], items=2)
    first, second = meeting.items.order_by("position")
    post_minutes(gwa, area, first, result="angenommen", recusals="2", minutes="Besprochen.")
    first.refresh_from_db()
    assert (first.result, first.recusals, first.minutes) == ("", None, "Besprochen.")
    agenda_item_update(item=second, data={"result": "angenommen", "recusals": 3}, by=role_users["gwa"])
    second.refresh_from_db()
    assert (second.result, second.recusals) == ("", None)
    agenda_item_update(
        item=second, data={"yes": 2, "no": 1, "abstain": 2, "result": "angenommen"}, by=role_users["gwa"]
    )
    second.refresh_from_db()
    assert second.result == Result.REJECTED  # 2 of 7


def test_deferred_is_the_only_outcome_chosen_by_hand(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    meeting = held_meeting(jury, jurors[:5], items=2)
    first, second = meeting.items.order_by("position")
    html = post_minutes(gwa, area, first, deferred="on", yes="4", no="0", abstain="0")
    assert "Ein vertagter Punkt hat keine Stimmen" in html
    first.refresh_from_db()
    assert first.result == "" and first.yes is None
    html = post_minutes(gwa, area, first, deferred="on", decision="Vertagt auf die nächste Sitzung.")
    first.refresh_from_db()
    assert first.result == Result.DEFERRED and "vertagt: nicht abgestimmt" in html
    html = post_minutes(gwa, area, second, yes="4", no="0")
    assert "Geben Sie die Ja-, Nein- und Enthaltungsstimmen an." in html
    second.refresh_from_db()
    assert second.result == "" and second.yes is None


def test_counts_are_checked_against_the_members_present_and_nothing_is_half_saved(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    meeting = held_meeting(jury, jurors[:5])
    item = meeting.items.get()
    html = post_minutes(gwa, area, item, minutes="Text", yes="4", no="1", abstain="1")
    assert "übersteigen die anwesenden stimmberechtigten Mitglieder (5)" in html
    item.refresh_from_db()
    assert (item.minutes, item.yes, item.result) == ("", None, "")


def test_counts_need_the_attendance_first(gwa: Client, area: Quartier, jury: Committee, jurors: list) -> None:
    meeting = Meeting.objects.create(committee=jury, starts_at=timezone.now() - HOUR, place="Büro")
    item = meeting.items.create(position=1, title="Antrag")
    html = post_minutes(gwa, area, item, yes="4", no="0", abstain="0")
    assert "Erfassen Sie zuerst die Anwesenheit" in html
    item.refresh_from_db()
    assert item.result == ""


def test_a_later_change_of_attendance_recomputes_the_result_or_is_refused(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    meeting = held_meeting(jury, jurors[:4], items=2)
    first, second = meeting.items.order_by("position")
    post_minutes(gwa, area, first, yes="4", no="0", abstain="0")
    post_minutes(gwa, area, second, yes="2", no="0", abstain="0")
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    # One of the four leaves the list: four votes were counted, only three are present now.
    html = gwa.post(url, {f"attendance-{jurors[3].pk}": "entschuldigt"}, headers={"HX-Request": "true"})
    assert "Punkt 1" in html.content.decode() and "übersteigen" in html.content.decode()
    assert Attendance.objects.get(meeting=meeting, membership=jurors[3]).status == PRESENT
    # Clearing the first item's counts lets the change through; the second item is recomputed: no quorum now.
    post_minutes(gwa, area, first)
    gwa.post(url, {f"attendance-{jurors[3].pk}": "entschuldigt"}, headers={"HX-Request": "true"})
    assert Attendance.objects.get(meeting=meeting, membership=jurors[3]).status == Attendance.Status.EXCUSED
    second.refresh_from_db()
    assert second.result == Result.NO_QUORUM


def test_a_decision_taken_over_by_the_application_cannot_be_turned_afterwards(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    post_minutes(
        gwa, area, item, yes="3", no="1", abstain="1", decision="Abgelehnt: nicht die nötige Mehrheit."
    )  # a rejection gives its reason
    html = post_minutes(gwa, area, item, yes="4", no="1", abstain="0")
    assert "Der Antrag hat diesen Beschluss schon übernommen" in html
    item.refresh_from_db()
    application.refresh_from_db()
    assert (item.yes, item.result, application.status) == (3, Result.REJECTED, Status.REJECTED)
    post_minutes(gwa, area, item, yes="3", no="2", abstain="0")  # a correction that keeps the result
    item.refresh_from_db()
    assert (item.no, item.abstain, item.result) == (2, 0, Result.REJECTED)


def test_the_result_basis_is_kept_when_the_committee_changes_its_rules(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    meeting = held_meeting(jury, jurors[:5])
    item = meeting.items.get()
    post_minutes(gwa, area, item, yes="3", no="1", abstain="1")
    Committee.objects.filter(pk=jury.pk).update(majority_rule="cast")
    item.refresh_from_db()
    assert item.result == Result.REJECTED
    assert item.result_reason == "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"


def test_the_service_refuses_decisions_before_the_meeting_has_begun(
    jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    meeting = Meeting.objects.create(committee=jury, starts_at=timezone.now() + HOUR, place="Büro")
    item = meeting.items.create(position=1, title="Antrag")
    with pytest.raises(ValidationError, match="erst festgehalten werden, wenn die Sitzung begonnen hat"):
        agenda_item_update(item=item, data={"deferred": True}, by=role_users["gwa"])
    item.refresh_from_db()
    assert item.result == ""


def test_ballot_and_meeting_results_say_why_alike_on_every_page(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    from committees.services.ballots import ballot_close, ballot_open, vote_cast
    from tests.committees.fixtures import make_ballot
    from tests.committees.test_minutes_pdf import pdf_text

    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=role_users["gwa"], now=now)
    ballot_item = ballot.items.get()
    for member, choice in zip(jurors[:4], ["ja", "ja", "ja", "nein"], strict=True):
        vote_cast(item=ballot_item, membership=member, choice=choice, by=member.user, now=now)
    ballot_close(ballot=ballot, by=None, now=now + datetime.timedelta(days=3))
    meeting = held_meeting(jury, jurors[:5])
    item = meeting.items.get()
    agenda_item_update(item=item, data={"yes": 3, "no": 1, "abstain": 1}, by=role_users["gwa"])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    reason = "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"

    public = client.get(f"/oeffentlich/{area.slug}/gremien/").content.decode()
    assert public.count(reason) == 2  # the circular resolution and the meeting's decision
    client.force_login(role_users["koordination"])
    assert reason in client.get(f"/gebiet/{area.slug}/gremien/abstimmungen/{ballot.pk}/").content.decode()
    assert reason in client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/").content.decode()
    later = Meeting.objects.create(committee=jury, starts_at=timezone.now() + 96 * HOUR, place="Büro")
    text = pdf_text(client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/protokoll.pdf").content)
    assert reason in text
    text = pdf_text(client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{later.pk}/protokoll.pdf").content)
    assert reason in text  # the ballot as a circular resolution of the next meeting
    client.force_login(jurors[0].user)
    assert reason in client.get(f"/abstimmungen/{ballot.pk}/").content.decode()


def test_the_migration_keeps_the_basis_of_ballots_closed_before_it(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    from importlib import import_module

    from django.apps import apps

    from committees.models import BallotItem
    from committees.services.ballots import ballot_close, ballot_open, vote_cast
    from tests.committees.fixtures import make_ballot

    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=None, now=now)
    for member in jurors[:5]:
        vote_cast(item=ballot.items.get(), membership=member, choice="ja", by=member.user, now=now)
    ballot_close(ballot=ballot, by=None, now=now + datetime.timedelta(days=3))
    BallotItem.objects.update(basis=None)  # as a ballot closed before the basis was kept
    assert BallotItem.objects.get().result_reason == ""
    import_module("committees.migrations.0007_decision_basis_and_meeting_conflicts").keep_the_basis_of_closed_ballots(
        apps, None
    )
    assert BallotItem.objects.get().result_reason == "angenommen: 5 Ja, nötig sind 4 von 7 Mitgliedern"


def test_an_item_whose_decision_an_application_took_over_cannot_be_removed(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    """A meeting that has begun but is not yet marked held still lets the office remove agenda items: the
    decision the application took over went with it, and the minutes no longer showed why it was approved."""
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    assert meeting.status == Meeting.Status.PLANNED
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    post_minutes(gwa, area, item, yes="4", no="1", abstain="0")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/tagesordnung/{item.pk}/entfernen/"
    html = gwa.post(url, {"confirm": "yes"}, headers={"HX-Request": "true"}).content.decode()
    assert "Ein Punkt mit einem festgehaltenen Beschluss bleibt im Protokoll" in html
    item.refresh_from_db()
    assert (item.yes, item.result) == (4, Result.ADOPTED)


def test_an_item_with_a_recorded_decision_is_removed_only_after_its_counts_are_cleared(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    from committees.services.meetings import agenda_item_delete

    meeting = held_meeting(jury, jurors[:5], items=2)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.INVITED)
    first, second = meeting.items.order_by("position")
    post_minutes(gwa, area, first, yes="4", no="1", abstain="0")
    with pytest.raises(ValidationError, match="festgehaltenen Beschluss"):
        agenda_item_delete(item=first, by=role_users["gwa"])
    agenda_item_delete(item=second, by=role_users["gwa"])  # nothing recorded: it may go
    post_minutes(gwa, area, first)  # the counts cleared, no decision left
    agenda_item_delete(item=first, by=role_users["gwa"])
    assert not meeting.items.exists()


def test_the_day_of_a_meeting_with_recorded_minutes_cannot_move(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    """Attendance and decisions count the members whose term runs on the meeting's day: moving the day
    afterwards (or into the future, before the meeting "began") would leave them computed for another one."""
    from committees.services.meetings import meeting_update

    _application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    noon = datetime.datetime.combine(yesterday, datetime.time(12), tzinfo=timezone.get_current_timezone())
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=noon)
    meeting.refresh_from_db()
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    post_minutes(gwa, area, meeting.items.get(), yes="4", no="1", abstain="0")
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/bearbeiten/"
    for moved in (noon + datetime.timedelta(days=3), noon - datetime.timedelta(days=40)):
        data = {"starts_at": timezone.localtime(moved).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "120",
                "place": "Büro"}  # fmt: skip
        response = gwa.post(url, data)
        assert response.status_code == 200, moved
        assert "Anwesenheit und Beschlüsse dieser Sitzung sind für ihren Tag festgehalten" in response.content.decode()
    with pytest.raises(ValidationError):  # past midnight: another day
        meeting_update(meeting=meeting, data={"starts_at": noon + HOUR * 13}, by=staff["gwa"])
    assert Meeting.objects.get(pk=meeting.pk).starts_at == noon
    earlier = noon - datetime.timedelta(minutes=30)  # the same day, still begun: a correction
    meeting_update(meeting=meeting, data={"starts_at": earlier, "place": "Nachbarschaftshaus"}, by=staff["gwa"])
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.starts_at, stored.place) == (earlier, "Nachbarschaftshaus")


def test_an_attendance_change_cannot_turn_a_decision_an_application_took_over(
    gwa: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application, meeting = application_on_meeting(aktionsfonds, applicant, staff)
    for member in jurors[:4]:
        Attendance.objects.create(meeting=meeting, membership=member, status=PRESENT)
    item = meeting.items.get()
    post_minutes(gwa, area, item, yes="3", no="0", abstain="0", decision="Abgelehnt: nicht die nötige Mehrheit.")
    application.refresh_from_db()
    assert application.status == Status.REJECTED  # 3 of 7, 4 needed
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    # Three present would be no quorum: the result would turn after the application took it over.
    html = gwa.post(url, {f"attendance-{jurors[3].pk}": "entschuldigt"}, headers={"HX-Request": "true"})
    assert "Der Antrag hat diesen Beschluss schon übernommen" in html.content.decode()
    assert Attendance.objects.get(meeting=meeting, membership=jurors[3]).status == PRESENT
    item.refresh_from_db()
    application.refresh_from_db()
    assert (item.result, application.status) == (Result.REJECTED, Status.REJECTED)


def test_the_rules_of_a_committee_cannot_change_while_one_of_its_ballots_is_open(
    gwa: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    """Seeing who has voted, the office could switch "majority of all members" to "of the votes cast" before
    the close and turn the result; the rules a ballot is decided by are the ones it was opened under."""
    from committees.models import Ballot
    from committees.services.ballots import ballot_close, ballot_open, vote_cast
    from committees.services.committees import committee_update
    from tests.committees.fixtures import make_ballot

    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=role_users["gwa"], now=now)
    item = ballot.items.get()
    for juror, choice in zip(jurors[:4], ["ja", "ja", "ja", "nein"], strict=True):
        vote_cast(item=item, membership=juror, choice=choice, by=juror.user, now=now)
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/bearbeiten/"
    data = {"name": jury.name, "kind": jury.kind, "majority_rule": "cast", "quorum_members": "4",
            "resident_share": "100", "term_years": "2"}  # fmt: skip
    response = gwa.post(url, data)
    assert response.status_code == 200
    assert "Solange eine Abstimmung dieses Gremiums läuft, bleiben seine Regeln" in response.content.decode()
    with pytest.raises(ValidationError):
        committee_update(committee=jury, data={"quorum_members": 2}, by=role_users["gwa"])
    jury.refresh_from_db()
    assert (jury.majority_rule, jury.quorum_members) == ("members", 4)
    assert gwa.post(url, {**data, "majority_rule": "members", "name": "Jury"}).status_code == 302  # the rest may
    ballot_close(ballot=ballot, by=None, now=ballot.deadline)
    item.refresh_from_db()
    assert item.result == Result.REJECTED  # 3 yes, 4 of 7 needed
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.CLOSED
    assert gwa.post(url, data).status_code == 302  # closed: the rules may change again


def test_without_any_voting_member_taking_part_nothing_is_decided_even_without_a_quorum_rule(
    gwa: Client, area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    """A committee with no quorum rule: nobody came, the office typed 0, 0, 0 and the item was "abgelehnt"
    (an application on it rejected) while the page said the meeting had no quorum; a ballot nobody voted in
    closed as rejected too."""
    from committees.services.ballots import ballot_close, ballot_open
    from tests.committees.fixtures import make_ballot

    beirat = Committee.objects.create(area=area, name="Stadtteilbeirat", kind="beirat", majority_rule="cast")
    for n in range(3):
        person = Person.objects.create(area=area, last_name=f"Beirat {n}")
        Membership.objects.create(committee=beirat, person=person, member_type="bewohner")
    meeting = held_meeting(beirat, [])  # everyone excused
    item = meeting.items.get()
    page = gwa.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert "Nicht beschlussfähig" in page
    html = post_minutes(gwa, area, item, yes="0", no="0", abstain="0")
    item.refresh_from_db()
    assert item.result == Result.NO_QUORUM
    assert "nicht beschlussfähig: 0 stimmberechtigte Mitglieder anwesend, nötig sind 1" in html
    ballot = ballot_open(ballot=make_ballot(beirat, items=1), by=role_users["gwa"], now=now)
    ballot_close(ballot=ballot, by=None, now=ballot.deadline)
    assert ballot.items.get().result == Result.NO_QUORUM
