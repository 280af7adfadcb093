"""The letters of an application as PDFs: the decision letter (approval or rejection) and the reclaim letter."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fonds.letters import application_of_area, has_decision, has_reclaim, letter_pdf, reclaim_letter_pdf
from quartier import permissions
from quartier.decorators import area_view
from quartier.http import AreaRequest
from quartier.models import Quartier


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: not kept in any cache
    return response


@require_GET
@area_view(permissions.VIEW_FUNDS)
def application_letter_pdf(request: AreaRequest, area: Quartier, application_pk: int) -> HttpResponse:
    """The approval letter (Bewilligungsschreiben) or the rejection letter of a decided application.

    A person's private address appears only for those who may see persons' data."""
    application = application_of_area(area, application_pk)
    if application is None:
        raise Http404(_("This application does not exist."))
    if not has_decision(application):
        raise Http404(_("There is no decision on this application, so there is no letter."))
    with_address = permissions.VIEW_PERSONS in request.area_perms
    return pdf_response(letter_pdf(application, with_address=with_address), f"bescheid-{application.pk}.pdf")


@require_GET
@area_view(permissions.VIEW_FUNDS)
def application_reclaim_letter_pdf(request: AreaRequest, area: Quartier, reclaimed_pk: int) -> HttpResponse:
    """The reclaim letter of an application whose proof of use left money to pay back; 404 before there is a
    reclaim. A person's private address appears only for those who may see persons' data."""
    application = application_of_area(area, reclaimed_pk)
    if application is None:
        raise Http404(_("This application does not exist."))
    if not has_reclaim(application):
        raise Http404(_("No money is reclaimed from this application, so there is no reclaim letter."))
    with_address = permissions.VIEW_PERSONS in request.area_perms
    return pdf_response(
        reclaim_letter_pdf(application, with_address=with_address), f"rueckforderung-{application.pk}.pdf"
    )


urlpatterns = [
    path("fonds/antraege/<int:application_pk>/bescheid.pdf", application_letter_pdf, name="application_letter_pdf"),
    # ``reclaimed_pk``: an application with a reclaim (the URL walker names one, as it names a decided one above).
    path(
        "fonds/antraege/<int:reclaimed_pk>/rueckforderung.pdf",
        application_reclaim_letter_pdf,
        name="application_reclaim_letter_pdf",
    ),
]
