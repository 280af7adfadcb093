"""The project's URLs plus the reference views the pages are compared with: ``bench/hallo/`` (hello world),
``bench/hallo-angemeldet/`` (hello world for a signed-in user: the session and the user loaded, nothing else) and
``bench/gebiet/<slug>/rahmen/`` (an area page with nothing in it: what every page of an area costs at least).

Only the benchmark servers (``benchmarks.settings``) use this URLconf; the product never serves the references.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from quartier import permissions
from quartier.decorators import area_view, public_view
from quartier.http import AreaRequest
from quartier.models import Quartier
from quartier.urls import urlpatterns as project_urlpatterns


@public_view
def hallo(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: through the whole middleware stack, no template, no query."""
    return HttpResponse("Hallo")


@public_view
def hallo_signed_in(request: HttpRequest) -> HttpResponse:
    """The cheapest page of a signed-in user: the session and the user loaded (two queries), nothing else; what
    every page of the project costs at least. Anonymous visitors are sent to the login, as by any page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return HttpResponse(f"Hallo {request.user.pk}")


@area_view(permissions.VIEW_AREA)
def area_frame(request: AreaRequest, area: Quartier) -> HttpResponse:
    """The frame every page of an area has, with nothing in it: the user's access, the area navigation, the
    header and the footer. What a page of an area costs before it shows anything."""
    return render(request, "area_base.html", {"area": area})


urlpatterns = [
    path("bench/gebiet/<slug:slug>/rahmen/", area_frame, name="bench_area_frame"),
    path("bench/hallo/", hallo, name="bench_hallo"),
    path("bench/hallo-angemeldet/", hallo_signed_in, name="bench_hallo_signed_in"),
    *project_urlpatterns,
]
