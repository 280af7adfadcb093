"""CSV and XLSX downloads of a table, for every list that offers an export.

A list names its columns once: a plain header is text; ``Column(header, kind)`` says what the cells hold
(``DATE``, ``DATETIME``, ``EURO``, ``NUMBER``), and the XLSX writer formats them from that alone: dates as
Excel dates in German notation, euros as numbers with a euro format, numbers as numbers, the header row bold
and frozen, the columns as wide as their content (within bounds), the sheet named after the list. No list
formats a cell itself. CSV is written as before (German decimal comma, ISO dates).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: What a column holds (``Column.kind``).
TEXT = "text"
DATE = "date"
DATETIME = "datetime"
EURO = "euro"
NUMBER = "number"

#: Excel number formats by kind: German date notation, and euros with two places and the sign after them (Excel
#: writes the separators of the reader's locale: "1.234,50 €" in Germany).
NUMBER_FORMATS = {
    DATE: "DD.MM.YYYY",
    DATETIME: "DD.MM.YYYY HH:MM",
    EURO: "#,##0.00 €",
    NUMBER: "0",
}
#: Column widths in characters: at least a short word, at most what a screen shows without scrolling far.
MIN_WIDTH = 6
MAX_WIDTH = 60
#: The width a formatted cell of a kind takes, beside its digits.
_FORMATTED_WIDTH = {DATE: 10, DATETIME: 16}
#: What Excel does not allow in a sheet's name, and its length.
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Column:
    """A column of an export: its header and what its cells hold (one of the kinds above)."""

    header: str | Promise
    kind: str = TEXT

    def __post_init__(self) -> None:
        if self.kind not in (TEXT, *NUMBER_FORMATS):
            raise ValueError(f"unknown column kind {self.kind!r}")


def euro_column(header: str | Promise) -> Column:
    return Column(header, EURO)


def date_column(header: str | Promise) -> Column:
    return Column(header, DATE)


def number_column(header: str | Promise) -> Column:
    return Column(header, NUMBER)


def _column(header: str | Promise | Column) -> Column:
    return header if isinstance(header, Column) else Column(header)


def sheet_name(title: str) -> str:
    """``title`` as a worksheet's name: without the characters Excel refuses there, at most 31 characters, not
    empty, and not starting or ending with an apostrophe."""
    name = _SHEET_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    name = " ".join(name.split())[:SHEET_NAME_LENGTH].strip().strip("'").strip()
    return name or "Tabelle"


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if not isinstance(value, (int, float, Decimal, datetime.date)):
        value = str(value)  # lazy translations and other objects become their text
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.sub("", value).startswith(_FORMULA_START):
        return "'" + value  # also behind control characters a spreadsheet program may skip
    return value


def _xlsx_cell(value: object) -> object:
    """As ``_cell``, without the control characters a worksheet cannot hold (a form or the import may have taken
    them; openpyxl refuses them, which made the whole download a server error). They go before the formula check:
    a text that starts with one and then "=" must not become a formula once it is gone."""
    if value is not None and not isinstance(value, (bool, int, float, Decimal, datetime.date)):
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return _cell(value)


def _csv_cell(value: object) -> object:
    """As ``_cell``; amounts with a decimal comma, as German spreadsheets read them from a CSV file."""
    value = _cell(value)
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")
    return value


def _typed(value: object, kind: str) -> tuple[object, str | None]:
    """A cell's value as the XLSX writer stores it for a column of ``kind``, and its number format (``None``:
    as it is). A date in a text column still gets a date format, and a time is always the time in Berlin as the
    pages show it (Excel has no time zones; openpyxl refuses aware times)."""
    if value is None or value == "" or isinstance(value, bool):
        return value, None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        if kind == DATE:
            return value.date(), NUMBER_FORMATS[DATE]
        return value, NUMBER_FORMATS[DATETIME]
    if isinstance(value, datetime.date):
        return value, NUMBER_FORMATS[DATETIME if kind == DATETIME else DATE]
    if kind in (EURO, NUMBER) and isinstance(value, (int, float, Decimal)):
        return value, NUMBER_FORMATS[kind]
    return value, None


def _width(value: object, kind: str) -> int:
    """How many characters a cell needs to be read whole."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return _FORMATTED_WIDTH[DATE if kind == DATE else DATETIME]
    if isinstance(value, datetime.date):
        return _FORMATTED_WIDTH[DATETIME if kind == DATETIME else DATE]
    if kind == EURO and isinstance(value, (int, float, Decimal)):
        digits = len(f"{abs(value):,.2f}")
        return digits + 3  # the minus sign, the space and the euro sign
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _xlsx_sheet(
    workbook: Workbook, *, title: str, columns: Sequence[Column], rows: list[list[object]]
) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(sheet_name(title))
    widths = [len(str(column.header)) + 2 for column in columns]  # the bold header needs a little more
    for row in rows:
        for index, column in enumerate(columns[: len(row)]):
            widths[index] = max(widths[index], _width(row[index], column.kind))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 1, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(column.header))
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells: list[object] = []
        for index, value in enumerate(row):
            kind = columns[index].kind if index < len(columns) else TEXT
            typed, number_format = _typed(value, kind)
            if number_format is None:
                cells.append(_xlsx_cell(typed))
            else:
                cell = WriteOnlyCell(sheet, value=typed)
                cell.number_format = number_format
                cells.append(cell)
        sheet.append(cells)
    return sheet


def table_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str | Promise | Column],
    rows: Iterable[Sequence[object]],
    fmt: str,
) -> HttpResponse:
    """``rows`` under ``headers`` as ``filename.csv`` (semicolons, UTF-8 with BOM, as Excel in Germany
    expects) or ``filename.xlsx`` with one worksheet named ``title`` (the list's name), its cells formatted by
    the kinds of the columns (``Column``)."""
    columns = [_column(header) for header in headers]
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        # The widths are known once every row was seen: the rows are held (a list's export is a few thousand).
        _xlsx_sheet(workbook, title=title, columns=columns, rows=[list(row) for row in rows])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        buffer_text = io.StringIO()
        writer = csv.writer(buffer_text, delimiter=";")
        writer.writerow([str(column.header) for column in columns])
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
        response = HttpResponse("\ufeff" + buffer_text.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
