"""The one way a form picks persons and organisations: a searchable picker (``quartier.pickers``) of the area's
records, labelled so that same-named ones can be told apart (``actors.selectors.pickers``)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from actors.selectors.pickers import (
    Choice,
    Kept,
    organisation_choices,
    person_choices,
    pickable_organisations,
    pickable_persons,
)
from quartier.models import Quartier
from quartier.pickers import use_picker


def person_picker(
    field: forms.ModelChoiceField, *, area: Quartier, keep: Kept = (), choices: list[Choice] | None = None
) -> None:
    """``field`` picks persons of ``area`` whose data was not erased (or ``keep``, those the record links already);
    ``choices`` when read once for several forms (a formset)."""
    field.queryset = pickable_persons(area, keep=keep)
    options = choices if choices is not None else person_choices(area, keep=keep)
    use_picker(field, url=reverse("person_options", args=[area.slug]), choices=options)


def organisation_picker(field: forms.ModelChoiceField, *, area: Quartier, choices: list[Choice] | None = None) -> None:
    """``field`` picks organisations of ``area``; ``choices`` when read once for several forms (a formset)."""
    field.queryset = pickable_organisations(area)
    options = choices if choices is not None else organisation_choices(area)
    use_picker(field, url=reverse("organisation_options", args=[area.slug]), choices=options)
