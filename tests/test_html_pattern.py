"""``quartier.display.HtmlPattern``: the rows of the long tables, written in Python, escape as the template did; their
dates are written as the template's ``date`` filter writes them."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import dateformat, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from quartier import display
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


@pytest.mark.parametrize(
    "date_format", ["d.m.Y", "d.m.Y H:i", "j.n.Y", "m/d/Y", "d\u200f/m\u200f/Y", "d M Y", "m/d/Y P", r"\d{Y}", "y-m-d"]
)
def test_a_date_writer_writes_as_djangos_date_format(date_format: str) -> None:
    write = display.date_writer(date_format)
    days = [datetime.date(2026, 12, 7), datetime.date(987, 1, 2), datetime.date(2026, 3, 31)]
    moments = [datetime.datetime(2026, 1, 5, 9, 3), datetime.datetime(2026, 12, 31, 23, 59, 59)]
    for value in days if "H" not in date_format and "P" not in date_format else moments:
        assert write(value) == dateformat.format(value, date_format)


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar"])
def test_the_short_dates_are_written_as_the_date_filter_writes_them(language: str) -> None:
    moment = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)  # the night the clocks go forward
    with translation.override(language):
        day, at = display.short_dates()
        template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}')
        assert f"{day(moment.date())}|{at(moment)}" == template.render(Context({"d": moment.date(), "m": moment}))
        assert day(moment) == Template('{{ m|date:"SHORT_DATE_FORMAT" }}').render(Context({"m": moment}))
    assert (day(None), at(None)) == ("", "")


def test_joined_writes_safe_parts_as_they_are_and_escapes_the_rest() -> None:
    html = display.joined([mark_safe("<li>a</li>"), "<li>b & c</li>", 3, None], "\n")
    assert isinstance(html, SafeString)
    assert html == "<li>a</li>\n&lt;li&gt;b &amp; c&lt;/li&gt;\n3\n"


def test_a_sentence_keeps_the_translation_and_escapes_its_values() -> None:
    from quartier.display import sentence

    assert (
        sentence("<b>%(who)s</b> am %(on)s", who='<i>"Rat"</i>', on=12)
        == "<b>&lt;i&gt;&quot;Rat&quot;&lt;/i&gt;</b> am 12"
    )
