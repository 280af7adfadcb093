"""The office's activation work: events and activities (Veranstaltungen, Aktionen, Sprechstunden …), the series
they come in, the participants counted afterwards and the photos taken (with the consent the office records); and
surveys (aktivierende Befragung, the actors' self-evaluation) with their questions and anonymous answers."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actors.models import Concern, Network, Organisation, Person, TargetGroup
from fonds.models import Application
from isek.models import Measure
from quartier.models import AreaScoped, ChoiceLabels, FieldOfAction, Quartier


class Kind(models.TextChoices):
    EVENT = "veranstaltung", _("Event")
    ACTION = "aktion", _("Action")
    OFFICE_HOURS = "sprechstunde", _("Consultation hours")
    WORKSHOP = "workshop", _("Workshop")
    FESTIVAL = "stadtteilfest", _("Neighbourhood festival")
    PARTICIPATION = "beteiligungswerkstatt", _("Participation workshop")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    MONTHLY = "monthly", _("every month")


#: The age bands participants are counted in: field name and label.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("under_18", _("under 18")),
    ("age_18_64", _("18 to 64")),
    ("age_65_plus", _("65 and older")),
)


class Series(AreaScoped):
    """A regular activity (every Tuesday's Sprechstunde): its rule, and what its events start from (their organisers
    and links among it). Its events are made for a bounded period; each can be changed on its own afterwards."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices, default=Kind.OFFICE_HOURS)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    frequency = models.CharField(_("repeats"), max_length=15, choices=Frequency.choices, default=Frequency.WEEKLY)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organising organisations"), blank=True, related_name="event_series"
    )
    persons = models.ManyToManyField(
        Person, verbose_name=_("organising persons"), blank=True, related_name="event_series"
    )
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    measures = models.ManyToManyField(Measure, verbose_name=_("ISEK measures"), blank=True, related_name="event_series")
    applications = models.ManyToManyField(
        Application, verbose_name=_("fund applications"), blank=True, related_name="event_series"
    )

    class Meta:
        verbose_name = _("series of events")
        verbose_name_plural = _("series of events")
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="series_last_day_after_first",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="series_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Event(AreaScoped):
    """An event or activity of the office: when, where, what, for whom, who organised it, what it served, and
    afterwards how many came (a total, and optionally by target group and age band) and a short note."""

    Kind = Kind

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices, default=Kind.EVENT)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown in the area's public calendar and its calendar feed.")
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organising organisations"), blank=True, related_name="events"
    )
    persons = models.ManyToManyField(Person, verbose_name=_("organising persons"), blank=True, related_name="events")
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    measures = models.ManyToManyField(Measure, verbose_name=_("ISEK measures"), blank=True, related_name="events")
    applications = models.ManyToManyField(
        Application, verbose_name=_("fund applications"), blank=True, related_name="events"
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    under_18 = models.PositiveIntegerField(_("under 18"), null=True, blank=True)
    age_18_64 = models.PositiveIntegerField(_("18 to 64"), null=True, blank=True)
    age_65_plus = models.PositiveIntegerField(_("65 and older"), null=True, blank=True)
    note = models.TextField(_("note afterwards"), blank=True)
    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    #: Changed on its own: a change of its series' time leaves it as it is.
    detached = models.BooleanField(_("changed apart from its series"), default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["area", "starts_at"], name="event_area_starts"),
            models.Index(fields=["area", "public", "starts_at"], name="event_area_public_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(participants__isnull=False)
                | (Q(under_18__isnull=True) & Q(age_18_64__isnull=True) & Q(age_65_plus__isnull=True)),
                name="event_age_bands_need_total",
                violation_error_message=_("Please give the total number of participants first."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_page", args=[self.area.slug, self.pk])


class TargetGroupCount(models.Model):
    """How many of an event's participants belonged to a target group."""

    HISTORY_OF = ("event",)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="group_counts")
    target_group = models.ForeignKey(TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT)
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        verbose_name = _("participants of a target group")
        verbose_name_plural = _("participants by target group")
        ordering = ["event", "target_group__position", "target_group__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "target_group"], name="target_group_count_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.target_group}: {self.count}"

    def get_area(self) -> Quartier:
        return self.event.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.event.area_id, "event_id": self.event_id}


def photo_path(photo: Photo, filename: str) -> str:
    return f"veranstaltungen/{photo.event.area_id}/{photo.event_id}/{filename}"


class Photo(ChoiceLabels, models.Model):
    """A photo of an event, with the consent of the people shown as the office recorded it. Served only through
    views: the office's, and the public calendar's for a photo of a public event whose consent is recorded."""

    HISTORY_OF = ("event",)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    consent = models.BooleanField(_("consent of the people shown recorded"), default=False)
    consent_how = models.CharField(_("how the consent was given"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo of an event")
        verbose_name_plural = _("photos of events")
        ordering = ["event", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=False) | ~Q(consent_how=""),
                name="photo_consent_says_how",
                violation_error_message=_("Please say how the consent was given."),
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.name

    def get_area(self) -> Quartier:
        return self.event.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.event.area_id, "event_id": self.event_id}


# --- surveys ------------------------------------------------------------------------------------------------------


def new_survey_key() -> str:
    """The unguessable part of a survey's public address (and of a self-evaluation's private link)."""
    return secrets.token_urlsafe(16)


class Survey(AreaScoped):
    """A questionnaire of the office: residents answer it anonymously through a public link (and its QR code), or,
    as a self-evaluation, the organisations of a network answer it through a private link each (``Invitation``).

    The office writes its texts in German; ``translations`` holds the title and introduction in the other public
    languages where the office gave them (``{"en": {"title": …, "introduction": …}, "tr": …}``), the German text
    stands in for a missing one."""

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("draft")
        OPEN = "offen", _("open")
        CLOSED = "geschlossen", _("closed")

    class Audience(models.TextChoices):
        PUBLIC = "oeffentlich", _("anyone with the link (anonymous)")
        NETWORK = "netzwerk", _("the organisations of a network (self-evaluation)")

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions: what the survey is for, who asks.")
    )
    audience = models.CharField(_("who answers"), max_length=15, choices=Audience.choices, default=Audience.PUBLIC)
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        help_text=_("For a self-evaluation: the network whose organisations are asked."),
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(
        _("closes on"), null=True, blank=True, help_text=_("Answers are taken until the end of this day.")
    )
    key = models.CharField(_("key"), max_length=40, unique=True, default=new_survey_key, editable=False)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="oeffentlich", network__isnull=True)
                | Q(audience="netzwerk", network__isnull=False),
                name="survey_network_only_for_self_evaluation",
                violation_error_message=_("A self-evaluation needs a network; a public survey has none."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("survey_page", args=[self.area.slug, self.pk])


class Question(models.Model):
    """One question of a survey, in the survey's order (``position``). A scale runs from ``scale_min`` to
    ``scale_max`` (whole numbers, labels for both ends); a number may be bounded by ``number_min``/``number_max``.
    ``translations``: ``{"en": {"text": …, "help_text": …, "scale_min_label": …, "scale_max_label": …}, …}``."""

    HISTORY_OF = ("survey",)

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale")
        NUMBER = "number", pgettext_lazy("kind of question", "number")
        TEXT = "text", _("free text")

    #: The kinds answered by choosing among the question's choices.
    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("must be answered"), default=False)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=100, blank=True)
    number_min = models.DecimalField(_("smallest number"), max_digits=12, decimal_places=2, null=True, blank=True)
    number_max = models.DecimalField(_("largest number"), max_digits=12, decimal_places=2, null=True, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")) & Q(scale_min__gte=0) & Q(scale_max__lte=10),
                name="question_scale_bounds",
                violation_error_message=_("A scale runs from 0 or more up to at most 10, and upwards."),
            ),
            models.CheckConstraint(
                condition=Q(number_min__isnull=True) | Q(number_max__isnull=True) | Q(number_max__gte=F("number_min")),
                name="question_number_bounds",
                violation_error_message=_("The largest number cannot be below the smallest."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_area(self) -> Quartier:
        return self.survey.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.survey.area_id, "survey_id": self.survey_id}


class Choice(models.Model):
    """One of the answers a single or multiple choice question offers. ``translations``: ``{"en": "…", …}``."""

    HISTORY_OF = ("question",)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("answer"), max_length=200)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    def get_area(self) -> Quartier:
        return self.question.survey.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.question.survey.area_id, "question_id": self.question_id}


