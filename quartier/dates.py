"""The dates a person can enter: one definition of their sane range, used by every date and datetime field.

Python's dates reach from the year 1 to 9999, PostgreSQL's further; at the ends, a time zone shift, a day
added or a year's end computed overflows, and the page that does it fails (meetings, the approval letter, the
calendar feed, the audit log's filter did). Nobody in a neighbourhood office means such a date: every date and
datetime a person types is refused outside its range, with a German message that names it, and the browser's
date picker gets the same ends through ``min`` and ``max``.

* ``EVENTS`` (1990–2100): events, meetings, ballots, payments, receipts, projects, contacts, the ISEK's dates
  and the history's filters. The programme began in 1999.
* ``HISTORY`` (1900–2100): what began long before the office, where a model needs it (a person's affiliation
  with an organisation, an organisation's membership in a network).

Form fields: ``DateField``, ``HistoryDateField``, ``DateTimeField`` (for the office and the public form),
``SplitDateTimeField`` (the admin's); a ModelForm gets them through ``Meta.formfield_callback = formfield``.
``tests/test_date_ranges.py`` walks every form of the project and fails when a date field has no range.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DateRange:
    """The first and the last day a date may fall on."""

    first: datetime.date
    last: datetime.date

    def first_moment(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time.min))

    def last_moment(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.last, datetime.time.max))

    def __contains__(self, value: object) -> bool:
        if isinstance(value, datetime.datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            return self.first_moment() <= value <= self.last_moment()
        if isinstance(value, datetime.date):
            return self.first <= value <= self.last
        return False

    def message(self) -> str:
        return _("Enter a date between %(first)s and %(last)s.") % {
            "first": date_format(self.first, "SHORT_DATE_FORMAT"),
            "last": date_format(self.last, "SHORT_DATE_FORMAT"),
        }

    def check(self, value: datetime.date | None) -> None:
        """Raise a ``ValidationError`` (code ``date_range``) when ``value`` lies outside; ``None`` passes."""
        if value is not None and value not in self:
            raise ValidationError(self.message(), code="date_range")


EVENTS = DateRange(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31))
HISTORY = DateRange(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))


class RangeValidator:
    """The validator every ranged field carries; ``range_of`` finds it."""

    def __init__(self, date_range: DateRange) -> None:
        self.date_range = date_range

    def __call__(self, value: datetime.date | None) -> None:
        self.date_range.check(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RangeValidator) and other.date_range == self.date_range

    def __hash__(self) -> int:
        return hash(self.date_range)


def range_of(field: forms.Field) -> DateRange | None:
    """The range ``field`` keeps its dates in, or ``None`` when it has none."""
    for validator in field.validators:
        if isinstance(validator, RangeValidator):
            return validator.date_range
    return None


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker (ISO, without seconds)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or "%Y-%m-%dT%H:%M")


class _Ranged:
    """Adds the range's validator, and ``min`` / ``max`` on the widget, to a date or datetime form field."""

    date_range: DateRange = EVENTS
    html_format = "%Y-%m-%d"

    def _set_up_range(self, date_range: DateRange | None) -> None:
        if date_range is not None:
            self.date_range = date_range

    def _add_validator(self) -> None:
        self.validators.append(RangeValidator(self.date_range))  # type: ignore[attr-defined]

    def _range_attrs(self) -> dict[str, str]:
        first = datetime.datetime.combine(self.date_range.first, datetime.time.min)
        last = datetime.datetime.combine(self.date_range.last, datetime.time(23, 59))
        return {"min": first.strftime(self.html_format), "max": last.strftime(self.html_format)}


class DateField(_Ranged, forms.DateField):
    """A date within ``EVENTS`` (or the ``date_range`` given)."""

    widget = DateInput

    def __init__(self, *, date_range: DateRange | None = None, **kwargs: Any) -> None:
        self._set_up_range(date_range)
        super().__init__(**kwargs)
        self._add_validator()

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), **self._range_attrs()}


class HistoryDateField(DateField):
    """A date within ``HISTORY``: for what began long before the office."""

    date_range = HISTORY


class DateTimeField(_Ranged, forms.DateTimeField):
    """A date and time within ``EVENTS`` (or the ``date_range`` given)."""

    widget = DateTimeInput
    html_format = "%Y-%m-%dT%H:%M"

    def __init__(self, *, date_range: DateRange | None = None, **kwargs: Any) -> None:
        self._set_up_range(date_range)
        super().__init__(**kwargs)
        self._add_validator()

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), **self._range_attrs()}


class SplitDateTimeField(_Ranged, forms.SplitDateTimeField):
    """The admin's date and time field (two text inputs), within ``EVENTS``."""

    def __init__(self, *, date_range: DateRange | None = None, **kwargs: Any) -> None:
        self._set_up_range(date_range)
        super().__init__(**kwargs)
        self._add_validator()


def formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``Meta.formfield_callback`` of a ModelForm: its date and datetime fields get the ``EVENTS`` range (a form
    class named in ``Meta.field_classes``, such as ``HistoryDateField``, is kept)."""
    if "form_class" not in kwargs:
        if isinstance(db_field, models.DateTimeField):
            kwargs["form_class"] = DateTimeField
        elif isinstance(db_field, models.DateField):
            kwargs["form_class"] = DateField
    return db_field.formfield(**kwargs)


#: The admin's form fields for dates (``quartier.admin.keep_admin_dates_in_range``).
ADMIN_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.DateField: {"form_class": DateField},
    models.DateTimeField: {"form_class": SplitDateTimeField},
}
