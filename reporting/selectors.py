"""The reads of the annual report: every query its figures need, section by section. ``reporting.figures`` computes
the report's sections from what these return and reads nothing itself.

Each function makes a fixed number of queries, whatever the volume (its docstring says how many): counts and sums
are made in SQL, lists come with what they show (``select_related``/``prefetch_related``), never a query per row.
What "in the year" means for each kind of thing is described in ``reporting.figures``; here it is ``Span``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from activation.models import AGE_BANDS, Event, TargetGroupCount
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
from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Committee, Meeting, Result
from committees.selectors import HELD_STATES, committees_of_area, held_meetings
from fonds.models import BINDING, Application, Fund
from fonds.selectors import MONEY_FIELD, FundTotals, funds_with_totals, year_totals
from isek.models import Measure, Milestone, PlannedCost, ProgressNote, Spending, Version
from isek.selectors import Overview, overview
from quartier.models import FieldOfAction, Quartier
from quartier.sorting import german

ZERO = Decimal("0.00")
#: A meeting counts as held in these states, once it has begun (``committees.selectors.held_meetings``).
HELD = HELD_STATES
#: The results that are decisions.
DECIDED = (Result.ADOPTED, Result.REJECTED)


# --- The year -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
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

    @property
    def before(self) -> Span:
        """The year before."""
        return Span(self.year - 1)


@dataclass(frozen=True, slots=True)
class FieldKey:
    """A field of action (or a target group, ordered alike) as the counts by field name it: its order is
    ``(position, name)``."""

    pk: int
    position: int
    name: str

    @property
    def order(self) -> tuple[int, str]:
        return (self.position, self.name)


def _field_key(pk: int | None, name: str | None, position: int | None) -> FieldKey | None:
    """The field of a ``values_list`` row through ``fields_of_action``; ``None`` for a row without a field."""
    if pk is None:
        return None
    return FieldKey(pk, position or 0, name or "")


# --- Shared reads -------------------------------------------------------------------------------------------------


def isek_version(area: Quartier) -> Version | None:
    """The ISEK version the report reads: the newest one. An adopted version is frozen, so the year's
    progress notes, milestones, spending and indicator values are recorded in the draft of its yearly update
    (Fortschreibung) when there is one. One query."""
    return Version.objects.filter(area=area).order_by("-created_at", "-pk").first()


def _held_meetings(area: Quartier, span: Span, prefix: str = "") -> Q:
    """The area's meetings held in the year: of the running year, those held by now (a meeting ahead is not
    held, whatever its state says)."""
    return (
        Q(**{f"{prefix}committee__area": area})
        & held_meetings(timezone.now(), prefix)
        & span.moments(f"{prefix}starts_at")
    )


def _decided_agenda_items(area: Quartier, span: Span) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(_held_meetings(area, span, "meeting__"), result__in=DECIDED)


def _decided_ballot_items(area: Quartier, span: Span) -> QuerySet[BallotItem]:
    return BallotItem.objects.filter(
        span.moments("ballot__closed_at"),
        ballot__committee__area=area,
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


def _ordered_fields() -> Prefetch:
    return Prefetch("fields_of_action", queryset=FieldOfAction.objects.order_by("position", "name"))


# --- Key figures --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearCounts:
    """The dated key figures of an area-year (``reporting.figures.summary.KeyFigures`` says what each counts)."""

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


def year_counts(area: Quartier, span: Span) -> YearCounts:
    """Contacts, concerns, events and their participants, meetings, decisions and the applications and money of the
    year's funds. Nine queries."""
    concerns = Concern.objects.filter(area=area).aggregate(
        raised=Count("pk", filter=span.dates("raised_on")), resolved=Count("pk", filter=_resolved(span))
    )
    applications = Application.objects.filter(area=area, fund__year=span.year).aggregate(
        received=Count("pk", filter=Q(submitted_at__isnull=False)),
        approved=Count("pk", filter=Q(status__in=BINDING)),
        amount=Coalesce(Sum("approved_amount", filter=Q(status__in=BINDING)), Value(ZERO), output_field=MONEY_FIELD),
    )
    events = Event.objects.filter(_events_begun(span, timezone.now()), area=area).aggregate(
        events=Count("pk"), participants=Coalesce(Sum("participants"), 0)
    )
    return YearCounts(
        contacts=ContactNote.objects.filter(span.dates("date"), area=area).count(),
        concerns_raised=concerns["raised"],
        concerns_resolved=concerns["resolved"],
        events=events["events"],
        participants=events["participants"],
        meetings_held=Meeting.objects.filter(_held_meetings(area, span)).count(),
        decisions=_decided_agenda_items(area, span).count() + _decided_ballot_items(area, span).count(),
        applications_received=applications["received"],
        applications_approved=applications["approved"],
        amount_approved=applications["amount"],
        amount_paid=year_totals(area, span.year).paid,
    )


