"""The area navigation: written once (templates/area_base.html), its current entry declared once per URL name
(quartier/navigation.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from demo.factories import user_with_role
from quartier.models import Quartier, Role
from quartier.navigation import ENTRIES, section_of
from tests.test_url_permissions import ROUTES

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NAV_ENTRIES = {section for section, _name, _label, _permission in ENTRIES}


def test_every_area_url_belongs_to_an_entry_of_the_navigation() -> None:
    area_routes = [route for route in ROUTES if getattr(route.callback, "required_permission", None)]
    assert len(area_routes) > 50
    missing = [route.name for route in area_routes if section_of(route.name) not in NAV_ENTRIES]
    assert missing == [], "add their URL names to quartier/navigation.py"


def test_pages_outside_an_area_have_no_current_entry() -> None:
    assert section_of("home") is None
    assert section_of("public_funds") is None
    assert section_of(None) is None


def test_only_the_area_base_includes_the_navigation() -> None:
    including = sorted(
        str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if "{% area_nav %}" in path.read_text()
    )
    assert including == ["area_base.html"]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "label"),
    [
        ("organisation_list", {}, "Organisationen"),
        ("contact_list", {}, "Kontaktnotizen"),
        ("dashboard", {}, "Übersicht"),
    ],
)
def test_the_page_marks_its_entry_and_no_other(
    client: Client, area: Quartier, url_name: str, kwargs: dict[str, str], label: str
) -> None:
    client.force_login(user_with_role(area, Role.GEMEINWESENARBEIT))
    html = client.get(reverse(url_name, kwargs={"slug": area.slug, **kwargs})).content.decode()
    nav = html[html.index('<nav class="area-nav"') :]
    nav = nav[: nav.index("</nav>")]
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', nav)
    assert current == [label]


def test_the_navigation_shows_the_entries_the_role_reaches_and_no_other(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.KOORDINATION))
    html = client.get(reverse("dashboard", kwargs={"slug": area.slug})).content.decode()
    nav = html[html.index('<nav class="area-nav"') :]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav[: nav.index("</nav>")])
    assert (f"/gebiet/{area.slug}/", "Übersicht") in links
    assert reverse("report_list", kwargs={"slug": area.slug}) in {url for url, _label in links}
    assert reverse("area_edit", kwargs={"slug": area.slug}) not in {url for url, _label in links}
    assert reverse("contact_list", kwargs={"slug": area.slug}) not in {url for url, _label in links}


def test_area_url_writes_what_reverse_writes() -> None:
    """``{% area_url %}`` reverses each URL name once and puts the slug and ids in: the same URL as ``{% url %}``
    for every area URL of one or two ids, and anything else is reversed as ever."""
    from django.urls import set_script_prefix

    from quartier.navigation import area_url

    checked = 0
    for route in ROUTES:
        if not getattr(route.callback, "required_permission", None):
            continue
        for ids in ((), (7,), (12, 3400), (918273641,)):
            try:
                expected = reverse(route.name, args=["kiez-am-kanal", *ids])
            except Exception:  # noqa: S112  # a URL of another shape: not this number of ids
                continue
            assert area_url(route.name, "kiez-am-kanal", *ids) == expected, (route.name, ids)
            checked += 1
    assert checked > 100
    # Not a slug or not a whole number: reversed as ever (a key, a year as text), or refused as reverse refuses.
    assert area_url("public_survey", "kiez-am-kanal", "ab_c-9") == reverse(
        "public_survey", args=["kiez-am-kanal", "ab_c-9"]
    )
    assert (
        area_url("report_table", "kiez-am-kanal", 2025, "funds", "csv")
        == "/gebiet/kiez-am-kanal/berichte/2025/tabellen/funds.csv"
    )
    with pytest.raises(Exception, match="Reverse"):
        area_url("dashboard", "kiez am kanal")
    set_script_prefix("/quartier/")
    try:
        assert area_url("dashboard", "kiez-am-kanal") == "/quartier/gebiet/kiez-am-kanal/"
    finally:
        set_script_prefix("/")


def test_templates_write_area_urls_with_area_url() -> None:
    """One way to write the link to an area's page: ``{% area_url %}`` (also ``… as name`` for a URL kept in a
    variable)."""
    written = [
        f"{path.relative_to(TEMPLATES)}: {found}"
        for path in TEMPLATES.rglob("*.html")
        for found in re.findall(r"\{% url '[a-z_:]+' area\.slug[ %]", path.read_text())
    ]
    assert written == []
