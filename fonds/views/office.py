"""The office's pages of the funds: fund dashboards, the application list and each application's page with
the steps of its lifecycle, payments and files."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import Organisation, Person
from committees.models import AgendaItem, Ballot, BallotItem, Meeting
from fonds.files import attachment_response
from fonds.filters import ApplicationFilterSet, PaymentFilterSet
from fonds.forms.office import (
    DecisionForm,
    FundForm,
    PaymentForm,
    QueryForm,
    RepaymentForm,
    RoundForm,
    receipt_decisions,
)
from fonds.letters import has_reclaim
from fonds.models import (
    AWAITING_DECISION,
    AccessLink,
    Application,
    Attachment,
    CostLine,
    EligibilityCheck,
    Fund,
    Payment,
    Receipt,
    Repayment,
    Status,
    StatusChange,
)
from fonds.selectors import (
    FundTotals,
    Money,
    applications_by_ids,
    applications_of,
    bound_by_field_of_action,
    eligibility_result,
    fund_totals,
    funds_with_totals,
    money_of,
    more_than_left,
    payments_of,
    status_counts,
    totals_by_year,
)
from fonds.services.applications import (
    APPLICATION,
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
    application_settle,
    application_withdraw,
    office_decides,
    receipts_decide,
)
from fonds.services.funds import fund_create, fund_update, round_add
from fonds.services.payments import payment_period, payment_record, payment_release, repayment_record
from fonds.services.public import access_link_revoke, access_link_send, applicant_candidates, applicant_review
from fonds.views.rows import (
    application_rows,
    history_items,
    line_rows,
    payment_list_rows,
    payment_rows,
    receipt_rows,
)
from isek.models import Measure
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import date_column, euro_column, number_column, table_response
from quartier.forms import refusal_in_messages, refusal_on, valid_data, whole_number
from quartier.http import AreaRequest
from quartier.lists import export_format, list_page
from quartier.mail import OUTBOX_SHOWN
from quartier.models import Mail, Quartier
from quartier.reference import fields_of_action, target_groups
from quartier.selectors import CompiledLists
from quartier.sorting import german

FORWARDABLE = APPLICATION.sources("put_forward")


def get_fund_for(area: Quartier, pk: int) -> Fund:
    fund = Fund.objects.filter(area=area, pk=pk).select_related("committee").first()
    if fund is None:
        raise Http404(_("This fund does not exist."))
    return fund


def get_application_for(area: Quartier, pk: int) -> Application:
    application = (
        Application.objects.filter(area=area, pk=pk)
        .select_related("fund__committee", "person", "organisation", "concern")
        .first()
    )
    if application is None:
        raise Http404(_("This application does not exist."))
    return application


def _perms(request: AreaRequest) -> frozenset[str]:
    return request.area_perms


@require_GET
@area_view(permissions.VIEW_FUNDS)
def fund_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    funds = list(
        funds_with_totals(Fund.objects.filter(area=area).select_related("committee")).order_by(
            "-year", *german("name"), "pk"
        )
    )
    for fund in funds:
        fund.totals = FundTotals.of(fund)  # type: ignore[attr-defined]
    fmt = export_format(request)
    if fmt is not None:  # every fund: the page shows them whole, grouped by year
        return funds_export(funds, area=area, fmt=fmt)
    years = totals_by_year(funds)
    context = {
        "area": area,
        "years": [(year, [fund for fund in funds if fund.year == year], totals) for year, totals in years.items()],
        "can_manage_money": permissions.MANAGE_FUND_MONEY in _perms(request),
    }
    return render(request, "fonds/fund_list.html", context)


@require_GET
@area_view(permissions.VIEW_FUNDS)
def fund_page(request: AreaRequest, area: Quartier, fund_pk: int) -> HttpResponse:
    fund = get_fund_for(area, fund_pk)
    totals = fund_totals(fund)
    context = {
        "area": area,
        "fund": fund,
        "totals": totals,
        "shares": _shares(totals),
        "counts": status_counts(fund),
        "by_field": bound_by_field_of_action(fund),
        "criteria": list(fund.criteria.all()),
        "rounds": list(fund.rounds.select_related("meeting").order_by("deadline")),
        "can_manage_money": permissions.MANAGE_FUND_MONEY in _perms(request),
        "can_change": permissions.CHANGE_FUNDS in _perms(request),
        "round_form": RoundForm(fund=fund),
    }
    return render(request, "fonds/fund_detail.html", context)


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def round_new(request: AreaRequest, area: Quartier, fund_pk: int) -> HttpResponse:
    fund = get_fund_for(area, fund_pk)
    with refusal_in_messages(request):
        round_add(fund=fund, by=request.user, **valid_data(RoundForm(request.POST, fund=fund)))
        messages.success(request, _("The round was added."))
    return redirect(reverse("fund_page", args=[area.slug, fund.pk]) + "#rounds")


def funds_export(funds: list[Fund], *, area: Quartier, fmt: str) -> HttpResponse:
    """The funds with their money (``fund.totals``), in the order of the page."""
    kinds = dict(Fund.Kind.choices)
    headers = [
        _("Fund"), number_column(_("Year")), _("Kind"), _("Deciding committee"), euro_column(_("Budget (€)")),
        euro_column(_("Committed, not yet paid (€)")), euro_column(_("Paid (€)")), euro_column(_("Paid back (€)")),
        euro_column(_("Remaining (€)")),
    ]  # fmt: skip
    rows = (
        [
            fund.name,
            fund.year,
            kinds.get(fund.kind, fund.kind),
            fund.committee.name if fund.committee else "",
            fund.budget,
            fund.totals.committed,  # type: ignore[attr-defined]
            fund.totals.paid,  # type: ignore[attr-defined]
            fund.totals.repaid,  # type: ignore[attr-defined]
            fund.totals.free,  # type: ignore[attr-defined]
        ]
        for fund in funds
    )
    return table_response(filename=f"fonds-{area.slug}", title=_("Funds"), headers=headers, rows=rows, fmt=fmt)


@require_GET
@area_view(permissions.VIEW_FUNDS)
def payment_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return list_page(
        request,
        template="fonds/payment_list.html",
        title=_("Payments"),
        filterset=PaymentFilterSet(request.GET, queryset=payments_of(area), area=area),
        export=lambda payments, fmt: payments_export(payments, area=area, fmt=fmt),
        context={"area": area},
        page_context=lambda page: {"rows": payment_list_rows(page.object_list, area=area)},
    )


def payments_export(payments: Iterable[Payment], *, area: Quartier, fmt: str) -> HttpResponse:
    headers = [
        date_column(_("Payment date")), euro_column(_("Amount (€)")), _("Method"), number_column(_("Application")),
        _("Title"), _("Applicant"), _("Fund"), _("Recorded by"), _("Released by"), date_column(_("Released")),
    ]  # fmt: skip
    rows = (
        [
            payment.paid_on,
            payment.amount,
            payment.get_method_display(),
            payment.application_id,
            payment.application.title,
            str(payment.application.applicant or ""),
            str(payment.application.fund),
            payment.recorded_by.get_display_name(),
            payment.released_by.get_display_name() if payment.released_by else "",
            payment.released_at,
        ]
        for payment in payments
    )
    return table_response(filename=f"zahlungen-{area.slug}", title=_("Payments"), headers=headers, rows=rows, fmt=fmt)


def _shares(totals: FundTotals) -> dict[str, Decimal]:
    """Paid and not paid back, bound and not paid, and free as percentages of the budget, for the budget bar."""
    if not totals.budget:
        return {"paid": Decimal(0), "committed": Decimal(0), "remaining": Decimal(0)}

    def share(amount: Decimal) -> Decimal:
        return (max(amount, Decimal(0)) * 100 / totals.budget).quantize(Decimal("0.1"))

    return {"paid": share(totals.out), "committed": share(totals.committed), "remaining": share(totals.free)}


def _fund_form(request: HttpRequest, area: Quartier, fund: Fund | None) -> HttpResponse:
    form = FundForm(request.POST if request.method == "POST" else None, instance=fund, area=area)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            if fund is None:
                saved = fund_create(area=area, data=form.cleaned_data, criteria=form.criteria_list(), by=request.user)
                messages.success(request, _("The fund was created."))
            else:
                saved = fund_update(fund=fund, data=form.cleaned_data, criteria=form.criteria_list(), by=request.user)
                messages.success(request, _("The fund was saved."))
            return redirect("fund_page", slug=area.slug, fund_pk=saved.pk)
    if fund is not None and request.method == "POST":
        fund.refresh_from_db()
    title = _("Edit %(name)s") % {"name": fund} if fund else _("New fund")
    back = reverse("fund_page", args=[area.slug, fund.pk]) if fund else reverse("fund_list", args=[area.slug])
    return render(request, "fonds/form.html", {"area": area, "form": form, "title": title, "back": back})


@require_http_methods(["GET", "POST"])
@area_view(permissions.MANAGE_FUND_MONEY)
def fund_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _fund_form(request, area, None)


@require_http_methods(["GET", "POST"])
@area_view(permissions.MANAGE_FUND_MONEY)
def fund_edit(request: AreaRequest, area: Quartier, fund_pk: int) -> HttpResponse:
    return _fund_form(request, area, get_fund_for(area, fund_pk))


@require_GET
@area_view(permissions.VIEW_FUNDS)
def application_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return list_page(
        request,
        template="fonds/application_list.html",
        title=_("Applications"),
        filterset=ApplicationFilterSet(request.GET, queryset=applications_of(area), area=area),
        read_page=lambda ids: applications_by_ids(area, ids),
        export=lambda applications, fmt: _export(applications.prefetch_related("fields_of_action"), area=area, fmt=fmt),
        context={"area": area},
        page_context=lambda page: {"rows": application_rows(page.object_list, area=area)},
    )


def _export(applications: object, *, area: Quartier, fmt: str) -> HttpResponse:
    statuses = dict(Status.choices)
    rows = (
        [
            application.pk,
            str(application.fund),
            application.title,
            str(application.applicant or ""),
            statuses.get(application.status, application.status),
            ", ".join(field.name for field in application.fields_of_action.all()),
            application.total_costs,
            application.requested,
            application.approved_amount,
            timezone.localdate(application.submitted_at) if application.submitted_at else None,
        ]
        for application in applications  # type: ignore[attr-defined]
    )
    headers = [
        number_column(_("Number")),
        _("Fund"),
        _("Title"),
        _("Applicant"),
        _("Status"),
        _("Fields of action"),
        euro_column(_("Total costs (€)")),
        euro_column(_("Requested (€)")),
        euro_column(_("Approved (€)")),
        date_column(_("Submitted")),
    ]
    return table_response(
        filename=f"antraege-{area.slug}", title=_("Applications"), headers=headers, rows=rows, fmt=fmt
    )


def _targets(application: Application) -> dict[str, list[object]]:
    """Where the application can be put before its committee: coming meetings and drafted ballots."""
    committee_id = application.fund.committee_id
    if committee_id is None:
        return {"meetings": [], "ballots": []}
    return {
        "meetings": list(
            Meeting.objects.filter(
                committee_id=committee_id, status__in=[Meeting.Status.PLANNED, Meeting.Status.INVITED]
            ).order_by("starts_at")
        ),
        "ballots": list(
            Ballot.objects.filter(committee_id=committee_id, status=Ballot.Status.DRAFT).order_by("deadline")
        ),
    }


def _isek_measures(linked: list[Measure]) -> list[Measure]:
    """The ISEK measures the application serves, each in its newest version (a yearly update copies the
    links), from every measure linked to it (``_page_lists``)."""
    newest: dict[str, Measure] = {}
    for measure in linked:
        newest.setdefault(measure.number, measure)
    return sorted(newest.values(), key=lambda measure: measure.number)


def _page_lists(*, area: int, application: int, content_type: int, measures: bool) -> dict[str, QuerySet]:
    """What the application page reads besides the user's access, in one query compiled once (``PAGE_LISTS``):
    the application with its fund, committee, person and organisation (not its concern: the page does not show
    it), its money (``money_*``) and the ids of its fields of action and target groups (``field_ids``,
    ``group_ids``); its lists; the meeting agenda items and ballot items that are about it (``content_type``: the
    application's); with ``measures``, every version of every ISEK measure linked to it, the newest first."""
    field_ids = Application.fields_of_action.through.objects.filter(application=OuterRef("pk"))
    group_ids = Application.target_groups.through.objects.filter(application=OuterRef("pk"))
    about = {"content_type_id": content_type, "object_id": application}
    lists = {
        "application": Application.objects.filter(area_id=area, pk=application)
        .select_related("fund__committee", "person", "organisation")
        .annotate(
            **money_of("pk"),
            field_ids=ArraySubquery(field_ids.values("fieldofaction_id")),
            group_ids=ArraySubquery(group_ids.values("targetgroup_id")),
        ),
        # Each list in its model's order without the first key, the application (one here): no join to order by.
        "payments": Payment.objects.filter(application_id=application)
        .select_related("recorded_by", "released_by")
        .order_by("paid_on", "pk"),
        "attachments": Attachment.objects.filter(application_id=application).order_by("uploaded_at", "pk"),
        "receipts": Receipt.objects.filter(application_id=application)
        .select_related("decided_by")
        .order_by("date", "pk"),
        "lines": CostLine.objects.filter(application_id=application).order_by("position"),
        "checks": EligibilityCheck.objects.filter(application_id=application).select_related("criterion"),
        # What the fund has left, only while the application waits for its decision (``more_than_left``).
        "fund_money": Fund.objects.filter(
            applications=application, applications__status__in=AWAITING_DECISION
        ).annotate(**money_of("fund")),
        "history": StatusChange.objects.filter(application_id=application).select_related("by").order_by("at", "pk"),
        "links": AccessLink.objects.filter(application_id=application).order_by("-created_at"),
        "repayments": Repayment.objects.filter(application_id=application)
        .select_related("recorded_by")
        .order_by("received_on", "pk"),
        "agenda": AgendaItem.objects.filter(**about).select_related("meeting__committee"),
        "ballot_items": BallotItem.objects.filter(**about).select_related("ballot__committee"),
        # The application's outbox: what was sent to whom and when, and what failed (quartier.mail).
        "mails": Mail.objects.filter(about_type_id=content_type, about_id=application).order_by("-created_at", "-pk")[
            :OUTBOX_SHOWN
        ],
    }
    if measures:
        lists["measures"] = Measure.objects.filter(applications=application).order_by("-version__created_at", "-pk")
    return lists


PAGE_LISTS = CompiledLists(_page_lists, ids=("area", "application", "content_type"))


def _with_scans(receipts: list[Receipt], attachments: list[Attachment]) -> list[Receipt]:
    """Give each receipt its scans (``receipt.attachments.all()``) from the application's files, read once."""
    for receipt in receipts:
        # As prefetch_related stores what it read: the manager's queryset (lazy, no query) with its rows.
        scans = receipt.attachments.get_queryset()  # type: ignore[attr-defined]
        scans._result_cache = [attachment for attachment in attachments if attachment.receipt_id == receipt.pk]
        scans._prefetch_done = True
        receipt._prefetched_objects_cache = {"attachments": scans}  # type: ignore[attr-defined]
    return receipts


@require_GET
@area_view(permissions.VIEW_FUNDS)
def application_page(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    perms = _perms(request)
    can_change = permissions.CHANGE_FUNDS in perms
    lists = PAGE_LISTS.read(
        area=area.pk,
        application=application_pk,
        content_type=ContentType.objects.get_for_model(Application).pk,
        measures=permissions.VIEW_ISEK in perms,
    )
    if not lists["application"]:
        raise Http404(_("This application does not exist."))
    application = lists["application"][0]
    payments, attachments = lists["payments"], lists["attachments"]
    for row in (*payments, *attachments, *lists["receipts"], *lists["lines"], *lists["history"], *lists["links"]):
        row.application = application  # type: ignore[attr-defined]  # as the related managers set their owner
    receipts = _with_scans(lists["receipts"], attachments)
    links = lists["links"] if can_change else []
    criteria = []
    if can_change and application.status == Status.IN_REVIEW:  # the checklist is shown for the review only
        checks = {check.criterion_id: check for check in lists["checks"]}
        criteria = [(criterion, checks.get(criterion.pk)) for criterion in application.fund.criteria.all()]
    field_ids, group_ids = set(application.field_ids), set(application.group_ids)  # type: ignore[attr-defined]
    fund_free = FundTotals.of(lists["fund_money"][0]).free if lists["fund_money"] else None
    context = {
        "area": area,
        "application": application,
        "lines": line_rows(lists["lines"]),
        "criteria": criteria,
        "eligibility": eligibility_result(lists["checks"], lists["history"]),
        "beyond": more_than_left(application, fund_free),
        "fund_free": fund_free,
        "history": history_items(lists["history"]),
        "payments": payments,
        "payment_rows": payment_rows(payments),
        "money": Money.of(application),
        "repayments": lists["repayments"] if application.approved_amount else [],
        "receipts": receipts,
        "receipt_rows": receipt_rows(receipts, area=area)
        if not (can_change and application.status == Status.PROOF_SUBMITTED)
        else [],
        "proof": _proof_summary(receipts),
        "checking": application.status == Status.PROOF_SUBMITTED,
        "reclaim_letter": has_reclaim(application),
        "attachments": attachments,
        "where": [*lists["agenda"], *lists["ballot_items"]],
        # The outbox names the applicant's address: for those who may see people's contact data only.
        "mails": lists["mails"] if permissions.VIEW_PERSONS in perms else None,
        "targets": _targets(application)
        if can_change and application.status in {"foerderfaehig", "zurueckgestellt"}
        else {},
        "office_decides": office_decides(application),
        "can_change": can_change,
        "can_manage_money": permissions.MANAGE_FUND_MONEY in perms,
        "withdrawable": APPLICATION.can(application, "withdraw") and not payments,
        # The forms only where the template shows them.
        "query_form": QueryForm() if application.status == Status.IN_REVIEW else None,
        "decision_form": DecisionForm() if application.status == Status.FOR_DECISION else None,
        "payment_form": PaymentForm(period=payment_period(application, timezone.localdate()))
        if can_change and application.status in {Status.COMMITTED, Status.PAID}
        else None,
        "repayment_form": RepaymentForm() if can_change and application.status == Status.RECLAIM else None,
        "fields_of_action": [field for field in fields_of_action() if field.pk in field_ids],
        "target_groups": [group for group in target_groups() if group.pk in group_ids],
        "links": links,
        "candidates": applicant_candidates(application) if can_change and application.applicant_to_review else {},
        "measures": _isek_measures(lists.get("measures", [])),
        "contact_email": (application.person.email if application.person else "")
        or next((link.email for link in lists["links"]), ""),
    }
    return render(request, "fonds/application_detail.html", context)


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def application_step(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    """One step of the application's lifecycle, named by ``action``; a refusal is shown, nothing changes."""
    application = get_application_for(area, application_pk)
    data = request.POST
    action = data.get("action", "")
    by = request.user
    with refusal_in_messages(request):
        if action == "review":
            application_review(application=application, by=by)
        elif action == "query":
            application_query(application=application, question=data.get("question", ""), by=by)
        elif action in {"eligible", "ineligible"}:
            checks = {
                criterion.pk: (
                    data.get(f"criterion-{criterion.pk}") == "on",
                    data.get(f"criterion-note-{criterion.pk}", ""),
                )
                for criterion in application.fund.criteria.all()
            }
            application_assess(
                application=application,
                checks=checks,
                eligible=action == "eligible",
                reason=data.get("reason", ""),
                by=by,
            )
        elif action == "put_forward":
            target = data.get("target", "")
            committee_id = application.fund.committee_id
            meeting = ballot = None
            if target.startswith("meeting-"):
                meeting_pk = whole_number(target.removeprefix("meeting-")) or 0
                meeting = Meeting.objects.filter(committee_id=committee_id, pk=meeting_pk).first()
            elif target.startswith("ballot-"):
                ballot_pk = whole_number(target.removeprefix("ballot-")) or 0
                ballot = Ballot.objects.filter(committee_id=committee_id, pk=ballot_pk).first()
            if target not in {"", "office"} and meeting is None and ballot is None:
                raise ValidationError(_("Choose a meeting or a ballot of the fund's committee."))
            application_put_forward(application=application, meeting=meeting, ballot=ballot, by=by)
        elif action == "decide":
            application_decide(application=application, by=by, **valid_data(DecisionForm(data)))
        elif action == "commit":
            application_commit(application=application, by=by)
        elif action == "settle":
            application_settle(application=application, by=by)
        elif action == "review_applicant":
            person_pk, organisation_pk = whole_number(data.get("person")), whole_number(data.get("organisation"))
            person = Person.objects.filter(area=area, pk=person_pk).first() if person_pk is not None else None
            organisation = (
                Organisation.objects.filter(area=area, pk=organisation_pk).first()
                if organisation_pk is not None
                else None
            )
            applicant_review(application=application, person=person, organisation=organisation, by=by)
        elif action == "withdraw":
            application_withdraw(application=application, note=data.get("note", ""), by=by)
        else:
            raise ValidationError(_("Unknown action."))
        application.refresh_from_db()
        messages.success(
            request, _("Done: the application is now “%(status)s”.") % {"status": application.get_status_display()}
        )
    return redirect("application_page", slug=area.slug, application_pk=application.pk)


def _proof_summary(receipts: list[Receipt]) -> dict[str, object]:
    """The receipts' total, what is accepted and not accepted so far, and how many are not yet checked."""

    def total(decision: str | None) -> Decimal:
        return sum((r.amount for r in receipts if decision is None or r.decision == decision), Decimal("0.00"))

    return {
        "total": total(None),
        "accepted": total(Receipt.Decision.ACCEPTED),
        "disallowed": total(Receipt.Decision.DISALLOWED),
        "open": sum(1 for receipt in receipts if receipt.decision == Receipt.Decision.OPEN),
    }


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def receipts_decide_view(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    """Accept receipts of the proof of use, or disallow them with a reason; a refusal saves none of them."""
    application = get_application_for(area, application_pk)
    with refusal_in_messages(request):
        decided = receipts_decide(application=application, decisions=receipt_decisions(request.POST), by=request.user)
        messages.success(
            request,
            ngettext(
                "The decision on %(count)s receipt is saved.",
                "The decisions on %(count)s receipts are saved.",
                len(decided),
            )
            % {"count": len(decided)},
        )
    return redirect(reverse("application_page", args=[area.slug, application.pk]) + "#proof")


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def payment_new(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    application = get_application_for(area, application_pk)
    with refusal_in_messages(request):
        payment_record(application=application, by=request.user, **valid_data(PaymentForm(request.POST)))
        messages.success(request, _("The payment is recorded. Someone else holding Steuerung releases it."))
    return redirect(reverse("application_page", args=[area.slug, application.pk]) + "#payments")


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def repayment_new(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    """Money the applicant paid back after a reclaim, whole or in part."""
    application = get_application_for(area, application_pk)
    with refusal_in_messages(request):
        repayment_record(application=application, by=request.user, **valid_data(RepaymentForm(request.POST)))
        messages.success(request, _("The repayment is recorded."))
    return redirect(reverse("application_page", args=[area.slug, application.pk]) + "#payments")


@require_POST
@area_view(permissions.MANAGE_FUND_MONEY)
def payment_release_view(request: AreaRequest, area: Quartier, payment_pk: int) -> HttpResponse:
    payment = Payment.objects.filter(application__area=area, pk=payment_pk).first()
    if payment is None:
        raise Http404(_("This payment does not exist."))
    try:
        payment_release(payment=payment, by=request.user)
        messages.success(request, _("The payment is released."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    return redirect(reverse("application_page", args=[area.slug, payment.application_id]) + "#payments")


@require_POST
@area_view(permissions.CHANGE_FUNDS)
def access_links(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    """Revoke one of the applicant's private links, or send them a new one."""
    application = get_application_for(area, application_pk)
    if request.POST.get("action") == "revoke":
        link = AccessLink.objects.filter(
            application=application, pk=whole_number(request.POST.get("link")) or 0
        ).first()
        if link is None:
            messages.error(request, _("This link does not exist."))
        else:
            access_link_revoke(link=link, by=request.user)
            messages.success(request, _("The link no longer works."))
    else:
        address = request.POST.get("email", "").strip()
        with refusal_in_messages(request):
            validate_email(address)
            access_link_send(application=application, email=address, by=request.user)
            messages.success(request, _("A new private link was sent to %(email)s.") % {"email": address})
    return redirect(reverse("application_page", args=[area.slug, application.pk]) + "#links")


@require_GET
@area_view(permissions.VIEW_FUNDS)
def attachment_download(request: AreaRequest, area: Quartier, attachment_pk: int) -> HttpResponse:
    attachment = Attachment.objects.filter(application__area=area, pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("This file does not exist."))
    return attachment_response(attachment)


urlpatterns = [
    path("fonds/", fund_list, name="fund_list"),
    path("fonds/neu/", fund_new, name="fund_new"),
    path("fonds/<int:fund_pk>/", fund_page, name="fund_page"),
    path("fonds/<int:fund_pk>/bearbeiten/", fund_edit, name="fund_edit"),
    path("fonds/<int:fund_pk>/runden/", round_new, name="round_new"),
    path("fonds/antraege/", application_list, name="application_list"),
    path("fonds/antraege/<int:application_pk>/", application_page, name="application_page"),
    path("fonds/antraege/<int:application_pk>/schritt/", application_step, name="application_step"),
    path("fonds/antraege/<int:application_pk>/zahlungen/", payment_new, name="payment_new"),
    path("fonds/zahlungen/", payment_list, name="payment_list"),
    path("fonds/zahlungen/<int:payment_pk>/freigeben/", payment_release_view, name="payment_release"),
    path("fonds/antraege/<int:application_pk>/rueckzahlungen/", repayment_new, name="repayment_new"),
    path("fonds/antraege/<int:application_pk>/belege/", receipts_decide_view, name="receipts_decide"),
    path("fonds/antraege/<int:application_pk>/links/", access_links, name="application_links"),
    path("fonds/dateien/<int:attachment_pk>/", attachment_download, name="attachment_download"),
]
