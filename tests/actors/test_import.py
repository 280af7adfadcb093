"""Importing organisations and persons: content sniffing, row checks, preview, confirmation, refusals."""

from __future__ import annotations

import datetime
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


def test_a_row_whose_organisation_was_created_since_the_preview_changes_it_instead_of_doubling_it(
    office: Client, area: Quartier
) -> None:
    token = token_of(upload(office, area, ORG_CSV.encode()))
    Organisation.objects.create(area=area, name="Stadtteilbibliothek")  # someone else was quicker
    response = office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    result = response.context["result"]
    assert [(row.number, row.action) for row in result.valid] == [(2, "create"), (8, "update")]
    assert Organisation.objects.get(name="Stadtteilbibliothek").email == "bib@example.org"


def test_rows_that_became_invalid_since_the_preview_are_not_imported(office: Client, area: Quartier) -> None:
    token = token_of(upload(office, area, ORG_CSV.encode()))
    for _twice in range(2):  # two of that name now: the row cannot say which one it means
        Organisation.objects.create(area=area, name="Stadtteilbibliothek")
    response = office.post(f"/gebiet/{area.slug}/import/bestaetigen/", {"token": token})
    result = response.context["result"]
    assert [row.number for row in result.valid] == [2]
    assert 8 in [row.number for row in result.invalid]
    assert Organisation.objects.filter(name="Stadtteilbibliothek", email="").count() == 2


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
    role_grant(user=user, area=other_area, role="gwa", by=None)
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
        lambda: [Organisation.objects.create(area=area, name=f"Org {n}") for n in range(20)],
    )


# --- the import reads lazily (issue #15, finding 12) --------------------------------------------------------------

import tracemalloc  # noqa: E402
import zipfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from unittest import mock  # noqa: E402

from actors.imports import MAX_LINES, MAX_ROWS, FileRefused, read_table  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_xlsx(rows: Callable[[], Iterator[str]], *, header: str = "Name") -> bytes:
    """A minimal XLSX whose sheet is written row by row into the zip: a million rows without holding them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" Type="{OFFICE}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets><sheet name="Tabelle1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet.write(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{header}</t></is></c></row>'.encode())
            chunk: list[str] = []
            for row in rows():
                chunk.append(row)
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def named_rows(count: int, *, numbered: bool = True) -> Callable[[], Iterator[str]]:
    """``count`` rows of one name each; without their optional row and cell references they compress to little."""

    def rows() -> Iterator[str]:
        for number in range(2, count + 2):
            if numbered:
                yield f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>V{number}</t></is></c></row>'
            else:
                yield '<row><c t="inlineStr"><is><t>Verein</t></is></c></row>'

    return rows


def refused_within_bounds(content: bytes, *, lines: int, megabytes: int) -> str:
    """``read_table`` refuses ``content`` after at most ``lines`` lines handed over by the reader and without much
    memory; returns its message. Counted, not timed: what the reader reads is what costs the time."""
    from actors import imports

    handed: list[object] = []
    readers = {"csv": imports._csv_lines, "xlsx": imports._xlsx_lines}

    def counted(read: Callable[[bytes], Iterator[list[str]]]) -> Callable[[bytes], Iterator[list[str]]]:
        def lines_of(data: bytes) -> Iterator[list[str]]:
            for line in read(data):
                handed.append(None)
                yield line

        return lines_of

    tracemalloc.start()
    try:
        with (
            mock.patch.object(imports, "_csv_lines", counted(readers["csv"])),
            mock.patch.object(imports, "_xlsx_lines", counted(readers["xlsx"])),
            pytest.raises(FileRefused) as refused,
        ):
            read_table(content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(handed) <= lines, f"{len(handed)} lines read"
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
    return str(refused.value)


def test_a_million_row_xlsx_small_on_disk_is_refused_from_its_zip_directory(office: Client, area: Quartier) -> None:
    content = handmade_xlsx(named_rows(1_000_000, numbered=False))
    assert len(content) < 5 * 1024 * 1024  # it passes the size limit of the upload
    message = refused_within_bounds(content, lines=0, megabytes=10)
    assert "ausgepackt" in message
    response = upload(office, area, content, name="riesig.xlsx")
    assert response.status_code == 200 and message in response.content.decode()
    assert not Organisation.objects.exists()


def test_an_xlsx_over_the_row_limit_is_refused_after_reading_one_row_more_than_the_limit() -> None:
    """Small enough unpacked to be opened: read in openpyxl's streaming mode, it stops after the limit."""
    content = handmade_xlsx(named_rows(100_000))
    message = refused_within_bounds(content, lines=MAX_ROWS + 2, megabytes=40)
    assert message == f"Die Datei hat mehr als {MAX_ROWS} Zeilen."


def test_an_xlsx_of_a_million_empty_rows_is_refused_without_walking_them_all() -> None:
    """One cell far down the sheet: openpyxl yields every empty row above it."""

    def far_down() -> Iterator[str]:
        yield '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>unten</t></is></c></row>'

    message = refused_within_bounds(handmade_xlsx(far_down), lines=MAX_LINES + 1, megabytes=40)
    assert "leere mitgezählt" in message


