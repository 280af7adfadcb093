"""What the applicant is told: a mail at each step of their application that concerns them; and what the office is
told: a new application, a proof of use handed in, a payment waiting for its release (``office_tell``,
``payment_waiting_tell``).

Every status change of an application goes through ``fonds.services.applications.move``, and ``move`` hands
the step to ``applicant_tell``: the office's question, the eligibility result, where and when the decision is
taken, the decision with its reasons, the money bound with the proof-of-use deadline, money paid, the reclaim
and the withdrawal. So every path (the office, a committee's ballot or minutes, a background task) tells the
applicant the same way. The mail is queued in the transaction of the step (``quartier.mail.queue_mail``) and
shows in the application's outbox (``about=application``).

Each mail carries a private link of its own (``access_link_create``), written once into its body: the raw
token is never stored, so a link cannot be sent again, only a new one made. An application without an email
address (entered by the office for someone without one) gets no mail.

A reminder before the proof of use is due (``proof_reminders_send``) goes out once per application, run by
Celery beat (``fonds.tasks.remind_proof_due``); the claim is a conditional ``UPDATE`` of
``proof_reminded_at``, so two runs at the same moment send it once.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format, time_format
from django.utils.translation import gettext as _

from committees.models import AgendaItem, BallotItem, Meeting
from fonds.letters import RECLAIM_WEEKS, proof_due
from fonds.models import Application, Payment, Status
from fonds.selectors import fund_totals, more_than_left
from fonds.services.links import access_link_create, link_url
from quartier import permissions
from quartier.mail import queue_mail
from quartier.models import Mail, User
from quartier.net import on_site
from quartier.permissions import users_with

#: Each step of the lifecycle the applicant is told of, and the mail's ``kind``.
TOLD: dict[str, str] = {
    "query": "fonds.query",
    "assess_eligible": "fonds.eligibility",
    "assess_ineligible": "fonds.eligibility",
    "put_forward": "fonds.put_forward",
    "approve": "fonds.decided",
    "approve_with_conditions": "fonds.decided",
    "reject": "fonds.decided",
    "defer": "fonds.decided",
    "commit": "fonds.proof_deadline",
    "pay": "fonds.paid",
    "reclaim": "fonds.reclaim",
    "withdraw": "fonds.withdrawn",
    "withdraw_by_applicant": "fonds.withdrawn",
    "remind_proof": "fonds.proof_reminder",
}

#: The reminder goes out this many days before the proof of use is due.
PROOF_REMINDER_DAYS = 14


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: list[str]


def applicant_address(application: Application) -> str:
    """Where the applicant's mails go: the person's address, else the newest private link's."""
    if application.person and application.person.email:
        return application.person.email
    link = application.access_links.order_by("-created_at").first()
    return link.email if link else ""


