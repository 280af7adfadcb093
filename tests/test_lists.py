"""The list-page helper (quartier.lists.list_page): filter → selector → export → pagination → whole page or
htmx partial, the same for every list. Shown on the organisation and contact note lists; each list's own
filters are tested with the list."""

from __future__ import annotations

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from actors.filters import OrganisationFilterSet
from actors.models import ContactNote, Organisation
from quartier.models import Quartier, User

PROJECT_APPS = ("actors", "committees", "fonds", "isek", "quartier", "reporting")


@pytest.fixture
def many(area: Quartier) -> list[Organisation]:
    return Organisation.objects.bulk_create(
        Organisation(area=area, name=f"Verein {number:02d}", kind="verein") for number in range(30)
    )


def url(area: Quartier, query: str = "") -> str:
    return f"/gebiet/{area.slug}/organisationen/{query}"


def test_the_list_pages_by_page_with_the_filters_kept_in_the_page_links(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation]
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, "?kind=verein&page=2"))
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 5, 30)
    assert response.context["query"] == "kind=verein"  # without the page
    assert 'href="?kind=verein&amp;page=1"' in response.content.decode()


@pytest.mark.parametrize(("number", "shown"), [("99", 2), ("0", 2), ("zwei", 1), ("", 1), ("-1", 2), ("9" * 30, 2)])
def test_a_page_out_of_range_shows_the_last_and_one_that_is_no_number_the_first(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation], number: str, shown: int
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area), {"page": number})
    assert response.status_code == 200 and response.context["page"].number == shown


def test_an_htmx_request_gets_the_results_only_and_a_plain_one_the_whole_page(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation]
) -> None:
    client.force_login(role_users["koordination"])
    whole = client.get(url(area, "?q=verein"))
    partial = client.get(url(area, "?q=verein"), headers={"HX-Request": "true"})
    assert "<html" in whole.content.decode() and "<html" not in partial.content.decode()
    assert "Verein 00" in partial.content.decode() and '<form class="filters"' not in partial.content.decode()
    assert "HX-Request" in whole["Vary"] and "HX-Request" in partial["Vary"]


def test_the_export_formats_hold_every_filtered_row_not_one_page(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation]
) -> None:
    client.force_login(role_users["koordination"])
    csv_response = client.get(url(area, "?kind=verein&export=csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"] == f'attachment; filename="organisationen-{area.slug}.csv"'
    assert len(csv_response.content.decode("utf-8-sig").strip().splitlines()) == 31  # the header and 30 rows
    xlsx_response = client.get(url(area, "?q=verein&export=xlsx"))
    assert xlsx_response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 31
    unknown = client.get(url(area, "?export=pdf"))  # not a format: the page
    assert unknown.status_code == 200 and unknown["Content-Type"].startswith("text/html")


def test_a_bad_filter_value_is_ignored_and_the_bar_says_so_in_german(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation]
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, "?kind=gibt-es-nicht&network=abc"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 30
    html = response.content.decode()
    assert "Diese Filter wurden nicht angewandt:" in html
    assert "<li>Art: Bitte eine gültige Auswahl treffen. gibt-es-nicht ist keine gültige Auswahl.</li>" in html
    assert "<li>Netzwerk: Bitte eine gültige Auswahl treffen." in html


def test_an_export_with_a_bad_filter_is_refused_rather_than_holding_more_than_asked(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    ContactNote.objects.create(area=area, staff=role_users["gwa"], date=today, topic="Beratung")
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/kontakte/?date_from=kein-Datum&export=csv")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Diese Filter wurden nicht angewandt:" in response.content.decode()
    assert client.get(f"/gebiet/{area.slug}/kontakte/?date_from={today.isoformat()}&export=csv").status_code == 200


def test_no_view_pages_a_list_itself() -> None:
    """Every list goes through ``list_page``: no view module takes a page of a paginator itself."""
    root = Path(settings.BASE_DIR)
    modules = [path for app in PROJECT_APPS for path in (root / app).rglob("*.py") if "views" in path.parts[-2:]]
    modules += [root / app / "views.py" for app in PROJECT_APPS if (root / app / "views.py").exists()]
    assert len(modules) > 10
    pagers = [
        f"{path.relative_to(root)}:{node.lineno}"
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "get_page"
    ]
    assert pagers == []


def test_the_filter_bar_puts_a_checkbox_before_its_label_and_keeps_the_search_words(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    html = client.get(f"/gebiet/{area.slug}/kontakte/?q=%3Cb%3EHof&open=on").content.decode()
    assert '<div class="field field--checkbox"><input type="checkbox" name="open"' in html
    assert 'id="id_open" checked> <label for="id_open">' in html
    assert 'id="id_q" value="&lt;b&gt;Hof"' in html
    assert '<label for="id_staff">' in html and '<select name="staff" id="id_staff">' in html


def test_each_filter_set_filters_with_its_own_copies_of_the_filters(area: Quartier, many: list[Organisation]) -> None:
    """A FilterSet copies its filters for each request (lightly: quartier.filters): each copy's method is its own
    FilterSet's, and nothing set on a copy reaches the class's filters or another request's."""
    first = OrganisationFilterSet({"q": "Verein 01"}, queryset=Organisation.objects.filter(area=area), area=area)
    second = OrganisationFilterSet({"q": "Verein 02"}, queryset=Organisation.objects.filter(area=area), area=area)
    assert [org.name for org in first.qs] == ["Verein 01"] and [org.name for org in second.qs] == ["Verein 02"]
    for name, base in OrganisationFilterSet.base_filters.items():
        one, other = first.filters[name], second.filters[name]
        assert one is not base and one is not other and one.extra is not base.extra
        assert one.parent is first and other.parent is second and not hasattr(base, "parent")
        if base.method is not None:
            assert one.filter.f is one and other.filter.f is other and base.filter.f is base
    first.filters["kind"].extra["help_text"] = "nur hier"
    assert "help_text" not in OrganisationFilterSet.base_filters["kind"].extra
    assert "help_text" not in second.filters["kind"].extra


def test_the_pagination_links_both_ways_in_the_middle_and_says_where_it_stands(
    client: Client, area: Quartier, role_users: dict[str, User], many: list[Organisation]
) -> None:
    Organisation.objects.bulk_create(Organisation(area=area, name=f"Verein {n}", kind="verein") for n in range(30, 60))
    client.force_login(role_users["koordination"])
    html = client.get(url(area, "?q=verein&kind=verein&page=2")).content.decode()
    nav = html[html.index('<nav class="pagination" aria-label="Seiten">') :]
    nav = nav[: nav.index("</nav>")]
    assert '<a href="?q=verein&amp;kind=verein&amp;page=1" rel="prev"' in nav
    assert 'hx-get="?q=verein&amp;kind=verein&amp;page=3" hx-target="#results" hx-push-url="true">' in nav
    assert "<span>Seite 2 von 3</span>" in nav
    first = client.get(url(area, "?page=1")).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    one = client.get(url(area, "?q=Verein%2000")).content.decode()
    assert 'class="pagination"' not in one  # one page: no pagination


def test_the_filter_bar_folds_its_filters_until_one_is_set(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["koordination"])
    plain = client.get(url(area, "?q=%22verein%22")).content.decode()
    assert '<details class="filters__more">\n    <summary>Filter</summary>' in plain
    assert 'value="&quot;verein&quot;"' in plain  # the search words, escaped
    narrowed = client.get(url(area, "?kind=verein")).content.decode()
    assert '<details class="filters__more" open>' in narrowed
    assert f'action="/gebiet/{area.slug}/organisationen/"' in narrowed
