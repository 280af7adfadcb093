"""The parts of every page's frame that change with the person and the page, written in Python: the area switcher
and the account links, the language switch and the area navigation (``templates/base.html`` and
``area_base.html`` place them with ``{% account_nav %}``, ``{% language_switch %}`` and ``{% area_nav %}``).

They are on every page, so they are written as ``quartier.display.HtmlPattern``s filled once per request instead
of by the template engine, whose loops, includes, ``{% url %}`` and ``{% translate %}`` tags were about half of an
empty area page's template (issue #16, ``benchmarks/README.md``). Nothing here is kept between requests but the
URLs and the navigation's labels in each language, which are the same for everyone; every other text is translated
and escaped on every call, as the templates did.
"""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from quartier.display import HtmlPattern, escape_text, joined
from quartier.languages import language_choices
from quartier.navigation import ENTRIES, area_url, section_of
from quartier.permissions import committee_member_ids
from quartier.selectors import memberships_of_cached

AREA_NAV = HtmlPattern('<nav class="area-nav" aria-label="{label}">\n  <ul>\n{entries}  </ul>\n</nav>')
CURRENT_PAGE = mark_safe(' aria-current="page"')  # constant  # nosec B308, B703

SWITCHER = HtmlPattern(
    '<form class="area-switcher" method="get" action="{action}">\n'
    '  <label for="area-switcher-select">{label}</label>\n'
    '  <select id="area-switcher-select" name="area">\n{options}  </select>\n'
    '  <button type="submit">{button}</button>\n'
    "</form>\n"
)
CHOOSE = HtmlPattern('    <option value="" selected disabled>{label}</option>\n')
AREA_OPTION = HtmlPattern('    <option value="{slug}"{selected}>{name}</option>\n')
SELECTED = mark_safe(" selected")  # constant  # nosec B308, B703
AREA_NAME = HtmlPattern('<p class="area-name">{name}</p>\n')

ACCOUNT = HtmlPattern(
    '<nav class="user-nav" aria-label="{label}">\n'
    '  <span class="user-nav__name">{name}</span>\n'
    "{links}"
    '  <form method="post" action="{logout}">\n'
    '    <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">\n'
    '    <button type="submit" class="link-button">{log_out}</button>\n'
    "  </form>\n"
    "</nav>\n"
)
ACCOUNT_LINK = HtmlPattern('  <a href="{url}">{label}</a>\n')

LANGUAGES = HtmlPattern(
    '<form class="language-switch" method="post" action="{action}" aria-label="{label}">\n'
    '  <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">\n'
    '  <input type="hidden" name="next" value="{next}">\n'
    '  <ul class="language-switch__list">\n{choices}  </ul>\n'
    "</form>\n"
)
LANGUAGE = HtmlPattern(
    '    <li><button type="submit" class="link-button language-switch__choice" name="language" value="{code}"'
    ' lang="{code}"{current}>{name}</button></li>\n'
)
CURRENT_LANGUAGE = mark_safe(' aria-current="true"')  # constant  # nosec B308, B703


def site_url(name: str) -> str:
    """``reverse(name)`` for a URL without arguments, once per process (and script prefix)."""
    return _site_url(name, get_script_prefix())


@functools.cache
def _site_url(name: str, prefix: str) -> str:
    return reverse(name)


def area_nav(request: HttpRequest) -> SafeString:
    """The navigation of the page's area (``quartier.navigation.ENTRIES``): the entries the person may reach, the
    page's own (by its URL name) marked as the current page."""
    area = getattr(request, "area", None)
    entries = ""
    if area is not None:
        perms = request.area_perms  # type: ignore[attr-defined]  # set with the area
        match = request.resolver_match
        section = section_of(match.url_name if match else None)
        entries = "".join(
            f'    <li><a href="{escape_text(area_url(name, area.slug))}"{CURRENT_PAGE if key == section else ""}>'
            f"{label}</a></li>\n"
            for (key, name, _label, needed), label in zip(ENTRIES, _entry_labels(get_language()), strict=True)
            if needed is None or needed in perms
        )
    return AREA_NAV(label=_("Area"), entries=mark_safe(entries))  # noqa: S308  # escaped  # nosec B308, B703


@functools.cache
def _entry_labels(language: str | None) -> tuple[str, ...]:
    """The navigation's labels in ``language``, escaped: translated once per process, like the URLs."""
    with override(language):
        return tuple(escape_text(str(label)) for _key, _name, label, _needed in ENTRIES)


def account_nav(request: HttpRequest, csrf_token: object) -> SafeString:
    """For a signed-in person: the area switcher (their areas, the page's one chosen; only the area's name when
    they work in one), their name and the links of their account, and the form that signs them out."""
    user = request.user
    area = getattr(request, "area", None)
    memberships = memberships_of_cached(user)  # type: ignore[arg-type]  # signed in
    if len(memberships) > 1:
        options = [] if area is not None else [CHOOSE(label=_("Choose an area"))]
        options += [
            AREA_OPTION(
                slug=membership.area.slug,
                selected=SELECTED if area is not None and membership.area.pk == area.pk else "",
                name=membership.area.name,
            )
            for membership in memberships
        ]
        switcher = SWITCHER(
            action=site_url("area_switch"), label=_("Area"), options=joined(options), button=_("Switch")
        )
    elif area is not None:
        switcher = AREA_NAME(name=area.name)
    else:
        switcher = ""
    links = []
    if committee_member_ids(user):
        links.append(ACCOUNT_LINK(url=site_url("my_ballots"), label=_("My ballots")))
    links.append(ACCOUNT_LINK(url=site_url("mail_choices"), label=_("Mails")))
    links.append(ACCOUNT_LINK(url=site_url("two_factor_setup"), label=_("Security")))
    if user.is_staff:
        links.append(ACCOUNT_LINK(url=site_url("admin:index"), label=_("Administration")))
    account = ACCOUNT(
        label=_("Account"),
        name=user.get_display_name(),  # type: ignore[union-attr]  # signed in
        links=joined(links),
        logout=site_url("logout"),
        csrf_token=csrf_token,
        log_out=_("Log out"),
    )
    return joined([switcher, account])


def language_switch(request: HttpRequest, csrf_token: object) -> SafeString:
    """The language switch (``quartier.languages``): a form of buttons that works with the keyboard and without
    JavaScript and goes back to the page it was used on."""
    choices = joined(
        LANGUAGE(code=choice["code"], current=CURRENT_LANGUAGE if choice["current"] else "", name=choice["name"])
        for choice in language_choices(request)
    )
    return LANGUAGES(
        action=site_url("set_language"),
        label=_("Language"),
        csrf_token=csrf_token,
        next=request.get_full_path(),
        choices=choices,
    )
