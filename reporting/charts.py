"""The geometry of the annual report's own pictures: horizontal bars (counts or amounts, one or more series per
row) and a budget bar per fund. Pure functions from numbers to coordinates in an SVG viewBox, like
``isek.charts`` (whose financing bars and line charts the report reuses); the templates in
``templates/reporting/charts/`` draw them. The report shows the same numbers in a table next to every picture.

The viewBox is 640 units wide, about the width of the PDF's text column in CSS pixels, so a font size of 12 in
the chart prints at about 9 pt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")
#: A bar (or part of a bar) narrower than this many units (about 2 mm in print) is hard to see: its value is written
#: beside it.
SMALL = 8.0
#: Roughly the width of one character of 12-unit Source Sans 3, to shorten labels that would not fit.
CHAR_WIDTH = 6.2


def _round(value: float) -> float:
    return round(value, 1)


def shorten(label: str, room: float) -> str:
    """``label`` cut to what fits in ``room`` units (with an ellipsis); the full label goes into the ``<title>``."""
    most = max(int(room / CHAR_WIDTH), 4)
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


# --- Horizontal bars ----------------------------------------------------------------------------------------------


@dataclass
class HBar:
    series: int
    x: float
    y: float
    width: float
    height: float
    value: Decimal | int | None  # ``None``: not counted (no bar, a dash)
    text_x: float  # where the value is written, just after the bar
    text_y: float


@dataclass
class HBarRow:
    label: str  # shortened to fit
    title: str  # in full
    y: float  # the label's baseline
    bars: list[HBar] = field(default_factory=list)


@dataclass
class HBarChart:
    width: int
    height: int
    label_width: float
    rows: list[HBarRow]
    series: int
    money: bool


def hbar_chart(
    rows: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    *,
    money: bool = False,
    width: int = 640,
    label_width: float = 250,
    bar: float = 12,
    gap: float = 9,
) -> HBarChart:
    """One row per ``(label, values)``: the label on the left and a bar per value (a series: e.g. planned and
    spent), all scaled to the largest value. ``money`` leaves room for amounts after the bars. A value ``None``
    (nothing counted) has no bar, and a dash for its value, so it is not mistaken for 0."""
    series = max((len(values) for _label, values in rows), default=1)
    room = 84.0 if money else 40.0
    scale_width = width - label_width - room
    top_value = max((Decimal(value) for _label, values in rows for value in values if value is not None), default=ZERO)
    scale = scale_width / float(top_value) if top_value > 0 else 0.0
    chart_rows: list[HBarRow] = []
    y = 4.0
    row_height = series * bar + (series - 1) * 2
    for label, values in rows:
        row = HBarRow(label=shorten(label, label_width - 10), title=label, y=_round(y + row_height / 2 + 4))
        for index, value in enumerate(values):
            bar_y = y + index * (bar + 2)
            length = float(value or 0) * scale
            # A value above zero gets at least a sliver, so it is not mistaken for nothing.
            length = max(length, 1.5) if value else 0.0
            row.bars.append(
                HBar(
                    series=index,
                    x=label_width,
                    y=_round(bar_y),
                    width=_round(length),
                    height=bar,
                    value=value,
                    text_x=_round(label_width + length + 4),
                    text_y=_round(bar_y + bar - 2),
                )
            )
        chart_rows.append(row)
        y += row_height + gap
    return HBarChart(
        width=width,
        height=int(y - gap + 6) if rows else 10,
        label_width=label_width,
        rows=chart_rows,
        series=series,
        money=money,
    )


# --- Budget bars --------------------------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    label: str
    title: str
    y: float  # top of the bar
    height: float
    text_y: float  # the label's baseline
    paid: tuple[float, float]  # x and width
    committed: tuple[float, float]  # committed, not yet paid
    budget: tuple[float, float]  # the whole budget: its frame, the rest of which remains
    end: float  # where the budget ends
    over: bool  # more committed than the budget
    #: The parts above zero too small to see, ``("paid" or "committed", amount)``: their values are written beside
    #: the bar, at ``note_x``.
    small: list[tuple[str, Decimal]] = field(default_factory=list)
    note_x: float = 0.0

    @property
    def top(self) -> float:
        """The top of the mark of an overdrawn budget (a little above the bar)."""
        return _round(self.y - 3)

    @property
    def bottom(self) -> float:
        return _round(self.y + self.height + 3)


@dataclass
class BudgetChart:
    width: int
    height: int
    label_width: float
    bar: float
    rows: list[BudgetRow]


def budget_bars(
    funds: Sequence[tuple[str, Decimal, Decimal, Decimal]],
    *,
    width: int = 640,
    label_width: float = 160,
    bar: float = 16,
    gap: float = 12,
) -> BudgetChart:
    """One bar per fund ``(label, budget, committed, paid)``: paid, committed but not yet paid, and what is left
    of the budget, on one scale for all funds (so their sizes compare). Committed is all the fund's applications
    take from the budget (``fonds.selectors.Money.bound``); paid (and not paid back) counts in it."""
    right = width - 8
    top_value = max((max(budget, committed, paid) for _label, budget, committed, paid in funds), default=ZERO)
    scale = (right - label_width) / float(top_value) if top_value > 0 else 0.0

    def x_of(amount: Decimal) -> float:
        return _round(label_width + float(amount) * scale)

    rows: list[BudgetRow] = []
    y = 4.0
    for label, budget, committed, paid in funds:
        unpaid = max(committed - paid, ZERO)
        used = paid + unpaid
        small = [
            (part, amount)
            for part, amount in (("paid", paid), ("committed", unpaid))
            if amount > 0 and float(amount) * scale < SMALL
        ]
        rows.append(
            BudgetRow(
                label=shorten(label, label_width - 10),
                title=label,
                y=_round(y),
                height=bar,
                text_y=_round(y + bar - 4),
                paid=(x_of(ZERO), _round(x_of(paid) - x_of(ZERO))),
                committed=(x_of(paid), _round(x_of(used) - x_of(paid))),
                budget=(x_of(ZERO), _round(x_of(budget) - x_of(ZERO))),
                end=x_of(budget),
                over=committed > budget,
                small=small,
                note_x=_round(x_of(used) + 4),
            )
        )
        y += bar + gap
    return BudgetChart(
        width=width, height=int(y - gap + 6) if funds else 10, label_width=label_width, bar=bar, rows=rows
    )