@dataclass(frozen=True, slots=True)
class IsekCounts:
    """The ISEK's key figures of a year in one version."""

    measures_running: int
    measures_completed: int
    planned: Decimal  # planned cost of the year
    spent: Decimal  # spending dated in the year


def isek_counts(version: Version, span: Span) -> IsekCounts:
    """Measures in progress, measures completed in the year, the planned cost of the year and the spending dated
    in it. Three queries."""
    measures = Measure.objects.filter(version=version).aggregate(
        running=Count("pk", filter=Q(status=Measure.Status.RUNNING)),
        completed=Count("pk", filter=Q(status=Measure.Status.DONE) & span.dates("end")),
    )
    return IsekCounts(
        measures_running=measures["running"],
        measures_completed=measures["completed"],
        planned=_sum(PlannedCost.objects.filter(measure__version=version, year=span.year), "amount"),
        spent=_sum(Spending.objects.filter(span.dates("date"), measure__version=version), "amount"),
    )


def fund_budget(area: Quartier, year: int) -> Decimal:
    """The sum of the budgets of the area's funds of ``year``. One query."""
    return _sum(Fund.objects.filter(area=area, year=year), "budget")


# --- Contacts and concerns ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactData:
    notes: int  # contact notes dated in the year
    persons: int  # distinct persons they reached
    organisations: int  # distinct organisations they reached
    by_channel: dict[str, int]  # notes per channel (only channels with notes)
    by_field: dict[FieldKey | None, int]  # notes per field of action (a note in two fields counts in both)
    concerns_by_status: dict[str, int]  # concerns raised in the year, per status as they stand now
    forwarded: list[tuple[str, int]]  # concerns raised in the year per unit they were forwarded to, most first
    concerns_resolved: int  # concerns set to done in the year and done still


def contact_data(area: Quartier, span: Span) -> ContactData:
    """The year's contact notes and concerns. Six queries."""
    notes = ContactNote.objects.filter(span.dates("date"), area=area)
    reached = notes.aggregate(
        notes=Count("pk", distinct=True),
        persons=Count("persons", distinct=True),
        organisations=Count("organisations", distinct=True),
    )
    by_channel = dict(notes.order_by().values_list("channel").annotate(n=Count("pk")))
    by_field = {
        _field_key(pk, name, position): count
        for pk, name, position, count in notes.order_by()
        .values_list("fields_of_action__pk", "fields_of_action__name", "fields_of_action__position")
        .annotate(n=Count("pk"))
    }
    concerns = Concern.objects.filter(span.dates("raised_on"), area=area)
    by_status = dict(concerns.order_by().values_list("status").annotate(n=Count("pk")))
    forwarded = list(
        concerns.exclude(forwarded_to="")
        .order_by()
        .values_list("forwarded_to")
        .annotate(n=Count("pk"))
        .order_by("-n", "forwarded_to")
    )
    return ContactData(
        notes=reached["notes"],
        persons=reached["persons"],
        organisations=reached["organisations"],
        by_channel=by_channel,
        by_field=by_field,
        concerns_by_status=by_status,
        forwarded=forwarded,
        concerns_resolved=Concern.objects.filter(_resolved(span), area=area).count(),
    )


# --- Events and participation -------------------------------------------------------------------------------------


def _a_year_before(moment: datetime.datetime) -> datetime.datetime:
    """The same day and time a year earlier, in the office's time zone (29 February: the 28th)."""
    return timezone.localtime(moment) - relativedelta(years=1)


