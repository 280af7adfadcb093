"""The reports' pages: the annual reports of an area by year with the request form, one report's progress
(polled by htmx) and its download, the key figures as JSON and each table of the report as CSV/XLSX; and,
across the user's areas, the key figures side by side (``/berichte/uebersicht/``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import FORMATS, table_response
from quartier.forms import refusal_in_messages, refusal_on, whole_number
from quartier.http import AreaRequest
from quartier.models import Quartier
from quartier.pages import render_page
from reporting.figures import KEY_FIGURE_LABELS, MONEY_KEYS, SECTIONS, gather, key_figures
from reporting.forms import ReportRequestForm
from reporting.models import Report
from reporting.services import release_refusal, report_release, report_request, report_title
from reporting.tasks import enqueue


def _perms(request: AreaRequest) -> frozenset[str]:
    return request.area_perms


def _years(area: Quartier) -> list[int]:
    this_year = timezone.localdate().year
    first = min(area.funding_start or this_year, this_year)
    return list(range(this_year, max(first, 2000) - 1, -1))


def _visible_kinds(perms: frozenset[str]) -> list[str]:
    return [kind for kind in Report.Kind.values if permissions.can_see_report(perms, kind=kind)]


@require_GET
@area_view(permissions.VIEW_REPORTS)
def report_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _report_list_page(request, area, request.GET.get("year", ""), form=None)


def _report_list_page(
    request: AreaRequest, area: Quartier, wanted: object, form: ReportRequestForm | None
) -> HttpResponse:
    """The year's versions and the request form: a new one (filled from the newest version), or the one sent
    back with what was wrong."""
    perms = _perms(request)
    years = _years(area)
    wanted = str(wanted or "")
    year = whole_number(wanted)
    year = year if year in years else years[0]
    reports = list(
        Report.objects.filter(area=area, year=year, kind__in=_visible_kinds(perms))
        .select_related("requested_by")
        .order_by("-version")
    )
    if form is None:
        last = reports[0] if reports else None
        form = ReportRequestForm(
            initial={"year": year, "intro": last.intro if last else "", "outlook": last.outlook if last else ""},
        )
    context = {
        "area": area,
        "years": years,
        "year": year,
        "reports": reports,
        "form": form,
        "can_request": permissions.BUILD_DRAFT_REPORTS in perms,
    }
    return render(request, "reporting/report_list.html", context)


@require_POST
@area_view(permissions.BUILD_DRAFT_REPORTS)
def report_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            report, new = report_request(area=area, by=request.user, **form.cleaned_data)
            if new:
                transaction.on_commit(partial(enqueue, report.pk))
                messages.success(request, _("The report is requested; this page shows how far it is."))
            else:
                messages.info(request, _("This report is being built already; here is how far it is."))
            return redirect("report_page", slug=area.slug, report_pk=report.pk)
    return _report_list_page(request, area, request.POST.get("year"), form=form)


def get_report_for(request: AreaRequest, area: Quartier, pk: int) -> Report:
    report = Report.objects.filter(area=area, pk=pk).select_related("requested_by", "released_by", "area").first()
    if report is None:
        raise Http404(_("This report does not exist."))
    if not permissions.can_see_report(_perms(request), kind=report.kind):
        raise PermissionDenied(_("Your role may not see this report."))
    return report


@require_GET
@area_view(permissions.VIEW_REPORTS)
def report_page(request: AreaRequest, area: Quartier, report_pk: int) -> HttpResponse:
    """The report's state; while it is queued or running, the state part polls itself every 2 seconds."""
    report = get_report_for(request, area, report_pk)
    steps = [*SECTIONS, ("pdf", _("Making the PDF")), ("save", _("Saving"))]
    keys = [key for key, _label in steps]
    current = keys.index(report.step) if report.step in keys else -1
    may_release = permissions.RELEASE_REPORTS in _perms(request)
    final = None
    if report.kind != Report.Kind.FINAL and report.status == Report.Status.DONE:
        final = Report.objects.filter(area=area, year=report.year, kind=Report.Kind.FINAL).only("pk", "version").first()
    context = {
        "area": area,
        "report": report,
        "title": report_title(report),
        "final": final,
        "may_release": may_release,
        # What stands in the way of the release, for Steuerung: the year runs, or the version was built before
        # it ended (the service checks it again on the locked row).
        "release_refusal": release_refusal(report) if may_release and report.kind == Report.Kind.DRAFT else "",
        "steps": [
            {"label": label, "done": index < current, "current": index == current}
            for index, (_key, label) in enumerate(steps)
        ],
    }
    return render_page(request, "reporting/report_page.html", "state", context)


