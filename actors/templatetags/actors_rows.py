"""``{% contact_rows notes area=area today=today with_persons=can_see_people as rows %}``: the rows of a page of
contact notes, worked out in Python once (``actors.views.rows``), so the list's template only places strings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template

from actors.models import ContactNote
from actors.views.rows import ContactRow
from actors.views.rows import contact_rows as rows_of
from quartier.models import Quartier

register = template.Library()


@register.simple_tag
def contact_rows(
    notes: Iterable[ContactNote], *, area: Quartier, today: datetime.date, with_persons: bool
) -> list[ContactRow]:
    return rows_of(notes, area=area, today=today, with_persons=bool(with_persons))
