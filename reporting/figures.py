"""The figures of an area's annual report (Jahresbericht): everything sections 1–8 show, read from live data.

Each section is gathered by one function in a fixed number of queries, whatever the volume: counts and sums are
made in SQL, lists come with what they show (``select_related``/``prefetch_related``), never a query per row.
``gather_section(key, area, year)`` gathers one section (the build calls them one by one to show its progress),
``gather(area, year)`` all of them, ``key_figures(area, year)`` the year's key figures and ``report_tables(area,
year)`` every table of the report for download.

"In the year" means dated from 1 January to 31 December of ``year`` (times in the office's time zone), by the
natural date of each thing:

- a contact note: its date; a concern: the day it was raised, and it counts as resolved in the year when its
  status was set to "done" in the year (and it is done still);
- a committee meeting: its start, counted when it was held (status held or minutes approved); a decision: an
  agenda item of such a meeting, or an item of an online ballot (circular resolution) closed in the year, with
  the result adopted or rejected (deferred items and items without a quorum are no decisions);
- a network membership: its period overlaps the year (an open start or end reaches infinitely far); a new
  organisation or person: created in the year;
- funds and applications: the funds of the year (``Fund.year``) and the applications to them, whose money the
  year's budgets provide; an application is received once submitted, approved while it binds money of its fund
  (``fonds.models.BINDING``), paid by its released payments;
- the ISEK: milestones by their date, progress notes by their date, spending by its date, planned costs and
  financing by their year, indicator values by their year; measures have no dates of their status, so their
  status is the one the ISEK version records.

States that are not dated (the resident share of a committee, the team) are read on 31 December of the year, or
today while the year runs (the team: as it is when the report is made).

The ISEK (sections 7 and 8) is read from one version: the newest adopted one, or the newest version if none is
adopted yet (``isek_version``); the sections name it and say whether it is adopted.

Section dicts (``gather``'s values), for the template ``reporting/annual_report.html`` and the downloads:

``summary``
    ``figures`` (``key_figures``), ``rows`` (``KeyFigure`` in the order of ``KEY_FIGURE_LABELS``), ``groups``
    ((section label, ``KeyFigure`` list) by ``KEY_FIGURE_GROUPS``),
    ``fund_budget`` (the year's funds' budgets), ``approved_share`` and ``spent_share`` (percent of the fund
    budget approved, of the ISEK's planned cost spent; ``None`` without a budget or plan).
``area``
    ``area`` (the ``Quartier``: office address, opening hours, programme, funding period), ``team`` (a
    ``TeamRole`` per role in the order of ``Role``, each with the names of its members), ``staff`` (how many
    people hold a role).
``contacts``
    ``notes``, ``persons``, ``organisations`` (contact notes of the year and the distinct persons and
    organisations they reached), ``by_channel`` and ``by_field`` (``CountRow`` lists: every channel; every field
    of action with a note, "without a field of action" last; a note in two fields counts in both),
    ``channel_chart`` and ``field_chart`` (``reporting.charts.HBarChart``), ``concerns_raised``,
    ``concerns_by_status`` (``CountRow`` per status, of the concerns raised in the year, as they stand now),
    ``concerns_resolved``, ``concerns_forwarded`` and ``forwarded`` (``CountRow`` per administrative unit the
    year's concerns were forwarded to, most first).
``networks``
    ``networks`` (``NetworkRow`` per network with members in the year, by name), ``active``, ``organisations``
    and ``persons`` (distinct members of any network in the year), ``new_networks``, ``new_organisations``,
    ``new_organisations_by_kind`` (``CountRow``), ``new_persons`` and ``new_residents``.
``committees``
    ``committees`` (``CommitteeRow`` per committee, by name), ``meetings`` (held in the year), ``decisions``
    (``DecisionRow`` by date), ``adopted`` and ``rejected`` (counts), ``on`` (the day the composition is read).
``funds``
    ``funds`` (``FundRow`` per fund of the year, by name), ``totals`` (a ``FundRow`` of the sums, no name),
    ``applications`` (``ApplicationRow`` per approved application, by fund and title), ``by_field``
    (``FieldTotal`` per field of action of the approved applications, "without a field of action" last),
    ``chart`` (``reporting.charts.BudgetChart``).
``isek``
    ``version`` (the ``isek.models.Version`` or ``None``), ``adopted``, ``measures`` and ``by_status`` (the
    version's measures; ``CountRow`` per status), ``statuses`` ((key, label) of every status), ``matrix``
    (``MatrixRow`` per field of action: measures per status, a measure in two fields counts in both),
    ``running``, ``completed`` (measures completed in the year: status completed, end in the year),
    ``milestones`` and ``notes`` (reached in the year, and the year's progress notes; each with ``measure``),
    ``planned`` (planned cost of the year), ``financed``, ``spent`` (sums of ``sources``), ``sources``
    (``SourceRow`` per source of financing: planned for the year and spent in it), ``sources_chart`` (an
    ``HBarChart`` of two series: planned, spent), ``years`` (``YearRow`` per year of the plan) and
    ``years_chart`` (``isek.charts.StackedBars`` of every year: planned financing and spending by source).
``indicators``
    ``version``, ``adopted`` and ``indicators`` (``IndicatorRow`` per indicator, by field of action and name, with
    its line chart up to the year).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from actors.models import (
    Concern,
    ConcernStatus,
    ConcernStatusChange,
    ContactNote,
    Network,
    NetworkMembership,
    Organisation,
    Person,
)
from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Meeting, Result
from committees.rules import Composition
from committees.selectors import committees_of_area
from fonds.models import BINDING, Application, Fund
from fonds.selectors import MONEY_FIELD, FundTotals, funds_with_totals, year_totals
from isek import charts as isek_charts
from isek.models import Measure, Milestone, PlannedCost, ProgressNote, Source, Spending, Version
from isek.selectors import indicators_of, overview
from quartier.models import FieldOfAction, Quartier, Role
from quartier.selectors import team_of
from reporting import charts

ZERO = Decimal("0.00")
#: A meeting counts as held in these states.
HELD = (Meeting.Status.HELD, Meeting.Status.APPROVED)
#: The results that are decisions.
DECIDED = (Result.ADOPTED, Result.REJECTED)
WITHOUT_FIELD = _("Without a field of action")

#: (key, label) of the report's data sections, in the order of the report.
SECTIONS: list[tuple[str, Promise]] = [
    ("summary", _("Summary")),
    ("area", _("The area and the team")),
    ("contacts", _("Activation and contacts")),
    ("networks", _("Networks")),
    ("committees", _("Committees")),
    ("funds", _("Funds")),
    ("isek", _("Integrated development concept (ISEK)")),
    ("indicators", _("Indicators")),
]

#: The key figures with their labels, in the order the summary shows them.
KEY_FIGURE_LABELS: dict[str, Promise] = {
    "contacts": _("Contacts"),
    "concerns_raised": _("Concerns raised"),
    "concerns_resolved": _("Concerns resolved"),
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
KEY_FIGURE_GROUPS: list[tuple[str, list[str]]] = [
    ("contacts", ["contacts", "concerns_raised", "concerns_resolved"]),
    ("committees", ["meetings_held", "decisions"]),
    ("funds", ["applications_received", "applications_approved", "amount_approved", "amount_paid"]),
    ("isek", ["measures_running", "measures_completed", "isek_planned", "isek_spent"]),
]


# --- The year -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """The calendar year ``year`` as dates and as moments in the office's time zone."""

    year: int

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def start(self) -> datetime.datetime:
        """The year's first moment in the office's time zone."""
        return timezone.make_aware(datetime.datetime(self.year, 1, 1), timezone.get_default_timezone())

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the year."""
        return timezone.make_aware(datetime.datetime(self.year + 1, 1, 1), timezone.get_default_timezone())

    def dates(self, name: str) -> Q:
        """The date field ``name`` lies in the year."""
        return Q(**{f"{name}__gte": self.first, f"{name}__lte": self.last})

    def moments(self, name: str) -> Q:
        """The datetime field ``name`` lies in the year (local time)."""
        return Q(**{f"{name}__gte": self.start, f"{name}__lt": self.end})

    def contains(self, moment: datetime.datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, prefix: str = "") -> Q:
        """Periods (``start``/``end``, reached through ``prefix``) that share a day with the year."""
        return (Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": self.last})) & (
            Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": self.first})
        )

    @property
    def on(self) -> datetime.date:
        """The day undated states are read on: the year's last day, or today while the year runs."""
        return min(timezone.localdate(), self.last)


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one decimal place; ``None`` when ``whole`` is nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- Rows ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    label: str | Promise
    count: int
    key: str = ""


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str | Promise
    value: int | Decimal
    money: bool


