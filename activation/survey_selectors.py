"""Reads of the surveys: the office's list and survey page, the public answer page, a self-evaluation's private
link; and a survey's texts in the language of the page (the office's translation, else the German text)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse

from activation.models import Choice, Invitation, Question, Response, Survey
from quartier.models import Quartier
from quartier.net import on_site


def surveys_for(area: Quartier) -> QuerySet[Survey]:
    """The area's surveys, newest first, each with its number of answers (in the same query) and its network."""
    return (
        Survey.objects.filter(area=area)
        .select_related("network")
        .annotate(answer_count=Count("responses"))
        .order_by("-created_at", "-pk")
    )


def questions_of() -> Prefetch:
    """The questions in their order, each with its choices in theirs."""
    return Prefetch(
        "questions",
        queryset=Question.objects.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
        ),
    )


def with_questions(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """``surveys`` with their questions and each question's choices, in order (three queries in all)."""
    return surveys.prefetch_related(questions_of())


def survey_detail(area: Quartier, pk: int) -> Survey | None:
    """One survey of the area with its questions and choices, its network and its number of answers."""
    return with_questions(surveys_for(area).filter(pk=pk)).first()


def answered_question_ids(survey: Survey) -> set[int]:
    """The survey's questions that have answers (what the office may no longer change of them)."""
    return set(Question.objects.filter(survey=survey, answers__isnull=False).values_list("pk", flat=True).distinct())


def invitations_of(survey: Survey) -> QuerySet[Invitation]:
    """A self-evaluation's invitations by organisation, each marked ``answered`` (never with the answers)."""
    return (
        Invitation.objects.filter(survey=survey)
        .select_related("organisation")
        .annotate(answered=Exists(Response.objects.filter(invitation=OuterRef("pk"))))
        .order_by("organisation__name", "pk")
    )


def public_survey(area: Quartier, key: str, *, questions: bool = True) -> Survey | None:
    """The public survey of the area with this key, with its questions unless ``questions`` is False (the thank-you
    page shows the title only): an opened one (open or closed), never a draft nor a self-evaluation."""
    surveys = Survey.objects.filter(area=area, key=key, audience=Survey.Audience.PUBLIC).exclude(
        status=Survey.Status.DRAFT
    )
    return (surveys.prefetch_related(questions_of()) if questions else surveys).first()


def invitation_by_key(area: Quartier, key: str) -> Invitation | None:
    """The invitation of a self-evaluation of the area with this key (its survey opened, never a draft), with
    whether it has been answered."""
    invitation = (
        Invitation.objects.filter(key=key, survey__area=area, survey__audience=Survey.Audience.NETWORK)
        .exclude(survey__status=Survey.Status.DRAFT)
        .select_related("survey", "organisation")
        .annotate(answered=Exists(Response.objects.filter(invitation=OuterRef("pk"))))
        .first()
    )
    if invitation is not None:
        prefetch_related_objects([invitation.survey], questions_of())
    return invitation


def public_link(survey: Survey, area: Quartier) -> str:
    """The survey's public address, whole (for the QR code, the poster and the office to pass on)."""
    return on_site(reverse("public_survey", args=[area.slug, survey.key]))


# --- a survey's texts in a language -------------------------------------------------------------------------------


def translated(obj: Survey | Question, name: str, language: str) -> str:
    """The text ``name`` of a survey or question in ``language``: the office's translation, else the German."""
    own = (obj.translations or {}).get(language) or {}
    text = own.get(name) if isinstance(own, dict) else None
    return text or getattr(obj, name)


def written_in(obj: Survey | Question, name: str, language: str) -> str:
    """The language the text ``name`` is shown in on a page in ``language``: German where the office gave no
    translation (for the page's ``lang`` attribute, so it is read out as German)."""
    own = (obj.translations or {}).get(language) or {}
    return language if isinstance(own, dict) and own.get(name) else "de"


def choice_label(choice: Choice, language: str) -> str:
    text = (choice.translations or {}).get(language)
    return text if isinstance(text, str) and text else choice.label
