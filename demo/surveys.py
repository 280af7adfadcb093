"""The surveys' demo data: the office's open public survey about living in the area, its answers, and in the large
demo a few surveys with thousands of answers.

``demo_surveys`` makes the survey, with a question of every kind, through the builder's services
(``survey_create``, ``question_add``, ``survey_translate``, ``survey_open``) so each passes their checks; it does
nothing if the area has surveys already. The small demo answers it through ``submit_response`` (the one rule for an
answer), about sixty questionnaires over the last weeks in German, Turkish, Arabic and English, so the results page
has something to show. The large one writes ``LARGE_SURVEYS`` closed surveys per area with ``bulk_create`` (the
biggest with ``LARGE_ANSWERS`` questionnaires), drawn by the same rule: a required question always answered, one
choice of a single choice question, a scale's value within its scale, no time of day
(``tests/activation/test_survey_results_demo.py`` checks a sample against ``submit_response``'s rule per question).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from activation.models import Answer, Choice, Question, Response, Survey
from activation.survey_builder import Texts, question_add, survey_create, survey_open, survey_translate
from activation.survey_services import Value, submit_response
from quartier.models import Quartier

TITLE = "Wie lebt es sich im Kiez?"

#: kind, text, explanation, required, extra fields, choices
QUESTIONS: list[tuple[str, str, str, bool, dict[str, object], list[str]]] = [
    (
        Question.Kind.SCALE,
        "Wie zufrieden sind Sie mit dem Wohnumfeld?",
        "Straßen, Plätze, Grün und Sauberkeit in Ihrer Nachbarschaft.",
        True,
        {"scale_min": 1, "scale_max": 5, "scale_min_label": "gar nicht zufrieden", "scale_max_label": "sehr zufrieden"},
        [],
    ),
    (
        Question.Kind.SINGLE,
        "Wie lange wohnen Sie schon im Gebiet?",
        "",
        False,
        {},
        ["weniger als 2 Jahre", "2 bis 10 Jahre", "mehr als 10 Jahre", "ich wohne nicht hier"],
    ),
    (
        Question.Kind.MULTIPLE,
        "Was fehlt Ihnen in der Nachbarschaft am meisten?",
        "Mehrere Antworten sind möglich.",
        False,
        {},
        ["Bänke und Sitzplätze", "Spielplätze", "Treffpunkte für Jugendliche", "Beleuchtung", "Bäume und Grün"],
    ),
    (
        Question.Kind.NUMBER,
        "Wie viele Menschen leben in Ihrem Haushalt?",
        "",
        False,
        {"number_min": 1, "number_max": 20},
        [],
    ),
    (
        Question.Kind.TEXT,
        "Was sollte das Stadtteilbüro als Nächstes anpacken?",
        "Ihre Idee, Ihr Anliegen – in eigenen Worten.",
        False,
        {},
        [],
    ),
]

ENGLISH = {
    "title": "How is life in the neighbourhood?",
    "introduction": "The neighbourhood office wants to know what works and what is missing. It takes five minutes.",
}


def demo_surveys(area: Quartier, *, now: datetime.datetime | None = None) -> list[Survey]:
    """Give ``area`` its demo survey (open until eight weeks from now); return the area's surveys."""
    if Survey.objects.filter(area=area).exists():
        return list(Survey.objects.filter(area=area))
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        survey = survey_create(
            area=area,
            data={
                "title": TITLE,
                "introduction": (
                    "Das Stadtteilbüro möchte wissen, was im Kiez gut läuft und was fehlt. Die Befragung dauert "
                    "etwa fünf Minuten; die Ergebnisse stellen wir im Quartiersrat vor."
                ),
                "audience": Survey.Audience.PUBLIC,
                "closes_on": today + datetime.timedelta(weeks=8),
            },
            by=None,
        )
        for kind, text, explanation, required, extra, choices in QUESTIONS:
            data = {"kind": kind, "text": text, "help_text": explanation, "required": required, **extra}
            question_add(survey=survey, data=data, choices=choices, by=None)
        first = survey.questions.order_by("position").first()
        survey_translate(
            survey=survey,
            language="en",
            texts=Texts(
                survey=ENGLISH,
                questions={first.pk: {"text": "How satisfied are you with your surroundings?"}} if first else {},
                choices={},
            ),
            by=None,
        )
        survey_open(survey=survey, by=None)
    survey.refresh_from_db()
    return [survey]


