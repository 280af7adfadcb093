"""Import of organisations and persons from CSV or XLSX: read, check every row, import the valid ones.

The file's type is judged from its content, not its name. Each row is checked
with the same rules as the forms, every column of it (a row lists all its
errors, each with its column); a row is imported whole or not at all, and the
valid rows are imported while the others are listed with their errors.

The import reads the project's own exports back (the organisation and person
lists, CSV or XLSX): a row is matched to the record it came from, so a file
exported, corrected and imported again changes those records instead of
doubling them. How a row is matched, in this order:

- by its number (column "Nr.", which the exports write first): the record of
  this area with that number; a number this area does not have is an error
  of the row (never a record of another area);
- an organisation by its name (ignoring case and surrounding space), as the
  form's duplicate check does;
- a person by their e-mail address (ignoring case), else by first and last
  name; a name or address that several persons share is an error of the row,
  which then needs the number.

A matched row changes only the columns the file has; one that changes nothing
is left alone. Columns of the export that describe other records (a person's
organisations, their legal basis) are listed as not read.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import pyexpat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.forms.organisations import OrganisationForm
from actors.models import Organisation, Person
from quartier.models import FieldOfAction, Quartier

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


#: What the import does with a row (``Row.action``).
CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"


@dataclass
class Row:
    number: int  # the line in the file (the header is line 1)
    values: dict[str, str]
    data: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = CREATE
    pk: int | None = None  # the record the row changes (UPDATE, UNCHANGED)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]  # accepted header names, lower case (the export's German header among them)
    kind: str = "text"  # text | bool | kind | number | fields


NUMBER_HEADERS = ("nr.", "nr", "nummer", "no.", "number", "id")

ORGANISATION_COLUMNS = (
    Column("pk", NUMBER_HEADERS, "number"),
    Column("name", ("name", "organisation")),
    Column("kind", ("art", "kind", "typ"), "kind"),
    Column("fields_of_action", ("handlungsfelder", "handlungsfeld", "fields of action"), "fields"),
    Column("street", ("straße und hausnummer", "straße", "strasse", "street", "street and number", "adresse")),
    Column("postcode", ("plz", "postleitzahl", "postcode")),
    Column("city", ("ort", "stadt", "city")),
    Column("inside_area", ("im gebiet", "inside area", "inside the area", "inside_area"), "bool"),
    Column("email", ("e-mail-adresse", "e-mail", "email", "email address")),
    Column("phone", ("telefon", "phone", "tel")),
    Column("website", ("website", "webseite", "internet")),
    Column("description", ("beschreibung", "description")),
    Column("active", ("aktiv", "active"), "bool"),
)

PERSON_COLUMNS = (
    Column("pk", NUMBER_HEADERS, "number"),
    Column("first_name", ("vorname", "first name", "first_name")),
    Column("last_name", ("nachname", "name", "last name", "last_name")),
    Column("email", ("e-mail-adresse", "e-mail", "email", "email address")),
    Column("phone", ("telefon", "phone", "tel")),
    Column("address", ("adresse", "anschrift", "address")),
    Column(
        "is_resident",
        ("wohnt im gebiet", "bewohner*in", "bewohnerin", "resident", "lives in the area"),
        "bool",
    ),
    Column("languages", ("sprachen", "languages")),
    Column("is_key_person", ("schlüsselperson", "schluesselperson", "key person"), "bool"),
)

#: The fields a person row may set (the number only finds the person).
PERSON_IMPORT_FIELDS = [column.field for column in PERSON_COLUMNS if column.field != "pk"]


class PersonImportForm(forms.ModelForm):
    """The rules a person row must meet. Imported persons have no recorded legal basis yet:
    they appear on the GDPR review list until the office records one."""

    class Meta:
        model = Person
        fields = PERSON_IMPORT_FIELDS


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


def _convert(column: Column, value: str, errors: list[str], *, fields: dict[str, int]) -> object:
    """``value`` as the field of ``column`` takes it; ``None`` (and a message in ``errors``) if it cannot be."""
    if column.kind == "bool":
        lowered = value.strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        errors.append(_("“%(value)s” is not yes or no.") % {"value": value})
        return None
    if column.kind == "kind":
        lowered = value.strip().lower()
        for key, label in Organisation.Kind.choices:
            if lowered in {key, str(label).lower()}:
                return key
        if not lowered:
            return Organisation.Kind.OTHER
        errors.append(_("“%(value)s” is not a known kind of organisation.") % {"value": value})
        return None
    if column.kind == "number":
        text = value.strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            errors.append(_("“%(value)s” is not a number.") % {"value": value})
        return int(text) if not errors else None
    if column.kind == "fields":
        chosen: list[int] = []
        for name in (part.strip() for part in value.split(",")):
            if not name:
                continue
            if name.lower() not in fields:
                errors.append(_("“%(value)s” is not a known field of action.") % {"value": name})
            else:
                chosen.append(fields[name.lower()])
        return chosen if not errors else None
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

    def counted(self, action: str) -> int:
        return sum(1 for row in self.valid if row.action == action)

    @property
    def created(self) -> int:
        return self.counted(CREATE)

    @property
    def updated(self) -> int:
        return self.counted(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.counted(UNCHANGED)


KINDS: dict[str, tuple[tuple[Column, ...], str]] = {
    "organisations": (ORGANISATION_COLUMNS, "name"),
    "persons": (PERSON_COLUMNS, "last_name"),
}
KIND_LABELS = {"organisations": gettext_lazy("Organisations"), "persons": gettext_lazy("Persons")}


def _labelled(label: str, message: object) -> str:
    return _("Column “%(column)s”: %(message)s") % {"column": label, "message": message} if label else str(message)


class _Records:
    """The area's records a row can be matched to, read once per check: by number, by name, by e-mail address.
    Organisations with their fields of action, so a matched row compares against every column."""

    def __init__(self, *, area: Quartier, kind: str) -> None:
        self.kind = kind
        self.by_pk: dict[int, Organisation | Person] = {}
        self.by_name: dict[str, list[Organisation | Person]] = {}
        self.by_email: dict[str, list[Organisation | Person]] = {}
        records: Iterable[Organisation | Person]
        if kind == "organisations":
            records = Organisation.objects.filter(area=area).prefetch_related("fields_of_action", "target_groups")
        else:
            records = Person.objects.filter(area=area, erased_at__isnull=True)
        for record in records:
            self.by_pk[record.pk] = record
            self.by_name.setdefault(self.name_key(record), []).append(record)
            if record.email:
                self.by_email.setdefault(record.email.strip().lower(), []).append(record)

    def name_key(self, record: Organisation | Person | dict[str, object]) -> str:
        def value(name: str) -> str:
            got = record.get(name, "") if isinstance(record, dict) else getattr(record, name)
            return " ".join(str(got or "").split()).lower()

        if self.kind == "organisations":
            return value("name")
        return f"{value('first_name')}|{value('last_name')}"

    def row_key(self, row: Row, record: Organisation | Person | None) -> str:
        """What makes two rows of a file the same record: its number, else (a new one) its e-mail address or
        name; empty for a row without a name."""
        if record is not None:
            return f"pk:{record.pk}"
        email = str(row.data.get("email") or "").strip().lower()
        if self.kind == "persons" and email:
            return f"email:{email}"
        name = self.name_key(row.data)
        return f"name:{name}" if name.strip("|") else ""

    def match(self, row: Row, labels: dict[str, str]) -> Organisation | Person | None:
        """The record ``row`` describes, or ``None`` for a new one; an error of the row when it cannot say."""
        number = row.data.get("pk")
        if isinstance(number, int):
            found = self.by_pk.get(number)
            if found is None:
                message = (
                    _("This area has no organisation with the number %(number)s.")
                    if self.kind == "organisations"
                    else _("This area has no person with the number %(number)s.")
                )
                row.errors.append(_labelled(labels["pk"], message % {"number": number}))
            return found
        email = str(row.data.get("email") or "").strip().lower()
        if self.kind == "persons" and email and email in self.by_email:
            candidates = self.by_email[email]
            if len(candidates) == 1:
                return candidates[0]
            row.errors.append(
                _labelled(
                    labels["email"],
                    _("Several persons have this email address; give the number (column “Nr.”) of the one meant."),
                )
            )
            return None
        candidates = self.by_name.get(self.name_key(row.data), [])
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            message = (
                _("Several organisations have this name; give the number (column “Nr.”) of the one meant.")
                if self.kind == "organisations"
                else _("Several persons have this name; give the number (column “Nr.”) of the one meant.")
            )
            row.errors.append(_labelled(labels["name" if self.kind == "organisations" else "last_name"], message))
        return None


def _current(record: Organisation | Person, fields: Iterable[str]) -> dict[str, object]:
    """The record's values of ``fields`` as a form's data holds them."""
    values: dict[str, object] = {}
    for name in fields:
        if name in {"fields_of_action", "target_groups"}:
            values[name] = [item.pk for item in getattr(record, name).all()]
        else:
            values[name] = getattr(record, name)
    return values


def check_rows(*, area: Quartier, kind: str, table: list[list[str]]) -> Preview:
    """Check every row of ``table`` for ``kind`` in ``area``; nothing is written. Each row gets all its errors
    (every column's, each with the column's header as the file names it), its ``action`` and, when it changes
    a record, the record's number and only the values that differ."""
    columns, required = KINDS[kind]
    header, body = table[0], table[1:]
    mapping = _columns_for(header, columns)
    if required not in {column.field for column in mapping.values()}:
        wanted = next(column for column in columns if column.field == required).headers[0]
        raise FileRefused(_("The header has no column “%(column)s”.") % {"column": wanted.capitalize()})
    unknown = [title for index, title in enumerate(header) if index not in mapping and title]
    labels = {column.field: header[index].strip() for index, column in mapping.items()}
    labels.setdefault("pk", "Nr.")
    records = _Records(area=area, kind=kind)
    fields = {field.name.lower(): field.pk for field in FieldOfAction.objects.all()}
    seen: dict[str, int] = {}
    rows = []
    for offset, cells in enumerate(body, start=2):
        row = Row(number=offset, values={})
        for index, column in mapping.items():
            value = cells[index] if index < len(cells) else ""
            row.values[column.field] = value
            errors: list[str] = []
            converted = _convert(column, value, errors, fields=fields)
            row.errors.extend(_labelled(labels[column.field], error) for error in errors)
            if converted is not None:
                row.data[column.field] = converted
        record = records.match(row, labels)
        _check_with_form(area=area, kind=kind, row=row, record=record, labels=labels)
        key = records.row_key(row, record)
        if key and key in seen:
            row.errors.append(
                _labelled(
                    labels[required],
                    _("Line %(line)s describes the same record already.") % {"line": seen[key]},
                )
            )
        if key:
            seen.setdefault(key, row.number)
        rows.append(row)
    return Preview(kind=kind, rows=rows, unknown_headers=unknown)


