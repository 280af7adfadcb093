"""The page frame's parts written in Python (quartier.frame): what they show to whom, escaped as the templates
escaped it, and the static files' URLs found once per process (quartier.static_files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse

from demo.factories import QuartierFactory, UserFactory, user_with_role
from quartier.models import Quartier, Role
from quartier.navigation import ENTRIES
from quartier.services import role_grant
from quartier.static_files import StaticFilesStorage


def _part(html: str, start: str, end: str) -> str:
    part = html[html.index(start) :]
    return part[: part.index(end) + len(end)]


def test_names_of_people_and_areas_are_escaped_in_the_switcher_and_the_account_links(
    client: Client, area: Quartier
) -> None:
    other = QuartierFactory(slug="zweites", name='<i>Kiez</i> & "Co"')
    user = user_with_role(area, Role.GEMEINWESENARBEIT, display_name="<script>alert(1)</script> Ann")
    role_grant(user=user, area=other, role=Role.PLANUNG, by=None)
    client.force_login(user)
    html = client.get(reverse("dashboard", args=[area.slug])).content.decode()
    switcher = _part(html, '<form class="area-switcher"', "</form>")
    assert '<option value="zweites">&lt;i&gt;Kiez&lt;/i&gt; &amp; &quot;Co&quot;</option>' in switcher
    assert '<option value="kiez-am-kanal" selected>Kiez am Kanal</option>' in switcher
    assert "Gebiet wählen" not in switcher  # the page's area is chosen already
    account = _part(html, '<nav class="user-nav"', "</nav>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ann" in account
    assert "<script>" not in html


def test_outside_an_area_the_switcher_asks_for_one(client: Client, area: Quartier, other_area: Quartier) -> None:
    user = user_with_role(area, Role.STEUERUNG)
    role_grant(user=user, area=other_area, role=Role.STEUERUNG, by=None)
    client.force_login(user)
    html = client.get(reverse("mail_choices")).content.decode()
    switcher = _part(html, '<form class="area-switcher"', "</form>")
    assert '<option value="" selected disabled>Gebiet wählen</option>' in switcher
    assert " selected>" not in switcher.replace("selected disabled>", "")


def test_one_area_is_named_instead_of_a_switcher(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    html = client.get(reverse("dashboard", args=[area.slug])).content.decode()
    assert '<p class="area-name">Kiez am Kanal</p>' in html
    assert "area-switcher" not in html


def test_account_links_follow_the_person(client: Client, area: Quartier) -> None:
    staff = user_with_role(area, Role.STEUERUNG, is_staff=True)
    client.force_login(staff)
    account = _part(client.get(reverse("mail_choices")).content.decode(), '<nav class="user-nav"', "</nav>")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', account)
    assert links == [
        (reverse("mail_choices"), "E-Mails"),
        (reverse("two_factor_setup"), "Sicherheit"),
        (reverse("admin:index"), "Administration"),
    ]
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{64}"', account)
    client.force_login(UserFactory())  # no area, no committee, not staff
    account = _part(client.get(reverse("mail_choices")).content.decode(), '<nav class="user-nav"', "</nav>")
    assert [label for _url, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', account)] == ["E-Mails", "Sicherheit"]


def test_the_area_navigation_shows_what_the_role_reaches_in_its_order(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.KOORDINATION))
    html = client.get(reverse("dashboard", args=[area.slug])).content.decode()
    nav = _part(html, '<nav class="area-nav" aria-label="Gebiet">', "</nav>")
    entries = re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', nav)
    assert entries[0] == (reverse("dashboard", args=[area.slug]), ' aria-current="page"', "Übersicht")
    assert [current for _url, current, _label in entries[1:]] == [""] * (len(entries) - 1)
    names = {reverse(name, args=[area.slug]): name for _key, name, _label, _needed in ENTRIES}
    shown = [names[url] for url, _current, _label in entries]
    assert shown == [name for _key, name, _label, _needed in ENTRIES if name in shown]  # the declared order
    assert "area_edit" not in shown  # the coordinator reads; the area's profile is the steering's


def test_the_navigation_speaks_the_page_language(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.STEUERUNG))
    client.cookies["quartier_language"] = "en"
    html = client.get(reverse("dashboard", args=[area.slug])).content.decode()
    nav = _part(html, '<nav class="area-nav" aria-label="Area">', "</nav>")
    assert ">Overview</a>" in nav
    assert ">Contact notes</a>" in nav
    client.cookies["quartier_language"] = "de"
    html = client.get(reverse("dashboard", args=[area.slug])).content.decode()
    assert ">Kontaktnotizen</a>" in _part(html, '<nav class="area-nav"', "</nav>")


def test_the_language_switch_goes_back_to_the_page_escaped(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.STEUERUNG))
    html = client.get(reverse("organisation_list", args=[area.slug]) + "?q=a&page=1").content.decode()
    switch = _part(html, '<form class="language-switch"', "</form>")
    assert 'name="next" value="/gebiet/kiez-am-kanal/organisationen/?q=a&amp;page=1"' in switch
    assert re.findall(r'value="(\w\w)" lang="\1"( aria-current="true")?>', switch) == [
        ("de", ' aria-current="true"'),
        ("en", ""),
    ]


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}, "hash": "x"})
    )
    return tmp_path


@override_settings(STATIC_URL="/static/")
def test_a_static_file_url_is_found_once_and_the_same(manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = StaticFilesStorage(location=str(manifest), base_url="/static/")
    for _ in range(2):  # a missing file is never kept as found
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    asked: list[str] = []
    monkeypatch.setattr(storage, "stored_name", lambda name: asked.append(name) or name)
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert asked == []  # kept from the first time
    assert storage.url("css/site.css", force=True) == "/static/css/site.css"  # collectstatic's way: not kept
    assert asked == ["css/site.css"]


def test_the_frame_renders_without_a_request(area: Quartier) -> None:
    html = render_to_string("area_base.html", {"area": area})  # no request: no switchers, no navigation
    assert "<main" in html
    assert "language-switch" not in html and "user-nav" not in html and 'class="area-nav"' not in html