@dataclass(frozen=True)
class TeamRole:
    role: str
    label: str | Promise
    members: list[str]


@dataclass(frozen=True)
class NetworkRow:
    name: str
    kind: str | Promise
    lead: str
    fields: list[str]
    organisations: int  # distinct member organisations in the year
    persons: int  # distinct member persons in the year
    joined: int  # memberships that started in the year
    new: bool  # the network was created in the year


@dataclass(frozen=True)
class CommitteeRow:
    name: str
    kind: str | Promise
    meetings: int  # held in the year
    meetings_with_attendance: int
    present: int  # attendances recorded as present (members, deputies and advisory members)
    recorded: int  # attendances recorded
    attendance_rate: Decimal | None  # present of recorded, percent
    present_per_meeting: Decimal | None  # present per meeting with attendance
    voting_members: int  # on ``on``
    residents: int  # voting residents on ``on``
    resident_share: Decimal  # percent
    required_share: Decimal  # the committee's rule, percent
    meets_rule: bool


@dataclass(frozen=True)
class DecisionRow:
    date: datetime.date
    committee: str
    title: str
    circular: bool  # decided in an online ballot, not in a meeting
    yes: int | None
    no: int | None
    abstain: int | None
    result: str
    result_label: str | Promise


@dataclass(frozen=True)
class FundRow:
    name: str
    kind: str | Promise
    budget: Decimal
    committed: Decimal  # approved and not yet paid (fonds.selectors.FundTotals, as every sum of a fund's money)
    paid: Decimal  # released payments
    repaid: Decimal  # paid back after a reclaim
    remaining: Decimal  # budget − committed − paid + repaid
    received: int  # applications submitted
    approved: int  # applications that bind money


@dataclass(frozen=True)
class ApplicationRow:
    title: str
    fund: str
    applicant_kind: str | Promise  # the organisation's kind, or resident / private person
    amount: Decimal  # the approved amount
    fields: list[str]
    status: str | Promise


@dataclass(frozen=True)
class FieldTotal:
    label: str | Promise
    count: int
    amount: Decimal


