"""The core: areas (Quartiere), users, roles, fields of action and the mails the software sends."""

from __future__ import annotations

import datetime
import functools

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

YEAR_VALIDATORS = [MinValueValidator(1971), MaxValueValidator(2100)]


@functools.cache
def _choice_labels(field: models.Field) -> dict[object, object]:
    """The labels of ``field``'s choices by value, as they are declared (lazy: translated when shown)."""
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """A model mixin (before ``models.Model`` in the bases): ``get_<field>_display()`` returns what Django's does,
    without building a dict of every choice on each call, which translates every label to hash it (lists and
    pages call it on every row). Only the label shown is translated."""

    def _get_FIELD_display(self, field: models.Field) -> str:  # Django's name
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


class Role(models.TextChoices):
    """A user's role in one area. The permissions of each role are in ``quartier.permissions``."""

    STEUERUNG = "steuerung", _("Steering")
    PLANUNG = "planung", _("Planning")
    GEMEINWESENARBEIT = "gwa", _("Community work")
    KOORDINATION = "koordination", _("Municipal coordination")


class QuartierUserManager(UserManager):
    def get_by_natural_key(self, username: str) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in. Logs in with username or email address."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)

    objects = QuartierUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Quartier(models.Model):
    """An area in the programme with its neighbourhood office.

    The custom permissions below are the capabilities a role grants on one
    area; ``quartier.permissions.ROLE_PERMISSIONS`` maps roles to them, read
    from the user's ``RoleAssignment`` rows at every request (nothing stored).
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    municipality = models.CharField(_("municipality"), max_length=200)
    programme = models.CharField(_("funding programme"), max_length=200, default="Sozialer Zusammenhalt")
    funding_start = models.PositiveSmallIntegerField(_("funded from (year)"), validators=YEAR_VALIDATORS)
    funding_end = models.PositiveSmallIntegerField(
        _("funded until (year)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    office_address = models.TextField(_("office address"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    office_email = models.EmailField(_("office email address"), blank=True)
    office_phone = models.CharField(
        _("office phone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9+()/ .\-]*$",
                message=_("Please enter a phone number: digits, spaces and + ( ) / - only."),
                code="invalid_phone",
            )
        ],
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("view_area", _("See the area and its dashboard")),
            ("change_area", _("Edit the area's profile and office details")),
            ("view_team", _("See who works in the area")),
            ("view_audit", _("See the history of changes")),
            ("view_actors", _("See organisations and networks")),
            ("change_actors", _("Edit organisations, persons and networks")),
            ("view_persons", _("See persons and their contact data")),
            ("view_contacts", _("Read contact notes")),
            ("change_contacts", _("Write contact notes")),
            ("view_concerns", _("See residents' concerns")),
            ("change_concerns", _("Record and move residents' concerns")),
            ("view_committees", _("See the committees, their members, meetings and decisions")),
            ("change_committees", _("Manage committees, meetings and ballots")),
            ("view_funds", _("See the funds and their applications")),
            ("change_funds", _("Handle applications: eligibility, agenda, decisions, proof of use")),
            ("manage_fund_money", _("Set fund budgets and release payments")),
            ("view_isek", _("See the ISEK: goals, measures, finances and indicators")),
            ("change_isek", _("Write the ISEK: versions, goals, measures, finances and indicators")),
            ("edit_measures", _("Edit measures (without change_isek only the office's non-investive ones)")),
            ("add_progress_notes", _("Note the progress of any measure")),
            ("view_reports", _("See the area's reports")),
            ("build_draft_reports", _("Build and download drafts of the annual report")),
            ("release_reports", _("Release the final annual report of an ended year")),
            ("view_events", _("See the events and activities with their participants")),
            ("change_events", _("Record events, series, participants and photos")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding_end__isnull=True) | models.Q(funding_end__gte=models.F("funding_start")),
                name="quartier_funding_end_after_start",
                violation_error_message=_("The funding period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dashboard", kwargs={"slug": self.slug})

    def get_public_url(self) -> str:
        """The area's page for anyone, without a login."""
        return reverse("public_area", kwargs={"slug": self.slug})

    def get_area(self) -> Quartier:
        return self

    def get_additional_data(self) -> dict[str, int]:
        """Stored with every audit entry so an area's history can be listed."""
        return {"quartier_id": self.pk}


class LegalKind(models.TextChoices):
    """The legal texts every public site in Germany needs; the value is also the page's address."""

    IMPRINT = "impressum", _("Imprint")
    PRIVACY = "datenschutz", _("Privacy policy")
    ACCESSIBILITY = "barrierefreiheit", _("Accessibility statement")


