"""The results of a survey in the office (``/gebiet/<slug>/umfragen/<pk>/ergebnisse/``): charts and tables of every
question, filtered by language and days; the summary and the raw answers as CSV/XLSX; a question's free texts as a
list; and a free-text answer made a concern of the area (``activation.survey_services.answer_make_concern``).

Read by every role that sees the events (the activation work); making a concern needs the concerns' own permission.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from activation.models import Answer, Question, Survey
from activation.survey_results import (
    ResultFilter,
    SurveyResults,
    Text,
    raw_rows,
    results_for,
    summary_rows,
    text_answers,
)
from activation.survey_services import answer_make_concern
from activation.survey_views import get_survey_with_questions
from actors.models import Concern
from quartier import dates, permissions
from quartier.decorators import area_view
from quartier.exports import FORMATS, Column, date_column, number_column, table_response
from quartier.filters import ChoiceFilter, DateFilter, ListFilterSet
from quartier.forms import refusal_on
from quartier.http import AreaRequest
from quartier.lists import list_page, query_without
from quartier.models import Quartier

#: How a response's language is named; a paper questionnaire typed in by the office may have none.
NO_LANGUAGE = gettext_lazy("not recorded")


def language_label(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code) if code else NO_LANGUAGE)


class ResponseFilterSet(ListFilterSet):
    """The answers of one language and of a span of days (GET parameters in English, labels translated)."""

    language = ChoiceFilter(label=gettext_lazy("Language"), choices=settings.LANGUAGES, field_name="response__language")
    date_from = DateFilter(field_name="response__submitted_on", lookup_expr="gte", label=gettext_lazy("From"))
    date_to = DateFilter(field_name="response__submitted_on", lookup_expr="lte", label=gettext_lazy("Until"))

    def result_filter(self) -> ResultFilter:
        """The valid filters as a ``ResultFilter``; a value that is not valid is left out (the bar says why)."""
        form = self.form
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        return ResultFilter(language=data.get("language") or "", first=data.get("date_from"), last=data.get("date_to"))


def _results(request: AreaRequest, area: Quartier, survey: Survey) -> tuple[ResponseFilterSet, SurveyResults, bool]:
    """The filter bar, the results it lets through and whether it narrows them."""
    filterset = ResponseFilterSet(request.GET, queryset=Answer.objects.none(), area=area)
    narrowing = filterset.result_filter()
    return filterset, results_for([survey], filter=narrowing)[survey.pk], narrowing.narrowed


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_results(request: AreaRequest, area: Quartier, survey_pk: int) -> HttpResponse:
    survey = get_survey_with_questions(area, survey_pk)
    filterset, results, narrowed = _results(request, area, survey)
    query = query_without(request, "page", "export")
    context = {
        "area": area,
        "survey": survey,
        "results": results,
        "form": filterset.form,
        "query": query,
        "narrowed": narrowed,
        "downloads": [
            (label, reverse(name, args=[area.slug, survey.pk, fmt]) + (f"?{query}" if query else ""), fmt.upper())
            for name, label in (
                ("survey_results_summary", _("Summary")),
                ("survey_results_raw", _("Every answer, one row per questionnaire")),
            )
            for fmt in FORMATS
        ],
        "languages": [(language_label(code), count) for code, count in results.by_language],
        "chart": day_chart(results),
        "can_make_concerns": permissions.CHANGE_CONCERNS in request.area_perms,
        "can_see_concerns": permissions.VIEW_CONCERNS in request.area_perms,
    }
    return render(request, "activation/surveys/results/results.html", context)


def day_chart(results: SurveyResults, *, height: int = 60, column: int = 10) -> dict[str, Any]:
    """The answers by day (or week) as columns of an SVG ``viewBox``: ``column`` units wide each, the busiest
    ``height`` high. The numbers are written in a table beside it."""
    busiest = results.busiest or 1
    columns = []
    for index, row in enumerate(results.by_day):
        tall = max(round(row.count * height / busiest, 1), 1.0)
        columns.append({"x": index * column + 1, "y": round(height - tall, 1), "height": tall, "row": row})
    return {"width": max(len(columns), 1) * column, "height": height, "bar": column - 2, "columns": columns}


def _download_name(survey: Survey, what: str) -> str:
    return f"umfrage-{survey.pk}-{what}"


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_results_summary(request: AreaRequest, area: Quartier, survey_pk: int, fmt: str) -> HttpResponse:
    """The summary table: each question's answers with how many gave them and their share."""
    if fmt not in FORMATS:
        raise Http404(_("This download does not exist."))
    survey = get_survey_with_questions(area, survey_pk)
    _filterset, results, _narrowed = _results(request, area, survey)
    headers: list[str | Column] = [_("Question"), _("Answer"), number_column(_("How many")), Column(_("Share in %"))]
    return table_response(
        filename=_download_name(survey, "zusammenfassung"),
        title=_("Summary"),
        headers=headers,
        rows=summary_rows(survey, results),
        fmt=fmt,
    )


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_results_raw(request: AreaRequest, area: Quartier, survey_pk: int, fmt: str) -> HttpResponse:
    """Every questionnaire as a row: its number, day and language, and its answer to each question. Nothing else
    identifies it (a self-evaluation's organisation is left out too: the answers are read together, as the
    survey's page shows who answered but not what)."""
    if fmt not in FORMATS:
        raise Http404(_("This download does not exist."))
    survey = get_survey_with_questions(area, survey_pk)
    filterset = ResponseFilterSet(request.GET, queryset=Answer.objects.none(), area=area)
    headers: list[str | Column] = [
        number_column(_("No.")),
        date_column(_("Day")),
        _("Language"),
        *(f"{number}. {question.text}" for number, question in enumerate(survey.questions.all(), start=1)),
    ]
    rows = (
        [pk, day, language_label(str(language)), *cells]
        for pk, day, language, *cells in raw_rows(survey, filterset.result_filter())
    )
    return table_response(
        filename=_download_name(survey, "antworten"), title=_("Answers"), headers=headers, rows=rows, fmt=fmt
    )


