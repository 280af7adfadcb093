"""Writes for the ISEK: versions and their yearly update (Fortschreibung), goals, and the financing split.

An adopted version never changes; every write to a version's parts checks ``check_draft`` first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from isek.models import (
    Financing,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlannedCost,
    ProgressNote,
    Source,
    Spending,
    Version,
)
from quartier.audit import acting_as
from quartier.models import Quartier, User
from quartier.permissions import can_edit_measure
from quartier.transitions import Move, StateMachine

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


#: A version's one step: adopted, and from then on read only.
VERSION = StateMachine(
    model=Version,
    moves={
        "adopt": Move(
            sources=frozenset({Version.Status.DRAFT}),
            target=Version.Status.ADOPTED,
            label=pgettext_lazy("step", "adopt"),
            done=pgettext_lazy("done", "adopted"),
            refusal=gettext_lazy("An adopted version cannot be changed; make an update (Fortschreibung) of it."),
        ),
    },
)


def check_draft(version: Version) -> None:
    if version.status != Version.Status.DRAFT:
        raise ValidationError(
            _("An adopted version cannot be changed; make an update (Fortschreibung) of it."), code="adopted"
        )


@transaction.atomic
def version_create(*, area: Quartier, label: str, by: User) -> Version:
    version = Version(area=area, label=label.strip())
    version.full_clean()
    with acting_as(by):
        version.save()
    return version


@transaction.atomic
def version_adopt(*, version: Version, on: datetime.date, body: str, by: User) -> Version:
    """The version is adopted (e.g. by the city council); from now on it is read only."""
    version = VERSION.lock(version)
    VERSION.check(version, "adopt")
    if not body.strip():
        raise ValidationError(_("Name the body that adopted the version."), code="no_body")
    return VERSION.apply(version, "adopt", by=by, adopted_on=on, adopted_by=body.strip())


@transaction.atomic
def version_continue(*, version: Version, label: str, by: User) -> Version:
    """The yearly update (Fortschreibung): a new draft with copies of the version's goals, measures with
    their milestones, notes, costs, financing and spending, and indicators with their values. Only an adopted
    version is updated: a draft is worked on as it is."""
    version = Version.objects.select_for_update().get(pk=version.pk)  # as it is now, not as the caller read it
    if version.status != Version.Status.ADOPTED:
        raise ValidationError(_("Only an adopted version is updated; keep working on the draft."), code="not_adopted")
    new = Version(area_id=version.area_id, label=label.strip(), previous=version)
    new.full_clean()
    with acting_as(by):
        new.save()
    goals: dict[int, Goal] = {}
    # Overall goals first, so every goal of a field of action finds its copied parent.
    for goal in sorted(version.goals.all(), key=lambda goal: (goal.parent_id is not None, goal.position, goal.pk)):
        goal_copy = Goal.objects.create(
            version=new,
            parent=goals.get(goal.parent_id) if goal.parent_id else None,
            field_of_action_id=goal.field_of_action_id,
            position=goal.position,
            title=goal.title,
        )
        goals[goal.pk] = goal_copy
    measures = version.measures.prefetch_related(
        "fields_of_action", "goals", "partners", "concerns", "applications", "decisions"
    ).order_by("pk")
    for measure in measures:
        measure_copy = Measure.objects.create(
            version=new,
            number=measure.number,
            title=measure.title,
            description=measure.description,
            kind=measure.kind,
            responsible_role=measure.responsible_role,
            lead_organisation_id=measure.lead_organisation_id,
            status=measure.status,
            priority=measure.priority,
            place=measure.place,
            start=measure.start,
            end=measure.end,
        )
        measure_copy.fields_of_action.set(measure.fields_of_action.all())
        measure_copy.goals.set([goals[goal.pk] for goal in measure.goals.all()])
        measure_copy.partners.set(measure.partners.all())
        measure_copy.concerns.set(measure.concerns.all())
        measure_copy.applications.set(measure.applications.all())
        measure_copy.decisions.set(measure.decisions.all())
        parts: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
            (Milestone, ("date", "title", "reached")),
            (ProgressNote, ("date", "text", "author_id")),
            (PlannedCost, ("year", "amount")),
            (Financing, ("year", "source", "amount")),
            (Spending, ("date", "amount", "source", "note")),
        )
        for model, fields in parts:
            model._default_manager.bulk_create(
                [
                    model(measure=measure_copy, **{name: getattr(row, name) for name in fields})
                    for row in model._default_manager.filter(measure=measure).order_by("pk")
                ]
            )
    for indicator in version.indicators.prefetch_related("goals", "values").order_by("pk"):
        indicator_copy = Indicator.objects.create(
            version=new,
            **{
                name: getattr(indicator, name)
                for name in (
                    "name",
                    "unit",
                    "source",
                    "field_of_action_id",
                    "direction",
                    "baseline_year",
                    "baseline",
                    "target_year",
                    "target",
                )
            },
        )
        indicator_copy.goals.set([goals[goal.pk] for goal in indicator.goals.all()])
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(indicator=indicator_copy, year=value.year, value=value.value)
                for value in indicator.values.all()
            ]
        )
    return new


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    """Delete a goal no measure serves (its goals of fields of action go with it)."""
    check_draft(Version.objects.get(pk=goal.version_id))  # as stored now, not as a caller's copy says
    served = list(
        Measure.objects.filter(goals__in=[goal, *goal.children.all()])
        .order_by("number")
        .values_list("number", flat=True)
    )
    if served:
        raise ValidationError(
            _("Measures serve this goal, so it cannot be deleted: %(measures)s")
            % {"measures": ", ".join(sorted(set(served)))},
            code="served",
        )
    with acting_as(by):
        goal.delete()


def split_urban_funding(amount: Decimal) -> dict[str, Decimal]:
    """Urban development funding in thirds for federal, state and municipality; the cents that do not
    divide go to the municipality, so the parts always add up to ``amount``."""
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError(_("Amounts must be at least 0 and in whole cents."), code="amount")
    third = (amount / 3).quantize(CENT, rounding=ROUND_DOWN)
    return {Source.FEDERAL: third, Source.STATE: third, Source.MUNICIPAL: amount - 2 * third}


# --- Amounts ------------------------------------------------------------------------------------------------------


def check_amount(amount: Decimal, *, field: str = "amount") -> Decimal:
    """An amount of money: at least 0 and in whole cents."""
    if amount is None or amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError({field: _("Amounts must be at least 0 and in whole cents.")}, code="amount")
    return amount.quantize(CENT)


def _locked_draft(version_id: int) -> Version:
    """The version as stored now, locked against a concurrent adoption; refused unless it is a draft."""
    version = Version.objects.select_for_update().get(pk=version_id)
    check_draft(version)
    return version


# --- Goals --------------------------------------------------------------------------------------------------------


@transaction.atomic
def goal_save(*, version: Version, data: dict[str, Any], by: User, goal: Goal | None = None) -> Goal:
    """Add or change a goal: an overall goal (no parent) or a goal of a field of action under an overall goal
    of the same version."""
    _locked_draft(version.pk)
    parent = data.get("parent")
    if parent is not None:
        if parent.version_id != version.pk or parent.parent_id is not None:
            raise ValidationError({"parent": _("Choose an overall goal of this version.")}, code="parent")
        if goal is not None and goal.pk and goal.children.exists():
            raise ValidationError(
                {"parent": _("This goal has goals under it, so it stays an overall goal.")}, code="has_children"
            )
        if not data.get("field_of_action"):
            raise ValidationError(
                {"field_of_action": _("A goal under an overall goal belongs to a field of action.")},
                code="no_field",
            )
    goal = goal or Goal(version=version)
    for name in ("parent", "field_of_action", "title", "position"):
        if name in data:
            setattr(goal, name, data[name])
    goal.full_clean()
    with acting_as(by):
        goal.save()
    return goal


# --- Measures -----------------------------------------------------------------------------------------------------

MEASURE_FIELDS = (
    "number", "title", "description", "kind", "responsible_role", "lead_organisation", "status", "priority",
    "place", "start", "end",
)  # fmt: skip
MEASURE_LINKS = ("fields_of_action", "goals", "partners", "concerns", "applications", "decisions")


def _check_links(version: Version, links: dict[str, Iterable[Any]]) -> None:
    area_id = version.area_id
    if any(goal.version_id != version.pk for goal in links.get("goals", ())):
        raise ValidationError({"goals": _("Choose goals of this version.")}, code="other_version")
    for name, label in (
        ("partners", _("Partners")),
        ("concerns", _("Concerns")),
        ("applications", _("Fund applications")),
    ):
        if any(obj.area_id != area_id for obj in links.get(name, ())):
            raise ValidationError({name: _("%(what)s must belong to this area.") % {"what": label}}, code="area")
    if any(item.meeting.committee.area_id != area_id for item in links.get("decisions", ())):
        raise ValidationError({"decisions": _("Choose decisions of this area's committees.")}, code="area")


@transaction.atomic
def measure_save(
    *,
    version: Version,
    data: dict[str, Any],
    links: dict[str, Iterable[Any]],
    perms: frozenset[str],
    by: User,
    measure: Measure | None = None,
) -> Measure:
    """Add or change a measure with its links. Refused: an adopted version, a measure out of the writer's reach
    (as stored or as it would be saved), an end before the start, a number used twice, links to another area or
    version."""
    _locked_draft(version.pk)
    if measure is not None and measure.pk:
        stored = Measure.objects.select_for_update().get(pk=measure.pk)
        if not can_edit_measure(perms, kind=stored.kind, responsible_role=stored.responsible_role):
            raise PermissionDenied(_("Your role may not change this measure."))
    measure = measure or Measure(version=version)
    for name in MEASURE_FIELDS:
        if name in data:
            setattr(measure, name, data[name])
    if not can_edit_measure(perms, kind=measure.kind, responsible_role=measure.responsible_role):
        raise ValidationError(
            _("Your role may only write non-investive measures the office (Gemeinwesenarbeit) is responsible for."),
            code="out_of_reach",
        )
    if measure.start and measure.end and measure.end < measure.start:
        raise ValidationError({"end": _("The end cannot be before the start.")}, code="end_before_start")
    if measure.lead_organisation is not None and measure.lead_organisation.area_id != version.area_id:
        raise ValidationError({"lead_organisation": _("Choose an organisation of this area.")}, code="area")
    if Measure.objects.filter(version=version, number=measure.number).exclude(pk=measure.pk).exists():
        raise ValidationError(
            {"number": _("Another measure of this version has the number %(number)s.") % {"number": measure.number}},
            code="number_taken",
        )
    _check_links(version, links)
    measure.full_clean(validate_unique=False, validate_constraints=False)
    with acting_as(by):
        measure.save()
        for name in MEASURE_LINKS:
            if name in links:
                getattr(measure, name).set(list(links[name]))
    return measure


@transaction.atomic
def progress_note_add(*, measure: Measure, date: datetime.date, text: str, by: User) -> ProgressNote:
    _locked_draft(measure.version_id)
    if not text.strip():
        raise ValidationError({"text": _("Write what the measure's progress is.")}, code="empty")
    if date > timezone.localdate():
        raise ValidationError({"date": _("A progress note cannot be dated in the future.")}, code="future")
    with acting_as(by):
        return ProgressNote.objects.create(measure=measure, date=date, text=text.strip(), author=by)


@transaction.atomic
def milestone_add(*, measure: Measure, date: datetime.date, title: str, by: User) -> Milestone:
    _locked_draft(measure.version_id)
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")}, code="empty")
    with acting_as(by):
        return Milestone.objects.create(measure=measure, date=date, title=title.strip())


@transaction.atomic
def milestone_reached(*, milestone: Milestone, reached: bool, by: User) -> Milestone:
    _locked_draft(milestone.measure.version_id)
    milestone.reached = reached
    with acting_as(by):
        milestone.save(update_fields=["reached"])
    return milestone


# --- Cost and financing plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPlan:
    """One year of a measure's plan: the planned cost and the financing per source."""

    year: int
    cost: Decimal
    financing: dict[str, Decimal]