@dataclass(frozen=True)
class MatrixRow:
    label: str | Promise
    counts: list[int]  # per status, in the order of ``Measure.Status``
    total: int


@dataclass(frozen=True)
class SourceRow:
    key: str
    label: str | Promise
    planned: Decimal  # financing planned for the year
    spent: Decimal  # spent in the year


@dataclass(frozen=True)
class YearRow:
    year: int
    cost: Decimal
    financed: Decimal
    spent: Decimal


@dataclass
class IndicatorRow:
    """One indicator; the attribute names are those ``templates/isek/charts/line.html`` reads."""

    name: str
    unit: str
    field: str
    direction: str | Promise
    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    value: Decimal | None  # the value of the year
    latest: tuple[int, Decimal] | None  # the latest value up to the year
    progress: Decimal | None  # of the way from the baseline to the target, percent, by the latest value
    chart: isek_charts.LineChart


@dataclass(frozen=True)
class Table:
    """A table of the report, for download as CSV or XLSX (``quartier.exports.table_response``)."""

    title: str | Promise
    headers: list[str | Promise]
    rows: list[list[Any]] = field(default_factory=list)


# --- Shared reads -------------------------------------------------------------------------------------------------


def isek_version(area: Quartier) -> Version | None:
    """The ISEK version the report reads: the newest one. An adopted version is frozen, so the year's
    progress notes, milestones, spending and indicator values are recorded in the draft of its yearly update
    (Fortschreibung) when there is one. One query."""
    return Version.objects.filter(quartier=area).order_by("-created_at", "-pk").first()


def _held_meetings(area: Quartier, span: Span, prefix: str = "") -> Q:
    return Q(**{f"{prefix}committee__quartier": area, f"{prefix}status__in": HELD}) & span.moments(f"{prefix}starts_at")


def _decided_agenda_items(area: Quartier, span: Span) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(_held_meetings(area, span, "meeting__"), result__in=DECIDED)


def _decided_ballot_items(area: Quartier, span: Span) -> QuerySet[BallotItem]:
    return BallotItem.objects.filter(
        span.moments("ballot__closed_at"),
        ballot__committee__quartier=area,
        ballot__status=Ballot.Status.CLOSED,
        result__in=DECIDED,
    )


def _resolved(span: Span) -> Q:
    """Concerns done now whose status was set to done in the year."""
    done = ConcernStatus.DONE
    return Q(
        status=done, pk__in=ConcernStatusChange.objects.filter(span.moments("at"), to_status=done).values("concern")
    )


def _sum(queryset: QuerySet, name: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(name), Value(ZERO), output_field=MONEY_FIELD))["total"]


def _fields_of(items: Iterable[Any]) -> list[str]:
    return [item.name for item in items]


def _ordered_fields() -> Prefetch:
    return Prefetch("fields_of_action", queryset=FieldOfAction.objects.order_by("position", "name"))


# --- Key figures --------------------------------------------------------------------------------------------------


def key_figures(area: Quartier, year: int) -> dict[str, int | Decimal]:
    """The year's key figures of ``area``, by stable keys (the summary, the JSON download, the areas side by side):

    - ``contacts``: contact notes dated in the year;
    - ``concerns_raised``: concerns raised in the year;
    - ``concerns_resolved``: concerns set to "done" in the year and done still (whenever they were raised);
    - ``meetings_held``: committee meetings held (or with approved minutes) that started in the year;
    - ``decisions``: items adopted or rejected at those meetings, plus items of online ballots closed in the
      year that were adopted or rejected;
    - ``applications_received``: applications to the year's funds that were submitted (drafts are not);
    - ``applications_approved``: applications to the year's funds that bind money (approved, committed, paid,
      settled or reclaimed; not rejected or withdrawn);
    - ``amount_approved``: the approved amounts of those applications (€);
    - ``amount_paid``: the released payments to applications of the year's funds, whatever their date (€; the
      year's ``fonds.selectors.FundTotals``);
    - ``measures_running``: measures in progress in the ISEK version (``isek_version``);
    - ``measures_completed``: its completed measures whose end lies in the year;
    - ``isek_planned``: the version's planned cost of the year (€);
    - ``isek_spent``: the version's spending dated in the year (€).

    Without an ISEK the last four are 0. Eleven queries (eight without an ISEK), whatever the volume.
    """
    span = Span(year)
    concerns = Concern.objects.filter(quartier=area).aggregate(
        raised=Count("pk", filter=span.dates("raised_on")), resolved=Count("pk", filter=_resolved(span))
    )
    applications = Application.objects.filter(quartier=area, fund__year=year).aggregate(
        received=Count("pk", filter=Q(submitted_at__isnull=False)),
        approved=Count("pk", filter=Q(status__in=BINDING)),
        amount=Coalesce(Sum("approved_amount", filter=Q(status__in=BINDING)), Value(ZERO), output_field=MONEY_FIELD),
    )
    figures: dict[str, int | Decimal] = {
        "contacts": ContactNote.objects.filter(span.dates("date"), quartier=area).count(),
        "concerns_raised": concerns["raised"],
        "concerns_resolved": concerns["resolved"],
        "meetings_held": Meeting.objects.filter(_held_meetings(area, span)).count(),
        "decisions": _decided_agenda_items(area, span).count() + _decided_ballot_items(area, span).count(),
        "applications_received": applications["received"],
        "applications_approved": applications["approved"],
        "amount_approved": applications["amount"],
        "amount_paid": year_totals(area, year).paid,
        "measures_running": 0,
        "measures_completed": 0,
        "isek_planned": ZERO,
        "isek_spent": ZERO,
    }
    version = isek_version(area)
    if version is not None:
        measures = Measure.objects.filter(version=version).aggregate(
            running=Count("pk", filter=Q(status=Measure.Status.RUNNING)),
            completed=Count("pk", filter=Q(status=Measure.Status.DONE) & span.dates("end")),
        )
        figures["measures_running"] = measures["running"]
        figures["measures_completed"] = measures["completed"]
        figures["isek_planned"] = _sum(PlannedCost.objects.filter(measure__version=version, year=year), "amount")
        figures["isek_spent"] = _sum(Spending.objects.filter(span.dates("date"), measure__version=version), "amount")
    return figures


