"""The pieces every list's FilterSet (``*/filters.py``) is built from: a filter bar written without templates and
filters whose choices cost no query or one plain query."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from quartier import dates
from quartier.forms import OneQueryChoiceField, QuickFilterForm, ReferenceChoiceField

#: The label of a filter's empty choice.
ALL = _("all")


class ListFilterSet(django_filters.FilterSet):
    """The base of every list's filters: the form is a ``QuickFilterForm`` (each widget written without
    templates). A value that is not valid is left out: ``qs`` narrows by the valid ones only, and the form
    shows why (``quartier.lists.list_page``)."""

    class Meta:
        form = QuickFilterForm


class SearchFilter(django_filters.CharFilter):
    """The search box (``q``) of a list: its ``method`` decides how the words are matched."""

    def __init__(self, *, method: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        super().__init__(method=method, **kwargs)


class ChoiceFilter(django_filters.ChoiceFilter):
    """One of a fixed set of choices, "all" first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", ALL)
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)


class ReferenceFilter(django_filters.Filter):
    """A field of action or a target group from the cached reference data (``quartier.reference``):
    neither showing nor using the filter asks the database. ``reference`` and ``queryset`` as for
    ``quartier.forms.ReferenceChoiceField``."""

    field_class = ReferenceChoiceField


class ModelFilter(django_filters.ModelChoiceFilter):
    """A choice of the area's objects (the FilterSet sets ``queryset`` on its copy of the filter), read in one plain
    query."""

    field_class = OneQueryChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, **kwargs)


class CheckboxFilter(django_filters.Filter):
    """A checkbox; its ``method`` is called whether it is ticked (True) or not (False)."""

    field_class = forms.BooleanField


class DateFilter(django_filters.Filter):
    """A day within the sane range (``quartier.dates.DateField``), with the browser's date picker."""

    field_class = dates.DateField
