"""The office's pages about the area's committees."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.rules import Composition
from committees.selectors import committee_detail, committees_of_area
from quartier import permissions
from quartier.decorators import area_view
from quartier.models import Quartier


def composition_of(committee: object) -> Composition:
    return Composition(
        voting_members=committee.voting_members,  # type: ignore[attr-defined]
        residents=committee.residents,  # type: ignore[attr-defined]
        required_share=Decimal(committee.resident_share),  # type: ignore[attr-defined]
    )


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def committee_list(request: HttpRequest, area: Quartier) -> HttpResponse:
    committees = [(committee, composition_of(committee)) for committee in committees_of_area(area)]
    return render(request, "committees/committee_list.html", {"area": area, "committees": committees})


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def committee_page(request: HttpRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    detail = committee_detail(committee_pk, area)
    if detail is None:
        raise Http404(_("This committee does not exist."))
    detail.update({"area": area, "composition": composition_of(detail["committee"])})
    return render(request, "committees/committee_detail.html", detail)


urlpatterns = [
    path("gremien/", committee_list, name="committee_list"),
    path("gremien/<int:committee_pk>/", committee_page, name="committee_page"),
]