class LegalText(ChoiceLabels, models.Model):
    """A legal text of the public pages: the Impressum, the Datenschutzerklärung or the Erklärung zur
    Barrierefreiheit. One of each kind for the installation (``area`` empty, written in the admin) and one of each
    kind per area that has its own (written by the area's office): an area's own text replaces the
    installation's on the area's pages (``quartier.selectors.legal_text_for``). Plain text, shown with its
    paragraphs and line breaks; no HTML."""

    Kind = LegalKind
    MAX_LENGTH = 30_000

    area = models.ForeignKey(
        Quartier,
        verbose_name=_("area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legal_texts",
        help_text=_("Empty: the text of the whole installation, for every area without its own."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(
        _("text"),
        max_length=MAX_LENGTH,
        validators=[MaxLengthValidator(MAX_LENGTH)],  # a TextField's max_length alone binds only its form field
        help_text=_("Plain text: an empty line starts a new paragraph. HTML is shown as it is typed, not applied."),
    )
    feedback_email = models.EmailField(
        _("feedback address"),
        blank=True,
        help_text=_(
            "Where people report barriers (BITV 2.0 § 7). Required for the accessibility statement; shown below "
            "the text."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("legal text")
        verbose_name_plural = _("legal texts")
        ordering = ["area__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind"],
                nulls_distinct=False,  # one installation text of each kind, too
                name="legaltext_one_per_area_and_kind",
                violation_error_message=_("There is already such a text here: change that one."),
            ),
            models.CheckConstraint(condition=Q(kind__in=LegalKind.values), name="legaltext_kind_valid"),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="legaltext_text_not_empty",
                violation_error_message=_("Please write the text."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=LegalKind.ACCESSIBILITY) | ~Q(feedback_email=""),
                name="legaltext_accessibility_has_feedback_address",
                violation_error_message=_(
                    "An accessibility statement needs an address where people can report barriers (BITV 2.0 § 7)."
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area is not None else _("whole installation")
        return f"{self.get_kind_display()} · {where}"

    def get_area(self) -> Quartier | None:
        """The area whose text this is; None for the installation's."""
        return self.area

    def get_additional_data(self) -> dict[str, int] | None:
        """Stored with every audit entry, so the area's history lists its texts (the installation's belong to
        none)."""
        return {"quartier_id": self.area_id} if self.area_id is not None else None


class FieldOfAction(models.Model):
    """A field of action (Handlungsfeld) of the programme; the same for all areas."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    cross_cutting = models.BooleanField(
        _("cross-cutting"), default=False, help_text=_("A focus that runs across all fields, such as climate.")
    )

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """One role of one user in one area. Write only through ``quartier.services``."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    area = models.ForeignKey(
        Quartier, verbose_name=_("area"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["area__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "area", "role"],
                name="roleassignment_unique",
                violation_error_message=_("This user already holds this role in this area."),
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="roleassignment_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"

    def get_area(self) -> Quartier:
        return self.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.area_id}


class AreaScoped(ChoiceLabels, models.Model):
    """Belongs to one area; the audit trail and the permission checks find the area through it."""

    area = models.ForeignKey(Quartier, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True

    def get_area(self) -> Quartier:
        return self.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.area_id}


def running_on(on: datetime.date, prefix: str = "") -> Q:
    """Periods (``Period`` rows, reached through ``prefix``) that have started and not ended on ``on``."""
    return (Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": on})) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


def periods_overlap(first: object, second: object) -> bool:
    """Do two periods (anything with ``start`` and ``end``) share a day? An open start or end reaches
    infinitely far."""
    first_start = first.start or datetime.date.min  # type: ignore[attr-defined]
    first_end = first.end or datetime.date.max  # type: ignore[attr-defined]
    second_start = second.start or datetime.date.min  # type: ignore[attr-defined]
    second_end = second.end or datetime.date.max  # type: ignore[attr-defined]
    return first_start <= second_end and second_start <= first_end


class Period(ChoiceLabels, models.Model):
    """A membership that may have a start and an end; the end never lies before the start."""

    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="%(class)s_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]


class Mail(models.Model):
    """A mail the software sends, kept as it was sent: written in the request or task that had something to say,
    delivered afterwards by Celery with retries (``quartier.mail``, ``quartier.tasks.deliver_mail``). Each
    application and each member has an outbox of the mails about them (``about``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    area = models.ForeignKey(
        Quartier, verbose_name=_("area"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # Text files sent along ({"name", "type", "content"}), e.g. a meeting's calendar entry.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=80)  # what it tells, e.g. "fonds.decided"
    about_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["about_type", "about_id", "-created_at"], name="mail_about")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "sent", "failed"]), name="mail_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class MailChoices(models.Model):
    """Which optional mails an account gets (a ballot opened or closed, minutes approved), at once or in one daily
    digest. Without a row: every one of them, at once. Decided in one place, ``quartier.notifications``."""

    user = models.OneToOneField(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="mail_choices")
    ballot_opened = models.BooleanField(_("a ballot of my committee opens"), default=True)
    ballot_closed = models.BooleanField(_("a ballot of my committee closes, with its results"), default=True)
    minutes_approved = models.BooleanField(_("the minutes of a meeting of my committee are approved"), default=True)
    digest = models.BooleanField(_("one daily digest instead of a mail each"), default=False)
    # The day the last digest was sent: claimed by a conditional UPDATE, so one digest a day at most.
    digest_sent_on = models.DateField(_("last digest sent"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mail choices")
        verbose_name_plural = _("mail choices")

    def __str__(self) -> str:
        return str(self.user)


class DigestEntry(models.Model):
    """A mail waiting for its account's daily digest; deleted when the digest that carries it is queued."""

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="digest_entries")
    to = models.EmailField(_("to"), max_length=254)
    kind = models.CharField(_("kind"), max_length=80)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest entry")
        verbose_name_plural = _("digest entries")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.user}"
