"""The searchable picker: a plain ``<select>`` (one or several) that works without JavaScript, with a search box
above it that asks the server for the options matching what is typed (htmx) and puts them into the select.

The box is hidden until ``static/js/picker.js`` shows it: without JavaScript it could do nothing. It is a labelled
``type=search`` input before the select, so the keyboard reaches the box, then the select (Tab). The options the
select holds selected are sent along and always come back selected, so a search never drops a choice. The server
side is a view per kind of record that answers with ``<option>`` elements (``actors.views.pickers``); it decides
what may be offered (the area, what the role sees), never the page.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

#: The query parameter of the search box (a name no form uses).
SEARCH = "picker_q"


class _Picker:
    url: str
    choices: Any

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        select = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"  # type: ignore[attr-defined]
        values = {"field": name}
        blank = next((str(label) for option, label in self.choices if option in ("", None)), None)
        if blank is not None:
            values["blank"] = blank
        return format_html(
            '<div class="picker"><div class="picker__search" hidden>'
            '<label for="{search_id}">{label}</label>'
            '<input type="search" id="{search_id}" name="{search}" autocomplete="off" spellcheck="false" '
            'aria-controls="{select_id}" hx-get="{url}" hx-trigger="input changed delay:300ms, search" '
            'hx-target="#{select_id}" hx-swap="innerHTML" hx-include="#{select_id}" hx-vals="{values}" '
            'hx-sync="this:replace"></div>{select}</div>',
            search_id=f"{select_id}_search",
            label=_("Search the list"),
            search=SEARCH,
            select_id=select_id,
            url=self.url,
            values=json.dumps(values),
            select=select,
        )


class PickerSelect(_Picker, forms.Select):
    def __init__(self, *, url: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url


class PickerSelectMultiple(_Picker, forms.SelectMultiple):
    def __init__(self, *, url: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url


def use_picker(field: forms.ModelChoiceField, *, url: str, choices: list[tuple[int, str]]) -> None:
    """Make ``field`` a searchable picker of ``choices`` (``(pk, label)``, read once for the form) asking ``url``.
    The field's queryset still decides what is accepted."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget_class = PickerSelectMultiple if multiple else PickerSelect
    widget = widget_class(url=url, attrs=dict(field.widget.attrs))
    widget.is_required = field.required
    field.widget = widget
    blank = [] if multiple else [("", field.empty_label if field.empty_label is not None else "---------")]
    field.choices = [*blank, *choices]
