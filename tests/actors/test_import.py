"""Importing organisations and persons: content sniffing, row checks, preview, confirmation, refusals."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from actors.models import Organisation, Person
from quartier.models import Quartier, User

ORG_CSV = (
    "Name;Art;PLZ;Im Gebiet;E-Mail;Lieblingsfarbe\n"
    "Kita Sonnenschein;Kita;12345;ja;kita@example.org;blau\n"
    ";Verein;12345;ja;;\n"  # no name
    "Bolzplatz-Initiative;Initiative;1234;nein;;\n"  # bad postcode
    "Moscheegemeinde am Ufer;Religionsgemeinschaft;;vielleicht;;\n"  # bad yes/no
    "Kita Sonnenschein;Kita;;ja;;\n"  # twice in the file
    "Nachbarschaftshaus;Kaiserreich;;;;\n"  # unknown kind
    "Stadtteilbibliothek;Verwaltung/Amt;12345;;bib@example.org;\n"
)


def upload(client: Client, area: Quartier, content: bytes, *, kind: str = "organisations", name: str = "liste.csv"):
    return client.post(f"/gebiet/{area.slug}/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def token_of(response: object) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)  # type: ignore[attr-defined]


@pytest.fixture
def office(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


def test_preview_checks_every_row_and_writes_nothing(office: Client, area: Quartier) -> None:
    response = upload(office, area, ORG_CSV.encode())
    preview = response.context["preview"]
    assert [row.number for row in preview.valid] == [2, 8]
    errors = {row.number: " ".join(row.errors) for row in preview.invalid}
    assert "Dieses Feld ist zwingend erforderlich." in errors[3]
    assert set(errors) == {3, 4, 5, 6, 7}
    assert preview.unknown_headers == ["Lieblingsfarbe"]
    assert not Organisation.objects.exists()


def test_confirm_imports_only_the_valid_rows_once(office: Client, area: Quartier, role_users: dict) -> None:
    token = token_of(upload(office, area, ORG_CSV.encode()))
    response = office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    assert response.status_code == 200
    assert len(response.context["result"].valid) == 2
    assert sorted(Organisation.objects.values_list("name", flat=True)) == ["Kita Sonnenschein", "Stadtteilbibliothek"]
    kita = Organisation.objects.get(name="Kita Sonnenschein")
    assert (kita.kind, kita.postcode, kita.inside_area, kita.email) == ("kita", "12345", True, "kita@example.org")
    again = office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    assert again.status_code == 400  # a second click imports nothing
    assert Organisation.objects.count() == 2


def test_rows_that_became_invalid_since_the_preview_are_not_imported(office: Client, area: Quartier) -> None:
    token = token_of(upload(office, area, ORG_CSV.encode()))
    Organisation.objects.create(quartier=area, name="Stadtteilbibliothek")  # someone else was quicker
    response = office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    result = response.context["result"]
    assert [row.number for row in result.valid if not row.errors] == [2]
    assert Organisation.objects.filter(name="Stadtteilbibliothek").count() == 1


def test_xlsx_is_read_by_content_whatever_its_name(office: Client, area: Quartier) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nachname", "Vorname", "Bewohner*in", "E-Mail"])
    sheet.append(["Demir", "Ayşe", "ja", "ayse@example.org"])
    sheet.append(["Nowak", "Piotr", "nein", "keine-adresse"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(office, area, buffer.getvalue(), kind="persons", name="personen.csv")
    token = token_of(response)
    office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    person = Person.objects.get()
    assert (person.first_name, person.last_name, person.is_resident) == ("Ayşe", "Demir", True)
    assert person.legal_basis == Person.LegalBasis.NONE


def test_windows_encoded_csv_with_commas_is_read(office: Client, area: Quartier) -> None:
    content = "Name,Ort\nBäckerei Özdemir,Beispielstadt\n".encode("cp1252")
    preview = upload(office, area, content).context["preview"]
    assert preview.valid[0].data["name"] == "Bäckerei Özdemir"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "liste.csv", "Die Datei ist keine CSV- oder XLSX-Tabelle."),
        (b"PK\x03\x04not really a zip", "liste.xlsx", "Die Datei ist keine CSV- oder XLSX-Tabelle."),
        (b"", "leer.csv", "Die übertragene Datei ist leer."),
        (b"Name;Ort\n", "kopf.csv", "Die Datei hat unter der Kopfzeile keine Zeilen."),
        (b"Ort;PLZ\nBeispielstadt;12345\n", "ohne-name.csv", "In der Kopfzeile fehlt die Spalte „Name“."),
        # A cell longer than Python's csv module reads was a server error.
        (
            b"Name;Ort\n" + b"x" * 140_000 + b";Beispielstadt\n",
            "lang.csv",
            "Die Datei lässt sich nicht als Tabelle lesen: Eine ihrer Zellen ist zu lang.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    office: Client, area: Quartier, content: bytes, name: str, message: str
) -> None:
    response = upload(office, area, content, name=name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie die markierten Felder." in html
    assert message in html
    assert not Organisation.objects.exists()


def test_files_over_5_mb_are_refused(office: Client, area: Quartier) -> None:
    content = b"Name\n" + b"x" * (5 * 1024 * 1024)
    response = upload(office, area, content)
    assert "Die Datei ist größer als 5 MB." in response.content.decode()
    assert not Organisation.objects.exists()


def test_an_import_of_one_user_cannot_be_confirmed_by_another(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    token = token_of(upload(client, area, ORG_CSV.encode()))
    client.force_login(role_users["steuerung"])
    assert client.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token}).status_code == 400
    assert not Organisation.objects.exists()


def test_an_import_cannot_be_moved_to_another_area(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    from quartier.services import role_grant

    user = role_users["gwa"]
    role_grant(user=user, quartier=other_area, role="gwa", by=None)
    client.force_login(user)
    token = token_of(upload(client, area, ORG_CSV.encode()))
    assert client.post(f"/gebiet/{other_area.slug}/import/bestaetigen/", {"token": token}).status_code == 400
    assert not Organisation.objects.exists()


def test_coordinator_may_not_import(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["koordination"])
    assert upload(client, area, ORG_CSV.encode()).status_code == 403


def test_import_pages_query_count_does_not_grow(
    office: Client, area: Quartier, assert_constant_queries: object
) -> None:
    assert_constant_queries(  # type: ignore[operator]
        lambda: office.get(f"/gebiet/{area.slug}/import/"),
        lambda: [Organisation.objects.create(quartier=area, name=f"Org {n}") for n in range(20)],
    )
