"""Writes of the surveys: a survey's status, and the answers residents (or a network's organisations) give.

Every rule about an answer is here, whichever path it takes (the public page, a self-evaluation's private link, the
demo, a test): the survey is open and not past its closing day, every required question is answered, a choice is
one of its question's, a single choice question has one, a scale's value is a whole number within its scale, a
number lies within its bounds, a text is at most ``TEXT_MAX`` characters, a private link answers once; and nothing
is saved unless all of it holds. An answer keeps no address, no account and no time of day.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from activation.models import Answer, Invitation, Question, Response, Survey
from actors.models import Concern
from actors.services.concerns import concern_create
from quartier.models import Quartier, User
from quartier.transitions import Move, StateMachine

#: The longest free-text answer, in characters.
TEXT_MAX = 5000

S = Survey.Status

SURVEY = StateMachine(
    model=Survey,
    moves={
        "open": Move(
            sources=frozenset({S.DRAFT, S.CLOSED}),
            target=S.OPEN,
            label=pgettext_lazy("step", "open the survey"),
            done=pgettext_lazy("done", "survey opened"),
            refusal=gettext_lazy("Only a draft or closed survey can be opened."),
        ),
        "close": Move(
            sources=frozenset({S.OPEN}),
            target=S.CLOSED,
            label=pgettext_lazy("step", "close the survey"),
            done=pgettext_lazy("done", "survey closed"),
            refusal=gettext_lazy("Only an open survey can be closed."),
        ),
    },
)

#: What one question's answer may be, as a form hands it over: a choice's pk (single), choices' pks (multiple),
#: a number or its text (scale, number), a text (free text); ``None``, ``""`` or ``[]`` for no answer.
Value = int | str | Decimal | Iterable[int | str] | None


def taking_answers(survey: Survey, *, today: datetime.date | None = None) -> bool:
    """Whether ``survey`` takes answers now: open, and its closing day (if any) not past."""
    today = today or timezone.localdate()
    return survey.status == S.OPEN and (survey.closes_on is None or survey.closes_on >= today)


def survey_close(*, survey: Survey, by: User | None) -> Survey:
    """Close ``survey``: it takes no more answers."""
    with transaction.atomic():
        return SURVEY.transition(survey, "close", by=by, closed_at=timezone.now())


def _empty(value: Value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (int, Decimal)):
        return False
    return not list(value)


def _grouped(thousands: str, mark: str) -> re.Pattern[str]:
    """A number with its thousands grouped: "1.200" or "12.345.678,50" in German."""
    return re.compile(r"[+-]?\d{1,3}(" + re.escape(thousands) + r"\d{3})+(" + re.escape(mark) + r"\d*)?")


def _as_decimal(value: Value, language: str = "") -> Decimal | None:
    """``value`` as a number, read as the page's ``language`` writes one: in German (and Turkish, Arabic) "1.200"
    is twelve hundred and "12,5" twelve and a half, in English "1,200" is twelve hundred. A lone other mark
    ("12.5" on a German page) is taken as the decimal one; Arabic marks (٫ ٬) and digits are read as well."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        return None
    mark = get_format("DECIMAL_SEPARATOR", language or None, use_l10n=True)
    thousands = "," if mark == "." else "."
    text = re.sub(r"[\s\u066c]", "", value).replace("\u066b", mark)
    if _grouped(thousands, mark).fullmatch(text):
        text = text.replace(thousands, "")
    if text.count(",") + text.count(".") > 1:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _choice_pks(value: Value) -> list[int] | None:
    items: Iterable[int | str]
    if isinstance(value, (int, str)):
        items = [value]
    elif isinstance(value, Iterable) and not isinstance(value, Decimal):
        items = value
    else:
        return None
    pks = []
    for item in items:
        try:
            pks.append(int(item))
        except (TypeError, ValueError):
            return None
    return pks


