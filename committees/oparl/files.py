"""The files of the open data: the agenda and the minutes of a meeting whose minutes are approved, as PDFs in a
public version (``committees/oparl_document_pdf.html``): the agenda's titles, and for the minutes the results
with their counts, how many voting members were present and the circular resolutions' counts. Never a name of a
member (the office's minutes name who attended, ``committees.views.minutes``), nor an item's description, minutes
or decision text (they may name the applicant)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from committees.minutes import minutes_of
from committees.models import Meeting
from quartier.models import Quartier
from reporting.rendering import render_pdf


def document_pdf(meeting: Meeting, kind: str, area: Quartier) -> bytes:
    """The public agenda (``kind`` "agenda") or minutes ("minutes") of ``meeting`` as a PDF."""
    minutes = minutes_of(meeting)
    day = timezone.localdate(meeting.starts_at)
    names = {"committee": meeting.committee.name, "date": date_format(day, "SHORT_DATE_FORMAT")}
    if kind == "minutes":
        title = _("%(committee)s: minutes of the meeting on %(date)s") % names
    else:
        title = _("%(committee)s: agenda of the meeting on %(date)s") % names
    return render_pdf(
        "committees/oparl_document_pdf.html",
        {"minutes": minutes, "kind": kind},
        title=title,
        author=_("Neighbourhood management %(name)s") % {"name": area.name},
        area=area,
    )
