"""The office's survey pages (``/gebiet/<slug>/umfragen/…``): the list, a survey with its questionnaire, its QR
code and poster, its translations, its invitations and the paper answers typed in. They use the events'
permissions: everyone of the area reads (``view_events``), Steuerung and Gemeinwesenarbeit write
(``change_events``). The residents' pages are ``activation.survey_public``.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activation.models import Question, Survey
from activation.survey_builder import (
    TRANSLATED,
    invitations_send,
    question_add,
    question_delete,
    question_move,
    question_update,
    survey_create,
    survey_delete,
    survey_open,
    survey_translate,
    survey_update,
)
from activation.survey_forms import AnswerForm, QuestionForm, SurveyFilterSet, SurveyForm, TranslationForm
from activation.survey_selectors import (
    answered_question_ids,
    invitations_of,
    public_link,
    survey_detail,
    surveys_for,
)
from activation.survey_services import SURVEY, submit_response, survey_close, taking_answers
from quartier import permissions
from quartier.decorators import area_view
from quartier.forms import refusal_in_messages, refusal_on
from quartier.http import AreaRequest
from quartier.languages import NATIVE_NAMES
from quartier.lists import list_page
from quartier.models import Quartier


def get_survey_for(area: Quartier, pk: int) -> Survey:
    survey = Survey.objects.filter(area=area, pk=pk).select_related("area").first()
    if survey is None:
        raise Http404(_("This survey does not exist."))
    return survey


def get_survey_with_questions(area: Quartier, pk: int) -> Survey:
    """The area's survey with its questions and choices in order (``survey_detail``), or a 404."""
    survey = survey_detail(area, pk)
    if survey is None:
        raise Http404(_("This survey does not exist."))
    return survey


def get_public_survey_for(area: Quartier, pk: int) -> Survey:
    """The area's survey for its public link (QR code, poster), or a 404 for a self-evaluation, which has none."""
    survey = get_survey_for(area, pk)
    if survey.audience != Survey.Audience.PUBLIC:
        raise Http404(_("A self-evaluation has no public link."))
    return survey


def get_question_for(survey: Survey, pk: int) -> Question:
    question = Question.objects.filter(survey=survey, pk=pk).select_related("survey__area").first()
    if question is None:
        raise Http404(_("This question does not exist."))
    return question


