"""The ISEK's pages under ``/gebiet/<slug>/isek/``: versions and goals, measures (list, page, forms, cost and
financing plan), the timeline, the financing overview, the indicators and the comparison of two versions.

The version shown is chosen with ``?version=<id>``; without it, the newest version (a draft of the yearly
update when there is one). Who may write what is decided in ``quartier.permissions``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isek import charts
from isek.filters import MeasureFilterSet
from isek.forms import (
    AdoptForm,
    GoalForm,
    IndicatorForm,
    IndicatorValueForm,
    MeasureForm,
    MilestoneForm,
    ProgressNoteForm,
    SpendingForm,
    VersionForm,
    YearPlanFormSet,
    source_field,
)
from isek.models import Goal, Indicator, Measure, Milestone, Source, Version
from isek.selectors import (
    SORTS,
    Change,
    GoalNode,
    compare,
    finance_plan_of,
    goal_tree,
    indicators_of,
    measure_detail,
    measures_by_ids,
    measures_in,
    measures_of,
    overview,
    pick_version,
    sorted_measures,
    timeline_rows,
    versions_of,
)
from isek.services import (
    check_draft,
    finance_plan_save,
    goal_delete,
    goal_save,
    indicator_save,
    indicator_value_set,
    measure_save,
    milestone_add,
    milestone_reached,
    progress_note_add,
    spending_add,
    version_adopt,
    version_continue,
    version_create,
)
from quartier import display, permissions
from quartier.decorators import area_view
from quartier.exports import FORMATS, NUMBER, Column, date_column, euro_column, number_column, table_response
from quartier.forms import Refusal, refusal_in_messages, refusal_on, valid_data, whole_number
from quartier.http import AreaRequest
from quartier.lists import PAGE, export_format, list_page
from quartier.models import Quartier, Role
from quartier.pages import render_page

PAGE_SIZE = 50


def _perms(request: AreaRequest) -> frozenset[str]:
    return request.area_perms


def _save_form(request: HttpRequest, version: Version, form: Form, save: Any) -> tuple[Any, str]:
    """The version's draft check, then the sent form, then ``save(cleaned_data)`` (a service). Returns what was
    saved, or None with the refusal of an adopted version ("" when the form itself shows what went wrong)."""
    with Refusal() as draft:
        check_draft(version)
    if draft.refused:
        return None, draft.text
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            return save(form.cleaned_data), ""
    return None, ""


def _version_context(request: AreaRequest, area: Quartier) -> dict[str, Any]:
    """The area's versions and the one chosen (404 if the area has none yet is not used: pages say so)."""
    versions = versions_of(area)
    version = pick_version(versions, request.GET.get("version"))
    statuses = {key: str(label) for key, label in Version.Status.choices}
    return {
        "area": area,
        "versions": versions,
        "version": version,
        "version_options": [
            {"pk": v.pk, "label": v.label, "status": statuses.get(v.status, v.status), "selected": v == version}
            for v in versions
        ],
        "can_change": permissions.CHANGE_ISEK in _perms(request),
        "can_edit_measures": permissions.EDIT_MEASURES in _perms(request),
        "version_query": f"version={version.pk}" if version else "",
    }


def get_measure_for(area: Quartier, pk: int) -> Measure:
    measure = (
        Measure.objects.filter(version__area=area, pk=pk)
        .select_related("version", "lead_organisation")
        .prefetch_related("planned_costs", "financing", "spendings")
        .first()
    )
    if measure is None:
        raise Http404(_("This measure does not exist."))
    return measure


def _check_measure_writer(request: AreaRequest, measure: Measure) -> None:
    if not permissions.can_edit_measure(_perms(request), kind=measure.kind, responsible_role=measure.responsible_role):
        raise PermissionDenied(_("Your role may not change this measure."))


def _version_url(name: str, area: Quartier, version: Version | None, **query: str) -> str:
    url = reverse(name, args=[area.slug])
    parts = [f"version={version.pk}"] if version else []
    parts += [f"{key}={value}" for key, value in query.items()]
    return url + ("?" + "&".join(parts) if parts else "")