@transaction.atomic
def finance_plan_save(*, measure: Measure, years: list[YearPlan], by: User) -> None:
    """Replace the measure's planned costs and financing with ``years``, all or nothing."""
    _locked_draft(measure.version_id)
    seen: set[int] = set()
    for plan in years:
        if not 1990 <= plan.year <= 2100:
            raise ValidationError(_("A year must lie between 1990 and 2100."), code="year")
        if plan.year in seen:
            raise ValidationError(_("The year %(year)s appears twice.") % {"year": plan.year}, code="year_twice")
        seen.add(plan.year)
        check_amount(plan.cost)
        for source, amount in plan.financing.items():
            if source not in Source.values:
                raise ValidationError(_("Unknown source of financing."), code="source")
            check_amount(amount)
    before = PlannedCost.objects.filter(measure=measure).aggregate(total=Sum("amount"))["total"] or ZERO
    PlannedCost.objects.filter(measure=measure).delete()
    Financing.objects.filter(measure=measure).delete()
    PlannedCost.objects.bulk_create(
        [PlannedCost(measure=measure, year=plan.year, amount=plan.cost) for plan in years if plan.cost]
    )
    Financing.objects.bulk_create(
        [
            Financing(measure=measure, year=plan.year, source=source, amount=amount)
            for plan in years
            for source, amount in plan.financing.items()
            if amount
        ]
    )
    after = sum((plan.cost for plan in years), ZERO)
    LogEntry.objects.log_create(  # the plan's change shows in the measure's history
        measure,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"planned_costs": [str(before), str(after)]},
        actor=by,
        additional_data=measure.get_additional_data(),
    )


