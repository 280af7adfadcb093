"""The residents' survey pages: the public answer page ``/oeffentlich/<slug>/umfragen/<key>/`` (with its thank-you
page) and a self-evaluation's private link ``/oeffentlich/<slug>/selbstevaluation/<key>/``, in the four public
languages, each answer through ``submit_response`` in the page's language.

One answer per device, without tracking anyone: after an answer the browser keeps a cookie that says only "survey N
answered" (no identifier, sent only to the survey's own address, until its closing day or at most a year); a second
visit is told so, and may still answer for another person on a shared device (a family's tablet: the cookie guards
against answering twice by mistake, it cannot and does not try to know who answers). Beside it the answers per
client address and hour are limited (``SURVEY_RATE_LIMIT``; a hash of the address in the cache for an hour, never in
the database) and a honeypot field catches bots (they are thanked, and nothing is saved).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activation.models import Invitation, Survey
from activation.survey_forms import AnswerForm
from activation.survey_selectors import invitation_by_key, public_survey, translated, written_in
from activation.survey_services import submit_response, taking_answers
from quartier.decorators import resident_page
from quartier.forms import refusal_on
from quartier.models import Quartier
from quartier.net import client_address
from quartier.pages import area_or_404
from quartier.ratelimit import HONEYPOT, RateLimit, too_many

ANSWERS = RateLimit(scope="survey:answer", setting="SURVEY_RATE_LIMIT")
#: The query parameter of the answer page that asks for the form again on a device that has answered.
ANOTHER_PERSON = "weitere-person"


# --- the residents: the answer page and a self-evaluation's private link -----------------------------------------


def _cookie_name(survey: Survey) -> str:
    return f"umfrage_{survey.pk}"


def _remember_answer(response: HttpResponse, request: HttpRequest, survey: Survey, area: Quartier) -> None:
    """The cookie that says "this survey was answered on this device", and nothing else: sent only to the
    survey's own address, kept until its closing day has passed (at most a year)."""
    year = 365 * 24 * 60 * 60
    age = year
    if survey.closes_on is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(survey.closes_on + datetime.timedelta(days=1), datetime.time())
        )
        age = max(60, min(year, int((end - timezone.now()).total_seconds())))
    response.set_cookie(
        _cookie_name(survey),
        "beantwortet",
        max_age=age,
        path=reverse("public_survey", args=[area.slug, survey.key]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _texts(survey: Survey, language: str) -> dict[str, str]:
    """The survey's title and introduction in the page's language, and the language each is written in."""
    return {
        "title": translated(survey, "title", language),
        "title_lang": written_in(survey, "title", language),
        "introduction": translated(survey, "introduction", language),
        "introduction_lang": written_in(survey, "introduction", language),
    }


@resident_page
@require_http_methods(["GET", "POST"])
def public_survey_page(request: HttpRequest, slug: str, survey_key: str) -> HttpResponse:
    area = area_or_404(slug)
    survey = public_survey(area, survey_key)
    if survey is None:
        raise Http404(_("This survey does not exist."))
    language = translation.get_language()
    context: dict[str, Any] = {"area": area, "survey": survey, **_texts(survey, language), "honeypot": HONEYPOT}
    if not taking_answers(survey):
        return render(request, "activation/surveys/public_closed.html", context)
    answered = request.COOKIES.get(_cookie_name(survey)) is not None
    if answered and request.method == "GET" and ANOTHER_PERSON not in request.GET:
        context["another_person"] = f"?{ANOTHER_PERSON}=1"
        return render(request, "activation/surveys/public_answered.html", context)
    form = AnswerForm(request.POST or None, survey=survey, language=language)
    status = 200
    if request.method == "POST":
        address = client_address(request)
        if ANSWERS.reached(address):  # refused, with what was typed kept in the form to send again later
            context.update(form=form, answered=answered, too_many=True)
            return too_many(render(request, "activation/surveys/public_answer.html", context, status=429))
        if request.POST.get(HONEYPOT):  # a bot: it is thanked, and nothing is saved
            ANSWERS.count(address)
            return redirect("public_survey_thanks", slug=area.slug, survey_key=survey.key)
        if form.is_valid():
            with refusal_on(form):
                submit_response(survey, form.values(), language=language)
                ANSWERS.count(address)
                response = redirect("public_survey_thanks", slug=area.slug, survey_key=survey.key)
                _remember_answer(response, request, survey, area)
                return response
        status = 400
    context.update(form=form, answered=answered)
    return render(request, "activation/surveys/public_answer.html", context, status=status)


@resident_page
@require_GET
def public_survey_thanks(request: HttpRequest, slug: str, survey_key: str) -> HttpResponse:
    area = area_or_404(slug)
    survey = public_survey(area, survey_key, questions=False)
    if survey is None:
        raise Http404(_("This survey does not exist."))
    context = {"area": area, "survey": survey, **_texts(survey, translation.get_language())}
    return render(request, "activation/surveys/public_thanks.html", context)


@resident_page
@require_http_methods(["GET", "POST"])
def public_self_evaluation(request: HttpRequest, slug: str, invitation_key: str) -> HttpResponse:
    """A network's organisation answers the self-evaluation through its own link, once."""
    area = area_or_404(slug)
    invitation: Invitation | None = invitation_by_key(area, invitation_key)
    if invitation is None:
        raise Http404(_("This link does not exist."))
    survey = invitation.survey
    language = translation.get_language()
    context: dict[str, Any] = {
        "area": area,
        "survey": survey,
        "organisation": invitation.organisation,
        **_texts(survey, language),
        "self_evaluation": True,
    }
    if invitation.answered:  # type: ignore[attr-defined]
        return render(request, "activation/surveys/public_thanks.html", context)
    if not taking_answers(survey):
        return render(request, "activation/surveys/public_closed.html", context)
    form = AnswerForm(request.POST or None, survey=survey, language=language)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_on(form):
                submit_response(survey, form.values(), language=language, invitation=invitation)
                return redirect("public_self_evaluation", slug=area.slug, invitation_key=invitation.key)
        status = 400
    context["form"] = form
    return render(request, "activation/surveys/public_answer.html", context, status=status)


urlpatterns = [
    path("<slug:slug>/umfragen/<slug:survey_key>/", public_survey_page, name="public_survey"),
    path("<slug:slug>/umfragen/<slug:survey_key>/danke/", public_survey_thanks, name="public_survey_thanks"),
    path("<slug:slug>/selbstevaluation/<slug:invitation_key>/", public_self_evaluation, name="public_self_evaluation"),
]
