"""The filter bars above the lists are written without templates (quartier.forms.QuickFilterForm): the same
HTML, character for character, as Django's widget templates write; their fields of action and target groups
come from the cached reference data (quartier.reference), which every write of those lists renews."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.signals import request_started
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from actors.filters import ConcernFilterSet, ContactFilterSet, NetworkFilterSet, OrganisationFilterSet
from actors.forms.networks import PictureFilterForm
from actors.models import Concern, ContactNote, Network, Organisation, TargetGroup
from demo.factories import UserFactory
from fonds.filters import ApplicationFilterSet
from fonds.models import Application
from isek.filters import MeasureFilterSet
from isek.models import Measure
from quartier import reference
from quartier.filters import HistoryFilterSet
from quartier.forms import QuickInputMixin, QuickSelect, quick_widget
from quartier.models import FieldOfAction, Quartier, User


def django_html(bound: forms.BoundField) -> str:
    """The field as Django's own widget templates write it."""
    widget = bound.field.widget
    quick = type(widget)
    if quick is QuickSelect:
        widget.__class__ = forms.Select
    elif issubclass(quick, QuickInputMixin):
        widget.__class__ = quick.__bases__[1]
    try:
        return str(bound)
    finally:
        widget.__class__ = quick


def filter_forms(area: Quartier, data: dict[str, str] | None) -> list[forms.Form]:
    data = data or {}
    return [
        OrganisationFilterSet(data, queryset=Organisation.objects.none(), area=area).form,
        ContactFilterSet(data, queryset=ContactNote.objects.none(), area=area).form,
        NetworkFilterSet(data, queryset=Network.objects.none()).form,
        PictureFilterForm(data or None),
        ConcernFilterSet(data, queryset=Concern.objects.none()).form,
        ApplicationFilterSet(data, queryset=Application.objects.none(), area=area).form,
        MeasureFilterSet(data, queryset=Measure.objects.none()).form,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'Verein "Kanal" & <Co>'},
        {
            "field_of_action": "first",
            "target_group": "first",
            "inactive": "on",
            "open": "on",
            "date_from": "2025-02-01",
        },
        {
            "field_of_action": "4711",
            "target_group": "x",
            "date_from": "kein Datum",
            "date_to": "2025-13-01",
            "kind": "<b>",
        },
        {"network": "first", "staff": "first", "location": "inside", "status": "eingereicht", "channel": "telefon"},
    ],
)
def test_the_filter_bars_are_written_as_django_writes_them(
    area: Quartier, role_users: dict[str, User], data: dict[str, str] | None
) -> None:
    Network.objects.create(area=area, name='Runder Tisch "Süd" & Co', kind=Network.Kind.choices[0][0])
    firsts = {
        "field_of_action": FieldOfAction.objects.first(),
        "target_group": TargetGroup.objects.first(),
        "network": Network.objects.filter(area=area).first(),
        "staff": role_users["gwa"],
    }
    if data:
        data = {name: str(firsts[name].pk) if value == "first" else value for name, value in data.items()}
    written = 0
    for form in filter_forms(area, data):
        for bound in form:
            assert str(bound) == django_html(bound), (type(form).__name__, bound.name)
            written += type(bound.field.widget) is not forms.Select
    assert written > 20  # the quick widgets were the ones compared


#: How includes/filters.html placed the filters with a template loop, before QuickFilterForm.filters_html wrote them.
LOOP = Template(
    """{% for field in form.filters %}{% if field.checkbox %}
      <div class="field field--checkbox">{{ field.widget }} <label for="{{ field.id }}">{{ field.label }}</label></div>
      {% else %}
      <div class="field">
        <label for="{{ field.id }}">{{ field.label }}</label>
        {{ field.widget }}
      </div>
      {% endif %}{% endfor %}"""
)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"kind": "<b>", "open": "on", "date_from": "kein Datum", "q": "x"}])
def test_the_filters_of_a_bar_are_placed_as_the_template_placed_them(
    area: Quartier, data: dict[str, str] | None
) -> None:
    for form in filter_forms(area, data):
        assert form.filters_html == LOOP.render(Context({"form": form})), type(form).__name__