@transaction.atomic
def spending_add(
    *, measure: Measure, date: datetime.date, amount: Decimal, source: str, note: str, by: User
) -> Spending:
    _locked_draft(measure.version_id)
    check_amount(amount)
    if amount == 0:
        raise ValidationError({"amount": _("Record a spending of more than 0 €.")}, code="zero")
    if source not in Source.values:
        raise ValidationError({"source": _("Unknown source of financing.")}, code="source")
    if date > timezone.localdate():
        raise ValidationError({"date": _("Money spent cannot be dated in the future.")}, code="future")
    with acting_as(by):
        return Spending.objects.create(measure=measure, date=date, amount=amount, source=source, note=note.strip())


# --- Indicators ---------------------------------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "name", "unit", "source", "field_of_action", "direction", "baseline_year", "baseline", "target_year", "target",
)  # fmt: skip


@transaction.atomic
def indicator_save(
    *, version: Version, data: dict[str, Any], goals: Iterable[Goal], by: User, indicator: Indicator | None = None
) -> Indicator:
    _locked_draft(version.pk)
    indicator = indicator or Indicator(version=version)
    for name in INDICATOR_FIELDS:
        if name in data:
            setattr(indicator, name, data[name])
    if None not in (indicator.target_year, indicator.baseline_year) and indicator.target_year < indicator.baseline_year:
        raise ValidationError(
            {"target_year": _("The target year cannot be before the baseline year.")}, code="target_year"
        )
    goals = list(goals)
    if any(goal.version_id != version.pk for goal in goals):
        raise ValidationError({"goals": _("Choose goals of this version.")}, code="other_version")
    indicator.full_clean(validate_constraints=False)
    with acting_as(by):
        indicator.save()
        indicator.goals.set(goals)
    return indicator


@transaction.atomic
def indicator_value_set(*, indicator: Indicator, year: int, value: Decimal, by: User) -> IndicatorValue:
    """Record (or correct) the indicator's value of ``year``; not before its baseline year nor in the future."""
    _locked_draft(indicator.version_id)
    if year < indicator.baseline_year:
        raise ValidationError(
            {"year": _("Values start in the baseline year %(year)s.") % {"year": indicator.baseline_year}},
            code="before_baseline",
        )
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A value cannot be recorded for a year still to come.")}, code="future")
    if value != value.quantize(CENT):
        raise ValidationError({"value": _("Give the value with at most two decimal places.")}, code="decimals")
    row, _created = IndicatorValue.objects.update_or_create(indicator=indicator, year=year, defaults={"value": value})
    return row
