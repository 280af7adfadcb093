"""Writes of the office's questionnaires: a survey's texts, its questions and their choices, the translations of
them, and the invitations of a self-evaluation. (The answers and the survey's status: ``survey_services``.)

One rule keeps the answers true: **nothing an answer stands on changes once it exists.** While nobody has
answered, the office may change anything; once a question has answers, its kind, its scale and its number bounds
stay, and it is not deleted; a choice that was chosen is not deleted (its label may be corrected); once the survey
has answers, a new question is optional and an optional one does not become required (the answers given lack it);
an open survey keeps at least one question.
Who answers (the public or a network's organisations) is chosen while the survey is a draft. A survey is deleted
only while it is a draft (a draft has never taken an answer). Each refusal is a ``ValidationError`` in German,
keyed by the form field it is about.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activation.models import Choice, Invitation, Question, Response, Survey
from activation.survey_services import SURVEY
from actors.models import Network, NetworkMembership, Organisation
from quartier.audit import acting_as
from quartier.mail import queue_mail
from quartier.models import Quartier, User, running_on
from quartier.net import on_site
from quartier.text import one_line

#: What the office writes of a survey in its form.
SURVEY_FIELDS = ("title", "introduction", "audience", "network", "closes_on")
#: What it writes of a question (its choices come as a list of labels).
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "number_min",
    "number_max",
)
#: What an answer stands on: fixed once the question has answers.
ANSWERED_FIXED = ("kind", "scale_min", "scale_max", "number_min", "number_max")
#: One-line texts (a heading, a label).
ONE_LINE = ("title", "text", "help_text", "scale_min_label", "scale_max_label")
#: The most choices a question offers.
CHOICES_MAX = 30
#: The languages the office translates into (German is what it writes).
TRANSLATED = ("en", "tr", "ar")
#: The texts of each kind of row that are translated, with their longest length.
SURVEY_TEXTS = {"title": 200, "introduction": 5000}
QUESTION_TEXTS = {"text": 500, "help_text": 500, "scale_min_label": 100, "scale_max_label": 100}
CHOICE_MAX = 200


def _has_answers(survey: Survey) -> bool:
    return Response.objects.filter(survey=survey).exists()


# --- the survey ----------------------------------------------------------------------------------------------------


def _survey_fields(area: Quartier, data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in SURVEY_FIELDS if name in data}
    if "title" in values:
        values["title"] = one_line(values["title"] or "")
    if values.get("audience") == Survey.Audience.PUBLIC:
        values["network"] = None
    network = values.get("network")
    if network is not None and not Network.objects.filter(pk=getattr(network, "pk", network), area=area).exists():
        raise ValidationError({"network": _("This belongs to another area.")}, code="foreign")
    return values


def _saved(survey: Survey, *, by: User | None) -> Survey:
    """Save the survey once its rules hold: a self-evaluation names its network, and the model's own checks."""
    if survey.audience == Survey.Audience.NETWORK and survey.network_id is None:
        raise ValidationError({"network": _("A self-evaluation needs the network whose organisations answer.")})
    survey.full_clean(exclude=["key"])
    with acting_as(by):
        survey.save()
    return survey


@transaction.atomic
def survey_create(*, area: Quartier, data: Mapping[str, Any], by: User | None) -> Survey:
    """A new draft survey of ``area`` from cleaned form data."""
    return _saved(Survey(area=area, **_survey_fields(area, data)), by=by)


@transaction.atomic
def survey_update(*, survey: Survey, data: Mapping[str, Any], by: User | None) -> Survey:
    """Change the survey's texts and closing day; who answers only while it is a draft."""
    survey = SURVEY.lock(survey)
    values = _survey_fields(survey.area, data)
    if survey.status != Survey.Status.DRAFT:
        network = values.get("network", survey.network)
        if values.get("audience", survey.audience) != survey.audience or getattr(network, "pk", network) != (
            survey.network_id
        ):
            raise ValidationError(
                {"audience": _("Who answers is chosen while the survey is a draft; it has been opened since.")},
                code="audience_fixed",
            )
    for name, value in values.items():
        setattr(survey, name, value)
    return _saved(survey, by=by)


@transaction.atomic
def survey_delete(*, survey: Survey, by: User | None) -> None:
    """Delete a draft (with its questions). An opened survey stays: it has taken, or could have taken, answers."""
    survey = SURVEY.lock(survey)
    if survey.status != Survey.Status.DRAFT or _has_answers(survey):
        raise ValidationError(_("Only a draft survey without answers can be deleted."), code="not_draft")
    with acting_as(by):
        survey.delete()