# --- Versions and goals -------------------------------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_ISEK)
def isek_home(request: AreaRequest, area: Quartier) -> HttpResponse:
    context = _version_context(request, area)
    version = context["version"]
    fmt = export_format(request)
    if version is not None and fmt is not None:
        return goals_export(goal_tree(version), version=version, area=area, fmt=fmt)
    if version is not None:
        context["tree"] = goal_tree(version)
        context["adopt_form"] = AdoptForm(initial={"adopted_on": timezone.localdate()})
        label = _("%(label)s, update %(year)s") % {"label": version.label, "year": timezone.localdate().year}
        context["continue_form"] = VersionForm(initial={"label": label})
        context["draft_exists"] = any(v.status == Version.Status.DRAFT for v in context["versions"])
    return render(request, "isek/home.html", context)


def goals_export(tree: list[GoalNode], *, version: Version, area: Quartier, fmt: str) -> HttpResponse:
    """The version's goals as the page shows them: each overall goal, then its goals of fields of action."""
    headers = [_("Overall goal"), _("Field of action"), _("Goal"), _("Measures")]
    rows: list[list[object]] = []
    for node in tree:
        rows.append([node.goal.title, "", "", ", ".join(node.goal.measure_numbers)])  # type: ignore[attr-defined]
        rows += [
            [
                node.goal.title,
                goal.field_of_action.name if goal.field_of_action else "",
                goal.title,
                ", ".join(goal.measure_numbers),  # type: ignore[attr-defined]
            ]
            for goal in node.children
        ]
    return table_response(
        filename=f"ziele-{area.slug}-{version.pk}", title=_("Goals"), headers=headers, rows=rows, fmt=fmt
    )


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def version_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            version = version_create(area=area, label=form.cleaned_data["label"], by=request.user)
            messages.success(request, _("The version was created."))
            return redirect(_version_url("isek_home", area, version))
    return render(
        request,
        "isek/form.html",
        {"area": area, "form": form, "title": _("New ISEK version"), "back": reverse("isek_home", args=[area.slug])},
    )


def get_version_for(area: Quartier, pk: int) -> Version:
    version = Version.objects.filter(area=area, pk=pk).first()
    if version is None:
        raise Http404(_("This version does not exist."))
    return version


def _target_version(request: HttpRequest, area: Quartier) -> Version:
    """The version a new goal, measure or indicator goes into: ``version`` or else the newest one."""
    wanted = whole_number(request.POST.get("version") or request.GET.get("version"))
    if wanted is not None:
        return get_version_for(area, wanted)
    version = Version.objects.filter(area=area).order_by("-created_at", "-pk").first()
    if version is None:
        raise Http404(_("This area has no ISEK version yet."))
    return version


@require_POST
@area_view(permissions.CHANGE_ISEK)
def version_adopt_view(request: AreaRequest, area: Quartier, version_pk: int) -> HttpResponse:
    version = get_version_for(area, version_pk)
    with refusal_in_messages(request):
        data = valid_data(AdoptForm(request.POST))
        version_adopt(version=version, on=data["adopted_on"], body=data["adopted_by"], by=request.user)
        messages.success(request, _("The version is adopted; from now on it is read only."))
    return redirect(_version_url("isek_home", area, version))


@require_POST
@area_view(permissions.CHANGE_ISEK)
def version_continue_view(request: AreaRequest, area: Quartier, version_pk: int) -> HttpResponse:
    version = get_version_for(area, version_pk)
    with refusal_in_messages(request):
        new = version_continue(version=version, label=valid_data(VersionForm(request.POST))["label"], by=request.user)
        messages.success(request, _("The update %(label)s was made as a draft.") % {"label": new.label})
        return redirect(_version_url("isek_home", area, new))
    return redirect(_version_url("isek_home", area, version))


@require_GET
@area_view(permissions.VIEW_ISEK)
def version_compare(request: AreaRequest, area: Quartier) -> HttpResponse:
    versions = versions_of(area)
    new = pick_version(versions, request.GET.get("new"))
    old = pick_version(versions, request.GET.get("old")) if request.GET.get("old") else None
    if old is None and new is not None:
        old = next((v for v in versions if v.pk == new.previous_id), None)
    comparison = compare(old, new) if old and new and old.pk != new.pk else None
    context = {
        "area": area,
        "versions": versions,
        "old": old,
        "new": new,
        "comparison": comparison,
        "changes": _change_rows(comparison.changed) if comparison else [],
        "indicator_changes": _change_rows(comparison.indicators_changed) if comparison else [],
    }
    return render(request, "isek/compare.html", context)


