"""The letters of an application as PDFs: the decision letter, approval (Bewilligungsschreiben) or rejection, and
the reclaim letter (Rückforderung) after the proof of use.

An approval letter states the approved amount, the conditions (Auflagen), the fund, who decided and when, and
the applicant's duties: spend the money only on the purpose, report changes, name the funding, and hand in the
proof of use (receipts and a short report) within ``PROOF_WEEKS`` weeks after the project's end. A rejection
letter states who decided and why. Both are addressed to the applicant, an organisation with its postal
address or a person with theirs, and carry the area's letterhead (``reporting.rendering.render_pdf``).

Who decided is read from the committee item the application was decided on (a closed ballot or a meeting's
agenda) when there is one with a matching result; otherwise the office decided within its amount tier.

The reclaim letter exists once the settlement of the proof of use reclaimed money (``application_settle``): it
lists what was paid, each receipt with the office's decision (and the reason for each one not accepted), the
accepted total and the amount to pay back, due ``RECLAIM_WEEKS`` weeks after the reclaim. It is dated on the day
of the reclaim, so that every copy (the office's, the applicant's download) is the same letter. Legal texts stay
German: both letters are rendered in German whoever downloads them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from committees.models import AgendaItem, Ballot, BallotItem, Meeting, Result
from fonds.models import Application, CostLine, Payment, Receipt, Status
from quartier.models import Quartier
from reporting.rendering import render_pdf

#: States after an approval: the approval letter can be printed (again) in each of them.
APPROVED_STATES = frozenset(
    {
        Status.APPROVED,
        Status.APPROVED_WITH_CONDITIONS,
        Status.COMMITTED,
        Status.PAID,
        Status.PROOF_SUBMITTED,
        Status.CLOSED,
        Status.RECLAIM,
    }
)
#: States that have a decision letter.
DECIDED_STATES = APPROVED_STATES | {Status.REJECTED}
#: The proof of use is due this many weeks after the project's end.
PROOF_WEEKS = 8
#: Money reclaimed is due this many weeks after the reclaim.
RECLAIM_WEEKS = 4


@dataclass(frozen=True)
class Decision:
    """Who decided and on what occasion."""

    body: str  # the committee's name, or the office
    by_committee: bool
    on: datetime.date | None
    occasion: str  # e.g. "online ballot “Umlaufverfahren März 2026”" or "meeting on 12.03.2026"; may be empty
    wording: str = ""  # the decision as the minutes word it


@dataclass(frozen=True)
class Letter:
    application: Application
    approval: bool
    decision: Decision
    recipient: list[str]  # the address block, line by line
    salutation_name: str  # whom the letter greets; empty for an organisation without a contact person
    cost_lines: list[CostLine]
    proof_due: datetime.date | None
    date: datetime.date  # the letter's date

    @property
    def amount(self) -> Decimal | None:
        return self.application.approved_amount


def application_of_area(area: Quartier | int, application_pk: int) -> Application | None:
    """The application ``application_pk`` if it belongs to ``area``, with what its letter needs. One query."""
    return (
        Application.objects.filter(pk=application_pk, area=area)
        .select_related("area", "fund", "fund__committee", "organisation", "person")
        .first()
    )


def has_decision(application: Application) -> bool:
    return application.status in DECIDED_STATES


def decision_of(application: Application) -> Decision:
    """Who decided on ``application`` and when: its committee if an item of the committee's closed ballot or
    held meeting about it carries the matching result, else the office. At most two queries."""
    fund = application.fund
    decided_on = timezone.localdate(application.decided_at) if application.decided_at else None
    office = Decision(
        body=_("Neighbourhood management %(name)s") % {"name": application.area.name},
        by_committee=False,
        on=decided_on,
        occasion="",
    )
    if fund.committee_id is None:
        return office
    result = Result.REJECTED if application.status == Status.REJECTED else Result.ADOPTED
    content_type = ContentType.objects.get_for_model(Application)
    linked = {"content_type": content_type, "object_id": application.pk, "result": result}
    ballot_item = (
        BallotItem.objects.filter(**linked, ballot__committee_id=fund.committee_id, ballot__status=Ballot.Status.CLOSED)
        .select_related("ballot")
        .order_by("-ballot__closed_at")
        .first()
    )
    if ballot_item is not None:
        ballot = ballot_item.ballot
        return Decision(
            body=fund.committee.name,
            by_committee=True,
            on=decided_on or timezone.localdate(ballot.closed_at),
            occasion=_("online ballot “%(title)s”") % {"title": ballot.title},
        )
    agenda_item = (
        AgendaItem.objects.filter(
            **linked,
            meeting__committee_id=fund.committee_id,
            meeting__status__in=[Meeting.Status.HELD, Meeting.Status.APPROVED],
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    if agenda_item is not None:
        day = timezone.localdate(agenda_item.meeting.starts_at)
        return Decision(
            body=fund.committee.name,
            by_committee=True,
            on=decided_on or day,
            occasion=_("meeting on %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")},
            wording=agenda_item.decision,
        )
    return office


def recipient_of(application: Application, *, with_address: bool = True) -> tuple[list[str], str]:
    """The address block (DIN 5008: name, street, postcode and town, line by line) and the name to greet. An
    organisation with its postal address (and a contact person "for the attention of"); a group from the public
    form, which has no address of its own, at its contact person's. A person with their address (the one they
    gave on the public form, or the office recorded). A person's address is left out unless ``with_address``;
    without any address the block is the name alone."""
    organisation, person = application.organisation, application.person
    lines: list[str] = []
    greet = ""
    if organisation is not None:
        lines.append(organisation.name)
        if person is not None:
            lines.append(_("Attn. %(name)s") % {"name": person})
            greet = str(person)
        town = " ".join(part for part in (organisation.postcode, organisation.city) if part)
        if organisation.street.strip() or town.strip():
            lines += [organisation.street, town]
        elif person is not None and with_address:
            lines += person.address.splitlines()
    elif person is not None:
        lines.append(str(person))
        greet = str(person)
        if with_address:
            lines += person.address.splitlines()
    return [line.strip() for line in lines if line and line.strip()], greet


def proof_due(application: Application, decided_on: datetime.date | None) -> datetime.date | None:
    """The proof of use is due ``PROOF_WEEKS`` weeks after the project's end (its start, or the decision,
    when the application names no end)."""
    base = application.end or application.start or decided_on
    return base + datetime.timedelta(weeks=PROOF_WEEKS) if base else None


def letter_of(application: Application, *, with_address: bool = True, today: datetime.date | None = None) -> Letter:
    """Everything the letter of a decided ``application`` shows (fetch it with ``application_of_area``)."""
    if not has_decision(application):
        raise ValueError(f"Application {application.pk} has no decision yet ({application.status}).")
    decision = decision_of(application)
    recipient, greet = recipient_of(application, with_address=with_address)
    approval = application.status in APPROVED_STATES
    return Letter(
        application=application,
        approval=approval,
        decision=decision,
        recipient=recipient,
        salutation_name=greet,
        cost_lines=list(application.cost_lines.order_by("position")) if approval else [],
        proof_due=proof_due(application, decision.on) if approval else None,
        date=today or timezone.localdate(),
    )


def letter_title(application: Application) -> str:
    if application.status in APPROVED_STATES:
        return _("Approval letter: %(title)s") % {"title": application.title}
    return _("Rejection letter: %(title)s") % {"title": application.title}


def letter_pdf(
    application: Application, *, with_address: bool = True, today: datetime.date | None = None, lang: str = "de"
) -> bytes:
    """The approval or rejection letter of ``application`` as a PDF in ``lang`` with its area's letterhead.

    ``with_address`` False leaves a person's private address out (for readers who may not see persons' data).
    Raises ``ValueError`` for an application without a decision."""
    area = application.area
    with translation.override(lang):
        letter = letter_of(application, with_address=with_address, today=today)
        title = letter_title(application)
        author = _("Neighbourhood management %(name)s") % {"name": area.name}
    return render_pdf(
        "fonds/letter_pdf.html",
        {
            "letter": letter,
            "application": application,
            "fund": application.fund,
            "area": area,
            "proof_weeks": PROOF_WEEKS,
            "summary": summary_of(application, letter=letter),
        },
        title=title,
        author=author,
        lang=lang,
        area=area,
    )


# --- the summary in the applicant's language -------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A short paragraph at the end of a letter, in the applicant's language when it is not German: what the letter
    decides. The letter itself stays German (the legal text)."""

    lang: str
    rtl: bool
    heading: str
    text: str
    note: str