def test_an_xlsx_with_a_cell_in_the_last_column_does_not_widen_every_row() -> None:
    """Each row is read to its hundredth column at most (the importers know ten); the rest is left out."""

    def wide() -> Iterator[str]:
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>Kita</t></is></c></row>'
        yield (
            '<row r="3"><c r="B3" t="inlineStr"><is><t>Hort</t></is></c>'
            '<c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
        )

    assert read_table(handmade_xlsx(wide)) == [["Name"], ["Kita"], ["", "Hort"]]


def test_an_xlsx_with_date_cells_at_and_beyond_the_ends_of_time_is_read_as_text() -> None:
    """A date cell is read as the number Excel stores, whatever its format says, far beyond the year 9999 too:
    the import has no date columns, and neither is a server error."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Gegründet"])
    sheet.append(["Kita", 99_999_999])
    sheet.append(["Hort", datetime.datetime(9999, 12, 31)])
    sheet.append(["Schule", datetime.datetime(1, 1, 1)])
    sheet["B2"].number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table[1] == ["Kita", "99999999"] and table[2] == ["Hort", "2958465"] and table[3][0] == "Schule"


def test_a_csv_over_the_row_limit_is_refused_reading_line_by_line() -> None:
    content = b"Name\n" + b"".join(b"V%d\n" % number for number in range(600_000))
    assert len(content) < 5 * 1024 * 1024
    message = refused_within_bounds(content, lines=MAX_ROWS + 2, megabytes=10)
    assert message == f"Die Datei hat mehr als {MAX_ROWS} Zeilen."


def test_a_csv_of_empty_lines_is_refused_reading_line_by_line() -> None:
    content = b"Name;Ort\n" + b";\n" * 2_000_000
    message = refused_within_bounds(content, lines=MAX_LINES + 1, megabytes=10)
    assert "leere mitgezählt" in message


def test_a_table_at_the_row_limit_is_read_whole() -> None:
    content = b"Name\n" + b"".join(b"V%d\n" % number for number in range(MAX_ROWS))
    assert len(read_table(content)) == MAX_ROWS + 1
    assert len(read_table(handmade_xlsx(named_rows(MAX_ROWS)))) == MAX_ROWS + 1


def test_a_windows_encoded_csv_found_late_is_still_read() -> None:
    """The encoding is judged over the whole file without decoding it at once: a cp1252 letter far down counts."""
    content = ("Name\n" + "Verein\n" * 3000 + "Bäckerei Özdemir\n").encode("cp1252")
    assert read_table(content)[-1] == ["Bäckerei Özdemir"]


# --- only the first worksheet and its strings are read (attack on finding 12) -----------------------------------


def workbook_bytes(*rows: list[object]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The XLSX file ``content`` with ``parts`` (name → content) replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in source.namelist():
            archive.writestr(name, parts.get(name, source.read(name)))
        for name, data in parts.items():
            if name not in source.namelist():
                archive.writestr(name, data)
    return buffer.getvalue()


def read_within_bounds(content: bytes, *, megabytes: int) -> list[list[str]]:
    """``read_table`` reads ``content`` without much memory (a part it parsed whole would show here)."""
    tracemalloc.start()
    try:
        table = read_table(content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
    return table


def test_an_xlsx_whose_styles_unpack_to_a_million_formats_is_read_without_them() -> None:
    """A few kilobytes on disk, a few megabytes of cell formats unpacked: openpyxl built every one of them
    (26 kB took 1.5 GB and 40 s). The import reads no formats."""
    formats = 100_000
    content = workbook_bytes(["Name", "PLZ"], ["Kita", "12345"])
    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml")
    styles = re.sub(rb'<cellXfs count="1">', f'<cellXfs count="{formats + 1}">{"<xf/>" * formats}'.encode(), styles)
    content = rewritten(content, {"xl/styles.xml": styles})
    assert len(content) < 50_000
    assert read_within_bounds(content, megabytes=10) == [["Name", "PLZ"], ["Kita", "12345"]]


def test_an_xlsx_with_a_hundred_thousand_defined_names_is_read_without_them() -> None:
    content = workbook_bytes(["Name"], ["Kita"])
    workbook = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")
    names = "".join(f'<definedName name="n{n}">Sheet!$A$1</definedName>' for n in range(50_000))
    workbook = workbook.replace(b"</sheets>", f"</sheets><definedNames>{names}</definedNames>".encode())
    content = rewritten(content, {"xl/workbook.xml": workbook})
    assert read_within_bounds(content, megabytes=10) == [["Name"], ["Kita"]]


def test_the_reader_opens_only_the_workbook_its_first_worksheet_and_the_shared_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Charts, drawings, pivot caches, comments, styles and other sheets are never opened: each could be made
    to cost any amount of memory or time, and the import needs none of them."""
    workbook = Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Kita"])
    workbook.create_sheet("Zweites Blatt").append(["nicht gelesen"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(name if isinstance(name, str) else name.filename)  # type: ignore[attr-defined]
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    assert read_table(buffer.getvalue()) == [["Name"], ["Kita"]]
    assert set(opened) <= {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
    }, opened


def test_an_xlsx_without_a_worksheet_is_refused_with_a_message(office: Client, area: Quartier) -> None:
    """Only a chart sheet, or no sheet at all: was a server error (IndexError)."""
    content = workbook_bytes(["Name"], ["Kita"])
    workbook = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")
    empty = rewritten(content, {"xl/workbook.xml": re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", workbook)})
    response = upload(office, area, empty, name="leer.xlsx")
    assert response.status_code == 200
    assert "Die XLSX-Datei enthält kein Tabellenblatt." in response.content.decode()
    assert not Organisation.objects.exists()


def test_an_xlsx_whose_first_sheet_is_a_chart_reads_the_first_worksheet() -> None:
    content = handmade_xlsx(named_rows(2))
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets><sheet name="Diagramm" sheetId="2" r:id="rId2"/>'
        '<sheet name="Tabelle1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()
    relations = (
        f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
        f'Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{OFFICE}/chartsheet" '
        'Target="chartsheets/sheet1.xml"/></Relationships>'
    ).encode()
    content = rewritten(content, {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": relations})
    assert read_table(content) == [["Name"], ["V2"], ["V3"]]


LAUGHS = (
    '<!DOCTYPE x [<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)) + "]>"
)


@pytest.mark.parametrize(
    ("part", "text"),
    [
        ("xl/sharedStrings.xml", f'{LAUGHS}<sst xmlns="{MAIN}"><si><t>&l9;</t></si></sst>'),
        (
            "xl/worksheets/sheet1.xml",
            f'{LAUGHS}<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is>'
            "</c></row></sheetData></worksheet>",
        ),
        (
            "xl/workbook.xml",
            f'{LAUGHS}<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets><sheet name="&l9;" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        ),
    ],
)
def test_an_xlsx_with_entities_in_a_part_is_refused_before_they_are_expanded(part: str, text: str) -> None:
    """A document type with entities that expand to billions of characters ("billion laughs"): Excel never
    writes one."""
    relations = (
        f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{OFFICE}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ).encode()
    content = handmade_xlsx(named_rows(2))
    content = rewritten(content, {"xl/_rels/workbook.xml.rels": relations, part: text.encode()})
    if part != "xl/sharedStrings.xml":
        content = rewritten(content, {"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}"/>'.encode()})
    message = refused_within_bounds(content, lines=0, megabytes=10)
    assert message == "Die XLSX-Datei kann nicht gelesen werden."


def test_xlsx_cells_of_every_kind_are_read_as_text() -> None:
    """Shared and inline strings (rich text without its phonetic guide), numbers, truth values, error values and
    formulas with their last result; a formula without one is empty."""
    content = handmade_xlsx(named_rows(0))
    strings = (
        f'<sst xmlns="{MAIN}"><si><t xml:space="preserve"> Kita Sonnenschein </t></si>'
        "<si><r><t>Bäckerei </t></r><r><rPr><b/></rPr><t>Özdemir</t></r><rPh><t>ｵｽﾞﾃﾞﾐﾙ</t></rPh></si></sst>"
    ).encode()
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1"><v>12345</v></c><c r="D1"><v>1.5</v></c><c r="E1" t="b"><v>1</v></c>'
        '<c r="F1" t="e"><v>#N/A</v></c><c r="G1" t="str"><f>A1&amp;"!"</f><v>Kita!</v></c>'
        '<c r="H1"><f>1+1</f></c><c r="I1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>'
        "</row></sheetData></worksheet>"
    ).encode()
    relations = (
        f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{OFFICE}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ).encode()
    content = rewritten(
        content,
        {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet, "xl/_rels/workbook.xml.rels": relations},
    )
    lines = list(_first_lines(content))
    assert lines[0] == ["Kita Sonnenschein", "Bäckerei Özdemir", "12345", "1.5", "True", "#N/A", "Kita!", "", "inline"]


def _first_lines(content: bytes) -> Iterator[list[str]]:
    from actors.imports import _xlsx_lines

    return _xlsx_lines(content)


def test_an_xlsx_cell_longer_than_excel_allows_is_refused() -> None:
    content = handmade_xlsx(lambda: iter([f'<row r="2"><c t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>']))
    message = refused_within_bounds(content, lines=0, megabytes=10)
    assert message == "Die Datei lässt sich nicht als Tabelle lesen: Eine ihrer Zellen ist zu lang."


def test_an_xlsx_with_an_encrypted_part_is_refused_with_a_message() -> None:
    """A zip entry marked as encrypted makes Python's zip reader ask for a password (RuntimeError)."""
    content = bytearray(workbook_bytes(["Name"], ["Kita"]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    content[sheet.header_offset + 6] |= 0x1  # the local header's flags: "encrypted"
    directory = bytes(content).index(b"xl/worksheets/sheet1.xml", archive.start_dir) - 46
    content[directory + 8] |= 0x1  # and the central directory's
    buffer = io.BytesIO(bytes(content))
    with pytest.raises(FileRefused, match="kann nicht gelesen werden"):
        read_table(buffer.getvalue())