# --- the questions -------------------------------------------------------------------------------------------------


def _choice_labels(lines: Sequence[str]) -> list[str]:
    labels = [one_line(line) for line in lines]
    labels = [label for label in labels if label]
    if len(labels) > CHOICES_MAX:
        raise ValidationError(
            {"choices": _("A question offers at most %(max)s answers.") % {"max": CHOICES_MAX}}, code="too_many"
        )
    if any(len(label) > CHOICE_MAX for label in labels):
        raise ValidationError(
            {"choices": _("An answer to choose is at most %(max)s characters long.") % {"max": CHOICE_MAX}},
            code="too_long",
        )
    if len(set(labels)) != len(labels):
        raise ValidationError({"choices": _("Each answer to choose may be given only once.")}, code="twice")
    return labels


def _question_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in QUESTION_FIELDS if name in data}
    for name in ONE_LINE:
        if name in values:
            values[name] = one_line(values[name] or "")
    return values


def _check_question(question: Question, labels: list[str]) -> None:
    question.full_clean(exclude=["survey"])
    if question.kind in Question.CHOICE_KINDS and len(labels) < 2:
        raise ValidationError(
            {"choices": _("Please give at least two answers to choose from, one per line.")}, code="too_few_choices"
        )


@dataclass
class _Plan:
    """How the lines the office typed become the question's choices."""

    keep: list[tuple[Choice, str, int]] = field(default_factory=list)  # existing choice, its label, position
    add: list[tuple[str, int]] = field(default_factory=list)
    drop: list[Choice] = field(default_factory=list)


def _plan_choices(existing: list[Choice], labels: list[str]) -> _Plan:
    """Match the lines to the existing choices: the same label keeps its choice (wherever it moved); a changed
    line that stays in the place of a changed choice corrects that choice's label (its answers stay with it);
    what is left is added or dropped."""
    plan = _Plan()
    unused = list(existing)
    matched: dict[int, Choice] = {}
    for index, label in enumerate(labels):
        same = next((choice for choice in unused if choice.label == label), None)
        if same is not None:
            matched[index] = same
            unused.remove(same)
    place = {choice.pk: index for index, choice in enumerate(existing)}
    for index in range(len(labels)):
        if index in matched:
            continue
        corrected = next((choice for choice in unused if place[choice.pk] == index), None)
        if corrected is not None:
            matched[index] = corrected
            unused.remove(corrected)
    for index, label in enumerate(labels, start=1):
        if index - 1 in matched:
            plan.keep.append((matched[index - 1], label, index))
        else:
            plan.add.append((label, index))
    plan.drop = unused
    return plan


def _save_choices(question: Question, labels: list[str]) -> None:
    if question.kind not in Question.CHOICE_KINDS:
        labels = []
    existing = list(question.choices.all()) if question.pk else []
    plan = _plan_choices(existing, labels)
    answered = set(
        Choice.objects.filter(pk__in=[choice.pk for choice in plan.drop], answers__isnull=False).values_list(
            "label", flat=True
        )
    )
    if answered:
        raise ValidationError(
            {
                "choices": _("“%(label)s” has been chosen in answers already and stays.")
                % {"label": sorted(answered)[0]}
            },
            code="answered_choice",
        )
    for choice in plan.drop:
        choice.delete()
    for choice, label, position in plan.keep:
        if (choice.label, choice.position) != (label, position):
            choice.label, choice.position = label, position
            choice.save(update_fields=["label", "position"])
    for label, position in plan.add:
        Choice.objects.create(question=question, label=label, position=position)


@transaction.atomic
def question_add(*, survey: Survey, data: Mapping[str, Any], choices: Sequence[str], by: User | None) -> Question:
    """A new question at the end of ``survey``; ``choices``: the lines of its answers to choose (one each)."""
    survey = SURVEY.lock(survey)
    labels = _choice_labels(choices)
    question = Question(survey=survey, **_question_fields(data))
    if question.required and _has_answers(survey):
        raise ValidationError(
            {"required": _("The survey has answers already, which lack this question: it can only be optional.")},
            code="required_after_answers",
        )
    _check_question(question, labels)
    position = survey.questions.aggregate(last=Max("position"))["last"] or 0
    question.position = position + 1
    with acting_as(by):
        question.save()
        _save_choices(question, labels)
    return question


