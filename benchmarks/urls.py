"""The project's URLs plus ``bench/hallo/``: a hello-world view, the reference the pages are compared with.

Only the benchmark servers (``benchmarks.settings``) use this URLconf; the product never serves the reference.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from quartier.decorators import public_view
from quartier.urls import urlpatterns as project_urlpatterns


@public_view
def hallo(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: through the whole middleware stack, no template, no query."""
    return HttpResponse("Hallo")


urlpatterns = [path("bench/hallo/", hallo, name="bench_hallo"), *project_urlpatterns]
