"""``{% account_nav %}``, ``{% language_switch %}`` and ``{% area_nav %}``: the parts of the page frame written in
Python (``quartier.frame``); template tags of every template (``TEMPLATES`` builtins)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from quartier import frame

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav(context: dict[str, Any]) -> SafeString:
    return frame.account_nav(context["request"], context.get("csrf_token", ""))


@register.simple_tag(takes_context=True)
def language_switch(context: dict[str, Any]) -> SafeString:
    return frame.language_switch(context["request"], context.get("csrf_token", ""))


@register.simple_tag(takes_context=True)
def area_nav(context: dict[str, Any]) -> SafeString:
    return frame.area_nav(context["request"])