@transaction.atomic
def question_update(
    *, question: Question, data: Mapping[str, Any], choices: Sequence[str], by: User | None
) -> Question:
    """Change a question and its choices, as far as its answers allow (see the module)."""
    survey = SURVEY.lock(question.survey)
    question = Question.objects.select_for_update().get(pk=question.pk, survey=survey)
    labels = _choice_labels(choices)
    values = _question_fields(data)
    if question.answers.exists():
        for name in ANSWERED_FIXED:
            if name in values and values[name] != getattr(question, name):
                raise ValidationError(
                    {name: _("The question has answers: its kind, scale and bounds stay as they were answered.")},
                    code="answered_question",
                )
    if values.get("required") and not question.required and _has_answers(survey):
        raise ValidationError(
            {"required": _("The survey has answers already, some without this question: it stays optional.")},
            code="required_after_answers",
        )
    for name, value in values.items():
        setattr(question, name, value)
    _check_question(question, labels)
    with acting_as(by):
        question.save()
        _save_choices(question, labels)
    return question


@transaction.atomic
def question_delete(*, question: Question, by: User | None) -> None:
    survey = SURVEY.lock(question.survey)
    question = Question.objects.select_for_update().get(pk=question.pk, survey=survey)
    if question.answers.exists():
        raise ValidationError(_("The question has answers: it stays, so they keep their meaning."), code="answered")
    if survey.status == Survey.Status.OPEN and not survey.questions.exclude(pk=question.pk).exists():
        raise ValidationError(
            _("An open survey keeps at least one question to answer; add another first, or close the survey."),
            code="last_question",
        )
    with acting_as(by):
        question.delete()
        _number(survey.questions.order_by("position", "pk"))


def _number(questions: Iterable[Question]) -> None:
    """Give ``questions`` the positions 1, 2, 3 … in their order, saving only those that change."""
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])


@transaction.atomic
def question_move(*, question: Question, up: bool, by: User | None) -> None:
    """Swap the question with the one before it (``up``) or after it; at either end nothing moves."""
    survey = SURVEY.lock(question.survey)
    ordered = list(survey.questions.order_by("position", "pk"))
    index = next((i for i, row in enumerate(ordered) if row.pk == question.pk), None)
    if index is None:
        raise ValidationError(_("This question does not exist."), code="unknown")
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with acting_as(by):
        _number(ordered)


# --- translations --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    """A survey's texts in one language: of the survey, of each question by pk, of each choice by pk. An empty
    text leaves the German one to stand in."""

    survey: Mapping[str, str]
    questions: Mapping[int, Mapping[str, str]]
    choices: Mapping[int, str]


def _cleaned(text: str, name: str, longest: int, key: str) -> str:
    text = (text or "").strip() if name == "introduction" else one_line(text or "")
    if len(text) > longest:
        raise ValidationError(
            {key: _("Please keep this to at most %(max)s characters.") % {"max": longest}}, code="too_long"
        )
    return text


def _merged(translations: Any, language: str, texts: Mapping[str, str]) -> dict[str, Any]:
    merged = dict(translations or {})
    own = {name: text for name, text in texts.items() if text}
    if own:
        merged[language] = own
    else:
        merged.pop(language, None)
    return merged


@transaction.atomic
def survey_translate(*, survey: Survey, language: str, texts: Texts, by: User | None) -> None:
    """Keep the translation of the survey's texts into ``language``. Refused for a language the office does not
    translate into, and for a question or choice that is not the survey's."""
    if language not in TRANSLATED:
        raise ValidationError(_("Please choose English, Turkish or Arabic."), code="language")
    survey = SURVEY.lock(survey)
    questions = {question.pk: question for question in survey.questions.all()}
    choices = {choice.pk: choice for choice in Choice.objects.filter(question__survey=survey)}
    if set(texts.questions) - set(questions) or set(texts.choices) - set(choices):
        raise ValidationError(_("The questionnaire has changed; please load it again."), code="unknown_question")
    own = {name: _cleaned(texts.survey.get(name, ""), name, longest, name) for name, longest in SURVEY_TEXTS.items()}
    with acting_as(by):
        survey.translations = _merged(survey.translations, language, own)
        survey.save(update_fields=["translations", "updated_at"])
        for pk, given in texts.questions.items():
            question = questions[pk]
            cleaned = {
                name: _cleaned(given.get(name, ""), name, longest, f"q{pk}_{name}")
                for name, longest in QUESTION_TEXTS.items()
            }
            merged = _merged(question.translations, language, cleaned)
            if merged != question.translations:
                question.translations = merged
                question.save(update_fields=["translations"])
        for pk, label in texts.choices.items():
            choice = choices[pk]
            text = _cleaned(label, "label", CHOICE_MAX, f"c{pk}")
            merged = dict(choice.translations or {})
            if text:
                merged[language] = text
            else:
                merged.pop(language, None)
            if merged != choice.translations:
                choice.translations = merged
                choice.save(update_fields=["translations"])


