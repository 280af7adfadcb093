"""Built reports: each build of an area's annual report is one immutable version.

A version built while its year still runs is provisional: it covers the year up to the day its data was taken
(``period_end``). Once the year has ended, Steuerung releases one finished version built after its end
(``reporting.services.report_release``): that version becomes the year's final report (``Kind.FINAL``), with who
released it and when; an area has at most one final report per year (a database constraint).

A request is stored first (status "queued") and only then handed to Celery, so a request made while Redis
or the worker is down is never lost: a periodic sweep hands it over again (``reporting.tasks``). The task
claims its row with a conditional update, writes the PDF to a temporary file and moves it into place, so a
build that runs twice or crashes never leaves a half-written file that can be downloaded.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from quartier.models import AreaScoped


def report_path(report: Report, filename: str) -> str:
    return f"berichte/{report.area_id}/{report.year}/jahresbericht-{report.year}-v{report.version}.pdf"


class Report(AreaScoped):
    class Kind(models.TextChoices):
        #: Released by Steuerung after the year ended: the report the funders take as final.
        FINAL = "final", _("Final report")
        #: Every build until then.
        DRAFT = "entwurf", _("Draft")

    class Status(models.TextChoices):
        QUEUED = "wartend", _("Queued")
        RUNNING = "laeuft", _("Running")
        DONE = "fertig", _("Done")
        FAILED = "fehlgeschlagen", _("Failed")

    IN_FLIGHT = (Status.QUEUED, Status.RUNNING)

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DRAFT)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=40, blank=True)
    error = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    intro = models.TextField(_("introduction"), blank=True)
    outlook = models.TextField(_("outlook"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    key_figures = models.JSONField(_("key figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["area", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "version"], name="report_version_unique"),
            # Two requests for the same report at the same moment build it once: only one in flight.
            models.UniqueConstraint(
                fields=["area", "year", "kind"],
                condition=Q(status__in=["wartend", "laeuft"]),
                name="report_one_build_in_flight",
            ),
            models.CheckConstraint(
                condition=~Q(status="fertig") | (~Q(file="") & ~Q(sha256="")),
                name="report_done_has_file",
            ),
            # A year has one final report: two releases at the same moment make one.
            models.UniqueConstraint(
                fields=["area", "year"], condition=Q(kind="final"), name="report_one_final_per_year"
            ),
            models.CheckConstraint(
                condition=~Q(kind="final") | (Q(status="fertig") & Q(released_at__isnull=False)),
                name="report_final_is_released",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} v{self.version}"

    @property
    def in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def last_day(self) -> datetime.date:
        """The last day of the report's year."""
        return datetime.date(self.year, 12, 31)

    @property
    def data_taken_on(self) -> datetime.date:
        """The day the report's data was (or, while it waits, will be) taken: the day its build started."""
        return timezone.localdate(self.started_at) if self.started_at else timezone.localdate()

    @property
    def provisional(self) -> bool:
        """Built while its year still ran: it covers the year only up to ``period_end``."""
        return self.data_taken_on <= self.last_day

    @property
    def kind_label(self) -> str:
        """What this version is, as the pages name it."""
        if self.kind == self.Kind.FINAL:
            return str(_("Final report (released)"))
        if self.provisional:
            return _("Provisional report up to %(date)s") % {"date": date_format(self.period_end, "d.m.Y")}
        return str(_("Whole year, not released"))
