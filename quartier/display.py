"""Values of long lists and tables made ready for the templates once per page, as the template filters would show
them: the ISEK's measures and financing, the contact notes, the applications. A page has hundreds of cells, and a
filter or a method call per cell (``floatformat``, ``date``, ``get_FOO_display``, ``{% url %}``) costs more than the
rest of the page.

The rows of the longest tables are written with ``HtmlPattern``: their HTML once as a pattern in Python, filled with
escaped values, as the template would write them at a fraction of its cost (a template variable costs about 3 µs, a
table of 50 rows has 600 of them)."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from string import Formatter

from django.template.defaultfilters import floatformat
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import localtime

from quartier.navigation import area_url

CENT = Decimal("0.01")
NO_DATE = "–"


def money_formatter(places: int = 2) -> Callable[[Decimal], str]:
    """A function that writes an amount exactly as ``{{ amount|floatformat:"2g" }}`` does in the active language
    (rounded half up to cents, with thousands separators), at a fraction of its cost; with ``places=0`` as
    ``floatformat:"0g"`` (whole euros)."""
    grouping = get_format("NUMBER_GROUPING")
    if grouping != 3:  # a grouping Python's format cannot write: the filter itself
        return lambda amount: str(floatformat(amount, f"{places}g"))
    separators = str.maketrans({",": get_format("THOUSAND_SEPARATOR"), ".": get_format("DECIMAL_SEPARATOR")})
    step = Decimal(1).scaleb(-places)

    def money(amount: Decimal) -> str:
        rounded = Decimal(amount).quantize(step, ROUND_HALF_UP)
        if not rounded:
            rounded = abs(rounded)  # no "-0,00"
        return f"{rounded:,.{places}f}".translate(separators)

    return money


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one decimal place; ``None`` when ``whole`` is nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def month(day: datetime.date | None) -> str:
    """``{{ day|date:"m/Y"|default:"–" }}``."""
    return f"{day.month:02d}/{day.year:04d}" if day else NO_DATE


def short_dates() -> tuple[Callable[[datetime.date | None], str], Callable[[datetime.datetime | None], str]]:
    """Functions that write a date and a date with time as ``date:"SHORT_DATE_FORMAT"`` and
    ``date:"SHORT_DATETIME_FORMAT"`` do in the active language and time zone ("" for none)."""
    short_date, short_datetime = (
        date_writer(get_format("SHORT_DATE_FORMAT")),
        date_writer(get_format("SHORT_DATETIME_FORMAT")),
    )

    def day(value: datetime.date | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = localtime(value)
        return short_date(value)

    def moment(value: datetime.datetime | None) -> str:
        return "" if value is None else short_datetime(localtime(value))

    return day, moment


#: The format characters a ``date_writer`` writes itself, as ``django.utils.dateformat`` writes them.
_NUMBERS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}


def date_writer(date_format: str) -> Callable[[datetime.date], str]:
    """A function that writes a date (or a date with time, already in its time zone) as
    ``django.utils.dateformat.format(value, date_format)`` does. A format of numbers and separators only (German's
    "d.m.Y H:i") is written by ``str.format``, a tenth of the cost of Django's formatter (a list writes a date or
    two a row); any other format by Django's."""
    pattern = []
    for char in date_format:
        if char in _NUMBERS:
            pattern.append(_NUMBERS[char])
        elif char.isalpha() or char == "\\":  # a name, a time zone, an escaped letter: Django's formatter
            return lambda value: format_date(value, date_format)
        else:
            pattern.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(pattern).format


def url_maker(name: str, slug: str) -> Callable[[int], str]:
    """A function from a primary key to the URL ``name`` of the area ``slug`` with that key, as
    ``{% area_url name slug pk %}`` makes it; no ``reverse`` per row (``quartier.navigation.area_url``)."""
    marker = 271828182
    head, tail = area_url(name, slug, marker).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def number_cells(texts: list[str]) -> SafeString:
    """``{% for text in texts %}<td class="num">{{ text }}</td>{% endfor %}``, for the financing table's runs of
    one cell per source: a loop in the template costs ten times as much (each text escaped by ``escape_text``)."""
    return mark_safe("".join(f'<td class="num">{escape_text(text)}</td>' for text in texts))  # noqa: S308  # escaped  # nosec B308, B703


_SPECIAL = re.compile("[&<>\"']").search


def escape_text(text: str) -> str:
    """``html.escape(text)`` (what Django's ``escape`` writes, without its checks for lazy strings); a text without
    any of ``&<>"'``, most of a table's or a filter bar's, is left as it is, unscanned."""
    return html.escape(text) if _SPECIAL(text) else text


def escaped(value: object) -> str:
    """``value`` as ``{{ value }}`` writes it into HTML: safe strings as they are, ``None`` as nothing, anything
    else as its text escaped (``escape_text``)."""
    kind = type(value)
    if kind is str:  # most of a table's values: checked first, as cheaply as can be
        return html.escape(value) if _SPECIAL(value) else value
    if kind is int:  # digits need no escaping
        return str(value)
    if isinstance(value, SafeData):
        return str(value)
    return "" if value is None else escape_text(str(value))


def joined(parts: Iterable[object], separator: str = "") -> SafeString:
    """``parts`` one after another as HTML, as ``{% for part in parts %}{{ part }}{% endfor %}`` writes them: safe
    strings (``HtmlPattern``s' results) as they are, anything else escaped (``escaped``); ``separator`` is markup."""
    return SafeString(separator.join(map(escaped, parts)))  # every part escaped or safe already  # nosec B703


def sentence(translated: str, **values: object) -> SafeString:
    """``translated`` (a message as ``gettext`` gave it) filled with ``values`` escaped, as ``{% blocktranslate with
    … %}`` writes it: the translation as it is, the values escaped."""
    return SafeString(translated % {name: escaped(value) for name, value in values.items()})  # values escaped  # nosec B703


class HtmlPattern:
    """A piece of HTML written once with ``{name}`` fields (``str.format`` syntax, plain names only), filled with
    escaped values: ``ROW = HtmlPattern('<tr><td>{title}</td></tr>')``, then ``ROW(title=measure.title)``.

    For the rows of the long tables, where the template's loop would cost more than the rest of the page; each
    value is escaped as ``{{ value }}`` escapes it (``escaped``), so a value never becomes markup unless it is a
    safe string already (another pattern's result, ``format_html``)."""

    def __init__(self, pattern: str) -> None:
        fields = {field for _text, field, _spec, _conversion in Formatter().parse(pattern) if field is not None}
        if any(not field.isidentifier() for field in fields):
            raise ValueError(f"HtmlPattern fields are plain names: {sorted(fields)}")
        self.pattern = pattern
        self.fields = frozenset(fields)

    def __call__(self, **values: object) -> SafeString:
        if values.keys() != self.fields:
            raise TypeError(f"HtmlPattern needs exactly {sorted(self.fields)}, got {sorted(values)}")
        filled = self.pattern.format_map({name: escaped(value) for name, value in values.items()})
        return SafeString(filled)  # every value escaped  # nosec B703