def get_text_question_for(survey: Survey, pk: int) -> Question:
    question = next((question for question in survey.questions.all() if question.pk == pk), None)
    if question is None or question.kind != Question.Kind.TEXT:
        raise Http404(_("This question does not exist."))
    return question


@require_GET
@area_view(permissions.VIEW_EVENTS)
def survey_texts(request: AreaRequest, area: Quartier, survey_pk: int, question_pk: int) -> HttpResponse:
    """Every free text given to a question, newest first, a page at a time."""
    survey = get_survey_with_questions(area, survey_pk)
    question = get_text_question_for(survey, question_pk)
    filterset = ResponseFilterSet(request.GET, queryset=text_answers(question), area=area)
    return list_page(
        request,
        template="activation/surveys/results/texts.html",
        title=_("Free texts: %(question)s") % {"question": question.text},
        filterset=filterset,
        context={
            "area": area,
            "survey": survey,
            "question": question,
            "can_make_concerns": permissions.CHANGE_CONCERNS in request.area_perms,
            "can_see_concerns": permissions.VIEW_CONCERNS in request.area_perms,
        },
        page_context=lambda page: {"texts": [as_text(answer) for answer in page.object_list]},
    )


def as_text(answer: Answer) -> Text:
    response = answer.response
    return Text(answer.pk, answer.text, response.submitted_on, response.language, answer.concern_id)


class AnswerConcernForm(forms.ModelForm):
    """What the concern made of a free-text answer says: its text (the answer's, to shorten or explain), a field of
    action and a place. It is raised on the answer's day, by nobody."""

    class Meta:
        model = Concern
        formfield_callback = dates.formfield
        fields = ["text", "field_of_action", "place"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field_of_action"]
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = _("none")


def get_text_answer_for(area: Quartier, survey: Survey, pk: int) -> Answer:
    answer = (
        Answer.objects.filter(pk=pk, question__survey=survey, question__survey__area=area)
        .select_related("question", "response")
        .first()
    )
    if answer is None or answer.question.kind != Question.Kind.TEXT:
        raise Http404(_("This answer does not exist."))
    return answer


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONCERNS)
def survey_answer_concern(request: AreaRequest, area: Quartier, survey_pk: int, answer_pk: int) -> HttpResponse:
    """Make a concern of a free-text answer: the form is filled in with the answer; once made, the answer links
    to it and is not made a concern again."""
    survey = get_survey_with_questions(area, survey_pk)
    answer = get_text_answer_for(area, survey, answer_pk)
    back = reverse("survey_results", args=[area.slug, survey.pk])
    if answer.concern_id is not None:
        messages.info(request, _("A concern has been made of this answer already."))
        return redirect("concern_page", slug=area.slug, concern_pk=answer.concern_id)
    form = AnswerConcernForm(request.POST if request.method == "POST" else None, initial={"text": answer.text})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            concern = answer_make_concern(answer=answer, area=area, data=form.cleaned_data, by=request.user)
            messages.success(request, _("The concern was recorded."))
            return redirect("concern_page", slug=area.slug, concern_pk=concern.pk)
    context = {
        "area": area,
        "form": form,
        "survey": survey,
        "answer": answer,
        "title": _("Make a concern of this answer"),
        "back": back,
    }
    return render(request, "activation/surveys/results/concern_form.html", context)


urlpatterns = [
    path("umfragen/<int:survey_pk>/ergebnisse/", survey_results, name="survey_results"),
    path(
        "umfragen/<int:survey_pk>/ergebnisse/zusammenfassung.<str:fmt>",
        survey_results_summary,
        name="survey_results_summary",
    ),
    path("umfragen/<int:survey_pk>/ergebnisse/antworten.<str:fmt>", survey_results_raw, name="survey_results_raw"),
    path(
        "umfragen/<int:survey_pk>/ergebnisse/fragen/<int:question_pk>/texte/",
        survey_texts,
        name="survey_texts",
    ),
    path(
        "umfragen/<int:survey_pk>/ergebnisse/antworten/<int:answer_pk>/anliegen/",
        survey_answer_concern,
        name="survey_answer_concern",
    ),
]