def _amount(value: Decimal | None) -> str:
    return number_format(value or Decimal("0"), decimal_pos=2, use_l10n=True, force_grouping=True)


def summary_of(
    application: Application, *, letter: Letter | None = None, reclaim: ReclaimLetter | None = None
) -> Summary | None:
    """The summary of ``letter`` (a decision) or ``reclaim`` in ``application.language``; None for German."""
    lang = application.language
    if lang == settings.LANGUAGE_CODE or lang not in dict(settings.LANGUAGES):
        return None
    with translation.override(lang):
        title = application.title
        if reclaim is not None:
            text = _("This letter asks you to pay back %(amount)s € of the grant for your application “%(title)s” "
                     "by %(date)s.") % {"amount": _amount(reclaim.amount), "title": title,
                                         "date": date_format(reclaim.due, "DATE_FORMAT")}  # fmt: skip
        elif letter is not None and letter.approval:
            text = _("Your application “%(title)s” was approved with %(amount)s €.") % {
                "title": title,
                "amount": _amount(letter.amount),
            }
            if letter.proof_due:
                text += " " + _("Please hand in the proof of use by %(date)s.") % {
                    "date": date_format(letter.proof_due, "DATE_FORMAT")
                }
        else:
            text = _("Your application “%(title)s” was not approved. The letter gives the reason.") % {"title": title}
        return Summary(
            lang=lang,
            rtl=translation.get_language_bidi(),
            heading=_("Summary in your language"),
            text=text,
            note=_("Only the German letter above is binding. If you have questions, please contact the neighbourhood "
                   "office."),
        )  # fmt: skip


