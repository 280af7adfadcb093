"""Absolute links to the site's pages, for mails: the address people reach the office at (``SITE_URL``) and the
page's path, as the services build the links they mail (``fonds.services.public``)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from quartier.net import on_site

register = template.Library()


@register.simple_tag
def site_url(name: str, *args: object) -> str:
    """``{% site_url "area_imprint" area.slug %}``: the absolute address of the page ``name`` with ``args``."""
    return on_site(reverse(name, args=args))