def test_only_widgets_written_alike_are_made_quick() -> None:
    assert type(quick_widget(forms.Select())) is QuickSelect
    assert isinstance(quick_widget(forms.CheckboxInput()), QuickInputMixin)
    assert isinstance(quick_widget(forms.DateInput()), QuickInputMixin)
    for other in (forms.SelectMultiple(), forms.RadioSelect(), forms.Textarea(), forms.CheckboxSelectMultiple()):
        assert type(quick_widget(other)) is type(other)


def test_a_quick_input_escapes_and_writes_attributes_as_django_does() -> None:
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-x": '"quoted" & <b>'}
    for widget_class in (forms.TextInput, forms.DateInput, forms.CheckboxInput, forms.NumberInput):
        for value in (None, "", 'a "b" <c>', True, False, 12):
            expected = widget_class(attrs=attrs).render("x<", value)
            assert quick_widget(widget_class(attrs=attrs)).render("x<", value) == expected


def test_a_quick_select_writes_every_kind_of_choice_as_django_does() -> None:
    """Groups, a value twice (only the first is selected), a top-level None, numbers and markup in labels,
    several chosen values, attributes: the same characters as Django's ``select.html``."""
    choices = [
        (None, "alle"),
        ("a", 'A "1" <b>'),
        ("Gruppe <x>", [("b", 2.5), ("a", "wieder a"), (3, "drei")]),
        (4, 1234567),
        ("lazy", gettext_lazy("Kind")),
        ("safe", mark_safe("<i>schon sicher</i>")),  # a constant  # nosec B308, B703
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7)),
        (Decimal("1.5"), Decimal("1234.50")),
    ]
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-x": '"q" & <b>'}
    for value in (None, "", "a", "3", 3, ["a", "b"], "nichts", 4):
        expected = forms.Select(attrs=attrs, choices=choices).render("x<", value)
        assert quick_widget(forms.Select(attrs=attrs, choices=choices)).render("x<", value) == expected


@pytest.mark.django_db
def test_the_reference_lists_are_read_once_and_then_from_the_cache() -> None:
    fields = list(FieldOfAction.objects.order_by("position", "name"))
    groups = list(TargetGroup.objects.order_by("position", "name"))
    assert reference.fields_of_action() == fields
    with CaptureQueriesContext(connection) as captured:
        assert reference.fields_of_action() == fields
        assert reference.target_groups() == groups
    assert captured.captured_queries == []


@pytest.mark.django_db
def test_every_write_of_the_reference_lists_shows_at_the_next_read() -> None:
    reference.fields_of_action()
    reference.target_groups()
    field = FieldOfAction.objects.order_by("position").first()
    field.name = "Zusammenhalt im Quartier"
    field.save()
    assert "Zusammenhalt im Quartier" in [f.name for f in reference.fields_of_action()]
    group = TargetGroup.objects.create(name="Großeltern", position=99)
    assert reference.target_groups()[-1] == group
    group.delete()
    assert "Großeltern" not in [g.name for g in reference.target_groups()]


@pytest.mark.django_db
def test_a_filter_by_a_field_of_action_takes_it_from_the_reference_list(area: Quartier) -> None:
    field = FieldOfAction.objects.order_by("-position").first()
    reference.fields_of_action()
    with CaptureQueriesContext(connection) as captured:
        form = MeasureFilterSet({"field_of_action": str(field.pk)}, queryset=Measure.objects.none()).form
        assert form.is_valid()
        assert form.cleaned_data["field_of_action"] == field
        assert not MeasureFilterSet({"field_of_action": "0"}, queryset=Measure.objects.none()).form.is_valid()
        assert not MeasureFilterSet({"field_of_action": "x"}, queryset=Measure.objects.none()).form.is_valid()
    assert captured.captured_queries == []


@pytest.mark.django_db
def test_the_staff_filter_of_the_contact_notes_lists_the_area_staff(
    area: Quartier, role_users: dict[str, User]
) -> None:
    outsider = UserFactory()
    html = str(ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form["staff"])
    assert all(f'value="{user.pk}"' in html for user in role_users.values())
    assert f'value="{outsider.pk}"' not in html


