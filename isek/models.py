"""The integrated development concept (ISEK) of an area: versions, goals, measures with their cost and
financing plans, and indicators.

A version is a draft until it is adopted; an adopted version never changes: a yearly update
(Fortschreibung) copies it with its goals, measures and plans into a new draft (``isek.services``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quartier.models import AreaScoped, FieldOfAction, Quartier, Role

MONEY = {"max_digits": 14, "decimal_places": 2}
# A sum of up to 2^31 rows (``YearlySum.rows``) of MONEY: 22 digits before the point.
SUM_OF_MONEY = {"max_digits": 24, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), message=_("An amount cannot be negative."))]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


class Version(AreaScoped):
    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Draft")
        ADOPTED = "beschlossen", _("Adopted")

    label = models.CharField(_("label"), max_length=200)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(_("adopted by (body)"), max_length=200, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("updates"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
    )

    class Meta:
        verbose_name = _("ISEK version")
        verbose_name_plural = _("ISEK versions")
        ordering = ["area", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="entwurf") | Q(adopted_on__isnull=False),
                name="isek_version_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class VersionPart(models.Model):
    """Belongs to one version; the services refuse changes once the version is adopted."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def get_area(self) -> Quartier:
        return self.version.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.version.area_id}


class Goal(VersionPart):
    """An overall goal (Leitziel, no parent) or a goal of a field of action (Handlungsziel) under one."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self", verbose_name=_("overall goal"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("field of action"), on_delete=models.PROTECT, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["version", "parent_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Measure(VersionPart):
    class Kind(models.TextChoices):
        INVESTIVE = "investiv", _("Investive (construction)")
        SOCIAL = "nicht_investiv", _("Non-investive (social)")

    class Status(models.TextChoices):
        IDEA = "idee", _("Idea")
        PREPARING = "vorbereitung", _("In preparation")
        RUNNING = "umsetzung", _("In progress")
        DONE = "abgeschlossen", _("Completed")
        DEFERRED = "zurueckgestellt", _("Deferred")
        DROPPED = "entfallen", _("Dropped")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="measures")
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    goals = models.ManyToManyField(Goal, verbose_name=_("goals served"), blank=True, related_name="measures")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    responsible_role = models.CharField(
        _("responsible"),
        max_length=20,
        choices=[(role.value, role.label) for role in (Role.STEUERUNG, Role.PLANUNG, Role.GEMEINWESENARBEIT)],
    )
    lead_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_measures",
    )
    partners = models.ManyToManyField(
        "actors.Organisation", verbose_name=_("partners"), blank=True, related_name="measure_partnerships"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    concerns = models.ManyToManyField("actors.Concern", verbose_name=_("concerns"), blank=True)
    applications = models.ManyToManyField("fonds.Application", verbose_name=_("fund applications"), blank=True)
    decisions = models.ManyToManyField(
        "committees.AgendaItem", verbose_name=_("committee decisions"), blank=True, related_name="measures"
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="measure_number_unique_per_version"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="measure_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class MeasurePart(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def get_area(self) -> Quartier:
        return self.measure.version.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.measure.version.area_id}


class Milestone(MeasurePart):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    reached = models.BooleanField(_("reached"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["measure", "date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressNote(MeasurePart):
    """A dated note on where a measure stands (Sachstand)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="progress_notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["measure", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure} · {self.date}"


class Source(models.TextChoices):
    FEDERAL = "bund", _("Urban development funding: federal")
    STATE = "land", _("Urban development funding: state")
    MUNICIPAL = "kommune", _("Urban development funding: municipality")
    OTHER_PROGRAMME = "programm", _("Other programmes")
    THIRD_PARTY = "dritte", _("Third parties")
    PRIVATE = "privat", _("Private")


class PlannedCost(MeasurePart):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="planned_costs")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=NOT_NEGATIVE)

    class Meta:
        verbose_name = _("planned cost")
        verbose_name_plural = _("planned costs")
        ordering = ["measure", "year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="plannedcost_one_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="plannedcost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount} €"


class Financing(MeasurePart):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="financing")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=NOT_NEGATIVE)

    class Meta:
        verbose_name = _("financing")
        verbose_name_plural = _("financing")
        ordering = ["measure", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "source"], name="financing_one_per_year_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financing_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.source}: {self.amount} €"


class Spending(MeasurePart):
    """Money actually spent on a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="spendings")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=NOT_NEGATIVE)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        ordering = ["measure", "date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="spending_not_negative")]

    def __str__(self) -> str:
        return f"{self.date}: {self.amount} €"


class Indicator(VersionPart):
    class Direction(models.TextChoices):
        HIGHER = "hoeher", _("Higher is better")
        LOWER = "niedriger", _("Lower is better")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    source = models.CharField(_("source"), max_length=200, blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("field of action"), on_delete=models.PROTECT, null=True, blank=True
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), validators=YEAR)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(_("target year"), validators=YEAR)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    goals = models.ManyToManyField(Goal, verbose_name=_("goals"), blank=True, related_name="indicators")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["version", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gte=F("baseline_year")),
                name="indicator_target_after_baseline",
                violation_error_message=_("The target year cannot be before the baseline year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicatorvalue_one_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class YearlySum(models.Model):
    """A version's planned costs, financing or spending of one year and source, summed over its measures: what the
    cost and financing overview (``isek.selectors.overview``) reads instead of adding up every row on each request.

    PostgreSQL keeps it, by the triggers of migration 0004 (``isek_sums_*``), in the same transaction as every
    write to the planned costs, financing and spending (whatever writes them: the services, the demo seeder,
    ``bulk_create``, ``QuerySet.update``, raw SQL, ``TRUNCATE``) and to a measure's version, and by migration 0006's
    for rows written before their measure. Code never writes it.
    """

    class Kind(models.TextChoices):
        PLANNED_COST = "kosten", _("Planned cost")
        FINANCING = "finanzierung", _("Financing")
        SPENT = "ausgaben", _("Spent")

    # No index of its own: the unique key's index starts with the version.
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True)  # '' for costs
    # Wider than a row's amount: a sum of many rows near their largest amount has more digits, and a sum too
    # narrow for them made PostgreSQL refuse the row's write (numeric field overflow) that the field allowed.
    amount = models.DecimalField(_("amount (€)"), **SUM_OF_MONEY)
    rows = models.PositiveIntegerField(_("rows"))  # how many rows make up the sum; at 0 the sum goes

    class Meta:
        verbose_name = _("yearly sum")
        verbose_name_plural = _("yearly sums")
        constraints = [
            models.UniqueConstraint(fields=["version", "kind", "year", "source"], name="yearlysum_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.source}: {self.amount} €"