# --- Sections -----------------------------------------------------------------------------------------------------


def summary_section(area: Quartier, year: int) -> dict[str, Any]:
    """The key figures, and the shares of the budget approved and of the plan spent. Twelve queries (nine without an
    ISEK)."""
    figures = key_figures(area, year)
    budget = _sum(Fund.objects.filter(quartier=area, year=year), "budget")
    rows = {key: KeyFigure(key, label, figures[key], key in MONEY_KEYS) for key, label in KEY_FIGURE_LABELS.items()}
    titles = dict(SECTIONS)
    return {
        "figures": figures,
        "rows": list(rows.values()),
        "groups": [(titles[section], [rows[key] for key in keys]) for section, keys in KEY_FIGURE_GROUPS],
        "fund_budget": budget,
        "approved_share": _share(figures["amount_approved"], budget),
        "spent_share": _share(figures["isek_spent"], figures["isek_planned"]),
    }


def area_section(area: Quartier, year: int) -> dict[str, Any]:
    """The office (the area's own fields) and the staff by role, as it is now. One query."""
    team = team_of(area)
    labels = dict(Role.choices)
    staff = {user.pk for members in team.values() for user in members}
    return {
        "area": area,
        "team": [
            TeamRole(role, labels[role], [user.get_display_name() for user in members])
            for role, members in team.items()
            if members
        ],
        "staff": len(staff),
    }


def _count_rows(rows: Iterable[tuple[Any, int]], labels: dict[Any, Any]) -> list[CountRow]:
    return [CountRow(labels.get(key, key), count, str(key)) for key, count in rows]


def _by_field(counts: dict[int | None, int], fields: dict[int, tuple[int, str]]) -> list[CountRow]:
    """``counts`` by field of action (pk or ``None``), in the fields' order, those without a field last."""
    ordered = sorted((pk for pk in counts if pk is not None), key=lambda pk: fields[pk])
    rows = [CountRow(fields[pk][1], counts[pk], str(pk)) for pk in ordered]
    if counts.get(None):
        rows.append(CountRow(WITHOUT_FIELD, counts[None], ""))
    return rows


def contacts_section(area: Quartier, year: int) -> dict[str, Any]:
    """Contact notes by channel and field of action, the people and organisations reached; the concerns raised in
    the year by status and where they were forwarded, and those resolved in the year. Six queries."""
    span = Span(year)
    notes = ContactNote.objects.filter(span.dates("date"), quartier=area)
    reached = notes.aggregate(
        notes=Count("pk", distinct=True),
        persons=Count("persons", distinct=True),
        organisations=Count("organisations", distinct=True),
    )
    per_channel = dict(notes.order_by().values_list("channel").annotate(n=Count("pk")))
    by_channel = [CountRow(label, per_channel.get(key, 0), key) for key, label in ContactNote.Channel.choices]
    per_field: dict[int | None, int] = {}
    fields: dict[int, tuple[int, str]] = {}
    for pk, name, position, count in (
        notes.order_by()
        .values_list("fields_of_action__pk", "fields_of_action__name", "fields_of_action__position")
        .annotate(n=Count("pk"))
    ):
        per_field[pk] = count
        if pk is not None:
            fields[pk] = (position, name)
    by_field = _by_field(per_field, fields)
    concerns = Concern.objects.filter(span.dates("raised_on"), quartier=area)
    per_status = dict(concerns.order_by().values_list("status").annotate(n=Count("pk")))
    forwarded = list(
        concerns.exclude(forwarded_to="")
        .order_by()
        .values_list("forwarded_to")
        .annotate(n=Count("pk"))
        .order_by("-n", "forwarded_to")
    )
    return {
        "notes": reached["notes"],
        "persons": reached["persons"],
        "organisations": reached["organisations"],
        "by_channel": by_channel,
        "by_field": by_field,
        "channel_chart": charts.hbar_chart([(str(row.label), [row.count]) for row in by_channel]),
        "field_chart": charts.hbar_chart([(str(row.label), [row.count]) for row in by_field]),
        "concerns_raised": sum(per_status.values()),
        "concerns_by_status": [CountRow(label, per_status.get(key, 0), key) for key, label in ConcernStatus.choices],
        "concerns_resolved": Concern.objects.filter(_resolved(span), quartier=area).count(),
        "concerns_forwarded": sum(count for _unit, count in forwarded),
        "forwarded": [CountRow(unit, count) for unit, count in forwarded],
    }