def _events_begun(span: Span, now: datetime.datetime, prefix: str = "") -> Q:
    """Events (reached through ``prefix``) that began in the year, by now: of the running year only those held so
    far (a planned event is not yet one of the year's)."""
    name = f"{prefix}starts_at"
    return span.moments(name) & Q(**{f"{name}__lte": now})


def _events_of_two_years(span: Span, now: datetime.datetime, prefix: str = "") -> Q:
    """Events that began in the year or in the year before, like with like: while the year runs, those of the year
    so far and those of the year before up to the same day."""
    return _events_begun(span, now, prefix) | _events_begun(span.before, _a_year_before(now), prefix)


def _year_of(name: str) -> ExtractYear:
    """The year of the datetime field ``name`` in the office's time zone."""
    return ExtractYear(name, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True, slots=True)
class EventCounts:
    """Events, and the participants counted at them."""

    events: int
    counted: int  # events with participants counted
    participants: int | None  # at the counted events; ``None`` when none was counted


NO_EVENTS = EventCounts(events=0, counted=0, participants=None)


@dataclass(frozen=True, slots=True)
class EventYear:
    """The events of a year in total."""

    counts: EventCounts
    ages: dict[str, int | None]  # participants per age band (the fields of ``AGE_BANDS``); ``None``: none counted
    public: int  # public events (in the public calendar)
    series: int  # series with an event in the year


NO_EVENT_YEAR = EventYear(NO_EVENTS, dict.fromkeys((name for name, _label in AGE_BANDS), None), public=0, series=0)


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """The events of a year for a target group, and the participants of the group counted at events."""

    addressed: int  # events for the group
    counted: int  # events that counted participants of the group
    participants: int | None  # ``None`` when no event counted the group


@dataclass(frozen=True, slots=True)
class ActivationData:
    """The events of the year and of the year before (``_events_of_two_years``), each table by year."""

    years: dict[int, EventYear]  # only the years with events
    by_field: dict[tuple[int, FieldKey | None], EventCounts]  # an event in two fields counts in both
    by_kind: dict[tuple[int, str], EventCounts]
    by_group: dict[tuple[int, FieldKey], GroupCounts]  # the target groups with events or counts
    largest: list[Event]  # the year's events with the most participants counted, most first


#: How many of the year's largest events the section names.
LARGEST = 5


def _counted() -> dict[str, Count | Sum]:
    """Events, those with participants counted, and the participants counted (``None`` when none was)."""
    return {
        "events": Count("pk"),
        "counted": Count("pk", filter=Q(participants__isnull=False)),
        "participants": Sum("participants"),
    }


def activation_data(area: Quartier, span: Span, now: datetime.datetime | None = None) -> ActivationData:
    """The events of the year and of the year before (while the year runs: each up to the same day) in total, by
    field of action, kind and target group, each in one query for both years, and the year's largest events. Five
    queries."""
    now = now or timezone.now()
    events = (
        Event.objects.filter(_events_of_two_years(span, now), area=area).order_by().annotate(year=_year_of("starts_at"))
    )
    years = {
        row["year"]: EventYear(
            EventCounts(row["events"], row["counted"], row["participants"]),
            ages={name: row[name] for name, _label in AGE_BANDS},
            public=row["public"],
            series=row["series"],
        )
        for row in events.values("year").annotate(
            **_counted(),
            **{name: Sum(name) for name, _label in AGE_BANDS},
            public=Count("pk", filter=Q(public=True)),
            series=Count("series", distinct=True),
        )
    }
    by_field = {
        (year, _field_key(pk, name, position)): EventCounts(n, counted, participants)
        for year, pk, name, position, n, counted, participants in events.values_list(
            "year", "fields_of_action__pk", "fields_of_action__name", "fields_of_action__position"
        ).annotate(**_counted())
    }
    by_kind = {
        (row["year"], row["kind"]): EventCounts(row["events"], row["counted"], row["participants"])
        for row in events.values("year", "kind").annotate(**_counted())
    }
    # Two ways to a target group, in one query: the events for it (their target groups), and the participants of
    # it counted at events (their counts by target group).
    nothing = Value(None, output_field=IntegerField())
    through: Any = Event.target_groups.through  # the stubs do not know the annotations of an implicit through model
    addressed = (
        through.objects.filter(_events_of_two_years(span, now, "event__"), event__area=area)
        .order_by()
        .annotate(year=_year_of("event__starts_at"))
        .values_list("year", "targetgroup", "targetgroup__name", "targetgroup__position")
        .annotate(addressed=Count("pk"), counted=Value(0), participants=nothing)
    )
    counted = (
        TargetGroupCount.objects.filter(_events_of_two_years(span, now, "event__"), event__area=area)
        .order_by()
        .annotate(year=_year_of("event__starts_at"))
        .values_list("year", "target_group", "target_group__name", "target_group__position")
        .annotate(addressed=Value(0), counted=Count("pk"), participants=Sum("count"))
    )
    by_group: dict[tuple[int, FieldKey], GroupCounts] = {}
    for year, pk, name, position, n_addressed, n_counted, participants in addressed.union(counted, all=True):
        key = (year, FieldKey(pk, position, name))
        seen = by_group.get(key, GroupCounts(0, 0, None))
        total = participants if seen.participants is None else seen.participants + (participants or 0)
        by_group[key] = GroupCounts(seen.addressed + n_addressed, seen.counted + n_counted, total)
    largest = list(
        Event.objects.filter(_events_begun(span, now), area=area, participants__isnull=False)
        .only("pk", "title", "kind", "starts_at", "place", "participants")
        .order_by("-participants", "starts_at", "pk")[:LARGEST]
    )
    return ActivationData(years, by_field, by_kind, by_group, largest)


