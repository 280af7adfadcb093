"""The surveys' demo: the small one answers through ``submit_response``; the large one writes thousands of answers in
bulk, and a sample of them obeys ``submit_response``'s rule for each question; its results page stays cheap."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.test import Client

from activation.models import Answer, Question, Response, Survey
from activation.survey_services import _answers_to
from demo import surveys as surveys_demo
from demo.factories import user_with_role
from quartier.models import Quartier, Role, User

K = Question.Kind


def test_the_small_demo_answers_its_survey_in_four_languages(area: Quartier) -> None:
    user_with_role(area, Role.GEMEINWESENARBEIT)
    count = surveys_demo.seed_surveys(area=area, scale="small", rng=random.Random(3))  # noqa: S311  # nosec B311
    [survey] = Survey.objects.filter(area=area)
    assert survey.status == Survey.Status.OPEN and 40 <= count == survey.responses.count() <= 80
    assert set(survey.responses.values_list("language", flat=True)) == {"de", "tr", "ar", "en"}
    assert Answer.objects.filter(question__survey=survey, question__kind=K.TEXT).exists()
    again = surveys_demo.seed_surveys(area=area, scale="small", rng=random.Random(3))  # noqa: S311  # nosec B311
    assert again == count and Survey.objects.filter(area=area).count() == 1  # idempotent


def _values_of(answers: list[Answer]) -> dict[int, object]:
    """A response's stored answers as the form would hand them over, by question."""
    values: dict[int, object] = {}
    for answer in answers:
        question = answer.question
        if question.kind == K.MULTIPLE:
            values.setdefault(question.pk, []).append(answer.choice_id)  # type: ignore[union-attr]
        elif question.kind == K.SINGLE:
            values[question.pk] = answer.choice_id
        elif question.kind in (K.SCALE, K.NUMBER):
            values[question.pk] = answer.number
        else:
            values[question.pk] = answer.text
    return values


def test_the_large_demo_writes_thousands_of_answers_that_obey_the_rule(
    area: Quartier, client: Client, monkeypatch: pytest.MonkeyPatch, role_users: dict[str, User]
) -> None:
    monkeypatch.setattr(surveys_demo, "LARGE_ANSWERS", 2000)
    written = surveys_demo.seed_surveys(area=area, scale="large", rng=random.Random(4))  # noqa: S311  # nosec B311
    surveys = list(Survey.objects.filter(area=area).order_by("-closes_on"))
    assert len(surveys) == 3 and written == 2000 + 400 + 100
    assert [survey.responses.count() for survey in surveys] == [2000, 400, 100]
    for survey in surveys:
        survey.full_clean()
        days = survey.responses.values_list("submitted_on", flat=True)
        assert all(survey.opened_at.date() <= day <= survey.closes_on for day in days)
    # A sample re-validated through the same rule for each question as an answer through the public page.
    sample = list(Response.objects.filter(survey__area=area).order_by("?")[:150])
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(response__in=sample).select_related("question"):
        answers[answer.response_id].append(answer)
    for response in sample:
        values = _values_of(answers[response.pk])
        survey_questions = Question.objects.filter(survey_id=response.survey_id).prefetch_related("choices")
        expected = []
        for question in survey_questions:
            expected.extend(
                (row.question_id, row.choice_id, row.number, row.text)
                for row in _answers_to(question, values.get(question.pk))
            )
        stored = [(a.question_id, a.choice_id, a.number, a.text) for a in answers[response.pk]]
        assert sorted(stored, key=str) == sorted(expected, key=str), response.pk
        for answer in answers[response.pk]:
            answer.full_clean(exclude=["response", "question", "choice", "concern"])
    # The results page of the biggest survey opens.
    client.force_login(role_users["planung"])
    response = client.get(f"/gebiet/{area.slug}/umfragen/{surveys[0].pk}/ergebnisse/")
    assert response.status_code == 200 and "2000 Fragebögen beantwortet." in response.content.decode()