def networks_section(area: Quartier, year: int) -> dict[str, Any]:
    """The networks with members in the year, their members and newcomers; the members of all networks; the new
    organisations (by kind) and persons of the year. Five queries (four without an active network)."""
    span = Span(year)
    overlap = span.overlaps("members__")
    networks = list(
        Network.objects.filter(quartier=area)
        .annotate(
            organisation_count=Count(
                "members__organisation", filter=overlap & Q(members__organisation__isnull=False), distinct=True
            ),
            person_count=Count("members__person", filter=overlap & Q(members__person__isnull=False), distinct=True),
            joined=Count("members", filter=span.dates("members__start"), distinct=True),
        )
        .filter(Q(organisation_count__gt=0) | Q(person_count__gt=0))
        .select_related("lead_organisation")
        .prefetch_related(_ordered_fields())
        .order_by("name", "pk")
    )
    members = NetworkMembership.objects.filter(span.overlaps(), network__quartier=area).aggregate(
        organisations=Count("organisation", distinct=True), persons=Count("person", distinct=True)
    )
    kinds = dict(Organisation.Kind.choices)
    new_organisations = _count_rows(
        Organisation.objects.filter(span.moments("created_at"), quartier=area)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind"),
        kinds,
    )
    persons = Person.objects.filter(span.moments("created_at"), quartier=area).aggregate(
        total=Count("pk"), residents=Count("pk", filter=Q(is_resident=True))
    )
    return {
        "networks": [
            NetworkRow(
                name=network.name,
                kind=network.get_kind_display(),
                lead=network.lead_organisation.name if network.lead_organisation else "",
                fields=_fields_of(network.fields_of_action.all()),
                organisations=network.organisation_count,  # type: ignore[attr-defined]
                persons=network.person_count,  # type: ignore[attr-defined]
                joined=network.joined,  # type: ignore[attr-defined]
                new=span.contains(network.created_at),
            )
            for network in networks
        ],
        "active": len(networks),
        "organisations": members["organisations"],
        "persons": members["persons"],
        "new_networks": sum(1 for network in networks if span.contains(network.created_at)),
        "new_organisations": sum(row.count for row in new_organisations),
        "new_organisations_by_kind": new_organisations,
        "new_persons": persons["total"],
        "new_residents": persons["residents"],
    }


def committees_section(area: Quartier, year: int) -> dict[str, Any]:
    """Per committee the meetings held in the year, their attendance and the resident share against the rule;
    the decisions of the year (at meetings and in online ballots). Five queries."""
    span = Span(year)
    on = span.on
    committees = list(committees_of_area(area, on))
    held = dict(
        Meeting.objects.filter(_held_meetings(area, span)).order_by().values_list("committee").annotate(n=Count("pk"))
    )
    attendance = {
        row["meeting__committee"]: row
        for row in Attendance.objects.filter(_held_meetings(area, span, "meeting__"))
        .order_by()
        .values("meeting__committee")
        .annotate(
            recorded=Count("pk"),
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            meetings=Count("meeting", distinct=True),
        )
    }
    rows = []
    for committee in committees:
        taken = attendance.get(committee.pk, {"recorded": 0, "present": 0, "meetings": 0})
        composition = Composition(
            voting_members=committee.voting_members,  # type: ignore[attr-defined]
            residents=committee.residents,  # type: ignore[attr-defined]
            required_share=committee.resident_share,
        )
        rows.append(
            CommitteeRow(
                name=committee.name,
                kind=committee.get_kind_display(),
                meetings=held.get(committee.pk, 0),
                meetings_with_attendance=taken["meetings"],
                present=taken["present"],
                recorded=taken["recorded"],
                attendance_rate=_share(taken["present"], taken["recorded"]),
                present_per_meeting=(
                    (Decimal(taken["present"]) / taken["meetings"]).quantize(Decimal("0.1"))
                    if taken["meetings"]
                    else None
                ),
                voting_members=composition.voting_members,
                residents=composition.residents,
                resident_share=composition.resident_share,
                required_share=composition.required_share,
                meets_rule=composition.meets_rule,
            )
        )
    results = dict(Result.choices)
    local = timezone.get_default_timezone()
    decisions = [
        DecisionRow(
            date=timezone.localdate(item.meeting.starts_at, local),
            committee=item.meeting.committee.name,
            title=item.title,
            circular=False,
            yes=item.yes,
            no=item.no,
            abstain=item.abstain,
            result=item.result,
            result_label=results.get(item.result, item.result),
        )
        for item in _decided_agenda_items(area, span)
        .select_related("meeting__committee")
        .only("title", "yes", "no", "abstain", "result", "meeting__starts_at", "meeting__committee__name")
    ]
    decisions += [
        DecisionRow(
            date=timezone.localdate(item.ballot.closed_at, local),  # type: ignore[arg-type]
            committee=item.ballot.committee.name,
            title=item.title,
            circular=True,
            yes=item.yes,
            no=item.no,
            abstain=item.abstain,
            result=item.result,
            result_label=results.get(item.result, item.result),
        )
        for item in _decided_ballot_items(area, span)
        .select_related("ballot__committee")
        .only("title", "yes", "no", "abstain", "result", "ballot__closed_at", "ballot__committee__name")
    ]
    decisions.sort(key=lambda row: (row.date, row.committee, row.circular, row.title))
    return {
        "committees": rows,
        "meetings": sum(held.values()),
        "decisions": decisions,
        "adopted": sum(1 for row in decisions if row.result == Result.ADOPTED),
        "rejected": sum(1 for row in decisions if row.result == Result.REJECTED),
        "on": on,
    }


