"""Upload a table, see every row checked, then import the valid rows."""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actors.forms.imports import ImportConfirmForm, ImportUploadForm
from actors.imports import KIND_LABELS, FileRefused, check_rows, read_table
from actors.services.imports import actors_import
from quartier import permissions
from quartier.decorators import area_view
from quartier.http import AreaRequest
from quartier.models import Quartier

PENDING_SECONDS = 60 * 60


def _pending_key(token: str) -> str:
    return f"actors-import:{token}"


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def import_upload(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            table = read_table(form.cleaned_data["file"].read())
            preview = check_rows(area=area, kind=kind, table=table)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            token = secrets.token_urlsafe(24)
            cache.set(
                _pending_key(token),
                {"user": request.user.pk, "area": area.pk, "kind": kind, "table": table},
                PENDING_SECONDS,
            )
            context = {
                "area": area,
                "preview": preview,
                "kind_label": KIND_LABELS[kind],
                "confirm": ImportConfirmForm(initial={"token": token}),
            }
            return render(request, "actors/import_preview.html", context)
    return render(request, "actors/import_upload.html", {"area": area, "form": form})


@require_POST
@area_view(permissions.CHANGE_ACTORS)
def import_confirm(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    key = _pending_key(form.cleaned_data["token"]) if form.is_valid() else None
    pending = cache.get(key) if key else None
    owned = pending and pending["user"] == request.user.pk and pending["area"] == area.pk
    # Deleting decides who imports: of two clicks on "import", only one deletes the key.
    if not owned or not cache.delete(key):
        context = {
            "area": area,
            "form": ImportUploadForm(),
            "expired": _("This import has expired or was done already. Please upload the file again."),
        }
        return render(request, "actors/import_upload.html", context, status=400)
    result = actors_import(area=area, kind=pending["kind"], table=pending["table"], by=request.user)
    return render(
        request,
        "actors/import_result.html",
        {"area": area, "result": result, "kind_label": KIND_LABELS[pending["kind"]], "kind": pending["kind"]},
    )


urlpatterns = [
    path("import/", import_upload, name="actors_import"),
    path("import/bestaetigen/", import_confirm, name="actors_import_confirm"),
]
