"""The forms of the surveys: the office's survey, question and translation forms, the filters above the list, and
the answer form (the public page, a self-evaluation's link and the office's paper answers share it).

They check what a form can (types, lengths, the date range). Every rule of a questionnaire is the builder's
(``activation.survey_builder``) and every rule of an answer is ``submit_response``'s: the answer form takes what
was sent as it is (a choice's id, a number as typed) and leaves the judgement to the service, whose refusals it
shows at each question (``quartier.forms.refusal_on``; its fields are named ``q<pk>`` as the refusals are keyed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activation.models import Question, Survey
from activation.survey_builder import CHOICE_MAX, CHOICES_MAX, QUESTION_TEXTS, SURVEY_TEXTS, Texts
from activation.survey_selectors import choice_label, translated, written_in
from activation.survey_services import TEXT_MAX, Value
from actors.models import Network
from quartier import dates
from quartier.filters import ChoiceFilter, ListFilterSet, SearchFilter
from quartier.models import Quartier

# --- the office's forms --------------------------------------------------------------------------------------------


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        formfield_callback = dates.formfield
        fields = ["title", "introduction", "audience", "network", "closes_on"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "audience": forms.RadioSelect,
        }

    def __init__(self, *args: Any, area: Quartier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.filter(area=area).order_by("name", "pk")
        if self.instance.pk and self.instance.status != Survey.Status.DRAFT:
            for name in ("audience", "network"):  # chosen while it was a draft
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Chosen while the survey was a draft.")

    def _post_clean(self) -> None:
        # The model's rules are the service's to check (its messages name the fields): not twice here.
        pass


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For single and multiple choice: one answer per line, in the order they are offered (at most %(max)s)."
        )
        % {"max": CHOICES_MAX},
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "help_text",
            "required",
            "choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
        ]
        help_texts = {
            "required": _("Otherwise the question can be skipped (it is marked as optional)."),
            "scale_min": _("For a scale: its lowest value (0 or more) …"),
            "scale_max": _("… and its highest (at most 10)."),
            "scale_min_label": _("For example: not at all satisfied"),
            "scale_max_label": _("For example: very satisfied"),
            "number_min": _("For a number: the smallest that may be given (optional) …"),
            "number_max": _("… and the largest (optional)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices"] = "\n".join(choice.label for choice in self.instance.choices.all())

    def choice_lines(self) -> list[str]:
        return (self.cleaned_data.get("choices") or "").splitlines()

    def _post_clean(self) -> None:
        # The questionnaire's rules are the builder's to check (its messages name the fields): not twice here.
        pass


class TranslationForm(forms.Form):
    """The survey's texts in one language: beside each, the German text it translates."""

    def __init__(self, *args: Any, survey: Survey, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey, self.language = survey, language
        self.groups: list[tuple[str, list[str]]] = []
        own = (survey.translations or {}).get(language) or {}
        names = [self._text("title", _("Title"), survey.title, own.get("title", ""), SURVEY_TEXTS["title"])]
        names.append(
            self._text(
                "introduction", _("Introduction"), survey.introduction, own.get("introduction", ""), None, area=True
            )
        )
        self.groups.append((str(_("The survey")), names))
        labels = {
            "text": _("Question"),
            "help_text": _("Explanation"),
            "scale_min_label": _("Label of the lowest value"),
            "scale_max_label": _("Label of the highest value"),
        }
        for number, question in enumerate(survey.questions.all(), start=1):
            given = (question.translations or {}).get(language) or {}
            names = []
            for name, longest in QUESTION_TEXTS.items():
                german = getattr(question, name)
                if not german:
                    continue
                if name.startswith("scale_") and question.kind != Question.Kind.SCALE:
                    continue
                names.append(self._text(f"q{question.pk}_{name}", labels[name], german, given.get(name, ""), longest))
            if question.kind in Question.CHOICE_KINDS:
                for choice in question.choices.all():
                    text = (choice.translations or {}).get(language, "")
                    names.append(self._text(f"c{choice.pk}", _("Answer to choose"), choice.label, text, CHOICE_MAX))
            self.groups.append((str(_("Question %(number)s") % {"number": number}), names))

    def _text(self, name: str, label: Any, german: str, current: str, longest: int | None, area: bool = False) -> str:
        attrs = {"lang": self.language, "dir": "auto"}
        widget = forms.Textarea(attrs={"rows": 3, **attrs}) if area else forms.TextInput(attrs=attrs)
        self.fields[name] = forms.CharField(
            label=label,
            required=False,
            max_length=longest,
            widget=widget,
            initial=current,
            help_text=_("German: %(text)s") % {"text": german} if german else "",
        )
        return name

    def field_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.groups]

    def texts(self) -> Texts:
        data = self.cleaned_data
        questions: dict[int, dict[str, str]] = {}
        choices: dict[int, str] = {}
        for name, value in data.items():
            if name.startswith("q"):
                pk, _sep, field = name[1:].partition("_")
                questions.setdefault(int(pk), {})[field] = value
            elif name.startswith("c"):
                choices[int(name[1:])] = value
        return Texts(
            survey={"title": data.get("title", ""), "introduction": data.get("introduction", "")},
            questions=questions,
            choices=choices,
        )


