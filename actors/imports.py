"""Import of organisations and persons from CSV or XLSX: read, check every row, import the valid ones.

The file's type is judged from its content, not its name. Each row is checked
with the same rules as the forms; a row is imported whole or not at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import pyexpat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.forms.organisations import OrganisationForm
from actors.models import Organisation, Person
from quartier.models import Quartier

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: Lines read at most, the empty ones counted: a sheet with one cell far down is mostly empty lines.
MAX_LINES = 10 * MAX_ROWS
#: Columns read at most; the importers know about ten.
MAX_COLUMNS = 100
#: An XLSX file's parts unpacked, at most: a table of MAX_ROWS rows of text is a few megabytes.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024

TRUE_WORDS = {"ja", "yes", "x", "1", "true", "wahr", "j"}
FALSE_WORDS = {"nein", "no", "0", "false", "falsch", "n", ""}


@dataclass
class Row:
    number: int  # the line in the file (the header is line 1)
    values: dict[str, str]
    data: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]  # accepted header names, lower case
    kind: str = "text"  # text | bool | kind


ORGANISATION_COLUMNS = (
    Column("name", ("name", "organisation")),
    Column("kind", ("art", "kind", "typ"), "kind"),
    Column("street", ("straße", "strasse", "street", "adresse")),
    Column("postcode", ("plz", "postleitzahl", "postcode")),
    Column("city", ("ort", "stadt", "city")),
    Column("inside_area", ("im gebiet", "inside area", "inside_area"), "bool"),
    Column("email", ("e-mail", "email", "e-mail-adresse")),
    Column("phone", ("telefon", "phone", "tel")),
    Column("website", ("website", "webseite", "internet")),
    Column("description", ("beschreibung", "description")),
)

PERSON_COLUMNS = (
    Column("first_name", ("vorname", "first name", "first_name")),
    Column("last_name", ("nachname", "name", "last name", "last_name")),
    Column("email", ("e-mail", "email", "e-mail-adresse")),
    Column("phone", ("telefon", "phone", "tel")),
    Column("address", ("adresse", "anschrift", "address")),
    Column("is_resident", ("bewohner*in", "bewohnerin", "wohnt im gebiet", "resident"), "bool"),
    Column("languages", ("sprachen", "languages")),
)


class PersonImportForm(forms.ModelForm):
    """The rules a person row must meet. Imported persons have no recorded legal basis yet:
    they appear on the GDPR review list until the office records one."""

    class Meta:
        model = Person
        fields = [column.field for column in PERSON_COLUMNS]


class SemicolonDialect(csv.excel):
    delimiter = ";"


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in German."""


def sniff(content: bytes) -> str:
    """'xlsx' or 'csv', judged by content; anything else is refused."""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise FileRefused(_("The file is not a CSV or XLSX table."))
    if b"\x00" in content[:4096]:
        raise FileRefused(_("The file is not a CSV or XLSX table."))
    return "csv"


def _encoding(content: bytes) -> str:
    """The file's encoding (UTF-8, else Windows' cp1252), judged over the whole file piece by piece, so the
    file is never held as text at once."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(content), CHUNK):
                decoder.decode(content[start : start + CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRefused(_("The file's characters cannot be read. Please save it as UTF-8."))


def _trimmed(cells: list[str]) -> list[str]:
    """The cells without the empty ones at the end of the line."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _csv_lines(content: bytes) -> Iterator[list[str]]:
    """The CSV file's lines as cells, read one by one."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding=_encoding(content), newline="")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.read(4096), delimiters=";,\t")
    except csv.Error:
        dialect = SemicolonDialect
    text.seek(0)
    try:
        for line in csv.reader(text, dialect):
            yield _trimmed([cell.strip() for cell in line[:MAX_COLUMNS]])
    except csv.Error as exc:  # a cell longer than the csv module reads (131,072 characters)
        raise FileRefused(_("The file cannot be read as a table: one of its cells is too long.")) from exc


def _xlsx_lines(content: bytes) -> Iterator[list[str]]:
    """The first worksheet's lines as cells, read piece by piece (``XlsxReader``).

    Before anything is parsed, the zip directory says how large the parts are unpacked: a file of a few
    hundred kilobytes can unpack to a sheet of a million rows. The directory cannot understate it: Python's
    zip reader stops at the sizes it states."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _(
                "The XLSX file is too large unpacked (more than %(max)s MB). Please save only the table, "
                "with at most %(rows)s rows."
            )
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024), "rows": MAX_ROWS}
        )
    return XlsxReader(content).lines()


