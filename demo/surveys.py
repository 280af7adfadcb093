"""The surveys' demo data: one open public survey of the office about living in the area, with a question of every
kind, entered through the builder's services (``survey_create``, ``question_add``, ``survey_translate``,
``survey_open``) so each passes their checks. No answers here: the results' demo adds them (``demo_surveys`` is the
place to extend). Does nothing if the area has surveys already."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from activation.models import Question, Survey
from activation.survey_builder import Texts, question_add, survey_create, survey_open, survey_translate
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
