"""``{% application_rows applications area=area as rows %}``: the rows of a page of the application list, worked
out in Python once (``fonds.views.rows``), so the list's template only places strings."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from fonds.models import Application
from fonds.views.rows import ApplicationRow
from fonds.views.rows import application_rows as rows_of
from quartier.models import Quartier

register = template.Library()


@register.simple_tag
def application_rows(applications: Iterable[Application], *, area: Quartier) -> list[ApplicationRow]:
    return rows_of(applications, area=area)
