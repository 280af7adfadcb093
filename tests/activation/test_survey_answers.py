"""``submit_response``: the one rule for an answer to a survey, whichever way it comes in."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activation.models import Answer, Choice, Invitation, Question, Response, Survey
from activation.survey_builder import survey_open
from activation.survey_services import TEXT_MAX, submit_response, survey_close
from actors.models import Network, Organisation
from demo.factories import QuartierFactory, user_with_role
from quartier.models import Role

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 4)


@pytest.fixture
def survey():
    area = QuartierFactory()
    survey = Survey.objects.create(area=area, title="Wie lebt es sich hier?")
    single = Question.objects.create(survey=survey, position=1, kind=Question.Kind.SINGLE, text="Wohnen Sie hier?")
    Choice.objects.bulk_create(
        [Choice(question=single, position=1, label="ja"), Choice(question=single, position=2, label="nein")]
    )
    multiple = Question.objects.create(survey=survey, position=2, kind=Question.Kind.MULTIPLE, text="Was fehlt?")
    Choice.objects.bulk_create(
        [Choice(question=multiple, position=i, label=label) for i, label in enumerate(["Bänke", "Bäume", "Licht"])]
    )
    Question.objects.create(survey=survey, position=3, kind=Question.Kind.SCALE, text="Wie gern?", required=True)
    Question.objects.create(
        survey=survey, position=4, kind=Question.Kind.NUMBER, text="Wie lange?", number_min=0, number_max=100
    )
    Question.objects.create(survey=survey, position=5, kind=Question.Kind.TEXT, text="Was noch?")
    survey_open(survey=survey, by=user_with_role(area, Role.GEMEINWESENARBEIT))
    Survey.objects.filter(pk=survey.pk).update(closes_on=TODAY)  # its closing day, which the tests pass as today
    survey.refresh_from_db()
    return survey


def questions(survey):
    return {q.kind: q for q in survey.questions.all()}


def test_a_full_answer_is_recorded_without_time_or_address(survey):
    q = questions(survey)
    yes = q["single"].choices.get(label="ja")
    picked = list(q["multiple"].choices.filter(label__in=["Bänke", "Licht"]).values_list("pk", flat=True))
    response = submit_response(
        survey,
        {
            q["single"].pk: yes.pk,
            q["multiple"].pk: picked,
            q["scale"].pk: "4",
            q["number"].pk: "12,5",
            q["text"].pk: " Mehr Bänke am Platz ",
        },
        language="tr",
        today=TODAY,
    )
    assert response.submitted_on == TODAY and response.language == "tr"
    rows = {(a.question.kind, a.choice_id, a.number, a.text) for a in response.answers.select_related("question")}
    assert rows == {
        ("single", yes.pk, None, ""),
        ("multiple", picked[0], None, ""),
        ("multiple", picked[1], None, ""),
        ("scale", None, Decimal("4.00"), ""),
        ("number", None, Decimal("12.50"), ""),
        ("text", None, None, "Mehr Bänke am Platz"),
    }


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("scale", ""),
        ("scale", "6"),
        ("scale", "2.5"),
        ("scale", "NaN"),
        ("number", "101"),
        ("number", "1.005"),
        ("number", "zwölf"),
        ("single", [1, 2]),
        ("single", 999_999),
        ("multiple", ["x"]),
        ("text", "x" * (TEXT_MAX + 1)),
    ],
)
def test_a_broken_rule_refuses_the_whole_answer(survey, kind, value):
    q = questions(survey)
    values = {q["scale"].pk: "3", q["text"].pk: "etwas"}
    if kind == "single" and value == [1, 2]:
        value = list(q["single"].choices.values_list("pk", flat=True))
    values[q[kind].pk] = value
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, values, today=TODAY)
    assert f"q{q[kind].pk}" in refused.value.message_dict
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_choice_of_another_question_is_refused(survey):
    q = questions(survey)
    foreign = q["multiple"].choices.first()
    with pytest.raises(ValidationError):
        submit_response(survey, {q["scale"].pk: "3", q["single"].pk: foreign.pk}, today=TODAY)
    assert not Response.objects.exists()


def test_a_question_of_another_survey_is_refused(survey):
    other = Survey.objects.create(area=survey.area, title="Andere")
    stranger = Question.objects.create(survey=other, kind=Question.Kind.TEXT, text="?")
    q = questions(survey)
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, {q["scale"].pk: "3", stranger.pk: "hallo"}, today=TODAY)
    assert refused.value.code == "unknown_question"
    assert not Answer.objects.exists()


def test_no_answers_after_the_closing_day_or_once_closed(survey):
    q = questions(survey)
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, {q["scale"].pk: "3"}, today=TODAY + datetime.timedelta(days=1))
    assert refused.value.code == "closed"
    survey_close(survey=survey, by=user_with_role(survey.area, Role.GEMEINWESENARBEIT))
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, {q["scale"].pk: "3"}, today=TODAY)
    assert refused.value.code == "closed"
    assert not Response.objects.exists()


def test_a_survey_opens_only_with_questions_that_can_be_answered():
    area = QuartierFactory()
    staff = user_with_role(area, Role.GEMEINWESENARBEIT)
    empty = Survey.objects.create(area=area, title="Leer")
    with pytest.raises(ValidationError) as refused:
        survey_open(survey=empty, by=staff)
    assert refused.value.code == "no_questions"
    lonely = Question.objects.create(survey=empty, kind=Question.Kind.SINGLE, text="Ja?")
    Choice.objects.create(question=lonely, label="ja")
    with pytest.raises(ValidationError) as refused:
        survey_open(survey=empty, by=staff)
    assert refused.value.code == "too_few_choices"
    empty.refresh_from_db()
    assert empty.status == Survey.Status.DRAFT


def test_a_self_evaluation_is_answered_once_through_its_invitation():
    area = QuartierFactory()
    network = Network.objects.create(area=area, name="AG Jugend")
    organisation = Organisation.objects.create(area=area, name="Jugendtreff")
    survey = Survey.objects.create(
        area=area, title="Selbstevaluation", audience=Survey.Audience.NETWORK, network=network
    )
    question = Question.objects.create(survey=survey, kind=Question.Kind.TEXT, text="Was lief gut?")
    survey_open(survey=survey, by=user_with_role(area, Role.GEMEINWESENARBEIT))
    invitation = Invitation.objects.create(survey=survey, organisation=organisation)
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, {question.pk: "viel"})
    assert refused.value.code == "invitation"
    submit_response(survey, {question.pk: "viel"}, invitation=invitation)
    with pytest.raises(ValidationError) as refused:
        submit_response(survey, {question.pk: "noch mehr"}, invitation=invitation)
    assert refused.value.code == "answered"
    assert Response.objects.get().invitation == invitation
