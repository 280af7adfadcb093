"""GDPR for persons: everything held (page and JSON), erasure with confirmation and a clean audit trail,
and the review list of persons without a legal basis or untouched for too long."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from actors.models import Affiliation, Concern, ContactNote, Network, NetworkMembership, Organisation, Person
from actors.services.persons import AffiliationRow, person_create, person_erase, person_update
from quartier.models import FieldOfAction, Quartier, User
from tests.factories import user_with_permissions

PERSONAL = ("Ayşe", "Demir", "ayse@example.org", "030 1234", "Uferstraße 3", "Türkisch", "Elternbeirat", "Flyer")


@pytest.fixture
def ayse(area: Quartier, role_users: dict[str, User]) -> Person:
    """A person made and changed through the services, so the audit trail holds their data."""
    kita = Organisation.objects.create(quartier=area, name="Kita Sonnenschein")
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
    network = Network.objects.create(quartier=area, name="Runder Tisch Kinder")
    NetworkMembership.objects.create(network=network, person=person)
    note = ContactNote.objects.create(
        quartier=area,
        date=datetime.date(2026, 3, 2),
        staff=role_users["gwa"],
        channel="telefon",
        topic="Spielplatz",
        text="Vertraulicher Vermerk",
    )
    note.persons.add(person)
    note.organisations.add(kita)
    Concern.objects.create(
        quartier=area,
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
    assert html.count('class="log__action"') == 2  # created, then the email changed
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
            organisation = Organisation.objects.create(quartier=area, name=f"Verein {number}")
            Affiliation.objects.create(person=ayse, organisation=organisation)
            NetworkMembership.objects.create(
                network=Network.objects.create(quartier=area, name=f"Netz {number}"), person=ayse
            )
            note = ContactNote.objects.create(
                quartier=area, date="2026-11-01", staff=role_users["gwa"], channel="email", topic=f"T {number}"
            )
            note.persons.add(ayse)
            note.organisations.add(organisation)
            Concern.objects.create(
                quartier=area, text=f"Anliegen {number}", raised_on="2026-11-01", raised_by_person=ayse
            )
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
    person = Person.objects.create(quartier=area, first_name="Jonas", last_name="Müller", email="jm@example.org")
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
    note = ContactNote.objects.create(quartier=area, date=date, staff=staff, channel="email", topic="Kontakt")
    note.persons.add(person)


@pytest.fixture
def review(area: Quartier, other_area: Quartier, role_users: dict[str, User]) -> dict[str, Person]:
    staff = role_users["gwa"]
    today = timezone.localdate()
    consent = {"legal_basis": "consent", "consent_date": datetime.date(2020, 1, 1)}
    people = {
        "fresh_without_basis": Person.objects.create(quartier=area, last_name="Ohne Grundlage"),
        "fresh_with_basis": Person.objects.create(quartier=area, last_name="Aktuell", **consent),
        "old_no_contact": Person.objects.create(quartier=area, last_name="Alt ohne Kontakt", **consent),
        "old_old_contact": Person.objects.create(quartier=area, last_name="Alt mit altem Kontakt", **consent),
        "old_recent_contact": Person.objects.create(quartier=area, last_name="Alt mit neuem Kontakt", **consent),
        "erased": Person.objects.create(quartier=area, last_name="Gelöschte Person", erased_at=timezone.now()),
        "foreign": Person.objects.create(quartier=other_area, last_name="Fremd"),
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
            person = Person.objects.create(quartier=area, last_name=f"Ohne {number}")
            _age(person, days=4 * 365)
            _note(area, person, role_users["gwa"], datetime.date(2019, 1, 1))

    assert_constant_queries(lambda: client.get(f"/gebiet/{area.slug}/personen/pruefen/"), grow)  # type: ignore[operator]
