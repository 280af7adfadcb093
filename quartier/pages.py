"""Helpers every module's views share."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from quartier.http import HtmxRequest
from quartier.models import Quartier


def render_page(
    request: HtmxRequest, template: str, partial: str, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only its named partial for an htmx request (from the same template)."""
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def area_or_404(slug: str) -> Quartier:
    """The area of a public page's address, or "This area does not exist." (404)."""
    area = Quartier.objects.filter(slug=slug).first()
    if area is None:
        raise Http404(_("This area does not exist."))
    return area