# --- XLSX, read by hand --------------------------------------------------------------------------------------

#: The workbook and its list of parts are read to find the first worksheet; a real one has a few kilobytes.
MAX_INDEX_BYTES = 1024 * 1024
#: Excel's own limit of the text in one cell.
MAX_CELL_CHARS = 32_767
#: Shared strings kept at most: more than the rows and columns that are read can use.
MAX_SHARED_STRINGS = MAX_ROWS * MAX_COLUMNS
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_PARTS = "xl/_rels/workbook.xml.rels"


class _Unreadable(Exception):
    """The XLSX file breaks a rule of the reader: refused as unreadable."""


class _CellTooLong(Exception):
    pass


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace (expat gives ``"namespace name"``)."""
    return name.rpartition(" ")[2]


def _number(text: str) -> str:
    """A number cell as openpyxl shows it: a whole number without, a fraction with a decimal point."""
    try:
        return str(float(text) if any(mark in text for mark in ".eE") else int(text))
    except ValueError:
        return text


def _column(reference: str) -> int | None:
    """The column index (0 for A) of a cell reference such as ``AB12``."""
    letters = reference.rstrip("0123456789")
    if not letters or not letters.isascii() or not letters.isalpha():
        return None
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


class _Handler:
    """Receives one part's elements and text from expat; ``done`` once it has what it needs."""

    done = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Parts(_Handler):
    """A list of relationships: id → (type, part name)."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            self.found[attributes.get("Id", "")] = (attributes.get("Type", ""), posixpath.normpath(part))

    def of_type(self, kind: str) -> list[str]:
        return [part for type_, part in self.found.values() if type_.endswith(f"/{kind}")]


class _Sheets(_Handler):
    """The workbook's sheets in their order, by relationship id; what follows them (names, links) is not read."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "sheet":
            self.ids.extend(value for key, value in attributes.items() if " " in key and _local(key) == "id")

    def end(self, name: str) -> None:
        if _local(name) == "sheets":
            self.done = True


class _Text(_Handler):
    """Collects the text of ``t`` elements (not of phonetic guides, ``rPh``) up to ``MAX_CELL_CHARS``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.in_text = False
        self.in_value = False
        self.phonetic = 0

    def collect(self, data: str) -> None:
        self.length += len(data)
        if self.length > MAX_CELL_CHARS:
            raise _CellTooLong
        self.parts.append(data)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.length = [], 0
        return text

    def text(self, data: str) -> None:
        if self.in_value or (self.in_text and not self.phonetic):
            self.collect(data)


class _SharedStrings(_Text):
    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if local == "t":
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si":
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise _Unreadable("too many shared strings")
            self.strings.append(self.take())


class _Rows(_Text):
    """A worksheet's rows: ``pending`` holds (row number, cells) of the rows read so far and not yet taken."""

    def __init__(self, strings: list[str]) -> None:
        super().__init__()
        self.strings = strings
        self.pending: list[tuple[int, list[str]]] = []
        self.number = 0
        self.cells: dict[int, str] = {}
        self.column = -1
        self.kind = "n"
        self.in_cell = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            given = attributes.get("r", "")
            self.number = int(given) if given.isascii() and given.isdigit() and len(given) <= 9 else self.number + 1
            self.cells, self.column = {}, -1
        elif local == "c":
            column = _column(attributes.get("r", ""))
            self.column = column if column is not None else self.column + 1
            self.kind = attributes.get("t", "n")
            self.in_cell = True
            self.take()
        elif self.in_cell and local == "v":
            self.in_value = True
        elif self.in_cell and local == "t":
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "v":
            self.in_value = False
        elif local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            self.in_cell = False
            value = self._value(self.take())
            if value and self.column < MAX_COLUMNS:
                self.cells[self.column] = value
        elif local == "row":
            line = [""] * (max(self.cells) + 1 if self.cells else 0)
            for column, value in self.cells.items():
                line[column] = value
            self.pending.append((self.number, line))

    def _value(self, text: str) -> str:
        if self.kind == "s":
            try:
                return self.strings[int(text)].strip()
            except (ValueError, IndexError):
                raise _Unreadable("a shared string that does not exist") from None
        if self.kind == "b":
            return "True" if text.strip() == "1" else "False"
        if self.kind in {"inlineStr", "str", "e", "d"}:
            return text.strip()
        return _number(text.strip()) if text.strip() else ""


