"""The import reads the lists' own exports back (issue #18): an export imported again changes nothing and doubles
nothing, a corrected cell changes that record, and every error of every row is listed with its line and column."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from actors.models import Organisation, Person
from quartier.models import FieldOfAction, Quartier, User


@pytest.fixture
def office(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


@pytest.fixture
def organisations(area: Quartier) -> list[Organisation]:
    kita = Organisation.objects.create(
        area=area, name="Kita Sonnenschein", kind="kita", street="Uferweg 3", postcode="12345", city="Beispielstadt",
        email="kita@example.org", phone="030 111", website="https://kita.example.org",
    )  # fmt: skip
    kita.fields_of_action.set(FieldOfAction.objects.order_by("pk")[:2])
    verein = Organisation.objects.create(area=area, name="Äpfel & Birnen e. V.", kind="verein", inside_area=False)
    alt = Organisation.objects.create(area=area, name="Altes Café", kind="gewerbe", active=False)
    return [kita, verein, alt]


@pytest.fixture
def persons(area: Quartier) -> list[Person]:
    return [
        Person.objects.create(
            area=area,
            first_name="Ayşe",
            last_name="Demir",
            email="ayse@example.org",
            phone="030 1234",
            address="Uferweg 3\n12345 Beispielstadt",
            is_resident=True,
            languages="Deutsch, Türkisch",
            is_key_person=True,
        ),
        Person.objects.create(area=area, first_name="Jonas", last_name="Müller"),
        Person.objects.create(area=area, first_name="Jonas", last_name="Müller", email="jonas2@example.org"),
    ]


def upload(client: Client, area: Quartier, content: bytes, kind: str, name: str = "liste.csv"):
    return client.post(f"/gebiet/{area.slug}/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def confirm(client: Client, area: Quartier, preview_response: object):
    token = re.search(r'name="token" value="([^"]+)"', preview_response.content.decode()).group(1)  # type: ignore[attr-defined]
    return client.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})


def snapshot(model: type, area: Quartier) -> list[dict]:
    fields = [f.name for f in model._meta.concrete_fields if f.name not in {"search_words", "updated_at", "created_at"}]
    rows = list(model.objects.filter(area=area).order_by("pk").values(*fields))
    if model is Organisation:
        for row in rows:
            row["fields"] = sorted(Organisation.objects.get(pk=row["id"]).fields_of_action.values_list("pk", flat=True))
    return rows


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organisations_exported_and_imported_again_stay_the_same_and_are_not_doubled(
    office: Client, area: Quartier, organisations: list[Organisation], fmt: str
) -> None:
    before = snapshot(Organisation, area)
    exported = office.get(f"/gebiet/{area.slug}/organisationen/?inactive=on&export={fmt}").content
    preview = upload(office, area, exported, "organisations", name=f"export.{fmt}")
    checked = preview.context["preview"]
    assert checked.invalid == [] and len(checked.rows) == 3
    assert (checked.created, checked.updated, checked.unchanged) == (0, 0, 3)
    assert checked.unknown_headers == []  # every column of the export is read
    result = confirm(office, area, preview).context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert snapshot(Organisation, area) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_persons_exported_and_imported_again_stay_the_same_and_are_not_doubled(
    office: Client, area: Quartier, persons: list[Person], fmt: str
) -> None:
    before = snapshot(Person, area)
    exported = office.get(f"/gebiet/{area.slug}/personen/?export={fmt}").content
    preview = upload(office, area, exported, "persons", name=f"export.{fmt}")
    checked = preview.context["preview"]
    assert checked.invalid == [] and (checked.created, checked.updated, checked.unchanged) == (0, 0, 3)
    # What the export says about other records is not read back, and the preview says so.
    assert checked.unknown_headers == ["Rechtsgrundlage", "Organisationen"]
    confirm(office, area, preview)
    assert snapshot(Person, area) == before


def test_a_corrected_cell_of_an_export_changes_that_organisation_only(
    office: Client, area: Quartier, organisations: list[Organisation]
) -> None:
    verein = organisations[1]
    rows = csv_rows(office.get(f"/gebiet/{area.slug}/organisationen/?inactive=on&export=csv").content)
    line = next(row for row in rows if row[0] == str(verein.pk))
    line[1] = "Äpfel und Birnen e. V."  # renamed: found by its number, not by its name
    line[rows[0].index("PLZ")] = "54321"
    rows.append(["", "Neue Initiative", "Initiative", "", "", "", "", "ja", "", "", "", "ja"])
    preview = upload(office, area, csv_bytes(rows), "organisations")
    checked = preview.context["preview"]
    assert (checked.created, checked.updated, checked.unchanged) == (1, 1, 2)
    changed = next(row for row in checked.valid if row.pk == verein.pk)
    assert changed.data == {"name": "Äpfel und Birnen e. V.", "postcode": "54321"}
    confirm(office, area, preview)
    verein.refresh_from_db()
    assert (verein.name, verein.postcode, verein.inside_area) == ("Äpfel und Birnen e. V.", "54321", False)
    assert Organisation.objects.filter(area=area).count() == 4


def test_without_a_number_an_organisation_is_found_by_its_name(
    office: Client, area: Quartier, organisations: list[Organisation]
) -> None:
    content = b"Name;Telefon\nkita sonnenschein ;030 999\n"
    confirm(office, area, upload(office, area, content, "organisations"))
    assert Organisation.objects.filter(area=area).count() == 3
    assert Organisation.objects.get(pk=organisations[0].pk).phone == "030 999"


def test_a_person_is_found_by_email_and_a_name_several_share_needs_the_number(
    office: Client, area: Quartier, persons: list[Person]
) -> None:
    content = (
        "Nachname;Vorname;E-Mail-Adresse;Telefon\n"
        "Demir;Ayşe;ayse@example.org;030 555\n"  # by the address
        "Müller;Jonas;;030 777\n"  # two of that name, no number
        "Müller;Jonas;;030 888;\n"
    ).encode()
    checked = upload(office, area, content, "persons").context["preview"]
    assert [row.number for row in checked.valid] == [2]
    assert checked.valid[0].pk == persons[0].pk and checked.valid[0].data == {"phone": "030 555"}
    errors = {row.number: row.errors for row in checked.invalid}
    message = (
        "Spalte „Nachname“: Mehrere Personen haben diesen Namen; bitte die Nummer (Spalte „Nr.“) der gemeinten angeben."
    )
    assert errors[3] == [message] and errors[4][0] == message


def test_every_error_of_every_row_is_listed_with_its_line_and_column_and_those_rows_are_not_saved(
    office: Client, area: Quartier, organisations: list[Organisation]
) -> None:
    content = (
        b"Name;PLZ;Im Gebiet;E-Mail-Adresse;Art;Website\n"
        b"Bolzplatz-Initiative;1234;vielleicht;keine-adresse;Kaiserreich;\n"
        b";12345;ja;;;nicht eine url\n"
        b"Stadtteilbibliothek;12345;ja;bib@example.org;Verwaltung/Amt;\n"
    )
    response = upload(office, area, content, "organisations")
    checked = response.context["preview"]
    errors = {row.number: row.errors for row in checked.invalid}
    assert errors[2] == [
        "Spalte „Im Gebiet“: „vielleicht“ ist weder ja noch nein.",
        "Spalte „Art“: „Kaiserreich“ ist keine bekannte Art von Organisation.",
        "Spalte „PLZ“: Eine deutsche Postleitzahl hat fünf Ziffern.",
        "Spalte „E-Mail-Adresse“: Bitte gültige E-Mail-Adresse eingeben.",
    ]
    assert errors[3] == [
        "Spalte „Name“: Dieses Feld ist zwingend erforderlich.",
        "Spalte „Website“: Bitte eine gültige Adresse eingeben.",
    ]
    html = response.content.decode()
    assert "Spalte „PLZ“: Eine deutsche Postleitzahl hat fünf Ziffern." in html
    confirm(office, area, response)
    assert sorted(Organisation.objects.filter(area=area).values_list("name", flat=True)) == [
        "Altes Café", "Kita Sonnenschein", "Stadtteilbibliothek", "Äpfel & Birnen e. V.",
    ]  # fmt: skip


def test_a_number_of_another_area_is_refused_and_that_organisation_is_never_touched(
    office: Client, area: Quartier, other_area: Quartier, organisations: list[Organisation]
) -> None:
    foreign = Organisation.objects.create(area=other_area, name="Nordlicht e. V.", phone="040 1")
    content = f"Nr.;Name;Telefon\n{foreign.pk};Nordlicht e. V.;030 666\nabc;Kita Sonnenschein;\n;Neu e. V.;\n".encode()
    response = upload(office, area, content, "organisations")
    errors = {row.number: row.errors for row in response.context["preview"].invalid}
    assert errors == {
        2: [f"Spalte „Nr.“: Dieses Gebiet hat keine Organisation mit der Nummer {foreign.pk}."],
        3: ["Spalte „Nr.“: „abc“ ist keine Zahl."],
    }
    confirm(office, area, response)
    foreign.refresh_from_db()
    assert foreign.phone == "040 1" and not Organisation.objects.filter(area=area, name="Nordlicht e. V.").exists()


def test_the_same_record_twice_in_a_file_is_an_error_of_the_later_line(
    office: Client, area: Quartier, organisations: list[Organisation]
) -> None:
    kita = organisations[0]
    content = f"Nr.;Name\n{kita.pk};Kita Sonnenschein\n{kita.pk};Kita Mondschein\n;Neu e. V.\n; neu e. v.\n"
    checked = upload(office, area, content.encode(), "organisations").context["preview"]
    errors = {row.number: row.errors for row in checked.invalid}
    assert errors == {
        3: ["Spalte „Name“: Zeile 2 beschreibt denselben Datensatz bereits."],
        5: ["Spalte „Name“: Zeile 4 beschreibt denselben Datensatz bereits."],
    }


def test_an_xlsx_export_with_a_deleted_header_is_refused_as_a_whole(
    office: Client, area: Quartier, organisations: list[Organisation]
) -> None:
    exported = office.get(f"/gebiet/{area.slug}/organisationen/?export=xlsx").content
    workbook = load_workbook(io.BytesIO(exported))
    workbook.active.delete_cols(2)  # the names
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = upload(office, area, buffer.getvalue(), "organisations", name="x.xlsx").content.decode()
    assert "In der Kopfzeile fehlt die Spalte „Name“." in html
    assert Organisation.objects.filter(area=area).count() == 3


def test_fields_of_action_are_read_by_their_names(office: Client, area: Quartier) -> None:
    first, second = FieldOfAction.objects.order_by("pk")[:2]
    workbook = Workbook()
    workbook.active.append(["Name", "Handlungsfelder"])
    workbook.active.append(["Neu e. V.", f"{first.name}, {second.name.upper()}"])
    workbook.active.append(["Falsch e. V.", "Raumfahrt"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(office, area, buffer.getvalue(), "organisations", name="x.xlsx")
    assert response.context["preview"].invalid[0].errors == [
        "Spalte „Handlungsfelder“: „Raumfahrt“ ist kein bekanntes Handlungsfeld."
    ]
    confirm(office, area, response)
    assert set(Organisation.objects.get(name="Neu e. V.").fields_of_action.all()) == {first, second}
