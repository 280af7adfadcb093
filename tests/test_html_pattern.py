"""``quartier.display.HtmlPattern``: the rows of the long tables, written in Python, escape as the template did."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from quartier.display import HtmlPattern, escaped

NASTY = ['<script>alert("x")</script>', "Kiez & Co <e.V.>", "O'Brien", '"quoted"', "ä ö ü ß €", "", "42"]


@pytest.mark.parametrize("text", NASTY)
def test_a_value_is_escaped_as_the_template_escapes_it(text: str) -> None:
    pattern = HtmlPattern('<td title="{text}">{text}</td>')
    template = Template('<td title="{{ text }}">{{ text }}</td>')
    assert pattern(text=text) == template.render(Context({"text": text}))
    assert isinstance(pattern(text=text), SafeString)


def test_safe_values_are_placed_as_they_are_and_none_as_nothing() -> None:
    cell = HtmlPattern("<td>{inner}{nothing}</td>")
    inner = format_html("<b>{}</b>", "<i>")
    assert cell(inner=inner, nothing=None) == "<td><b>&lt;i&gt;</b></td>"
    assert cell(inner=mark_safe("<br>"), nothing=3) == "<td><br>3</td>"  # a constant
    assert escaped(1.5) == "1.5"


def test_a_pattern_takes_exactly_its_fields() -> None:
    row = HtmlPattern("<tr><td>{a}</td><td>{b}</td></tr>")
    with pytest.raises(TypeError, match=r"\['a', 'b'\]"):
        row(a="1")
    with pytest.raises(TypeError):
        row(a="1", b="2", c="3")


@pytest.mark.parametrize("pattern", ["<td>{row.title}</td>", "<td>{0}</td>", "<td>{}</td>", "<td>{a[0]}</td>"])
def test_fields_are_plain_names_so_a_value_cannot_reach_into_objects(pattern: str) -> None:
    with pytest.raises(ValueError, match="plain names"):
        HtmlPattern(pattern)