class SurveyFilterSet(ListFilterSet):
    q = SearchFilter(method="search", help_text=_("Title; any part of a word is enough."))
    status = ChoiceFilter(label=_("Status"), choices=Survey.Status.choices)
    audience = ChoiceFilter(label=_("Who answers"), choices=Survey.Audience.choices)

    def search(self, queryset: QuerySet[Survey], name: str, value: str) -> QuerySet[Survey]:
        text = value.strip()
        return queryset.filter(Q(title__icontains=text)) if text else queryset


# --- the answer form -----------------------------------------------------------------------------------------------


class Passed(forms.Field):
    """A question's answer as it was sent: ``submit_response`` judges it. Never required here (the service says
    which questions must be answered, in the same words everywhere)."""

    def __init__(self, *, multiple: bool = False, **kwargs: Any) -> None:
        self.multiple = multiple
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> Value:
        if self.multiple:
            return [str(item) for item in value or [] if isinstance(item, str)]
        return value if isinstance(value, str) else ""


class AnswerForm(forms.Form):
    """One field per question of ``survey`` in its order, its texts in ``language``."""

    def __init__(self, *args: Any, survey: Survey, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey, self.language = survey, language
        self.questions: list[Question] = list(survey.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question)

    def _field(self, question: Question) -> forms.Field:
        language = self.language
        label = translated(question, "text", language)
        help_text = translated(question, "help_text", language)
        kind = question.kind
        if kind in Question.CHOICE_KINDS:
            multiple = kind == Question.Kind.MULTIPLE
            widget_class = forms.CheckboxSelectMultiple if multiple else forms.RadioSelect
            widget = widget_class(
                choices=[(choice.pk, choice_label(choice, language)) for choice in question.choices.all()]
            )
            field: forms.Field = Passed(multiple=multiple, label=label, help_text=help_text, widget=widget)
        elif kind == Question.Kind.SCALE:
            # The labels of both ends beside their values: read with them, and laid out on a phone's width.
            ends = {
                question.scale_min: translated(question, "scale_min_label", language),
                question.scale_max: translated(question, "scale_max_label", language),
            }
            choices = [
                (value, f"{value} – {ends[value]}" if ends.get(value) else str(value))
                for value in range(question.scale_min, question.scale_max + 1)
            ]
            field = Passed(label=label, help_text=help_text, widget=forms.RadioSelect(choices=choices))
        elif kind == Question.Kind.NUMBER:
            attrs = {"inputmode": "decimal", "autocomplete": "off", "class": "input-short"}
            field = Passed(label=label, help_text=help_text, widget=forms.TextInput(attrs=attrs))
        else:
            widget = forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX})
            field = Passed(label=label, help_text=help_text, widget=widget)
        field.question = question  # type: ignore[attr-defined]
        field.text_lang = written_in(question, "text", language)  # type: ignore[attr-defined]
        return field

    def values(self) -> dict[int, Value]:
        """What was sent, by question pk, for ``submit_response``."""
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