# --- the reclaim letter ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReclaimLetter:
    application: Application
    recipient: list[str]
    salutation_name: str
    date: datetime.date  # the day of the reclaim
    due: datetime.date
    payments: list[Payment]  # released
    receipts: list[Receipt]

    @property
    def paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0"))

    @property
    def accepted(self) -> Decimal:
        return sum((r.amount for r in self.receipts if r.decision == Receipt.Decision.ACCEPTED), Decimal("0"))

    @property
    def disallowed(self) -> Decimal:
        return sum((r.amount for r in self.receipts if r.decision == Receipt.Decision.DISALLOWED), Decimal("0"))

    @property
    def amount(self) -> Decimal:
        return self.application.reclaim_amount or Decimal("0")


def has_reclaim(application: Application) -> bool:
    """Did the settlement of the proof of use reclaim money (paid back by now or not)?"""
    return application.status in {Status.RECLAIM, Status.CLOSED} and bool(application.reclaim_amount)


def reclaim_letter_of(application: Application, *, with_address: bool = True) -> ReclaimLetter:
    """Everything the reclaim letter of ``application`` shows (fetch it with ``application_of_area``). Three
    queries. Raises ``ValueError`` for an application without a reclaim."""
    if not has_reclaim(application):
        raise ValueError(f"Application {application.pk} has no reclaim ({application.status}).")
    reclaimed = (
        application.status_changes.filter(to_status=Status.RECLAIM).order_by("at", "pk").values_list("at", flat=True)
    ).first()
    day = timezone.localdate(reclaimed) if reclaimed else timezone.localdate(application.updated_at)
    recipient, greet = recipient_of(application, with_address=with_address)
    return ReclaimLetter(
        application=application,
        recipient=recipient,
        salutation_name=greet,
        date=day,
        due=day + datetime.timedelta(weeks=RECLAIM_WEEKS),
        payments=list(application.payments.filter(released_at__isnull=False).order_by("paid_on", "pk")),
        receipts=list(application.receipts.order_by("date", "pk")),
    )


def reclaim_letter_pdf(application: Application, *, with_address: bool = True, lang: str = "de") -> bytes:
    """The reclaim letter of ``application`` as a PDF in ``lang`` with its area's letterhead; ``with_address``
    as for ``letter_pdf``. Raises ``ValueError`` for an application without a reclaim."""
    area = application.area
    with translation.override(lang):
        letter = reclaim_letter_of(application, with_address=with_address)
        title = _("Reclaim: %(title)s") % {"title": application.title}
        author = _("Neighbourhood management %(name)s") % {"name": area.name}
    return render_pdf(
        "fonds/reclaim_letter_pdf.html",
        {
            "letter": letter,
            "application": application,
            "fund": application.fund,
            "area": area,
            "summary": summary_of(application, reclaim=letter),
        },
        title=title,
        author=author,
        lang=lang,
        area=area,
    )
