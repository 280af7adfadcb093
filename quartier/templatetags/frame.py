"""``{% account_nav %}``, ``{% language_switch %}`` and ``{% area_nav %}``: the parts of the page frame written in
Python (``quartier.frame``); template tags of every template (``TEMPLATES`` builtins)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from quartier import frame

register = template.Library()


# A template rendered without a request (no RequestContext) gets none of them, as its includes wrote nothing then.


@register.simple_tag(takes_context=True)
def account_nav(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    return frame.account_nav(request, context.get("csrf_token", "")) if request is not None else SafeString("")


@register.simple_tag(takes_context=True)
def language_switch(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    return frame.language_switch(request, context.get("csrf_token", "")) if request is not None else SafeString("")


@register.simple_tag(takes_context=True)
def area_nav(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    return frame.area_nav(request) if request is not None else SafeString("")
