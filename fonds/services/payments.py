"""Money out and back: payments, with four eyes (one staff member records a payment, another one holding Steuerung
releases it), and the repayments after a reclaim."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fonds.models import Application, Payment, Repayment, Status, StatusChange
from fonds.selectors import recorded_of, repaid_of
from fonds.services.applications import APPLICATION, euro, lock_application, move
from fonds.services.notices import applicant_tell, payment_waiting_tell
from quartier import permissions
from quartier.audit import acting_as
from quartier.models import User


def payment_period(application: Application, today: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """The days a payment of ``application`` may be dated: from its approval (an advance for costs that fall due
    before the project) or the project's start, whichever is earlier, to the project's end (its start for a
    one-day project), and never more than ``FONDS_PAYMENT_FUTURE_DAYS`` days after ``today``."""
    approved_on = timezone.localdate(application.decided_at) if application.decided_at else None
    first = min((day for day in (approved_on, application.start) if day is not None), default=None)
    ahead = today + datetime.timedelta(days=settings.FONDS_PAYMENT_FUTURE_DAYS)
    end = application.end or application.start
    return first, min(end, ahead) if end is not None else ahead


def check_payment_date(application: Application, paid_on: datetime.date, today: datetime.date) -> None:
    """Refuse a payment date outside ``payment_period`` with a message that names the limit."""
    first, last = payment_period(application, today)
    end = application.end or application.start
    if (first is not None and paid_on < first) or (end is not None and paid_on > end):
        raise ValidationError(
            _("The payment date must lie within the application's period: from %(first)s to %(last)s.")
            % {"first": _day(first) if first else "–", "last": _day(end) if end else "–"},
            code="outside_period",
        )
    if paid_on > last:
        raise ValidationError(
            _("The payment date may lie at most %(days)s days ahead, that is until %(date)s.")
            % {"days": settings.FONDS_PAYMENT_FUTURE_DAYS, "date": _day(last)},
            code="too_far_ahead",
        )


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def payment_record(
    *,
    application: Application,
    amount: Decimal,
    paid_on: datetime.date,
    method: str,
    by: User,
    now: datetime.datetime | None = None,
) -> Payment:
    """Record a payment of a committed application; it counts as paid once someone else releases it. Its date
    lies within the application's period (``payment_period``); it never exceeds what is approved and not yet
    recorded: the application's row is locked, so two payments at the same moment are checked one after the
    other."""
    now = now or timezone.now()
    application = lock_application(application)
    if not APPLICATION.can(application, "pay"):
        raise ValidationError(_("Payments are made once the funds are committed."), code="not_committed")
    check_payment_date(application, paid_on, timezone.localdate(now))
    left = (application.approved_amount or Decimal("0")) - recorded_of(application)
    if amount > left:
        raise ValidationError(
            _("Payments cannot exceed the approved amount: %(left)s € are left.") % {"left": euro(left)},
            code="over_approved",
        )
    payment = Payment(
        application=application, amount=amount, paid_on=paid_on, method=method, recorded_by=by, recorded_at=now
    )
    payment.full_clean()
    with acting_as(by):
        payment.save()
    payment_waiting_tell(payment=payment, by=by)
    return payment


@transaction.atomic
def payment_release(*, payment: Payment, by: User, now: datetime.datetime | None = None) -> Payment:
    """Release a recorded payment (Steuerung, never the person who recorded it); the application is paid."""
    now = now or timezone.now()
    payment = Payment.objects.select_for_update().select_related("application__area").get(pk=payment.pk)
    if not permissions.can(by, permissions.MANAGE_FUND_MONEY, payment.application.area):
        raise PermissionDenied(_("Only Steuerung releases payments."))
    if payment.released_at is not None:
        raise ValidationError(_("This payment is already released."), code="released")
    if payment.recorded_by_id == by.pk:
        raise ValidationError(
            _("Four eyes: a payment is released by someone other than who recorded it."), code="four_eyes"
        )
    payment.released_by = by
    payment.released_at = now
    with acting_as(by):
        payment.save(update_fields=["released_by", "released_at"])
    application = lock_application(payment.application)
    note = _("%(amount)s € released.") % {"amount": euro(payment.amount)}
    if application.status == Status.PROOF_SUBMITTED:
        # Recorded before the applicant handed in the proof of use: paid, and the application stays where it is.
        StatusChange.objects.create(
            application=application, from_status=application.status, to_status=application.status, at=now, by=by,
            note=note,
        )  # fmt: skip
        applicant_tell(application=application, step="pay", now=now, details={"amount": payment.amount})
    else:
        move(application, "pay", by=by, now=now, note=note, told={"amount": payment.amount})
    return payment


@transaction.atomic
def repayment_record(
    *,
    application: Application,
    amount: Decimal,
    received_on: datetime.date,
    by: User,
    now: datetime.datetime | None = None,
) -> Repayment:
    """Money the applicant paid back after a reclaim, the whole amount or a part; once all of it has come back,
    the application is closed. Never more than is still to be paid back; never dated before the first payment
    or in the future."""
    now = now or timezone.now()
    application = lock_application(application)
    if not APPLICATION.can(application, "repaid") or not application.reclaim_amount:
        raise ValidationError(_("Money is paid back only after a reclaim."), code="no_reclaim")
    left = application.reclaim_amount - repaid_of(application)
    if amount > left:
        raise ValidationError(
            _("Only %(left)s € are still to be paid back.") % {"left": euro(left)}, code="over_reclaim"
        )
    first = application.payments.filter(released_at__isnull=False).order_by("paid_on").first()
    if received_on > timezone.localdate(now):
        raise ValidationError(_("Money cannot have come back on a day still to come."), code="future")
    if first is not None and received_on < first.paid_on:
        raise ValidationError(
            _("Money cannot have come back before it was paid out on %(date)s.") % {"date": _day(first.paid_on)},
            code="before_payment",
        )
    repayment = Repayment(
        application=application, amount=amount, received_on=received_on, recorded_by=by, recorded_at=now
    )
    repayment.full_clean()
    with acting_as(by):
        repayment.save()
    note = _("%(amount)s € paid back.") % {"amount": euro(amount)}
    if amount == left:
        move(application, "repaid", by=by, now=now, note=note)
    else:
        rest = _("%(left)s € are still to be paid back.") % {"left": euro(left - amount)}
        StatusChange.objects.create(
            application=application, from_status=application.status, to_status=application.status, at=now, by=by,
            note=f"{note} {rest}",
        )  # fmt: skip
    return repayment
