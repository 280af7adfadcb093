"""An application's lifecycle, in one place.

Entwurf → eingereicht → in Prüfung → Rückfrage (back to the applicant, resumable)
→ förderfähig / nicht förderfähig → zur Entscheidung → bewilligt / bewilligt mit
Auflagen / abgelehnt / zurückgestellt → Mittel gebunden → ausgezahlt → Verwendungs-
nachweis eingereicht → geprüft und abgeschlossen, or Rückforderung, which is closed
once the money has come back (``fonds.services.payments.repayment_record``).
Zurückgezogen from any open state before a payment (by the office); by the applicant through their link only
before the decision.

Every move also tells the applicant by mail where that step concerns them (``fonds.services.notices``).

Every transition locks the application's row, checks the state it starts from
(``APPLICATION``, a ``quartier.transitions.StateMachine``) and records who and when
(``StatusChange`` and the audit trail).
An approval also locks the fund's row, so two approvals at the same moment cannot
together bind more than the budget.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from actors.services.persons import refuse_erased
from committees.models import AgendaItem, Ballot, BallotItem, Meeting, Result
from committees.services.ballots import BALLOT
from committees.services.conflicts import conflicts_refresh
from committees.services.meetings import MEETING
from fonds.models import (
    AWAITING_DECISION,
    Application,
    CostLine,
    EligibilityCheck,
    Fund,
    Receipt,
    Status,
    StatusChange,
)
from fonds.selectors import ZERO, fund_totals, paid_of
from fonds.services.notices import applicant_tell, office_tell
from quartier.audit import acting_as
from quartier.models import User
from quartier.transitions import Move, StateMachine

#: Open states before a decision: the applicant may withdraw through their link.
BEFORE_DECISION = AWAITING_DECISION | {Status.DRAFT}

#: Open states before any money is paid.
OPEN_BEFORE_PAYMENT = BEFORE_DECISION | {Status.APPROVED, Status.APPROVED_WITH_CONDITIONS, Status.COMMITTED}


def _record(
    obj: Application, *, from_state: str, to_state: str, by: User | None, note: str, now: datetime.datetime
) -> None:
    StatusChange.objects.create(application=obj, from_status=from_state, to_status=to_state, at=now, by=by, note=note)


def _move(sources: Iterable[str], target: str, label: str | Promise, done: str | Promise) -> Move:
    return Move(sources=frozenset(sources), target=target, label=label, done=done)


#: An application's lifecycle: each step, the states it may start from and the state it leads to.
APPLICATION = StateMachine(
    model=Application,
    moves={
        "submit": _move(
            {Status.DRAFT}, Status.SUBMITTED, pgettext_lazy("step", "submit"), pgettext_lazy("done", "submitted")
        ),
        "resubmit": _move(
            {Status.QUERY},
            Status.SUBMITTED,
            pgettext_lazy("step", "hand in again"),
            pgettext_lazy("done", "handed in again"),
        ),
        "review": _move(
            {Status.SUBMITTED},
            Status.IN_REVIEW,
            pgettext_lazy("step", "start the review"),
            pgettext_lazy("done", "review started"),
        ),
        "query": _move(
            {Status.IN_REVIEW},
            Status.QUERY,
            pgettext_lazy("step", "ask the applicant"),
            pgettext_lazy("done", "applicant asked"),
        ),
        "assess_eligible": _move(
            {Status.IN_REVIEW},
            Status.ELIGIBLE,
            pgettext_lazy("step", "find eligible"),
            pgettext_lazy("done", "found eligible"),
        ),
        "assess_ineligible": _move(
            {Status.IN_REVIEW},
            Status.INELIGIBLE,
            pgettext_lazy("step", "find not eligible"),
            pgettext_lazy("done", "found not eligible"),
        ),
        "put_forward": _move(
            {Status.ELIGIBLE, Status.DEFERRED},
            Status.FOR_DECISION,
            pgettext_lazy("step", "put forward for decision"),
            pgettext_lazy("done", "put forward for decision"),
        ),
        "approve": _move(
            {Status.FOR_DECISION}, Status.APPROVED, pgettext_lazy("step", "approve"), pgettext_lazy("done", "approved")
        ),
        "approve_with_conditions": _move(
            {Status.FOR_DECISION},
            Status.APPROVED_WITH_CONDITIONS,
            pgettext_lazy("step", "approve with conditions"),
            pgettext_lazy("done", "approved with conditions"),
        ),
        "reject": _move(
            {Status.FOR_DECISION}, Status.REJECTED, pgettext_lazy("step", "reject"), pgettext_lazy("done", "rejected")
        ),
        "defer": _move(
            {Status.FOR_DECISION}, Status.DEFERRED, pgettext_lazy("step", "defer"), pgettext_lazy("done", "deferred")
        ),
        "commit": _move(
            {Status.APPROVED, Status.APPROVED_WITH_CONDITIONS},
            Status.COMMITTED,
            pgettext_lazy("step", "bind the funds"),
            pgettext_lazy("done", "funds bound"),
        ),
        "pay": _move(
            {Status.COMMITTED, Status.PAID},
            Status.PAID,
            pgettext_lazy("step", "record a payment"),
            pgettext_lazy("done", "payment recorded"),
        ),
        "submit_proof": _move(
            {Status.PAID},
            Status.PROOF_SUBMITTED,
            pgettext_lazy("step", "hand in the proof of use"),
            pgettext_lazy("done", "proof of use handed in"),
        ),
        "settle": _move(
            {Status.PROOF_SUBMITTED},
            Status.CLOSED,
            pgettext_lazy("step", "check and close"),
            pgettext_lazy("done", "checked and closed"),
        ),
        "reclaim": _move(
            {Status.PROOF_SUBMITTED},
            Status.RECLAIM,
            pgettext_lazy("step", "reclaim money"),
            pgettext_lazy("done", "money reclaimed"),
        ),
        "repaid": _move(
            {Status.RECLAIM},
            Status.CLOSED,
            pgettext_lazy("step", "close after the repayment"),
            pgettext_lazy("done", "closed after the repayment"),
        ),
        "withdraw": _move(
            OPEN_BEFORE_PAYMENT, Status.WITHDRAWN, pgettext_lazy("step", "withdraw"), pgettext_lazy("done", "withdrawn")
        ),
        "withdraw_by_applicant": Move(
            sources=BEFORE_DECISION,
            target=Status.WITHDRAWN,
            label=pgettext_lazy("step", "withdraw (by the applicant)"),
            done=pgettext_lazy("done", "withdrawn by the applicant"),
        ),
    },
    refusal=gettext_lazy("This step is not possible while the application is “%(status)s” (step: %(move)s)."),
    record=_record,
    lock_related=("fund",),
)

#: transition → (the states it may start from, the state it leads to), as ``APPLICATION`` declares them.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    name: (move.sources, move.target) for name, move in APPLICATION.moves.items()
}

#: States in which the applicant or the office may still change the application's content.
EDITABLE = frozenset({Status.DRAFT, Status.QUERY, Status.SUBMITTED, Status.IN_REVIEW})

APPLICATION_FIELDS = (
    "organisation",
    "person",
    "title",
    "description",
    "goals",
    "place",
    "start",
    "end",
    "expected_participants",
    "volunteer_contribution",
    "own_contribution",
    "other_funding",
    "concern",
)


def euro(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Line:
    """One line of a cost plan as a form gives it."""

    category: str
    description: str
    amount: Decimal


def lock_application(application: Application) -> Application:
    return APPLICATION.lock(application)


def move(
    application: Application,
    transition: str,
    *,
    by: User | None,
    now: datetime.datetime,
    note: str = "",
    update_fields: Sequence[str] = (),
    told: Mapping[str, object] | None = None,
) -> Application:
    """Make ``transition`` on the (locked) application through ``APPLICATION``, saving ``update_fields`` set on
    it before, and tell the applicant where the step concerns them (``applicant_tell``; ``told`` gives the
    mail what the application does not hold, e.g. the ballot or meeting it was put on)."""
    moved = APPLICATION.apply(
        application,
        transition,
        by=by,
        now=now,
        note=note,
        **{name: getattr(application, name) for name in update_fields},
    )
    applicant_tell(application=moved, step=transition, now=now, details=told)
    office_tell(application=moved, step=transition, by=by)
    return moved


def _recompute(application: Application) -> None:
    """Totals from the cost plan: the requested amount is never typed."""
    total = sum((line.amount for line in application.cost_lines.all()), ZERO)
    application.total_costs = total
    application.requested = max(total - application.own_contribution - application.other_funding, ZERO)
    application.save(update_fields=["total_costs", "requested"])


def _save_lines(application: Application, lines: Sequence[Line]) -> None:
    application.cost_lines.all().delete()
    rows = []
    for position, line in enumerate(lines, start=1):
        row = CostLine(
            application=application,
            position=position,
            category=line.category,
            description=line.description,
            amount=line.amount,
        )
        row.full_clean()
        rows.append(row)
    CostLine.objects.bulk_create(rows)
    _recompute(application)


def _check_applicant(application: Application) -> None:
    area = application.fund.area_id
    for applicant in (application.organisation, application.person):
        if applicant is not None and applicant.area_id != area:
            raise ValidationError(_("The applicant belongs to another area."), code="foreign_applicant")
    refuse_erased(application.person)


@transaction.atomic
def application_create(*, fund: Fund, data: dict[str, object], lines: Sequence[Line], by: User | None) -> Application:
    """A draft application to ``fund`` with its cost plan."""
    application = Application(
        area_id=fund.area_id,
        fund=fund,
        **{name: data[name] for name in APPLICATION_FIELDS if name in data},
    )
    application.full_clean()
    _check_applicant(application)
    with acting_as(by):
        application.save()
        for name in ("target_groups", "fields_of_action"):
            if name in data:
                getattr(application, name).set(data[name])
        _save_lines(application, lines)
    return application


@transaction.atomic
def application_update(
    *, application: Application, data: dict[str, object], lines: Sequence[Line] | None, by: User | None
) -> Application:
    """Change the content of an application that is still open for changes."""
    application = lock_application(application)
    if application.status not in EDITABLE:
        raise ValidationError(
            _("The application is “%(status)s”; its content can no longer be changed.")
            % {"status": application.get_status_display()},
            code="not_editable",
        )
    for name in APPLICATION_FIELDS:
        if name in data:
            setattr(application, name, data[name])
    application.full_clean()
    _check_applicant(application)
    with acting_as(by):
        application.save()
        for name in ("target_groups", "fields_of_action"):
            if name in data:
                getattr(application, name).set(data[name])
        if lines is not None:
            _save_lines(application, lines)
        else:
            _recompute(application)
    _refresh_conflicts(application)
    return application


def _refresh_conflicts(application: Application) -> None:
    """Who applies decides the conflicts of interest on the committee items about the application."""
    conflicts_refresh(applications=[application.pk])


def check_complete(application: Application) -> None:
    """What a submitted application needs: an applicant, a cost plan, money left to fund, the co-financing
    share and at most the fund's cap."""
    fund = application.fund
    errors = []
    if application.organisation_id is None and application.person_id is None:
        errors.append(_("Name the applicant: a person or an organisation."))
    if application.total_costs <= 0:
        errors.append(_("The cost plan must add up to more than 0 €."))
    elif application.requested <= 0:
        errors.append(_("Own and other money already cover the whole cost plan; nothing is left to fund."))
    else:
        own = application.own_contribution + application.other_funding
        if own * 100 < fund.co_financing_share * application.total_costs:
            errors.append(
                _("At least %(share)s %% of the costs must come from own or other money.")
                % {"share": number_format(fund.co_financing_share.normalize(), use_l10n=True)}
            )
        if fund.cap is not None and application.requested > fund.cap:
            errors.append(_("The fund grants at most %(cap)s € per application.") % {"cap": euro(fund.cap)})
    if errors:
        raise ValidationError(errors, code="incomplete")


