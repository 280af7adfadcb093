"""``{% area_url "name" area.slug [id …] %}``: ``{% url %}`` for the pages of an area, reversed once per process
(``quartier.navigation.area_url``); a template tag of every template (``TEMPLATES`` builtins)."""

from __future__ import annotations

from django import template

from quartier.navigation import area_url as reversed_area_url

register = template.Library()


@register.simple_tag
def area_url(name: str, slug: str, *ids: int) -> str:
    return reversed_area_url(name, slug, *ids)