def _applicant_kind(application: Application) -> str | Promise:
    if application.organisation is not None:
        return application.organisation.get_kind_display()
    if application.person is not None and application.person.is_resident:
        return _("Resident")
    return _("Private person")


def funds_section(area: Quartier, year: int) -> dict[str, Any]:
    """The year's funds with budget, committed and not yet paid, paid, paid back and remaining (the one definition
    of a fund's money, ``fonds.selectors.FundTotals``); their approved applications; the approved money by field of
    action. Four queries (three when nothing was approved)."""
    funds = list(funds_with_totals(Fund.objects.filter(quartier=area, year=year)).order_by("name", "pk"))
    counts = {
        row["fund"]: row
        for row in Application.objects.filter(quartier=area, fund__year=year)
        .order_by()
        .values("fund")
        .annotate(
            received=Count("pk", filter=Q(submitted_at__isnull=False)),
            approved=Count("pk", filter=Q(status__in=BINDING)),
        )
    }

    def row_of(name: str, kind: str | Promise, money: FundTotals, received: int, approved: int) -> FundRow:
        return FundRow(
            name=name, kind=kind, budget=money.budget, committed=money.committed, paid=money.paid,
            repaid=money.repaid, remaining=money.free, received=received, approved=approved,
        )  # fmt: skip

    money = {fund.pk: FundTotals.of(fund) for fund in funds}
    rows = [
        row_of(
            fund.name,
            fund.get_kind_display(),
            money[fund.pk],
            counts.get(fund.pk, {}).get("received", 0),
            counts.get(fund.pk, {}).get("approved", 0),
        )
        for fund in funds
    ]
    totals = row_of(
        "",
        "",
        FundTotals.sum(money.values()),
        sum(row.received for row in rows),
        sum(row.approved for row in rows),
    )
    approved = (
        Application.objects.filter(quartier=area, fund__year=year, status__in=BINDING)
        .select_related("fund", "organisation", "person")
        .prefetch_related(_ordered_fields())
        .order_by("fund__name", "title", "pk")
    )
    applications = []
    by_field: dict[int | None, list[Decimal]] = defaultdict(list)
    fields: dict[int, tuple[int, str]] = {}
    for application in approved:
        amount = application.approved_amount or ZERO
        chosen = list(application.fields_of_action.all())
        applications.append(
            ApplicationRow(
                title=application.title,
                fund=application.fund.name,
                applicant_kind=_applicant_kind(application),
                amount=amount,
                fields=_fields_of(chosen),
                status=application.get_status_display(),
            )
        )
        for chosen_field in chosen:
            fields[chosen_field.pk] = (chosen_field.position, chosen_field.name)
            by_field[chosen_field.pk].append(amount)
        if not chosen:
            by_field[None].append(amount)
    ordered = sorted((pk for pk in by_field if pk is not None), key=lambda pk: fields[pk])
    field_totals = [FieldTotal(fields[pk][1], len(by_field[pk]), sum(by_field[pk], ZERO)) for pk in ordered]
    if by_field.get(None):
        field_totals.append(FieldTotal(WITHOUT_FIELD, len(by_field[None]), sum(by_field[None], ZERO)))
    return {
        "funds": rows,
        "totals": totals,
        "applications": applications,
        "by_field": field_totals,
        # The chart's "committed" is all the fund's applications take from the budget, what is paid included.
        "chart": charts.budget_bars([(f.name, money[f.pk].budget, money[f.pk].bound, money[f.pk].out) for f in funds]),
    }


def _version_facts(version: Version | None) -> dict[str, Any]:
    return {"version": version, "adopted": version is not None and version.status == Version.Status.ADOPTED}


def isek_section(area: Quartier, year: int) -> dict[str, Any]:
    """The ISEK version's measures by status and field of action, those completed in the year, the milestones
    reached and the progress noted in the year, and the financing planned against the money spent by source.
    Nine queries (one without an ISEK)."""
    span = Span(year)
    version = isek_version(area)
    facts = _version_facts(version)
    statuses = list(Measure.Status.choices)
    if version is None:
        return {**facts, "statuses": statuses}
    measures = Measure.objects.filter(version=version)
    per_status = dict(measures.order_by().values_list("status").annotate(n=Count("pk")))
    matrix: dict[int | None, dict[str, int]] = defaultdict(dict)
    fields: dict[int, tuple[int, str]] = {}
    for pk, name, position, status, count in (
        measures.order_by()
        .values_list("fields_of_action__pk", "fields_of_action__name", "fields_of_action__position", "status")
        .annotate(n=Count("pk"))
    ):
        matrix[pk][status] = count
        if pk is not None:
            fields[pk] = (position, name)
    keys = [key for key, _label in statuses]
    matrix_rows = [
        MatrixRow(fields[pk][1], [matrix[pk].get(key, 0) for key in keys], sum(matrix[pk].values()))
        for pk in sorted((pk for pk in matrix if pk is not None), key=lambda pk: fields[pk])
    ]
    if None in matrix:
        matrix_rows.append(
            MatrixRow(WITHOUT_FIELD, [matrix[None].get(key, 0) for key in keys], sum(matrix[None].values()))
        )
    completed = list(
        measures.filter(span.dates("end"), status=Measure.Status.DONE).only("number", "title", "end").order_by("number")
    )
    milestones = list(
        Milestone.objects.filter(span.dates("date"), measure__version=version, reached=True)
        .select_related("measure")
        .only("date", "title", "measure__number", "measure__title")
        .order_by("date", "measure__number", "pk")
    )
    notes = list(
        ProgressNote.objects.filter(span.dates("date"), measure__version=version)
        .select_related("measure")
        .only("date", "text", "measure__number", "measure__title")
        .order_by("measure__number", "date", "pk")
    )
    plan = overview(version)
    sources = [
        SourceRow(key, label, plan.financing.get((year, key), ZERO), plan.spent.get((year, key), ZERO))
        for key, label in Source.choices
    ]
    shown = [row for row in sources if row.planned or row.spent]
    years = sorted(set(plan.costs) | {y for y, _s in plan.financing} | {y for y, _s in plan.spent})
    financed = plan.financing_by_year()
    spent_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (spent_year, _source), amount in plan.spent.items():
        spent_by_year[spent_year] += amount
    return {
        **facts,
        "statuses": statuses,
        "measures": sum(per_status.values()),
        "by_status": [CountRow(label, per_status.get(key, 0), key) for key, label in statuses],
        "matrix": matrix_rows,
        "running": per_status.get(Measure.Status.RUNNING, 0),
        "completed": completed,
        "milestones": milestones,
        "notes": notes,
        "planned": plan.costs.get(year, ZERO),
        "financed": sum((row.planned for row in sources), ZERO),
        "spent": sum((row.spent for row in sources), ZERO),
        "sources": sources,
        "sources_chart": charts.hbar_chart([(str(row.label), [row.planned, row.spent]) for row in shown], money=True),
        "years": [
            YearRow(y, plan.costs.get(y, ZERO), financed.get(y, ZERO), spent_by_year.get(y, ZERO)) for y in years
        ],
        "years_chart": isek_charts.stacked_bars(
            years, Source.values, plan.financing, plan.spent, plan.costs, width=720, height=300
        ),
    }