@transaction.atomic
def application_submit(
    *, application: Application, by: User | None, now: datetime.datetime | None = None, note: str = ""
) -> Application:
    """Hand in a draft, or the answer to a query (``note``: the applicant's answer)."""
    now = now or timezone.now()
    application = lock_application(application)
    check_complete(application)
    transition = "resubmit" if application.status == Status.QUERY else "submit"
    if application.submitted_at is None:
        application.submitted_at = now
    return move(application, transition, by=by, now=now, note=note, update_fields=["submitted_at"])


@transaction.atomic
def application_review(*, application: Application, by: User, now: datetime.datetime | None = None) -> Application:
    return move(lock_application(application), "review", by=by, now=now or timezone.now())


@transaction.atomic
def application_query(
    *, application: Application, question: str, by: User, now: datetime.datetime | None = None
) -> Application:
    """Send the application back to the applicant with a question; they change it and hand it in again."""
    if not question.strip():
        raise ValidationError(_("Write the question to the applicant."), code="no_question")
    return move(
        lock_application(application),
        "query",
        by=by,
        now=now or timezone.now(),
        note=question.strip(),
        told={"question": question.strip()},
    )


@transaction.atomic
def application_assess(
    *,
    application: Application,
    checks: dict[int, tuple[bool, str]],
    eligible: bool,
    reason: str = "",
    by: User,
    now: datetime.datetime | None = None,
) -> Application:
    """Record the eligibility checklist and the verdict. Eligible needs every criterion met; not eligible
    needs a reason."""
    now = now or timezone.now()
    application = lock_application(application)
    criteria = {criterion.pk: criterion for criterion in application.fund.criteria.all()}
    unknown = set(checks) - set(criteria)
    if unknown:
        raise ValidationError(_("This criterion does not belong to the fund."), code="foreign_criterion")
    for criterion_id, (met, note) in checks.items():
        EligibilityCheck.objects.update_or_create(
            application=application, criterion_id=criterion_id, defaults={"met": met, "note": note}
        )
    if eligible:
        unmet = [criteria[pk].text for pk in criteria if not checks.get(pk, (False, ""))[0]]
        if unmet:
            raise ValidationError(
                _("Not every criterion is met: %(criteria)s") % {"criteria": "; ".join(unmet)}, code="unmet"
            )
        return move(application, "assess_eligible", by=by, now=now)
    if not reason.strip():
        raise ValidationError(_("Give the reason why the application is not eligible."), code="no_reason")
    application.reason = reason.strip()
    return move(application, "assess_ineligible", by=by, now=now, note=application.reason, update_fields=["reason"])


