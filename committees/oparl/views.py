"""The OParl 1.1 API (read-only, public): ``/oparl/v1/``.

Every answer is JSON with ``Access-Control-Allow-Origin: *`` (these answers only), an ``ETag`` and, where the
objects have times, ``Last-Modified``; a request that names them back (``If-None-Match`` /
``If-Modified-Since``) gets 304. Lists come in pages (``page``) with ``links`` and ``pagination`` and take the
filters ``created_since``, ``created_until``, ``modified_since`` and ``modified_until`` (ISO 8601; a malformed
one is refused with 400 and says why). Objects that are gone appear in their lists and at their address as
tombstones (``deleted: true``). Each list and object costs a fixed number of queries, whatever the data.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.functional import Promise
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from committees.models import Committee, Tombstone
from committees.oparl import selectors, serializers
from committees.oparl.files import document_pdf
from committees.oparl.serializers import FILE_KINDS, PAPER_KINDS, Links, Obj
from quartier.decorators import public_view
from quartier.models import Quartier
from quartier.net import on_site

#: Objects on one page of a list.
PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class Refused(Exception):
    """A request the API answers with an error object: ``status`` and a message that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _error(refused: Refused) -> HttpResponse:
    body = json.dumps({"error": refused.message}, ensure_ascii=False)
    return _cors(HttpResponse(body, status=refused.status, content_type="application/json; charset=utf-8"))


