"""The list page, written once: filter → selector → export → pagination → the whole page or, for htmx, its results.

Every list view is the same few steps::

    @require_GET
    @area_view(permissions.VIEW_ACTORS)
    def organisation_list(request, area):
        filterset = OrganisationFilterSet(request.GET, queryset=organisations_for(area), area=area)
        return list_page(
            request,
            template="actors/organisation_list.html",
            filterset=filterset,
            export=lambda rows, fmt: organisations_export(rows, area=area, fmt=fmt),
            context={"area": area},
        )

The selector decides what the user may see (the area, what their role shows); the FilterSet (``*/filters.py``)
narrows it by the query string; ``list_page`` does the rest. The template extends ``templates/list_page.html``
and gets ``form`` (the filter bar), ``page``, ``query`` (the query string without the page, for the page links),
``list_title`` and ``downloads`` (the links "CSV, XLSX" of the list's formats).

A list read on every visit of a busy area can read its page in two steps (``read_page``): the number of its rows
and the ids of the page's rows from the filtered and sorted rows (one query on the table alone), then those rows
with everything the list shows by a selector that gets the ids, in one prepared query compiled once per process
(``quartier.selectors.CompiledLists``): building the SQL of a list's rows cost more than running it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import django_filters
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.display import HtmlPattern, escape_text, sentence
from quartier.exports import FORMATS

#: The query parameters every list understands: the page number and the export format.
PAGE = "page"
EXPORT = "export"

#: Rows on one page of a list.
PAGE_SIZE = 25


def query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string without the parameters ``names`` (for links that set them anew)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def export_format(request: HttpRequest, formats: Collection[str] = FORMATS) -> str | None:
    """The download ``?export=`` asks for, if it is one of ``formats``. ``list_page`` reads it so; a page that shows
    its rows whole (grouped by year, as a tree) and offers a download reads it here too."""
    fmt = request.GET.get(EXPORT)
    return fmt if fmt in formats else None


def list_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    filterset: django_filters.FilterSet | None = None,
    rows: QuerySet[Any] | None = None,
    shown: Callable[[Any], Any] | None = None,
    export: Callable[[Any, str], HttpResponse] | None = None,
    formats: Collection[str] = FORMATS,
    read_page: Callable[[list[int]], Iterable[Any]] | None = None,
    page_context: Callable[[Page], dict[str, Any]] | None = None,
    title: str = "",
    page_size: int = PAGE_SIZE,
    paginator_class: type[Paginator] = Paginator,
) -> HttpResponse:
    """The list page of ``rows`` narrowed by ``filterset`` (give one of the two): with ``?export=<format>`` (one
    of ``formats``) the download ``export(rows, format)`` makes; otherwise the page ``?page=`` of ``shown(rows)``
    (the rows the table reads, in its order; default: the rows themselves) in ``template``, whole or, for htmx,
    its results; ``page_context(page)`` adds what the template needs of the page's rows. With ``read_page``
    the page's rows are ``read_page(ids)`` for the ids of the page's rows of ``shown(rows)`` instead (in their
    order; an id it does not return is left out; rows are models or dicts with "pk").

    ``template`` extends ``list_page.html`` (the skeleton every list shares; ``title`` names the list) and is sent
    whole, or for htmx only its results.

    A filter value that is not valid (a date out of range, an unknown choice) is left out of the list, and the
    filter bar says why; an export is refused then (400, the page with the message) rather than holding more
    than was asked for. A page number out of range shows the last page, one that is not a number the first."""
    if filterset is not None:
        rows = filterset.qs
        context = {**context, "form": filterset.form}
    if rows is None:
        raise TypeError("list_page needs rows or a filterset")
    status = 200
    fmt = export_format(request, formats)
    if export is not None and fmt is not None:
        if filterset is None or not filterset.form.errors:
            return export(rows, fmt)
        status = 400
    listed = shown(rows) if shown is not None else rows
    if read_page is not None:
        page = _page_of_ids(paginator_class(listed.values_list("pk", flat=True), page_size), request.GET.get(PAGE))
        ids = list(page.object_list)
        found = {row["pk"] if isinstance(row, dict) else row.pk: row for row in read_page(ids)} if ids else {}
        page.object_list = [found[pk] for pk in ids if pk in found]
    else:
        page = paginator_class(listed, page_size).get_page(request.GET.get(PAGE))
    query = query_without(request, PAGE, EXPORT)
    context = {
        **context,
        "page": page,
        "query": query,
        "list_title": title,
        "downloads": downloads(query, formats) if export is not None else [],
    }
    if page_context is not None:
        context.update(page_context(page))
    context["pagination"] = pagination(page, query)
    context["results_only"] = bool(request.htmx)  # type: ignore[attr-defined]  # django-htmx's middleware
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


PAGES = HtmlPattern(
    '<nav class="pagination" aria-label="{label}">\n  {previous}\n  <span>{where}</span>\n  {next}\n</nav>\n'
)
PAGE_LINK = HtmlPattern(
    '<a href="?{query}page={number}" rel="{rel}" hx-get="?{query}page={number}" hx-target="{target}"'
    ' hx-push-url="true">{label}</a>'
)


def pagination(page: Page, query: str, target: str = "#results") -> SafeString:
    """The links to the pages before and after ``page`` (keeping the list's ``query``; htmx swaps ``target``) and
    where it stands; nothing when the list has one page. In Python, as the rows: on every list page."""
    if not page.has_other_pages():
        return SafeString("")
    kept = SafeString(escape_text(query) + "&amp;") if query else ""  # escaped  # nosec B703

    def link(number: int, rel: str, label: str) -> SafeString:
        return PAGE_LINK(query=kept, number=number, rel=rel, target=target, label=label)

    return PAGES(
        label=_("Pages"),
        previous=link(page.previous_page_number(), "prev", _("Previous page")) if page.has_previous() else "",
        where=sentence(_("Page %(number)s of %(count)s"), number=page.number, count=page.paginator.num_pages),
        next=link(page.next_page_number(), "next", _("Next page")) if page.has_next() else "",
    )


_MAX_OFFSET = 2**62


def _page_of_ids(paginator: Paginator, number: str | None) -> Page:
    """``paginator.get_page(number)`` for a paginator of ids (a ``values_list`` queryset), with the count of the
    rows and the ids of the page asked for read in one query: ``SELECT (SELECT COUNT(*) …), ARRAY(… LIMIT …)``
    (PostgreSQL counts as for ``COUNT(*)`` alone and stops the sorted rows after the page, as for the page alone).
    Only a page out of range (the last page is shown then) costs a second query, for the ids of that page."""
    ids = paginator.object_list
    try:
        asked = int(number)  # as Paginator.validate_number reads it; anything else shows the first page
    except (TypeError, ValueError):
        asked = 1
    asked = max(asked, 1)
    offset = (asked - 1) * paginator.per_page
    if offset > _MAX_OFFSET:  # beyond any list (and PostgreSQL's bigint): the last page is read after the count
        offset = 0
    connection = connections[ids.db]
    try:
        count_sql, count_params = ids.order_by().query.get_compiler(connection=connection).as_sql()
        page_sql, page_params = (
            ids[offset : offset + paginator.per_page + paginator.orphans]
            .query.get_compiler(connection=connection)
            .as_sql()
        )
    except EmptyResultSet:  # a filter that matches nothing, known without asking (``pk__in=[]``)
        count, found = 0, []
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({count_sql}) AS listed), ARRAY({page_sql})",  # noqa: S608  # compiled by Django, parameters apart  # nosec B608
                (*count_params, *page_params),
            )
            count, found = cursor.fetchone()
    paginator.count = count  # what Paginator would ask for itself (a cached property)
    page = paginator.get_page(number)
    if page.number == asked:
        bottom = (page.number - 1) * paginator.per_page
        page.object_list = found[: page.end_index() - bottom]
    return page


#: How the result count names a download; a format not named here is named by its own name in capitals.
DOWNLOAD_LABELS = {"vcf": gettext_lazy("vCard (address book)")}


def downloads(query: str, formats: Collection[str]) -> list[tuple[str, str]]:
    """The links "Download: CSV, XLSX" of a list: each format's label and the query string that asks for it
    (``query``, the list's query string without page and export, and ``export=<format>``)."""
    prefix = f"{query}&" if query else ""
    return [(str(DOWNLOAD_LABELS.get(fmt, fmt.upper())), f"{prefix}{EXPORT}={fmt}") for fmt in formats]