class XlsxReader:
    """The text of an XLSX file's first worksheet, line by line: only the workbook, its list of parts, the
    shared strings and that sheet are read, each piece by piece with expat, and nothing else in the file
    (formats, charts, names, other sheets), which could be made to cost any amount of memory or time.

    Cells are read as their text: numbers as openpyxl shows them, truth values as ``True``/``False``, a formula
    by its last result; a date is the number Excel stores (the import has no date columns). A part with a
    document type (entities) is refused, as Excel never writes one."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def lines(self) -> Iterator[list[str]]:
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                parts = _Parts()
                self._read_whole(archive, _WORKBOOK_PARTS, parts, limit=MAX_INDEX_BYTES)
                sheets = _Sheets()
                self._read_whole(archive, _WORKBOOK, sheets, limit=MAX_INDEX_BYTES)
                worksheets = set(parts.of_type("worksheet"))
                found = [parts.found[key][1] for key in sheets.ids if parts.found.get(key, ("", ""))[1] in worksheets]
                if not found:
                    raise FileRefused(_("The XLSX file holds no worksheet."))
                strings = _SharedStrings()
                for name in parts.of_type("sharedStrings")[:1]:
                    self._read_whole(archive, name, strings)
                rows = _Rows(strings.strings)
                expected = 1
                for _piece in self._feed(archive, found[0], rows):
                    for number, line in rows.pending:
                        while expected < number:  # the empty rows the sheet leaves out
                            yield []
                            expected += 1
                        yield line
                        expected = max(expected, number) + 1
                    rows.pending = []
        except _CellTooLong:
            raise FileRefused(_("The file cannot be read as a table: one of its cells is too long.")) from None
        except (_Unreadable, pyexpat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error) as exc:
            raise FileRefused(_("The XLSX file cannot be read.")) from exc
        except (RuntimeError, NotImplementedError) as exc:  # a part that is encrypted, or packed in an unknown way
            raise FileRefused(_("The XLSX file cannot be read.")) from exc

    def _read_whole(self, archive: zipfile.ZipFile, name: str, handler: _Handler, limit: int | None = None) -> None:
        for _piece in self._feed(archive, name, handler, limit=limit):
            if handler.done:
                return

    @staticmethod
    def _feed(archive: zipfile.ZipFile, name: str, handler: _Handler, limit: int | None = None) -> Iterator[None]:
        """Give part ``name`` to ``handler`` piece by piece, pausing after each piece."""
        parser = pyexpat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        parser.StartDoctypeDeclHandler = _refuse_document_type
        read = 0
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                read += len(chunk)
                if limit is not None and read > limit:
                    raise _Unreadable(f"{name} is larger than {limit} bytes")
                parser.Parse(chunk, False)
                yield
        parser.Parse(b"", True)
        yield


def _refuse_document_type(*args: object) -> None:
    raise _Unreadable("a document type (entities)")


def read_table(content: bytes) -> list[list[str]]:
    """The file's rows as text cells, the header first, empty lines left out.

    The file is read line by line and refused as soon as it has more than ``MAX_ROWS`` rows below its
    header, or more than ``MAX_LINES`` lines with the empty ones: never read whole."""
    if len(content) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 5 MB."))
    if not content.strip():
        raise FileRefused(_("The file is empty."))
    lines = _xlsx_lines(content) if sniff(content) == "xlsx" else _csv_lines(content)
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(lines, start=1):
            if number > MAX_LINES:
                raise FileRefused(_("The file has more than %(max)s lines (empty ones counted).") % {"max": MAX_LINES})
            if not any(row):
                continue
            if len(rows) > MAX_ROWS:  # the header and MAX_ROWS rows are read; this is one more
                raise FileRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            rows.append(row)
    finally:
        lines.close()  # the workbook is closed at once, also when the file is refused half-way
    if len(rows) < 2:
        raise FileRefused(_("The file has no rows below its header."))
    return rows


def _columns_for(header: list[str], columns: tuple[Column, ...]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    for index, title in enumerate(header):
        lowered = title.strip().lower()
        for column in columns:
            if lowered in column.headers and column not in found.values():
                found[index] = column
                break
    return found


def _convert(column: Column, value: str, row: Row) -> object:
    if column.kind == "bool":
        lowered = value.strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        row.errors.append(_("“%(value)s” is not yes or no.") % {"value": value})
        return None
    if column.kind == "kind":
        lowered = value.strip().lower()
        for key, label in Organisation.Kind.choices:
            if lowered in {key, str(label).lower()}:
                return key
        if not lowered:
            return Organisation.Kind.OTHER
        row.errors.append(_("“%(value)s” is not a known kind of organisation.") % {"value": value})
        return None
    return value


@dataclass
class Preview:
    kind: str
    rows: list[Row]
    unknown_headers: list[str]

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]


KINDS: dict[str, tuple[tuple[Column, ...], str]] = {
    "organisations": (ORGANISATION_COLUMNS, "name"),
    "persons": (PERSON_COLUMNS, "last_name"),
}
KIND_LABELS = {"organisations": gettext_lazy("Organisations"), "persons": gettext_lazy("Persons")}


def _form_errors(form: forms.BaseForm) -> Iterator[str]:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            yield f"{label}: {error}" if label else str(error)


def check_rows(*, area: Quartier, kind: str, table: list[list[str]]) -> Preview:
    """Check every row of ``table`` for ``kind`` in ``area``; nothing is written."""
    columns, required = KINDS[kind]
    header, body = table[0], table[1:]
    mapping = _columns_for(header, columns)
    if required not in {column.field for column in mapping.values()}:
        wanted = next(column for column in columns if column.field == required).headers[0]
        raise FileRefused(_("The header has no column “%(column)s”.") % {"column": wanted.capitalize()})
    unknown = [title for index, title in enumerate(header) if index not in mapping and title]
    seen_names: set[str] = set()
    rows = []
    for offset, cells in enumerate(body, start=2):
        row = Row(number=offset, values={})
        for index, column in mapping.items():
            value = cells[index] if index < len(cells) else ""
            row.values[column.field] = value
            converted = _convert(column, value, row)
            if converted is not None:
                row.data[column.field] = converted
        if row.ok:
            _check_with_form(area=area, kind=kind, row=row, seen_names=seen_names)
        rows.append(row)
    return Preview(kind=kind, rows=rows, unknown_headers=unknown)


def _check_with_form(*, area: Quartier, kind: str, row: Row, seen_names: set[str]) -> None:
    if kind == "organisations":
        data = {"kind": Organisation.Kind.OTHER, "inside_area": True, "active": True, **row.data}
        form: forms.BaseForm = OrganisationForm(
            data={key: value for key, value in data.items() if value is not False}, area=area
        )
        key = str(row.data.get("name", "")).strip().lower()
        if key and key in seen_names:
            row.errors.append(_("The same name appears earlier in the file."))
            return
        seen_names.add(key)
    else:
        form = PersonImportForm(data={key: value for key, value in row.data.items() if value is not False})
    if not form.is_valid():
        row.errors.extend(_form_errors(form))
        return
    row.data = {name: form.cleaned_data[name] for name in row.data}
    if kind == "organisations":
        row.data.setdefault("kind", form.cleaned_data["kind"])


def import_rows(*, area: Quartier, kind: str, table: list[list[str]], create: Callable[[dict], object]) -> Preview:
    """Check the rows again (the area may have changed since the preview) and create the valid ones."""
    preview = check_rows(area=area, kind=kind, table=table)
    for row in preview.valid:
        try:
            create(row.data)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
    return preview
