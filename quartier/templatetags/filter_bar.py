"""``{% filter_bar form action="…" target="#results" collapse=True %}``: the search and filter bar above a list
(``quartier.forms.QuickFilterForm.bar``), keeping the context's ``keep`` pairs as hidden inputs."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_bar(context: Any, form: Any, action: str, target: str = "#results", collapse: bool = False) -> SafeString:
    return form.bar(action=action, target=target, keep=context.get("keep") or (), collapse=collapse)
