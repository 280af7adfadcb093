"""What the searchable pickers of persons and organisations ask while one types (``quartier.pickers``): the
``<option>`` elements of the area's records the search finds, and those the select holds selected, always."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from actors.selectors.pickers import Choice, organisation_choices, person_choices
from quartier import permissions
from quartier.decorators import area_view
from quartier.forms import whole_number
from quartier.http import AreaRequest
from quartier.models import Quartier
from quartier.pickers import SEARCH

#: Selected options sent along at most (a select of a form holds a few).
MAX_KEPT = 200


def _asked(request: AreaRequest) -> tuple[str, list[int]]:
    """The search text and the ids the select holds selected (sent under the field's name)."""
    field = request.GET.get("field", "")
    kept = [number for number in map(whole_number, request.GET.getlist(field)[:MAX_KEPT]) if number is not None]
    return request.GET.get(SEARCH, "")[:200], kept


def _options(request: AreaRequest, choices: list[Choice], kept: list[int]) -> HttpResponse:
    blank = request.GET.get("blank")
    context = {"choices": choices, "selected": set(kept), "blank": blank[:100] if blank is not None else None}
    return render(request, "actors/picker_options.html", context)


@require_GET
@area_view(permissions.VIEW_PERSONS)
def person_options(request: AreaRequest, area: Quartier) -> HttpResponse:
    search, kept = _asked(request)
    return _options(request, person_choices(area, search=search, keep=kept), kept)


@require_GET
@area_view(permissions.VIEW_ACTORS)
def organisation_options(request: AreaRequest, area: Quartier) -> HttpResponse:
    search, kept = _asked(request)
    return _options(request, organisation_choices(area, search=search, keep=kept), kept)


urlpatterns = [
    path("auswahl/personen/", person_options, name="person_options"),
    path("auswahl/organisationen/", organisation_options, name="organisation_options"),
]
