"""The applicant's pages behind their private link ``/antrag/<token>/``: no login, the token is the key.

The draft's steps (who applies, the project, the costs, attachments, check and hand in), the status page
with the timeline and the office's question, the confirmation after handing in, and the proof of use.
A wrong, expired or revoked link gets one page that says so, for every area alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from committees.models import AgendaItem, BallotItem
from fonds.forms.public import (
    AnswerForm,
    ApplicantForm,
    AttachmentForm,
    CostForm,
    CostLineForm,
    ProjectForm,
    ProofForm,
    ReceiptForm,
    line_forms,
    line_rows,
    receipt_forms,
    unbound_line_forms,
)
from fonds.letters import (
    APPROVED_STATES,
    application_of_area,
    has_decision,
    has_reclaim,
    letter_pdf,
    reclaim_letter_pdf,
)
from fonds.models import Application, Attachment, CostLine, Status, StatusChange
from fonds.selectors import ZERO, repaid_of
from fonds.services.applications import (
    APPLICATION,
    WITHDRAWAL_REFUSED,
    Line,
    application_withdraw_by_applicant,
)
from fonds.services.notices import proof_due_of, where_decided
from fonds.services.public import (
    APPLICANT_EDITABLE,
    ApplicantData,
    ReceiptData,
    address_parts,
    applicant_update,
    application_edit,
    application_for_token,
    application_hand_in,
    attachment_add,
    attachment_remove,
    cost_summary,
    proof_of_use_submit,
    query_answer,
)
from quartier import reference
from quartier.decorators import resident_page
from quartier.forms import Refusal, refusal_in_messages, refusal_on, whole_number
from quartier.http import HtmxRequest
from quartier.pages import render_page

LinkView = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    url_name: str


STEPS = [
    Step("applicant", gettext_lazy("About you"), "applicant_step_applicant"),
    Step("project", gettext_lazy("Your project"), "applicant_step_project"),
    Step("costs", gettext_lazy("Costs"), "applicant_step_costs"),
    Step("attachments", gettext_lazy("Attachments"), "applicant_step_attachments"),
    Step("check", gettext_lazy("Check and hand in"), "applicant_step_check"),
]

# What happened, in the applicant's words (the timeline: no staff names, no internal notes).
EVENTS = {
    Status.SUBMITTED: gettext_lazy("You handed in the application."),
    Status.IN_REVIEW: gettext_lazy("The neighbourhood office is checking the application."),
    Status.QUERY: gettext_lazy("The neighbourhood office has a question for you."),
    Status.ELIGIBLE: gettext_lazy("The application meets the conditions of the fund."),
    Status.INELIGIBLE: gettext_lazy("The application cannot be funded from this fund."),
    Status.FOR_DECISION: gettext_lazy("The application is up for decision."),
    Status.APPROVED: gettext_lazy("The application was approved."),
    Status.APPROVED_WITH_CONDITIONS: gettext_lazy("The application was approved with conditions."),
    Status.REJECTED: gettext_lazy("The application was rejected."),
    Status.DEFERRED: gettext_lazy("The decision was postponed."),
    Status.COMMITTED: gettext_lazy("The money is reserved for your project."),
    Status.PAID: gettext_lazy("Money was paid out."),
    Status.PROOF_SUBMITTED: gettext_lazy("You handed in the proof of use."),
    Status.CLOSED: gettext_lazy("The proof of use was checked. The application is closed."),
    Status.RECLAIM: gettext_lazy("Part of the money has to be paid back."),
    Status.WITHDRAWN: gettext_lazy("The application was withdrawn."),
}
RESUBMITTED = gettext_lazy("You handed in the changed application.")
STARTED = gettext_lazy("You started the application.")

# Where the application stands and what comes next.
_CHECKING = gettext_lazy("The neighbourhood office checks your application. If something is unclear, we will ask you.")
_APPROVED = gettext_lazy("You will receive the approval letter. After that the money is paid out.")
_DECIDED = gettext_lazy("If you have questions about the decision, please contact the neighbourhood office.")
NEXT = {
    Status.DRAFT: gettext_lazy("Your application has not been handed in yet. Fill in all steps, then hand it in."),
    Status.SUBMITTED: _CHECKING,
    Status.IN_REVIEW: _CHECKING,
    Status.ELIGIBLE: _CHECKING,
    Status.QUERY: gettext_lazy("Please answer the question: change your application and hand it in again."),
    Status.INELIGIBLE: _DECIDED,
    Status.FOR_DECISION: gettext_lazy("The decision is still open. We will let you know the result."),
    Status.DEFERRED: gettext_lazy("The decision was postponed. Your application will be decided on later."),
    Status.APPROVED: _APPROVED,
    Status.APPROVED_WITH_CONDITIONS: _APPROVED,
    Status.COMMITTED: _APPROVED,
    Status.PAID: gettext_lazy("After your project, hand in the proof of use: the receipts and a short report."),
    Status.PROOF_SUBMITTED: gettext_lazy("The neighbourhood office checks your proof of use."),
    Status.CLOSED: gettext_lazy("Nothing more to do. Thank you for your project!"),
    Status.RECLAIM: gettext_lazy("Please pay back the amount below. The neighbourhood office will tell you how."),
    Status.REJECTED: _DECIDED,
    Status.WITHDRAWN: gettext_lazy("Nothing more to do."),
}


def link_page(view: LinkView) -> LinkView:
    """Open the application of the private link ``token``, or show that the link does not work (404).
    Pages behind the link are never cached or indexed (the token is in the URL)."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        application = application_for_token(token)
        if application is None:
            response = render(request, "fonds/public/link_invalid.html", status=404)
        else:
            response = view(request, application, token, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        # The token never leaves the site: SECURE_REFERRER_POLICY is "same-origin". (Not "no-referrer": the
        # browser would then send "Origin: null" with the forms, and the CSRF check would refuse them.)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def steps_nav(token: str | None, current: str) -> list[dict[str, object]]:
    return [
        {
            "number": number,
            "label": step.label,
            "url": reverse(step.url_name, kwargs={"token": token}) if token else None,
            "current": step.key == current,
        }
        for number, step in enumerate(STEPS, start=1)
    ]


def step_context(application: Application | None, token: str | None, current: str, **extra: object) -> dict:
    number = next(n for n, step in enumerate(STEPS, start=1) if step.key == current)
    following = STEPS[number] if number < len(STEPS) else None
    previous = STEPS[number - 2] if number > 1 else None
    return {
        "application": application,
        "fund": application.fund if application else extra.get("fund"),
        "area": (application.fund.area if application else extra.get("area")),
        "token": token,
        "steps": steps_nav(token, current),
        "step_number": number,
        "step_total": len(STEPS),
        "step_label": STEPS[number - 1].label,
        "next_url": reverse(following.url_name, kwargs={"token": token}) if following and token else None,
        "back_url": reverse(previous.url_name, kwargs={"token": token}) if previous and token else None,
        **extra,
    }


def _not_editable(request: HttpRequest, application: Application, token: str) -> HttpResponse | None:
    """Back to the status page when the application can no longer be changed through the link."""
    if application.status in APPLICANT_EDITABLE:
        return None
    messages.info(request, _("Your application has been handed in and can no longer be changed here."))
    return redirect("applicant_status", token=token)


def _next(request: HttpRequest, token: str, step: str) -> HttpResponseRedirect:
    """After saving a step: the next step, or the check page."""
    messages.success(request, _("Saved."))
    keys = [s.key for s in STEPS]
    following = STEPS[min(keys.index(step) + 1, len(STEPS) - 1)]
    return redirect(following.url_name, token=token)


def applicant_data(cleaned: dict[str, Any]) -> ApplicantData:
    return ApplicantData(
        first_name=cleaned["first_name"],
        last_name=cleaned["last_name"],
        organisation=cleaned["organisation"],
        email=cleaned["email"],
        phone=cleaned["phone"],
        is_resident=cleaned["is_resident"],
        street=cleaned.get("street", ""),
        postcode=cleaned.get("postcode", ""),
        city=cleaned.get("city", ""),
    )


# --- the steps ---------------------------------------------------------------------------------------


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def step_applicant(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    if refused := _not_editable(request, application, token):
        return refused
    person, organisation = application.person, application.organisation
    locked = not application.applicant_to_review or person is None
    if request.method == "POST" and not locked:
        form = ApplicantForm(request.POST)
        if form.is_valid():
            with refusal_on(form):
                applicant_update(application=application, applicant=applicant_data(form.cleaned_data))
                return _next(request, token, "applicant")
    else:
        street, postcode, city = address_parts(person.address if person else "")
        form = ApplicantForm(
            initial={
                "street": street,
                "postcode": postcode,
                "city": city,
                "first_name": person.first_name if person else "",
                "last_name": person.last_name if person else "",
                "organisation": organisation.name if organisation else "",
                "email": person.email if person else "",
                "phone": person.phone if person else "",
                "is_resident": person.is_resident if person else False,
                "age_confirmed": True,
            }
        )
    return render(
        request,
        "fonds/public/step_applicant.html",
        step_context(application, token, "applicant", form=form, locked=locked),
        status=400 if form.errors else 200,
    )


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def step_project(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    if refused := _not_editable(request, application, token):
        return refused
    if request.method == "POST":
        form = ProjectForm(request.POST)
        if form.is_valid():
            with refusal_on(form):
                application_edit(application=application, data=form.cleaned_data)
                return _next(request, token, "project")
    else:
        started = bool(application.description) or application.status != Status.DRAFT
        form = ProjectForm(
            initial={
                "title": application.title if started else "",
                "description": application.description,
                "goals": application.goals,
                "place": application.place,
                "start": application.start,
                "end": application.end,
                "expected_participants": application.expected_participants,
                "volunteer_contribution": application.volunteer_contribution,
                "fields_of_action": list(application.fields_of_action.values_list("pk", flat=True)),
                "target_groups": list(application.target_groups.values_list("pk", flat=True)),
            }
        )
    context = step_context(application, token, "project", form=form)
    return render(request, "fonds/public/step_project.html", context, status=400 if form.errors else 200)


def _lines_of(forms: list[CostLineForm]) -> tuple[list[Line], bool]:
    """The valid, filled-in rows as cost lines; and whether some filled-in row is not valid."""
    lines, invalid = [], False
    for form in forms:
        if form.is_blank():
            continue
        if form.is_valid():
            data = form.cleaned_data
            lines.append(Line(category=data["category"], description=data["description"], amount=data["amount"]))
        else:
            invalid = True
    return lines, invalid


def _amounts(data: QueryDict) -> tuple[Decimal, Decimal]:
    """Own and other money as typed so far; an amount that is not valid counts as 0."""
    form = CostForm(data)
    form.is_valid()
    return form.cleaned_data.get("own_contribution") or ZERO, form.cleaned_data.get("other_funding") or ZERO


def _live_summary(application: Application, data: QueryDict) -> dict[str, object]:
    lines, invalid = _lines_of(line_forms(data))
    own, other = _amounts(data)
    summary = cost_summary(application=application, lines=lines, own=own, other=other)
    return {"summary": summary, "uncounted": invalid}


def _cost_context(application: Application, token: str, **extra: object) -> dict:
    return step_context(application, token, "costs", **extra)


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def step_costs(request: HtmxRequest, application: Application, token: str) -> HttpResponse:
    """The cost plan: rows are added and removed with htmx (or a normal submit), the totals follow as
    they are typed, and only "save" saves."""
    if refused := _not_editable(request, application, token):
        return refused
    template = "fonds/public/step_costs.html"
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if action == "add" or action.startswith("remove-"):
        rows, focus, status = line_rows(request.POST), "add", ""
        if action == "add" and len(rows) < 50:
            rows.append({"category": CostLine.Category.MATERIAL, "description": "", "amount": ""})
            focus = len(rows) - 1
            status = _("Cost item %(number)s added.") % {"number": len(rows)}
        elif action.startswith("remove-") and (index := whole_number(action[7:])) is not None and index < len(rows):
            rows.pop(index)
            status = _("Cost item removed.")
        lines = unbound_line_forms(rows) or unbound_line_forms([{}])
        if isinstance(focus, int):  # the new row's first field, so that typing can go on there
            lines[focus].fields["category"].widget.attrs["autofocus"] = True
        form = CostForm(initial={name: request.POST.get(name, "") for name in ("own_contribution", "other_funding")})
        context = _cost_context(
            application,
            token,
            lines=lines,
            form=form,
            focus=focus,
            status=status,
            **_live_summary(application, request.POST),
        )
        return render_page(request, template, "costplan", context)
    if request.method == "POST":
        all_lines = line_forms(request.POST)
        filled = [line for line in all_lines if not line.is_blank()]
        form = CostForm(request.POST)
        valid = form.is_valid() & all([line.is_valid() for line in filled])
        cost_errors: list[str] = []
        if valid:
            lines, _invalid = _lines_of(filled)
            with Refusal() as refusal:
                application_edit(application=application, data=form.cleaned_data, lines=lines)
                return _next(request, token, "costs")
            cost_errors = refusal.messages
        context = _cost_context(
            application,
            token,
            lines=filled or unbound_line_forms([{}]),
            form=form,
            cost_errors=cost_errors,
            invalid=not valid or bool(cost_errors),
            **_live_summary(application, request.POST),
        )
        return render(request, template, context, status=400)
    existing = [
        {"category": line.category, "description": line.description, "amount": line.amount}
        for line in application.cost_lines.all()
    ]
    lines = unbound_line_forms(existing or [{}])
    form = CostForm(
        initial={"own_contribution": application.own_contribution, "other_funding": application.other_funding}
    )
    summary = cost_summary(
        application=application,
        lines=[Line(**row) for row in existing],
        own=application.own_contribution,
        other=application.other_funding,
    )
    return render(request, template, _cost_context(application, token, lines=lines, form=form, summary=summary))


@resident_page
@require_http_methods(["POST"])
@link_page
def cost_totals(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The totals of the cost plan as typed so far, computed here (nothing is saved)."""
    context = _cost_context(application, token, **_live_summary(application, request.POST))
    return render(request, "fonds/public/step_costs.html#totals", context)


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def step_attachments(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    if refused := _not_editable(request, application, token):
        return refused
    form = AttachmentForm()
    if request.method == "POST" and request.POST.get("remove"):
        attachment = application.attachments.filter(pk=whole_number(request.POST["remove"]) or 0)
        if found := attachment.first():
            with refusal_in_messages(request):
                attachment_remove(application=application, attachment=found)
                messages.success(request, _("The file “%(name)s” was removed.") % {"name": found.name})
        return redirect("applicant_step_attachments", token=token)
    onwards = request.method == "POST" and "continue" in request.POST
    if onwards and not request.FILES:  # "Continue" without a file chosen: on to the next step
        return redirect("applicant_step_check", token=token)
    if request.method == "POST":  # a file chosen is uploaded, whichever button was pressed
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            with refusal_on(form, field="file"):
                added = attachment_add(application=application, file=form.cleaned_data["file"])
                messages.success(request, _("The file “%(name)s” was added.") % {"name": added.name})
                return redirect("applicant_step_check" if onwards else "applicant_step_attachments", token=token)
    attachments = application.attachments.filter(kind=Attachment.Kind.DOCUMENT).order_by("uploaded_at", "pk")
    context = step_context(application, token, "attachments", form=form, attachments=list(attachments))
    return render(request, "fonds/public/step_attachments.html", context, status=400 if form.errors else 200)


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def step_check(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    if refused := _not_editable(request, application, token):
        return refused
    errors: list[str] = []
    if request.method == "POST":
        with Refusal() as refusal:
            application_hand_in(application=application, token=token)
            return redirect("applicant_submitted", token=token)
        errors = refusal.messages
    context = step_context(
        application,
        token,
        "check",
        errors=errors,
        lines=list(application.cost_lines.all()),
        attachments=list(application.attachments.filter(kind=Attachment.Kind.DOCUMENT)),
        fields_of_action=[reference.label_of(field) for field in application.fields_of_action.all()],
        target_groups=[reference.label_of(group) for group in application.target_groups.all()],
    )
    return render(request, "fonds/public/step_check.html", context, status=400 if errors else 200)


@resident_page
@require_http_methods(["GET"])
@link_page
def submitted(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The confirmation after handing in, with the private link to keep."""
    if application.submitted_at is None:
        return redirect("applicant_status", token=token)
    link = request.build_absolute_uri(reverse("applicant_status", kwargs={"token": token}))
    return render(
        request,
        "fonds/public/submitted.html",
        {"application": application, "fund": application.fund, "area": application.fund.area, "link": link},
    )


# --- where it stands ------------------------------------------------------------------------------------


def timeline(application: Application, changes: list[StatusChange]) -> list[dict[str, object]]:
    """The steps of the application in the applicant's words: no staff names, and only the office's
    question as a note."""
    entries: list[dict[str, object]] = [{"at": application.created_at, "text": STARTED, "note": ""}]
    for change in changes:
        if change.from_status == change.to_status:
            continue  # an internal remark of the office
        text = RESUBMITTED if change.from_status == Status.QUERY else EVENTS.get(change.to_status, "")
        # The office's question, the applicant's own answer, and the reasons of a refusal.
        shown = change.to_status in {Status.QUERY, Status.INELIGIBLE} or change.from_status == Status.QUERY
        note = change.note if shown else ""
        entries.append({"at": change.at, "text": text, "note": note})
    return entries


@resident_page
@require_http_methods(["GET"])
@link_page
def reclaim_letter(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The reclaim letter, for the applicant to download from their status page; a 404 page before there is a
    reclaim."""
    if not has_reclaim(application):
        context = {"application": application, "token": token}
        return render(request, "fonds/public/no_letter.html", context, status=404)
    application = application_of_area(application.area_id, application.pk)  # with what the letter needs
    response = HttpResponse(reclaim_letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rueckforderung-{application.pk}.pdf"'
    return response


@resident_page
@require_http_methods(["GET"])
@link_page
def decision_letter(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The approval or rejection letter, for the applicant to download from their status page; a 404 page
    before there is a decision. The token opens one application: its own letter, never another's."""
    if not has_decision(application):
        context = {"application": application, "token": token, "decision": True}
        return render(request, "fonds/public/no_letter.html", context, status=404)
    application = application_of_area(application.area_id, application.pk)  # with what the letter needs
    response = HttpResponse(letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bescheid-{application.pk}.pdf"'
    return response


def _decided_where(application: Application) -> str:
    """When and where the application is decided, while it waits for the decision: the meeting or ballot it
    was put on (the newest), or the office. Two queries."""
    if application.status != Status.FOR_DECISION:
        return ""
    about = {"content_type__app_label": "fonds", "content_type__model": "application", "object_id": application.pk}
    sources: list[AgendaItem | BallotItem] = [
        item
        for item in (
            AgendaItem.objects.filter(**about).select_related("meeting__committee").order_by("-pk").first(),
            BallotItem.objects.filter(**about).select_related("ballot__committee").order_by("-pk").first(),
        )
        if item is not None
    ]
    newest = max(
        sources,
        key=lambda item: item.meeting.starts_at if isinstance(item, AgendaItem) else item.ballot.deadline,
        default=None,
    )
    return where_decided(newest)


def _status_context(application: Application, token: str, answer_form: AnswerForm | None = None) -> dict:
    changes = list(application.status_changes.order_by("at", "pk"))
    question = next((c.note for c in reversed(changes) if c.to_status == Status.QUERY), "")
    approved = application.status in APPROVED_STATES
    return {
        "application": application,
        "fund": application.fund,
        "area": application.fund.area,
        "token": token,
        "entries": timeline(application, changes),
        "next_text": NEXT.get(application.status, ""),
        "question": question if application.status == Status.QUERY else "",
        "editable": application.status in APPLICANT_EDITABLE,
        "can_prove": application.status == Status.PAID,
        "decided": application.status
        in {Status.APPROVED, Status.APPROVED_WITH_CONDITIONS, Status.COMMITTED, Status.PAID, Status.PROOF_SUBMITTED},
        "reclaim": has_reclaim(application),
        "reclaim_open": application.reclaim_amount - repaid_of(application)
        if application.status == Status.RECLAIM and application.reclaim_amount
        else None,
        "answer_form": (answer_form or AnswerForm()) if application.status == Status.QUERY else None,
        "where": _decided_where(application),
        "letter": has_decision(application),
        "payments": list(application.payments.filter(released_at__isnull=False).order_by("paid_on", "pk"))
        if approved
        else [],
        "proof_deadline": proof_due_of(application) if approved and application.status != Status.CLOSED else None,
        "withdrawable": APPLICATION.can(application, "withdraw_by_applicant"),
    }


@resident_page
@require_http_methods(["GET"])
@link_page
def status_page(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    return render(request, "fonds/public/status.html", _status_context(application, token))


@resident_page
@require_http_methods(["POST"])
@link_page
def answer(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The applicant answers the office's question (and may upload a file again): the application is handed in
    again."""
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_on(form):
            query_answer(
                application=application, answer=form.cleaned_data["answer"], file=form.cleaned_data["file"], token=token
            )
            messages.success(request, _("Thank you! Your answer has been sent to the neighbourhood office."))
            return redirect("applicant_status", token=token)
    application.refresh_from_db()
    context = {**_status_context(application, token, form), "errors": form.non_field_errors()}
    return render(request, "fonds/public/status.html", context, status=400)


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def withdraw(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    """The applicant withdraws their application (asked once more before it happens); only before the decision."""
    errors: list[str] = []
    if request.method == "POST":
        with Refusal() as refusal:
            application_withdraw_by_applicant(application=application)
            messages.success(request, _("Your application has been withdrawn."))
            return redirect("applicant_status", token=token)
        errors = refusal.messages
    elif not APPLICATION.can(application, "withdraw_by_applicant"):
        errors = [str(WITHDRAWAL_REFUSED % {"status": application.get_status_display()})]
    context = {"application": application, "fund": application.fund, "area": application.fund.area, "token": token}
    return render(request, "fonds/public/withdraw.html", {**context, "errors": errors}, status=400 if errors else 200)


# --- proof of use ------------------------------------------------------------------------------------------


def _receipt_count(request: HttpRequest) -> int:
    value = request.GET.get("rows", "")
    number = whole_number(value)
    return min(max(number, 1), 50) if number is not None else 3


@resident_page
@require_http_methods(["GET", "POST"])
@link_page
def proof(request: HtmxRequest, application: Application, token: str) -> HttpResponse:
    """The proof of use: receipts (with scans), a short report, how many took part, photos."""
    if application.status != Status.PAID:
        messages.info(request, _("The proof of use can be handed in once the money has been paid out."))
        return redirect("applicant_status", token=token)
    template = "fonds/public/proof.html"
    row = request.GET.get("row", "")
    index = whole_number(row)
    if request.method == "GET" and request.htmx and index is not None and index < 50:
        receipt = ReceiptForm(prefix=f"receipt-{index}")
        receipt.fields["date"].widget.attrs["autofocus"] = True
        context = {"receipt": receipt, "number": index + 1, "more": index + 1, "token": token}
        response = render(request, f"{template}#receipt_added", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    errors: list[str] = []
    if request.method == "POST":
        receipts = receipt_forms(request.POST, request.FILES)
        filled = [receipt for receipt in receipts if not receipt.is_blank()]
        form = ProofForm(request.POST, request.FILES)
        valid = form.is_valid() & all([receipt.is_valid() for receipt in filled])
        if valid:
            with Refusal() as refusal:
                proof_of_use_submit(
                    application=application,
                    receipts=[ReceiptData(**receipt.cleaned_data) for receipt in filled],
                    report=form.cleaned_data["report"],
                    participants=form.cleaned_data["participants"],
                    photos=form.cleaned_data["photos"],
                )
                messages.success(request, _("Thank you! Your proof of use has been handed in."))
                return redirect("applicant_status", token=token)
            errors = refusal.messages
        # The rows typed so far with their errors, and an empty one; chosen files have to be chosen again.
        following = max((int(receipt.prefix.rsplit("-", 1)[1]) for receipt in filled), default=-1) + 1
        rows = [*filled, ReceiptForm(prefix=f"receipt-{following}")]
        status = 400
    else:
        rows = receipt_forms(None, count=_receipt_count(request))
        form = ProofForm()
        status = 200
    context = {
        "application": application,
        "fund": application.fund,
        "area": application.fund.area,
        "token": token,
        "receipts": rows,
        "form": form,
        "errors": errors,
        "more": max(int(receipt.prefix.rsplit("-", 1)[1]) for receipt in rows) + 1,
    }
    return render(request, template, context, status=status)


urlpatterns = [
    path("<str:token>/", status_page, name="applicant_status"),
    path("<str:token>/angaben/", step_applicant, name="applicant_step_applicant"),
    path("<str:token>/projekt/", step_project, name="applicant_step_project"),
    path("<str:token>/kosten/", step_costs, name="applicant_step_costs"),
    path("<str:token>/kosten/summe/", cost_totals, name="applicant_cost_totals"),
    path("<str:token>/anhaenge/", step_attachments, name="applicant_step_attachments"),
    path("<str:token>/pruefen/", step_check, name="applicant_step_check"),
    path("<str:token>/eingereicht/", submitted, name="applicant_submitted"),
    path("<str:token>/nachweis/", proof, name="applicant_proof"),
    path("<str:token>/rueckforderung.pdf", reclaim_letter, name="applicant_reclaim_letter"),
    path("<str:token>/bescheid.pdf", decision_letter, name="applicant_letter"),
    path("<str:token>/antwort/", answer, name="applicant_answer"),
    path("<str:token>/zurueckziehen/", withdraw, name="applicant_withdraw"),
]
