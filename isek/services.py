"""Writes for the ISEK: versions and their yearly update (Fortschreibung), goals, and the financing split.

An adopted version never changes; every write to a version's parts checks ``check_draft`` first.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
from quartier.audit import acting_as, audit_transition
from quartier.models import Quartier, User

CENT = Decimal("0.01")


def check_draft(version: Version) -> None:
    if version.status != Version.Status.DRAFT:
        raise ValidationError(
            _("An adopted version cannot be changed; make an update (Fortschreibung) of it."), code="adopted"
        )


@transaction.atomic
def version_create(*, area: Quartier, label: str, by: User) -> Version:
    version = Version(quartier=area, label=label.strip())
    version.full_clean()
    with acting_as(by):
        version.save()
    return version


@transaction.atomic
def version_adopt(*, version: Version, on: datetime.date, body: str, by: User) -> Version:
    """The version is adopted (e.g. by the city council); from now on it is read only."""
    version = Version.objects.select_for_update().get(pk=version.pk)
    check_draft(version)
    if not body.strip():
        raise ValidationError(_("Name the body that adopted the version."), code="no_body")
    version.status = Version.Status.ADOPTED
    version.adopted_on = on
    version.adopted_by = body.strip()
    version.save(update_fields=["status", "adopted_on", "adopted_by", "updated_at"])
    audit_transition(obj=version, transition="adopt", from_state="entwurf", to_state="beschlossen", by=by)
    return version


@transaction.atomic
def version_continue(*, version: Version, label: str, by: User) -> Version:
    """The yearly update (Fortschreibung): a new draft with copies of the version's goals, measures with
    their milestones, notes, costs, financing and spending, and indicators with their values."""
    new = Version(quartier_id=version.quartier_id, label=label.strip(), previous=version)
    new.full_clean()
    with acting_as(by):
        new.save()
    goals: dict[int, Goal] = {}
    # Overall goals first, so every goal of a field of action finds its copied parent.
    for goal in sorted(version.goals.all(), key=lambda goal: (goal.parent_id is not None, goal.position, goal.pk)):
        copy = Goal.objects.create(
            version=new,
            parent=goals.get(goal.parent_id) if goal.parent_id else None,
            field_of_action_id=goal.field_of_action_id,
            position=goal.position,
            title=goal.title,
        )
        goals[goal.pk] = copy
    measures = version.measures.prefetch_related(
        "fields_of_action", "goals", "partners", "concerns", "applications", "decisions"
    ).order_by("pk")
    for measure in measures:
        copy = Measure.objects.create(
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
        copy.fields_of_action.set(measure.fields_of_action.all())
        copy.goals.set([goals[goal.pk] for goal in measure.goals.all()])
        copy.partners.set(measure.partners.all())
        copy.concerns.set(measure.concerns.all())
        copy.applications.set(measure.applications.all())
        copy.decisions.set(measure.decisions.all())
        for model, fields in (
            (Milestone, ("date", "title", "reached")),
            (ProgressNote, ("date", "text", "author_id")),
            (PlannedCost, ("year", "amount")),
            (Financing, ("year", "source", "amount")),
            (Spending, ("date", "amount", "source", "note")),
        ):
            model.objects.bulk_create(
                [
                    model(measure=copy, **{name: getattr(row, name) for name in fields})
                    for row in model.objects.filter(measure=measure).order_by("pk")
                ]
            )
    for indicator in version.indicators.prefetch_related("goals", "values").order_by("pk"):
        copy = Indicator.objects.create(
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
        copy.goals.set([goals[goal.pk] for goal in indicator.goals.all()])
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(indicator=copy, year=value.year, value=value.value) for value in indicator.values.all()]
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
