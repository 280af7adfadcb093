"""Committees of an area: members, meetings with agenda and minutes, and online ballots.

A ballot's votes are stored in one of two ways. A named ballot keeps ``Vote``
rows (member, item, choice). A secret ballot keeps ``SecretVote`` rows that
carry no member at all. While the ballot is open a row holds its choice sealed
(``sealed``, AES-GCM) and a ``voter_tag`` that finds it again for a change of
mind: an HMAC of the member and the item. The keys of both are derived from the
server's ``SECRET_KEY`` and a random salt of the ballot (``secret_salt``) and
never stored (``committees/secrecy.py``), so a copy of the database alone links
no vote to its voter, and the order of the rows tells nothing either. Closing
the ballot unseals and counts the votes, writes them anew as plain choices
without tags in the order of their choices, and wipes the salt: afterwards
nothing links a vote to its voter. ``Participation`` records that a member took
part in an item (for "who has voted", never "how"), so nobody can vote twice
either way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Person
from committees.rules import MajorityRule, Result, stored_decision
from quartier.models import AreaScoped, ChoiceLabels, Period, Quartier


class Modified(models.Model):
    """When a row last changed: what the open data (OParl, ``committees.oparl``) reports as ``modified``, and what
    its ``modified_since`` filter reads. Saves stamp it (and ``quartier.transitions`` saves it with every step);
    a bulk write sets it itself."""

    modified_at = models.DateTimeField(_("modified"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Stamped(Modified):
    """When a row was made and last changed (``Modified``)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class Committee(AreaScoped):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD_COUNCIL = "quartiersrat", _("Neighbourhood council")
        ACTION_FUND_JURY = "jury", _("Action fund jury")
        ADVISORY_BOARD = "beirat", _("District advisory board")
        STEERING_GROUP = "lenkung", _("Steering group (administration)")
        STEERING_ROUND = "steuerung", _("Steering round")
        OTHER = "other", _("Other")

    #: The administration's own committees: no public page and no open data shows them, their meetings or their
    #: decisions (``committees.selectors.public_committee``, the one rule every public read asks).
    INTERNAL_KINDS = (Kind.STEERING_GROUP,)

    MajorityRule = MajorityRule  # defined with the rules (committees.rules), which need no database

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quorum_members = models.PositiveSmallIntegerField(
        _("quorum: voting members taking part (number)"), null=True, blank=True
    )
    quorum_share = models.DecimalField(
        _("quorum: voting members taking part (percent)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    majority_rule = models.CharField(
        _("majority rule"), max_length=12, choices=MajorityRule.choices, default=MajorityRule.VOTES_CAST
    )
    resident_share = models.DecimalField(
        _("required share of residents (percent)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=2)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]
        permissions = [("vote", _("Take part in the committee's ballots"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_share__isnull=True) | Q(quorum_share__gte=0, quorum_share__lte=100),
                name="committee_quorum_share_percent",
            ),
            models.CheckConstraint(
                condition=Q(resident_share__gte=0, resident_share__lte=100), name="committee_resident_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(Stamped, Period):
    class MemberType(models.TextChoices):
        RESIDENT = "bewohner", _("Resident")
        INSTITUTION = "einrichtung", _("Representative of an institution")
        BUSINESS = "gewerbe", _("Business")
        ADMINISTRATION = "verwaltung", _("Administration")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="committee_memberships"
    )
    # The member's own account, bound and removed only through committees.services.members; an account that
    # is bound is not deleted (the binding would change unseen, perhaps while a ballot is open).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account for online voting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_memberships",
    )
    member_type = models.CharField(_("member type"), max_length=20, choices=MemberType.choices)
    voting = models.BooleanField(_("voting member"), default=True)
    deputy_of = models.ForeignKey(
        "self", verbose_name=_("deputy of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="deputies"
    )
    # Only a member who agreed is named in the open data (OParl): as a person, with this membership.
    named_publicly = models.BooleanField(
        _("named publicly"),
        default=False,
        help_text=_("The member agreed to be named in the committee's open data (OParl) with this membership."),
    )
    # The language of the member's mails (invitations, ballots, reminders, minutes, their account): ``mail_language``.
    language = models.CharField(
        _("language of the mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
        help_text=_("Invitations, ballots and other mails to the member are written in this language."),
    )

    class Meta(Period.Meta):
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            *Period.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(deputy_of=F("pk")),
                name="membership_not_own_deputy",
                violation_error_message=_("A member cannot be their own deputy."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.committee}"

    def get_area(self) -> Quartier:
        return self.committee.area

    @property
    def mail_language(self) -> str:
        """The language every mail to the member is written in: theirs, if it is still offered, else German."""
        offered = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.committee.area_id}


class LinkedObject(models.Model):
    """An optional link to the object an item is about (a fund application, an ISEK measure)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class DecidedItem(ChoiceLabels, Stamped):
    """The decision of an agenda or ballot item: counts, result and the basis it was computed on."""

    yes = models.PositiveSmallIntegerField(_("yes"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("no"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    # Counted from the recorded recusals, never typed.
    recusals = models.PositiveSmallIntegerField(_("recusals"), null=True, blank=True)
    # Computed by committees.rules from the counts, never chosen (only "deferred" is chosen by hand).
    result = models.CharField(_("result"), max_length=25, choices=Result.choices, blank=True)
    # What the result was computed on: the committee's rules then, its voting members and (in a meeting) the
    # votes present (committees.rules.basis_of). Empty for results recorded before it was kept.
    basis = models.JSONField(_("basis of the decision"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def result_reason(self) -> str:
        """Why the result is what it is, with the numbers ("abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern")."""
        decision = stored_decision(self)
        return decision.reason if decision else ""


class Meeting(ChoiceLabels, Stamped):
    class Status(models.TextChoices):
        PLANNED = "geplant", _("Planned")
        INVITED = "eingeladen", _("Invited")
        HELD = "durchgefuehrt", _("Held")
        APPROVED = "genehmigt", _("Minutes approved")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=120, validators=[MinValueValidator(15), MaxValueValidator(720)]
    )
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    # The calendar entry's revision (ICS SEQUENCE): raised whenever an invited meeting changes.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    approved_in = models.ForeignKey(
        "self",
        verbose_name=_("minutes approved in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.starts_at:%d.%m.%Y}"

    def get_area(self) -> Quartier:
        return self.committee.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.committee.area_id}


class AgendaItem(LinkedObject, DecidedItem):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agendaitem_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.meeting.committee.area_id}


class Attendance(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        PRESENT = "anwesend", _("Present")
        EXCUSED = "entschuldigt", _("Excused")
        ABSENT = "abwesend", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=15, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_status_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.meeting.committee.area_id}


class Ballot(ChoiceLabels, Stamped):
    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Draft")
        OPEN = "offen", _("Open")
        CLOSED = "geschlossen", _("Closed")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="ballots"
    )
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateTimeField(_("deadline"))
    secret = models.BooleanField(_("secret ballot"), default=False)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # Random salt of an open secret ballot (hex); its keys come from it and SECRET_KEY, and closing wipes it.
    secret_salt = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="geschlossen") | Q(secret_salt=""),  # a salt, no password  # nosec B106
                name="ballot_closed_keeps_no_salt",
            ),
            models.CheckConstraint(
                condition=~Q(status="offen", secret=True) | ~Q(secret_salt=""),  # a salt, no password  # nosec B106
                name="ballot_open_secret_has_salt",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_area(self) -> Quartier:
        return self.committee.area

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.committee.area_id}


class BallotItem(LinkedObject, DecidedItem):
    """An item of a ballot. Its decision (``DecidedItem``) is written once, when the ballot closes."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("ballot item")
        verbose_name_plural = _("ballot items")
        ordering = ["ballot", "position"]
        constraints = [models.UniqueConstraint(fields=["ballot", "position"], name="ballotitem_position_unique")]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.ballot.committee.area_id}


class Choice(models.TextChoices):
    YES = "ja", _("Yes")
    NO = "nein", _("No")
    ABSTAIN = "enthaltung", _("Abstain")


class Vote(ChoiceLabels, models.Model):
    """A vote in a named ballot."""

    item = models.ForeignKey(BallotItem, on_delete=models.CASCADE, related_name="votes")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=12, choices=Choice.choices)
    cast_at = models.DateTimeField(_("cast"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "membership"], name="vote_one_per_member")]

    def __str__(self) -> str:
        return self.get_choice_display()


class SecretVote(models.Model):
    """A vote in a secret ballot: no member. While the ballot is open, a tag and the sealed choice; once it is
    closed, the plain choice alone (see the module docstring)."""

    item = models.ForeignKey(BallotItem, on_delete=models.CASCADE, related_name="secret_votes")
    choice = models.CharField(_("vote"), max_length=12, choices=Choice.choices, blank=True)
    voter_tag = models.CharField(max_length=64, null=True, blank=True)
    sealed = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("secret vote")
        verbose_name_plural = _("secret votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "voter_tag"], name="secretvote_one_per_tag"),
            # Never a readable choice next to the tag that finds its voter: sealed and tagged, or plain and untagged.
            models.CheckConstraint(
                condition=(Q(voter_tag__isnull=False, choice="") & ~Q(sealed=""))
                | Q(voter_tag__isnull=True, sealed="", choice__in=Choice.values),
                name="secretvote_sealed_while_tagged",
            ),
        ]

    def __str__(self) -> str:
        return self.get_choice_display()


class Participation(models.Model):
    """That a member took part in an item (voted, or declared a conflict): never how they voted."""

    class Kind(models.TextChoices):
        VOTED = "voted", _("Voted")
        RECUSED = "recused", _("Recused (conflict of interest)")

    item = models.ForeignKey(BallotItem, on_delete=models.CASCADE, related_name="participations")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="participations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # No timestamp: with one, the order of participations could be matched against secret votes.

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["item", "membership"], name="participation_one_per_member")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_kind_display()}"


