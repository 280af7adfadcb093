"""Section 1, the summary: the year's key figures, and the shares of the fund budget approved and of the ISEK's
plan spent. The key figures alone also make the JSON download and the areas side by side."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier.display import share
from quartier.models import Quartier
from reporting import selectors
from reporting.figures.common import SECTIONS, ZERO, Table

#: The key figures with their labels, in the order the summary shows them (the fields of ``KeyFigures``).
KEY_FIGURE_LABELS: dict[str, Promise] = {
    "contacts": _("Contacts"),
    "concerns_raised": _("Concerns raised"),
    "concerns_resolved": _("Concerns resolved"),
    "events": _("Events"),
    "participants": _("Participants counted"),
    "meetings_held": _("Committee meetings held"),
    "decisions": _("Committee decisions"),
    "applications_received": _("Applications received"),
    "applications_approved": _("Applications approved"),
    "amount_approved": _("Amount approved"),
    "amount_paid": _("Amount paid"),
    "measures_running": _("Measures in progress"),
    "measures_completed": _("Measures completed"),
    "isek_planned": _("ISEK: planned cost of the year"),
    "isek_spent": _("ISEK: spent in the year"),
}
#: The key figures that are amounts of money (Decimal, in euros); the others are counts.
MONEY_KEYS = frozenset({"amount_approved", "amount_paid", "isek_planned", "isek_spent"})
#: The key figures by the section they summarise (whose label heads the group in the summary).
KEY_FIGURE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contacts", ("contacts", "concerns_raised", "concerns_resolved")),
    ("activation", ("events", "participants")),
    ("committees", ("meetings_held", "decisions")),
    ("funds", ("applications_received", "applications_approved", "amount_approved", "amount_paid")),
    ("isek", ("measures_running", "measures_completed", "isek_planned", "isek_spent")),
)


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The year's key figures of an area, by stable names (the summary, the JSON download, the areas side by side,
    the figures kept with a built report):

    - ``contacts``: contact notes dated in the year;
    - ``concerns_raised``: concerns raised in the year;
    - ``concerns_resolved``: concerns set to "done" in the year and done still (whenever they were raised);
    - ``events``: events and activities that began in the year (of the running year: by now);
    - ``participants``: the participants counted at them (an event without a count adds nothing);
    - ``meetings_held``: committee meetings held (or with approved minutes) that started in the year;
    - ``decisions``: items adopted or rejected at those meetings, plus items of online ballots closed in the
      year that were adopted or rejected;
    - ``applications_received``: applications to the year's funds that were submitted (drafts are not);
    - ``applications_approved``: applications to the year's funds that bind money (approved, committed, paid,
      settled or reclaimed; not rejected or withdrawn);
    - ``amount_approved``: the approved amounts of those applications (€);
    - ``amount_paid``: the released payments to applications of the year's funds, whatever their date (€; the
      year's ``fonds.selectors.FundTotals``);
    - ``measures_running``: measures in progress in the ISEK version (``reporting.selectors.isek_version``);
    - ``measures_completed``: its completed measures whose end lies in the year;
    - ``isek_planned``: the version's planned cost of the year (€);
    - ``isek_spent``: the version's spending dated in the year (€).

    Without an ISEK the last four are 0.
    """

    contacts: int
    concerns_raised: int
    concerns_resolved: int
    events: int
    participants: int
    meetings_held: int
    decisions: int
    applications_received: int
    applications_approved: int
    amount_approved: Decimal
    amount_paid: Decimal
    measures_running: int
    measures_completed: int
    isek_planned: Decimal
    isek_spent: Decimal

    def as_dict(self) -> dict[str, int | Decimal]:
        """The figures by name, in the order of ``KEY_FIGURE_LABELS``."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def as_json(self) -> dict[str, int | str]:
        """The figures by name, amounts as strings with a decimal point (to keep their cents)."""
        return {key: str(value) if isinstance(value, Decimal) else value for key, value in self.as_dict().items()}


@dataclass(frozen=True, slots=True)
class KeyFigure:
    key: str
    label: str | Promise
    value: int | Decimal
    money: bool


@dataclass(frozen=True, slots=True)
class KeyFigureGroup:
    label: str | Promise  # the title of the section the figures summarise
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True, slots=True)
class SummarySection:
    figures: KeyFigures
    rows: tuple[KeyFigure, ...]  # in the order of ``KEY_FIGURE_LABELS``
    groups: tuple[KeyFigureGroup, ...]  # by ``KEY_FIGURE_GROUPS``
    fund_budget: Decimal  # the budgets of the year's funds
    approved_share: Decimal | None  # percent of the fund budget approved; ``None`` without a budget
    spent_share: Decimal | None  # percent of the ISEK's planned cost of the year spent; ``None`` without a plan

    def tables(self) -> dict[str, Table]:
        return {
            "kennzahlen": Table(
                _("Key figures"), (_("Key figure"), _("Value")), tuple((row.label, row.value) for row in self.rows)
            )
        }


def key_figures(area: Quartier, year: int) -> KeyFigures:
    """The key figures of ``area`` in ``year``. Twelve queries (nine without an ISEK), whatever the volume."""
    span = selectors.Span(year)
    counts = selectors.year_counts(area, span)
    version = selectors.isek_version(area)
    isek = (
        selectors.isek_counts(version, span)
        if version is not None
        else selectors.IsekCounts(measures_running=0, measures_completed=0, planned=ZERO, spent=ZERO)
    )
    return KeyFigures(
        contacts=counts.contacts,
        concerns_raised=counts.concerns_raised,
        concerns_resolved=counts.concerns_resolved,
        events=counts.events,
        participants=counts.participants,
        meetings_held=counts.meetings_held,
        decisions=counts.decisions,
        applications_received=counts.applications_received,
        applications_approved=counts.applications_approved,
        amount_approved=counts.amount_approved,
        amount_paid=counts.amount_paid,
        measures_running=isek.measures_running,
        measures_completed=isek.measures_completed,
        isek_planned=isek.planned,
        isek_spent=isek.spent,
    )


def summary_section(area: Quartier, year: int) -> SummarySection:
    """The key figures, and the shares of the budget approved and of the plan spent. Thirteen queries (ten without an
    ISEK)."""
    figures = key_figures(area, year)
    budget = selectors.fund_budget(area, year)
    values = figures.as_dict()
    rows = {key: KeyFigure(key, label, values[key], key in MONEY_KEYS) for key, label in KEY_FIGURE_LABELS.items()}
    titles = dict(SECTIONS)
    return SummarySection(
        figures=figures,
        rows=tuple(rows.values()),
        groups=tuple(
            KeyFigureGroup(titles[section], tuple(rows[key] for key in keys)) for section, keys in KEY_FIGURE_GROUPS
        ),
        fund_budget=budget,
        approved_share=share(figures.amount_approved, budget),
        spent_share=share(figures.isek_spent, figures.isek_planned),
    )