def _preflight() -> HttpResponse:
    """The answer to a browser's CORS preflight: any site may read, also conditionally."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return _cors(response)


def oparl_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view of the API: anyone may read it (GET and HEAD, and the CORS preflight), and a refusal is a JSON error
    object."""
    readable = require_safe(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        try:
            return readable(request, *args, **kwargs)
        except Refused as refused:
            return _error(refused)

    return public_view(wrapped)


def _modified(data: Iterable[Obj]) -> datetime.datetime | None:
    times = [datetime.datetime.fromisoformat(obj["modified"]) for obj in data if "modified" in obj]
    return max(times) if times else None


def respond(request: HttpRequest, payload: Obj, modified: datetime.datetime | None) -> HttpResponse:
    """``payload`` as JSON, with its ETag (of the body) and Last-Modified: 304 when the client has it already."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    last_modified = int(modified.timestamp()) if modified is not None else None
    fresh = HttpResponse(body, content_type="application/json; charset=utf-8")
    response = get_conditional_response(request, etag=etag, last_modified=last_modified, response=fresh) or fresh
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return _cors(response)


def _moment(name: str, value: str) -> datetime.datetime:
    # An offset's "+" arrives as a space when a client did not encode it ("…T10:00:00 01:00").
    text = re.sub(r"\s(\d{2}(?::?\d{2})?)$", r"+\1", value.strip()) if "T" in value else value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise Refused(
            400,
            _("%(name)s must be a date and time in ISO 8601, e.g. 2026-01-31T18:00:00+01:00; “%(value)s” is not.")
            % {"name": name, "value": value[:40]},
        ) from None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # the office's time (Europe/Berlin)
        moment.astimezone(datetime.UTC)  # the database compares in UTC: the moment must have one
    except (OverflowError, ValueError):
        raise Refused(400, _("%(name)s lies outside the times this list knows.") % {"name": name}) from None
    return moment


def window_of(request: HttpRequest) -> selectors.Window:
    """The list's filters from the query, each checked."""
    values = {name: _moment(name, request.GET[name]) for name in FILTERS if request.GET.get(name, "") != ""}
    return selectors.Window(**values)


#: A number in a query or an address: ASCII digits only (``str.isdigit`` also takes "²" and "١", which ``int``
#: refuses or reads as another object's key), and few enough that ``int`` reads them and the database compares them.
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits (at most 18), else None."""
    return int(text) if WHOLE_NUMBER.fullmatch(text) else None


def page_of(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    page = whole_number(raw)
    if page is None or page < 1:
        raise Refused(400, _("page must be a whole number from 1; “%(value)s” is not.") % {"value": raw[:20]})
    return page


@dataclass
class Source:
    """One part of a list: its rows (a queryset, filtered by the window here, or rows filtered already) and how
    each row becomes objects. ``prepare`` reads what the rows of a page need besides (one query)."""

    rows: QuerySet[Any] | Sequence[Any]
    serialize: Callable[[Any], list[Obj]]
    prepare: Callable[[list[Any]], None] = field(default=lambda rows: None)


def list_response(request: HttpRequest, url: str, sources: list[Source], *, per_row: int = 1) -> HttpResponse:
    """A page of the list at ``url`` drawn from ``sources`` one after the other (the objects, then their
    tombstones): two queries a source, whatever the page and the data."""
    window = window_of(request)
    page = page_of(request)
    size = PAGE_SIZE // per_row
    filtered: list[QuerySet[Any] | Sequence[Any]] = [
        source.rows.filter(window.q()) if isinstance(source.rows, QuerySet) else source.rows for source in sources
    ]
    counts = [rows.count() if isinstance(rows, QuerySet) else len(rows) for rows in filtered]
    total = sum(counts)
    pages = max(1, math.ceil(total / size))
    if page > pages:
        raise Refused(404, _("This list has %(pages)s pages.") % {"pages": pages})
    offset = (page - 1) * size
    data: list[Obj] = []
    before = 0
    taken = 0
    for source, rows, count in zip(sources, filtered, counts, strict=True):
        skip = max(0, offset - before)
        chunk = list(rows[skip : skip + size])  # a query even when empty: the count stays the same on every page
        chunk = chunk[: size - taken]
        source.prepare(chunk)
        for row in chunk:
            data.extend(source.serialize(row))
        taken += len(chunk)
        before += count
    params = {name: request.GET[name] for name in FILTERS if request.GET.get(name, "") != ""}

    def link(number: int) -> str:
        return url + "?" + urlencode({**params, "page": number})

    links = {"first": link(1), "last": link(pages), "self": link(page)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    payload = {
        "data": data,
        "pagination": {
            "totalElements": total * per_row,
            "elementsPerPage": size * per_row,
            "currentPage": page,
            "totalPages": pages,
        },
        "links": links,
    }
    return respond(request, payload, _modified(data))


def _area(body_pk: int) -> Quartier:
    area = selectors.area_of(body_pk)
    if area is None:
        raise Refused(404, _("This body does not exist."))
    return area


def _one(request: HttpRequest, obj: Obj | None, *, what: str) -> HttpResponse:
    if obj is None:
        raise Refused(404, _("Not found: %(what)s.") % {"what": what})
    return respond(request, obj, _modified([obj]))


def _gone(links: Links, kind: str, key: int) -> Obj | None:
    """The tombstone of the object ``kind`` ``key`` of the body of ``links``, if it is gone."""
    row = selectors.tombstone_of(kind, key)
    return serializers.tombstone(links, row) if row is not None and row.area_id == links.area_pk else None


def _tombstones(links: Links, area: Quartier, kind: str) -> Source:
    return Source(selectors.tombstones(area, kind), lambda row: [serializers.tombstone(links, row)])


def _one_obj(value: Obj) -> list[Obj]:
    return [value]


# -- System and bodies -------------------------------------------------------------------------------------------


@oparl_view
def system(request: HttpRequest) -> HttpResponse:
    return respond(request, serializers.system(), None)


def _body(area: Quartier, committees: list[Committee]) -> Obj:
    terms = serializers.legislative_terms(area, committees)
    return serializers.body(area, terms, serializers.terms_modified(area, committees))


@oparl_view
def bodies(request: HttpRequest) -> HttpResponse:
    committees_of: dict[int, list[Committee]] = {}

    def prepare(areas: list[Quartier]) -> None:
        for committee in selectors.committee_terms_of([area.pk for area in areas]):
            committees_of.setdefault(committee.area_id, []).append(committee)

    source = Source(selectors.areas(), lambda area: [_body(area, committees_of.get(area.pk, []))], prepare=prepare)
    return list_response(request, on_site(request.path), [source])


@oparl_view
def body(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    return _one(request, _body(area, list(selectors.committee_terms(area))), what=_("body"))


# -- Lists of a body ---------------------------------------------------------------------------------------------


# -- The types whose objects that are gone stay as tombstones: a list and an object each, declared once ----------


@dataclass(frozen=True)
class Listed:
    """An OParl type read by one selector of the area, its objects that are gone kept as tombstones of ``kind``."""

    path: str  # its part of the address: "person"
    rows: Callable[[Quartier], QuerySet[Any]]
    serialize: Callable[[Links, Any, Quartier], Obj]
    kind: str  # a Tombstone.Kind
    what: Promise  # its name in a refusal


def list_view(listed: Listed) -> Callable[..., HttpResponse]:
    """The list of ``listed``'s objects, then its tombstones."""

    def view(request: HttpRequest, body_pk: int) -> HttpResponse:
        area = _area(body_pk)
        links = Links.of(area.pk)
        sources = [
            Source(listed.rows(area), lambda row: [listed.serialize(links, row, area)]),
            _tombstones(links, area, listed.kind),
        ]
        return list_response(request, links.to(listed.path), sources)

    view.__name__ = view.__qualname__ = f"{listed.path}_list"
    return oparl_view(view)


def object_view(listed: Listed) -> Callable[..., HttpResponse]:
    """One of ``listed``'s objects, or its tombstone; the address names its key (``person_pk``, ``meeting_pk`` …)."""

    def view(request: HttpRequest, body_pk: int, **key: int) -> HttpResponse:
        [pk] = key.values()
        area = _area(body_pk)
        links = Links.of(area.pk)
        row = listed.rows(area).filter(pk=pk).first()
        obj = listed.serialize(links, row, area) if row else _gone(links, listed.kind, pk)
        return _one(request, obj, what=str(listed.what))

    view.__name__ = view.__qualname__ = listed.path
    return oparl_view(view)


ORGANIZATION = Listed(
    "organization", selectors.committees, serializers.organization, Tombstone.Kind.ORGANIZATION, _lazy("organization")
)
PERSON = Listed(
    "person",
    selectors.persons,
    lambda links, row, area: serializers.person(links, row),
    Tombstone.Kind.PERSON,
    _lazy("person"),
)
MEMBERSHIP = Listed(
    "membership",
    selectors.memberships,
    lambda links, row, area: serializers.membership(links, row),
    Tombstone.Kind.MEMBERSHIP,
    _lazy("membership"),
)
MEETING = Listed("meeting", selectors.meetings, serializers.meeting, Tombstone.Kind.MEETING, _lazy("meeting"))
AGENDA_ITEM = Listed(
    "agendaItem",
    selectors.agenda_items,
    lambda links, row, area: serializers.agenda_item(links, row),
    Tombstone.Kind.AGENDA_ITEM,
    _lazy("agenda item"),
)

organizations, organization = list_view(ORGANIZATION), object_view(ORGANIZATION)
persons, person = list_view(PERSON), object_view(PERSON)
memberships, membership = list_view(MEMBERSHIP), object_view(MEMBERSHIP)
meetings, meeting = list_view(MEETING), object_view(MEETING)
agenda_items, agenda_item = list_view(AGENDA_ITEM), object_view(AGENDA_ITEM)


@oparl_view
def organization_meetings(request: HttpRequest, body_pk: int, committee_pk: int) -> HttpResponse:
    """The meetings of one committee (its ``meeting`` list)."""
    area = _area(body_pk)
    links = Links.of(area.pk)
    if not selectors.committees(area).filter(pk=committee_pk).exists():
        raise Refused(404, _("Not found: %(what)s.") % {"what": _("organization")})
    source = Source(
        selectors.meetings(area).filter(committee_id=committee_pk),
        lambda row: [serializers.meeting(links, row, area)],
    )
    return list_response(request, links.to("organization", committee_pk) + "meeting/", [source])


@oparl_view
def locations(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    source = Source(selectors.meetings(area).exclude(place=""), lambda row: [serializers.location(links, row)])
    return list_response(request, links.to("location"), [source])


@oparl_view
def location(request: HttpRequest, body_pk: int, meeting_pk: int) -> HttpResponse:
    area = _area(body_pk)
    row = selectors.meetings(area).exclude(place="").filter(pk=meeting_pk).first()
    return _one(request, serializers.location(Links.of(area.pk), row) if row else None, what=_("location"))


@oparl_view
def papers(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    rows = selectors.papers(area, window_of(request))
    return list_response(request, links.to("paper"), [Source(rows, lambda row: [serializers.paper(links, row)])])


def _split(key: str, kinds: Iterable[str]) -> tuple[str, int] | None:
    kind, _dash, text = key.rpartition("-")
    number = whole_number(text)
    if kind not in kinds or number is None:
        return None
    return kind, number


@oparl_view
def paper(request: HttpRequest, body_pk: int, paper_key: str) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    found = _split(paper_key, PAPER_KINDS.values())
    row = None
    if found is not None:
        natural = next(natural for natural, kind in PAPER_KINDS.items() if kind == found[0])
        content_type = ContentType.objects.get_by_natural_key(*natural)
        row = selectors.paper_of(area, content_type.pk, found[1])
    return _one(request, serializers.paper(links, row) if row else None, what=_("paper"))


@oparl_view
def consultations(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    sources = [
        Source(rows, lambda row: [serializers.consultation(links, row)])
        for rows in selectors.consultation_sources(area)
    ]
    return list_response(request, links.to("consultation"), sources)


@oparl_view
def consultation(request: HttpRequest, body_pk: int, consultation_key: str) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    found = _split(consultation_key, ("agenda", "ballot"))
    row = None
    if found is not None:
        agenda, ballot = selectors.consultation_sources(area)
        row = (agenda if found[0] == "agenda" else ballot).filter(pk=found[1]).first()
    return _one(request, serializers.consultation(links, row) if row else None, what=_("consultation"))


@oparl_view
def files(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    source = Source(
        selectors.approved_meetings(area), lambda row: [serializers.file(links, row, kind) for kind in FILE_KINDS]
    )
    return list_response(request, links.to("file"), [source], per_row=len(FILE_KINDS))


def _file_meeting(area: Quartier, file_key: str) -> tuple[str, Any]:
    found = _split(file_key, FILE_KINDS)
    row = selectors.approved_meetings(area).filter(pk=found[1]).first() if found else None
    if found is None or row is None:
        raise Refused(404, _("This file does not exist."))
    return found[0], row


@oparl_view
def file(request: HttpRequest, body_pk: int, file_key: str) -> HttpResponse:
    area = _area(body_pk)
    kind, row = _file_meeting(area, file_key)
    return _one(request, serializers.file(Links.of(area.pk), row, kind), what=_("file"))


@oparl_view
def file_download(request: HttpRequest, body_pk: int, file_key: str) -> HttpResponse:
    """The file itself: the public agenda or minutes as a PDF."""
    area = _area(body_pk)
    kind, row = _file_meeting(area, file_key)
    obj = serializers.file(Links.of(area.pk), row, kind)
    response = HttpResponse(document_pdf(row, kind, area), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{obj["fileName"]}"'
    response["Last-Modified"] = http_date(int(row.modified_at.timestamp()))
    return _cors(response)


@oparl_view
def legislative_terms(request: HttpRequest, body_pk: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    committees = list(selectors.committee_terms(area))
    terms = serializers.legislative_terms(area, committees)
    modified = serializers.terms_modified(area, committees)
    rows = terms if selectors.within(window_of(request), area.created_at, modified) else []
    source = Source(rows, lambda term: [serializers.legislative_term(links, area, term, modified)])
    return list_response(request, links.to("legislativeTerm"), [source])


@oparl_view
def legislative_term(request: HttpRequest, body_pk: int, year: int) -> HttpResponse:
    area = _area(body_pk)
    links = Links.of(area.pk)
    committees = list(selectors.committee_terms(area))
    modified = serializers.terms_modified(area, committees)
    term = next((term for term in serializers.legislative_terms(area, committees) if term.key == year), None)
    obj = serializers.legislative_term(links, area, term, modified) if term else None
    return _one(request, obj, what=_("legislative term"))
