"""Conflicts of interest (issue #15, finding 3): one finder, every path.

A voting member is flagged on an item about an application when they are its applicant or its contact
person, belong to the applying organisation, or live at the applicant's address. Flags follow every change
(membership, affiliation, address, application, agenda), not only the opening of a ballot; a member's own
declaration is never undone. Meetings get the same flags, and the office records who was recused.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from actors.models import Affiliation, Organisation, Person
from actors.services.organisations import organisation_update
from actors.services.persons import AffiliationRow, person_erase, person_update
from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    Result,
    Vote,
)
from committees.services.ballots import ballot_close, ballot_open, conflict_declare, conflict_dismiss, vote_cast
from committees.services.committees import membership_create, membership_update
from demo.factories import UserFactory
from fonds.models import Application, Fund
from fonds.services.applications import application_put_forward, application_update
from quartier.models import Quartier, User
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible

HOUR = datetime.timedelta(hours=1)
PAST_DEADLINE = datetime.timedelta(days=3)  # past the deadline of make_ballot (48 hours)
FLAGGED, CONFIRMED, DISMISSED = (
    ConflictFlag.Status.FLAGGED,
    ConflictFlag.Status.CONFIRMED,
    ConflictFlag.Status.DISMISSED,
)


def draft_ballot(committee: Committee) -> Ballot:
    return Ballot.objects.create(
        committee=committee, title="Umlauf", deadline=timezone.now() + datetime.timedelta(hours=48)
    )


def on_ballot(application: Application, staff: dict[str, User], *, open_: bool = True) -> BallotItem:
    """``application`` put before its jury on a ballot (opened, unless ``open_`` is false)."""
    ballot = draft_ballot(application.fund.committee)
    application_put_forward(application=eligible(application, staff), ballot=ballot, by=staff["gwa"])
    if open_:
        ballot_open(ballot=ballot, by=staff["gwa"])
    return ballot.items.get()


def flags(**filters: object) -> list[tuple[int, str, str]]:
    """(membership, status, reason) of the flags, in membership order."""
    return list(
        ConflictFlag.objects.filter(**filters)
        .order_by("membership_id")
        .values_list("membership_id", "status", "reason")
    )


def flagged_members(**filters: object) -> list[int]:
    return [membership for membership, _status, _reason in flags(**filters)]


# Each reason


def test_a_juror_who_applies_is_flagged_and_nobody_else(
    aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    """Most applicants are private persons: the applying juror is flagged, no other juror."""
    application = make_application(aktionsfonds, person=jurors[2].person)
    item = on_ballot(application, staff)
    [(membership, status, reason)] = flags(item=item)
    assert (membership, status) == (jurors[2].pk, FLAGGED)
    assert reason == "Sie sind die antragstellende Person."


def test_the_contact_person_of_an_organisations_application_is_flagged(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    club = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    application = make_application(aktionsfonds, organisation=club, person=jurors[0].person)
    item = on_ballot(application, staff)
    assert flags(item=item) == [(jurors[0].pk, FLAGGED, "Sie sind die Kontaktperson des Antrags.")]


def test_a_member_of_the_applying_organisation_is_flagged_while_the_affiliation_runs(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    club = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    Affiliation.objects.create(person=jurors[1].person, organisation=club, function="Kassenwart")
    Affiliation.objects.create(
        person=jurors[3].person, organisation=club, end=timezone.localdate() - datetime.timedelta(days=400)
    )
    item = on_ballot(make_application(aktionsfonds, organisation=club), staff)
    assert flags(item=item) == [
        (jurors[1].pk, FLAGGED, "Sie gehören zu Kanalkinder e. V., der antragstellenden Organisation.")
    ]


@pytest.mark.parametrize(
    ("member_address", "applicant_address", "same"),
    [
        ("Kanalstraße 12\n10999 Berlin", "Kanalstr. 12, 10999 Berlin", True),
        ("KANALSTRASSE 12", "kanalstraße  12", True),
        ("Kanal-Straße 12a, 10999 Berlin", "Kanalstr 12 a", True),
        ("c/o Müller, Kanalstraße 12, 10999 Berlin", "Kanalstraße 12\n10999 Berlin", True),
        ("Kanalstraße 12, 10999 Berlin", "Kanalstraße 12, 12043 Berlin", False),  # another town's Kanalstraße
        ("Kanalstraße 12", "Kanalstraße 14", False),
        ("Kanalstraße", "Kanalstraße", False),  # a street without a number is no address
        ("", "", False),  # empty addresses never match
        ("   ", "\n", False),
    ],
)
def test_a_member_living_at_the_applicants_address_is_flagged(
    area: Quartier,
    aktionsfonds: Fund,
    staff: dict,
    jurors: list[Membership],
    member_address: str,
    applicant_address: str,
    same: bool,
) -> None:
    Person.objects.filter(pk=jurors[4].person_id).update(address=member_address)
    neighbour = Person.objects.create(area=area, first_name="Aylin", last_name="Yıldız", address=applicant_address)
    item = on_ballot(make_application(aktionsfonds, person=neighbour), staff)
    expected = [(jurors[4].pk, FLAGGED, "Sie wohnen unter der Anschrift der antragstellenden Person (Aylin Yıldız).")]
    assert flags(item=item) == (expected if same else [])


def test_a_member_at_the_applying_organisations_address_is_flagged(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    Person.objects.filter(pk=jurors[5].person_id).update(address="Uferweg 3\n10999 Berlin")
    club = Organisation.objects.create(area=area, name="Ufer e. V.", street="Uferweg 3", postcode="10999")
    item = on_ballot(make_application(aktionsfonds, organisation=club), staff)
    reason = "Sie wohnen unter der Anschrift von Ufer e. V., der antragstellenden Organisation."
    assert flags(item=item) == [(jurors[5].pk, FLAGGED, reason)]


def test_several_reasons_are_named_together(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    club = Organisation.objects.create(area=area, name="Ufer e. V.", street="Uferweg 3", postcode="10999")
    Affiliation.objects.create(person=jurors[5].person, organisation=club)
    Person.objects.filter(pk=jurors[5].person_id).update(address="Uferweg 3, 10999 Berlin")
    item = on_ballot(make_application(aktionsfonds, organisation=club), staff)
    [(_member, _status, reason)] = flags(item=item)
    assert "Sie gehören zu Ufer e. V." in reason and "Sie wohnen unter der Anschrift von Ufer e. V." in reason


def test_advisory_members_and_members_of_other_committees_are_not_flagged(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    applicant = Person.objects.create(area=area, last_name="Berater")
    Membership.objects.create(
        committee=aktionsfonds.committee, person=applicant, member_type="verwaltung", voting=False
    )
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    Membership.objects.create(committee=council, person=applicant, member_type="bewohner")
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    assert flags(item=item) == []


# Recomputed on every change


def test_a_draft_ballot_is_flagged_when_the_application_is_put_on_it(
    aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    item = on_ballot(make_application(aktionsfonds, person=jurors[0].person), staff, open_=False)
    assert item.ballot.status == Ballot.Status.DRAFT and flagged_members(item=item) == [jurors[0].pk]


def test_a_new_member_who_applied_is_flagged_on_the_open_ballot(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    applicant = Person.objects.create(area=area, first_name="Neu", last_name="Jurorin", is_resident=True)
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    assert flags(item=item) == []
    membership = membership_create(
        committee=aktionsfonds.committee,
        data={"person": applicant, "member_type": "bewohner", "voting": True},
        by=role_users["gwa"],
    )
    assert flagged_members(item=item) == [membership.pk]
    # Her term ends: the unanswered flag goes.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    membership_update(
        membership=membership, data={"start": yesterday - datetime.timedelta(days=30), "end": yesterday},
        by=role_users["gwa"],
    )  # fmt: skip
    assert flags(item=item) == []


def test_a_term_that_starts_during_the_ballot_is_flagged_already(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachrückerin", is_resident=True)
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    membership = membership_create(
        committee=aktionsfonds.committee,
        data={"person": applicant, "member_type": "bewohner", "voting": True, "start": tomorrow},
        by=role_users["gwa"],
    )
    assert flagged_members(item=item) == [membership.pk]


def test_an_affiliation_added_or_ended_on_the_persons_form_changes_the_flags(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    club = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    item = on_ballot(make_application(aktionsfonds, organisation=club), staff)
    person = jurors[3].person
    person_update(
        person=person, data={}, affiliations=[AffiliationRow(pk=None, organisation=club, function="Vorstand",
                                                             start=None, end=None)],
        by=role_users["gwa"],
    )  # fmt: skip
    assert flagged_members(item=item) == [jurors[3].pk]
    person_update(person=person, data={}, affiliations=[], by=role_users["gwa"])
    assert flags(item=item) == []


def test_an_address_change_of_member_or_applicant_changes_the_flags(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    member = jurors[6].person
    person_update(person=member, data={"address": "Hofweg 1\n10999 Berlin"}, by=role_users["gwa"])
    assert flagged_members(item=item) == [jurors[6].pk]
    person_update(person=applicant, data={"address": "Hofweg 2, 10999 Berlin"}, by=role_users["gwa"])
    assert flags(item=item) == []


def test_an_organisations_address_change_changes_the_flags(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    Person.objects.filter(pk=jurors[1].person_id).update(address="Uferweg 3, 10999 Berlin")
    club = Organisation.objects.create(area=area, name="Ufer e. V.")
    item = on_ballot(make_application(aktionsfonds, organisation=club), staff)
    assert flags(item=item) == []
    organisation_update(organisation=club, data={"street": "Uferweg 3", "postcode": "10999"}, by=role_users["gwa"])
    assert flagged_members(item=item) == [jurors[1].pk]


def test_changing_the_applications_person_changes_the_flags(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    """The application's content can change only before it is put forward; a meeting's agenda item may have
    been made earlier, for a deferred application that goes before the committee again."""
    application = make_application(aktionsfonds, person=jurors[0].person)
    meeting = Meeting.objects.create(
        committee=aktionsfonds.committee, starts_at=timezone.now() + 48 * HOUR, place="Büro"
    )
    agenda_item = meeting.items.create(position=1, title="Antrag", subject=application)
    from committees.services.conflicts import conflicts_refresh

    conflicts_refresh(meetings=[meeting.pk])
    assert flagged_members(agenda_item=agenda_item) == [jurors[0].pk]
    application_update(application=application, data={"person": jurors[1].person}, lines=None, by=None)
    assert flagged_members(agenda_item=agenda_item) == [jurors[1].pk]


def test_erasing_a_members_data_removes_the_flags_its_address_and_affiliations_made(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    Person.objects.filter(pk=jurors[6].person_id).update(address="Hofweg 1, 10999 Berlin")
    # A ballot still being drafted: while one is open, the erasure waits for its close (tests/actors/test_gdpr.py).
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff, open_=False)
    assert flagged_members(item=item) == [jurors[6].pk]
    person_erase(person=jurors[6].person, by=role_users["steuerung"])
    assert flags(item=item) == []


def test_a_members_own_declaration_is_never_undone_and_a_dismissal_is_kept(
    area: Quartier,
    aktionsfonds: Fund,
    staff: dict,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    Person.objects.filter(pk__in=[jurors[0].person_id, jurors[1].person_id]).update(address="Hofweg 1, 10999 Berlin")
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    conflict_declare(item=item, membership=jurors[0], by=jurors[0].user, now=now)
    conflict_dismiss(item=item, membership=jurors[1], by=jurors[1].user, now=now)
    conflict_declare(item=item, membership=jurors[2], by=jurors[2].user, now=now)  # no flag: declared freely
    person_update(person=applicant, data={"address": "Hofweg 9, 10999 Berlin"}, by=role_users["gwa"])
    assert [(member, status) for member, status, _reason in flags(item=item)] == [
        (jurors[0].pk, CONFIRMED),
        (jurors[2].pk, CONFIRMED),
    ]
    # Dismissed, and still applying: the dismissal stands; a new reason asks again.
    person_update(person=applicant, data={"address": "Hofweg 1, 10999 Berlin"}, by=role_users["gwa"])
    assert (jurors[1].pk, FLAGGED) in [(member, status) for member, status, _reason in flags(item=item)]
    conflict_dismiss(item=item, membership=jurors[1], by=jurors[1].user, now=now)
    person_update(person=applicant, data={"phone": "030 123"}, by=role_users["gwa"])
    assert (jurors[1].pk, DISMISSED) in [(member, status) for member, status, _reason in flags(item=item)]
    club = Organisation.objects.create(area=area, name="Hof e. V.")
    person_update(
        person=jurors[1].person, data={},
        affiliations=[AffiliationRow(pk=None, organisation=club, function="", start=None, end=None)],
        by=role_users["gwa"],
    )  # fmt: skip
    application = item.subject
    Application.objects.filter(pk=application.pk).update(organisation=club)
    from committees.services.conflicts import conflicts_refresh

    conflicts_refresh(applications=[application.pk])
    assert (jurors[1].pk, FLAGGED) in [(member, status) for member, status, _reason in flags(item=item)]


def test_a_closed_ballot_keeps_its_flags(
    aktionsfonds: Fund, staff: dict, jurors: list[Membership], area, now: datetime.datetime
) -> None:
    item = on_ballot(make_application(aktionsfonds, person=jurors[0].person), staff)
    ballot_close(ballot=item.ballot, by=None, now=now + PAST_DEADLINE)
    Person.objects.filter(pk=jurors[0].person_id).update(first_name="Anders")
    from committees.services.conflicts import conflicts_refresh

    application = item.subject
    Application.objects.filter(pk=application.pk).update(person=None, organisation=None)
    conflicts_refresh(applications=[application.pk])
    assert flagged_members(item=item) == [jurors[0].pk]


# A flag on an open ballot after the member voted


def test_a_vote_cast_before_the_flag_counts_only_if_the_member_dismisses_it_before_the_close(
    area: Quartier,
    aktionsfonds: Fund,
    staff: dict,
    jurors: list[Membership],
    role_users: dict[str, User],
    now: datetime.datetime,
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    first = on_ballot(make_application(aktionsfonds, person=applicant, title="Erster"), staff, open_=False)
    second_application = eligible(make_application(aktionsfonds, person=applicant, title="Zweiter"), staff)
    application_put_forward(application=second_application, ballot=first.ballot, by=staff["gwa"])
    ballot = ballot_open(ballot=first.ballot, by=staff["gwa"], now=now)
    first, second = ballot.items.order_by("position")
    for member in jurors:
        for item in (first, second):
            vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
    # Two jurors move in with the applicant after voting.
    for member in jurors[:2]:
        person_update(person=member.person, data={"address": "Hofweg 1\n10999 Berlin"}, by=role_users["gwa"])
    assert flagged_members(item=first) == [jurors[0].pk, jurors[1].pk]
    assert Vote.objects.filter(item=first).count() == 7  # the votes are still there
    conflict_dismiss(item=first, membership=jurors[0], by=jurors[0].user, now=now)
    conflict_dismiss(item=second, membership=jurors[0], by=jurors[0].user, now=now)
    with pytest.raises(ValidationError, match="Hinweis auf Befangenheit"):
        ballot_close(ballot=ballot, by=None, now=now)  # before the deadline: not while a flag is unanswered
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    first.refresh_from_db()
    second.refresh_from_db()
    # jurors[1] never answered: treated as recused, the vote is not counted and the pool is 6.
    assert (first.yes, first.recusals, first.result) == (6, 1, Result.ADOPTED)
    assert first.result_reason == "angenommen: 6 Ja, nötig sind 4 von 6 Mitgliedern (1 befangen)"
    assert Participation.objects.get(item=first, membership=jurors[1]).kind == Participation.Kind.RECUSED
    assert not Vote.objects.filter(item=first, membership=jurors[1]).exists()
    assert Participation.objects.get(item=first, membership=jurors[0]).kind == Participation.Kind.VOTED


def test_the_juror_page_says_that_a_flag_after_voting_needs_an_answer(
    client: Client, area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership],
    role_users: dict[str, User], now: datetime.datetime,
) -> None:  # fmt: skip

    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    item = on_ballot(make_application(aktionsfonds, person=applicant), staff)
    vote_cast(item=item, membership=jurors[0], choice="nein", by=jurors[0].user, now=now)
    person_update(person=jurors[0].person, data={"address": "Hofweg 1, 10999 Berlin"}, by=role_users["gwa"])
    client.force_login(jurors[0].user)
    html = client.get(f"/abstimmungen/{item.ballot_id}/").content.decode()
    assert "Sie wohnen unter der Anschrift der antragstellenden Person (Nachbarin)." in html
    assert "Ihre Stimme zählt nur, wenn Sie vor dem Ende der Abstimmung" in html


# The meeting path


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


def meeting_with_application(
    fund: Fund, staff: dict[str, User], person: Person | None = None, organisation: Organisation | None = None
) -> AgendaItem:
    application = eligible(make_application(fund, person=person, organisation=organisation), staff)
    meeting = Meeting.objects.create(committee=fund.committee, starts_at=timezone.now() + 48 * HOUR, place="Büro")
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    return meeting.items.get()


def begin(meeting: Meeting, present: list[Membership]) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - HOUR)
    for member in present:
        Attendance.objects.create(meeting=meeting, membership=member, status=Attendance.Status.PRESENT)


def test_an_agenda_item_about_an_application_is_flagged_like_a_ballot_item(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    item = meeting_with_application(aktionsfonds, staff, person=jurors[3].person)
    assert flags(agenda_item=item) == [(jurors[3].pk, FLAGGED, "Sie sind die antragstellende Person.")]
    item.delete()  # removed from the agenda: its flags go with it
    assert not ConflictFlag.objects.exists()


def test_a_deputy_who_may_stand_in_is_flagged_in_a_meeting(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    applicant = Person.objects.create(area=area, last_name="Vertreterin")
    deputy = Membership.objects.create(
        committee=aktionsfonds.committee, person=applicant, member_type="bewohner", voting=False, deputy_of=jurors[0]
    )
    item = meeting_with_application(aktionsfonds, staff, person=applicant)
    assert flagged_members(agenda_item=item) == [deputy.pk]


def test_an_application_put_on_a_meeting_that_has_begun_is_flagged_all_the_same(
    gwa: Client, area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    """A meeting that has begun (not yet marked held) still takes applications. Flags were computed only for
    meetings still to come, so the applicant juror voted on their own application and no recusal was asked."""
    meeting = Meeting.objects.create(committee=aktionsfonds.committee, starts_at=timezone.now() - HOUR, place="Büro")
    begin(meeting, jurors[:6])
    application = eligible(make_application(aktionsfonds, person=jurors[0].person), staff)
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    item = meeting.items.get()
    assert flags(agenda_item=item) == [(jurors[0].pk, FLAGGED, "Sie sind die antragstellende Person.")]
    url = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/tagesordnung/{item.pk}/"
    counts = {f"item-{item.pk}-yes": "5", f"item-{item.pk}-no": "1", f"item-{item.pk}-abstain": "0"}
    html = gwa.post(url, counts, headers={"HX-Request": "true"}).content.decode()
    assert "Halten Sie zuerst fest, ob Juror Nummer 1 befangen war" in html
    item.refresh_from_db()
    assert item.result == ""


def test_the_office_records_recusals_and_the_tally_takes_them_from_the_rows(
    gwa: Client, area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    item = meeting_with_application(aktionsfonds, staff, person=jurors[0].person)
    meeting = item.meeting
    begin(meeting, jurors[:6])
    base = f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"
    page = gwa.get(base).content.decode()
    assert "Möglicherweise befangen: Juror Nummer 1 – Sie sind die antragstellende Person." in page
    minutes_url = f"{base}tagesordnung/{item.pk}/"
    counts = {f"item-{item.pk}-yes": "4", f"item-{item.pk}-no": "1", f"item-{item.pk}-abstain": "0"}
    # An open flag of a present member must be answered before the counts.
    html = gwa.post(minutes_url, counts, headers={"HX-Request": "true"}).content.decode()
    assert "Halten Sie zuerst fest, ob Juror Nummer 1 befangen war" in html
    item.refresh_from_db()
    assert item.result == ""
    recusal_url = f"{base}tagesordnung/{item.pk}/befangenheit/"
    gwa.post(recusal_url, {"membership": jurors[0].pk, "action": "recused"}, headers={"HX-Request": "true"})
    # A juror who declares a conflict in the meeting, without a flag.
    gwa.post(recusal_url, {"membership": jurors[1].pk, "action": "recused"}, headers={"HX-Request": "true"})
    assert sorted(
        ConflictFlag.objects.filter(agenda_item=item, status=CONFIRMED).values_list("membership_id", flat=True)
    ) == [jurors[0].pk, jurors[1].pk]
    html = gwa.post(minutes_url, counts, headers={"HX-Request": "true"}).content.decode()
    assert "übersteigen die anwesenden stimmberechtigten Mitglieder ohne Befangene (4)" in html
    counts[f"item-{item.pk}-no"] = "0"
    html = gwa.post(minutes_url, counts, headers={"HX-Request": "true"}).content.decode()
    item.refresh_from_db()
    assert (item.yes, item.recusals, item.result) == (4, 2, Result.ADOPTED)
    assert "angenommen: 4 Ja, nötig sind 3 von 5 Mitgliedern (2 befangen)" in html
    page = gwa.get(base).content.decode()
    assert "Befangen und nicht abgestimmt: Juror Nummer 1, Juror Nummer 2" in page
    # The minutes PDF names them too, once the meeting is held.
    from tests.committees.test_minutes_pdf import pdf_text

    gwa.post(f"{base}status/", {"action": "held"})
    text = pdf_text(gwa.get(f"{base}protokoll.pdf").content)
    assert "Befangen und nicht abgestimmt: Juror Nummer 1, Juror Nummer 2" in text


def test_a_recusal_is_only_for_a_voting_member_present(
    gwa: Client, area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict
) -> None:
    from committees.services.meetings import agenda_recusal_record

    item = meeting_with_application(aktionsfonds, staff, person=jurors[0].person)
    with pytest.raises(ValidationError, match="begonnen"):
        agenda_recusal_record(item=item, membership=jurors[1], recused=True, by=role_users["gwa"])
    begin(item.meeting, jurors[:4])
    for stranger in (jurors[5], Membership.objects.create(
        committee=Committee.objects.create(area=area, name="Andere", kind="other"),
        person=Person.objects.create(area=area, last_name="Fremd"), member_type="bewohner",
    )):  # fmt: skip
        response = gwa.post(
            f"/gebiet/{area.slug}/gremien/sitzungen/{item.meeting_id}/tagesordnung/{item.pk}/befangenheit/",
            {"membership": stranger.pk, "action": "recused"},
            follow=True,
        )
        assert "Nur ein anwesendes stimmberechtigtes Mitglied" in response.content.decode()
    assert not ConflictFlag.objects.filter(status=CONFIRMED).exists()


def test_a_recusal_recorded_after_the_counts_recomputes_or_is_refused(
    gwa: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    from committees.services.meetings import agenda_item_update, agenda_recusal_record

    meeting = Meeting.objects.create(committee=jury, starts_at=timezone.now() - HOUR, place="Büro")
    item = meeting.items.create(position=1, title="Bank am Ufer")
    begin(meeting, jurors[:5])
    agenda_item_update(item=item, data={"yes": 3, "no": 1, "abstain": 0}, by=role_users["gwa"])
    item.refresh_from_db()
    assert item.result == Result.REJECTED  # 3 of 7
    agenda_recusal_record(item=item, membership=jurors[4], recused=True, by=role_users["gwa"])
    item.refresh_from_db()
    assert (item.recusals, item.result) == (1, Result.REJECTED)  # 3 of 6 is not more than half
    with pytest.raises(ValidationError, match="übersteigen"):
        agenda_recusal_record(item=item, membership=jurors[3], recused=True, by=role_users["gwa"])
    agenda_recusal_record(item=item, membership=jurors[4], recused=False, by=role_users["gwa"])
    item.refresh_from_db()
    assert item.recusals == 0 and not ConflictFlag.objects.filter(agenda_item=item).exists()


def test_held_meetings_keep_their_flags_when_addresses_change_later(
    area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    item = meeting_with_application(aktionsfonds, staff, person=jurors[2].person)
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.HELD)
    Application.objects.filter(pk=item.object_id).update(person=None)
    from committees.services.conflicts import conflicts_refresh

    conflicts_refresh(applications=[item.object_id])
    assert flagged_members(agenda_item=item) == [jurors[2].pk]


def test_a_flag_points_at_exactly_one_item(aktionsfonds: Fund, staff: dict, jurors: list[Membership]) -> None:
    agenda_item = meeting_with_application(aktionsfonds, staff, person=jurors[0].person)
    ballot_item = draft_ballot(aktionsfonds.committee).items.create(position=1, title="Antrag")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictFlag.objects.create(item=ballot_item, agenda_item=agenda_item, membership=jurors[1], reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictFlag.objects.create(membership=jurors[1], reason="x")


def test_addresses_are_compared_folded() -> None:
    from committees.services.conflicts import AddressKey, address_key, same_address

    assert address_key("Kanalstraße 12\n10999 Berlin") == AddressKey("kanalstr12", "10999")
    assert address_key("Kanal Str. 12a") == AddressKey("kanalstr12a", "")
    assert address_key("10999 Berlin") is None  # no street, no match
    assert address_key("") is None
    assert same_address(address_key("Kanalstr. 12"), address_key("Kanalstraße 12, 10999 Berlin"))
    assert not same_address(address_key("Strandweg 1"), address_key("Strandstraße 1"))
    assert not same_address(None, None)


@pytest.mark.parametrize("secret", [False, True])
def test_an_unanswered_flag_withdraws_even_a_secret_vote_at_the_close(
    area: Quartier,
    aktionsfonds: Fund,
    staff: dict,
    jurors: list[Membership],
    role_users: dict,
    secret: bool,
    now: datetime.datetime,
) -> None:
    applicant = Person.objects.create(area=area, last_name="Nachbarin", address="Hofweg 1, 10999 Berlin")
    ballot = draft_ballot(aktionsfonds.committee)
    Ballot.objects.filter(pk=ballot.pk).update(secret=secret)
    application = eligible(make_application(aktionsfonds, person=applicant), staff)
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot = ballot_open(ballot=ballot, by=staff["gwa"], now=now)
    item = ballot.items.get()
    for member, choice in zip(jurors[:5], ["ja", "ja", "ja", "ja", "nein"], strict=True):
        vote_cast(item=item, membership=member, choice=choice, by=member.user, now=now)
    person_update(person=jurors[0].person, data={"address": "Hofweg 1, 10999 Berlin"}, by=role_users["gwa"])
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    item.refresh_from_db()
    assert (item.yes, item.no, item.recusals) == (3, 1, 1)
    assert item.result == Result.REJECTED  # 3 of the 6 not recused is not more than half
    assert item.result_reason == "abgelehnt: 3 Ja, nötig sind 4 von 6 Mitgliedern (1 befangen)"
    application.refresh_from_db()
    assert application.status == "abgelehnt"


def test_the_meeting_page_and_the_minutes_keep_a_constant_number_of_queries_with_conflicts(
    client: Client,
    area: Quartier,
    aktionsfonds: Fund,
    staff: dict,
    jurors: list[Membership],
    role_users: dict[str, User],
    assert_constant_queries: object,
) -> None:
    item = meeting_with_application(aktionsfonds, staff, person=jurors[0].person)
    meeting = item.meeting
    begin(meeting, jurors)
    client.force_login(role_users["gwa"])
    added = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            number = next(added)
            extra = meeting.items.create(position=10 + number, title=f"Punkt {number}")
            for member in jurors[1:3]:
                ConflictFlag.objects.create(agenda_item=extra, membership=member, reason="In der Sitzung erklärt.",
                                            status=CONFIRMED)  # fmt: skip
            ConflictFlag.objects.create(agenda_item=extra, membership=jurors[3], reason="Hinweis")

    assert_constant_queries(lambda: client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/"), grow)  # type: ignore[operator]
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/gremien/sitzungen/{meeting.pk}/protokoll.pdf"), grow
    )


def test_confirming_a_flag_keeps_its_reason(
    aktionsfonds: Fund, staff: dict, jurors: list[Membership], now: datetime.datetime
) -> None:
    item = on_ballot(make_application(aktionsfonds, person=jurors[0].person), staff)
    conflict_declare(item=item, membership=jurors[0], by=jurors[0].user, now=now)
    conflict_declare(item=item, membership=jurors[1], by=jurors[1].user, now=now)
    assert flags(item=item) == [
        (jurors[0].pk, CONFIRMED, "Sie sind die antragstellende Person."),
        (jurors[1].pk, CONFIRMED, "Vom Mitglied erklärt."),
    ]


def test_a_flagged_member_whose_term_ended_neither_shrinks_the_pool_nor_holds_up_the_close(
    monkeypatch: pytest.MonkeyPatch, area: Quartier, aktionsfonds: Fund, staff: dict, jurors: list[Membership]
) -> None:
    """A member flagged on an item whose term ends before the close can no longer answer: their recusal at the
    close took one from the pool of the members who count (eight; 5 needed, not 4), and before the deadline
    their open flag kept the ballot from closing although everyone who may vote had voted."""
    today = timezone.localdate()
    leaving = Membership.objects.create(
        committee=aktionsfonds.committee, member_type="bewohner", end=today,
        person=Person.objects.create(area=area, first_name="Geht", last_name="Bald", is_resident=True),
    )  # fmt: skip
    staying = Membership.objects.create(
        committee=aktionsfonds.committee, member_type="bewohner",
        person=Person.objects.create(area=area, first_name="Bleibt", last_name="Da", is_resident=True),
        user=UserFactory(username="bleibt"),
    )  # fmt: skip
    item = on_ballot(make_application(aktionsfonds, person=leaving.person), staff, open_=False)
    ballot = Ballot.objects.get(pk=item.ballot_id)
    ballot.deadline = timezone.now() + datetime.timedelta(days=5)
    ballot.save()
    ballot_open(ballot=ballot, by=staff["gwa"])
    assert flagged_members(item=item) == [leaving.pk]
    later = timezone.now() + datetime.timedelta(days=2)  # the leaving member's term has ended
    monkeypatch.setattr(timezone, "now", lambda: later)
    for member in [*jurors, staying]:
        vote_cast(item=item, membership=member, choice="ja" if member in jurors[:4] else "nein", by=member.user)
    ballot_close(ballot=ballot, by=None)  # early: everyone who may vote has voted
    item.refresh_from_db()
    assert (item.yes, item.no, item.result) == (4, 4, Result.REJECTED)
    assert item.result_reason == "abgelehnt: 4 Ja, nötig sind 5 von 8 Mitgliedern"


@pytest.mark.parametrize(
    ("member", "applicant"),
    [
        ("Kanalstraße 12, 3. OG, 10999 Berlin", "Kanalstr. 12, 10999 Berlin"),
        ("Kanalstraße 12\n2. Etage links\n10999 Berlin", "Kanalstraße 12\n10999 Berlin"),
        ("Wohnung 5\nKanalstraße 12\n10999 Berlin", "Kanalstraße 12, 10999 Berlin"),
    ],
)
def test_a_floor_or_flat_beside_the_street_does_not_hide_the_same_address(member: str, applicant: str) -> None:
    """The street line was the last part with letters and a number: "3. OG" after it became the street, so
    a member in the applicant's house was not flagged (and two houses with a "3. OG" matched)."""
    from committees.services.conflicts import address_key, same_address

    assert same_address(address_key(member), address_key(applicant))
    assert address_key(member).street == "kanalstr12"  # type: ignore[union-attr]
    assert not same_address(address_key("Hofweg 5, 3. OG, 10999 Berlin"), address_key(member))