def _day(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return date_format(value, "DATE_FORMAT")


def _euro(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def proof_due_of(application: Application) -> datetime.date | None:
    """When the proof of use of an approved application is due (as its approval letter says)."""
    decided_on = timezone.localdate(application.decided_at) if application.decided_at else None
    return proof_due(application, decided_on)


def where_decided(source: object) -> str:
    """When and where the committee decides: a meeting (day, time, place) or an online ballot (its deadline)."""
    if isinstance(source, AgendaItem):
        meeting: Meeting = source.meeting
        starts = timezone.localtime(meeting.starts_at)
        text = _("%(committee)s decides on your application at its meeting on %(date)s at %(time)s.") % {
            "committee": meeting.committee.name,
            "date": _day(starts),
            "time": time_format(starts, "TIME_FORMAT"),
        }
        if meeting.place:
            text += " " + _("Place: %(place)s.") % {"place": meeting.place}
        return text
    if isinstance(source, BallotItem):
        ballot = source.ballot
        return _("%(committee)s decides on your application in an online vote that ends on %(date)s.") % {
            "committee": ballot.committee.name,
            "date": _day(ballot.deadline),
        }
    return _("The neighbourhood office decides on your application.")


def _message(application: Application, step: str, details: Mapping[str, object]) -> Message:
    title = application.title
    fund = str(application.fund)
    at_link = _("You can see everything through your private link below.")
    if step == "query":
        return Message(
            _("Your application “%(title)s”: a question of the neighbourhood office") % {"title": title},
            [
                _("The neighbourhood office has a question about your application:"),
                str(details.get("question", "")),
                _("Please answer through your private link below. There you can also change your application and "
                  "upload files again; then hand it in again."),
            ],
        )  # fmt: skip
    if step == "assess_eligible":
        return Message(
            _("Your application “%(title)s” meets the conditions of the fund") % {"title": title},
            [
                _("The neighbourhood office has checked your application: it meets the conditions of %(fund)s.")
                % {"fund": fund},
                _("Next, it is put up for decision. We will tell you when and where it is decided."),
            ],
        )
    if step == "assess_ineligible":
        return Message(
            _("Your application “%(title)s” cannot be funded") % {"title": title},
            [
                _("The neighbourhood office has checked your application: it cannot be funded from %(fund)s.")
                % {"fund": fund},
                _("The reason:"),
                application.reason,
            ],
        )
    if step == "put_forward":
        return Message(
            _("Your application “%(title)s” is up for decision") % {"title": title},
            [where_decided(details.get("source")), _("We will tell you the result.")],
        )
    if step in {"approve", "approve_with_conditions"}:
        paragraphs = [
            _("Good news: your application was approved. %(amount)s € are granted.")
            % {"amount": _euro(application.approved_amount or Decimal("0"))}
        ]
        if application.conditions:
            paragraphs += [_("The approval comes with these conditions:"), application.conditions]
        paragraphs.append(_("You can download the approval letter (PDF) through your private link below."))
        return Message(_("Your application “%(title)s” was approved") % {"title": title}, paragraphs)
    if step == "reject":
        return Message(
            _("Your application “%(title)s” was not approved") % {"title": title},
            [
                _("Unfortunately your application was rejected. The reason:"),
                application.reason,
                _("You can download the rejection letter (PDF) through your private link below."),
            ],
        )
    if step == "defer":
        return Message(
            _("The decision on your application “%(title)s” was postponed") % {"title": title},
            [_("The decision on your application was postponed. It will be decided on later; we will tell you.")],
        )
    due = proof_due_of(application)
    due_text = (
        _("Please hand in the proof of use (the receipts and a short report) by %(date)s.") % {"date": _day(due)}
        if due
        else _("After your project, please hand in the proof of use: the receipts and a short report.")
    )
    if step == "commit":
        return Message(
            _("Your application “%(title)s”: the money is reserved") % {"title": title},
            [_("The money for your project is reserved. It will be paid out soon."), due_text],
        )
    if step == "pay":
        amount = details.get("amount")
        return Message(
            _("Your application “%(title)s”: money paid out") % {"title": title},
            [
                _("%(amount)s € have been paid out for your project.") % {"amount": _euro(amount)}
                if isinstance(amount, Decimal)
                else _("Money has been paid out for your project."),
                due_text,
            ],
        )
    if step == "remind_proof":
        return Message(
            _("Reminder: the proof of use for “%(title)s” is due on %(date)s") % {"title": title, "date": _day(due)}
            if due
            else _("Reminder: the proof of use for “%(title)s”") % {"title": title},
            [_("This is a reminder."), due_text, at_link],
        )
    if step == "reclaim":
        return Message(
            _("Your application “%(title)s”: money to pay back") % {"title": title},
            [
                _("The neighbourhood office has checked your proof of use. %(amount)s € have to be paid back "
                  "within %(weeks)s weeks.")
                % {"amount": _euro(application.reclaim_amount or Decimal("0")), "weeks": RECLAIM_WEEKS},
                _("You can download the reclaim letter (PDF) with the details through your private link below."),
            ],
        )  # fmt: skip
    if step in {"withdraw", "withdraw_by_applicant"}:
        return Message(
            _("Your application “%(title)s” was withdrawn") % {"title": title},
            [
                _("Your application “%(title)s” has been withdrawn.") % {"title": title},
                _("If this was not your wish, please contact the neighbourhood office."),
            ],
        )
    raise ValueError(f"Nothing to tell for the step {step!r}")


def applicant_tell(
    *,
    application: Application,
    step: str,
    now: datetime.datetime | None = None,
    details: Mapping[str, object] | None = None,
) -> Mail | None:
    """Queue the mail that tells the applicant of ``step`` (a move of ``APPLICATION``, or ``remind_proof``),
    with a private link of its own; nothing for a step they are not told of, or without an address. Call it in
    the transaction of the step."""
    kind = TOLD.get(step)
    if kind is None:
        return None
    to = applicant_address(application)
    if not to:
        return None
    token = access_link_create(application=application, email=to, now=now)
    area = application.fund.area
    with translation.override(application.language):  # the applicant's language
        message = _message(application, step, details or {})
        body = render_to_string(
            "fonds/email/step.txt",
            {
                "name": str(application.person) if application.person else "",
                "paragraphs": [paragraph for paragraph in message.paragraphs if paragraph],
                "link": link_url(token),
                "area": area,
            },
        )
    return queue_mail(
        to=to, subject=message.subject, body=body, kind=kind, about=application, language=application.language
    )


@transaction.atomic
def proof_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind each paid applicant whose proof of use is due within ``PROOF_REMINDER_DAYS`` days and not yet
    handed in, once. Returns how many were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = (
        Application.objects.filter(status=Status.PAID, proof_reminded_at__isnull=True)
        .select_related("fund__area", "person")
        .order_by("pk")
    )
    reminded = 0
    for application in candidates:
        due = proof_due_of(application)
        if due is None or due - datetime.timedelta(days=PROOF_REMINDER_DAYS) > today:
            continue
        claimed = Application.objects.filter(
            pk=application.pk, status=Status.PAID, proof_reminded_at__isnull=True
        ).update(proof_reminded_at=now)
        if claimed and applicant_tell(application=application, step="remind_proof", now=now):
            reminded += 1
    return reminded


# --- what the office is told ------------------------------------------------------------------------------------

#: The steps the office's staff who handle applications (``change_funds``) are told of, and the mail's kind.
OFFICE_TOLD: dict[str, str] = {
    "submit": "fonds.office_new",
    "resubmit": "fonds.office_new",
    "submit_proof": "fonds.office_proof",
}


def office_tell(*, application: Application, step: str, by: User | None) -> None:
    """Tell the area's staff who handle applications of a new application (or one handed in again after a
    question) and of a proof of use handed in: one mail each, not to whoever made the step."""
    kind = OFFICE_TOLD.get(step)
    if kind is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "fonds.office_new":
            subject = _("New application: “%(title)s”") % {"title": application.title}
            what = _("An application was handed in to %(fund)s.") % {"fund": application.fund}
            free = fund_totals(application.fund).free
            beyond = more_than_left(application, free)
            if beyond is not None:
                what += " " + _("It asks for %(beyond)s € more than the %(free)s € the fund has left to approve.") % {
                    "beyond": _euro(beyond),
                    "free": _euro(free),
                }
        else:
            subject = _("Proof of use handed in: “%(title)s”") % {"title": application.title}
            what = _("The proof of use of this application was handed in; please check the receipts.")
        _tell_staff(application, permissions.CHANGE_FUNDS, subject=subject, what=what, kind=kind, by=by)


def payment_waiting_tell(*, payment: Payment, by: User) -> None:
    """A payment was recorded and waits for its release: tell those who may release it (``manage_fund_money``),
    never the person who recorded it (four eyes)."""
    application = payment.application
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Payment waiting for your release: “%(title)s”") % {"title": application.title}
        what = _("%(who)s recorded a payment of %(amount)s € on %(date)s; it counts as paid once you release it.") % {
            "who": by.get_display_name(),
            "amount": _euro(payment.amount),
            "date": _day(payment.paid_on),
        }
        _tell_staff(application, permissions.MANAGE_FUND_MONEY, subject=subject, what=what, kind="fonds.office_payment",
                    by=by)  # fmt: skip


def _tell_staff(application: Application, perm: str, *, subject: str, what: str, kind: str, by: User | None) -> None:
    area = application.fund.area
    link = on_site(reverse("application_page", args=[area.slug, application.pk]))
    body = render_to_string("fonds/email/office.txt", {"application": application, "what": what, "link": link})
    for staff in users_with(perm, area):
        if staff.email and (by is None or staff.pk != by.pk):
            queue_mail(to=staff.email, subject=subject, body=body, kind=kind, about=application, area=area)