# --- opening, and the invitations of a self-evaluation ------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What ``invitations_send`` did: how many organisations it mailed now, and those it could not reach."""

    mailed: int
    unreachable: list[str]


def survey_open(*, survey: Survey, by: User | None) -> Sent | None:
    """Open ``survey`` for answers and, for a self-evaluation, invite the network's organisations at once (what
    ``invitations_send`` did; ``None`` for a public survey). Refused without a question, with a choice question
    without choices, or when its closing day has passed (it would be open and yet take no answer)."""
    with transaction.atomic():
        survey = SURVEY.lock(survey)
        if survey.closes_on is not None and survey.closes_on < timezone.localdate():
            raise ValidationError(
                {"closes_on": _("The closing day has passed: please set a later one first, or none.")},
                code="closing_day_passed",
            )
        questions = list(survey.questions.prefetch_related("choices"))
        if not questions:
            raise ValidationError(_("Please add a question first."), code="no_questions")
        for question in questions:
            if question.kind in Question.CHOICE_KINDS and len(question.choices.all()) < 2:
                raise ValidationError(
                    _("The question “%(question)s” needs at least two answers to choose from.")
                    % {"question": question.text},
                    code="too_few_choices",
                )
        survey = SURVEY.apply(survey, "open", by=by, opened_at=timezone.now(), closed_at=None)
        if survey.audience == Survey.Audience.NETWORK:
            return invitations_send(survey=survey, by=by)
    return None


def invitation_link(invitation: Invitation, area: Quartier) -> str:
    return on_site(reverse("public_self_evaluation", args=[area.slug, invitation.key]))


@transaction.atomic
def invitations_send(*, survey: Survey, by: User | None, now: datetime.datetime | None = None) -> Sent:
    """Invite each organisation that is a member of the self-evaluation's network today: one invitation each
    (made once, whatever the number of sends), mailed (in German) with its private link to the organisation's
    address. An organisation mailed before is not mailed again; one without an address is listed as not
    reachable and mailed on a later send once it has one. Only while the survey takes answers."""
    now = now or timezone.now()
    survey = SURVEY.lock(survey)
    network_id = survey.network_id
    if survey.audience != Survey.Audience.NETWORK or network_id is None:
        raise ValidationError(_("Only a self-evaluation has invitations."), code="not_network")
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Invitations are sent while the survey is open."), code="not_open")
    members = (
        NetworkMembership.objects.filter(running_on(timezone.localdate(now)), network_id=network_id)
        .filter(organisation__isnull=False, organisation__area_id=survey.area_id)
        .values_list("organisation_id", flat=True)
    )
    organisations = {org.pk: org for org in Organisation.objects.filter(pk__in=members)}
    invitations = {row.organisation_id: row for row in survey.invitations.select_for_update()}
    area = survey.area
    mailed = 0
    unreachable: list[str] = []
    with acting_as(by):
        for organisation in sorted(organisations.values(), key=lambda org: (org.name, org.pk)):
            invitation = invitations.get(organisation.pk)
            if invitation is None:
                invitation = Invitation.objects.create(survey=survey, organisation=organisation)
            if invitation.sent_at is not None:
                continue
            address = organisation.email.strip()
            if not address:
                unreachable.append(organisation.name)
                continue
            invitation.sent_to, invitation.sent_at = address, now
            invitation.save(update_fields=["sent_to", "sent_at"])
            _mail_invitation(invitation, survey, area, organisation)
            mailed += 1
    return Sent(mailed=mailed, unreachable=unreachable)


def _mail_invitation(invitation: Invitation, survey: Survey, area: Quartier, organisation: Organisation) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # the office writes to organisations in German
        body = render_to_string(
            "activation/email/self_evaluation.txt",
            {"survey": survey, "area": area, "organisation": organisation, "link": invitation_link(invitation, area)},
        )
        subject = _("Self-evaluation: %(title)s") % {"title": survey.title}
    queue_mail(
        to=invitation.sent_to,
        subject=subject,
        body=body,
        kind="activation.self_evaluation",
        about=invitation,
        area=area,
    )