def _check_with_form(
    *, area: Quartier, kind: str, row: Row, record: Organisation | Person | None, labels: dict[str, str]
) -> None:
    """Check the row's values with the form's rules (on top of what the record holds, for a matched row) and
    keep the cleaned values that are new; every field's error goes to ``row.errors`` with its column."""
    given = {name: value for name, value in row.data.items() if name != "pk"}
    form: forms.BaseForm
    if kind == "organisations":
        fields = list(OrganisationForm.Meta.fields)
        defaults: dict[str, object] = {"kind": Organisation.Kind.OTHER, "inside_area": True, "active": True}
        before = _current(record, fields) if record is not None else defaults
        # Rows are matched to organisations by name already: the form's question about a second organisation
        # of the same name is answered by the matching.
        data = {**before, **given, "confirm_duplicate": True}
        form = OrganisationForm(data=_form_data(data), instance=record, area=area)
    else:
        before = _current(record, PERSON_IMPORT_FIELDS) if record is not None else {}
        form = PersonImportForm(data=_form_data({**before, **given}), instance=record)
    valid = form.is_valid()  # (fills ``record`` with the row's values in memory; ``before`` was read first)
    for name, errors in form.errors.items():
        if name in labels and name not in given:
            continue  # a column whose value could not be read: its error is listed already
        for error in errors:
            row.errors.append(_labelled(labels[name], error) if name in labels else str(error))
    if not valid or not row.ok:
        return
    cleaned = {name: form.cleaned_data[name] for name in given}
    if record is None:
        row.action, row.data = CREATE, cleaned
        if kind == "organisations":
            row.data.setdefault("kind", form.cleaned_data["kind"])
        return
    row.pk = record.pk
    changed = {name: value for name, value in cleaned.items() if _comparable(value) != _comparable(before[name])}
    row.action, row.data = (UPDATE, changed) if changed else (UNCHANGED, {})


def _form_data(values: dict[str, object]) -> dict[str, object]:
    """Values as a form's data: a checkbox that is off, and a value that is not there, are left out."""
    return {key: value for key, value in values.items() if value is not False and value is not None}


def _comparable(value: object) -> object:
    """A value to compare a cleaned value with a record's: the numbers of chosen objects, in order."""
    if isinstance(value, list) or hasattr(value, "model"):  # a list of numbers, or the chosen objects
        return sorted(getattr(item, "pk", item) for item in value)  # type: ignore[union-attr]
    return value


def import_rows(*, area: Quartier, kind: str, table: list[list[str]], save: Callable[[Row], object]) -> Preview:
    """Check the rows again (the area may have changed since the preview) and save the valid ones that create or
    change a record."""
    preview = check_rows(area=area, kind=kind, table=table)
    for row in preview.valid:
        if row.action == UNCHANGED:
            continue
        try:
            save(row)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
    return preview