# --- Networks -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActiveNetwork:
    """A network with members in the year (its lead organisation and its fields of action, ordered, loaded)."""

    network: Network
    organisations: int  # distinct member organisations in the year
    persons: int  # distinct member persons in the year
    joined: int  # memberships that started in the year


@dataclass(frozen=True, slots=True)
class NetworkData:
    networks: list[ActiveNetwork]  # by name
    member_organisations: int  # distinct members of any network in the year
    member_persons: int
    new_organisations_by_kind: list[tuple[str, int]]  # organisations created in the year per kind, most first
    new_persons: int  # persons created in the year
    new_residents: int  # residents among them


def network_data(area: Quartier, span: Span) -> NetworkData:
    """The networks with members in the year and the members of all networks; the organisations and persons new
    in the year. Five queries (four without an active network)."""
    overlap = span.overlaps("members__")
    networks = (
        Network.objects.filter(area=area)
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
        .order_by(*german("name"), "pk")
    )
    members = NetworkMembership.objects.filter(span.overlaps(), network__area=area).aggregate(
        organisations=Count("organisation", distinct=True), persons=Count("person", distinct=True)
    )
    new_organisations = list(
        Organisation.objects.filter(span.moments("created_at"), area=area)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind")
    )
    persons = Person.objects.filter(span.moments("created_at"), area=area).aggregate(
        total=Count("pk"), residents=Count("pk", filter=Q(is_resident=True))
    )
    return NetworkData(
        networks=[
            ActiveNetwork(
                network,
                organisations=network.organisation_count,
                persons=network.person_count,
                joined=network.joined,
            )
            for network in networks
        ],
        member_organisations=members["organisations"],
        member_persons=members["persons"],
        new_organisations_by_kind=new_organisations,
        new_persons=persons["total"],
        new_residents=persons["residents"],
    )


# --- Committees ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommitteeOnDay:
    """A committee and its voting members on a day."""

    committee: Committee
    voting_members: int
    residents: int  # voting residents


@dataclass(frozen=True, slots=True)
class AttendanceCount:
    """The attendance recorded at a committee's meetings held in the year."""

    recorded: int  # attendances recorded (members, deputies and advisory members)
    present: int  # of them recorded as present
    meetings: int  # meetings with attendance recorded


NO_ATTENDANCE = AttendanceCount(recorded=0, present=0, meetings=0)


@dataclass(frozen=True, slots=True)
class CommitteeData:
    committees: list[CommitteeOnDay]  # by name
    held: dict[int, int]  # meetings held in the year per committee (pk)
    attendance: dict[int, AttendanceCount]  # per committee (pk) with attendance recorded
    agenda_items: list[AgendaItem]  # decided at meetings held in the year (with meeting and committee)
    ballot_items: list[BallotItem]  # decided in online ballots closed in the year (with ballot and committee)


