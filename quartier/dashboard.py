"""What needs the person now, on the area's dashboard, by what their roles let them do: Steuerung the payments
waiting for their release, the balances of this year's funds and an annual report still to be released; Planung the
measures behind schedule and the milestones due; Gemeinwesenarbeit new applications and concerns waiting for the
administration's answer (their follow-ups are the dashboard's own); Koordination the reports lately finished in
her areas.

All of it, and the rest of the dashboard (the team, the recent changes, the person's follow-ups and those nobody
can do), is read in one query compiled once per process and shape (``quartier.selectors.CompiledLists``): the
dashboard is the page everyone opens first. Dates are the database's (``CURRENT_DATE`` in the project's time zone):
a compiled query takes ids only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DateTimeField, ExpressionWrapper, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear, Now

from actors.models import Concern, ContactNote
from actors.selectors.contacts import follow_ups_due, follow_ups_without_reader, with_overdue
from fonds.models import Application, Fund, Payment, Status
from fonds.selectors import FundTotals, funds_with_totals
from isek.models import Measure, Milestone, Version
from quartier import permissions
from quartier.history import Entry, readable
from quartier.models import Quartier, Role, User
from quartier.selectors import CompiledLists, area_changes, database_day, team_assignments, team_by_role
from reporting.models import Report

SHOWN = 5  # rows of each list; the count says how many there are
CHANGES = 8  # the latest changes in the area
MILESTONE_HORIZON = datetime.timedelta(days=30)
REPORT_HORIZON = datetime.timedelta(days=60)
BEHIND = (Measure.Status.IDEA, Measure.Status.PREPARING, Measure.Status.RUNNING)


def _count(rows: QuerySet, group: str) -> Coalesce:
    """How many of ``rows`` (correlated with the area of the outer query through ``group``) there are."""
    counted = rows.order_by().values(group).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def _now_plus(delta: datetime.timedelta) -> ExpressionWrapper:
    return ExpressionWrapper(Now() + delta, output_field=DateTimeField())


def _lists(
    *,
    area: int,
    user: int,
    money: bool,
    isek: bool,
    applications: bool,
    concerns: bool,
    coordination: bool,
    team: bool,
    changes: bool,
    follow_ups: bool,
    orphaned: bool,
) -> dict[str, QuerySet]:
    today = database_day(0)
    lists: dict[str, QuerySet] = {}
    if team:
        lists["team"] = team_assignments(area)
    if changes:
        lists["changes"] = area_changes(area)[:CHANGES]
    if follow_ups:
        lists["follow_ups"] = follow_ups_due(area, user)
    if orphaned:
        lists["orphaned"] = follow_ups_without_reader(area)
    counts: dict[str, Coalesce] = {}
    if money:
        # Four eyes: a payment waits for someone other than the person who recorded it.
        waiting = Payment.objects.filter(application__area_id=area, released_at__isnull=True).exclude(
            recorded_by_id=user
        )
        lists["payments"] = waiting.select_related("application", "recorded_by").order_by("recorded_at", "pk")[:SHOWN]
        counts["payments"] = _count(waiting.filter(application__area_id=OuterRef("pk")), "application__area")
        lists["funds"] = funds_with_totals(Fund.objects.filter(area_id=area, year=ExtractYear(Now()))).order_by(
            "name", "pk"
        )
        lists["final_reports"] = Report.objects.filter(
            area_id=area, kind=Report.Kind.FINAL, year=ExtractYear(Now()) - 1
        ).values_list("pk")
    if isek:
        newest = Version.objects.filter(area_id=area).order_by("-created_at", "-pk").values("pk")[:1]
        behind = Measure.objects.filter(version=Subquery(newest), end__lt=today, status__in=BEHIND)
        lists["behind"] = behind.order_by("end", "number")[:SHOWN]
        counts["behind"] = _count(behind.filter(version__area_id=OuterRef("pk")), "version__area")
        due = Milestone.objects.filter(
            measure__version=Subquery(newest), reached=False, date__lte=database_day(MILESTONE_HORIZON.days)
        )
        lists["milestones"] = due.select_related("measure").order_by("date", "pk")[:SHOWN]
        counts["milestones"] = _count(due.filter(measure__version__area_id=OuterRef("pk")), "measure__version__area")
    if applications:
        new = Application.objects.filter(area_id=area, status=Status.SUBMITTED)
        lists["applications"] = new.select_related("fund").order_by("submitted_at", "pk")[:SHOWN]
        counts["applications"] = _count(new.filter(area_id=OuterRef("pk")), "area")
    if concerns:
        unanswered = Concern.objects.filter(area_id=area, status=Concern.Status.FORWARDED, answer="")
        lists["concerns"] = unanswered.order_by("raised_on", "pk")[:SHOWN]
        counts["concerns"] = _count(unanswered.filter(area_id=OuterRef("pk")), "area")
    if coordination:
        lists["reports"] = (
            Report.objects.filter(
                area__role_assignments__user_id=user,
                area__role_assignments__role=Role.KOORDINATION,
                status=Report.Status.DONE,
                finished_at__gte=_now_plus(-REPORT_HORIZON),
            )
            .select_related("area")
            .order_by("-finished_at", "-pk")[:SHOWN]
        )
    if counts:
        lists["counts"] = Quartier.objects.filter(pk=area).annotate(**counts).values(*counts)
    return lists


_LISTS = CompiledLists(_lists, ids=("area", "user"), optional=("area", "user"))


@dataclass(frozen=True)
class Needs:
    """What the dashboard shows a person to do; a list is ``None`` where their roles do not ask it of them."""

    payments: list[Payment] | None = None
    funds: list[tuple[Fund, FundTotals]] | None = None
    report_due: int | None = None  # last year, when its annual report has no final version yet
    behind: list[Measure] | None = None
    milestones: list[Milestone] | None = None
    applications: list[Application] | None = None
    concerns: list[Concern] | None = None
    reports: list[Report] | None = None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class Dashboard:
    """Everything the area's dashboard shows a person; ``None`` where their permissions do not show it."""

    needs: Needs
    team: list[tuple[str, list[User]]] | None  # (the role's name, its people), in the order of ``Role``
    changes: list[Entry] | None
    follow_ups: list[ContactNote] | None  # each carrying ``overdue``
    orphaned_follow_ups: list[ContactNote]  # the office's: follow-ups whose assignee can no longer read them