K = Question.Kind
BATCH = 5000

#: What residents write, by language: the small demo's free texts.
TEXTS: dict[str, list[str]] = {
    "de": [
        "Mehr Bänke am Kanalufer, damit Ältere sich ausruhen können.",
        "Der Spielplatz an der Uferstraße braucht dringend neue Geräte.",
        "Abends ist der Weg durch den Park zu dunkel.",
        "Ein Nachbarschaftscafé am Wochenende wäre schön.",
        "Die Mülleimer am Platz quellen oft über.",
        "Mehr Angebote für Jugendliche nach 18 Uhr.",
        "Radwege sind zugeparkt, bitte mehr Kontrollen.",
        "Ich wünsche mir Sprachkurse im Stadtteilbüro.",
    ],
    "tr": [
        "Parkta daha fazla ağaç ve gölge olmalı.",
        "Çocuklar için güvenli bir oyun alanı istiyoruz.",
        "Kadınlar için buluşma yeri olsun.",
    ],
    "ar": [
        "نحتاج إلى مزيد من الإضاءة في الشارع ليلاً.",
        "دورات لغة ألمانية للأمهات مع رعاية الأطفال.",
    ],
    "en": [
        "More benches and a drinking fountain by the canal.",
        "A repair café once a month would be great.",
    ],
}
#: Languages of the small demo's answers, as often as they come.
LANGUAGES = ["de"] * 6 + ["tr"] * 2 + ["ar"] + ["en"]


def _demo_survey_for_answers(area: Quartier) -> Survey:
    """The area's open public demo survey (``demo_surveys``), which the small demo's answers go to."""
    return next(
        survey
        for survey in demo_surveys(area)
        if survey.audience == Survey.Audience.PUBLIC and survey.status == Survey.Status.OPEN
    )


def _questions(survey: Survey) -> None:
    single = Question.objects.create(
        survey=survey, position=1, kind=K.SINGLE, text="Wie lange wohnen Sie schon im Kiez?", required=True
    )
    _choices(single, ["weniger als 2 Jahre", "2 bis 10 Jahre", "mehr als 10 Jahre", "ich wohne nicht hier"])
    multiple = Question.objects.create(
        survey=survey, position=2, kind=K.MULTIPLE, text="Was fehlt Ihnen im Kiez?", help_text="Mehrere möglich."
    )
    _choices(multiple, ["Sitzbänke", "Grün und Schatten", "Beleuchtung", "Treffpunkte", "Angebote für Jugendliche"])
    Question.objects.create(
        survey=survey, position=3, kind=K.SCALE, text="Wie zufrieden sind Sie mit dem Wohnumfeld?", required=True,
        scale_min=1, scale_max=5, scale_min_label="gar nicht zufrieden", scale_max_label="sehr zufrieden",
    )  # fmt: skip
    Question.objects.create(
        survey=survey, position=4, kind=K.NUMBER, text="Wie viele Personen leben in Ihrem Haushalt?",
        number_min=Decimal("1"), number_max=Decimal("20"),
    )  # fmt: skip
    Question.objects.create(survey=survey, position=5, kind=K.TEXT, text="Was wünschen Sie sich für den Kiez?")


def _choices(question: Question, labels: Iterable[str]) -> None:
    Choice.objects.bulk_create(
        [Choice(question=question, position=index, label=label) for index, label in enumerate(labels, start=1)]
    )


def _values(questions: list[Question], rng: random.Random, language: str) -> dict[int, Value]:
    """A plausible filled-in questionnaire: required questions always, the others mostly."""
    values: dict[int, Value] = {}
    for question in questions:
        if not question.required and rng.random() < 0.25:
            continue
        choices = list(question.choices.all())
        if question.kind == K.SINGLE:
            values[question.pk] = rng.choices(choices, weights=range(len(choices), 0, -1))[0].pk
        elif question.kind == K.MULTIPLE:
            values[question.pk] = [choice.pk for choice in rng.sample(choices, k=rng.randint(1, 3))]
        elif question.kind == K.SCALE:
            weights = [min(step + 1, 4) for step in range(_span(question))]
            values[question.pk] = rng.choices(range(question.scale_min, question.scale_max + 1), weights=weights)[0]
        elif question.kind == K.NUMBER:
            values[question.pk] = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 6])
        elif rng.random() < 0.6:
            values[question.pk] = rng.choice(TEXTS[language])
    return values


