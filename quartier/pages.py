"""Helpers every module's views share."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from quartier.http import HtmxRequest


def render_page(
    request: HtmxRequest, template: str, partial: str, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only its named partial for an htmx request (from the same template)."""
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
