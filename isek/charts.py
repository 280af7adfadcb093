"""The geometry of the ISEK's pictures: the timeline (Gantt), the stacked financing bars and the indicators'
line charts. Pure functions from numbers to coordinates in an SVG viewBox; the templates in
``templates/isek/charts/`` draw them, on the pages and in the PDF reports alike. Every picture has the same
numbers in a table next to it, so nothing is only in the picture.

One exception: the stacked bars' rectangles (a dozen a year, hundreds for a long ISEK) are written here as SVG
elements (``BarGroup.svg``, with the group's cost mark and year): the template engine's cost per attribute of
each of them was most of the financing overview's time."""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from quartier.display import joined

ZERO = Decimal("0")


def _round(value: float) -> float:
    return round(value, 1)


# --- Timeline -----------------------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    title: str
    status: str
    status_label: str
    x: float
    width: float
    y: float
    url: str = ""


@dataclass
class Gantt:
    width: int
    height: int
    years: list[tuple[int, float]]  # year and the x of its 1 January
    groups: list[tuple[str, float]]  # group heading and its y
    bars: list[Bar]
    today: float | None
    row: int
    label_width: int


def gantt(
    groups: Sequence[tuple[str, Sequence[dict[str, object]]]],
    *,
    today: datetime.date,
    width: int = 960,
    label_width: int = 64,
    row: int = 22,
) -> Gantt:
    """``groups`` of rows (dicts with label, title, status, status_label, start, end, url) under a heading each.
    The time axis runs over whole years from the earliest start to the latest end."""
    starts = [item["start"] for _heading, items in groups for item in items]
    ends = [item["end"] for _heading, items in groups for item in items]
    first = min(starts).year if starts else today.year  # type: ignore[attr-defined]
    last = max(ends).year if ends else today.year  # type: ignore[attr-defined]
    origin = datetime.date(first, 1, 1)
    days = (datetime.date(last + 1, 1, 1) - origin).days
    chart = width - label_width - 8

    def x_of(day: datetime.date) -> float:
        return _round(label_width + (day - origin).days / days * chart)

    bars: list[Bar] = []
    headings: list[tuple[str, float]] = []
    y = 24.0  # below the year labels
    for heading, items in groups:
        headings.append((heading, y + row * 0.7))
        y += row
        for item in items:
            start, end = item["start"], item["end"]
            x = x_of(start)  # type: ignore[arg-type]
            bars.append(
                Bar(
                    label=str(item["label"]),
                    title=str(item["title"]),
                    status=str(item["status"]),
                    status_label=str(item["status_label"]),
                    x=x,
                    width=max(_round(x_of(end + datetime.timedelta(days=1)) - x), 2.0),  # type: ignore[operator]
                    y=y + 4,
                    url=str(item.get("url", "")),
                )
            )
            y += row
    return Gantt(
        width=width,
        height=int(y + 8),
        years=[(year, x_of(datetime.date(year, 1, 1))) for year in range(first, last + 1)],
        groups=headings,
        bars=bars,
        today=x_of(today) if origin <= today < datetime.date(last + 1, 1, 1) else None,
        row=row,
        label_width=label_width,
    )


# --- Stacked bars -------------------------------------------------------------------------------------------------


@dataclass
class Segment:
    key: str
    x: float
    y: float
    width: float
    height: float
    amount: Decimal


def _rects(segments: list[Segment], css: str) -> SafeString:
    """The segments as SVG ``<rect>`` elements of the classes ``source source--<key>`` and ``css``."""
    return mark_safe(  # noqa: S308  # numbers and the escaped key only  # nosec B308, B703
        "".join(
            f'<rect class="source source--{html.escape(s.key)}{css}" x="{s.x}" y="{s.y}" width="{s.width}"'
            f' height="{s.height}"/>'
            for s in segments
        )
    )


@dataclass
class BarGroup:
    year: int
    x: float  # centre of the group
    planned: list[Segment] = field(default_factory=list)
    spent: list[Segment] = field(default_factory=list)
    cost_y: float | None = None
    label_y: int = 0  # the baseline of the year below the bars

    @property
    def planned_svg(self) -> SafeString:
        return _rects(self.planned, "")

    @property
    def spent_svg(self) -> SafeString:
        return _rects(self.spent, " source--spent")

    @property
    def svg(self) -> SafeString:
        """The whole group: both bars, the mark at the planned cost and the year below (what the template drew
        with ``|add``, which cuts the centre to a whole number first)."""
        parts = [self.planned_svg, self.spent_svg]
        if self.cost_y is not None:
            centre = int(self.x)
            parts.append(
                f'<line class="stacked__cost" x1="{centre - 40}" y1="{self.cost_y}" x2="{centre + 40}"'
                f' y2="{self.cost_y}"/>'
            )
        parts.append(
            f'<text class="stacked__year" x="{self.x}" y="{self.label_y}" text-anchor="middle">{self.year}</text>'
        )
        return mark_safe("\n".join(parts))  # noqa: S308  # numbers and escaped keys only  # nosec B308, B703


