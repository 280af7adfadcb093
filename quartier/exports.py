"""CSV and XLSX downloads of a table, for every list that offers an export."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if not isinstance(value, (int, float, Decimal, datetime.date)):
        value = str(value)  # lazy translations and other objects become their text
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx_cell(value: object) -> object:
    """As ``_cell``, without the control characters a worksheet cannot hold (a form or the import may have taken
    them; openpyxl refuses them, which made the whole download a server error)."""
    value = _cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _csv_cell(value: object) -> object:
    """As ``_cell``; amounts with a decimal comma, as German spreadsheets read them from a CSV file."""
    value = _cell(value)
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")
    return value


def table_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]], fmt: str
) -> HttpResponse:
    """``rows`` under ``headers`` as ``filename.csv`` (semicolons, UTF-8 with BOM, as Excel in Germany
    expects) or ``filename.xlsx``."""
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([_xlsx_cell(header) for header in headers])
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        buffer_text = io.StringIO()
        writer = csv.writer(buffer_text, delimiter=";")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
        response = HttpResponse("\ufeff" + buffer_text.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