def committee_data(area: Quartier, span: Span, on: datetime.date) -> CommitteeData:
    """The committees with their voting members on ``on``, their meetings held in the year with the attendance,
    and the year's decisions at meetings and in online ballots. Five queries."""
    committees = [
        CommitteeOnDay(committee, committee.voting_members, committee.residents)
        for committee in committees_of_area(area, on)
    ]
    held = dict(
        Meeting.objects.filter(_held_meetings(area, span)).order_by().values_list("committee").annotate(n=Count("pk"))
    )
    attendance = {
        row["meeting__committee"]: AttendanceCount(row["recorded"], row["present"], row["meetings"])
        for row in Attendance.objects.filter(_held_meetings(area, span, "meeting__"))
        .order_by()
        .values("meeting__committee")
        .annotate(
            recorded=Count("pk"),
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            meetings=Count("meeting", distinct=True),
        )
    }
    agenda_items = list(
        _decided_agenda_items(area, span)
        .select_related("meeting__committee")
        .only("title", "yes", "no", "abstain", "result", "meeting__starts_at", "meeting__committee__name")
    )
    ballot_items = list(
        _decided_ballot_items(area, span)
        .select_related("ballot__committee")
        .only("title", "yes", "no", "abstain", "result", "ballot__closed_at", "ballot__committee__name")
    )
    return CommitteeData(committees, held, attendance, agenda_items, ballot_items)


# --- Funds --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundMoney:
    """A fund of the year with its money (``fonds.selectors.FundTotals``, the one definition of it)."""

    fund: Fund
    money: FundTotals


@dataclass(frozen=True, slots=True)
class ApplicationCount:
    """The applications to a fund."""

    received: int  # submitted
    approved: int  # binding money


NO_APPLICATIONS = ApplicationCount(received=0, approved=0)


@dataclass(frozen=True, slots=True)
class FundData:
    funds: list[FundMoney]  # by name
    applications: dict[int, ApplicationCount]  # per fund (pk) with applications
    approved: list[Application]  # binding money, by fund and title (with fund, applicant and ordered fields)


def fund_data(area: Quartier, year: int) -> FundData:
    """The area's funds of ``year`` with their money, the applications to them counted, and those approved.
    Four queries (three when nothing was approved)."""
    funds = funds_with_totals(Fund.objects.filter(area=area, year=year)).order_by(*german("name"), "pk")
    counts = {
        row["fund"]: ApplicationCount(row["received"], row["approved"])
        for row in Application.objects.filter(area=area, fund__year=year)
        .order_by()
        .values("fund")
        .annotate(
            received=Count("pk", filter=Q(submitted_at__isnull=False)),
            approved=Count("pk", filter=Q(status__in=BINDING)),
        )
    }
    approved = list(
        Application.objects.filter(area=area, fund__year=year, status__in=BINDING)
        .select_related("fund", "organisation", "person")
        .prefetch_related(_ordered_fields())
        .order_by(*german("fund__name"), "title", "pk")
    )
    return FundData([FundMoney(fund, FundTotals.of(fund)) for fund in funds], counts, approved)


# --- ISEK ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IsekData:
    version: Version
    by_status: dict[str, int]  # the version's measures per status
    by_field_and_status: dict[tuple[FieldKey | None, str], int]  # a measure in two fields counts in both
    completed: list[Measure]  # status completed, end in the year; by number
    milestones: list[Milestone]  # reached in the year, by date (with ``measure``)
    notes: list[ProgressNote]  # dated in the year, by measure (with ``measure``)
    plan: Overview  # planned cost, financing and spending per year and source


def isek_data(version: Version, span: Span) -> IsekData:
    """The version's measures by status and field of action, those completed in the year, the milestones reached
    and the progress noted in the year, and its cost and financing overview. Eight queries."""
    measures = Measure.objects.filter(version=version)
    by_status = dict(measures.order_by().values_list("status").annotate(n=Count("pk")))
    by_field_and_status = {
        (_field_key(pk, name, position), status): count
        for pk, name, position, status, count in measures.order_by()
        .values_list("fields_of_action__pk", "fields_of_action__name", "fields_of_action__position", "status")
        .annotate(n=Count("pk"))
    }
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
    return IsekData(version, by_status, by_field_and_status, completed, milestones, notes, overview(version))
