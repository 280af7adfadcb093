"""Persons: list with search, filters and exports (CSV, XLSX, vCard); the person's page; create and edit
with their affiliations, refused input and who may do what."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from actors.models import Affiliation, ContactNote, Network, NetworkMembership, Organisation, Person
from actors.services.persons import AffiliationRow, person_create, person_erase, person_update
from actors.views.persons import vcard_escape, vcard_fold
from demo.factories import user_with_permissions
from quartier.models import Quartier, User


def make(area: Quartier, first: str, last: str, **kwargs: object) -> Person:
    return Person.objects.create(area=area, first_name=first, last_name=last, **kwargs)


@pytest.fixture
def persons(area: Quartier, other_area: Quartier) -> dict[str, object]:
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    ayse = make(
        area,
        "Ayşe",
        "Demir",
        email="ayse@example.org",
        phone="030 1234",
        is_resident=True,
        is_key_person=True,
        key_person_note="Kennt alle Eltern",
        legal_basis="consent",
        consent_date=datetime.date(2026, 1, 5),
        consent_scope="Einladungen",
    )
    Affiliation.objects.create(person=ayse, organisation=kita, function="Elternvertreterin")
    jonas = make(area, "Jonas", "Müller", email="jm@example.org", legal_basis="interest", interest_reason="Vorstand")
    make(area, "Karl", "Kanal")
    make(area, "", "Gelöschte Person", erased_at=timezone.now())
    make(other_area, "Ayşe", "Nordlicht")
    return {"kita": kita, "ayse": ayse, "jonas": jonas}


def base(area: Quartier) -> str:
    return f"/gebiet/{area.slug}/personen/"


def names(response: object) -> list[str]:
    return [person.last_name for person in response.context["page"].object_list]  # type: ignore[attr-defined]


# --- list, search, filters ----------------------------------------------------------------------------------


def test_list_shows_the_areas_persons_but_no_erased_ones(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(base(area))
    assert response.status_code == 200
    assert names(response) == ["Demir", "Kanal", "Müller"]
    html = response.content.decode()
    assert "Kita Sonnenschein (Elternvertreterin)" in html
    assert "Gelöschte Person" not in html and "Nordlicht" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=dem", ["Demir"]),  # prefix of the last name
        ("q=ay%C5%9F", ["Demir"]),  # prefix of the first name, with a non-ASCII letter
        ("q=ayse", ["Demir"]),  # prefix of the email address
        ("q=m%C3%BCll", ["Müller"]),  # umlaut and German stemming
        ("q=jonas+m%C3%BCller", ["Müller"]),  # every word must match
        ("q=kita", []),  # organisations are no search field
        ("q=%27%3B+drop+table", []),  # odd input is only text
        ("residence=inside", ["Demir"]),
        ("residence=outside", ["Kanal", "Müller"]),
        ("key_persons=on", ["Demir"]),
        ("legal_basis=interest", ["Müller"]),
        ("legal_basis=none", ["Kanal"]),
        ("legal_basis=erfunden", ["Demir", "Kanal", "Müller"]),  # bad filter ignored
    ],
)
def test_search_and_filters(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict, query: str, expected: list[str]
) -> None:
    client.force_login(role_users["gwa"])
    assert names(client.get(f"{base(area)}?{query}")) == expected


def test_filter_by_organisation_only_of_this_area(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    foreign = Organisation.objects.create(area=other_area, name="Fremd")
    client.force_login(role_users["gwa"])
    assert names(client.get(f"{base(area)}?organisation={persons['kita'].pk}")) == ["Demir"]
    assert len(names(client.get(f"{base(area)}?organisation={foreign.pk}"))) == 3  # ignored, not used


def test_htmx_search_returns_only_the_results_fragment(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"{base(area)}?q=dem", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Demir" in html and "Müller" not in html
    assert "HX-Request" in response["Vary"]


def test_list_is_paginated(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    Person.objects.bulk_create([Person(area=area, last_name=f"Person {n:02d}") for n in range(30)])
    client.force_login(role_users["gwa"])
    assert len(names(client.get(base(area)))) == 25
    assert names(client.get(f"{base(area)}?page=2")) == [f"Person {n}" for n in range(25, 30)]


# --- exports ------------------------------------------------------------------------------------------------


def test_csv_export_of_the_filtered_list(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    make(area, "=cmd", "|calc", legal_basis="none")
    client.force_login(role_users["steuerung"])
    response = client.get(f"{base(area)}?key_persons=on&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="personen-kiez-am-kanal.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][1:5] == ["Demir", "Ayşe", "ayse@example.org", "030 1234"]
    assert rows[1][-1] == "Kita Sonnenschein"
    everything = client.get(f"{base(area)}?export=csv").content.decode("utf-8-sig")
    assert "'=cmd" in everything  # never a live formula
    assert "Gelöschte Person" not in everything and "Nordlicht" not in everything


def test_xlsx_export(client: Client, area: Quartier, role_users: dict[str, User], persons: dict) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"{base(area)}?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Nr.", "Nachname"]
    assert [row[1] for row in values[1:]] == ["Demir", "Kanal", "Müller"]
    assert [values[1][0], values[3][0]] == [persons["ayse"].pk, persons["jonas"].pk]


def test_vcard_export_has_one_card_per_person_of_the_filtered_list(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(f"{base(area)}?legal_basis=consent&export=vcf")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="personen-kiez-am-kanal.vcf"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.count("BEGIN:VCARD\r\nVERSION:3.0\r\n") == 1 and text.count("END:VCARD\r\n") == 1
    assert "N:Demir;Ayşe;;;\r\n" in text and "FN:Ayşe Demir\r\n" in text
    assert "EMAIL;TYPE=INTERNET:ayse@example.org\r\n" in text
    assert "TEL;TYPE=VOICE:030 1234\r\n" in text and "ORG:Kita Sonnenschein\r\n" in text
    everything = client.get(f"{base(area)}?export=vcf").content.decode("utf-8")
    assert everything.count("BEGIN:VCARD") == 3 and "Gelöschte" not in everything


def test_vcard_escapes_commas_semicolons_backslashes_and_line_breaks(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    organisation = Organisation.objects.create(area=area, name="Müller; Söhne, GmbH")
    person = make(area, "Jörg, Jr.", "Bäcker;Weiß", address="Uferstraße 12\r\nHinterhaus\\2\n12345 Kanalstadt")
    Affiliation.objects.create(person=person, organisation=organisation)
    client.force_login(role_users["gwa"])
    text = client.get(f"{base(area)}?export=vcf").content.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "N:Bäcker\\;Weiß;Jörg\\, Jr.;;;\r\n" in unfolded
    assert "FN:Jörg\\, Jr. Bäcker\\;Weiß\r\n" in unfolded
    assert "ORG:Müller\\; Söhne\\, GmbH\r\n" in unfolded
    assert "ADR;TYPE=HOME:;;Uferstraße 12\\nHinterhaus\\\\2\\n12345 Kanalstadt;;;;\r\n" in unfolded
    assert "\n" not in text.replace("\r\n", "")  # no bare line break inside a value


def test_vcard_lines_are_folded_at_75_octets_without_splitting_umlauts() -> None:
    line = "NOTE:" + "ä" * 100
    folded = vcard_fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert vcard_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --- the person's page ----------------------------------------------------------------------------------------


def test_page_shows_contact_data_affiliations_networks_and_contacts(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    ayse = persons["ayse"]
    network = Network.objects.create(area=area, name="Runder Tisch Kinder")
    NetworkMembership.objects.create(network=network, person=ayse, start=datetime.date(2025, 3, 1))
    note = ContactNote.objects.create(
        area=area, date="2026-11-02", staff=role_users["gwa"], channel="telefon", topic="Sommerfest", text="Geheim"
    )
    note.persons.add(ayse)
    client.force_login(role_users["planung"])
    response = client.get(f"{base(area)}{ayse.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for expected in ("Ayşe Demir", "ayse@example.org", "030 1234", "Kennt alle Eltern", "Runder Tisch Kinder"):
        assert expected in html
    assert f'href="/gebiet/{area.slug}/organisationen/{persons["kita"].pk}/"' in html
    assert "Sommerfest" in html and "Geheim" in html
    assert f'href="/gebiet/{area.slug}/personen/{ayse.pk}/bearbeiten/"' in html


def test_page_hides_note_text_without_the_permission_to_read_notes(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = user_with_permissions(area, {"view_area", "view_persons"}, monkeypatch, username="nur-personen")
    note = ContactNote.objects.create(
        area=area, date="2026-11-02", staff=role_users["gwa"], channel="telefon", topic="Sommerfest", text="Geheim"
    )
    note.persons.add(persons["ayse"])
    client.force_login(reader)
    html = client.get(f"{base(area)}{persons['ayse'].pk}/").content.decode()
    assert "Sommerfest" in html and "Geheim" not in html
    assert "/bearbeiten/" not in html and "/loeschen/" not in html


# --- who may do what ----------------------------------------------------------------------------------------------

PERSON_URLS = ["", "?export=csv", "?export=vcf", "neu/", "pruefen/", "{pk}/", "{pk}/bearbeiten/", "{pk}/daten/"]
PERSON_URLS += ["{pk}/daten/?format=json", "{pk}/loeschen/"]


@pytest.mark.parametrize("url", PERSON_URLS)
def test_coordinator_may_open_no_person_url(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict, url: str
) -> None:
    client.force_login(role_users["koordination"])
    path = base(area) + url.format(pk=persons["ayse"].pk)
    response = client.get(path)
    assert response.status_code == 403
    assert "Demir" not in response.content.decode()


@pytest.mark.parametrize("url", ["neu/", "{pk}/bearbeiten/", "{pk}/loeschen/"])
def test_coordinator_may_not_write(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict, url: str
) -> None:
    client.force_login(role_users["koordination"])
    path = base(area) + url.format(pk=persons["ayse"].pk)
    response = client.post(path, {**VALID, "confirm": "on"})
    assert response.status_code == 403
    assert Person.objects.filter(area=area).count() == 4
    persons["ayse"].refresh_from_db()
    assert persons["ayse"].last_name == "Demir" and persons["ayse"].erased_at is None


@pytest.mark.parametrize("url", ["", "{pk}/", "{pk}/bearbeiten/", "{pk}/daten/", "{pk}/loeschen/", "pruefen/"])
def test_outsider_finds_nothing(client: Client, area: Quartier, outsider: User, persons: dict, url: str) -> None:
    client.force_login(outsider)
    assert client.get(base(area) + url.format(pk=persons["ayse"].pk)).status_code == 404


@pytest.mark.parametrize(
    "url", ["{pk}/", "{pk}/bearbeiten/", "{pk}/daten/", "{pk}/daten/?format=json", "{pk}/loeschen/"]
)
def test_person_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], url: str
) -> None:
    foreign = make(other_area, "Fremde", "Person", email="fremd@example.org")
    client.force_login(role_users["steuerung"])
    path = base(area) + url.format(pk=foreign.pk)
    assert client.get(path).status_code == 404
    assert client.post(path, {**VALID, "confirm": "on"}).status_code in {404, 405}
    foreign.refresh_from_db()
    assert foreign.last_name == "Person" and foreign.erased_at is None


VALID = {
    "first_name": "Lena",
    "last_name": "Schulz",
    "email": "lena@example.org",
    "legal_basis": "consent",
    "consent_date": "2026-01-10",
    "consent_scope": "Newsletter",
    "consent_how": "Formular",
    "affiliations-TOTAL_FORMS": "1",
    "affiliations-INITIAL_FORMS": "0",
    "affiliations-MIN_NUM_FORMS": "0",
    "affiliations-MAX_NUM_FORMS": "1000",
}


@pytest.mark.parametrize("role", ["steuerung", "planung", "gwa"])
def test_staff_create_a_person_with_an_affiliation(
    client: Client, area: Quartier, role_users: dict[str, User], role: str
) -> None:
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    client.force_login(role_users[role])
    assert client.get(f"{base(area)}neu/").status_code == 200
    response = client.post(
        f"{base(area)}neu/",
        {
            **VALID,
            "affiliations-0-organisation": kita.pk,
            "affiliations-0-function": "Leitung",
            "affiliations-0-start": "2024-08-01",
        },
    )
    person = Person.objects.get(last_name="Schulz")
    assert response.status_code == 302 and response["Location"] == f"{base(area)}{person.pk}/"
    assert person.area == area and person.consent_date == datetime.date(2026, 1, 10)
    affiliation = person.affiliation_set.get()
    assert (affiliation.organisation, affiliation.function, affiliation.start) == (
        kita,
        "Leitung",
        datetime.date(2024, 8, 1),
    )
    assert LogEntry.objects.get_for_object(person).get().actor == role_users[role]


def test_form_offers_only_organisations_of_this_area(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    Organisation.objects.create(area=area, name="Kita Sonnenschein")
    Organisation.objects.create(area=other_area, name="Kita Nordlicht")
    client.force_login(role_users["gwa"])
    html = client.get(f"{base(area)}neu/").content.decode()
    assert "Kita Sonnenschein" in html and "Kita Nordlicht" not in html


def _future() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": ""}, "last_name", "Dieses Feld ist zwingend erforderlich."),
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
        ({"legal_basis": "bauchgefuehl"}, "legal_basis", "Bitte eine gültige Auswahl treffen."),
        ({"consent_date": ""}, "consent_date", "fehlt das Datum, an dem sie erteilt wurde"),
        ({"consent_date": "morgen"}, "consent_date", "Bitte ein gültiges Datum eingeben."),
        ({"consent_date": _future()}, "consent_date", None),
        ({"legal_basis": "interest", "interest_reason": "  "}, "interest_reason", "fehlt die Begründung"),
        ({"affiliations-0-function": "Leitung"}, "affiliations-0-organisation", "Dieses Feld ist zwingend"),
        (
            {
                "affiliations-0-organisation": "{kita}",
                "affiliations-0-start": "2025-05-01",
                "affiliations-0-end": "2025-04-30",
            },
            "affiliations-0-end",
            "Das Ende kann nicht vor dem Beginn liegen.",
        ),
        ({"affiliations-0-organisation": "{foreign}"}, "affiliations-0-organisation", "Bitte eine gültige Auswahl"),
        (
            {"affiliations-0-organisation": "{kita}", "affiliations-0-start": "1.1."},
            "affiliations-0-start",
            "Bitte ein gültiges Datum eingeben.",
        ),
    ],
)
def test_invalid_person_is_refused_with_the_field_marked_and_nothing_saved(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    role_users: dict[str, User],
    changes: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    foreign = Organisation.objects.create(area=other_area, name="Kita Nordlicht")
    data = {key: value.format(kita=kita.pk, foreign=foreign.pk) for key, value in {**VALID, **changes}.items()}
    client.force_login(role_users["gwa"])
    response = client.post(f"{base(area)}neu/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert 'class="error-summary"' in html
    if message:
        assert message in html
    assert not Person.objects.exists() and not Affiliation.objects.exists()


def test_edit_changes_fields_and_affiliations_together(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    ayse, kita = persons["ayse"], persons["kita"]
    verein = Organisation.objects.create(area=area, name="Nachbarschaftsverein")
    existing = ayse.affiliation_set.get()
    client.force_login(role_users["planung"])
    url = f"{base(area)}{ayse.pk}/bearbeiten/"
    page = client.get(url).content.decode()
    assert 'value="Demir"' in page and "Elternvertreterin" in page
    response = client.post(
        url,
        {
            **VALID,
            "first_name": "Ayşe",
            "last_name": "Demir-Yıldız",
            "affiliations-TOTAL_FORMS": "2",
            "affiliations-INITIAL_FORMS": "1",
            "affiliations-0-id": existing.pk,
            "affiliations-0-person": ayse.pk,
            "affiliations-0-organisation": kita.pk,
            "affiliations-0-function": "Elternvertreterin",
            "affiliations-0-end": "2026-07-31",
            "affiliations-1-organisation": verein.pk,
            "affiliations-1-function": "Kassenwartin",
        },
    )
    assert response.status_code == 302
    ayse.refresh_from_db()
    assert ayse.last_name == "Demir-Yıldız" and ayse.email == "lena@example.org"
    assert not ayse.is_key_person  # an unticked box is a change too
    rows = {a.organisation.name: (a.function, a.end) for a in ayse.affiliation_set.select_related("organisation")}
    assert rows == {
        "Kita Sonnenschein": ("Elternvertreterin", datetime.date(2026, 7, 31)),
        "Nachbarschaftsverein": ("Kassenwartin", None),
    }


def test_edit_deletes_a_ticked_affiliation(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    ayse = persons["ayse"]
    existing = ayse.affiliation_set.get()
    client.force_login(role_users["gwa"])
    response = client.post(
        f"{base(area)}{ayse.pk}/bearbeiten/",
        {
            **VALID,
            "affiliations-TOTAL_FORMS": "1",
            "affiliations-INITIAL_FORMS": "1",
            "affiliations-0-id": existing.pk,
            "affiliations-0-organisation": persons["kita"].pk,
            "affiliations-0-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert not Affiliation.objects.filter(person=ayse).exists()


def test_an_invalid_affiliation_row_keeps_the_person_and_their_rows_unchanged(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    ayse = persons["ayse"]
    existing = ayse.affiliation_set.get()
    client.force_login(role_users["gwa"])
    response = client.post(
        f"{base(area)}{ayse.pk}/bearbeiten/",
        {
            **VALID,
            "last_name": "Anders",
            "affiliations-TOTAL_FORMS": "2",
            "affiliations-INITIAL_FORMS": "1",
            "affiliations-0-id": existing.pk,
            "affiliations-0-organisation": persons["kita"].pk,
            "affiliations-0-function": "Neu",
            "affiliations-1-organisation": persons["kita"].pk,
            "affiliations-1-start": "2026-02-01",
            "affiliations-1-end": "2026-01-01",
        },
    )
    assert response.status_code == 200 and 'id="id_affiliations-1-end_error"' in response.content.decode()
    ayse.refresh_from_db()
    existing.refresh_from_db()
    assert ayse.last_name == "Demir" and existing.function == "Elternvertreterin"
    assert ayse.affiliation_set.count() == 1


def test_an_affiliation_of_another_person_cannot_be_taken_over(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    jonas = persons["jonas"]
    foreign_row = persons["ayse"].affiliation_set.get()
    client.force_login(role_users["gwa"])
    response = client.post(
        f"{base(area)}{jonas.pk}/bearbeiten/",
        {
            **VALID,
            "affiliations-TOTAL_FORMS": "1",
            "affiliations-INITIAL_FORMS": "1",
            "affiliations-0-id": foreign_row.pk,
            "affiliations-0-organisation": persons["kita"].pk,
            "affiliations-0-function": "Gekapert",
        },
    )
    assert response.status_code in {200, 302}  # the row is not Jonas's: at most a new one of his own
    foreign_row.refresh_from_db()
    assert foreign_row.person == persons["ayse"] and foreign_row.function == "Elternvertreterin"


def test_erased_person_cannot_be_edited(
    client: Client, area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    erased = Person.objects.get(area=area, erased_at__isnull=False)
    client.force_login(role_users["gwa"])
    url = f"{base(area)}{erased.pk}/bearbeiten/"
    assert client.get(url).status_code == 410
    assert client.post(url, VALID).status_code == 410
    assert client.get(f"{base(area)}{erased.pk}/").status_code == 410
    erased.refresh_from_db()
    assert erased.last_name == "Gelöschte Person" and erased.email == ""


# --- services ------------------------------------------------------------------------------------------------------


def test_create_with_an_invalid_row_saves_nothing(area: Quartier, role_users: dict[str, User]) -> None:
    kita = Organisation.objects.create(area=area, name="Kita")
    rows = [
        AffiliationRow(organisation=kita, function="ok"),
        AffiliationRow(organisation=kita, start=datetime.date(2026, 2, 1), end=datetime.date(2026, 1, 1)),
    ]
    with pytest.raises(ValidationError):
        person_create(area=area, data={"last_name": "Schulz"}, affiliations=rows, by=role_users["gwa"])
    assert not Person.objects.exists() and not Affiliation.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="person").exists()


def test_create_refuses_an_organisation_of_another_area(
    area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    foreign = Organisation.objects.create(area=other_area, name="Fremd")
    with pytest.raises(ValidationError):
        person_create(
            area=area, data={"last_name": "Schulz"}, affiliations=[AffiliationRow(organisation=foreign)], by=None
        )
    assert not Person.objects.exists()


def test_create_refuses_what_the_database_would_refuse(area: Quartier) -> None:
    with pytest.raises(ValidationError):
        person_create(area=area, data={"last_name": "Schulz", "legal_basis": "consent"}, by=None)
    with pytest.raises(ValidationError):
        person_create(area=area, data={"last_name": "Schulz", "legal_basis": "interest"}, by=None)
    assert not Person.objects.exists()


def test_create_refuses_consent_given_in_the_future(area: Quartier) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        person_create(
            area=area, data={"last_name": "Schulz", "legal_basis": "consent", "consent_date": tomorrow}, by=None
        )
    assert "consent_date" in refused.value.message_dict
    assert not Person.objects.exists()


def test_update_keeps_only_the_details_of_the_legal_basis_that_applies(
    area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    ayse = persons["ayse"]
    ayse.legal_basis = "interest"
    ayse.interest_reason = "Vorsitz im Elternbeirat"
    person_update(
        person=ayse, data={"legal_basis": "interest", "interest_reason": ayse.interest_reason}, by=role_users["gwa"]
    )
    ayse.refresh_from_db()
    assert (ayse.consent_date, ayse.consent_scope, ayse.consent_how) == (None, "", "")
    assert ayse.interest_reason == "Vorsitz im Elternbeirat"


def test_update_with_none_leaves_the_affiliations_alone(
    area: Quartier, role_users: dict[str, User], persons: dict
) -> None:
    person_update(person=persons["ayse"], data={"phone": "040 1"}, by=role_users["gwa"])
    assert persons["ayse"].affiliation_set.count() == 1


def test_update_of_an_erased_person_is_refused(area: Quartier, role_users: dict[str, User], persons: dict) -> None:
    ayse = persons["ayse"]
    person_erase(person=ayse, by=role_users["gwa"])
    with pytest.raises(ValidationError):
        person_update(person=Person.objects.get(pk=ayse.pk), data={"last_name": "Demir"}, by=role_users["gwa"])
    assert Person.objects.get(pk=ayse.pk).last_name == "Gelöschte Person"


# --- query counts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["", "?q=dem&residence=inside", "?export=vcf", "?export=csv", "{pk}/", "{pk}/bearbeiten/"]
)
def test_person_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    persons: dict,
    url: str,
    assert_constant_queries: object,
) -> None:
    ayse = persons["ayse"]
    client.force_login(role_users["steuerung"])
    path = base(area) + url.format(pk=ayse.pk)

    def grow() -> None:
        for number in range(20):
            organisation = Organisation.objects.create(area=area, name=f"Verein {number}")
            other = make(area, f"Dem{number}", f"Demir {number}", is_resident=True)
            Affiliation.objects.create(person=other, organisation=organisation, function="Mitglied")
            Affiliation.objects.create(person=ayse, organisation=organisation)
            network = Network.objects.create(area=area, name=f"Netz {number}")
            NetworkMembership.objects.create(network=network, person=ayse)
            note = ContactNote.objects.create(
                area=area, date="2026-11-01", staff=role_users["gwa"], channel="email", topic=f"T {number}"
            )
            note.persons.add(ayse, other)

    assert_constant_queries(lambda: client.get(path), grow)  # type: ignore[operator]


def test_a_tampered_form_count_is_refused_without_building_thousands_of_forms(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """Django would build up to 2,000 affiliation forms for a forged TOTAL_FORMS (seconds of work each time)."""
    client.force_login(role_users["steuerung"])
    response = client.post(f"{base(area)}neu/", {**VALID, "affiliations-TOTAL_FORMS": str(10**20)})
    assert response.status_code == 200
    assert "Bitte höchstens 50 Formulare abschicken." in response.content.decode()
    assert not Person.objects.filter(last_name="Schulz").exists()


def test_xlsx_export_leaves_out_control_characters_a_worksheet_cannot_hold(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """A control character typed or pasted into a name (the forms and the import take them) made the XLSX
    export a server error; the CSV keeps the text as it is."""
    make(area, "Ay\x01lin", "Yıl\x1bdız", address="Ufer\x0bstraße 3")
    client.force_login(role_users["gwa"])
    response = client.get(f"{base(area)}?export=xlsx")
    assert response.status_code == 200
    values = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert values[1][1:3] == ["Yıldız", "Aylin"]
    assert "Yıl\x1bdız" in client.get(f"{base(area)}?export=csv").content.decode("utf-8-sig")
