"""Writes for funds: their rules, budget and eligibility checklist (Steuerung sets budgets)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Meeting
from fonds.models import EligibilityCriterion, Fund, Round
from fonds.selectors import fund_totals
from fonds.services.applications import euro
from quartier.audit import acting_as
from quartier.models import Quartier, User

FUND_FIELDS = (
    "name",
    "kind",
    "year",
    "budget",
    "cap",
    "co_financing_share",
    "office_limit",
    "committee",
    "open_for_applications",
    "description",
)


def _check(fund: Fund) -> None:
    if fund.committee is not None and fund.committee.area_id != fund.area_id:
        raise ValidationError({"committee": _("This committee belongs to another area.")})


def _save_criteria(fund: Fund, texts: Sequence[str]) -> None:
    """Make the checklist ``texts``: change criteria in place, add new ones; one already used in a check
    cannot be removed."""
    existing = list(fund.criteria.order_by("position"))
    removed = existing[len(texts) :]
    used = [criterion.text for criterion in removed if criterion.checks.exists()]
    if used:
        raise ValidationError(
            {
                "criteria": _("Already checked for applications, so it stays: %(criteria)s")
                % {"criteria": "; ".join(used)}
            }
        )
    EligibilityCriterion.objects.filter(pk__in=[criterion.pk for criterion in removed]).delete()
    # Positions are unique: move the kept ones out of the way first.
    for offset, criterion in enumerate(existing[: len(texts)], start=1):
        EligibilityCriterion.objects.filter(pk=criterion.pk).update(position=10000 + offset)
    for position, text in enumerate(texts, start=1):
        if position <= len(existing):
            EligibilityCriterion.objects.filter(pk=existing[position - 1].pk).update(position=position, text=text)
        else:
            EligibilityCriterion.objects.create(fund=fund, position=position, text=text)


@transaction.atomic
def fund_create(*, area: Quartier, data: dict[str, object], criteria: Sequence[str], by: User) -> Fund:
    fund = Fund(area=area, **{name: data[name] for name in FUND_FIELDS if name in data})
    fund.full_clean()
    _check(fund)
    with acting_as(by):
        fund.save()
    _save_criteria(fund, criteria)
    return fund


@transaction.atomic
def fund_update(*, fund: Fund, data: dict[str, object], criteria: Sequence[str], by: User) -> Fund:
    """Change a fund; its budget never drops below what its applications have bound."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    for name in FUND_FIELDS:
        if name in data:
            setattr(fund, name, data[name])
    fund.full_clean()
    _check(fund)
    bound = fund_totals(fund).bound
    if fund.budget < bound:
        raise ValidationError(
            {
                "budget": _("Applications have already bound %(bound)s €; the budget cannot be lower.")
                % {"bound": euro(bound)}
            }
        )
    with acting_as(by):
        fund.save()
    _save_criteria(fund, criteria)
    return fund


@transaction.atomic
def round_add(*, fund: Fund, deadline: datetime.datetime, meeting: Meeting | None, by: User) -> Round:
    """A submission deadline of ``fund``, optionally tied to the meeting of its committee that decides."""
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The submission deadline must lie in the future.")})
    if meeting is not None:
        if meeting.committee_id != fund.committee_id:
            raise ValidationError({"meeting": _("The meeting must be one of the fund's committee.")})
        if meeting.starts_at <= deadline:
            raise ValidationError({"meeting": _("The deciding meeting must come after the submission deadline.")})
    with acting_as(by):
        return Round.objects.create(fund=fund, deadline=deadline, meeting=meeting)
