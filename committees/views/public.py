"""Public pages (no login): an area's committees, their meetings and decisions, without personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from committees.selectors import public_decisions
from quartier.decorators import resident_page
from quartier.pages import area_or_404


@resident_page
@require_GET
def public_committees(request: HttpRequest, slug: str) -> HttpResponse:
    area = area_or_404(slug)
    return render(request, "committees/public.html", {"area": area, **public_decisions(area)})


urlpatterns = [path("<slug:slug>/gremien/", public_committees, name="public_committees")]