@require_POST
@area_view(permissions.RELEASE_REPORTS)
def report_release_view(request: AreaRequest, area: Quartier, report_pk: int) -> HttpResponse:
    """Steuerung releases a finished version of an ended year as its final report; a refusal is shown on the
    report's page."""
    report = get_report_for(request, area, report_pk)
    with refusal_in_messages(request):
        report_release(report=report, by=request.user)
        messages.success(
            request,
            _("Version %(version)s is now the final annual report of %(year)s; the coordinators have been told.")
            % {"version": report.version, "year": report.year},
        )
    return redirect("report_page", slug=area.slug, report_pk=report.pk)


@require_GET
@area_view(permissions.VIEW_REPORTS)
def report_download(request: AreaRequest, area: Quartier, report_pk: int) -> HttpResponse:
    """The PDF, only when it is complete: its SHA-256 is checked against the one stored with the build."""
    report = get_report_for(request, area, report_pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404(_("This report is not ready yet."))
    try:
        with default_storage.open(report.file.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as error:
        raise Http404(_("The report's file is missing.")) from error
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise Http404(_("The report's file is damaged; please build the report again."))
    filename = f"jahresbericht-{area.slug}-{report.year}-v{report.version}"
    if report.kind == Report.Kind.FINAL:
        filename += "-endgueltig"
    elif report.provisional:
        filename += "-vorlaeufig"
    else:
        filename += "-entwurf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _year_of(area: Quartier, year: int) -> int:
    if year not in _years(area):
        raise Http404(_("No report for this year."))
    return year


@require_GET
@area_view(permissions.VIEW_REPORTS)
def key_figures_json(request: AreaRequest, area: Quartier, year: int) -> HttpResponse:
    """The year's key figures as JSON (amounts as strings with a decimal point, to keep their cents)."""
    year = _year_of(area, year)
    body = {"area": area.slug, "year": year, "key_figures": key_figures(area, year).as_json()}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="kennzahlen-{area.slug}-{year}.json"'
    return response


@require_GET
@area_view(permissions.VIEW_REPORTS)
def report_table_list(request: AreaRequest, area: Quartier, year: int) -> HttpResponse:
    """Every table of the year's report, each to download as CSV or XLSX (the same live data as the PDF)."""
    year = _year_of(area, year)
    tables = [(slug, table.title, len(table.rows)) for slug, table in gather(area, year).tables().items()]
    return render(request, "reporting/report_tables.html", {"area": area, "year": year, "tables": tables})


@require_GET
@area_view(permissions.VIEW_REPORTS)
def report_table(request: AreaRequest, area: Quartier, year: int, table: str, fmt: str) -> HttpResponse:
    year = _year_of(area, year)
    tables = gather(area, year).tables()
    if table not in tables or fmt not in FORMATS:
        raise Http404(_("This table does not exist."))
    chosen = tables[table]
    return table_response(
        filename=f"{table}-{area.slug}-{year}",
        title=str(chosen.title),
        headers=chosen.headers,
        rows=chosen.rows,
        fmt=fmt,
    )


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """A key figure of every area in the overview."""

    label: str | Promise
    values: tuple[int | Decimal, ...]  # per area, in the order of the columns
    money: bool


@require_GET
@login_required
def report_overview(request: HttpRequest) -> HttpResponse:
    """The key figures of every area where the user sees reports, side by side (the coordinator's view)."""
    areas = permissions.areas_where(request.user, permissions.VIEW_REPORTS)
    if not areas:
        raise Http404(_("You see the reports of no area."))
    this_year = timezone.localdate().year
    wanted = request.GET.get("year", "")
    year = whole_number(wanted)
    year = year if year is not None and 2000 <= year <= this_year else this_year
    columns = [key_figures(area, year).as_dict() for area in areas]
    rows = [
        OverviewRow(label, tuple(figures[key] for figures in columns), key in MONEY_KEYS)
        for key, label in KEY_FIGURE_LABELS.items()
    ]
    context = {"areas": areas, "year": year, "years": list(range(this_year, 2014, -1)), "rows": rows}
    if request.GET.get("export") in FORMATS:
        return table_response(
            filename=f"kennzahlen-{year}",
            title=_("Key figures %(year)s by area") % {"year": year},
            headers=[_("Key figure"), *[area.name for area in areas]],
            rows=([row.label, *row.values] for row in rows),
            fmt=request.GET["export"],
        )
    return render(request, "reporting/report_overview.html", context)


urlpatterns = [
    path("berichte/", report_list, name="report_list"),
    path("berichte/anfordern/", report_new, name="report_new"),
    path("berichte/<int:report_pk>/", report_page, name="report_page"),
    path("berichte/<int:report_pk>/pdf/", report_download, name="report_download"),
    path("berichte/<int:report_pk>/freigeben/", report_release_view, name="report_release"),
    path("berichte/<int:year>/kennzahlen.json", key_figures_json, name="key_figures_json"),
    path("berichte/<int:year>/tabellen/", report_table_list, name="report_table_list"),
    path("berichte/<int:year>/tabellen/<slug:table>.<str:fmt>", report_table, name="report_table"),
]
