"""GDPR for persons: everything held (page and JSON), erasure with confirmation and a clean audit trail,
and the review list of persons without a legal basis or untouched for too long."""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import replace
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from activation.models import Series
from actors.models import Affiliation, Concern, ContactNote, Network, NetworkMembership, Organisation, Person
from actors.services.persons import AffiliationRow, person_create, person_erase, person_update
from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    CalendarLink,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    SecretVote,
    Vote,
)
from demo.factories import PASSWORD, EventFactory, UserFactory, user_with_permissions
from fonds.models import (
    AccessLink,
    Application,
    Attachment,
    EligibilityCheck,
    Fund,
    Payment,
    Receipt,
    Repayment,
    Status,
    StatusChange,
)
from quartier.mail import queue_mail
from quartier.models import DigestEntry, FieldOfAction, MailChoices, Quartier, Role, RoleAssignment, User
from tests.fonds.fixtures import make_application

PERSONAL = ("Ayşe", "Demir", "ayse@example.org", "030 1234", "Uferstraße 3", "Türkisch", "Elternbeirat", "Flyer")


@pytest.fixture
def ayse(area: Quartier, role_users: dict[str, User]) -> Person:
    """A person made and changed through the services, so the audit trail holds their data."""
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    person = person_create(
        area=area,
        data={
            "first_name": "Ayşe",
            "last_name": "Demir",
            "email": "ayse@example.org",
            "phone": "030 1234",
            "address": "Uferstraße 3",
            "languages": "Türkisch, Deutsch",
            "is_resident": True,
            "is_key_person": True,
            "key_person_note": "Sitzt im Elternbeirat",
            "legal_basis": "consent",
            "consent_date": datetime.date(2026, 1, 5),
            "consent_scope": "Einladungen",
            "consent_how": "Flyer unterschrieben",
        },
        affiliations=[AffiliationRow(organisation=kita, function="Elternvertreterin")],
        by=role_users["gwa"],
    )
    person_update(person=person, data={"email": "ayse.demir@example.org"}, by=role_users["planung"])
    network = Network.objects.create(area=area, name="Runder Tisch Kinder")
    NetworkMembership.objects.create(network=network, person=person)
    note = ContactNote.objects.create(
        area=area,
        date=datetime.date(2026, 3, 2),
        staff=role_users["gwa"],
        channel="telefon",
        topic="Spielplatz",
        text="Vertraulicher Vermerk",
    )
    note.persons.add(person)
    note.organisations.add(kita)
    Concern.objects.create(
        area=area,
        text="Schaukel defekt",
        raised_on=datetime.date(2026, 3, 2),
        raised_by_person=person,
        field_of_action=FieldOfAction.objects.first(),
    )
    return person


def url(area: Quartier, person: Person, suffix: str) -> str:
    return f"/gebiet/{area.slug}/personen/{person.pk}/{suffix}"


# --- everything held ---------------------------------------------------------------------------------------


def test_data_page_shows_everything_held(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(url(area, ayse, "daten/"))
    html = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "ayse.demir@example.org",
        "Uferstraße 3",
        "Türkisch, Deutsch",
        "Sitzt im Elternbeirat",
        "Flyer unterschrieben",
        "Kita Sonnenschein",
        "Elternvertreterin",
        "Runder Tisch Kinder",
        "Spielplatz",
        "Vertraulicher Vermerk",
        "Schaukel defekt",
    ):
        assert expected in html, expected
    audit = html.split('id="audit_entries-heading"')[1]
    assert audit.count("<tr>") == 3  # the header, created, then the email changed
    assert 'href="?format=json"' in html