def dashboard_of(
    area: Quartier, user: User, perms: frozenset[str], roles: list[str], *, today: datetime.date
) -> Dashboard:
    """The dashboard of ``user`` (holding ``perms`` and ``roles`` in ``area``). One query, and one more for the
    names in the recent changes' links where they have any (``quartier.history.readable``)."""
    shape = {
        "money": permissions.MANAGE_FUND_MONEY in perms,
        "isek": permissions.CHANGE_ISEK in perms,
        "applications": permissions.CHANGE_FUNDS in perms,
        "concerns": permissions.CHANGE_CONCERNS in perms,
        "coordination": Role.KOORDINATION in roles,
        "team": permissions.VIEW_TEAM in perms,
        "changes": permissions.VIEW_AUDIT in perms,
        "follow_ups": permissions.VIEW_CONTACTS in perms,
        "orphaned": permissions.CHANGE_CONTACTS in perms,
    }
    lists: dict[str, Any] = _LISTS.read(area=area.pk, user=user.pk, **shape) if any(shape.values()) else {}
    found: dict[str, Any] = {}
    if shape["money"]:
        found["payments"] = lists["payments"]
        found["funds"] = [(fund, FundTotals.of(fund)) for fund in lists["funds"]]
        found["report_due"] = None if lists["final_reports"] else today.year - 1
    for name in ("behind", "milestones", "applications", "concerns", "reports"):
        if name in lists:
            found[name] = lists[name]
    counts = lists.get("counts")
    needs = Needs(**found, counts=dict(counts[0]) if counts else {}) if found else Needs()
    return Dashboard(
        needs=needs,
        team=[(Role(role).label, people) for role, people in team_by_role(lists["team"]).items()]
        if shape["team"]
        else None,
        changes=readable(lists["changes"], with_changes=False) if shape["changes"] else None,
        follow_ups=with_overdue(lists["follow_ups"], today=today) if shape["follow_ups"] else None,
        orphaned_follow_ups=lists.get("orphaned", []),
    )