def _change_rows(changes: list[Change]) -> list[dict[str, str]]:
    """Each change of the comparison with what changed named and both values as the page writes them."""
    money = display.money_formatter()
    day, _moment = display.short_dates()
    statuses = dict(Measure.Status.choices)
    sources = dict(Source.choices)
    whats = {
        "title": _("Title"),
        "status": _("Status"),
        "start": _("Start"),
        "end": _("End"),
        "costs": _("Planned cost (€)"),
        "financing": _("Financing"),
        "baseline": _("Baseline"),
        "target": _("Target"),
    }

    def shown(what: str, value: Any) -> str:
        if what == "status":
            return str(statuses.get(value, value))
        if what in ("start", "end"):
            return day(value) or "–"
        if what == "costs":
            return money(value)
        if what == "financing":
            parts = [f"{sources.get(source, source)}: {money(amount)} €" for source, amount in sorted(value.items())]
            return "; ".join(parts) or "–"
        if what in ("baseline", "target"):
            year, amount = value
            return f"{year}: {amount.normalize():f}".replace(".", ",")
        return str(value)

    return [
        {
            "number": change.number,
            "title": change.title,
            "what": str(whats[change.what]),
            "numeric": change.what == "costs",
            "before": shown(change.what, change.before),
            "after": shown(change.what, change.after),
        }
        for change in changes
    ]


def _goal_form(request: HttpRequest, area: Quartier, goal: Goal | None) -> HttpResponse:
    version = _target_version(request, area) if goal is None else goal.version
    form = GoalForm(request.POST or None, instance=goal, version=version)
    saved, refusal = _save_form(
        request, version, form, lambda data: goal_save(version=version, data=data, goal=goal, by=request.user)
    )
    if saved is not None:
        messages.success(request, _("The goal was saved."))
        return redirect(_version_url("isek_home", area, version))
    title = _("Edit goal") if goal else _("New goal")
    return render(
        request,
        "isek/form.html",
        {
            "area": area,
            "form": form,
            "title": title,
            "version": version,
            "refusal": refusal,
            "back": _version_url("isek_home", area, version),
            "delete_url": reverse("goal_delete", args=[area.slug, goal.pk]) if goal else "",
        },
    )


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def goal_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _goal_form(request, area, None)


def get_goal_for(area: Quartier, pk: int) -> Goal:
    goal = Goal.objects.filter(version__area=area, pk=pk).select_related("version").first()
    if goal is None:
        raise Http404(_("This goal does not exist."))
    return goal


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def goal_edit(request: AreaRequest, area: Quartier, goal_pk: int) -> HttpResponse:
    return _goal_form(request, area, get_goal_for(area, goal_pk))


@require_POST
@area_view(permissions.CHANGE_ISEK)
def goal_delete_view(request: AreaRequest, area: Quartier, goal_pk: int) -> HttpResponse:
    goal = get_goal_for(area, goal_pk)
    with refusal_in_messages(request):
        goal_delete(goal=goal, by=request.user)
        messages.success(request, _("The goal was deleted."))
        return redirect(_version_url("isek_home", area, goal.version))
    return redirect("goal_edit", slug=area.slug, goal_pk=goal.pk)


# --- Measures -----------------------------------------------------------------------------------------------------

#: The query parameter that sorts the measures (a key of ``SORT_LABELS``, "-" before it for descending).
SORT = "sort"

SORT_LABELS = {
    "nummer": _("No."),
    "titel": _("Title"),
    "status": _("Status"),
    "beginn": _("Start"),
    "ende": _("End"),
    "kosten": _("Planned cost (€)"),
    "prioritaet": _("Priority"),
}


SORT_HEADER = display.HtmlPattern(
    '<th scope="col"{sorted}{numeric}><a href="{url}" hx-get="{url}" hx-target="#results" hx-push-url="true">'
    "{label}</a></th>"
)
PLAIN_HEADER = display.HtmlPattern('<th scope="col">{label}</th>')


def _header_cells(request: HttpRequest, sort: str) -> SafeString:
    """The measures table's column headers, those of ``SORT_LABELS`` links that sort the list (a second click
    reverses; ``aria-sort`` tells where it stands), after the title the three columns that do not sort."""
    query = request.GET.copy()
    query.pop(PAGE, None)
    cells = []
    for key in SORT_LABELS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        query[SORT] = f"-{key}" if current and not descending else key
        cells.append(
            SORT_HEADER(
                sorted=format_html(' aria-sort="{}"', "descending" if descending else "ascending") if current else "",
                numeric=SafeString(' class="num"') if key == "kosten" else "",
                url="?" + query.urlencode(),
                label=SORT_LABELS[key],
            )
        )
        if key == "titel":
            cells += [PLAIN_HEADER(label=label) for label in (_("Fields of action"), _("Kind"), _("Responsible"))]
    return display.joined(cells)