def test_json_download_holds_the_same(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(url(area, ayse, "daten/?format=json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f'filename="person-{ayse.pk}-daten.json"' in response["Content-Disposition"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["area"] == "Kiez am Kanal"
    assert data["person"]["first_name"] == "Ayşe" and data["person"]["email"] == "ayse.demir@example.org"
    assert data["person"]["legal_basis"] == "consent" and data["person"]["consent_date"] == "2026-01-05"
    assert data["affiliations"] == [
        {"organisation": "Kita Sonnenschein", "function": "Elternvertreterin", "start": None, "end": None}
    ]
    assert data["network_memberships"] == [{"network": "Runder Tisch Kinder", "start": None, "end": None}]
    [note] = data["contact_notes"]
    assert note["topic"] == "Spielplatz" and note["text"] == "Vertraulicher Vermerk"
    assert note["date"] == "2026-03-02" and note["organisations"] == ["Kita Sonnenschein"]
    assert [concern["text"] for concern in data["concerns"]] == ["Schaukel defekt"]
    changes = [entry["changes"] for entry in data["audit_entries"]]
    assert changes[0] == {"email": ["ayse@example.org", "ayse.demir@example.org"]}
    assert data["audit_entries"][0]["actor"] == role_users["planung"].get_display_name()


def test_note_text_needs_the_permission_to_read_notes(
    client: Client, area: Quartier, ayse: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = user_with_permissions(area, {"view_area", "view_persons"}, monkeypatch, username="nur-personen")
    client.force_login(reader)
    html = client.get(url(area, ayse, "daten/")).content.decode()
    assert "Spielplatz" in html and "Vertraulicher Vermerk" not in html
    assert 'id="concerns-heading"' not in html  # nor concerns without their permission
    data = json.loads(client.get(url(area, ayse, "daten/?format=json")).content)
    assert "text" not in data["contact_notes"][0] and data["concerns"] is None


@pytest.mark.parametrize("suffix", ["daten/", "daten/?format=json"])
def test_data_page_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    suffix: str,
    assert_constant_queries: object,
) -> None:
    client.force_login(role_users["steuerung"])

    def grow() -> None:
        for number in range(15):
            organisation = Organisation.objects.create(area=area, name=f"Verein {number}")
            Affiliation.objects.create(person=ayse, organisation=organisation)
            NetworkMembership.objects.create(
                network=Network.objects.create(area=area, name=f"Netz {number}"), person=ayse
            )
            note = ContactNote.objects.create(
                area=area, date="2026-11-01", staff=role_users["gwa"], channel="email", topic=f"T {number}"
            )
            note.persons.add(ayse)
            note.organisations.add(organisation)
            Concern.objects.create(area=area, text=f"Anliegen {number}", raised_on="2026-11-01", raised_by_person=ayse)
            person_update(person=ayse, data={"phone": f"030 {number}"}, by=role_users["gwa"])

    assert_constant_queries(lambda: client.get(url(area, ayse, suffix)), grow)  # type: ignore[operator]


# --- erasure -----------------------------------------------------------------------------------------------


def test_erase_page_says_what_happens_and_changes_nothing(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(url(area, ayse, "loeschen/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirm"' in html and 'type="checkbox"' in html
    assert "Gelöschte Person" in html  # what the person will be called
    ayse.refresh_from_db()
    assert ayse.erased_at is None


@pytest.mark.parametrize("data", [{}, {"confirm": ""}])
def test_erase_without_confirmation_is_refused_and_changes_nothing(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, data: dict[str, str]
) -> None:
    entries_before = LogEntry.objects.count()
    client.force_login(role_users["gwa"])
    response = client.post(url(area, ayse, "loeschen/"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_confirm_error"' in html and 'class="error-summary"' in html
    ayse.refresh_from_db()
    assert ayse.erased_at is None and ayse.last_name == "Demir" and ayse.email == "ayse.demir@example.org"
    assert ayse.affiliation_set.count() == 1 and ayse.network_memberships.count() == 1
    assert LogEntry.objects.count() == entries_before


@pytest.mark.parametrize("role", ["steuerung", "planung", "gwa"])
def test_erase_anonymises_and_keeps_the_counts(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, role: str
) -> None:
    client.force_login(role_users[role])
    response = client.post(url(area, ayse, "loeschen/"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/gebiet/{area.slug}/personen/"
    person = Person.objects.get(pk=ayse.pk)
    assert person.erased_at is not None
    assert (person.first_name, person.last_name, str(person)) == ("", "Gelöschte Person", "Gelöschte Person")
    assert (person.email, person.phone, person.address, person.languages, person.key_person_note) == ("",) * 5
    assert person.legal_basis == "none"
    assert (person.consent_date, person.consent_scope, person.consent_how, person.interest_reason) == (
        None,
        "",
        "",
        "",
    )
    assert not Affiliation.objects.filter(person=person).exists()
    assert not NetworkMembership.objects.filter(person=person).exists()
    assert ContactNote.objects.filter(persons=person).count() == 1  # the contact still counts
    assert Concern.objects.filter(raised_by_person=person).count() == 1
    assert Organisation.objects.filter(name="Kita Sonnenschein").exists()


def test_erasure_is_recorded_and_the_audit_trail_keeps_no_personal_data(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    entries = LogEntry.objects.get_for_object(ayse)
    assert any("Demir" in json.dumps(entry.changes, ensure_ascii=False) for entry in entries)  # before
    client.force_login(role_users["gwa"])
    client.post(url(area, ayse, "loeschen/"), {"confirm": "on"})
    entries = list(LogEntry.objects.get_for_object(ayse).order_by("timestamp", "pk"))
    assert len(entries) == 3  # created, changed, erased: nothing else (the anonymising save is not logged)
    erasure = entries[-1]
    assert erasure.actor == role_users["gwa"]
    assert erasure.additional_data == {"quartier_id": area.pk, "transition": "erase"}
    assert erasure.changes_dict == {"status": ["active", "erased"]}
    assert [entry.object_repr for entry in entries] == ["Gelöschte Person"] * 3
    assert entries[1].changes_dict == {"email": [None, None]}  # the change is still there, its values are not
    assert "last_name" in entries[0].changes_dict and "is_resident" in entries[0].changes_dict
    everything = json.dumps(
        [
            [entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data, entry.additional_data]
            for entry in LogEntry.objects.all()
        ],
        ensure_ascii=False,
    )
    for value in PERSONAL:
        assert value not in everything, value


def test_erase_scrubs_serialized_data_too(area: Quartier, role_users: dict[str, User]) -> None:
    person = Person.objects.create(area=area, first_name="Jonas", last_name="Müller", email="jm@example.org")
    entry = LogEntry.objects.get_for_object(person).get()
    entry.serialized_data = {
        "model": "actors.person",
        "pk": person.pk,
        "fields": {"last_name": "Müller", "is_resident": False},
    }
    entry.changes_text = "last_name: Müller"
    entry.save()
    person_erase(person=person, by=role_users["gwa"])
    entry.refresh_from_db()
    assert entry.serialized_data["fields"] == {"last_name": None, "is_resident": False}
    assert entry.changes_text == "" and "Müller" not in json.dumps(entry.changes, ensure_ascii=False)


def test_erased_person_leaves_lists_exports_and_pages(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    person_erase(person=ayse, by=role_users["gwa"])
    client.force_login(role_users["steuerung"])
    base = f"/gebiet/{area.slug}/personen/"
    assert "Gelöschte" not in client.get(base).content.decode()
    for export in ("csv", "xlsx", "vcf"):
        assert b"Gel\xc3\xb6schte" not in client.get(f"{base}?export={export}").content
    assert "Gelöschte" not in client.get(f"{base}pruefen/").content.decode()
    for suffix in ("", "bearbeiten/", "daten/", "daten/?format=json", "loeschen/"):
        response = client.get(url(area, ayse, suffix))
        assert response.status_code == 410, suffix
        assert "Vertraulicher" not in response.content.decode()


def test_erasing_twice_is_refused(client: Client, area: Quartier, role_users: dict[str, User], ayse: Person) -> None:
    erased = person_erase(person=ayse, by=role_users["gwa"])
    erased_at = erased.erased_at
    with pytest.raises(ValidationError):
        person_erase(person=ayse, by=role_users["gwa"])
    client.force_login(role_users["gwa"])
    assert client.post(url(area, ayse, "loeschen/"), {"confirm": "on"}).status_code == 410
    assert Person.objects.get(pk=ayse.pk).erased_at == erased_at
    assert LogEntry.objects.filter(additional_data__transition="erase").count() == 1


def test_coordinator_cannot_erase(client: Client, area: Quartier, role_users: dict[str, User], ayse: Person) -> None:
    client.force_login(role_users["koordination"])
    assert client.post(url(area, ayse, "loeschen/"), {"confirm": "on"}).status_code == 403
    assert Person.objects.get(pk=ayse.pk).erased_at is None


# --- review list -------------------------------------------------------------------------------------------------


def _age(person: Person, *, days: int) -> None:
    """Pretend the person's record was last changed ``days`` ago (auto_now cannot be set by saving)."""
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def _note(area: Quartier, person: Person, staff: User, date: datetime.date) -> None:
    note = ContactNote.objects.create(area=area, date=date, staff=staff, channel="email", topic="Kontakt")
    note.persons.add(person)


@pytest.fixture
def review(area: Quartier, other_area: Quartier, role_users: dict[str, User]) -> dict[str, Person]:
    staff = role_users["gwa"]
    today = timezone.localdate()
    consent = {"legal_basis": "consent", "consent_date": datetime.date(2020, 1, 1)}
    people = {
        "fresh_without_basis": Person.objects.create(area=area, last_name="Ohne Grundlage"),
        "fresh_with_basis": Person.objects.create(area=area, last_name="Aktuell", **consent),
        "old_no_contact": Person.objects.create(area=area, last_name="Alt ohne Kontakt", **consent),
        "old_old_contact": Person.objects.create(area=area, last_name="Alt mit altem Kontakt", **consent),
        "old_recent_contact": Person.objects.create(area=area, last_name="Alt mit neuem Kontakt", **consent),
        "erased": Person.objects.create(area=area, last_name="Gelöschte Person", erased_at=timezone.now()),
        "foreign": Person.objects.create(area=other_area, last_name="Fremd"),
    }
    for key in ("old_no_contact", "old_old_contact", "old_recent_contact", "erased"):
        _age(people[key], days=4 * 365)
    _note(area, people["old_old_contact"], staff, today - datetime.timedelta(days=4 * 365))
    _note(area, people["old_recent_contact"], staff, today - datetime.timedelta(days=30))
    _note(area, people["old_recent_contact"], staff, today - datetime.timedelta(days=5 * 365))
    return people


def review_names(response: object) -> list[str]:
    return [person.last_name for person in response.context["page"].object_list]  # type: ignore[attr-defined]


def test_review_lists_persons_without_basis_or_untouched_for_years(
    client: Client, area: Quartier, role_users: dict[str, User], review: dict[str, Person]
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(f"/gebiet/{area.slug}/personen/pruefen/")
    assert response.status_code == 200
    assert review_names(response) == ["Alt mit altem Kontakt", "Alt ohne Kontakt", "Ohne Grundlage"]
    html = response.content.decode()
    pk = review["old_no_contact"].pk
    for suffix in ("", "daten/", "loeschen/"):
        assert f'href="/gebiet/{area.slug}/personen/{pk}/{suffix}"' in html or suffix == ""
    assert f'href="/gebiet/{area.slug}/personen/{pk}/"' in html


def test_review_years_come_from_the_setting(
    client: Client, area: Quartier, role_users: dict[str, User], review: dict[str, Person], settings: object
) -> None:
    settings.GDPR_REVIEW_YEARS = 5  # type: ignore[attr-defined]
    client.force_login(role_users["gwa"])
    assert review_names(client.get(f"/gebiet/{area.slug}/personen/pruefen/")) == ["Ohne Grundlage"]
    settings.GDPR_REVIEW_YEARS = 3  # type: ignore[attr-defined]
    assert "Alt ohne Kontakt" in review_names(client.get(f"/gebiet/{area.slug}/personen/pruefen/"))


def test_review_list_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    review: dict[str, Person],
    assert_constant_queries: object,
) -> None:
    client.force_login(role_users["steuerung"])

    def grow() -> None:
        for number in range(20):
            person = Person.objects.create(area=area, last_name=f"Ohne {number}")
            _age(person, days=4 * 365)
            _note(area, person, role_users["gwa"], datetime.date(2019, 1, 1))

    assert_constant_queries(lambda: client.get(f"/gebiet/{area.slug}/personen/pruefen/"), grow)  # type: ignore[operator]


# --- everything the registry knows: committees, funds, the account ------------------------------------------

#: What the account and the person's other records hold; none of it may be left anywhere after the erasure.
ACCOUNT_NAME = "ayse.konto"
EVERYWHERE = (*PERSONAL, "ayse.demir@example.org", ACCOUNT_NAME, "192.0.2.7")


@pytest.fixture
def everything(
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    jury: Committee,
    aktionsfonds: Fund,
    staff: dict[str, User],
    now: datetime.datetime,
) -> dict[str, object]:
    """Ayşe with a row in every model of the personal-data registry that she can have one in (all her
    applications finished, so she can be erased), and a juror beside her whose data must never show."""
    today = timezone.localdate(now)
    kita = Organisation.objects.get(area=area, name="Kita Sonnenschein")
    group = Organisation.objects.create(  # as the public form makes it: with the applicant's own address
        area=area, name="Hofinitiative", kind="initiative", email="ayse.demir@example.org", phone="030 1234"
    )
    Affiliation.objects.create(person=ayse, organisation=group, function="Kontakt für einen Antrag")
    account = UserFactory(username=ACCOUNT_NAME, email="ayse.demir@example.org", display_name="Ayşe Demir")
    membership = Membership.objects.create(
        committee=jury, person=ayse, user=account, member_type="bewohner", start=datetime.date(2025, 1, 1)
    )
    council = Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)
    future = Membership.objects.create(
        committee=council, person=ayse, member_type="bewohner", start=today + datetime.timedelta(days=30)
    )
    # A name no made-up staff name contains (the staff's names are Faker's: "Hans-Bernd" once matched "Bernd").
    bernd = Person.objects.create(area=area, first_name="Bernd", last_name="Zwiebelhuber", is_resident=True)
    bernds = Membership.objects.create(committee=jury, person=bernd, user=UserFactory(), member_type="bewohner")

    own = make_application(aktionsfonds, person=ayse, title="Hoffest von Ayşe Demir")
    queue_mail(
        to="ayse.demir@example.org",
        subject="Ihr Antrag „Hoffest von Ayşe Demir“ ist eingegangen",
        body="Guten Tag Ayşe Demir, …",
        kind="fonds.submitted",
        about=own,
    )
    Application.objects.filter(pk=own.pk).update(
        status=Status.CLOSED,
        description="Ayşe Demir lädt in die Uferstraße 3 ein.",
        place="Hof Uferstraße 3",
        proof_report="Bericht von Ayşe, Tel. 030 1234",
        approved_amount=Decimal("750.00"),
        settled_amount=Decimal("690.00"),
    )
    own.cost_lines.filter(position=1).update(description="Honorar Ayşe Demir")
    contact = make_application(aktionsfonds, person=ayse, organisation=kita, title="Laternenumzug")
    Application.objects.filter(pk=contact.pk).update(status=Status.REJECTED, reason="Begründung")
    EligibilityCheck.objects.create(
        application=own, criterion=aktionsfonds.criteria.first(), met=True, note="Frau Demir wohnt im Gebiet"
    )
    StatusChange.objects.create(
        application=own, from_status="eingereicht", to_status="in_pruefung", at=now, note="Rückfrage an Ayşe Demir"
    )
    Payment.objects.create(
        application=own,
        amount=Decimal("750.00"),
        paid_on=datetime.date(2026, 5, 4),
        method="ueberweisung",
        recorded_by=staff["gwa"],
        recorded_at=now,
        released_by=staff["steuerung"],
        released_at=now,
    )
    receipt = Receipt.objects.create(
        application=own, date=datetime.date(2026, 5, 20), vendor="Ayşe Demir (Eigenbeleg)", amount=Decimal("690.00"),
        decision="nicht_anerkannt", decision_reason="Eigenbeleg von Ayşe Demir ohne Unterschrift",
        decided_by=staff["gwa"], decided_at=now,
    )  # fmt: skip
    Repayment.objects.create(
        application=own, amount=Decimal("60.00"), received_on=datetime.date(2026, 6, 1), recorded_by=staff["gwa"],
        recorded_at=now,
    )  # fmt: skip
    own.attachments.create(
        file=ContentFile(b"%PDF-1.4 Angebot", name="a.pdf"), name="Angebot Demir.pdf", content_type="application/pdf",
        size=16,
    )  # fmt: skip
    own.attachments.create(
        file=ContentFile(b"%PDF-1.4 Beleg", name="b.pdf"), name="Beleg.pdf", content_type="application/pdf", size=14,
        kind=Attachment.Kind.RECEIPT, receipt=receipt,
    )  # fmt: skip
    photo = own.attachments.create(
        file=ContentFile(b"\xff\xd8\xff photo", name="c.jpg"), name="Fest bei Ayşe.jpg", content_type="image/jpeg",
        size=9, kind=Attachment.Kind.PHOTO,
    )  # fmt: skip
    AccessLink.objects.create(
        application=own, token_hash="a" * 64, email="ayse.demir@example.org", expires_at=now + datetime.timedelta(1)
    )

    application_type = ContentType.objects.get_for_model(Application)
    meeting = Meeting.objects.create(
        committee=jury, starts_at=now - datetime.timedelta(days=30), place="Stadtteilbüro", status="durchgefuehrt"
    )
    Attendance.objects.create(meeting=meeting, membership=membership, status="anwesend")
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Hoffest von Ayşe Demir",
        minutes="Frau Demir stellt das Hoffest vor.",
        decision="Angenommen.",
        result="angenommen",
        content_type=application_type,
        object_id=own.pk,
    )
    other_item = AgendaItem.objects.create(
        meeting=meeting, position=2, title="Verschiedenes", minutes="Ayşe Demir berichtet vom Spielplatz."
    )
    named = Ballot.objects.create(
        committee=jury, title="Umlauf Mai", deadline=now - datetime.timedelta(days=1), status="geschlossen"
    )
    item = BallotItem.objects.create(
        ballot=named, position=1, title="Hoffest Ayşe Demir", content_type=application_type, object_id=own.pk
    )
    Vote.objects.create(item=item, membership=membership, choice="ja")
    Vote.objects.create(item=item, membership=bernds, choice="enthaltung")
    Participation.objects.create(item=item, membership=membership, kind="voted")
    ConflictFlag.objects.create(
        item=item, membership=membership, reason="Sie sind mit Kita Sonnenschein verbunden.", status="dismissed"
    )
    secret = Ballot.objects.create(
        committee=jury,
        title="Geheime Wahl",
        deadline=now - datetime.timedelta(days=2),
        status="geschlossen",
        secret=True,
    )
    secret_item = BallotItem.objects.create(ballot=secret, position=1, title="Sprecherin")
    SecretVote.objects.create(item=secret_item, choice="nein")
    Participation.objects.create(item=secret_item, membership=membership, kind="voted")
    CalendarLink.objects.create(committee=jury, user=account, membership=membership, token_hash="c" * 64)
    MailChoices.objects.create(user=account, ballot_closed=False, digest=True)
    DigestEntry.objects.create(
        user=account,
        to="ayse.demir@example.org",
        kind="committees.ballot_opened",
        subject="Neue Abstimmung: „Umlauf“",
        body="Guten Tag Ayşe Demir,",
    )

    # Ayşe organises the neighbourhood's Hoffest as an event of the office, and its monthly Hofcafé.
    EventFactory(area=area, title="Hoffest", public=False).persons.add(ayse)
    Series.objects.create(
        area=area, title="Hofcafé", frequency="monthly", first_day=datetime.date(2026, 1, 5),
        last_day=datetime.date(2026, 6, 5), start_time=datetime.time(15), end_time=datetime.time(17),
    ).persons.add(ayse)  # fmt: skip
    # Her initiative was invited to a self-evaluation at her address.
    from activation.models import Invitation, Survey
    from actors.models import Network

    evaluation = Survey.objects.create(
        area=area, title="Selbstevaluation", audience="netzwerk", network=Network.objects.create(area=area, name="AG")
    )
    kita = Organisation.objects.get(name="Kita Sonnenschein")
    Invitation.objects.create(survey=evaluation, organisation=kita, sent_to="Ayse.Demir@example.org", sent_at=now)

    assign_perm("committees.vote", account, jury)
    TOTPDevice.objects.create(user=account, name="Telefon", confirmed=True)
    recovery = StaticDevice.objects.create(user=account, name="Wiederherstellung", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")
    logged_in = Client()
    logged_in.force_login(account)
    login = {"ip_address": "192.0.2.7", "user_agent": "Firefox", "http_accept": "*/*", "path_info": "/konto/"}
    AccessAttempt.objects.create(username="Ayse.Konto", get_data="", post_data="", failures_since_start=1, **login)
    AccessFailureLog.objects.create(username="AYSE.DEMIR@example.org", **login)
    AccessLog.objects.create(username=ACCOUNT_NAME, **login)
    AdminLogEntry.objects.create(
        user=UserFactory(is_superuser=True, is_staff=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(account.pk),
        object_repr=str(account),
        action_flag=CHANGE,
        change_message="[]",
    )
    return {
        "account": account,
        "membership": membership,
        "future": future,
        "bernds": bernds,
        "own": own,
        "contact": contact,
        "photo": photo,
        "other_item": other_item,
        "logged_in": logged_in,
    }


def test_access_export_holds_every_kind_of_data_the_registry_knows(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    from quartier.personal_data import Subject, registrations

    # A role on a voting account: refused by the services today, but such rows may stem from before the rule.
    RoleAssignment.objects.create(user=everything["account"], area=area, role=Role.KOORDINATION)
    client.force_login(role_users["steuerung"])
    data = json.loads(client.get(url(area, ayse, "daten/?format=json")).content)
    subject = Subject(person=ayse, area=area)
    exported = [registration for registration in registrations() if registration.export is not None]
    assert len(exported) >= 25
    for registration in exported:
        key = registration.section(subject).key  # type: ignore[union-attr]
        assert data.get(key), (
            f"{registration.model}: “{key}” is missing or empty in the export; give Ayşe a row of it in the "
            "`everything` fixture of tests/actors/test_gdpr.py"
        )
    assert len({registration.section(subject).key for registration in exported}) == len(exported)  # type: ignore[union-attr]


def test_access_export_holds_committee_work_applications_and_account(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(url(area, ayse, "daten/?format=json"))
    data = json.loads(response.content)
    [membership, future] = sorted(data["committee_memberships"], key=lambda row: row["committee"])
    assert membership["committee"] == "Aktionsfondsjury Kiez am Kanal" and membership["start"] == "2025-01-01"
    assert membership["end"] is None and membership["account"] == ACCOUNT_NAME and membership["voting"] is True
    assert future["committee"] == "Quartiersrat"
    assert [row["status"] for row in data["attendances"]] == ["anwesend"]
    assert data["votes"] == [
        {
            "committee": "Aktionsfondsjury Kiez am Kanal",
            "ballot": "Umlauf Mai",
            "item": "Hoffest Ayşe Demir",
            "choice": "Ja",
            "cast_at": data["votes"][0]["cast_at"],
        }
    ]
    secret = [row for row in data["ballot_participations"] if row["secret"]]
    assert secret == [
        {
            "committee": "Aktionsfondsjury Kiez am Kanal",
            "ballot": "Geheime Wahl",
            "secret": True,
            "item": "Sprecherin",
            "kind": "abgestimmt",
        }
    ]  # that she took part, never how
    assert data["conflict_declarations"][0]["reason"] == "Sie sind mit Kita Sonnenschein verbunden."
    applications = {row["title"]: row for row in data["applications"]}
    assert applications["Hoffest von Ayşe Demir"]["status"] == "geprüft und abgeschlossen"
    assert applications["Hoffest von Ayşe Demir"]["approved_amount"] == "750.00"
    assert applications["Hoffest von Ayşe Demir"]["role"] == "Antragsteller*in"
    assert applications["Laternenumzug"]["role"] == "Ansprechperson von Kita Sonnenschein"
    assert [row["amount"] for row in data["application_payments"]] == ["750.00"]
    assert [row["vendor"] for row in data["application_receipts"]] == ["Ayşe Demir (Eigenbeleg)"]
    assert data["access_links"][0]["email"] == "ayse.demir@example.org"
    assert "token_hash" not in data["access_links"][0] and "a" * 64 not in response.content.decode()
    [account] = data["accounts"]
    assert (account["username"], account["email"], account["is_active"]) == (
        ACCOUNT_NAME,
        "ayse.demir@example.org",
        True,
    )
    assert "last_login" in account and data["roles"] == []
    assert [row["object"] for row in data["object_permissions"]] == ["Aktionsfondsjury Kiez am Kanal"]
    assert data["authenticator_apps"] == [{"name": "Telefon", "confirmed": True}]
    assert len(data["sessions"]) == 1
    assert {row["ip_address"] for row in data["login_failures"] + data["logins"]} == {"192.0.2.7"}
    assert {entry["record"].split(":")[0] for entry in data["audit_entries"]} >= {
        "Person",
        "Mitgliedschaft",
        "Benutzer*in",
        "Antrag",
    }


def test_access_export_shows_no_other_persons_data(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    client.force_login(role_users["steuerung"])
    for suffix in ("daten/", "daten/?format=json"):
        content = client.get(url(area, ayse, suffix)).content.decode()
        assert "Zwiebelhuber" not in content, suffix
        assert "Enthaltung" not in content  # Bernd's vote
        assert "Nein" not in content  # the secret vote
        assert "abcd2345" not in content  # a recovery code


def test_data_page_lists_every_kind_and_what_the_role_hides(
    client: Client, area: Quartier, ayse: Person, everything: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = user_with_permissions(area, {"view_area", "view_persons"}, monkeypatch, username="nur-personen")
    client.force_login(reader)
    html = client.get(url(area, ayse, "daten/")).content.decode()
    assert "Ihre Rolle zeigt nicht:" in html and "Förderanträge" in html and "Ausschussmitgliedschaften" in html
    assert "Hoffest" not in html and "Umlauf Mai" not in html
    data = json.loads(client.get(url(area, ayse, "daten/?format=json")).content)
    assert data["applications"] is None and data["votes"] is None and data["accounts"]


# --- erasure of everything ------------------------------------------------------------------------------------


def everything_stored() -> str:
    """Every row of every table, as text."""
    return "\n".join(
        serializers.serialize("json", model._default_manager.all(), ensure_ascii=False) for model in apps.get_models()
    )


def test_erasure_leaves_no_personal_value_in_any_table(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    everything: dict[str, object],
    django_capture_on_commit_callbacks: object,
) -> None:
    before = everything_stored().casefold()
    assert all(value.casefold() in before for value in EVERYWHERE)
    client.force_login(role_users["gwa"])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(url(area, ayse, "loeschen/"), {"confirm": "on"})
    assert response.status_code == 302
    after = everything_stored().casefold()
    left = [value for value in EVERYWHERE if value.casefold() in after]
    assert not left, left
    assert "zwiebelhuber" in after  # the other juror is untouched


def test_erasure_switches_the_voting_account_off(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    account: User = everything["account"]  # type: ignore[assignment]
    logged_in: Client = everything["logged_in"]  # type: ignore[assignment]
    assert logged_in.get("/abstimmungen/")["Location"].startswith("/konto/anmelden/code/")  # asks for the 2nd factor
    person_erase(person=ayse, by=role_users["gwa"])
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert (account.username, account.email, account.display_name) == (
        f"geloescht-{account.pk}",
        "",
        "Gelöschte Person",
    )
    assert not Session.objects.exists()  # the staff's test client has not logged in yet
    assert logged_in.get("/abstimmungen/")["Location"].startswith("/konto/anmelden/?")  # the session ended
    assert not UserObjectPermission.objects.filter(user=account).exists()
    assert not TOTPDevice.objects.filter(user=account).exists() and not StaticDevice.objects.exists()
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not Client().login(username=ACCOUNT_NAME, password=PASSWORD)
    assert AdminLogEntry.objects.get().object_repr == "Gelöschte Person"
    erased = LogEntry.objects.get_for_object(account).get(additional_data__transition="erase")
    assert erased.actor == role_users["gwa"] and erased.object_repr == "Gelöschte Person"
    group = Organisation.objects.get(name="Hofinitiative")
    assert (group.email, group.phone) == ("", "")


def test_erasure_ends_memberships_today_and_keeps_votes_and_attendance(
    area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    person_erase(person=ayse, by=role_users["gwa"])
    membership: Membership = everything["membership"]  # type: ignore[assignment]
    membership.refresh_from_db()
    assert membership.end == timezone.localdate() and membership.person_id == ayse.pk
    assert not Membership.objects.filter(pk=everything["future"].pk).exists()  # type: ignore[attr-defined]
    assert Vote.objects.get(membership=membership).choice == "ja"
    assert Attendance.objects.filter(membership=membership, status="anwesend").count() == 1
    assert Participation.objects.filter(membership=membership).count() == 2
    assert (
        str(Vote.objects.get(membership=membership).membership) == "Gelöschte Person · Aktionsfondsjury Kiez am Kanal"
    )
    everything["other_item"].refresh_from_db()  # type: ignore[attr-defined]
    assert everything["other_item"].minutes == "Gelöschte Person berichtet vom Spielplatz."  # type: ignore[attr-defined]
    assert Membership.objects.get(pk=everything["bernds"].pk).end is None  # type: ignore[attr-defined]
    ended = LogEntry.objects.get(additional_data__transition="end_on_erasure")
    assert ended.actor == role_users["gwa"] and ended.changes_dict["end"][1] == str(timezone.localdate())


def test_erasure_keeps_the_financial_records_and_anonymises_the_applications(
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    everything: dict[str, object],
    django_capture_on_commit_callbacks: object,
) -> None:
    photo: Attachment = everything["photo"]  # type: ignore[assignment]
    photo_path = photo.file.path
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        person_erase(person=ayse, by=role_users["gwa"])
    own = Application.objects.get(pk=everything["own"].pk)  # type: ignore[attr-defined]
    assert own.person_id == ayse.pk and own.status == Status.CLOSED
    assert (own.approved_amount, own.settled_amount, own.total_costs) == (
        Decimal("750.00"),
        Decimal("690.00"),
        Decimal("750.00"),
    )
    assert own.title == "Hoffest von Gelöschte Person"
    assert own.description == "Gelöschte Person lädt in die [gelöscht] ein."
    assert own.proof_report == "Bericht von Gelöschte Person, Tel. [gelöscht]"
    assert [line.description for line in own.cost_lines.all()] == ["Honorar Gelöschte Person", "Posten 2"]
    assert Payment.objects.get(application=own).amount == Decimal("750.00")
    assert Receipt.objects.get(application=own).vendor == "Gelöschte Person (Eigenbeleg)"
    assert sorted(own.attachments.values_list("name", "kind")) == [
        ("Angebot Gelöschte Person.pdf", "dokument"),
        ("Beleg.pdf", "beleg"),
    ]
    assert all(attachment.file.storage.exists(attachment.file.name) for attachment in own.attachments.all())
    assert not os.path.exists(photo_path)
    link = AccessLink.objects.get(application=own)
    assert link.revoked_at is not None and link.email == ""
    assert Application.objects.get(pk=everything["contact"].pk).organisation.name == "Kita Sonnenschein"  # type: ignore[attr-defined,union-attr]


def test_erasure_is_refused_while_an_application_is_running(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    Application.objects.filter(pk=everything["contact"].pk).update(status=Status.PAID)  # type: ignore[attr-defined]
    client.force_login(role_users["gwa"])
    page = client.get(url(area, ayse, "loeschen/")).content.decode()
    assert "Laternenumzug" in page and "ausgezahlt" in page
    response = client.post(url(area, ayse, "loeschen/"), {"confirm": "on"})
    assert response.status_code == 200 and "Ziehen Sie ihn zurück" in response.content.decode()
    assert_nothing_erased(ayse, everything)


def test_erasure_is_refused_while_the_account_holds_a_staff_role(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    # Refused by role_grant today (a voting account never gets a staff role); rows from before the rule remain.
    RoleAssignment.objects.create(user=everything["account"], area=area, role=Role.PLANUNG)
    with pytest.raises(ValidationError, match="Rolle"):
        person_erase(person=ayse, by=role_users["gwa"])
    assert_nothing_erased(ayse, everything)


def test_erasure_is_refused_while_the_account_is_bound_to_another_members_seat(
    area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    Membership.objects.filter(pk=everything["bernds"].pk).update(user=everything["account"])  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="Mitgliedschaft"):
        person_erase(person=ayse, by=role_users["gwa"])
    assert_nothing_erased(ayse, everything)


def test_erasure_is_all_or_nothing(
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    everything: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last step fails: everything before it is undone."""
    from quartier import personal_data

    [audit] = personal_data.registrations_of("auditlog.LogEntry")

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setitem(personal_data._registry, "auditlog.LogEntry", [replace(audit, erase=fail)])
    with pytest.raises(RuntimeError):
        person_erase(person=ayse, by=role_users["gwa"])
    assert_nothing_erased(ayse, everything)


def sessions_of(user: User) -> list[Session]:
    return [session for session in Session.objects.all() if session.get_decoded().get("_auth_user_id") == str(user.pk)]


def assert_nothing_erased(ayse: Person, everything: dict[str, object]) -> None:
    person = Person.objects.get(pk=ayse.pk)
    assert person.erased_at is None and person.last_name == "Demir"
    account = User.objects.get(pk=everything["account"].pk)  # type: ignore[attr-defined]
    assert account.is_active and account.username == ACCOUNT_NAME and account.has_usable_password()
    assert Membership.objects.get(pk=everything["membership"].pk).end is None  # type: ignore[attr-defined]
    assert Membership.objects.filter(pk=everything["future"].pk).exists()  # type: ignore[attr-defined]
    assert Application.objects.get(pk=everything["own"].pk).title == "Hoffest von Ayşe Demir"  # type: ignore[attr-defined]
    assert AccessLink.objects.get().revoked_at is None
    assert len(sessions_of(account)) == 1 and TOTPDevice.objects.count() == 1
    assert not LogEntry.objects.filter(additional_data__transition="erase").exists()


def test_erase_page_says_what_is_kept_and_why(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    client.force_login(role_users["planung"])
    html = client.get(url(area, ayse, "loeschen/")).content.decode()
    assert "§ 147 AO" in html  # why the applications and payments stay
    assert "Ausschussmitgliedschaften" in html and "endet heute" in html.lower()
    assert "Benannte Stimmen" in html and "Gelöschte Person" in html
    assert 'class="error-summary"' not in html  # nothing stands in the way


@pytest.mark.parametrize("suffix", ["daten/", "daten/?format=json", "loeschen/"])
def test_another_area_and_anonymous_visitors_get_nothing(
    client: Client, area: Quartier, outsider: User, ayse: Person, everything: dict[str, object], suffix: str
) -> None:
    response = client.get(url(area, ayse, suffix))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    client.force_login(outsider)
    assert client.get(url(area, ayse, suffix)).status_code == 404
    assert client.post(url(area, ayse, "loeschen/"), {"confirm": "on"}).status_code == 404
    client.logout()
    assert client.post(url(area, ayse, "loeschen/"), {"confirm": "on"}).status_code == 302
    assert_nothing_erased(ayse, everything)


def test_coordination_sees_no_persons_data(
    client: Client, area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object]
) -> None:
    client.force_login(role_users["koordination"])
    for suffix in ("daten/", "daten/?format=json", "loeschen/"):
        assert client.get(url(area, ayse, suffix)).status_code == 403, suffix
    assert client.post(url(area, ayse, "loeschen/"), {"confirm": "on"}).status_code == 403
    assert_nothing_erased(ayse, everything)


@pytest.mark.parametrize("suffix", ["daten/", "daten/?format=json"])
def test_data_page_with_everything_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    everything: dict[str, object],
    jury: Committee,
    aktionsfonds: Fund,
    staff: dict[str, User],
    suffix: str,
    assert_constant_queries: object,
    now: datetime.datetime,
) -> None:
    client.force_login(role_users["steuerung"])
    membership: Membership = everything["membership"]  # type: ignore[assignment]
    account: User = everything["account"]  # type: ignore[assignment]

    def grow() -> None:
        for number in range(3):
            council = Committee.objects.create(area=area, name=f"Rat {number}", kind=Committee.Kind.OTHER)
            seat = Membership.objects.create(committee=council, person=ayse, member_type="bewohner", user=account)
            assign_perm("committees.vote", account, council)
            meeting = Meeting.objects.create(committee=council, starts_at=now)
            Attendance.objects.create(meeting=meeting, membership=seat, status="entschuldigt")
            application = make_application(aktionsfonds, person=ayse, title=f"Projekt {number}")
            AgendaItem.objects.create(meeting=meeting, position=1, title="Antrag", subject=application)
            ballot = Ballot.objects.create(committee=jury, title=f"Umlauf {number}", deadline=now)
            item = BallotItem.objects.create(ballot=ballot, position=1, title="Antrag", subject=application)
            Vote.objects.create(item=item, membership=membership, choice="nein")
            Participation.objects.create(item=item, membership=membership, kind="voted")
            ConflictFlag.objects.create(item=item, membership=membership, reason="Nachbarin")
            EligibilityCheck.objects.create(application=application, criterion=aktionsfonds.criteria.first(), met=True)
            StatusChange.objects.create(application=application, from_status="", to_status="entwurf", at=now)
            Payment.objects.create(
                application=application, amount=Decimal("1.00"), paid_on=now.date(), method="bar",
                recorded_by=staff["gwa"], recorded_at=now,
            )  # fmt: skip
            Receipt.objects.create(application=application, date=now.date(), vendor="Baumarkt", amount=Decimal("1"))
            application.attachments.create(
                file=ContentFile(b"%PDF", name="x.pdf"), name="x.pdf", content_type="application/pdf", size=4
            )
            AccessLink.objects.create(
                application=application, token_hash=f"{number}" * 64, email="a@example.org", expires_at=now
            )
            AccessLog.objects.create(
                username=ACCOUNT_NAME, ip_address="192.0.2.8", user_agent="x", http_accept="*/*", path_info="/"
            )
            Client().force_login(account)

    assert_constant_queries(lambda: client.get(url(area, ayse, suffix)), grow)  # type: ignore[operator]


def test_nothing_new_is_ever_linked_to_an_erased_person(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    jury: Committee,
    aktionsfonds: Fund,
) -> None:
    """Erasure is final: no network, committee or application takes the erased record again, whatever the
    form offers or a forged id says."""
    from actors.selectors.networks import member_choices
    from actors.services.networks import MemberRow, network_create
    from committees.services.committees import membership_create
    from fonds.services.public import applicant_review

    gwa = role_users["gwa"]
    person_erase(person=ayse, by=gwa)
    erased = Person.objects.get(pk=ayse.pk)
    with pytest.raises(ValidationError, match="gelöscht"):
        network_create(area=area, data={"name": "Neu"}, members=[MemberRow(person=erased)], by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        membership_create(committee=jury, data={"person": erased, "member_type": "bewohner"}, by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        make_application(aktionsfonds, person=erased)
    newcomer = Person.objects.create(area=area, last_name="Neu")
    application = make_application(aktionsfonds, person=newcomer)
    Application.objects.filter(pk=application.pk).update(applicant_to_review=True)
    with pytest.raises(ValidationError, match="gelöscht"):
        applicant_review(application=application, person=erased, organisation=None, by=gwa)
    assert erased.pk not in dict(member_choices(area)[1])
    assert not Network.objects.filter(name="Neu").exists() and not Membership.objects.filter(person=erased).exists()
    assert Application.objects.filter(person=erased).count() == 0


def test_erase_page_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    everything: dict[str, object],
    aktionsfonds: Fund,
    assert_constant_queries: object,
) -> None:
    client.force_login(role_users["gwa"])
    account: User = everything["account"]  # type: ignore[assignment]

    def grow() -> None:
        for number in range(3):
            council = Committee.objects.create(area=area, name=f"Rat {number}", kind=Committee.Kind.OTHER)
            Membership.objects.create(committee=council, person=ayse, member_type="bewohner", user=account)
            application = make_application(aktionsfonds, person=ayse, title=f"Projekt {number}")
            Application.objects.filter(pk=application.pk).update(status=Status.PAID)  # refused: still running
            Client().force_login(account)

    assert_constant_queries(lambda: client.get(url(area, ayse, "loeschen/")), grow)  # type: ignore[operator]


def test_nothing_is_linked_to_a_person_erased_while_the_form_was_open(
    area: Quartier, role_users: dict[str, User], ayse: Person, jury: Committee, aktionsfonds: Fund
) -> None:
    """The form loaded the person before the erasure was committed: the services ask the database (and wait
    for an erasure that is running), not the copy the form holds."""
    from actors.services.networks import MemberRow, network_create
    from committees.services.committees import membership_create
    from fonds.services.public import applicant_review

    gwa = role_users["gwa"]
    loaded = Person.objects.get(pk=ayse.pk)  # as the form found it
    person_erase(person=ayse, by=gwa)
    assert loaded.erased_at is None
    with pytest.raises(ValidationError, match="gelöscht"):
        network_create(area=area, data={"name": "Neu"}, members=[MemberRow(person=loaded)], by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        membership_create(committee=jury, data={"person": loaded, "member_type": "bewohner"}, by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        make_application(aktionsfonds, person=loaded)
    newcomer = Person.objects.create(area=area, last_name="Neu")
    application = make_application(aktionsfonds, person=newcomer)
    Application.objects.filter(pk=application.pk).update(applicant_to_review=True)
    with pytest.raises(ValidationError, match="gelöscht"):
        applicant_review(application=application, person=loaded, organisation=None, by=gwa)
    assert not Membership.objects.filter(person=ayse).exists() and not Network.objects.filter(name="Neu").exists()
    assert list(Application.objects.filter(person=ayse)) == []


def test_no_contact_note_or_concern_is_linked_to_an_erased_person(
    area: Quartier, role_users: dict[str, User], ayse: Person
) -> None:
    """The forms offer no erased person, and the services refuse one too (a forged id, or an erasure committed
    while the form was open)."""
    from actors.services.concerns import concern_create, concern_update
    from actors.services.contacts import contact_note_create, contact_note_update

    gwa = role_users["gwa"]
    loaded = Person.objects.get(pk=ayse.pk)
    other = Person.objects.create(area=area, last_name="Berger")
    note = contact_note_create(
        area=area, data={"date": datetime.date(2026, 3, 3), "channel": "telefon", "topic": "Hof"}, by=gwa
    )
    concern = concern_create(area=area, data={"text": "Laterne", "raised_on": datetime.date(2026, 3, 3)}, by=gwa)
    person_erase(person=ayse, by=gwa)
    note_data = {"date": datetime.date(2026, 3, 3), "channel": "telefon", "topic": "Hof", "persons": [loaded]}
    with pytest.raises(ValidationError, match="gelöscht"):
        contact_note_create(area=area, data=note_data, by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        contact_note_update(note=note, data={"persons": [other, loaded]}, by=gwa)
    concern_data = {"text": "Bank", "raised_on": datetime.date(2026, 3, 3), "raised_by_person": loaded}
    with pytest.raises(ValidationError, match="gelöscht"):
        concern_create(area=area, data=concern_data, by=gwa)
    with pytest.raises(ValidationError, match="gelöscht"):
        concern_update(concern=concern, data={"raised_by_person": loaded}, by=gwa)
    assert not note.persons.exists() and Concern.objects.filter(raised_by_person=ayse).count() == 1  # the old one
    # A note that named her before the erasure can still be corrected.
    earlier = ContactNote.objects.get(topic="Spielplatz")
    contact_note_update(note=earlier, data={"topic": "Spielplatz Ufer", "persons": [loaded, other]}, by=gwa)
    assert set(earlier.persons.all()) == {ayse, other}


def test_erasure_waits_for_the_open_ballots_of_the_persons_committees(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    jury: Committee,
    jurors: list[Membership],
    now: datetime.datetime,
) -> None:
    """The erasure ends the membership today: during an open ballot that would change who may vote (a majority
    of all members is counted on the members at the close) while the member's vote stays counted. Refused with
    the ballot and its deadline until it is closed; a member of another committee is erased at once."""
    from committees.services.ballots import ballot_close, ballot_open, vote_cast
    from tests.committees.fixtures import make_ballot

    gwa = role_users["gwa"]
    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=gwa, now=now)
    juror = jurors[0]
    vote_cast(item=ballot.items.get(), membership=juror, choice="ja", by=juror.user, now=now)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Umlauf November"):
        person_erase(person=juror.person, by=gwa)
    client.force_login(gwa)
    page = client.get(url(area, juror.person, "loeschen/")).content.decode()
    assert "offene Abstimmung „Umlauf November“" in page
    assert client.post(url(area, juror.person, "loeschen/"), {"confirm": "on"}).status_code == 200
    assert Person.objects.get(pk=juror.person.pk).erased_at is None
    assert Membership.objects.get(pk=juror.pk).end is None

    ballot_close(ballot=ballot, by=gwa, now=ballot.deadline)
    person_erase(person=juror.person, by=gwa)
    assert Person.objects.get(pk=juror.person.pk).erased_at is not None


def test_erasure_cuts_the_person_out_of_the_committees_records_but_leaves_other_peoples_names(
    area: Quartier,
    role_users: dict[str, User],
    ayse: Person,
    jury: Committee,
    aktionsfonds: Fund,
    now: datetime.datetime,
) -> None:
    """The minutes and items of the area's committees lose her full name and contact data wherever they are
    written out, also in items not linked to her application (the demo's "Antrag von …"); her son Emre Demir
    and another Ayşe keep theirs (only records about her lose her first or last name alone)."""
    emre = Person.objects.create(area=area, first_name="Emre", last_name="Demir")
    Membership.objects.create(committee=jury, person=ayse, member_type="bewohner", start=datetime.date(2025, 1, 1))
    Membership.objects.create(committee=jury, person=emre, member_type="bewohner")
    council = Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)
    make_application(aktionsfonds, person=ayse, title="Hoffest")
    Application.objects.filter(person=ayse).update(status=Status.WITHDRAWN)
    meeting = Meeting.objects.create(committee=jury, starts_at=now - datetime.timedelta(days=3), status="durchgefuehrt")
    minutes = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Bericht",
        minutes="Emre Demir berichtet; Ayşe Demir (ayse.demir@example.org) fragt nach; Ayşe Yılmaz stimmt zu.",
    )
    unlinked = AgendaItem.objects.create(
        meeting=meeting, position=2, title="Hoffest – 750 €", description="Antrag von Ayşe Demir, Uferstraße 3."
    )
    ballot = Ballot.objects.create(committee=jury, title="Umlauf", deadline=now - datetime.timedelta(days=1))
    item = BallotItem.objects.create(ballot=ballot, position=1, title="Fest", description="Antrag von Ayşe Demir.")
    elsewhere = Meeting.objects.create(committee=council, starts_at=now, status="durchgefuehrt")
    unrelated = AgendaItem.objects.create(meeting=elsewhere, position=1, title="Frau Ayşe Demir", minutes="-")

    person_erase(person=ayse, by=role_users["gwa"])
    minutes.refresh_from_db()
    assert minutes.minutes == "Emre Demir berichtet; Gelöschte Person ([gelöscht]) fragt nach; Ayşe Yılmaz stimmt zu."
    unlinked.refresh_from_db()
    assert unlinked.description == "Antrag von Gelöschte Person, [gelöscht]."
    item.refresh_from_db()
    assert item.description == "Antrag von Gelöschte Person."
    unrelated.refresh_from_db()
    assert unrelated.title == "Frau Gelöschte Person"  # a committee she has nothing to do with, too


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_erasure_is_refused_while_the_account_administers_the_site(
    area: Quartier, role_users: dict[str, User], ayse: Person, everything: dict[str, object], flags: dict[str, bool]
) -> None:
    """An administrator who also sits in a committee: their account is not switched off with the person."""
    User.objects.filter(pk=everything["account"].pk).update(**flags)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="verwaltet die Website"):
        person_erase(person=ayse, by=role_users["gwa"])
    assert_nothing_erased(ayse, everything)