@dataclass
class StackedBars:
    width: int
    height: int
    top: float
    bottom: float
    left: float
    ticks: list[tuple[float, Decimal]]
    groups: list[BarGroup]

    @property
    def groups_svg(self) -> SafeString:
        """Every year's group (``BarGroup.svg``), one after another."""
        return joined((group.svg for group in self.groups), "\n")


def _nice_max(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return Decimal(1)
    exponent = len(str(int(value))) - 1
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= base * step:
            return base * step
    return base * 10


def stacked_bars(
    years: Sequence[int],
    keys: Sequence[str],
    planned: dict[tuple[int, str], Decimal],
    spent: dict[tuple[int, str], Decimal],
    costs: dict[int, Decimal],
    *,
    width: int = 960,
    height: int = 320,
) -> StackedBars:
    """Per year two bars: the planned financing and the money spent, each stacked by ``keys`` (the sources),
    and a mark at the planned cost."""
    left, top, bottom = 72.0, 12.0, float(height - 28)
    totals = [sum((planned.get((year, key), ZERO) for key in keys), ZERO) for year in years]
    totals += [sum((spent.get((year, key), ZERO) for key in keys), ZERO) for year in years]
    totals += [costs.get(year, ZERO) for year in years]
    top_value = _nice_max(max(totals, default=ZERO))
    scale = (bottom - top) / float(top_value)
    slot = (width - left - 8) / max(len(years), 1)
    bar = min(slot * 0.36, 36)
    groups: list[BarGroup] = []
    for index, year in enumerate(years):
        centre = left + slot * (index + 0.5)
        group = BarGroup(year=year, x=_round(centre), label_y=int(bottom) + 18)
        for target, amounts, x in ((group.planned, planned, centre - bar - 1), (group.spent, spent, centre + 1)):
            y = bottom
            for key in keys:
                amount = amounts.get((year, key), ZERO)
                if not amount:
                    continue
                h = float(amount) * scale
                y -= h
                target.append(Segment(key, _round(x), _round(y), _round(bar), _round(h), amount))
        if costs.get(year):
            group.cost_y = _round(bottom - float(costs[year]) * scale)
        groups.append(group)
    ticks = [(_round(bottom - float(top_value * i / 4) * scale), top_value * i / 4) for i in range(5)]
    return StackedBars(width, height, top, bottom, left, ticks, groups)


# --- Line charts --------------------------------------------------------------------------------------------------


@dataclass
class LineChart:
    width: int
    height: int
    points: str  # for <polyline points="…">
    dots: list[tuple[float, float, int, Decimal]]
    baseline: tuple[float, float]
    target: tuple[float, float]
    baseline_y: float
    target_y: float
    first_year: int
    last_year: int
    low: Decimal
    high: Decimal


def line_chart(
    values: Sequence[tuple[int, Decimal]],
    *,
    baseline: tuple[int, Decimal],
    target: tuple[int, Decimal],
    width: int = 280,
    height: int = 120,
) -> LineChart:
    """The yearly ``values`` as a line from the baseline year to the target year, with the baseline and the
    target marked."""
    years = [year for year, _value in values] + [baseline[0], target[0]]
    amounts = [value for _year, value in values] + [baseline[1], target[1]]
    first, last = min(years), max(years)
    low, high = min(amounts), max(amounts)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = low - pad, high + pad
    left, right, top, bottom = 8.0, width - 8.0, 8.0, height - 8.0

    def x_of(year: int) -> float:
        return _round(left + (year - first) / max(last - first, 1) * (right - left))

    def y_of(value: Decimal) -> float:
        return _round(bottom - float((value - low) / (high - low)) * (bottom - top))

    dots = [(x_of(year), y_of(value), year, value) for year, value in values]
    return LineChart(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y, _year, _value in dots),
        dots=dots,
        baseline=(x_of(baseline[0]), y_of(baseline[1])),
        target=(x_of(target[0]), y_of(target[1])),
        baseline_y=y_of(baseline[1]),
        target_y=y_of(target[1]),
        first_year=first,
        last_year=last,
        low=low,
        high=high,
    )
