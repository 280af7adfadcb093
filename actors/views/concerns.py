"""Residents' concerns: the board by status with search, filter and export; a concern; its forms and steps."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.filters import ConcernFilterSet
from actors.forms.concerns import ConcernForm, ConcernStatusForm
from actors.models import Concern
from actors.selectors.concerns import concern_board as board_for
from actors.selectors.concerns import concern_detail, concerns_for
from actors.services.concerns import concern_create, concern_set_status, concern_update
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import FORMATS, date_column, table_response
from quartier.forms import refusal_on
from quartier.http import AreaRequest
from quartier.models import Quartier
from quartier.pages import render_page


def get_concern_for(area: Quartier, pk: int) -> Concern:
    concern = concern_detail(area, pk)
    if concern is None:
        raise Http404(_("This concern does not exist."))
    return concern


def raised_by(concern: Concern, *, with_persons: bool) -> str:
    """Who raised the concern, as the user may see it: a person's name only for those who may see persons."""
    parts = []
    if concern.raised_by_person_id:
        parts.append(str(concern.raised_by_person) if with_persons else _("a resident"))
    if concern.raised_by_organisation_id:
        parts.append(concern.raised_by_organisation.name)  # type: ignore[union-attr]
    return ", ".join(parts) or _("anonymous")


@require_GET
@area_view(permissions.VIEW_CONCERNS)
def concern_board(request: AreaRequest, area: Quartier) -> HttpResponse:
    perms = request.area_perms
    filterset = ConcernFilterSet(request.GET, queryset=concerns_for(area))
    export = request.GET.get("export")
    if export in FORMATS:
        return concerns_export(filterset.qs, area=area, fmt=export, with_persons=permissions.VIEW_PERSONS in perms)
    columns = board_for(filterset.qs)
    context = {
        "area": area,
        "form": filterset.form,
        "columns": columns,
        "total": sum(column.count for column in columns),
        "query": request.GET.urlencode(),
        "can_change": permissions.CHANGE_CONCERNS in perms,
    }
    return render_page(request, "actors/concern_board.html", "board", context)


def concerns_export(concerns: Iterable[Concern], *, area: Quartier, fmt: str, with_persons: bool) -> HttpResponse:
    rows = (
        [
            concern.raised_on,
            concern.get_status_display(),
            concern.text,
            concern.field_of_action.name if concern.field_of_action else "",
            concern.place,
            raised_by(concern, with_persons=with_persons),
            concern.forwarded_to,
            concern.answer,
        ]
        for concern in concerns
    )
    headers = [
        date_column(_("Raised on")),
        _("Status"),
        _("Concern"),
        _("Field of action"),
        _("Place"),
        _("Raised by"),
        _("Forwarded to"),
        _("Answer received"),
    ]
    return table_response(filename=f"anliegen-{area.slug}", title=_("Concerns"), headers=headers, rows=rows, fmt=fmt)


def _page_context(request: AreaRequest, area: Quartier, concern: Concern) -> dict[str, object]:
    perms = request.area_perms
    return {
        "area": area,
        "concern": concern,
        "raised_by_person": str(concern.raised_by_person)
        if concern.raised_by_person_id and permissions.VIEW_PERSONS in perms
        else None,
        "raised_by_unnamed_person": bool(concern.raised_by_person_id) and permissions.VIEW_PERSONS not in perms,
        "can_change": permissions.CHANGE_CONCERNS in perms,
        "history": list(concern.status_changes.all()),
    }


@require_GET
@area_view(permissions.VIEW_CONCERNS)
def concern_page(request: AreaRequest, area: Quartier, concern_pk: int) -> HttpResponse:
    concern = get_concern_for(area, concern_pk)
    context = _page_context(request, area, concern)
    if context["can_change"]:
        context["status_form"] = ConcernStatusForm(concern=concern)
    return render(request, "actors/concern_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONCERNS)
def concern_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    form = ConcernForm(request.POST if request.method == "POST" else None, area=area, with_persons=with_persons)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            concern = concern_create(area=area, data=form.cleaned_data, by=request.user)
            messages.success(request, _("The concern was recorded."))
            return redirect("concern_page", slug=area.slug, concern_pk=concern.pk)
    return render(request, "actors/concern_form.html", {"area": area, "form": form, "concern": None})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONCERNS)
def concern_edit(request: AreaRequest, area: Quartier, concern_pk: int) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    concern = get_concern_for(area, concern_pk)
    form = ConcernForm(
        request.POST if request.method == "POST" else None, instance=concern, area=area, with_persons=with_persons
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            concern_update(
                concern=concern, data={field: form.cleaned_data[field] for field in form.changed_data}, by=request.user
            )
            messages.success(request, _("The concern was saved."))
            return redirect("concern_page", slug=area.slug, concern_pk=concern.pk)
    return render(request, "actors/concern_form.html", {"area": area, "form": form, "concern": concern})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONCERNS)
def concern_status(request: AreaRequest, area: Quartier, concern_pk: int) -> HttpResponse:
    """Move the concern on one step. GET shows the form as a page of its own; a refused step comes back
    to it with the reason, and nothing is changed."""
    concern = get_concern_for(area, concern_pk)
    form = ConcernStatusForm(request.POST if request.method == "POST" else None, concern=concern)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form):
            concern_set_status(
                concern=concern,
                to_status=data["to_status"],
                by=request.user,
                note=data["note"],
                forwarded_to=data["forwarded_to"],
                answer=data["answer"],
            )
            messages.success(
                request, _("The concern is now “%(status)s”.") % {"status": Concern.Status(data["to_status"]).label}
            )
            return redirect("concern_page", slug=area.slug, concern_pk=concern.pk)
    context = _page_context(request, area, concern)
    context["status_form"] = form
    return render(request, "actors/concern_status.html", context)


urlpatterns = [
    path("anliegen/", concern_board, name="concern_board"),
    path("anliegen/neu/", concern_new, name="concern_new"),
    path("anliegen/<int:concern_pk>/", concern_page, name="concern_page"),
    path("anliegen/<int:concern_pk>/bearbeiten/", concern_edit, name="concern_edit"),
    path("anliegen/<int:concern_pk>/status/", concern_status, name="concern_status"),
]