class Invitation(models.Model):
    """A self-evaluation's private link for one organisation of the network: it answers once through it."""

    #: Its entries (to whom and when it was sent) show on the survey's history.
    HISTORY_OF = ("survey",)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="survey_invitations"
    )
    key = models.CharField(_("key"), max_length=40, unique=True, default=new_survey_key, editable=False)
    sent_to = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to a self-evaluation")
        verbose_name_plural = _("invitations to a self-evaluation")
        ordering = ["survey", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="invitation_once_per_organisation"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_area(self) -> Quartier:
        return self.survey.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.survey.area_id, "survey_id": self.survey_id}


class Response(models.Model):
    """One filled-in questionnaire. Anonymous: no address, no account, no time of day (only the day, so that an
    answer cannot be matched with a server log); a self-evaluation's answer names its invitation (the
    organisation, not a person)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(_("answered on"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )

    class Meta:
        verbose_name = _("answer to a survey")
        verbose_name_plural = _("answers to surveys")
        ordering = ["survey", "pk"]
        indexes = [models.Index(fields=["survey", "submitted_on"], name="response_survey_day")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"

    def get_area(self) -> Quartier:
        return self.survey.area


class Answer(models.Model):
    """The answer to one question within a response: a chosen choice (one row per choice of a multiple choice
    question), a number (a scale's value or a number) or a text. Unanswered optional questions have no row."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    #: The concern the office made of this free-text answer.
    concern = models.OneToOneField(
        Concern, verbose_name=_("concern"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        ordering = ["response", "question__position", "pk"]
        indexes = [models.Index(fields=["question", "choice"], name="answer_question_choice")]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], condition=Q(choice__isnull=True), name="answer_once_per_question"
            ),
            models.UniqueConstraint(fields=["response", "choice"], name="answer_choice_once"),
            models.CheckConstraint(
                condition=(Q(choice__isnull=False) & Q(number__isnull=True) & Q(text=""))
                | (Q(choice__isnull=True) & Q(number__isnull=False) & Q(text=""))
                | (Q(choice__isnull=True) & Q(number__isnull=True) & ~Q(text="")),
                name="answer_holds_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.text or str(self.number if self.number is not None else self.choice)
