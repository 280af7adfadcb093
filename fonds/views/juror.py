"""What committee members see of an application on their ballot: the project, the applicant's name (never
their contact data), the cost plan and the documents."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.models import Ballot, Meeting
from fonds.files import attachment_response
from fonds.models import Application, Attachment
from fonds.selectors import eligibility_of
from quartier.decorators import meeting_member_view, member_view


def application_on_ballot(ballot: Ballot, application_pk: int) -> Application:
    """The application if an item of ``ballot`` is about it; else 404."""
    content_type = ContentType.objects.get_for_model(Application)
    if not ballot.items.filter(content_type=content_type, object_id=application_pk).exists():
        raise Http404(_("This application is not part of the ballot."))
    return Application.objects.select_related("fund", "person", "organisation").get(pk=application_pk)


def _juror_page(request: HttpRequest, application: Application, **extra: object) -> HttpResponse:
    context = {
        "application": application,
        "lines": list(application.cost_lines.all()),
        "attachments": list(application.attachments.exclude(kind=Attachment.Kind.RECEIPT)),
        "fields_of_action": list(application.fields_of_action.all()),
        "eligibility": eligibility_of(application),
        **extra,
    }
    return render(request, "fonds/juror_application.html", context)


def application_on_agenda(meeting: Meeting, application_pk: int) -> Application:
    content_type = ContentType.objects.get_for_model(Application)
    if not meeting.items.filter(content_type=content_type, object_id=application_pk).exists():
        raise Http404(_("This application is not on the meeting's agenda."))
    return Application.objects.select_related("fund", "person", "organisation").get(pk=application_pk)


@require_GET
@meeting_member_view
def juror_meeting_application(request: HttpRequest, meeting: Meeting, application_pk: int) -> HttpResponse:
    return _juror_page(request, application_on_agenda(meeting, application_pk), meeting=meeting)


@require_GET
@meeting_member_view
def juror_meeting_attachment(
    request: HttpRequest, meeting: Meeting, application_pk: int, attachment_pk: int
) -> HttpResponse:
    application = application_on_agenda(meeting, application_pk)
    attachment = application.attachments.exclude(kind=Attachment.Kind.RECEIPT).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("This file does not exist."))
    return attachment_response(attachment)


@require_GET
@member_view
def juror_application(request: HttpRequest, ballot: Ballot, application_pk: int) -> HttpResponse:
    return _juror_page(request, application_on_ballot(ballot, application_pk), ballot=ballot)


@require_GET
@member_view
def juror_attachment(request: HttpRequest, ballot: Ballot, application_pk: int, attachment_pk: int) -> HttpResponse:
    application = application_on_ballot(ballot, application_pk)
    attachment = application.attachments.exclude(kind=Attachment.Kind.RECEIPT).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("This file does not exist."))
    return attachment_response(attachment)


urlpatterns = [
    path(
        "sitzungen/<int:meeting_pk>/antraege/<int:application_pk>/",
        juror_meeting_application,
        name="juror_meeting_application",
    ),
    path(
        "sitzungen/<int:meeting_pk>/antraege/<int:application_pk>/dateien/<int:attachment_pk>/",
        juror_meeting_attachment,
        name="juror_meeting_attachment",
    ),
    path("<int:ballot_pk>/antraege/<int:application_pk>/", juror_application, name="juror_application"),
    path(
        "<int:ballot_pk>/antraege/<int:application_pk>/dateien/<int:attachment_pk>/",
        juror_attachment,
        name="juror_attachment",
    ),
]