# --- the office: list, survey page, survey form ------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return list_page(
        request,
        template="activation/surveys/survey_list.html",
        title=_("Surveys"),
        filterset=SurveyFilterSet(request.GET, queryset=surveys_for(area), area=area),
        context={"area": area, "can_change": permissions.CHANGE_EVENTS in request.area_perms},
    )


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_page(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    survey = get_survey_with_questions(area, survey_pk)
    can_change = permissions.CHANGE_EVENTS in request.area_perms
    answered = answered_question_ids(survey)
    context = {
        "area": area,
        "survey": survey,
        "questions": list(survey.questions.all()),
        "answered": answered,
        "can_change": can_change,
        "moves": SURVEY.allowed(survey) if can_change else [],
        "taking_answers": taking_answers(survey),
        "public_link": public_link(survey, area) if survey.audience == Survey.Audience.PUBLIC else "",
        "invitations": list(invitations_of(survey)) if survey.audience == Survey.Audience.NETWORK else [],
        "languages": [(code, NATIVE_NAMES[code]) for code in TRANSLATED],
        "translated_into": [NATIVE_NAMES[code] for code in TRANSLATED if code in (survey.translations or {})],
    }
    return render(request, "activation/surveys/survey_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _survey_form(request, area, Survey(area=area))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_edit(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    return _survey_form(request, area, get_survey_for(area, survey_pk))


def _survey_form(request: AreaRequest, area: Quartier, survey: Survey) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey, area=area)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            if survey.pk:
                survey = survey_update(survey=survey, data=form.cleaned_data, by=request.user)
                messages.success(request, _("The survey was saved."))
            else:
                survey = survey_create(area=area, data=form.cleaned_data, by=request.user)
                messages.success(request, _("The survey was created. Now add its questions."))
            return redirect("survey_page", slug=area.slug, survey_pk=survey.pk)
    back = (
        reverse("survey_page", args=[area.slug, survey.pk]) if survey.pk else reverse("survey_list", args=[area.slug])
    )
    title = _("Edit survey") if survey.pk else _("New survey")
    return render(request, "form_page.html", {"area": area, "form": form, "title": title, "back": back})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_remove(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    survey = get_survey_for(area, survey_pk)
    if request.method == "POST":
        with refusal_in_messages(request):
            title = survey.title
            survey_delete(survey=survey, by=request.user)
            messages.success(request, _("The survey “%(title)s” was deleted.") % {"title": title})
            return redirect("survey_list", slug=area.slug)
        return redirect("survey_page", slug=area.slug, survey_pk=survey.pk)
    context = {"area": area, "survey": survey, "questions": survey.questions.count(), "back": survey.get_absolute_url()}
    return render(request, "activation/surveys/survey_delete.html", context)


@require_POST
@area_view(permissions.CHANGE_EVENTS)
def survey_status(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    """Open or close the survey (``action``), through its machine; a self-evaluation invites on opening."""
    survey = get_survey_for(area, survey_pk)
    action = request.POST.get("action")
    with refusal_in_messages(request):
        if action == "open":
            sent = survey_open(survey=survey, by=request.user)
            messages.success(request, _("The survey is open and takes answers."))
            if sent is not None:
                _say_sent(request, sent.mailed, sent.unreachable)
        elif action == "close":
            survey_close(survey=survey, by=request.user)
            messages.success(request, _("The survey is closed: it takes no more answers."))
        else:
            messages.error(request, _("Please choose a step offered on the page."))
    return redirect("survey_page", slug=area.slug, survey_pk=survey.pk)


def _say_sent(request: HttpRequest, mailed: int, unreachable: list[str]) -> None:
    messages.success(request, _("Invitations mailed now: %(count)d.") % {"count": mailed})
    if unreachable:
        messages.warning(
            request,
            _("Without an email address, not reachable: %(names)s. Add their address and send again.")
            % {"names": ", ".join(unreachable)},
        )


@require_POST
@area_view(permissions.CHANGE_EVENTS)
def survey_invite(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    """Invite the network's organisations not yet invited (those that joined since, or have an address now)."""
    survey = get_survey_for(area, survey_pk)
    with refusal_in_messages(request):
        sent = invitations_send(survey=survey, by=request.user)
        _say_sent(request, sent.mailed, sent.unreachable)
    return redirect(reverse("survey_page", args=[area.slug, survey.pk]) + "#invitations")


# --- the office: questions ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_question_new(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    survey = get_survey_for(area, survey_pk)
    return _question_form(request, area, survey, Question(survey=survey))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_question_edit(request: AreaRequest, area: Quartier, survey_pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for(area, survey_pk)
    return _question_form(request, area, survey, get_question_for(survey, question_pk))


def _question_form(request: AreaRequest, area: Quartier, survey: Survey, question: Question) -> HttpResponse:
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "choices"}
        with refusal_on(form):
            if question.pk:
                question_update(question=question, data=data, choices=form.choice_lines(), by=request.user)
                messages.success(request, _("The question was saved."))
            else:
                question = question_add(survey=survey, data=data, choices=form.choice_lines(), by=request.user)
                messages.success(request, _("The question was added."))
            return redirect(reverse("survey_page", args=[area.slug, survey.pk]) + f"#question-{question.pk}")
    context = {
        "area": area,
        "form": form,
        "title": _("Edit question") if question.pk else _("New question"),
        "back": reverse("survey_page", args=[area.slug, survey.pk]),
        "survey": survey,
        "answered": bool(question.pk) and question.answers.exists(),
    }
    return render(request, "activation/surveys/question_form.html", context)


@require_POST
@area_view(permissions.CHANGE_EVENTS)
def survey_question_delete(request: AreaRequest, area: Quartier, survey_pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for(area, survey_pk)
    question = get_question_for(survey, question_pk)
    with refusal_in_messages(request):
        question_delete(question=question, by=request.user)
        messages.success(request, _("The question was deleted."))
    return redirect(reverse("survey_page", args=[area.slug, survey.pk]) + "#questions")


@require_POST
@area_view(permissions.CHANGE_EVENTS)
def survey_question_move(request: AreaRequest, area: Quartier, survey_pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for(area, survey_pk)
    question = get_question_for(survey, question_pk)
    with refusal_in_messages(request):
        question_move(question=question, up=request.POST.get("direction") == "up", by=request.user)
    return redirect(reverse("survey_page", args=[area.slug, survey.pk]) + f"#question-{question.pk}")


# --- the office: translations ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_translations(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    """The survey's texts in one language (``?sprache=en|tr|ar``, English unless chosen)."""
    survey = get_survey_with_questions(area, survey_pk)
    language = request.GET.get("sprache", "en")
    if language not in TRANSLATED:
        language = "en"
    form = TranslationForm(request.POST or None, survey=survey, language=language)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            survey_translate(survey=survey, language=language, texts=form.texts(), by=request.user)
            messages.success(
                request, _("The translation into %(language)s was saved.") % {"language": NATIVE_NAMES[language]}
            )
            return redirect("survey_page", slug=area.slug, survey_pk=survey.pk)
    context = {
        "area": area,
        "survey": survey,
        "form": form,
        "language": language,
        "languages": [(code, NATIVE_NAMES[code]) for code in TRANSLATED],
        "title": _("Translation into %(language)s") % {"language": NATIVE_NAMES[language]},
        "back": reverse("survey_page", args=[area.slug, survey.pk]),
    }
    return render(request, "activation/surveys/translations.html", context)


# --- the office: QR code, poster, paper answers --------------------------------------------------------------------


def _qr(survey: Survey, area: Quartier) -> segno.QRCode:
    return segno.make(public_link(survey, area), error="m")


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_qr(request: AreaRequest, area: Quartier, survey_pk: int, fmt: str) -> HttpResponse:
    """The QR code of the public link, as SVG (for print, any size) or PNG (for a document or a post)."""
    survey = get_public_survey_for(area, survey_pk)
    out = io.BytesIO()
    if fmt == "svg":
        _qr(survey, area).save(out, kind="svg", scale=10, border=4, xmldecl=True, svgns=True, title=survey.title)
        content_type = "image/svg+xml"
    else:
        _qr(survey, area).save(out, kind="png", scale=16, border=4)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="umfrage-{survey.pk}-qr.{fmt}"'
    return response


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_poster(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    """A page to print on A4: the title, the introduction, the QR code and the link written out."""
    survey = get_public_survey_for(area, survey_pk)
    link = public_link(survey, area)
    context = {
        "area": area,
        "survey": survey,
        "link": link,
        "link_shown": link.split("://", 1)[-1],
        "qr": _qr(survey, area).svg_data_uri(scale=10, border=2),
    }
    return render(request, "activation/surveys/poster.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def survey_paper(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    """Type in a questionnaire answered on paper (at a door, at a stand): the residents' form, in German, through
    ``submit_response`` (no cookie, no limit). The form is empty again for the next one."""
    survey = get_survey_with_questions(area, survey_pk)
    if survey.audience != Survey.Audience.PUBLIC:
        raise Http404(_("A self-evaluation is answered through each organisation's own link."))
    form = AnswerForm(request.POST or None, survey=survey, language=settings.LANGUAGE_CODE)
    status = 200
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            submit_response(survey, form.values(), language=settings.LANGUAGE_CODE)
            messages.success(request, _("The paper questionnaire is recorded. Next one:"))
            return redirect("survey_paper", slug=area.slug, survey_pk=survey.pk)
        status = 400
    context = {
        "area": area,
        "survey": survey,
        "form": form,
        "taking_answers": taking_answers(survey),
        "back": reverse("survey_page", args=[area.slug, survey.pk]),
    }
    return render(request, "activation/surveys/paper.html", context, status=status)


urlpatterns = [
    path("umfragen/", survey_list, name="survey_list"),
    path("umfragen/neu/", survey_new, name="survey_new"),
    path("umfragen/<int:survey_pk>/", survey_page, name="survey_page"),
    path("umfragen/<int:survey_pk>/bearbeiten/", survey_edit, name="survey_edit"),
    path("umfragen/<int:survey_pk>/loeschen/", survey_remove, name="survey_remove"),
    path("umfragen/<int:survey_pk>/status/", survey_status, name="survey_status"),
    path("umfragen/<int:survey_pk>/einladungen/", survey_invite, name="survey_invite"),
    path("umfragen/<int:survey_pk>/uebersetzung/", survey_translations, name="survey_translations"),
    path("umfragen/<int:survey_pk>/fragen/neu/", survey_question_new, name="survey_question_new"),
    path("umfragen/<int:survey_pk>/fragen/<int:question_pk>/", survey_question_edit, name="survey_question_edit"),
    path(
        "umfragen/<int:survey_pk>/fragen/<int:question_pk>/loeschen/",
        survey_question_delete,
        name="survey_question_delete",
    ),
    path(
        "umfragen/<int:survey_pk>/fragen/<int:question_pk>/verschieben/",
        survey_question_move,
        name="survey_question_move",
    ),
    path("umfragen/<int:survey_pk>/qr.svg", survey_qr, {"fmt": "svg"}, name="survey_qr_svg"),
    path("umfragen/<int:survey_pk>/qr.png", survey_qr, {"fmt": "png"}, name="survey_qr_png"),
    path("umfragen/<int:survey_pk>/plakat/", survey_poster, name="survey_poster"),
    path("umfragen/<int:survey_pk>/papier/", survey_paper, name="survey_paper"),
]
