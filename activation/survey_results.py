"""The results of surveys, read in SQL: how many answered (by day and language), and per question the counts of its
choices or values, a number's mean, median, smallest and largest, and the newest free texts.

Everything is grouped in PostgreSQL (``GROUP BY`` question and choice, ``avg``, ``percentile_cont``, a window for the
newest texts of each question), so ``results_for`` makes the same few queries for one survey or many, with ten
answers or ten thousand: the results page reads one survey, the annual report every survey of its year at once
(``reporting.figures.surveys``). The surveys come with their questions and choices
(``activation.survey_selectors.with_questions``).

A share is of those who answered the question (an optional question left out is not counted); the shares of a
multiple choice question add up to more than 100 %. A filter (``ResultFilter``) narrows the answers to a language
and a span of days; a response keeps its day only (``Response.submitted_on``), never a time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import gettext_lazy as _

from activation.models import Answer, Question, Response, Survey
from quartier.display import share

K = Question.Kind
#: The newest free texts of a question shown on the results page; the rest are on the question's own list.
TEXTS_SHOWN = 5
#: Answers by day for up to this many days; a longer span is shown by week.
DAYS_SHOWN = 62
#: Responses read at once by the raw download.
CHUNK = 2000


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, between the two middle values of an even count."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _two_places(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


# --- What is read --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultFilter:
    """Which responses count: of one language (``""``: all), from ``first`` until ``last`` (days, both included)."""

    language: str = ""
    first: datetime.date | None = None
    last: datetime.date | None = None

    def of_responses(self, prefix: str = "") -> Q:
        """The condition on a response (``prefix``: the path to it, e.g. ``"response__"``)."""
        condition = Q()
        if self.language:
            condition &= Q(**{f"{prefix}language": self.language})
        if self.first is not None:
            condition &= Q(**{f"{prefix}submitted_on__gte": self.first})
        if self.last is not None:
            condition &= Q(**{f"{prefix}submitted_on__lte": self.last})
        return condition

    @property
    def narrowed(self) -> bool:
        return bool(self.language or self.first or self.last)


EVERYTHING = ResultFilter()


@dataclass(frozen=True, slots=True)
class Bar:
    """One answer (a choice, a scale's value) with how many gave it and their share of those who answered."""

    label: str
    count: int
    share: Decimal | None
    key: str = ""  # the choice's pk or the scale's value

    @property
    def width(self) -> float:
        """The bar's length in percent of its track (the largest share fills a hundredth of it)."""
        return float(self.share or 0)


@dataclass(frozen=True, slots=True)
class Text:
    """A free-text answer, with the day it was given and the concern made of it (if any)."""

    pk: int
    text: str
    day: datetime.date
    language: str
    concern_pk: int | None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    pk: int
    position: int
    kind: str
    text: str
    required: bool
    answered: int  # responses that answered the question
    bars: tuple[Bar, ...] = ()  # a choice question's choices, a scale's values, in order
    mean: Decimal | None = None  # scale and number
    median: Decimal | None = None
    minimum: Decimal | None = None  # number
    maximum: Decimal | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    texts: tuple[Text, ...] = ()  # free text: the newest (``TEXTS_SHOWN``)

    @property
    def kind_label(self) -> str:
        return str(K(self.kind).label)

    @property
    def multiple(self) -> bool:
        return self.kind == K.MULTIPLE

    @property
    def leading(self) -> Bar | None:
        """The answer most gave (the first of equals, in the question's order); ``None`` without answers."""
        best = max(self.bars, key=lambda bar: bar.count, default=None)
        return best if best is not None and best.count else None


@dataclass(frozen=True, slots=True)
class DayCount:
    day: datetime.date  # the day, or the Monday of the week
    count: int


@dataclass(frozen=True, slots=True)
class SurveyResults:
    survey_pk: int
    responses: int  # that the filter lets through
    all_responses: int  # of the survey, whatever the filter
    by_day: tuple[DayCount, ...]  # days (or weeks: ``weekly``) with answers, oldest first
    weekly: bool
    by_language: tuple[tuple[str, int], ...]  # language code and count, most first
    questions: tuple[QuestionResult, ...]

    @property
    def first_day(self) -> datetime.date | None:
        return self.by_day[0].day if self.by_day else None

    @property
    def last_day(self) -> datetime.date | None:
        return self.by_day[-1].day if self.by_day else None

    @property
    def busiest(self) -> int:
        return max((row.count for row in self.by_day), default=0)


# --- The reads -----------------------------------------------------------------------------------------------------


def _responses(surveys: Sequence[Survey]) -> dict[int, dict[tuple[datetime.date, str], int]]:
    """Responses by survey, by day and language (one query, unfiltered: the filter is applied in Python)."""
    found: dict[int, dict[tuple[datetime.date, str], int]] = defaultdict(dict)
    rows = (
        Response.objects.filter(survey__in=surveys)
        .values_list("survey_id", "submitted_on", "language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for survey_pk, day, language, count in rows:
        found[survey_pk][(day, language)] = count
    return found


def _kept(day: datetime.date, language: str, filter: ResultFilter) -> bool:
    return (
        (not filter.language or language == filter.language)
        and (filter.first is None or day >= filter.first)
        and (filter.last is None or day <= filter.last)
    )


def _by_day(counts: dict[datetime.date, int]) -> tuple[tuple[DayCount, ...], bool]:
    """Counts by day, or by week (from Monday) when they span more than ``DAYS_SHOWN`` days."""
    if not counts:
        return (), False
    days = sorted(counts)
    if (days[-1] - days[0]).days < DAYS_SHOWN:
        return tuple(DayCount(day, counts[day]) for day in days), False
    weeks: dict[datetime.date, int] = defaultdict(int)
    for day in days:
        weeks[day - datetime.timedelta(days=day.weekday())] += counts[day]
    return tuple(DayCount(week, weeks[week]) for week in sorted(weeks)), True


def _answers(surveys: Sequence[Survey], filter: ResultFilter) -> QuerySet[Answer]:
    return Answer.objects.filter(question__survey__in=surveys).filter(filter.of_responses("response__"))


def results_for(
    surveys: Sequence[Survey], *, filter: ResultFilter = EVERYTHING, texts: bool = True
) -> dict[int, SurveyResults]:
    """The results of each of ``surveys`` (given ``with_questions``) by its pk, of the responses ``filter`` lets
    through. Three queries, and a fourth for the newest free texts of each question (``texts``)."""
    if not surveys:
        return {}
    responses = _responses(surveys)
    answers = _answers(surveys, filter)
    # Per question: how many responses answered it, and of its numbers the mean, median, smallest and largest.
    stats = {
        row["question_id"]: row
        for row in answers.values("question_id")
        .annotate(
            answered=Count("response_id", distinct=True),
            mean=Avg("number"),
            median=Median(Cast("number", FloatField())),
            minimum=Min("number"),
            maximum=Max("number"),
        )
        .order_by()
    }
    # How often each choice was chosen and each value of a scale given.
    counts: dict[int, dict[Any, int]] = defaultdict(dict)
    for question_pk, choice_pk, number, count in (
        answers.filter(Q(choice__isnull=False) | Q(question__kind=K.SCALE))
        .values_list("question_id", "choice_id", "number")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[question_pk][choice_pk if choice_pk is not None else int(number)] = count
    newest: dict[int, list[Text]] = defaultdict(list)
    if texts:
        for row in (
            answers.filter(question__kind=K.TEXT)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("question_id")],
                    order_by=[F("response__submitted_on").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=TEXTS_SHOWN)
            .values("pk", "question_id", "text", "concern_id", "response__submitted_on", "response__language")
            .order_by("question_id", "-response__submitted_on", "-pk")
        ):
            newest[row["question_id"]].append(
                Text(
                    pk=row["pk"],
                    text=row["text"],
                    day=row["response__submitted_on"],
                    language=row["response__language"],
                    concern_pk=row["concern_id"],
                )
            )
    results = {}
    for survey in surveys:
        by_key = responses.get(survey.pk, {})
        days: dict[datetime.date, int] = defaultdict(int)
        languages: dict[str, int] = defaultdict(int)
        for (day, language), count in by_key.items():
            if _kept(day, language, filter):
                days[day] += count
                languages[language] += count
        by_day, weekly = _by_day(days)
        results[survey.pk] = SurveyResults(
            survey_pk=survey.pk,
            responses=sum(days.values()),
            all_responses=sum(by_key.values()),
            by_day=by_day,
            weekly=weekly,
            by_language=tuple(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
            questions=tuple(
                _question(question, stats.get(question.pk, {}), counts.get(question.pk, {}), newest[question.pk])
                for question in survey.questions.all()
            ),
        )
    return results


def _question(question: Question, stats: dict[str, Any], counts: dict[Any, int], texts: list[Text]) -> QuestionResult:
    answered = stats.get("answered", 0)
    common = {
        "pk": question.pk,
        "position": question.position,
        "kind": question.kind,
        "text": question.text,
        "required": question.required,
        "answered": answered,
    }
    if question.kind in Question.CHOICE_KINDS:
        bars = tuple(
            Bar(choice.label, counts.get(choice.pk, 0), share(counts.get(choice.pk, 0), answered), str(choice.pk))
            for choice in question.choices.all()
        )
        return QuestionResult(**common, bars=bars)
    if question.kind == K.SCALE:
        bars = tuple(
            Bar(str(value), counts.get(value, 0), share(counts.get(value, 0), answered), str(value))
            for value in range(question.scale_min, question.scale_max + 1)
        )
        return QuestionResult(
            **common,
            bars=bars,
            mean=_two_places(stats.get("mean")),
            median=_two_places(stats.get("median")),
            scale_min_label=question.scale_min_label,
            scale_max_label=question.scale_max_label,
        )
    if question.kind == K.NUMBER:
        return QuestionResult(
            **common,
            mean=_two_places(stats.get("mean")),
            median=_two_places(stats.get("median")),
            minimum=stats.get("minimum"),
            maximum=stats.get("maximum"),
        )
    return QuestionResult(**common, texts=tuple(texts))


def text_answers(question: Question, filter: ResultFilter = EVERYTHING) -> QuerySet[Answer]:
    """The free texts given to ``question``, newest first, with the day and language of their response."""
    return (
        Answer.objects.filter(question=question)
        .filter(filter.of_responses("response__"))
        .exclude(text="")
        .select_related("response")
        .only("pk", "text", "concern_id", "response__submitted_on", "response__language")
        .order_by("-response__submitted_on", "-pk")
    )


# --- The downloads -------------------------------------------------------------------------------------------------


def summary_rows(survey: Survey, results: SurveyResults) -> Iterator[tuple[object, ...]]:
    """The summary table: question, answer, count, share (of those who answered the question, in percent)."""
    for number, question in enumerate(results.questions, start=1):
        title = f"{number}. {question.text}"
        yield (title, _("answered"), question.answered, None)
        for bar in question.bars:
            yield (title, bar.label, bar.count, bar.share)
        if question.kind in (K.SCALE, K.NUMBER):
            yield (title, _("mean"), question.mean, None)
            yield (title, _("median"), question.median, None)
        if question.kind == K.NUMBER:
            yield (title, _("smallest"), question.minimum, None)
            yield (title, _("largest"), question.maximum, None)


def raw_rows(survey: Survey, filter: ResultFilter = EVERYTHING) -> Iterator[list[object]]:
    """One row per response of ``survey`` (given ``with_questions``) that ``filter`` lets through: its number, day
    and language, then one cell per question (the chosen labels of a multiple choice joined with commas). The
    answers are read in chunks of ``CHUNK`` rows through a server-side cursor, never all at once."""
    questions = list(survey.questions.all())
    column = {question.pk: index for index, question in enumerate(questions)}
    labels = {choice.pk: choice.label for question in questions for choice in question.choices.all()}
    rows = (
        Answer.objects.filter(response__survey=survey)
        .filter(filter.of_responses("response__"))
        .order_by("response_id", "question__position", "question_id", "choice__position", "choice_id")
        .values_list(
            "response_id", "response__submitted_on", "response__language", "question_id", "choice_id", "number", "text"
        )
    )
    for response_pk, answers in groupby(rows.iterator(chunk_size=CHUNK), key=lambda row: row[0]):
        cells: list[list[object]] = [[] for _question in questions]
        first = None
        for row in answers:
            first = first or row
            _pk, _day, _language, question_pk, choice_pk, number, text = row
            if choice_pk is not None:
                cells[column[question_pk]].append(labels.get(choice_pk, ""))
            else:
                cells[column[question_pk]].append(number if number is not None else text)
        day, language = (first[1], first[2]) if first else (None, "")
        yield [
            response_pk,
            day,
            language,
            *(
                ", ".join(str(value) for value in values) if len(values) > 1 else (values[0] if values else None)
                for values in cells
            ),
        ]
