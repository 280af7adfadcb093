"""Personal data of the funds app (see ``quartier.personal_data``): the applications a person made or is the
contact person for, with everything that hangs on them.

An application is a financial record of public money: it is kept for ten years (§ 147 AO; funders ask the
same), with the applicant's data reduced to what that duty needs. The erasure keeps the money (cost plan,
approval, payments, receipts and their scans, settlement), cuts the person's name, address, email and phone
out of the texts, deletes photos, and revokes the private links. While an application is still running
(not rejected, ineligible, withdrawn or closed) the erasure is refused: the grant needs its applicant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fonds.models import Application, Attachment, Status
from quartier import permissions
from quartier.personal_data import Column, Eraser, Erasing, Erasure, Kind, Registration, Section, Subject, register

#: Financial records of public money are kept this long (§ 147 AO).
FINANCIAL_YEARS = 10
FINANCIAL_BECAUSE = _("Financial records of public money are kept for ten years (§ 147 AO).")
#: The states in which an application is over: nothing will be paid, reclaimed or decided any more.
FINISHED = frozenset({Status.REJECTED, Status.INELIGIBLE, Status.WITHDRAWN, Status.CLOSED})
#: The application's texts the person may be named in.
APPLICATION_TEXTS = (
    "title",
    "description",
    "goals",
    "place",
    "volunteer_contribution",
    "conditions",
    "reason",
    "proof_report",
)


def _section(
    subject: Subject, key: str, title: Any, columns: Sequence[Column], build: Callable[[], list[dict[str, Any]]]
) -> Section:
    return Section(key=key, title=title, columns=tuple(columns), rows=build())


def _redact(*fields: str) -> Eraser:
    """An eraser that cuts the person out of ``fields``."""

    def erase(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
        erasing.redact_fields(rows, fields)

    return erase


# --- the applications ----------------------------------------------------------------------------------------


def export_applications(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        applications = rows.select_related("fund", "organisation").order_by("-created_at", "-pk")
        return [
            {
                "fund": f"{application.fund.name} {application.fund.year}",
                "title": application.title,
                "role": (
                    _("contact person of %(organisation)s") % {"organisation": application.organisation.name}
                    if application.organisation
                    else str(_("applicant"))
                ),
                "status": application.get_status_display(),
                "description": application.description,
                "goals": application.goals,
                "place": application.place,
                "start": application.start,
                "end": application.end,
                "volunteer_contribution": application.volunteer_contribution,
                "total_costs": application.total_costs,
                "own_contribution": application.own_contribution,
                "other_funding": application.other_funding,
                "requested": application.requested,
                "approved_amount": application.approved_amount,
                "conditions": application.conditions,
                "reason": application.reason,
                "settled_amount": application.settled_amount,
                "reclaim_amount": application.reclaim_amount,
                "proof_report": application.proof_report,
                "submitted_at": application.submitted_at,
                "decided_at": application.decided_at,
            }
            for application in applications
        ]

    columns = (
        Column("fund", _("Fund")),
        Column("title", _("Title")),
        Column("role", _("As")),
        Column("status", _("Status")),
        Column("requested", _("Requested"), Kind.MONEY),
        Column("approved_amount", _("Approved"), Kind.MONEY),
        Column("settled_amount", _("Settled"), Kind.MONEY),
        Column("reclaim_amount", _("To pay back"), Kind.MONEY),
        Column("submitted_at", _("Submitted"), Kind.DATETIME),
        Column("decided_at", _("Decided"), Kind.DATETIME),
    )
    return _section(subject, "applications", _("Fund applications"), columns, build)


def refuse_applications(subject: Subject, rows: QuerySet[Any]) -> list[str]:
    return [
        _(
            "The application “%(title)s” is still “%(status)s”: the grant needs its applicant. Withdraw it, "
            "or erase once it is closed."
        )
        % {"title": application.title, "status": application.get_status_display()}
        for application in rows.exclude(status__in=FINISHED).order_by("pk")
    ]


def erase_applications(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    erasing.redact_fields(rows, APPLICATION_TEXTS)
    rows.update(applicant_to_review=False)


register(
    Registration(
        model="fonds.Application",
        fields=("person",),
        label=_("fund applications"),
        holds=_("the project, its texts, the money asked for, approved, settled or reclaimed, and its status"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=_(
            "Financial records of public money are kept for ten years (§ 147 AO): the money, the dates and the "
            "decisions stay. The person's name, address, email and phone are cut out of the texts; read them "
            "for other hints first."
        ),
        subject=lambda subject: Application.objects.filter(person=subject.person).values_list("pk", flat=True),
        export=export_applications,
        refuse=refuse_applications,
        erase=erase_applications,
        perm=permissions.VIEW_FUNDS,
        position=200,
    )
)

# --- what hangs on an application ----------------------------------------------------------------------------


def export_cost_lines(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": line.application.title,
                "category": line.get_category_display(),
                "description": line.description,
                "amount": line.amount,
            }
            for line in rows.select_related("application").order_by("application_id", "position")
        ]

    columns = (
        Column("application", _("Application")),
        Column("category", _("Category")),
        Column("description", _("Description")),
        Column("amount", _("Amount"), Kind.MONEY),
    )
    return _section(subject, "application_cost_lines", _("Cost plans"), columns, build)


register(
    Registration(
        model="fonds.CostLine",
        fields=("application",),
        label=_("lines of cost plans"),
        holds=_("what the money was asked for"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_cost_lines,
        erase=_redact("description"),
        perm=permissions.VIEW_FUNDS,
        position=210,
    )
)


def export_checks(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": check.application.title,
                "criterion": check.criterion.text,
                "met": check.met,
                "note": check.note,
            }
            for check in rows.select_related("application", "criterion").order_by(
                "application_id", "criterion__position"
            )
        ]

    columns = (
        Column("application", _("Application")),
        Column("criterion", _("Criterion")),
        Column("met", _("Met"), Kind.BOOL),
        Column("note", _("Note")),
    )
    return _section(subject, "application_checks", _("Eligibility checks"), columns, build)


register(
    Registration(
        model="fonds.EligibilityCheck",
        fields=("application",),
        label=_("eligibility checks"),
        holds=_("the office's check of each criterion, with a note"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_checks,
        erase=_redact("note"),
        perm=permissions.VIEW_FUNDS,
        position=220,
    )
)


def export_history(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": change.application.title,
                "from_status": change.get_from_status_display(),
                "to_status": change.get_to_status_display(),
                "at": change.at,
                "note": change.note,
            }
            for change in rows.select_related("application").order_by("application_id", "at", "pk")
        ]

    columns = (
        Column("application", _("Application")),
        Column("at", _("When"), Kind.DATETIME),
        Column("from_status", _("From")),
        Column("to_status", _("To")),
        Column("note", _("Note"), Kind.LONG),
    )
    return _section(subject, "application_history", _("Steps of the applications"), columns, build)


register(
    Registration(
        model="fonds.StatusChange",
        fields=("application",),
        label=_("steps of applications"),
        holds=_("each step of the application's lifecycle, with a note"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_history,
        erase=_redact("note"),
        perm=permissions.VIEW_FUNDS,
        position=230,
    )
)


def export_payments(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": payment.application.title,
                "amount": payment.amount,
                "paid_on": payment.paid_on,
                "method": payment.get_method_display(),
                "released_at": payment.released_at,
            }
            for payment in rows.select_related("application").order_by("application_id", "paid_on", "pk")
        ]

    columns = (
        Column("application", _("Application")),
        Column("amount", _("Amount"), Kind.MONEY),
        Column("paid_on", _("Payment date"), Kind.DATE),
        Column("method", _("Method")),
        Column("released_at", _("Released"), Kind.DATETIME),
    )
    return _section(subject, "application_payments", _("Payments"), columns, build)


register(
    Registration(
        model="fonds.Payment",
        fields=("application",),
        label=_("payments"),
        holds=_("the money paid to the applicant, when and how"),
        erasure=Erasure.KEEP,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_payments,
        perm=permissions.VIEW_FUNDS,
        position=240,
    )
)


def export_repayments(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": repayment.application.title,
                "amount": repayment.amount,
                "received_on": repayment.received_on,
            }
            for repayment in rows.select_related("application").order_by("application_id", "received_on", "pk")
        ]

    columns = (
        Column("application", _("Application")),
        Column("amount", _("Amount"), Kind.MONEY),
        Column("received_on", _("Received on"), Kind.DATE),
    )
    return _section(subject, "application_repayments", _("Money paid back"), columns, build)


register(
    Registration(
        model="fonds.Repayment",
        fields=("application",),
        label=_("money paid back"),
        holds=_("the money the applicant paid back after a reclaim, and when"),
        erasure=Erasure.KEEP,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_repayments,
        perm=permissions.VIEW_FUNDS,
        position=245,
    )
)


def export_receipts(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": receipt.application.title,
                "date": receipt.date,
                "vendor": receipt.vendor,
                "amount": receipt.amount,
                "decision": receipt.get_decision_display(),
                "decision_reason": receipt.decision_reason,
            }
            for receipt in rows.select_related("application").order_by("application_id", "date", "pk")
        ]

    columns = (
        Column("application", _("Application")),
        Column("date", _("Date"), Kind.DATE),
        Column("vendor", _("Vendor")),
        Column("amount", _("Amount"), Kind.MONEY),
        Column("decision", _("Checked")),
        Column("decision_reason", _("Reason")),
    )
    return _section(subject, "application_receipts", _("Receipts"), columns, build)


register(
    Registration(
        model="fonds.Receipt",
        fields=("application",),
        label=_("receipts"),
        holds=_("the receipts of the proof of use: date, vendor, amount"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=FINANCIAL_BECAUSE,
        export=export_receipts,
        erase=_redact("vendor", "decision_reason"),
        perm=permissions.VIEW_FUNDS,
        position=250,
    )
)


def export_files(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": attachment.application.title,
                "kind": attachment.get_kind_display(),
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "uploaded_at": attachment.uploaded_at,
            }
            for attachment in rows.select_related("application").order_by("application_id", "uploaded_at", "pk")
        ]

    columns = (
        Column("application", _("Application")),
        Column("kind", _("Kind")),
        Column("name", _("File name")),
        Column("size", _("Size (bytes)")),
        Column("uploaded_at", _("Uploaded"), Kind.DATETIME),
    )
    return _section(subject, "application_files", _("Files of the applications"), columns, build)


def erase_files(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """Photos are deleted (they may show people; the record does not need them); documents and receipt scans
    stay, under names without the person's."""
    photos = rows.filter(kind=Attachment.Kind.PHOTO)
    erasing.delete_files_on_commit(photo.file for photo in photos)
    photos.delete()
    erasing.redact_fields(rows, ["name"])


