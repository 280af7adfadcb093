"""The ISEK's own tabs above each of its pages, the version picker and the state of the version shown, written in
Python (``{% isek_tabs "measures" %}``, ``isek/templatetags/isek_tabs.py``): they stand on every ISEK page, where
the template engine's six links and conditions cost about a tenth of the measures page's template (the page
frame's parts are written so too: ``quartier.frame``)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isek.models import Version
from quartier.display import HtmlPattern, joined, sentence
from quartier.frame import CURRENT_PAGE, SELECTED
from quartier.navigation import area_url

#: The tabs in their order: the name ``active`` gives, the URL name, the label, whether the link keeps the version.
TABS: tuple[tuple[str, str, Promise, bool], ...] = (
    ("goals", "isek_home", gettext_lazy("Versions and goals"), True),
    ("measures", "measure_list", gettext_lazy("Measures"), True),
    ("timeline", "isek_timeline", gettext_lazy("Timeline"), True),
    ("financing", "isek_financing", gettext_lazy("Financing"), True),
    ("indicators", "indicator_list", gettext_lazy("Indicators"), True),
    ("compare", "version_compare", gettext_lazy("Comparison"), False),
)

NAV = HtmlPattern('<nav class="sub-nav" aria-label="{label}">\n  <ul>\n{tabs}  </ul>\n</nav>\n')
TAB = HtmlPattern('    <li><a href="{url}"{current}>{label}</a></li>\n')
PICKER = HtmlPattern(
    '<form class="version-picker" method="get">\n'
    '  <label for="version">{label}</label>\n'
    '  <select name="version" id="version">\n{options}  </select>\n'
    '  <button type="submit" class="button button--small">{button}</button>\n'
    "</form>\n"
)
OPTION = HtmlPattern('    <option value="{pk}"{selected}>{label} ({status})</option>\n')
ADOPTED = HtmlPattern('<p class="version-state"><span class="tag">{tag}</span> {sentence}</p>')
DRAFT = HtmlPattern('<p class="version-state"><span class="tag tag--warning">{tag}</span> {sentence}</p>')


def isek_tabs(context: Any, active: str, *, plain: bool = False) -> SafeString:
    """The tabs of the ISEK page ``active`` (a name of ``TABS``) for the template's ``context`` (``area``,
    ``version_query``, ``versions``, ``version_options``, ``version``: ``isek.views._version_context``); with
    ``plain`` neither the version picker nor the version's state (a measure's page, the comparison)."""
    slug = context["area"].slug
    query = context.get("version_query") or ""
    tabs = joined(
        TAB(
            url=area_url(name, slug) + ("?" + query if query and keep else ""),
            current=CURRENT_PAGE if key == active else "",
            label=label,
        )
        for key, name, label, keep in TABS
    )
    parts = [NAV(label=_("ISEK"), tabs=tabs)]
    if plain:
        return joined(parts)
    versions = context.get("versions") or []
    if len(versions) > 1:
        options = joined(
            OPTION(
                pk=option["pk"],
                selected=SELECTED if option["selected"] else "",
                label=option["label"],
                status=option["status"],
            )
            for option in context.get("version_options") or []
        )
        parts.append(PICKER(label=_("Version"), options=options, button=_("Show")))
    version: Version | None = context.get("version")
    if version:
        if version.status == Version.Status.ADOPTED:
            on = date_format(version.adopted_on, "j. F Y") if version.adopted_on else ""
            adopted = sentence(_("adopted on %(on)s by %(body)s; read only"), on=on, body=version.adopted_by)
            parts.append(ADOPTED(tag=_("Adopted"), sentence=adopted))
        else:
            parts.append(DRAFT(tag=_("Draft"), sentence=_("Changes are saved into this draft.")))
    return joined(parts)