def _span(question: Question) -> int:
    return question.scale_max - question.scale_min + 1


def demo_survey_answers(survey: Survey, *, count: int = 60, rng: random.Random | None = None) -> int:
    """Answer ``survey`` ``count`` times through ``submit_response``, spread over the last five weeks (each on its own
    day, never after today nor after the survey closes); return how many answers it has. Does nothing if it has
    answers already."""
    if survey.responses.exists():
        return survey.responses.count()
    rng = rng or random.Random(f"survey-{survey.pk}")  # noqa: S311  # demo data  # nosec B311
    questions = list(survey.questions.prefetch_related("choices"))
    today = timezone.localdate()
    for _ in range(count):
        language = rng.choice(LANGUAGES)
        day = today - datetime.timedelta(days=min(int(rng.expovariate(1 / 8)), 35))
        submit_response(survey, _values(questions, rng, language), language=language, today=day)
    return survey.responses.count()


# --- The large demo -------------------------------------------------------------------------------------------------

#: Surveys per area in the large demo, and the answers of the biggest (the others get a fifth and a twentieth).
LARGE_SURVEYS = 3
LARGE_ANSWERS = 5000


def seed_surveys(*, area: Quartier, scale: str, rng: random.Random, now: datetime.datetime | None = None) -> int:
    """Give ``area`` its surveys' answers for ``scale``; return how many responses its surveys have."""
    if scale == "small":
        return demo_survey_answers(_demo_survey_for_answers(area), rng=rng)
    if Survey.objects.filter(area=area, title__startswith="Umfrage ").exists():
        return Response.objects.filter(survey__area=area).count()
    with transaction.atomic():
        _large(area, rng, now or timezone.now())
    return Response.objects.filter(survey__area=area).count()


def _large(area: Quartier, rng: random.Random, now: datetime.datetime) -> None:
    """``LARGE_SURVEYS`` closed surveys, a year apart, with ``LARGE_ANSWERS``, a fifth and a twentieth as many
    answers, written in bulk over the eight weeks each was open."""
    today = timezone.localdate(now)
    for number in range(LARGE_SURVEYS):
        opened = today - datetime.timedelta(days=365 * number + 90)
        closes = opened + datetime.timedelta(days=56)
        survey = Survey.objects.create(
            area=area,
            title=f"Umfrage {opened.year}: Wie lebt es sich im Kiez?",
            status=Survey.Status.CLOSED,
            closes_on=closes,
            opened_at=timezone.make_aware(datetime.datetime.combine(opened, datetime.time(9))),
            closed_at=timezone.make_aware(datetime.datetime.combine(closes, datetime.time(23))),
        )
        _questions(survey)
        questions = list(survey.questions.prefetch_related("choices"))
        count = max(LARGE_ANSWERS // (1, 5, 20)[number % 3], 1)
        _bulk_answers(survey, questions, count, opened, rng)


def _bulk_answers(
    survey: Survey, questions: list[Question], count: int, opened: datetime.date, rng: random.Random
) -> None:
    responses = []
    drawn = []
    for _ in range(count):
        language = rng.choice(LANGUAGES)
        day = opened + datetime.timedelta(days=min(int(rng.expovariate(1 / 10)), 55))
        responses.append(Response(survey=survey, submitted_on=day, language=language))
        drawn.append(_values(questions, rng, language))
    responses = Response.objects.bulk_create(responses, batch_size=BATCH)
    by_pk = {question.pk: question for question in questions}
    answers = []
    for response, values in zip(responses, drawn, strict=True):
        for question_pk, value in values.items():
            kind = by_pk[question_pk].kind
            if kind in Question.CHOICE_KINDS:
                for choice_pk in value if isinstance(value, list) else [value]:
                    answers.append(Answer(response=response, question_id=question_pk, choice_id=choice_pk))
            elif kind in (K.SCALE, K.NUMBER):
                answers.append(Answer(response=response, question_id=question_pk, number=Decimal(str(value))))
            else:
                answers.append(Answer(response=response, question_id=question_pk, text=str(value)))
    Answer.objects.bulk_create(answers, batch_size=BATCH)
