"""The minutes of a meeting as a PDF."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.minutes import meeting_of_area, minutes_of
from quartier import permissions
from quartier.decorators import area_view
from quartier.http import AreaRequest
from quartier.models import Quartier
from reporting.rendering import render_pdf


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def meeting_minutes_pdf(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    """The minutes of a meeting (of a meeting not yet held: its agenda) as a PDF to read or print."""
    meeting = meeting_of_area(area, meeting_pk)
    if meeting is None:
        raise Http404(_("This meeting does not exist."))
    minutes = minutes_of(meeting)
    day = timezone.localdate(meeting.starts_at)
    names = {"committee": minutes.committee.name, "date": date_format(day, "SHORT_DATE_FORMAT")}
    if minutes.held:
        title = _("%(committee)s: minutes of the meeting on %(date)s") % names
    else:
        title = _("%(committee)s: agenda of the meeting on %(date)s") % names
    pdf = render_pdf(
        "committees/minutes_pdf.html",
        {"minutes": minutes},
        title=title,
        author=_("Neighbourhood management %(name)s") % {"name": area.name},
        area=area,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"protokoll-{slugify(minutes.committee.name)}-{day.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: not kept in shared caches
    return response


urlpatterns = [
    path("gremien/sitzungen/<int:meeting_pk>/protokoll.pdf", meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
