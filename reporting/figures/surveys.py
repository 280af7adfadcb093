"""Section 5, surveys: the year's surveys (aktivierende Befragungen, self-evaluations), each with the questionnaires
answered in the year and its key results: for a single or multiple choice question the answer given most and its
share of those who answered it, for a scale or a number its mean; a free-text question is only counted, never quoted
(the report goes to funders and the public, and a resident's text may name people).

A survey is the year's when it took answers at some time in the year: opened before the year ended, and neither
closed (``closed_at``) nor past its closing day (``closes_on``) before it began; or when a questionnaire of the year
is recorded for it (a survey closed and opened again keeps only its latest opening). Its figures count the
questionnaires answered from 1 January to 31 December (``Response.submitted_on``, a day). The reads are those of the
results page (``activation.survey_results.results_for``): six queries for all the year's surveys, one when there is
none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from activation.models import Question, Response, Survey
from activation.survey_results import QuestionResult, ResultFilter, results_for
from activation.survey_selectors import with_questions
from quartier.exports import Column, number_column
from quartier.models import Quartier
from reporting import charts
from reporting.figures.common import Table
from reporting.selectors import Span

K = Question.Kind


@dataclass(frozen=True, slots=True)
class KeyResult:
    """One question's key result: the leading answer and its share, or the mean; a free text only counted."""

    question: str
    kind: str
    answered: int
    leading: str = ""  # the answer most gave (a choice's label)
    share: Decimal | None = None  # its share of those who answered, in percent
    mean: Decimal | None = None  # a scale's or a number's
    scale: str = ""  # a scale's range, "1–5"

    @property
    def kind_label(self) -> str | Promise:
        return K(self.kind).label

    @property
    def text(self) -> bool:
        return self.kind == K.TEXT


@dataclass(frozen=True, slots=True)
class SurveyRow:
    title: str
    audience: str | Promise
    opened: datetime.date | None
    closed: datetime.date | None  # closed, or its closing day; None while it runs without one
    answers: int  # questionnaires answered in the year
    results: tuple[KeyResult, ...]


@dataclass(frozen=True, slots=True)
class SurveysSection:
    surveys: tuple[SurveyRow, ...]
    answers: int  # questionnaires answered in the year, all surveys
    chart: charts.HBarChart  # questionnaires per survey

    def tables(self) -> dict[str, Table]:
        return {
            "umfragen": Table(
                _("Surveys of the year"),
                (_("Survey"), _("Who answers"), number_column(_("Questionnaires answered in the year"))),
                tuple((row.title, row.audience, row.answers) for row in self.surveys),
            ),
            "umfragen-ergebnisse": Table(
                _("Key results of the surveys"),
                (
                    _("Survey"),
                    _("Question"),
                    _("Kind"),
                    number_column(_("Answered")),
                    _("Answer most given"),
                    Column(_("Share in %")),
                    Column(_("Mean")),
                ),
                tuple(
                    (row.title, r.question, r.kind_label, r.answered, r.leading, r.share, r.mean)
                    for row in self.surveys
                    for r in row.results
                ),
            ),
        }


def year_surveys(area: Quartier, span: Span) -> list[Survey]:
    """The surveys of ``area`` that took answers in the year, or have answers of it (one query, and two for their
    questions and choices when there are some)."""
    answered_in_year = Response.objects.filter(span.dates("submitted_on"), survey=OuterRef("pk"))
    open_in_year = (
        Q(opened_at__lt=span.end)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=span.start))
        & (Q(closes_on__isnull=True) | Q(closes_on__gte=span.first))
    )
    surveys = (
        Survey.objects.filter(area=area)
        .exclude(status=Survey.Status.DRAFT)
        .filter(open_in_year | Exists(answered_in_year))
        .order_by("opened_at", "pk")
    )
    return list(with_questions(surveys))


def _key_result(result: QuestionResult, *, scale: str) -> KeyResult:
    key = KeyResult(question=result.text, kind=result.kind, answered=result.answered)
    if result.kind in Question.CHOICE_KINDS:
        leading = result.leading
        return key if leading is None else replace(key, leading=leading.label, share=leading.share)
    if result.kind in (K.SCALE, K.NUMBER):
        return replace(key, mean=result.mean, scale=scale if result.kind == K.SCALE else "")
    return key


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def surveys_section(area: Quartier, year: int) -> SurveysSection:
    """Six queries (one without surveys)."""
    span = Span(year)
    surveys = year_surveys(area, span)
    results = results_for(surveys, filter=ResultFilter(first=span.first, last=span.last), texts=False)
    audiences = dict(Survey.Audience.choices)
    rows = []
    for survey in surveys:
        found = results[survey.pk]
        scales = {question.pk: f"{question.scale_min}–{question.scale_max}" for question in survey.questions.all()}
        rows.append(
            SurveyRow(
                title=survey.title,
                audience=audiences.get(survey.audience, survey.audience),
                opened=_day(survey.opened_at),
                closed=_day(survey.closed_at) or survey.closes_on,
                answers=found.responses,
                results=tuple(_key_result(question, scale=scales[question.pk]) for question in found.questions),
            )
        )
    return SurveysSection(
        surveys=tuple(rows),
        answers=sum(row.answers for row in rows),
        chart=charts.hbar_chart([(row.title, [row.answers]) for row in rows]),
    )