class ConflictFlag(ChoiceLabels, models.Model):
    """A conflict of interest of a member for one item: of a ballot (``item``) or of a meeting's agenda
    (``agenda_item``), exactly one of them.

    Flagged by ``committees.services.conflicts`` (the reasons in ``reason``, one a line), or declared. On a
    ballot the member confirms a flag (and is recused) or dismisses it before voting; in a meeting the office
    records it: confirmed is the member's recusal from the item (left the room, did not vote), dismissed that
    they took part. Confirmed flags are never undone by a recomputation."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("To be confirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    item = models.ForeignKey(BallotItem, on_delete=models.CASCADE, related_name="conflict_flags", null=True, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="conflict_flags", null=True, blank=True
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="conflict_flags")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FLAGGED)

    class Meta:
        verbose_name = _("conflict flag")
        verbose_name_plural = _("conflict flags")
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="conflictflag_unique"),
            models.UniqueConstraint(fields=["agenda_item", "membership"], name="conflictflag_agenda_unique"),
            models.CheckConstraint(
                condition=Q(item__isnull=False, agenda_item__isnull=True)
                | Q(item__isnull=True, agenda_item__isnull=False),
                name="conflictflag_one_item",
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def get_additional_data(self) -> dict[str, int]:
        return {"quartier_id": self.membership.committee.area_id}


class CalendarLink(models.Model):
    """A person's own address of a committee's calendar feed (calendar programs cannot log in). Only the SHA-256
    of its long random token is stored. A member's link belongs to their membership and works while the term runs
    and the account is still the membership's; a link of office staff (no membership) works while they may see
    the area's committees. Asking for a new link replaces the old one, which stops at once."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="calendar_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_links")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(membership__isnull=False), name="calendarlink_one_per_membership"
            ),
            models.UniqueConstraint(
                fields=["committee", "user"], condition=Q(membership__isnull=True), name="calendarlink_one_per_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.user}"


class Tombstone(models.Model):
    """An object of the open data (OParl, ``committees.oparl``) that is gone: deleted, or a member who withdrew
    their consent to be named (their membership, and their person once no named membership is left). Clients
    that copied it learn from it that it is gone; it holds nothing but the object's kind, key and times."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Committee")
        PERSON = "person", _("Person")
        MEMBERSHIP = "membership", _("Membership")
        MEETING = "meeting", _("Meeting")
        AGENDA_ITEM = "agendaItem", _("Agenda item")

    # No constraint: an area deleted takes its committees with it, whose tombstones are written on the way (their
    # receivers run before the area's row goes); the area's own receiver then deletes them all.
    area = models.ForeignKey(
        Quartier, verbose_name=_("area"), on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.PositiveBigIntegerField(_("key"))  # the object's primary key, as in its address
    created_at = models.DateTimeField(_("created"))  # when the object was made
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("deleted object of the open data")
        verbose_name_plural = _("deleted objects of the open data")
        ordering = ["deleted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="tombstone_kind_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
