"""Calendar feeds (ICS) of committees' meetings, opened by a personal link."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.calendar import committee_feed, committee_for_feed_token
from committees.models import Meeting
from quartier.decorators import public_view

# How far back the feed reaches; every future meeting is in it.
FEED_PAST = datetime.timedelta(days=365)


@public_view
@require_GET
def committee_feed_view(request: HttpRequest, feed_token: str) -> HttpResponse:
    """A committee's meetings as a calendar to subscribe to. The personal link's token is the only key:
    calendar programs cannot log in."""
    committee = committee_for_feed_token(feed_token)
    if committee is None:
        raise Http404(_("This calendar does not exist."))
    meetings = list(
        Meeting.objects.filter(committee=committee, starts_at__gte=timezone.now() - FEED_PAST)
        .prefetch_related("items")
        .order_by("starts_at")
    )
    for meeting in meetings:
        meeting.committee = committee
    response = HttpResponse(committee_feed(committee, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    # Asked again each time: a replaced or expired link stops at once, also for a cache on the way.
    response["Cache-Control"] = "private, no-cache"
    return response


urlpatterns = [path("<str:feed_token>.ics", committee_feed_view, name="committee_calendar")]
