"""The figures of an area's annual report (Jahresbericht): everything sections 1–10 show, from live data.

``gather(area, year)`` builds the whole report's figures, a ``ReportFigures`` holding one typed section per
module of this package (``summary``, ``area``, ``contacts``, ``activation``, ``surveys``, ``networks``,
``committees``, ``funds``, ``isek``, ``indicators``, in the order of ``SECTIONS``); each module's docstring says what
its section shows and counts. ``gather_section(key, area, year)`` builds one section, ``key_figures(area, year)`` the
year's key figures alone and ``ReportFigures.tables()`` every table of the report for download. The template
``reporting/annual_report.html`` reads the sections by attribute.

The figures compute; every read is in ``reporting.selectors``, each section in a fixed number of queries, whatever
the volume. "In the year" means dated from 1 January to 31 December of ``year`` (times in the office's time
zone), by the natural date of each thing: a contact note by its date; a concern by the day it was raised, and it
counts as resolved in the year when its status was set to "done" in the year (and it is done still); an event by
the moment it began (of the running year: begun by now). States that
are not dated (the resident share of a committee, the team) are read on 31 December of the year, or today while
the year runs (the team: as it is when the report is made).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from quartier.models import Quartier
from reporting.figures.activation import ActivationSection, activation_section
from reporting.figures.area import AreaSection, area_section
from reporting.figures.committees import CommitteesSection, committees_section
from reporting.figures.common import SECTIONS, WITHOUT_FIELD, Table
from reporting.figures.contacts import ContactsSection, contacts_section
from reporting.figures.funds import FundsSection, funds_section
from reporting.figures.indicators import IndicatorsSection, indicators_section
from reporting.figures.isek import IsekSection, isek_section
from reporting.figures.networks import NetworksSection, networks_section
from reporting.figures.summary import (
    KEY_FIGURE_LABELS,
    MONEY_KEYS,
    KeyFigures,
    SummarySection,
    key_figures,
    summary_section,
)
from reporting.figures.surveys import SurveysSection, surveys_section

__all__ = [
    "KEY_FIGURE_LABELS",
    "MONEY_KEYS",
    "SECTIONS",
    "WITHOUT_FIELD",
    "KeyFigures",
    "ReportFigures",
    "Section",
    "Table",
    "gather",
    "gather_section",
    "key_figures",
]

Section = (
    SummarySection
    | AreaSection
    | ContactsSection
    | ActivationSection
    | SurveysSection
    | NetworksSection
    | CommitteesSection
    | FundsSection
    | IsekSection
    | IndicatorsSection
)
S = TypeVar("S", bound=Section)


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """Every section of an area's annual report for a year; the fields are the keys of ``SECTIONS``, in order."""

    summary: SummarySection
    area: AreaSection
    contacts: ContactsSection
    activation: ActivationSection
    surveys: SurveysSection
    networks: NetworksSection
    committees: CommitteesSection
    funds: FundsSection
    isek: IsekSection
    indicators: IndicatorsSection

    @property
    def key_figures(self) -> KeyFigures:
        return self.summary.figures

    def tables(self) -> dict[str, Table]:
        """Every table the report shows, by a slug usable in a URL (German, like the project's URLs), with the
        same numbers as the PDF; the ISEK's and the indicators' only when the area has an ISEK."""
        return {
            **self.summary.tables(),
            **self.area.tables(),
            **self.contacts.tables(),
            **self.activation.tables(),
            **self.surveys.tables(),
            **self.networks.tables(),
            **self.committees.tables(),
            **self.funds.tables(),
            **self.isek.tables(),
            **self.indicators.tables(),
        }


#: Each section's builder by its key: ``builder(area, year)``.
GATHERERS: dict[str, Callable[[Quartier, int], Section]] = {
    "summary": summary_section,
    "area": area_section,
    "contacts": contacts_section,
    "activation": activation_section,
    "surveys": surveys_section,
    "networks": networks_section,
    "committees": committees_section,
    "funds": funds_section,
    "isek": isek_section,
    "indicators": indicators_section,
}


def gather_section(key: str, area: Quartier, year: int) -> Section:
    """The section ``key`` (a key of ``SECTIONS``) of the report of ``area`` for ``year``."""
    try:
        gatherer = GATHERERS[key]
    except KeyError:
        raise ValueError(f"No section {key!r}; the sections are {', '.join(GATHERERS)}.") from None
    return gatherer(area, year)


def _quiet(key: str) -> None:
    """Hears nothing of the steps."""


def gather(area: Quartier, year: int, *, step: Callable[[str], None] = _quiet) -> ReportFigures:
    """Every section of the report of ``area`` for ``year``, one after the other in the order of ``SECTIONS``;
    ``step`` hears each section's key before it is gathered (the build shows its progress by it)."""

    def section(key: str, builder: Callable[[Quartier, int], S]) -> S:
        step(key)
        return builder(area, year)

    # Keyword arguments are evaluated from left to right: the sections are gathered in this order.
    return ReportFigures(
        summary=section("summary", summary_section),
        area=section("area", area_section),
        contacts=section("contacts", contacts_section),
        activation=section("activation", activation_section),
        surveys=section("surveys", surveys_section),
        networks=section("networks", networks_section),
        committees=section("committees", committees_section),
        funds=section("funds", funds_section),
        isek=section("isek", isek_section),
        indicators=section("indicators", indicators_section),
    )
