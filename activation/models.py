"""The office's activation work: events and activities (Veranstaltungen, Aktionen, Sprechstunden …), the series
they come in, the participants counted afterwards and the photos taken (with the consent the office records)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation, Person, TargetGroup
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