def indicators_section(area: Quartier, year: int) -> dict[str, Any]:
    """The version's indicators: baseline, target, the value of the year and the way made towards the target, with
    a line chart of the values up to the year. Three queries (two without indicators, one without an ISEK)."""
    version = isek_version(area)
    facts = _version_facts(version)
    if version is None:
        return {**facts, "indicators": []}
    rows = []
    for indicator in indicators_of(version):
        values = [(value.year, value.value) for value in indicator.values.all() if value.year <= year]
        latest = values[-1] if values else None
        way = indicator.target - indicator.baseline
        rows.append(
            IndicatorRow(
                name=indicator.name,
                unit=indicator.unit,
                field=indicator.field_of_action.name if indicator.field_of_action else "",
                direction=indicator.get_direction_display(),
                baseline_year=indicator.baseline_year,
                baseline=indicator.baseline,
                target_year=indicator.target_year,
                target=indicator.target,
                value=dict(values).get(year),
                latest=latest,
                progress=_share(latest[1] - indicator.baseline, way) if latest and way else None,
                chart=isek_charts.line_chart(
                    values,
                    baseline=(indicator.baseline_year, indicator.baseline),
                    target=(indicator.target_year, indicator.target),
                    width=240,
                    height=96,
                ),
            )
        )
    return {**facts, "indicators": rows}


GATHERERS: dict[str, Callable[[Quartier, int], dict[str, Any]]] = {
    "summary": summary_section,
    "area": area_section,
    "contacts": contacts_section,
    "networks": networks_section,
    "committees": committees_section,
    "funds": funds_section,
    "isek": isek_section,
    "indicators": indicators_section,
}


def gather_section(key: str, area: Quartier, year: int) -> dict[str, Any]:
    """The section ``key`` (a key of ``SECTIONS``) of the report of ``area`` for ``year``."""
    try:
        gatherer = GATHERERS[key]
    except KeyError:
        raise ValueError(f"No section {key!r}; the sections are {', '.join(GATHERERS)}.") from None
    return gatherer(area, year)


def gather(area: Quartier, year: int) -> dict[str, dict[str, Any]]:
    """Every section of the report of ``area`` for ``year``, by key, in the order of ``SECTIONS``."""
    return {key: gather_section(key, area, year) for key, _label in SECTIONS}


# --- Tables -------------------------------------------------------------------------------------------------------


