"""The ISEK's long tables are written from values made ready in Python (quartier.display, quartier.forms.QuickSelect,
the stacked bars' SVG): the same HTML, character for character, as the template filters, widgets and loops
they replace."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from actors.models import Organisation
from isek import charts
from isek.filters import MeasureFilterSet
from isek.models import Measure, Source, Version
from isek.selectors import measures_in, measures_of, overview
from quartier import display
from quartier.forms import QuickSelect
from quartier.models import FieldOfAction, Quartier, User

# The measures table's rows and the financing chart's bars as the templates wrote them before.
OLD_MEASURE_ROWS = """{% for measure in measures %}
    <tr>
      <td>{{ measure.number }}</td>
      <td><a href="{% url 'measure_page' area.slug measure.pk %}">{{ measure.title }}</a>{% if measure.lead_organisation %}<br><small>{{ measure.lead_organisation.name }}</small>{% endif %}</td>
      <td>{% for field in measure.fields_of_action.all %}{{ field.name }}{% if not forloop.last %}, {% endif %}{% empty %}–{% endfor %}</td>
      <td>{{ measure.get_kind_display }}</td>
      <td>{{ measure.get_responsible_role_display }}</td>
      <td><span class="status status--{{ measure.status }}">{{ measure.get_status_display }}</span></td>
      <td>{{ measure.start|date:"m/Y"|default:"–" }}</td>
      <td>{{ measure.end|date:"m/Y"|default:"–" }}</td>
      <td class="num">{{ measure.planned|floatformat:"2g" }}</td>
      <td>{{ measure.priority }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
OLD_BARS = """{% load l10n %}{% localize off %}{% for s in group.planned %}<rect class="source source--{{ s.key }}" x="{{ s.x }}" y="{{ s.y }}" width="{{ s.width }}" height="{{ s.height }}"/>{% endfor %}|{% for s in group.spent %}<rect class="source source--{{ s.key }} source--spent" x="{{ s.x }}" y="{{ s.y }}" width="{{ s.width }}" height="{{ s.height }}"/>{% endfor %}{% endlocalize %}"""  # noqa: E501


def between_tags(html: str) -> str:
    """``html`` without the white space between its tags (the rows are written without the template's indents)."""
    return re.sub(r">\s+<", "><", html).strip()


@given(st.integers(min_value=-(10**13), max_value=10**13), st.integers(min_value=0, max_value=3))
def test_amounts_are_written_as_floatformat_2g_writes_them(units: int, places: int) -> None:
    amount = Decimal(units).scaleb(-places)  # whole euros to tenths of a cent: rounding half up included
    with translation.override("de"):
        assert display.money_formatter()(amount) == floatformat(amount, "2g")


@pytest.mark.parametrize("amount", ["0", "-0.001", "0.005", "-0.005", "1234567.895", "999.995", "12"])
def test_the_edges_of_rounding_are_those_of_floatformat(amount: str) -> None:
    assert display.money_formatter()(Decimal(amount)) == floatformat(Decimal(amount), "2g")


@pytest.mark.parametrize("day", [None, datetime.date(2025, 1, 31), datetime.date(999, 12, 1)])
def test_months_are_written_as_the_date_filter_writes_them(day: datetime.date | None) -> None:
    assert display.month(day) == (date_filter(day, "m/Y") or "–")


@pytest.mark.django_db
def test_the_url_maker_makes_what_reverse_makes(area: Quartier) -> None:
    assert display.url_maker("measure_page", area.slug)(4711) == reverse("measure_page", args=[area.slug, 4711])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "umsetzung", "kind": "investiv", "responsible": "gwa"},
        {"status": "kaputt"},
        {"field_of_action": "x"},
    ],
)
def test_the_filters_are_the_selects_django_writes(query: dict[str, str]) -> None:
    field = FieldOfAction.objects.order_by("position").first()
    for data in (query, {**query, "field_of_action": str(field.pk)}):
        form = MeasureFilterSet(data, queryset=Measure.objects.none()).form
        for name in ("field_of_action", "status", "kind", "responsible"):
            bound = form[name]
            quick = str(bound)
            bound.field.widget.__class__ = forms.Select  # the same widget, written by Django's templates
            assert quick == str(bound), name
            bound.field.widget.__class__ = QuickSelect


