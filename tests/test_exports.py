"""The XLSX writer of every list's export (quartier.exports.table_response): cells typed by their column, the
header bold and frozen, the columns as wide as their content within bounds, the sheet named after the list."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from quartier.exports import (
    MAX_WIDTH,
    Column,
    date_column,
    euro_column,
    number_column,
    sheet_name,
    table_response,
)


def workbook_of(*, title: str = "Anträge", headers: list, rows: list[list[object]]):
    response = table_response(filename="liste", title=title, headers=headers, rows=rows, fmt="xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="liste.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def test_dates_are_excel_dates_in_german_notation_and_euros_numbers_with_a_euro_format() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    submitted = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)  # 23:30 in Berlin
    sheet = workbook_of(
        headers=[number_column("Nr."), "Titel", date_column("Eingereicht"), euro_column("Beantragt (€)"), "Wann"],
        rows=[[7, "Sommerfest", datetime.date(2026, 2, 28), Decimal("1234.50"), submitted]],
    ).active
    number, title, day, amount, when = sheet[2]
    assert (number.value, number.number_format) == (7, "0")
    assert title.value == "Sommerfest" and title.number_format == "General"
    assert day.is_date and day.value == datetime.datetime(2026, 2, 28) and day.number_format == "DD.MM.YYYY"
    assert amount.value == Decimal("1234.5") or amount.value == 1234.5
    assert amount.number_format == "#,##0.00 €" and amount.data_type == "n"
    # A time has no zone in Excel: the time in Berlin, as the pages show it, with a date format even untyped.
    assert when.value == submitted.astimezone(berlin).replace(tzinfo=None) and when.number_format == "DD.MM.YYYY HH:MM"


def test_the_header_row_is_bold_and_frozen_and_empty_cells_stay_empty() -> None:
    sheet = workbook_of(headers=["Name", euro_column("Betrag (€)")], rows=[["A", None], ["B", ""]]).active
    assert [cell.font.b for cell in sheet[1]] == [True, True]
    assert [cell.font.b for cell in sheet[2]] == [False, False]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value is None and sheet["B3"].value is None


def test_columns_are_as_wide_as_their_content_within_bounds() -> None:
    sheet = workbook_of(
        headers=["Nr", "Name", date_column("Tag"), euro_column("€")],
        rows=[[1, "x" * 500, datetime.date(2026, 1, 1), Decimal("1234567.89")], [2, "kurz", None, Decimal("1")]],
    ).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == 6  # at least a short word
    assert widths["B"] == MAX_WIDTH  # a long text is cut off, not a column across many screens
    assert 10 <= widths["C"] <= 14  # "01.01.2026"
    assert 15 <= widths["D"] <= 18  # "1.234.567,89 €"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Organisationen", "Organisationen"),
        ("Finanzierung: Plan/Ist [2026]?*", "Finanzierung Plan Ist 2026"),
        ("Geplante Kosten, Finanzierung und Ausgaben je Jahr", "Geplante Kosten, Finanzierung u"),
        ("'Zitat'", "Zitat"),
        (":::", "Tabelle"),
    ],
)
def test_a_sheet_is_named_after_its_list_without_what_excel_refuses(title: str, name: str) -> None:
    assert sheet_name(title) == name and len(name) <= 31
    assert workbook_of(title=title, headers=["A"], rows=[["x"]]).sheetnames == [name]


def test_csv_stays_as_it_was_with_decimal_commas_and_iso_dates() -> None:
    response = table_response(
        filename="liste",
        title="Liste",
        headers=[date_column("Tag"), euro_column("Betrag (€)"), Column("Text")],
        rows=[[datetime.date(2026, 1, 2), Decimal("12.50"), "=1+1"]],
        fmt="csv",
    )
    assert response.content.decode("utf-8-sig") == "Tag;Betrag (€);Text\r\n2026-01-02;12,50;'=1+1\r\n"


def test_an_unknown_column_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Column("x", "currency")
