"""What the report's sections share: their keys and titles, the rows they count in, tables for download, and the
way they order counts by field of action."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier.exports import Column
from quartier.models import FieldOfAction
from reporting.selectors import FieldKey

T = TypeVar("T")
ZERO = Decimal("0.00")
WITHOUT_FIELD = _("Without a field of action")

#: (key, label) of the report's data sections, in the order of the report.
SECTIONS: tuple[tuple[str, Promise], ...] = (
    ("summary", _("Summary")),
    ("area", _("The area and the team")),
    ("contacts", _("Contacts and concerns")),
    ("activation", _("Events and participation")),
    ("surveys", _("Surveys")),
    ("networks", _("Networks")),
    ("committees", _("Committees")),
    ("funds", _("Funds")),
    ("isek", _("Integrated development concept (ISEK)")),
    ("indicators", _("Indicators")),
)

#: What a cell of a downloaded table may hold.
Cell = str | Promise | int | Decimal | datetime.date | None


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the report, for download as CSV or XLSX (``quartier.exports.table_response``)."""

    title: str | Promise
    headers: tuple[str | Promise | Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class CountRow:
    label: str | Promise
    count: int
    key: str = ""


def names_of(fields: Iterable[FieldOfAction]) -> tuple[str, ...]:
    """The names of (prefetched, ordered) fields of action."""
    return tuple(field.name for field in fields)


def in_field_order(values: Mapping[FieldKey | None, T]) -> list[tuple[FieldKey | None, T]]:
    """``values`` by field of action in the fields' order, those without a field (``None``) last."""
    ordered = sorted((key for key in values if key is not None), key=lambda key: key.order)
    rows: list[tuple[FieldKey | None, T]] = [(key, values[key]) for key in ordered]
    if None in values:
        rows.append((None, values[None]))
    return rows


def field_label(key: FieldKey | None) -> str | Promise:
    return key.name if key is not None else WITHOUT_FIELD
