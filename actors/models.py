"""Actors of an area: organisations, persons, networks, contact notes and residents' concerns."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import CombinedSearchVector, SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.models import AreaScoped, FieldOfAction, Period, Quartier
from quartier.sorting import GermanSearchFolds, german_key


def search_words(vector: SearchVector | CombinedSearchVector) -> models.GeneratedField:
    """The words of a row for full-text search (``search_words``), kept by PostgreSQL in a column of their own
    and worked out again on every write of the row: a search compares them instead of working out ``vector`` for
    each row it passes (for the organisations' descriptions that was most of the actor search's time), and the
    planner finds the column's GIN index without matching expressions. Filter with
    ``.filter(search_words=actors.selectors.organisations.prefix_query(text))``."""
    return models.GeneratedField(
        expression=vector, output_field=SearchVectorField(), db_persist=True, verbose_name=_("search words")
    )


#: Fields no audit entry records: worked out by the database from the others.
NOT_AUDITED = ["search_words"]


class TargetGroup(models.Model):
    """A managed list of target groups (Zielgruppen), the same for all areas."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(AreaScoped):
    class Kind(models.TextChoices):
        ASSOCIATION = "verein", _("Association")
        PROVIDER = "traeger", _("Welfare or youth organisation")
        SCHOOL = "schule", _("School")
        DAYCARE = "kita", _("Day-care centre")
        HOUSING = "wohnung", _("Housing company")
        PUBLIC_OFFICE = "verwaltung", _("Public office")
        BUSINESS = "gewerbe", _("Business")
        RELIGION = "religion", _("Religious community")
        INITIATIVE = "initiative", _("Initiative")
        NEIGHBOURHOOD_ASSOCIATION = "stadtteilverein", _("Neighbourhood association")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION)
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    inside_area = models.BooleanField(_("inside the area"), default=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    search_words = search_words(
        SearchVector("name", "description", config="german") + SearchVector(GermanSearchFolds("name"), config="simple")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["area", "name"], name="organisation_area_name"),
            # Without fastupdate, new rows go straight into the index instead of a pending list that only
            # a vacuum merges: after a bulk load the pending list made the index too slow for the planner.
            GinIndex(fields=["search_words"], name="organisation_search", fastupdate=False),
            # The list and every picker order an area's organisations by name in German order (quartier.sorting).
            models.Index(F("area"), german_key("name"), name="organisation_area_german_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(AreaScoped):
    class LegalBasis(models.TextChoices):
        NONE = "none", _("None recorded")
        CONSENT = "consent", _("Consent")
        LEGITIMATE_INTEREST = "interest", _("Legitimate interest")

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_resident = models.BooleanField(_("lives in the area"), default=False)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    is_key_person = models.BooleanField(_("key person"), default=False)
    key_person_note = models.TextField(_("note on the key person"), blank=True)
    legal_basis = models.CharField(
        _("legal basis (GDPR)"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.NONE
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = models.CharField(_("what the consent covers"), max_length=300, blank=True)
    consent_how = models.CharField(_("how the consent was given"), max_length=200, blank=True)
    interest_reason = models.TextField(_("reason of the legitimate interest"), blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, through="Affiliation", related_name="people", blank=True)
    # German stems ("Müller" finds "Müllers"), the words as written (names are not German words) and as typed
    # without umlauts ("kaestner" and "kastner" find "Kästner").
    search_words = search_words(
        SearchVector("first_name", "last_name", "email", config="german")
        + SearchVector("first_name", "last_name", "email", config="simple")
        + SearchVector(GermanSearchFolds("first_name"), GermanSearchFolds("last_name"), config="simple")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name"]
        indexes = [
            GinIndex(fields=["search_words"], name="person_search"),
            models.Index(F("area"), german_key("last_name"), german_key("first_name"), name="person_area_german_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent_date__isnull=False),
                name="person_consent_has_date",
                violation_error_message=_("Consent needs the date it was given."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="interest") | ~Q(interest_reason=""),
                name="person_interest_has_reason",
                violation_error_message=_("A legitimate interest needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Affiliation(Period):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE)
    function = models.CharField(_("function"), max_length=120, blank=True)

    #: Its audit entries show on the histories of its person and its organisation (``quartier.audit``).
    HISTORY_OF = ("person", "organisation")

    class Meta(Period.Meta):
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"

    def get_area(self) -> Quartier:
        return self.person.area

    def get_additional_data(self) -> dict[str, int]:
        return {
            "quartier_id": self.person.area_id,
            "person_id": self.person_id,
            "organisation_id": self.organisation_id,
        }


class Network(AreaScoped):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD_CONFERENCE = "konferenz", _("Neighbourhood conference")
        ROUND_TABLE = "runder_tisch", _("Round table")
        WORKING_GROUP = "ag", _("Working group")
        PROVIDER_ASSOCIATION = "verbund", _("Association of providers")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP)
    purpose = models.TextField(_("purpose"), blank=True)
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    rhythm = models.CharField(_("meets"), max_length=120, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_networks",
    )
    search_words = search_words(
        SearchVector("name", "purpose", config="german") + SearchVector(GermanSearchFolds("name"), config="simple")
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_words"], name="network_search"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(Period):
    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_memberships",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_memberships",
    )

    #: Its audit entries show on the histories of its network and its member (``quartier.audit``).
    HISTORY_OF = ("network", "organisation", "person")

    class Meta(Period.Meta):
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            *Period.Meta.constraints,
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, person__isnull=False)
                | Q(organisation__isnull=False, person__isnull=True),
                name="networkmembership_one_member",
                violation_error_message=_("A member is either an organisation or a person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} · {self.organisation or self.person}"

    def get_area(self) -> Quartier:
        return self.network.area

    def get_additional_data(self) -> dict[str, int]:
        members = {"organisation_id": self.organisation_id} if self.organisation_id else {"person_id": self.person_id}
        return {"quartier_id": self.network.area_id, "network_id": self.network_id, **members}


class ContactNote(AreaScoped):
    class Channel(models.TextChoices):
        OFFICE_HOURS = "buero", _("Office hours")
        PHONE = "telefon", pgettext_lazy("contact channel", "Phone")
        EMAIL = "email", pgettext_lazy("contact channel", "Email")
        OUTREACH = "vor_ort", _("Outreach, on site")
        EVENT = "veranstaltung", _("Event")

    date = models.DateField(_("date"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    persons = models.ManyToManyField(Person, verbose_name=_("persons"), blank=True, related_name="contact_notes")
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="contact_notes"
    )
    topic = models.CharField(_("topic"), max_length=200)
    fields_of_action = models.ManyToManyField(FieldOfAction, verbose_name=_("fields of action"), blank=True)
    text = models.TextField(_("note"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    # Protected like ``staff``: a follow-up must have someone to do it (the constraint below), so an account that
    # owes one is switched off, not deleted, and the office's dashboard offers its open follow-ups to others.
    follow_up_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    # The day its assignee was told by mail that it is due (``actors.tasks.tell_follow_ups_due``): once a day.
    follow_up_told_on = models.DateField(_("follow-up told on"), null=True, blank=True, editable=False)
    search_words = search_words(SearchVector("topic", "text", config="german"))

    class Meta:
        verbose_name = _("contact note")
        verbose_name_plural = _("contact notes")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["area", "-date"], name="contactnote_area_date"),
            # Who wrote notes in an area (the list's staff filter), without reading every note.
            models.Index(fields=["area", "staff"], name="contactnote_area_staff"),
            GinIndex(fields=["search_words"], name="contactnote_search"),
            # The open follow-ups (the dashboard's), a few among thousands of notes.
            models.Index(
                fields=["area", "follow_up_due"],
                condition=Q(follow_up_due__isnull=False, follow_up_done=False),
                name="contactnote_follow_up_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_assignee__isnull=False),
                name="contactnote_follow_up_has_assignee",
                violation_error_message=_("A follow-up needs someone who does it."),
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class ConcernStatus(models.TextChoices):
    NEW = "neu", _("New")
    FORWARDED = "weitergeleitet", _("Forwarded")
    IN_PROGRESS = "in_bearbeitung", _("In progress")
    DONE = "erledigt", _("Done")
    NOT_FEASIBLE = "nicht_umsetzbar", _("Not feasible")


class Concern(AreaScoped):
    Status = ConcernStatus

    text = models.TextField(_("concern"))
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("field of action"), on_delete=models.PROTECT, null=True, blank=True
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    raised_on = models.DateField(_("raised on"))
    raised_by_person = models.ForeignKey(
        Person,
        verbose_name=_("raised by (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    raised_by_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("raised by (organisation)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    forwarded_to = models.CharField(_("forwarded to (administrative unit)"), max_length=200, blank=True)
    answer = models.TextField(_("answer received"), blank=True)
    # The person who raised it agreed to hear the answer by mail (at the address of their person record).
    tell_raiser = models.BooleanField(
        _("tell the person who raised it the answer by mail"),
        default=False,
        help_text=_("Only if the person agreed and an email address is recorded for them."),
    )
    search_words = search_words(SearchVector("text", "place", config="german"))

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-raised_on", "-pk"]
        indexes = [
            models.Index(fields=["area", "status"], name="concern_area_status"),
            # Forwarded to the administration and not answered yet (the office's dashboard).
            models.Index(fields=["area"], condition=Q(status="weitergeleitet", answer=""), name="concern_unanswered"),
            GinIndex(fields=["search_words"], name="concern_search"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ConcernStatus.values), name="concern_status_valid"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ConcernStatusChange(models.Model):
    """One step in a concern's history; written only by ``actors.services.concern_set_status``."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("previous status"), max_length=20, choices=Concern.Status.choices)
    to_status = models.CharField(_("new status"), max_length=20, choices=Concern.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.concern} · {self.from_status} → {self.to_status}"
