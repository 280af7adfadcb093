"""Public pages of the funds (no login): an area's open funds with their rules and what remains, and the
first step of an application, which makes the draft and sends the private link.

Abuse is kept out without a captcha: a honeypot field that people never see (a bot that fills it is told
"saved" and nothing is saved) and a limit of new applications per client address and hour.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fonds.forms.public import ApplicantForm
from fonds.models import Fund
from fonds.selectors import public_funds_of
from fonds.services.public import application_start
from fonds.views.applicant import applicant_data, step_context
from quartier.decorators import resident_page
from quartier.forms import refusal_on
from quartier.net import client_address
from quartier.pages import area_or_404
from quartier.ratelimit import HONEYPOT, RateLimit, too_many


@resident_page
@require_http_methods(["GET"])
def public_funds(request: HttpRequest, slug: str) -> HttpResponse:
    area = area_or_404(slug)
    return render(request, "fonds/public/funds.html", {"area": area, "funds": public_funds_of(area)})


# --- rate limit ------------------------------------------------------------------------------------------

NEW_APPLICATIONS = RateLimit(scope="fonds:new-application", setting="FONDS_RATE_LIMIT")


# --- the first step ---------------------------------------------------------------------------------------


@resident_page
@require_http_methods(["GET", "POST"])
def public_apply(request: HttpRequest, slug: str, fund_pk: int) -> HttpResponse:
    """Step 1 of an application: who applies. Saving it makes the draft and emails the private link."""
    area = area_or_404(slug)
    fund = (
        Fund.objects.filter(area=area, pk=fund_pk, open_for_applications=True, year__gte=timezone.localdate().year)
        .select_related("area")
        .first()
    )
    if fund is None:
        raise Http404(_("This fund does not take applications at the moment."))
    form = ApplicantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = client_address(request)
        if NEW_APPLICATIONS.reached(address):
            return too_many(render(request, "fonds/public/too_many.html", {"area": area}, status=429))
        if request.POST.get(HONEYPOT):  # a bot: it is told "saved", and nothing is saved
            NEW_APPLICATIONS.count(address)
            messages.success(request, _("Your draft is saved. We have sent you an email with your private link."))
            return redirect("public_funds", slug=area.slug)
        if form.is_valid():
            NEW_APPLICATIONS.count(address)
            with refusal_on(form):
                _application, token = application_start(
                    fund=fund, applicant=applicant_data(form.cleaned_data), language=translation.get_language()
                )
                messages.success(request, _("Your draft is saved. We have sent you an email with your private link."))
                return redirect("applicant_step_project", token=token)
        status = 400
    context = step_context(None, None, "applicant", form=form, fund=fund, area=area, honeypot=HONEYPOT, locked=False)
    return render(request, "fonds/public/step_applicant.html", context, status=status)


urlpatterns = [
    path("<slug:slug>/fonds/", public_funds, name="public_funds"),
    path("<slug:slug>/fonds/<int:fund_pk>/antrag/", public_apply, name="public_apply"),
]