def _answers_to(question: Question, value: Value, language: str = "") -> list[Answer]:
    """The rows that record ``value`` as the answer to ``question``, or a ``ValidationError`` keyed by it."""

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({f"q{question.pk}": ValidationError(message, code=code)})

    if isinstance(value, str):  # NUL bytes are never kept (PostgreSQL refuses them): a text of them is no answer
        value = value.replace("\x00", "")
    if _empty(value):
        if question.required:
            raise refuse(_("Please answer this question."), "required")
        return []
    kind = question.kind
    if kind in Question.CHOICE_KINDS:
        pks = _choice_pks(value)
        offered = {choice.pk: choice for choice in question.choices.all()}
        if pks is None or any(pk not in offered for pk in pks):
            raise refuse(_("Please choose one of the answers offered."), "invalid_choice")
        if kind == Question.Kind.SINGLE and len(set(pks)) != 1:
            raise refuse(_("Please choose one answer only."), "one_choice")
        return [Answer(question=question, choice=offered[pk]) for pk in dict.fromkeys(pks)]
    if kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
        number = _as_decimal(value, language)
        if number is None:
            raise refuse(_("Please give a number."), "invalid_number")
        if kind == Question.Kind.SCALE:
            if number != number.to_integral_value() or not question.scale_min <= number <= question.scale_max:
                raise refuse(
                    _("Please choose a value from %(low)s to %(high)s.")
                    % {"low": question.scale_min, "high": question.scale_max},
                    "out_of_scale",
                )
        else:
            low, high = question.number_min, question.number_max
            if (low is not None and number < low) or (high is not None and number > high):
                raise refuse(_("Please give a number within the range the question names."), "out_of_range")
            if abs(number) >= Decimal("1e10") or number != number.quantize(Decimal("0.01")):
                raise refuse(_("Please give a number with at most two decimal places."), "invalid_number")
        return [Answer(question=question, number=number)]
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise refuse(_("Please write your answer as text."), "invalid_text")
    if len(text) > TEXT_MAX:
        raise refuse(_("Please keep your answer to at most %(max)s characters.") % {"max": TEXT_MAX}, "too_long")
    return [Answer(question=question, text=text)]


def submit_response(
    survey: Survey,
    values: Mapping[int, Value],
    *,
    language: str = "",
    invitation: Invitation | None = None,
    today: datetime.date | None = None,
) -> Response:
    """Record one filled-in questionnaire: ``values`` by question pk (questions not named are not answered).

    Refused as a whole (a ``ValidationError``, keyed ``q<pk>`` per question where it is about one) when the survey
    does not take answers, a value breaks its question's rule, a pk is not one of the survey's questions, a
    self-evaluation is answered without its invitation (or a public survey with one), or the invitation has
    answered already."""
    today = today or timezone.localdate()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not taking_answers(survey, today=today):
            raise ValidationError(_("This survey does not take answers any more."), code="closed")
        if (survey.audience == Survey.Audience.NETWORK) != (invitation is not None):
            raise ValidationError(_("This survey is answered through the link sent to you."), code="invitation")
        if invitation is not None:
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if invitation.survey_id != survey.pk:
                raise ValidationError(_("This link belongs to another survey."), code="invitation")
            if Response.objects.filter(invitation=invitation).exists():
                raise ValidationError(_("This link has been used to answer already."), code="answered")
        questions = {question.pk: question for question in survey.questions.prefetch_related("choices")}
        unknown = set(values) - set(questions)
        if unknown:
            raise ValidationError(_("The questionnaire has changed; please load it again."), code="unknown_question")
        rows: list[Answer] = []
        errors: dict[str, list[ValidationError]] = {}
        for pk, question in questions.items():
            try:
                rows.extend(_answers_to(question, values.get(pk), language))
            except ValidationError as refusal:
                for key, messages in refusal.message_dict.items():
                    errors.setdefault(key, []).extend(ValidationError(m) for m in messages)
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("Please answer at least one question."), code="empty")
        response = Response.objects.create(
            survey=survey, submitted_on=today, language=language[:10], invitation=invitation
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
    return response


# --- A free-text answer made a concern ----------------------------------------------------------------------------


def answer_make_concern(*, answer: Answer, area: Quartier, data: Mapping[str, object], by: User) -> Concern:
    """Make a concern of ``area`` of the free-text ``answer`` (``data``: its ``text``, ``field_of_action`` and
    ``place`` as the office wrote them) through the concerns' own service: raised on the answer's day, by nobody
    (the answer is anonymous). The answer is locked first and linked to the concern, so of two requests at once one
    makes it and the other is refused; refused too for another area's answer and an answer that is no text."""
    with transaction.atomic():
        locked = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("question__survey", "response")
            .filter(pk=answer.pk)
            .first()
        )
        if locked is None or locked.question.survey.area_id != area.pk:
            raise ValidationError(_("This answer does not exist."), code="not_found")
        if locked.question.kind != Question.Kind.TEXT or not locked.text:
            raise ValidationError(_("Only a free-text answer can be made a concern."), code="not_text")
        if locked.concern_id is not None:
            raise ValidationError(_("A concern has been made of this answer already."), code="made")
        fields = {name: data[name] for name in ("text", "field_of_action", "place") if name in data}
        concern = concern_create(area=area, data={**fields, "raised_on": locked.response.submitted_on}, by=by)
        locked.concern = concern
        locked.save(update_fields=["concern"])
    answer.concern = concern
    return concern
