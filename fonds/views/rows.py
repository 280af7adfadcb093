"""The rows of the application list as it shows them: every text worked out once in Python and each row written as
its HTML (``quartier.display.HtmlPattern``; a row cost a ``{% url %}``, two ``floatformat`` and a chain of
``default`` filters in the template)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from fonds.models import Application, CostLine, Payment, Receipt, StatusChange
from fonds.selectors import more_than_left
from quartier import display
from quartier.models import Quartier

NOTHING = "–"


APPLICATION_ROW = display.HtmlPattern(
    '<tr><td><a href="{url}">{title}</a>{new_applicant}{beyond}</td><td>{applicant}</td><td>{fund}</td>'
    "<td>{status}</td>"
    '<td class="num">{requested}</td><td class="num">{approved}</td></tr>'
)
TAG = display.HtmlPattern(' <span class="tag tag--warning">{label}</span>')


def application_rows(applications: Iterable[Application], *, area: Quartier) -> list[SafeString]:
    """The rows of ``applications`` (with their fund, organisation and person read, and ``fund_free``:
    ``applications_by_ids``), as HTML; one that asks for more than its fund has left is marked."""
    url = display.url_maker("application_page", area.slug)
    money = display.money_formatter()
    new_applicant = TAG(label=_("new applicant"))
    beyond_fund = TAG(label=_("more than the fund has left"))
    rows = []
    for application in applications:
        applicant = application.organisation.name if application.organisation else ""
        if not applicant and application.person:
            applicant = str(application.person)
        rows.append(
            APPLICATION_ROW(
                url=url(application.pk),
                title=application.title,
                new_applicant=new_applicant if application.applicant_to_review else "",
                beyond=beyond_fund if more_than_left(application, application.fund_free) is not None else "",
                applicant=applicant or NOTHING,
                fund=f"{application.fund.name} {application.fund.year}",
                status=application.get_status_display(),
                requested=money(application.requested) if application.requested is not None else "",
                approved=money(application.approved_amount) if application.approved_amount is not None else NOTHING,
            )
        )
    return rows


# --- The application page's tables: each cell's text worked out once, as its template filters wrote it ------------


@dataclass(frozen=True)
class PaymentRow:
    pk: int
    paid_on: str
    amount: str
    method: str
    recorded_by: str
    recorded_by_id: int | None
    released: bool
    released_by: str
    released_on: str


@dataclass(frozen=True)
class ReceiptRow:
    date: str
    vendor: str
    scans: list[str]  # the scans' download URLs
    amount: str
    decision: str
    reason: str
    decided: bool
    decided_by: str  # "–" without a name
    decided_on: str


@dataclass(frozen=True)
class LineRow:
    category: str
    description: str
    amount: str


def history_items(changes: Iterable[StatusChange]) -> SafeString:
    """The application's history (with ``by`` read) as the ``<li>`` items of its log: one string, not a template
    loop of five variables a change. Every value is escaped as the template escapes it."""
    _day, moment = display.short_dates()
    nobody = _("Applicant or system")
    items = []
    for change in changes:
        by = change.by.get_display_name() if change.by else nobody
        note = f'<p class="log__changes pre">{escape(change.note)}</p>' if change.note else ""
        items.append(
            f'<li><time datetime="{escape(localtime(change.at).isoformat())}">{escape(moment(change.at))}</time> '
            f'<span class="log__actor">{escape(by)}</span> {escape(change.get_to_status_display())}{note}</li>'
        )
    return mark_safe("".join(items))  # noqa: S308  # every value escaped  # nosec B308, B703


def payment_rows(payments: Iterable[Payment]) -> list[PaymentRow]:
    """The application's payments (with ``recorded_by`` and ``released_by`` read)."""
    day, _moment = display.short_dates()
    money = display.money_formatter()
    return [
        PaymentRow(
            pk=payment.pk,
            paid_on=day(payment.paid_on),
            amount=money(payment.amount),
            method=payment.get_method_display(),
            recorded_by=payment.recorded_by.get_display_name() if payment.recorded_by else "",
            recorded_by_id=payment.recorded_by_id,
            released=bool(payment.released_at),
            released_by=payment.released_by.get_display_name() if payment.released_by else "",
            released_on=day(payment.released_at),
        )
        for payment in payments
    ]


def receipt_rows(receipts: Iterable[Receipt], *, area: Quartier) -> list[ReceiptRow]:
    """The application's receipts (with ``decided_by`` read and their scans given, see ``_with_scans``)."""
    day, _moment = display.short_dates()
    money = display.money_formatter()
    scan_url = display.url_maker("attachment_download", area.slug)
    return [
        ReceiptRow(
            date=day(receipt.date),
            vendor=receipt.vendor,
            scans=[scan_url(scan.pk) for scan in receipt.attachments.all()],
            amount=money(receipt.amount),
            decision=receipt.get_decision_display(),
            reason=receipt.decision_reason,
            decided=bool(receipt.decided_at),
            decided_by=(receipt.decided_by.get_display_name() if receipt.decided_by else "") or NOTHING,
            decided_on=day(receipt.decided_at),
        )
        for receipt in receipts
    ]


def line_rows(lines: Iterable[CostLine]) -> list[LineRow]:
    money = display.money_formatter()
    return [
        LineRow(category=line.get_category_display(), description=line.description, amount=money(line.amount))
        for line in lines
    ]


def payment_list_rows(payments: Iterable[Payment], *, area: Quartier) -> list[dict[str, object]]:
    """The cells of the area's payment list (with each payment's application, its fund and applicant read)."""
    day, _moment = display.short_dates()
    money = display.money_formatter()
    application_url = display.url_maker("application_page", area.slug)
    return [
        {
            "paid_on": day(payment.paid_on),
            "title": payment.application.title,
            "url": application_url(payment.application_id),
            "applicant": str(payment.application.applicant or ""),
            "fund": str(payment.application.fund),
            "amount": money(payment.amount),
            "method": payment.get_method_display(),
            "released": payment.released_at is not None,
        }
        for payment in payments
    ]
