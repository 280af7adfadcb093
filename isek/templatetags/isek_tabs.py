"""``{% isek_tabs "measures" %}`` (``{% isek_tabs "compare" plain=True %}``): the ISEK's tabs (``isek.tabs``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from isek.tabs import isek_tabs as written

register = template.Library()


@register.simple_tag(takes_context=True)
def isek_tabs(context: Any, active: str, plain: bool = False) -> SafeString:
    return written(context, active, plain=plain)