@transaction.atomic
def application_put_forward(
    *,
    application: Application,
    by: User,
    ballot: Ballot | None = None,
    meeting: Meeting | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Put the application before its deciding committee, on a meeting's agenda or an online ballot, or
    (up to the fund's office limit, or for a fund without committee) before the office."""
    now = now or timezone.now()
    application = lock_application(application)
    fund = application.fund
    summary = _("%(applicant)s asks for %(amount)s € (costs %(total)s €).") % {
        "applicant": application.applicant,
        "amount": euro(application.requested),
        "total": euro(application.total_costs),
    }
    new_agenda_items: list[int] = []
    source: BallotItem | AgendaItem | None = None
    target = ballot or meeting
    if target is not None:
        if fund.committee_id is None or target.committee_id != fund.committee_id:
            raise ValidationError(_("The fund's own committee decides on its applications."), code="committee")
        if ballot is not None:
            if not BALLOT.can(ballot, "open"):
                raise ValidationError(_("An opened ballot can no longer be changed."), code="not_draft")
            position = (ballot.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            source = BallotItem.objects.create(
                ballot=ballot, position=position, title=application.title, description=summary, subject=application
            )
        elif meeting is not None:
            if not MEETING.can(meeting, "hold"):
                raise ValidationError(_("This meeting has already taken place."), code="meeting_held")
            position = (meeting.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            source = AgendaItem.objects.create(
                meeting=meeting, position=position, title=application.title, description=summary, subject=application
            )
            new_agenda_items.append(source.pk)
    elif not office_decides(application):
        raise ValidationError(
            _("Above %(limit)s € the committee decides: put the application on a meeting or a ballot.")
            % {"limit": euro(fund.office_limit or ZERO)},
            code="committee_decides",
        )
    moved = move(application, "put_forward", by=by, now=now, told={"source": source})
    # A meeting that has begun gets the new item's flags too (committees.services.conflicts).
    conflicts_refresh(applications=[application.pk], new_agenda_items=new_agenda_items)
    return moved


def office_decides(application: Application) -> bool:
    """Is this application decided by the office (its amount tier, or a fund without committee)?"""
    fund = application.fund
    if fund.committee_id is None:
        return True
    return fund.office_limit is not None and application.requested <= fund.office_limit


def _approve(
    application: Application,
    *,
    amount: Decimal | None,
    conditions: str,
    by: User | None,
    now: datetime.datetime,
    note: str = "",
) -> Application:
    fund = Fund.objects.select_for_update().get(pk=application.fund_id)  # one approval per fund at a time
    amount = application.requested if amount is None else amount
    if amount <= 0:
        raise ValidationError(_("The approved amount must be more than 0 €."), code="not_positive")
    if amount > application.requested:
        raise ValidationError(
            _("The approved amount cannot exceed the requested %(requested)s €.")
            % {"requested": euro(application.requested)},
            code="over_requested",
        )
    if fund.cap is not None and amount > fund.cap:
        raise ValidationError(
            _("The fund grants at most %(cap)s € per application.") % {"cap": euro(fund.cap)}, code="over_cap"
        )
    remaining = fund_totals(fund).free  # the application binds nothing yet: it is up for decision
    if amount > remaining:
        raise ValidationError(
            _("Only %(remaining)s € of the fund remain; %(amount)s € cannot be approved.")
            % {"remaining": euro(remaining), "amount": euro(amount)},
            code="over_budget",
        )
    application.approved_amount = amount
    application.conditions = conditions.strip()
    application.decided_at = now
    transition = "approve_with_conditions" if application.conditions else "approve"
    return move(
        application,
        transition,
        by=by,
        now=now,
        note="\n".join(part for part in (note, application.conditions) if part),
        update_fields=["approved_amount", "conditions", "decided_at"],
    )


@transaction.atomic
def application_decide(
    *,
    application: Application,
    decision: str,
    by: User,
    amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Application:
    """The office's decision on an application within its amount tier: approve (with conditions),
    reject (with reason) or defer."""
    now = now or timezone.now()
    application = lock_application(application)
    if application.status == Status.FOR_DECISION and not office_decides(application):
        raise ValidationError(
            _("The committee decides on this application; its decision is taken over by itself."),
            code="committee_decides",
        )
    return _decide(application, decision, by=by, amount=amount, conditions=conditions, reason=reason, now=now)


def _decide(
    application: Application,
    decision: str,
    *,
    by: User | None,
    amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
    now: datetime.datetime,
    note: str = "",
) -> Application:
    if decision == "approve":
        return _approve(application, amount=amount, conditions=conditions, by=by, now=now)
    if decision == "reject":
        if not reason.strip():
            raise ValidationError(_("Give the reason for the rejection."), code="no_reason")
        application.reason = reason.strip()
        application.decided_at = now
        note = note or application.reason
        return move(application, "reject", by=by, now=now, note=note, update_fields=["reason", "decided_at"])
    if decision == "defer":
        return move(application, "defer", by=by, now=now, note=note or reason.strip())
    raise ValidationError(_("Unknown decision."), code="unknown_decision")


def decision_source_label(source: object) -> str:
    """Where a committee decided: "online ballot “…”" or "meeting of 24.11.2026"."""
    ballot = getattr(source, "ballot", None)
    if ballot is not None:
        return _("online ballot “%(title)s”") % {"title": ballot.title}
    meeting = getattr(source, "meeting", None)
    if meeting is not None:
        day = date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT")
        return _("meeting of %(date)s") % {"date": day}
    return str(source)


def committee_reason(source: object, where: str) -> str:
    """Why the committee rejected: the decision as the minutes word it (a meeting), or the vote with its counts
    (an online ballot, whose members give no reasons). Minutes that reject without wording a reason are refused:
    a rejection always carries one."""
    if isinstance(source, AgendaItem):
        wording = source.decision.strip()
        if not wording:
            raise ValidationError(
                _("Write the committee's reason for rejecting “%(title)s” into the decision of the minutes.")
                % {"title": source.title},
                code="no_reason",
            )
        return f"{where}: {wording}"
    counted = getattr(source, "result_reason", "")
    return f"{where}: {counted}" if counted else ""


def application_take_committee_decision(
    *, application: Application, result: str, source: object, by: User | None, now: datetime.datetime | None = None
) -> None:
    """A committee decided (a ballot closed, or minutes recorded a result): adopted → approved with the
    requested amount, rejected → rejected, deferred or without quorum → deferred. Runs inside the caller's
    transaction; an approval the budget cannot carry leaves the application for decision, with a note."""
    now = now or timezone.now()
    with transaction.atomic():
        application = lock_application(application)
        if application.status != Status.FOR_DECISION:
            return
        label = decision_source_label(source)
        where = _("Decision of %(committee)s: %(source)s") % {"committee": application.fund.committee, "source": label}
        if result == Result.ADOPTED:
            try:
                with transaction.atomic():
                    _approve(application, amount=None, conditions="", by=by, now=now, note=where)
            except ValidationError as refused:
                application.refresh_from_db()
                StatusChange.objects.create(
                    application=application,
                    from_status=application.status,
                    to_status=application.status,
                    at=now,
                    by=by,
                    note=f"{where} – " + " ".join(refused.messages),
                )
        elif result == Result.REJECTED:
            _decide(application, "reject", by=by, reason=committee_reason(source, where), now=now, note=where)
        else:
            _decide(application, "defer", by=by, now=now, note=str(where))


@transaction.atomic
def application_commit(*, application: Application, by: User, now: datetime.datetime | None = None) -> Application:
    """The money is bound (the approval letter is out)."""
    return move(lock_application(application), "commit", by=by, now=now or timezone.now())


@transaction.atomic
def application_submit_proof(
    *,
    application: Application,
    receipts: Sequence[tuple[datetime.date, str, Decimal]],
    report: str,
    participants: int | None,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Application:
    """The proof of use: receipts and a short report."""
    now = now or timezone.now()
    application = lock_application(application)
    if not receipts:
        raise ValidationError(_("Add at least one receipt."), code="no_receipts")
    if not report.strip():
        raise ValidationError(_("Describe in a few words what happened."), code="no_report")
    rows = [
        Receipt(application=application, date=date, vendor=vendor, amount=amount) for date, vendor, amount in receipts
    ]
    for row in rows:
        row.full_clean()
    Receipt.objects.bulk_create(rows)
    application.proof_report = report.strip()
    application.actual_participants = participants
    return move(application, "submit_proof", by=by, now=now, update_fields=["proof_report", "actual_participants"])


#: The proof of use is checked receipt by receipt while it is handed in and not yet settled.
CHECKING = frozenset({Status.PROOF_SUBMITTED})


@transaction.atomic
def receipts_decide(
    *,
    application: Application,
    decisions: Mapping[int, tuple[bool, str]],
    by: User,
    now: datetime.datetime | None = None,
) -> list[Receipt]:
    """Accept receipts of ``application``'s proof of use, or disallow them with a reason: ``decisions`` maps a
    receipt's id to (accepted, reason). All or nothing: a receipt of another application, a disallowance
    without a reason or an application whose proof of use is not (or no longer) being checked refuses every one.
    A decision can change until the proof of use is settled."""
    now = now or timezone.now()
    application = lock_application(application)
    if application.status not in CHECKING:
        if application.status in {Status.CLOSED, Status.RECLAIM}:
            message = _("The proof of use has been settled; the decisions on its receipts can no longer change.")
        else:
            message = _("Receipts are checked once the proof of use has been handed in.")
        raise ValidationError(message, code="not_checking")
    if not decisions:
        raise ValidationError(_("Choose for at least one receipt whether it is accepted."), code="no_decision")
    receipts = {receipt.pk: receipt for receipt in application.receipts.select_for_update().filter(pk__in=decisions)}
    if set(decisions) - set(receipts):
        raise ValidationError(_("This receipt belongs to another application."), code="foreign_receipt")
    errors = []
    for receipt in sorted(receipts.values(), key=lambda receipt: (receipt.date, receipt.pk)):
        accepted, reason = decisions[receipt.pk]
        reason = reason.strip()
        if not accepted and not reason:
            errors.append(
                _("Give the reason why the receipt from %(vendor)s of %(amount)s € is not accepted.")
                % {"vendor": receipt.vendor, "amount": euro(receipt.amount)}
            )
            continue
        receipt.decision = Receipt.Decision.ACCEPTED if accepted else Receipt.Decision.DISALLOWED
        receipt.decision_reason = "" if accepted else reason
        receipt.decided_by = by
        receipt.decided_at = now
    if errors:
        raise ValidationError(errors, code="no_reason")
    with acting_as(by):
        for receipt in receipts.values():
            receipt.full_clean()
            receipt.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    return list(receipts.values())


@transaction.atomic
def application_settle(*, application: Application, by: User, now: datetime.datetime | None = None) -> Application:
    """Compare the accepted receipts with what was paid: closed when they cover it, else a reclaim of the
    difference (never typed). Every receipt must be decided first. What was approved and not paid is free again
    either way."""
    now = now or timezone.now()
    application = lock_application(application)
    waiting = application.payments.filter(released_at__isnull=True).first()
    if waiting is not None:
        raise ValidationError(
            _("A payment of %(amount)s € waits for its release; release it before settling.")
            % {"amount": euro(waiting.amount)},
            code="payment_waiting",
        )
    receipts = list(application.receipts.all())
    undecided = sum(1 for receipt in receipts if receipt.decision == Receipt.Decision.OPEN)
    if undecided:
        message = ngettext(
            "Decide on every receipt first: %(count)s is not yet checked.",
            "Decide on every receipt first: %(count)s are not yet checked.",
            undecided,
        )
        raise ValidationError(message % {"count": undecided}, code="undecided")
    paid = paid_of(application)
    spent = sum((receipt.amount for receipt in receipts if receipt.decision == Receipt.Decision.ACCEPTED), ZERO)
    if spent >= paid:
        application.settled_amount = paid
        application.reclaim_amount = None
        return move(application, "settle", by=by, now=now, update_fields=["settled_amount", "reclaim_amount"])
    application.settled_amount = spent
    application.reclaim_amount = paid - spent
    note = _("%(amount)s € to pay back.") % {"amount": euro(application.reclaim_amount)}
    return move(application, "reclaim", by=by, now=now, note=note, update_fields=["settled_amount", "reclaim_amount"])


#: The applicant's withdrawal after the decision.
WITHDRAWAL_REFUSED = gettext_lazy(
    "The application has been decided on (“%(status)s”) and can no longer be withdrawn here. "
    "Please contact the neighbourhood office."
)


@transaction.atomic
def application_withdraw_by_applicant(*, application: Application, now: datetime.datetime | None = None) -> Application:
    """The applicant withdraws through their private link: only before the decision."""
    application = lock_application(application)
    if not APPLICATION.can(application, "withdraw_by_applicant"):
        raise ValidationError(WITHDRAWAL_REFUSED % {"status": application.get_status_display()}, code="decided")
    note = _("Withdrawn by the applicant through the private link.")
    return move(application, "withdraw_by_applicant", by=None, now=now or timezone.now(), note=note)


@transaction.atomic
def application_withdraw(
    *, application: Application, by: User | None, note: str = "", now: datetime.datetime | None = None
) -> Application:
    """Withdrawn, at the applicant's wish, from any open state before a payment."""
    application = lock_application(application)
    if application.payments.exists():
        raise ValidationError(
            _("A payment has been recorded; the application can no longer be withdrawn."), code="paid"
        )
    return move(application, "withdraw", by=by, now=now or timezone.now(), note=note)