def test_a_quick_select_writes_groups_attributes_and_escapes_as_django_does() -> None:
    choices = [("", "– <alle> –"), ("Gruppe & Co", [("a", 'A "1"'), ("b", 2)]), ("c'", "C")]
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-x": '"quoted" & <b>'}
    for value in (None, "b", "c'", ["a"]):
        assert QuickSelect(attrs=attrs, choices=choices).render("x<", value) == forms.Select(
            attrs=attrs, choices=choices
        ).render("x<", value)


@pytest.mark.django_db
def test_the_stacked_bars_are_the_rectangles_the_template_drew(isek: Version) -> None:
    data = overview(isek)
    years = sorted(data.costs)
    chart = charts.stacked_bars(years, Source.values, data.financing, data.spent, data.costs)
    old = Template(OLD_BARS)
    assert chart.groups and all(group.planned for group in chart.groups)
    for group in chart.groups:
        assert f"{group.planned_svg}|{group.spent_svg}" == old.render(Context({"group": group}))


#: What the financing chart's template drew of each group around its bars, before ``BarGroup.svg``.
OLD_GROUP = """{% load l10n %}{% localize off %}{% if group.cost_y is not None %}<line class="stacked__cost" x1="{{ group.x|add:-40 }}" y1="{{ group.cost_y }}" x2="{{ group.x|add:40 }}" y2="{{ group.cost_y }}"/>{% endif %}|<text class="stacked__year" x="{{ group.x }}" y="{{ chart.bottom|add:18 }}" text-anchor="middle">{{ group.year }}</text>{% endlocalize %}"""  # noqa: E501


@pytest.mark.django_db
def test_a_group_of_stacked_bars_is_what_the_template_drew(isek: Version) -> None:
    data = overview(isek)
    years = sorted(data.costs)
    chart = charts.stacked_bars(years, Source.values, data.financing, data.spent, data.costs)
    old = Template(OLD_GROUP)
    assert any(group.cost_y is not None for group in chart.groups)
    for group in chart.groups:
        planned, spent, *marks = str(group.svg).split("\n")
        assert (planned, spent) == (group.planned_svg, group.spent_svg)
        expected = old.render(Context({"group": group, "chart": chart})).replace("|", "\n").lstrip("\n")
        assert "\n".join(marks) == expected


@pytest.mark.django_db
def test_the_measures_table_has_the_cells_the_template_made_of_the_models(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    """Also with what the fixture lacks: no lead organisation, no field of action, no dates, no costs, and text
    to escape."""
    Measure.objects.create(
        version=isek, number="Z-1", title='Ufer <"frei"> & sauber', kind="investiv", responsible_role="planung"
    )
    other = Measure.objects.create(
        version=isek, number="Z-2", title="Zwei Felder", kind="nicht_investiv", responsible_role="gwa",
        lead_organisation=Organisation.objects.create(area=area, name="Kiez & Co <e.V.>"),
        start=datetime.date(2026, 3, 1),
    )  # fmt: skip
    other.fields_of_action.set(FieldOfAction.objects.order_by("position")[:2])
    client.force_login(role_users["planung"])
    for query in ("", "?sort=-kosten", "?sort=titel&kind=investiv"):
        html = client.get(reverse("measure_list", args=[area.slug]) + query).content.decode()
        tbody = re.search(r"<tbody>\n(.*)</tbody>", html, re.DOTALL).group(1)
        data = dict(part.split("=") for part in query[1:].split("&")) if query else {}
        filters = MeasureFilterSet(data, queryset=measures_in(isek))
        measures = list(measures_of(filters.qs, data.get("sort", "nummer")))
        assert len(measures) > 2
        old = Template(OLD_MEASURE_ROWS).render(Context({"measures": measures, "area": area}))
        assert between_tags(tbody) == between_tags(old)