@require_GET
@area_view(permissions.VIEW_ISEK)
def measure_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    context = _version_context(request, area)
    version = context["version"]
    sort = request.GET.get(SORT, "nummer")
    if sort.lstrip("-") not in SORTS:
        sort = "nummer"
    if version is None:
        return render(request, "isek/measure_list.html", {**context, "list_title": _("Measures")})
    filterset = MeasureFilterSet(request.GET, queryset=measures_in(version))
    return list_page(
        request,
        template="isek/measure_list.html",
        title=_("Measures"),
        filterset=filterset,
        shown=lambda measures: sorted_measures(measures, sort),
        read_page=lambda ids: measures_by_ids(version, ids),
        export=lambda measures, fmt: _measure_export(measures_of(measures, sort), version=version, area=area, fmt=fmt),
        page_context=lambda page: {"rows": _measure_table(list(page.object_list), area)},
        context={
            **context,
            "header_cells": _header_cells(request, sort),
            "keep": [("version", version.pk), *([(SORT, sort)] if sort != "nummer" else [])],
        },
        page_size=PAGE_SIZE,
    )


MEASURE_ROW = display.HtmlPattern(
    '<tr><td>{number}</td><td><a href="{url}">{title}</a>{lead}</td><td>{fields}</td><td>{kind}</td>'
    "<td>{responsible}</td>"
    '<td><span class="status status--{status}">{status_label}</span></td><td>{start}</td><td>{end}</td>'
    '<td class="num">{planned}</td><td>{priority}</td></tr>'
)
MEASURE_LEAD = display.HtmlPattern("<br><small>{name}</small>")


def _measure_table(measures: list[dict[str, Any]], area: Quartier) -> list[SafeString]:
    """The rows of the measures table (from ``measures_by_ids``), as HTML."""
    kinds = {key: str(label) for key, label in Measure.Kind.choices}
    roles = {key: str(label) for key, label in Measure._meta.get_field("responsible_role").choices}
    statuses = {key: str(label) for key, label in Measure.Status.choices}
    money = display.money_formatter()
    measure_url = display.url_maker("measure_page", area.slug)
    return [
        MEASURE_ROW(
            number=measure["number"],
            url=measure_url(measure["pk"]),
            title=measure["title"],
            lead=(
                "" if measure["lead_organisation_id"] is None else MEASURE_LEAD(name=measure["lead_organisation__name"])
            ),
            fields=", ".join(measure["fields"]) or "–",
            kind=kinds.get(measure["kind"], measure["kind"]),
            responsible=roles.get(measure["responsible_role"], measure["responsible_role"]),
            status=measure["status"],
            status_label=statuses.get(measure["status"], measure["status"]),
            start=display.month(measure["start"]),
            end=display.month(measure["end"]),
            planned=money(measure["planned"]),
            priority=measure["priority"],
        )
        for measure in measures
    ]


def _measure_export(measures: Any, *, version: Version, area: Quartier, fmt: str) -> HttpResponse:
    headers = [
        _("No."), _("Title"), _("Fields of action"), _("Kind"), _("Responsible"), _("Lead organisation"),
        _("Status"), number_column(_("Priority")), date_column(_("Start")), date_column(_("End")),
        euro_column(_("Planned cost (€)")),
    ]  # fmt: skip
    rows = (
        [
            measure.number,
            measure.title,
            ", ".join(field.name for field in measure.fields_of_action.all()),
            measure.get_kind_display(),
            measure.get_responsible_role_display(),
            measure.lead_organisation.name if measure.lead_organisation else "",
            measure.get_status_display(),
            measure.priority,
            measure.start,
            measure.end,
            measure.planned,
        ]
        for measure in measures.iterator(chunk_size=500)
    )
    return table_response(
        filename=f"massnahmen-{area.slug}-{version.pk}", title=_("Measures"), headers=headers, rows=rows, fmt=fmt
    )