def report_tables(area: Quartier, year: int, *, sections: dict[str, dict[str, Any]] | None = None) -> dict[str, Table]:
    """Every table the report shows, by a slug usable in a URL (German, like the project's URLs), with the same
    numbers as the PDF. ``sections`` (from ``gather``) spares gathering again."""
    s = sections if sections is not None else gather(area, year)
    summary, contacts, networks = s["summary"], s["contacts"], s["networks"]
    committees, funds, isek, indicators = s["committees"], s["funds"], s["isek"], s["indicators"]
    count = _("Number")
    tables = {
        "kennzahlen": Table(
            _("Key figures"), [_("Key figure"), _("Value")], [[row.label, row.value] for row in summary["rows"]]
        ),
        "team": Table(
            _("Team"),
            [_("Role"), _("Name")],
            [[role.label, name] for role in s["area"]["team"] for name in role.members],
        ),
        "kontakte-kanal": Table(
            _("Contacts by channel"), [_("Channel"), count], [[row.label, row.count] for row in contacts["by_channel"]]
        ),
        "kontakte-handlungsfeld": Table(
            _("Contacts by field of action"),
            [_("Field of action"), count],
            [[row.label, row.count] for row in contacts["by_field"]],
        ),
        "anliegen-status": Table(
            _("Concerns raised in the year by status"),
            [_("Status"), count],
            [[row.label, row.count] for row in contacts["concerns_by_status"]],
        ),
        "anliegen-weitergeleitet": Table(
            _("Concerns forwarded, by recipient"),
            [_("Forwarded to"), count],
            [[row.label, row.count] for row in contacts["forwarded"]],
        ),
        "netzwerke": Table(
            _("Active networks"),
            [
                _("Network"),
                _("Kind"),
                _("Lead organisation"),
                _("Fields of action"),
                _("Organisations"),
                _("Persons"),
                _("Joined in the year"),
            ],
            [
                [row.name, row.kind, row.lead, ", ".join(row.fields), row.organisations, row.persons, row.joined]
                for row in networks["networks"]
            ],
        ),
        "neue-organisationen": Table(
            _("New organisations by kind"),
            [_("Kind"), count],
            [[row.label, row.count] for row in networks["new_organisations_by_kind"]],
        ),
        "gremien": Table(
            _("Committees"),
            [
                _("Committee"),
                _("Kind"),
                _("Meetings held"),
                _("Attendance (%)"),
                _("Present per meeting"),
                _("Voting members"),
                _("Residents"),
                _("Resident share (%)"),
                _("Required share (%)"),
                _("Rule met"),
            ],
            [
                [
                    row.name,
                    row.kind,
                    row.meetings,
                    row.attendance_rate,
                    row.present_per_meeting,
                    row.voting_members,
                    row.residents,
                    row.resident_share,
                    row.required_share,
                    _("yes") if row.meets_rule else _("no"),
                ]
                for row in committees["committees"]
            ],
        ),
        "beschluesse": Table(
            _("Decisions"),
            [_("Date"), _("Committee"), _("Item"), _("Taken"), _("Yes"), _("No"), _("Abstentions"), _("Result")],
            [
                [
                    row.date,
                    row.committee,
                    row.title,
                    _("online ballot") if row.circular else _("meeting"),
                    row.yes,
                    row.no,
                    row.abstain,
                    row.result_label,
                ]
                for row in committees["decisions"]
            ],
        ),
        "fonds": Table(
            _("Funds"),
            [
                _("Fund"),
                _("Kind"),
                _("Budget (€)"),
                _("Committed, not yet paid (€)"),
                _("Paid (€)"),
                _("Paid back (€)"),
                _("Remaining (€)"),
                _("Applications received"),
                _("Applications approved"),
            ],
            [
                [
                    row.name,
                    row.kind,
                    row.budget,
                    row.committed,
                    row.paid,
                    row.repaid,
                    row.remaining,
                    row.received,
                    row.approved,
                ]
                for row in funds["funds"]
            ],
        ),
        "bewilligungen": Table(
            _("Approved applications"),
            [_("Project"), _("Fund"), _("Applicant"), _("Approved (€)"), _("Fields of action"), _("Status")],
            [
                [row.title, row.fund, row.applicant_kind, row.amount, ", ".join(row.fields), row.status]
                for row in funds["applications"]
            ],
        ),
        "fonds-handlungsfelder": Table(
            _("Approved money by field of action"),
            [_("Field of action"), _("Applications"), _("Approved (€)")],
            [[row.label, row.count, row.amount] for row in funds["by_field"]],
        ),
    }
    if isek.get("version") is not None:
        tables.update(
            {
                "massnahmen-status": Table(
                    _("Measures by field of action and status"),
                    [_("Field of action"), *[label for _key, label in isek["statuses"]], _("Total")],
                    [[row.label, *row.counts, row.total] for row in isek["matrix"]],
                ),
                "massnahmen-abgeschlossen": Table(
                    _("Measures completed in the year"),
                    [_("Number"), _("Measure"), _("End")],
                    [[measure.number, measure.title, measure.end] for measure in isek["completed"]],
                ),
                "meilensteine": Table(
                    _("Milestones reached"),
                    [_("Date"), _("Number"), _("Measure"), _("Milestone")],
                    [[m.date, m.measure.number, m.measure.title, m.title] for m in isek["milestones"]],
                ),
                "sachstaende": Table(
                    _("Progress notes of the year"),
                    [_("Number"), _("Measure"), _("Date"), _("Progress")],
                    [[n.measure.number, n.measure.title, n.date, n.text] for n in isek["notes"]],
                ),
                "finanzierung": Table(
                    _("Financing planned and money spent by source"),
                    [_("Source"), _("Planned (€)"), _("Spent (€)")],
                    [[row.label, row.planned, row.spent] for row in isek["sources"]],
                ),
                "finanzierung-jahre": Table(
                    _("Planned cost, financing and spending per year"),
                    [_("Year"), _("Planned cost (€)"), _("Financing planned (€)"), _("Spent (€)")],
                    [[row.year, row.cost, row.financed, row.spent] for row in isek["years"]],
                ),
                "indikatoren": Table(
                    _("Indicators"),
                    [
                        _("Indicator"),
                        _("Unit"),
                        _("Baseline year"),
                        _("Baseline"),
                        _("Target year"),
                        _("Target"),
                        _("Value of the year"),
                        _("Progress towards the target (%)"),
                    ],
                    [
                        [
                            row.name,
                            row.unit,
                            row.baseline_year,
                            row.baseline,
                            row.target_year,
                            row.target,
                            row.value,
                            row.progress,
                        ]
                        for row in indicators["indicators"]
                    ],
                ),
            }
        )
    return tables
