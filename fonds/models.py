"""Funds of an area and the applications to them, from a resident's idea to the proof of use.

Money is ``Decimal`` with two places. What an application asks for is computed
from its cost plan minus own and other money (``requested``), never typed.
A fund's money is written down once, in ``fonds.selectors`` (``FundTotals``):
budget = free + bound and not paid + paid − repaid, no part ever negative.
Money paid out is a released ``Payment``; money that comes back after a
reclaim is a ``Repayment``, possibly in parts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actors.models import Concern, Organisation, Person, TargetGroup
from quartier.models import AreaScoped, ChoiceLabels, FieldOfAction, Quartier

MONEY = {"max_digits": 12, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), message=_("An amount cannot be negative."))]
POSITIVE = [MinValueValidator(Decimal("0.01"), message=_("An amount must be more than 0 €."))]


class Fund(AreaScoped):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD_FUND = "verfuegungsfonds", _("Neighbourhood fund (Verfügungsfonds)")
        ACTION_FUND = "aktionsfonds", _("Action fund (Aktionsfonds)")
        PROJECT_FUND = "projektfonds", _("Project fund (Projektfonds)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    budget = models.DecimalField(_("budget (€)"), **MONEY, validators=NOT_NEGATIVE)
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("deciding committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
    )
    cap = models.DecimalField(_("cap per application (€)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE)
    co_financing_share = models.DecimalField(
        _("required own or private share (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    office_limit = models.DecimalField(
        _("the office decides up to (€)"),
        **MONEY,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Applications up to this amount are decided by the office, above it by the committee."),
    )
    description = models.TextField(_("description"), blank=True)
    open_for_applications = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name", "year"], name="fund_unique_name_per_year"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="fund_budget_not_negative"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="fund_cap_not_negative"),
            models.CheckConstraint(
                condition=Q(co_financing_share__gte=0, co_financing_share__lte=100), name="fund_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class EligibilityCriterion(models.Model):
    """One item of a fund's eligibility checklist."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("criterion"), max_length=300)

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["fund", "position"]
        constraints = [models.UniqueConstraint(fields=["fund", "position"], name="criterion_position_unique")]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """A submission deadline of a fund, tied to the committee meeting that decides its applications."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rounds")
    deadline = models.DateTimeField(_("submission deadline"))
    meeting = models.ForeignKey(
        "committees.Meeting",
        verbose_name=_("deciding meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fund_rounds",
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["fund", "deadline"]

    def __str__(self) -> str:
        return f"{self.fund} · {self.deadline:%d.%m.%Y}"


class Status(models.TextChoices):
    DRAFT = "entwurf", _("Draft")
    SUBMITTED = "eingereicht", _("Submitted")
    IN_REVIEW = "in_pruefung", _("In review")
    QUERY = "rueckfrage", _("Query to the applicant")
    ELIGIBLE = "foerderfaehig", _("Eligible")
    INELIGIBLE = "nicht_foerderfaehig", _("Not eligible")
    FOR_DECISION = "zur_entscheidung", _("For decision")
    APPROVED = "bewilligt", _("Approved")
    APPROVED_WITH_CONDITIONS = "bewilligt_auflagen", _("Approved with conditions")
    REJECTED = "abgelehnt", _("Rejected")
    DEFERRED = "zurueckgestellt", _("Deferred")
    COMMITTED = "mittel_gebunden", _("Funds committed")
    PAID = "ausgezahlt", _("Paid out")
    PROOF_SUBMITTED = "nachweis_eingereicht", _("Proof of use submitted")
    CLOSED = "abgeschlossen", _("Checked and closed")
    RECLAIM = "rueckforderung", _("Reclaim")
    WITHDRAWN = "zurueckgezogen", _("Withdrawn")


#: States in which a handed-in application waits for its decision (its request does not bind money yet).
AWAITING_DECISION = frozenset(
    {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.QUERY,
        Status.ELIGIBLE,
        Status.FOR_DECISION,
        Status.DEFERRED,
    }
)

#: States in which an application binds money of its fund (its approved amount, or what it spent once closed).
BINDING = (
    Status.APPROVED,
    Status.APPROVED_WITH_CONDITIONS,
    Status.COMMITTED,
    Status.PAID,
    Status.PROOF_SUBMITTED,
    Status.RECLAIM,
    Status.CLOSED,
)


class Application(AreaScoped):
    Status = Status

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.DRAFT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("applying organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("applicant (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    applicant_to_review = models.BooleanField(_("applicant created by the public form, to be reviewed"), default=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    expected_participants = models.PositiveIntegerField(_("expected participants"), null=True, blank=True)
    volunteer_contribution = models.TextField(_("volunteer contribution"), blank=True)
    own_contribution = models.DecimalField(
        _("own contribution (€)"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    other_funding = models.DecimalField(_("other funding (€)"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE)
    # Kept equal to the cost plan by the services (fonds.services.applications._recompute).
    total_costs = models.DecimalField(_("total costs (€)"), **MONEY, default=Decimal("0"), editable=False)
    requested = models.DecimalField(_("requested amount (€)"), **MONEY, default=Decimal("0"), editable=False)
    approved_amount = models.DecimalField(_("approved amount (€)"), **MONEY, null=True, blank=True, editable=False)
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    settled_amount = models.DecimalField(_("settled amount (€)"), **MONEY, null=True, blank=True, editable=False)
    reclaim_amount = models.DecimalField(_("amount to pay back (€)"), **MONEY, null=True, blank=True, editable=False)
    concern = models.ForeignKey(
        Concern,
        verbose_name=_("concern"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    proof_report = models.TextField(_("what happened"), blank=True)
    actual_participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    # Set once the applicant was reminded that the proof of use is due (fonds.services.notices).
    proof_reminded_at = models.DateTimeField(_("reminded of the proof of use"), null=True, blank=True, editable=False)
    # The applicant's language: the page's when they started on the public form; their mails are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="de")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            # The application list's order (fonds.selectors.applications_of): its first page without a sort.
            models.Index(fields=["area", "-created_at", "-id"], name="application_area_created"),
            # The dashboard's new applications and the list's filter by status.
            models.Index(fields=["area", "status"], name="application_area_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="application_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(own_contribution__gte=0, other_funding__gte=0, total_costs__gte=0),
                name="application_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="application_approved_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="abgelehnt") | ~Q(reason=""),
                name="application_rejected_with_reason",
                violation_error_message=_("Give the reason for the rejection."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant(self) -> Organisation | Person | None:
        return self.organisation or self.person


class CostLine(ChoiceLabels, models.Model):
    class Category(models.TextChoices):
        MATERIAL = "sachkosten", _("Material")
        FEES = "honorare", _("Fees")
        RENT = "miete", _("Rent")
        PUBLICITY = "oeffentlichkeit", _("Publicity")
        CATERING = "verpflegung", _("Food and drink")
        OTHER = "sonstiges", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    position = models.PositiveSmallIntegerField(_("position"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=POSITIVE)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["application", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="costline_amount_positive"),
            models.UniqueConstraint(fields=["application", "position"], name="costline_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


class EligibilityCheck(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    criterion = models.ForeignKey(EligibilityCriterion, on_delete=models.PROTECT, related_name="checks")
    met = models.BooleanField(_("met"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="check_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.met}"


class StatusChange(ChoiceLabels, models.Model):
    """One step of an application's lifecycle: who moved it from where to where, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=25, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=25, choices=Status.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Payment(ChoiceLabels, models.Model):
    """A payment to the applicant: recorded by one staff member, released by another holding Steuerung."""

    class Method(models.TextChoices):
        TRANSFER = "ueberweisung", _("Bank transfer")
        CASH = "bar", _("Cash")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=POSITIVE)
    paid_on = models.DateField(_("payment date"))
    method = models.CharField(_("method"), max_length=15, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_payments"
    )
    recorded_at = models.DateTimeField(_("recorded"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="released_payments"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["application", "paid_on", "pk"]
        indexes = [
            # The few payments waiting for their release (the dashboard of Steuerung), not the many released ones.
            models.Index(fields=["application"], condition=Q(released_at__isnull=True), name="payment_waiting"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("recorded_by")),
                name="payment_four_eyes",
                violation_error_message=_("A payment is released by someone other than who recorded it."),
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True, released_at__isnull=True)
                | Q(released_by__isnull=False, released_at__isnull=False),
                name="payment_released_by_and_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} € · {self.paid_on}"

    def get_area(self) -> Quartier:
        return self.application.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.application.area_id}


class Repayment(models.Model):
    """Money the applicant paid back after a reclaim: the whole amount or a part of it, recorded by the office."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=POSITIVE)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_repayments"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["application", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} € · {self.received_on}"

    def get_area(self) -> Quartier:
        return self.application.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.application.area_id}


class Receipt(ChoiceLabels, models.Model):
    """A receipt of the proof of use, which the office accepts or, with a reason, disallows: the settlement counts
    the accepted ones (``fonds.services.applications.application_settle``)."""

    class Decision(models.TextChoices):
        OPEN = "offen", pgettext_lazy("receipt", "Not yet checked")
        ACCEPTED = "anerkannt", pgettext_lazy("receipt", "Accepted")
        DISALLOWED = "nicht_anerkannt", pgettext_lazy("receipt", "Not accepted")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="receipts")
    date = models.DateField(_("date"))
    vendor = models.CharField(_("vendor"), max_length=200)
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=POSITIVE)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.OPEN)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_receipts",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["application", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=~Q(decision="nicht_anerkannt") | ~Q(decision_reason=""),
                name="receipt_disallowed_with_reason",
                violation_error_message=_("Give the reason why the receipt is not accepted."),
            ),
            models.CheckConstraint(
                condition=Q(decision="offen", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(decision="offen") & Q(decided_at__isnull=False)),
                name="receipt_decided_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.amount} €"

    def get_area(self) -> Quartier:
        return self.application.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.application.area_id}


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under a random name: the original name is kept in the row, never used on disk."""
    import secrets

    return f"fonds/{instance.application.fund.area_id}/{instance.application_id}/{secrets.token_hex(16)}"


class Attachment(ChoiceLabels, models.Model):
    """A file of an application (a quote, a PDF, an image), a receipt's scan or a photo of the proof of use.

    Served only through a permission-checked view, never from a public media URL."""

    class Kind(models.TextChoices):
        DOCUMENT = "dokument", _("Document")
        RECEIPT = "beleg", _("Receipt")
        PHOTO = "foto", _("Photo")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class AccessLink(models.Model):
    """The applicant's private link to their application: a long random token of which only the SHA-256 is
    stored; it expires and can be revoked."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="access_links")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("email address"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")
        ordering = ["application", "-created_at"]

    def __str__(self) -> str:
        return f"{self.application} · {self.email}"