@pytest.mark.django_db
def test_each_form_of_a_filter_bar_class_offers_its_own_areas_choices(
    area: Quartier, other_area: Quartier, role_users: dict[str, User], outsider: User
) -> None:
    """The form class is built once per FilterSet class; the area's choices are each form's own."""
    ContactNote.objects.create(area=other_area, staff=outsider, date=datetime.date(2026, 1, 5), topic="Anderswo")
    Network.objects.create(area=area, name="Netz hier", kind=Network.Kind.choices[0][0])
    Network.objects.create(area=other_area, name="Netz dort", kind=Network.Kind.choices[0][0])
    here = ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form
    there = ContactFilterSet({}, queryset=ContactNote.objects.none(), area=other_area).form
    assert type(here) is type(there)
    assert f'value="{outsider.pk}"' in str(there["staff"]) and f'value="{outsider.pk}"' not in str(here["staff"])
    assert f'value="{role_users["gwa"].pk}"' in str(here["staff"])
    networks_here = str(OrganisationFilterSet({}, queryset=Organisation.objects.none(), area=area).form["network"])
    networks_there = str(
        OrganisationFilterSet({}, queryset=Organisation.objects.none(), area=other_area).form["network"]
    )
    assert "Netz hier" in networks_here and "Netz dort" not in networks_here
    assert "Netz dort" in networks_there and "Netz hier" not in networks_there
    kind = ContentType.objects.get_for_model(Network)
    for who, where in ((role_users["gwa"], area), (outsider, other_area)):
        LogEntry.objects.create(
            content_type=kind, object_pk="1", object_repr="Netz", action=0, actor=who,
            additional_data={"quartier_id": where.pk},
        )  # fmt: skip
    history_here = str(HistoryFilterSet({}, queryset=LogEntry.objects.none(), area=area).form["actor"])
    history_there = str(HistoryFilterSet({}, queryset=LogEntry.objects.none(), area=other_area).form["actor"])
    assert f'value="{role_users["gwa"].pk}"' in history_here and f'value="{outsider.pk}"' not in history_here
    assert f'value="{outsider.pk}"' in history_there and f'value="{role_users["gwa"].pk}"' not in history_there


@pytest.mark.django_db
def test_a_filter_bar_speaks_the_language_of_each_request(area: Quartier) -> None:
    """Built once per FilterSet class, the form keeps its labels lazy: each request shows its own language."""
    with translation.override("de"):
        german = str(ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form["channel"])
        german_label = ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form.filters[0].label
    with translation.override("en"):
        english = str(ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form["channel"])
        english_label = ContactFilterSet({}, queryset=ContactNote.objects.none(), area=area).form.filters[0].label
    assert ">alle</option>" in german and ">all</option>" in english
    assert (german_label, english_label) == ("Kanal", "Channel")


@pytest.mark.django_db
def test_a_request_asks_redis_for_the_reference_version_once_and_sees_its_own_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    class Counted:
        def __getattr__(self, name: str) -> object:
            return getattr(caches["default"], name)

        def get(self, key: str, *args: object) -> object:
            asked.append(key)
            return caches["default"].get(key, *args)

    monkeypatch.setattr(reference, "cache", Counted())
    # As the signals call them (sending the signals would close the test's database connection too).
    receivers = [receiver() for _key, receiver, *_rest in request_started.receivers]
    assert reference._request_starts in receivers
    reference._request_starts()
    try:
        reference.fields_of_action()
        reference.target_groups()
        reference.fields_of_action()
        assert asked.count(reference.VERSION_KEY) == 1
        added = FieldOfAction.objects.create(name="Neu in dieser Anfrage", position=99)
        assert added in reference.fields_of_action()  # the request's own write shows at once
    finally:
        reference._request_ends()
    asked.clear()
    reference.fields_of_action()
    reference.fields_of_action()
    assert asked.count(reference.VERSION_KEY) == 2  # outside a request: asked each time


def test_the_cache_keeps_one_redis_client_per_connection_pool() -> None:
    backend = caches["default"]._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client()
    caches["default"].set("quick-widgets-probe", 1, 5)
    assert caches["default"].get("quick-widgets-probe") == 1
