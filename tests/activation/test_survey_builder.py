"""The office's questionnaire (``activation.survey_builder``): questions of every kind with their choices typed one
per line, kept in order; what may change once answers exist and what is refused (in German, nothing half-saved);
translations; deleting a draft; and the invitations of a self-evaluation (once each, by mail, never twice)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from activation.models import Choice, Invitation, Question, Response, Survey
from activation.survey_builder import (
    Texts,
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
from activation.survey_services import submit_response, survey_close
from actors.models import NetworkMembership
from demo.factories import NetworkFactory, OrganisationFactory, QuartierFactory
from demo.surveys import demo_surveys
from quartier.models import Mail, Quartier

pytestmark = pytest.mark.django_db


def german(refusal: pytest.ExceptionInfo[ValidationError]) -> str:
    with translation.override("de"):
        return " ".join(str(message) for message in refusal.value.messages)


def a_survey(area: Quartier, **data: object) -> Survey:
    return survey_create(
        area=area, data={"title": "Wie lebt es sich hier?", "audience": "oeffentlich", **data}, by=None
    )


def add(survey: Survey, kind: str, text: str = "Frage?", choices: tuple[str, ...] = (), **data: object) -> Question:
    return question_add(survey=survey, data={"kind": kind, "text": text, **data}, choices=list(choices), by=None)


def labels(question: Question) -> list[str]:
    return list(question.choices.order_by("position").values_list("label", flat=True))


def test_questions_of_every_kind_are_kept_in_order_with_their_choices(area: Quartier) -> None:
    survey = a_survey(area)
    single = add(survey, "single", "Wohnen Sie hier?", (" ja ", "", "nein"))
    add(survey, "multiple", "Was fehlt?", ("Bänke", "Bäume", "Licht"))
    scale = add(survey, "scale", "Wie zufrieden?", scale_min=0, scale_max=10, scale_max_label="sehr")
    add(survey, "number", "Wie viele?", number_min=1, number_max=20)
    add(survey, "text", "Was noch?")
    assert [q.kind for q in survey.questions.order_by("position")] == ["single", "multiple", "scale", "number", "text"]
    assert [q.position for q in survey.questions.order_by("position")] == [1, 2, 3, 4, 5]
    assert labels(single) == ["ja", "nein"]  # trimmed, empty lines left out
    assert scale.choices.count() == 0 and (scale.scale_min, scale.scale_max) == (0, 10)


@pytest.mark.parametrize(
    ("kind", "choices", "data", "field"),
    [
        ("single", ("nur eine",), {}, "choices"),
        ("multiple", ("a", "a"), {}, "choices"),
        ("single", tuple(str(n) for n in range(31)), {}, "choices"),
        ("single", ("x" * 201, "b"), {}, "choices"),
        ("scale", (), {"scale_min": 3, "scale_max": 3}, None),
        ("scale", (), {"scale_min": 0, "scale_max": 11}, None),
        ("number", (), {"number_min": 5, "number_max": 1}, None),
        ("text", (), {"text": ""}, "text"),
    ],
)
def test_a_question_that_cannot_be_answered_is_refused_and_nothing_is_saved(area, kind, choices, data, field) -> None:
    survey = a_survey(area)
    with pytest.raises(ValidationError) as refused:
        question_add(survey=survey, data={"kind": kind, "text": "Frage?", **data}, choices=list(choices), by=None)
    if field:
        assert field in refused.value.message_dict
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_a_network_of_another_area_or_none_is_refused_for_a_self_evaluation(area: Quartier) -> None:
    foreign = NetworkFactory(area=QuartierFactory())
    with pytest.raises(ValidationError) as refused:
        a_survey(area, audience="netzwerk", network=foreign)
    assert "network" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        a_survey(area, audience="netzwerk")
    assert "network" in refused.value.message_dict
    public = a_survey(area, network=NetworkFactory(area=area))  # a public survey has no network: it is dropped
    assert public.network is None
    assert Survey.objects.count() == 1


def test_the_choices_follow_the_lines_and_keep_their_rows_where_they_stay(area: Quartier) -> None:
    survey = a_survey(area)
    question = add(survey, "single", "Wie?", ("gut", "schlecht", "mittel"))
    rows = {choice.label: choice.pk for choice in question.choices.all()}
    question_update(question=question, data={}, choices=["gut", "mittelmäßig", "schlecht", "weiß nicht"], by=None)
    after = {choice.label: choice.pk for choice in question.choices.all()}
    assert labels(question) == ["gut", "mittelmäßig", "schlecht", "weiß nicht"]
    assert after["gut"] == rows["gut"] and after["schlecht"] == rows["schlecht"]  # moved, same rows
    question_update(question=question, data={}, choices=["sehr gut", "mittelmäßig", "schlecht"], by=None)
    assert question.choices.get(label="sehr gut").pk == rows["gut"]  # corrected in its place: the same choice


def _answered(area: Quartier) -> tuple[Survey, dict[str, Question]]:
    survey = a_survey(area)
    q = {
        "single": add(survey, "single", "Wohnen Sie hier?", ("ja", "nein", "teils")),
        "scale": add(survey, "scale", "Wie gern?"),
        "number": add(survey, "number", "Wie viele?", number_max=10),
        "text": add(survey, "text", "Was noch?"),
    }
    survey_open(survey=survey, by=None)
    yes = q["single"].choices.get(label="ja")
    submit_response(survey, {q["single"].pk: yes.pk, q["scale"].pk: "4"})
    return survey, q


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "multiple"}, "kind"),
        ({"scale_max": 7}, "scale_max"),
        ({"scale_min": 2}, "scale_min"),
    ],
)
def test_what_an_answer_stands_on_stays_once_it_is_answered(area: Quartier, data: dict, field: str) -> None:
    _survey, q = _answered(area)
    question = q["scale"]
    with pytest.raises(ValidationError) as refused:
        question_update(question=question, data={"text": "Geändert?", **data}, choices=[], by=None)
    assert field in refused.value.message_dict
    assert "Antworten" in german(refused)
    question.refresh_from_db()
    assert (question.kind, question.text, question.scale_max) == ("scale", "Wie gern?", 5)


def test_an_answered_question_and_a_chosen_choice_are_not_deleted(area: Quartier) -> None:
    survey, q = _answered(area)
    with pytest.raises(ValidationError) as refused:
        question_delete(question=q["single"], by=None)
    assert "Antworten" in german(refused)
    with pytest.raises(ValidationError) as refused:
        question_update(question=q["single"], data={}, choices=["nein", "teils"], by=None)
    assert "ja" in german(refused)
    assert labels(q["single"]) == ["ja", "nein", "teils"]
    # What no answer stands on may still change: an unchosen choice goes, a label is corrected, the text too.
    question_update(question=q["single"], data={"text": "Wohnen Sie im Kiez?"}, choices=["Ja", "nein"], by=None)
    assert labels(q["single"]) == ["Ja", "nein"]
    assert q["single"].answers.get().choice.label == "Ja"
    question_delete(question=q["text"], by=None)  # never answered
    assert [row.position for row in survey.questions.order_by("position")] == [1, 2, 3]


def test_once_answers_exist_no_question_becomes_required(area: Quartier) -> None:
    survey, q = _answered(area)
    with pytest.raises(ValidationError) as refused:
        add(survey, "text", "Neu?", required=True)
    assert "required" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        question_update(question=q["number"], data={"required": True}, choices=[], by=None)
    assert "required" in refused.value.message_dict
    add(survey, "text", "Neu, freiwillig?")  # an optional one may be added
    question_update(question=q["scale"], data={"required": False}, choices=[], by=None)  # and required → optional
    assert survey.questions.count() == 5


def test_who_answers_is_fixed_once_the_survey_is_opened(area: Quartier) -> None:
    survey, _q = _answered(area)
    network = NetworkFactory(area=area)
    with pytest.raises(ValidationError) as refused:
        survey_update(survey=survey, data={"audience": "netzwerk", "network": network}, by=None)
    assert "audience" in refused.value.message_dict
    survey_update(survey=survey, data={"title": "Neuer Titel", "closes_on": datetime.date(2030, 1, 1)}, by=None)
    survey.refresh_from_db()
    assert (survey.title, survey.audience) == ("Neuer Titel", "oeffentlich")


def test_only_a_draft_is_deleted(area: Quartier) -> None:
    draft = a_survey(area)
    add(draft, "single", "Ja?", ("ja", "nein"))
    survey_delete(survey=draft, by=None)
    assert not Survey.objects.exists() and not Choice.objects.exists()
    survey, _q = _answered(area)
    survey_close(survey=survey, by=None)
    with pytest.raises(ValidationError) as refused:
        survey_delete(survey=survey, by=None)
    assert "Entwurf" in german(refused)
    assert Response.objects.filter(survey=survey).exists()


def test_moving_a_question_swaps_it_with_its_neighbour(area: Quartier) -> None:
    survey = a_survey(area)
    first, _second, third = (add(survey, "text", text) for text in ("A?", "B?", "C?"))
    question_move(question=third, up=True, by=None)
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == ["A?", "C?", "B?"]
    question_move(question=first, up=True, by=None)  # at the top already: nothing moves
    question_move(question=first, up=False, by=None)
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == ["C?", "A?", "B?"]


def test_translations_are_kept_per_language_and_refuse_rows_of_another_survey(area: Quartier) -> None:
    survey = a_survey(area, introduction="Hallo")
    question = add(survey, "single", "Ja?", ("ja", "nein"))
    yes = question.choices.get(label="ja")
    texts = Texts(
        survey={"title": "How is life here?", "introduction": ""},
        questions={question.pk: {"text": "Yes?", "help_text": ""}},
        choices={yes.pk: "yes"},
    )
    survey_translate(survey=survey, language="en", texts=texts, by=None)
    survey.refresh_from_db()
    question.refresh_from_db()
    yes.refresh_from_db()
    assert survey.translations == {"en": {"title": "How is life here?"}}
    assert question.translations == {"en": {"text": "Yes?"}} and yes.translations == {"en": "yes"}
    other = add(a_survey(area), "text", "Fremd?")
    for forged in (
        Texts(survey={}, questions={other.pk: {"text": "x"}}, choices={}),
        Texts(survey={}, questions={}, choices={10**9: "x"}),
    ):
        with pytest.raises(ValidationError):
            survey_translate(survey=survey, language="en", texts=forged, by=None)
    with pytest.raises(ValidationError):
        survey_translate(survey=survey, language="fr", texts=texts, by=None)
    with pytest.raises(ValidationError):
        survey_translate(
            survey=survey, language="tr", texts=Texts(survey={"title": "x" * 201}, questions={}, choices={}), by=None
        )
    survey.refresh_from_db()
    assert set(survey.translations) == {"en"}
    # Emptied, the translation is gone: the German text stands in.
    survey_translate(survey=survey, language="en", texts=Texts(survey={}, questions={}, choices={}), by=None)
    survey.refresh_from_db()
    assert survey.translations == {}


def _self_evaluation(area: Quartier) -> tuple[Survey, list]:
    network = NetworkFactory(area=area, name="AG Jugend")
    reachable = OrganisationFactory(area=area, name="Jugendtreff", email="treff@example.org")
    silent = OrganisationFactory(area=area, name="Bolzplatz-Initiative", email="")
    former = OrganisationFactory(area=area, name="Ehemalige", email="alt@example.org")
    for organisation in (reachable, silent):
        NetworkMembership.objects.create(network=network, organisation=organisation)
    NetworkMembership.objects.create(
        network=network, organisation=former, start=datetime.date(2020, 1, 1), end=datetime.date(2021, 1, 1)
    )
    survey = a_survey(area, audience="netzwerk", network=network, title="Selbstevaluation 2026")
    add(survey, "text", "Was lief gut?")
    return survey, [reachable, silent, former]


def test_opening_a_self_evaluation_invites_the_current_members_once_each(area: Quartier) -> None:
    survey, (reachable, silent, _former) = _self_evaluation(area)
    sent = survey_open(survey=survey, by=None)
    assert sent is not None and sent.mailed == 1 and sent.unreachable == ["Bolzplatz-Initiative"]
    invitations = {row.organisation_id: row for row in Invitation.objects.filter(survey=survey)}
    assert set(invitations) == {reachable.pk, silent.pk}  # not the organisation whose membership ended
    assert invitations[reachable.pk].sent_to == "treff@example.org" and invitations[silent.pk].sent_at is None
    [mail] = Mail.objects.all()
    assert mail.to == "treff@example.org" and "Selbstevaluation 2026" in mail.subject
    assert f"/oeffentlich/{area.slug}/selbstevaluation/{invitations[reachable.pk].key}/" in mail.body
    # Sending again invites nobody twice; an organisation with an address now is mailed.
    again = invitations_send(survey=survey, by=None)
    assert again.mailed == 0 and Mail.objects.count() == 1
    silent.email = "bolzplatz@example.org"
    silent.save()
    invitations_send(survey=survey, by=None)
    assert Mail.objects.count() == 2 and Invitation.objects.filter(survey=survey).count() == 2


def test_invitations_are_refused_for_a_public_survey_or_a_closed_one(area: Quartier) -> None:
    survey, _orgs = _self_evaluation(area)
    with pytest.raises(ValidationError):
        invitations_send(survey=survey, by=None)  # a draft
    survey_open(survey=survey, by=None)
    survey_close(survey=survey, by=None)
    with pytest.raises(ValidationError):
        invitations_send(survey=survey, by=None)
    public = a_survey(area)
    add(public, "text", "?")
    survey_open(survey=public, by=None)
    with pytest.raises(ValidationError):
        invitations_send(survey=public, by=None)


def test_the_demo_survey_is_open_with_a_question_of_every_kind(area: Quartier) -> None:
    [survey] = demo_surveys(area)
    assert survey.status == Survey.Status.OPEN and survey.audience == Survey.Audience.PUBLIC
    assert {q.kind for q in survey.questions.all()} == {"single", "multiple", "scale", "number", "text"}
    for question in survey.questions.all():
        question.full_clean()
    assert not Response.objects.exists()
    assert demo_surveys(area) == [survey]  # idempotent