def _measure_form(request: AreaRequest, area: Quartier, measure: Measure | None) -> HttpResponse:
    perms = _perms(request)
    if measure is None:
        version = _target_version(request, area)
    else:
        version = measure.version
        _check_measure_writer(request, measure)
    initial = {}
    if measure is None and permissions.CHANGE_ISEK not in perms:
        initial = {"kind": Measure.Kind.SOCIAL, "responsible_role": Role.GEMEINWESENARBEIT}
    form = MeasureForm(request.POST or None, instance=measure, version=version, perms=perms, initial=initial)

    def save(_cleaned: dict[str, Any]) -> Measure:
        data, links = form.data_and_links()
        return measure_save(version=version, data=data, links=links, perms=perms, measure=measure, by=request.user)

    saved, refusal = _save_form(request, version, form, save)
    if saved is not None:
        messages.success(request, _("The measure was saved."))
        return redirect("measure_page", slug=area.slug, measure_pk=saved.pk)
    back = (
        reverse("measure_page", args=[area.slug, measure.pk])
        if measure
        else _version_url("measure_list", area, version)
    )
    title = _("Edit %(measure)s") % {"measure": measure} if measure else _("New measure")
    context = {"area": area, "form": form, "title": title, "version": version, "back": back, "refusal": refusal}
    return render(request, "isek/form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.EDIT_MEASURES)
def measure_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _measure_form(request, area, None)


@require_http_methods(["GET", "POST"])
@area_view(permissions.EDIT_MEASURES)
def measure_edit(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    return _measure_form(request, area, get_measure_for(area, measure_pk))


def _measure_page(request: AreaRequest, area: Quartier, measure: Measure, **forms: Form) -> HttpResponse:
    perms = _perms(request)
    draft = measure.version.status == Version.Status.DRAFT
    writer = draft and permissions.can_edit_measure(perms, kind=measure.kind, responsible_role=measure.responsible_role)
    context = {
        "area": area,
        "measure": measure,
        "version": measure.version,
        "version_query": f"version={measure.version_id}",
        "draft": draft,
        "can_write": writer,
        "can_note": draft and permissions.ADD_PROGRESS_NOTES in perms,
        "can_finance": draft and permissions.CHANGE_ISEK in perms,
        "can_see_concerns": permissions.VIEW_CONCERNS in perms,
        "note_form": forms.get("note_form") or ProgressNoteForm(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "spending_form": forms.get("spending_form") or SpendingForm(),
        "sources": Source.choices,
        **measure_detail(measure),
    }
    return render(request, "isek/measure_detail.html", context)


@require_GET
@area_view(permissions.VIEW_ISEK)
def measure_page(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    return _measure_page(request, area, get_measure_for(area, measure_pk))


def _posted(
    request: AreaRequest, area: Quartier, measure: Measure, name: str, form: Form, save: Any, done: str, anchor: str
) -> HttpResponse:
    """Save an inline form of the measure's page, or show the page again with its errors."""
    with refusal_in_messages(request) as draft:
        check_draft(measure.version)
    if draft.refused:
        return redirect("measure_page", slug=area.slug, measure_pk=measure.pk)
    if form.is_valid():
        with refusal_on(form):
            save(form.cleaned_data)
            messages.success(request, done)
            return redirect(reverse("measure_page", args=[area.slug, measure.pk]) + anchor)
    return _measure_page(request, area, measure, **{name: form})


@require_POST
@area_view(permissions.ADD_PROGRESS_NOTES)
def progress_note_new(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    measure = get_measure_for(area, measure_pk)
    return _posted(
        request, area, measure, "note_form", ProgressNoteForm(request.POST),
        lambda data: progress_note_add(measure=measure, date=data["date"], text=data["text"], by=request.user),
        _("The progress note was added."), "#progress",
    )  # fmt: skip


@require_POST
@area_view(permissions.EDIT_MEASURES)
def milestone_new(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    measure = get_measure_for(area, measure_pk)
    _check_measure_writer(request, measure)
    return _posted(
        request, area, measure, "milestone_form", MilestoneForm(request.POST),
        lambda data: milestone_add(measure=measure, date=data["date"], title=data["title"], by=request.user),
        _("The milestone was added."), "#milestones",
    )  # fmt: skip


@require_POST
@area_view(permissions.EDIT_MEASURES)
def milestone_toggle(request: AreaRequest, area: Quartier, milestone_pk: int) -> HttpResponse:
    milestone = (
        Milestone.objects.filter(measure__version__area=area, pk=milestone_pk)
        .select_related("measure__version")
        .first()
    )
    if milestone is None:
        raise Http404(_("This milestone does not exist."))
    _check_measure_writer(request, milestone.measure)
    with refusal_in_messages(request):
        milestone_reached(milestone=milestone, reached=request.POST.get("reached") == "1", by=request.user)
    return redirect(reverse("measure_page", args=[area.slug, milestone.measure_id]) + "#milestones")


@require_POST
@area_view(permissions.CHANGE_ISEK)
def spending_new(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    measure = get_measure_for(area, measure_pk)
    return _posted(
        request, area, measure, "spending_form", SpendingForm(request.POST),
        lambda data: spending_add(measure=measure, by=request.user, **data),
        _("The spending was recorded."), "#finances",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def measure_finances(request: AreaRequest, area: Quartier, measure_pk: int) -> HttpResponse:
    """The cost and financing plan of a measure: one row per year, saved all at once."""
    measure = get_measure_for(area, measure_pk)
    if request.method == "POST":
        formset = YearPlanFormSet(request.POST, prefix="year")
    else:
        fields = [source_field(source) for source in Source]
        initial = [
            {"year": row["year"], "cost": row["cost"], **dict(zip(fields, row["sources"], strict=True))}
            for row in finance_plan_of(measure)["finance_rows"]
        ]
        formset = YearPlanFormSet(initial=initial, prefix="year")
    error = ""
    with Refusal() as draft:
        check_draft(measure.version)
    if not draft.refused and request.method == "POST" and formset.is_valid():
        with Refusal() as refusal:
            finance_plan_save(measure=measure, years=formset.plans(), by=request.user)
            messages.success(request, _("The cost and financing plan was saved."))
            return redirect(reverse("measure_page", args=[area.slug, measure.pk]) + "#finances")
        error = refusal.text
    context = {
        "area": area, "measure": measure, "formset": formset, "error": error, "refusal": draft.text,
        "version": measure.version,
    }  # fmt: skip
    return render(request, "isek/finances_form.html", context)


# --- Timeline, financing overview, indicators ----------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_ISEK)
def timeline(request: AreaRequest, area: Quartier) -> HttpResponse:
    context = _version_context(request, area)
    version = context["version"]
    filterset = MeasureFilterSet(
        request.GET, queryset=Measure.objects.none() if version is None else measures_in(version)
    )
    context["form"] = filterset.form
    if version is not None:
        groups = timeline_rows(filterset.qs)
        statuses = dict(Measure.Status.choices)
        context["groups"] = groups
        context["gantt"] = charts.gantt(
            [
                (
                    field.name if field else _("Without a field of action"),
                    [
                        {
                            "label": measure.number,
                            "title": measure.title,
                            "status": measure.status,
                            "status_label": statuses[measure.status],
                            "start": measure.start,
                            "end": measure.end,
                            "url": reverse("measure_page", args=[area.slug, measure.pk]),
                        }
                        for measure in measures
                    ],
                )
                for field, measures in groups
            ],
            today=timezone.localdate(),
        )
        context["statuses"] = Measure.Status.choices
    return render_page(request, "isek/timeline.html", "results", context)


#: The sources as the financing table's narrow column headings (the key above the chart names them in full).
SHORT_SOURCES = {
    Source.FEDERAL: pgettext_lazy("financing source", "Federal"),
    Source.STATE: pgettext_lazy("financing source", "State"),
    Source.MUNICIPAL: pgettext_lazy("financing source", "Municipality"),
    Source.OTHER_PROGRAMME: pgettext_lazy("financing source", "Programmes"),
    Source.THIRD_PARTY: pgettext_lazy("financing source", "Third parties"),
    Source.PRIVATE: pgettext_lazy("financing source", "Private"),
}


FINANCING_ROW = display.HtmlPattern(
    '<tr><th scope="row">{year}</th><td class="num">{cost}</td>{planned_cells}'
    '<td class="num"><strong>{planned_total}</strong></td>{spent_cells}'
    '<td class="num"><strong>{spent_total}</strong></td></tr>\n'
)


@require_GET
@area_view(permissions.VIEW_ISEK)
def financing_overview(request: AreaRequest, area: Quartier) -> HttpResponse:
    context = _version_context(request, area)
    version = context["version"]
    if version is None:
        return render(request, "isek/financing.html", context)
    data = overview(version)
    years = sorted(set(data.costs) | {year for year, _s in data.financing} | {year for year, _s in data.spent})
    sources = Source.values
    zero = charts.ZERO
    rows = []
    for year in years:
        planned = [data.financing.get((year, source), zero) for source in sources]
        spent = [data.spent.get((year, source), zero) for source in sources]
        rows.append(
            {
                "year": year,
                "cost": data.costs.get(year, zero),
                "planned": planned,
                "planned_total": sum(planned, zero),
                "spent": spent,
                "spent_total": sum(spent, zero),
            }
        )
    totals = {
        "cost": sum(data.costs.values(), zero),
        "planned": [sum((row["planned"][i] for row in rows), zero) for i in range(len(sources))],
        "spent": [sum((row["spent"][i] for row in rows), zero) for i in range(len(sources))],
    }
    totals["planned_total"] = sum(totals["planned"], zero)
    totals["spent_total"] = sum(totals["spent"], zero)
    export = request.GET.get("export")
    if export in FORMATS:
        labels = dict(Source.choices)
        headers = [
            number_column(_("Year")), euro_column(_("Planned cost (€)")),
            *[euro_column(_("Planned: %(source)s (€)") % {"source": labels[s]}) for s in sources],
            *[euro_column(_("Spent: %(source)s (€)") % {"source": labels[s]}) for s in sources],
        ]  # fmt: skip
        table = ([row["year"], row["cost"], *row["planned"], *row["spent"]] for row in rows)
        return table_response(
            filename=f"finanzierung-{area.slug}-{version.pk}",
            title=_("Financing"),
            headers=headers,
            rows=table,
            fmt=export,
        )
    # In thousand euros with one decimal, as German finance plans write them: sixteen columns of amounts in the
    # millions fit a 1,280 px screen (the downloads have the cents).
    thousands, euros = display.money_formatter(places=1), display.money_formatter()

    def money(amount: Decimal) -> str:
        return thousands(amount / 1000)

    def shown(row: dict[str, Any]) -> dict[str, Any]:
        """The row's amounts as the page writes them; those of the sources as table cells."""
        return {
            "cost": money(row["cost"]),
            "planned_cells": display.number_cells([money(amount) for amount in row["planned"]]),
            "planned_total": money(row["planned_total"]),
            "spent_cells": display.number_cells([money(amount) for amount in row["spent"]]),
            "spent_total": money(row["spent_total"]),
        }

    context.update(
        rows=[FINANCING_ROW(year=row["year"], **shown(row)) for row in rows],
        totals=shown(totals),
        facts={name: euros(totals[name]) for name in ("cost", "planned_total", "spent_total")},
        sources=Source.choices,
        short_sources=[(key, SHORT_SOURCES[key], label) for key, label in Source.choices],
        chart=charts.stacked_bars(years, sources, data.financing, data.spent, data.costs),
    )
    return render(request, "isek/financing.html", context)


@require_GET
@area_view(permissions.VIEW_ISEK)
def indicator_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    context = _version_context(request, area)
    version = context["version"]
    if version is not None:
        indicators = indicators_of(version)
        for indicator in indicators:
            values = [(value.year, value.value) for value in indicator.values.all()]
            indicator.latest = values[-1] if values else None  # type: ignore[attr-defined]
            indicator.chart = charts.line_chart(  # type: ignore[attr-defined]
                values,
                baseline=(indicator.baseline_year, indicator.baseline),
                target=(indicator.target_year, indicator.target),
            )
        fmt = export_format(request)
        if fmt is not None:
            return indicators_export(indicators, version=version, area=area, fmt=fmt)
        context["indicators"] = indicators
        context["value_form"] = IndicatorValueForm(initial={"year": timezone.localdate().year - 1})
    return render(request, "isek/indicators.html", context)


def indicators_export(indicators: list[Indicator], *, version: Version, area: Quartier, fmt: str) -> HttpResponse:
    """The version's indicators with baseline, target and one column per year that has a value."""
    years = sorted({value.year for indicator in indicators for value in indicator.values.all()})
    headers: list[str | Column] = [
        _("Field of action"), _("Indicator"), _("Unit"), _("Source"), _("Direction"),
        number_column(_("Baseline year")), Column(_("Baseline"), NUMBER), number_column(_("Target year")),
        Column(_("Target"), NUMBER), *[Column(_("Value %(year)s") % {"year": year}, NUMBER) for year in years],
    ]  # fmt: skip
    directions = dict(Indicator.Direction.choices)
    rows = []
    for indicator in indicators:
        values = {value.year: value.value for value in indicator.values.all()}
        rows.append(
            [
                indicator.field_of_action.name if indicator.field_of_action else "",
                indicator.name,
                indicator.unit,
                indicator.source,
                directions.get(indicator.direction, indicator.direction),
                indicator.baseline_year,
                indicator.baseline,
                indicator.target_year,
                indicator.target,
                *[values.get(year) for year in years],
            ]
        )
    return table_response(
        filename=f"indikatoren-{area.slug}-{version.pk}", title=_("Indicators"), headers=headers, rows=rows, fmt=fmt
    )


def get_indicator_for(area: Quartier, pk: int) -> Indicator:
    indicator = Indicator.objects.filter(version__area=area, pk=pk).select_related("version").first()
    if indicator is None:
        raise Http404(_("This indicator does not exist."))
    return indicator


def _indicator_form(request: HttpRequest, area: Quartier, indicator: Indicator | None) -> HttpResponse:
    version = _target_version(request, area) if indicator is None else indicator.version
    form = IndicatorForm(request.POST or None, instance=indicator, version=version)

    def save(cleaned: dict[str, Any]) -> Indicator:
        data = {name: value for name, value in cleaned.items() if name != "goals"}
        return indicator_save(version=version, data=data, goals=cleaned["goals"], indicator=indicator, by=request.user)

    saved, refusal = _save_form(request, version, form, save)
    if saved is not None:
        messages.success(request, _("The indicator was saved."))
        return redirect(_version_url("indicator_list", area, version))
    title = _("Edit %(indicator)s") % {"indicator": indicator} if indicator else _("New indicator")
    back = _version_url("indicator_list", area, version)
    context = {"area": area, "form": form, "title": title, "version": version, "back": back, "refusal": refusal}
    return render(request, "isek/form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def indicator_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _indicator_form(request, area, None)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ISEK)
def indicator_edit(request: AreaRequest, area: Quartier, indicator_pk: int) -> HttpResponse:
    return _indicator_form(request, area, get_indicator_for(area, indicator_pk))


@require_POST
@area_view(permissions.CHANGE_ISEK)
def indicator_value(request: AreaRequest, area: Quartier, indicator_pk: int) -> HttpResponse:
    indicator = get_indicator_for(area, indicator_pk)
    with refusal_in_messages(request, prefix=f"{indicator.name}: "):
        indicator_value_set(indicator=indicator, by=request.user, **valid_data(IndicatorValueForm(request.POST)))
        messages.success(request, _("The value was recorded."))
    return redirect(_version_url("indicator_list", area, indicator.version) + f"#indicator-{indicator.pk}")


urlpatterns = [
    path("isek/", isek_home, name="isek_home"),
    path("isek/fassungen/neu/", version_new, name="version_new"),
    path("isek/fassungen/<int:version_pk>/beschliessen/", version_adopt_view, name="version_adopt"),
    path("isek/fassungen/<int:version_pk>/fortschreiben/", version_continue_view, name="version_continue"),
    path("isek/vergleich/", version_compare, name="version_compare"),
    path("isek/ziele/neu/", goal_new, name="goal_new"),
    path("isek/ziele/<int:goal_pk>/", goal_edit, name="goal_edit"),
    path("isek/ziele/<int:goal_pk>/loeschen/", goal_delete_view, name="goal_delete"),
    path("isek/massnahmen/", measure_list, name="measure_list"),
    path("isek/massnahmen/neu/", measure_new, name="measure_new"),
    path("isek/massnahmen/<int:measure_pk>/", measure_page, name="measure_page"),
    path("isek/massnahmen/<int:measure_pk>/bearbeiten/", measure_edit, name="measure_edit"),
    path("isek/massnahmen/<int:measure_pk>/finanzen/", measure_finances, name="measure_finances"),
    path("isek/massnahmen/<int:measure_pk>/sachstand/", progress_note_new, name="progress_note_new"),
    path("isek/massnahmen/<int:measure_pk>/meilensteine/", milestone_new, name="milestone_new"),
    path("isek/massnahmen/<int:measure_pk>/ausgaben/", spending_new, name="spending_new"),
    path("isek/meilensteine/<int:milestone_pk>/", milestone_toggle, name="milestone_toggle"),
    path("isek/zeitplan/", timeline, name="isek_timeline"),
    path("isek/finanzen/", financing_overview, name="isek_financing"),
    path("isek/indikatoren/", indicator_list, name="indicator_list"),
    path("isek/indikatoren/neu/", indicator_new, name="indicator_new"),
    path("isek/indikatoren/<int:indicator_pk>/", indicator_edit, name="indicator_edit"),
    path("isek/indikatoren/<int:indicator_pk>/werte/", indicator_value, name="indicator_value"),
]