register(
    Registration(
        model="fonds.Attachment",
        fields=("application",),
        label=_("files of applications"),
        holds=_("documents, receipt scans and photos of the proof of use"),
        erasure=Erasure.ANONYMISE,
        keep_years=FINANCIAL_YEARS,
        because=_(
            "Documents and receipt scans are financial records (ten years, § 147 AO); photos are deleted. "
            "File names lose the person's name."
        ),
        export=export_files,
        erase=erase_files,
        perm=permissions.VIEW_FUNDS,
        position=260,
    )
)


def export_links(subject: Subject, rows: QuerySet[Any]) -> Section:
    def build() -> list[dict[str, Any]]:
        return [
            {
                "application": link.application.title,
                "email": link.email,
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "revoked_at": link.revoked_at,
                "last_used_at": link.last_used_at,
            }
            for link in rows.select_related("application").order_by("application_id", "-created_at")
        ]

    columns = (
        Column("application", _("Application")),
        Column("email", _("Sent to")),
        Column("created_at", _("Created"), Kind.DATETIME),
        Column("expires_at", _("Expires"), Kind.DATETIME),
        Column("revoked_at", _("Revoked"), Kind.DATETIME),
        Column("last_used_at", _("Last used"), Kind.DATETIME),
    )
    return _section(subject, "access_links", _("Private links to the applications"), columns, build)


def erase_links(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    rows.filter(revoked_at__isnull=True).update(revoked_at=erasing.now)
    rows.update(email="")


register(
    Registration(
        model="fonds.AccessLink",
        fields=("application",),
        label=_("private links"),
        holds=_("the applicant's private links: the address they were sent to, when they were used"),
        erasure=Erasure.ANONYMISE,
        because=_("The links are revoked and lose the address they were sent to."),
        export=export_links,
        erase=erase_links,
        perm=permissions.VIEW_FUNDS,
        position=270,
    )
)

# --- staff references ---------------------------------------------------------------------------------------

for _model, _fields in (
    ("fonds.StatusChange", ("by",)),
    ("fonds.Payment", ("recorded_by", "released_by")),
    ("fonds.Repayment", ("recorded_by",)),
    ("fonds.Receipt", ("decided_by",)),
):
    register(
        Registration(
            model=_model,
            fields=_fields,
            label=_("work records of staff"),
            holds=_("which staff member took a step, recorded or released a payment or a repayment, checked a receipt"),
            erasure=Erasure.NONE,
            because=_("A staff member's work record; the accounts of persons the office serves hold no role."),
            not_exported_because=_("It names staff, not the person."),
        )
    )
