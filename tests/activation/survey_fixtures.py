"""A survey with a question of every kind, made through the builder's services, for the surveys' tests."""

from __future__ import annotations

from activation.models import Question, Survey
from activation.survey_builder import question_add, survey_create, survey_open
from quartier.models import Quartier


def survey_of_every_kind(area: Quartier, *, title: str = "Wie lebt es sich hier?", open_it: bool = True) -> Survey:
    """A public survey: a single choice (ja/nein), a multiple choice (Bänke/Bäume/Licht), a required scale 1–5
    with end labels, a number 0–100 and a free text; open unless ``open_it`` is False."""
    survey = survey_create(
        area=area,
        data={"title": title, "introduction": "Sagen Sie uns Ihre Meinung.", "audience": "oeffentlich"},
        by=None,
    )
    rows = [
        ("single", "Wohnen Sie hier?", {}, ["ja", "nein"]),
        ("multiple", "Was fehlt?", {}, ["Bänke", "Bäume", "Licht"]),
        (
            "scale",
            "Wie zufrieden sind Sie?",
            {"required": True, "scale_min_label": "gar nicht", "scale_max_label": "sehr"},
            [],
        ),
        ("number", "Wie viele Jahre?", {"number_min": 0, "number_max": 100}, []),
        ("text", "Was noch?", {}, []),
    ]
    for kind, text, extra, choices in rows:
        question_add(survey=survey, data={"kind": kind, "text": text, **extra}, choices=choices, by=None)
    if open_it:
        survey_open(survey=survey, by=None)
        survey.refresh_from_db()
    return survey


def by_kind(survey: Survey) -> dict[str, Question]:
    return {question.kind: question for question in survey.questions.all()}
