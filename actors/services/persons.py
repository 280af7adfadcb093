"""Writes for persons: create and change them with their affiliations (a committee member hears of a change of
their e-mail address at both addresses), and erase them (GDPR)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actors.models import Affiliation, Organisation, Person
from committees.services.conflicts import conflicts_refresh
from quartier.audit import acting_as, audit_transition
from quartier.mail import queue_mail
from quartier.models import Quartier, User
from quartier.personal_data import ErasureLine, Subject, erase, erasure_plan, refusals

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "is_resident",
    "languages",
    "is_key_person",
    "key_person_note",
    "legal_basis",
    "consent_date",
    "consent_scope",
    "consent_how",
    "interest_reason",
)


def refuse_erased(*persons: Person | None, field: str | None = None) -> None:
    """Nothing new is ever linked to a person whose data was erased: every service that links persons to a
    record (a network, a committee, an application) calls this, inside its transaction; ``field`` names the form
    field to blame.

    The persons' rows are read afresh and locked (an erasure that is running is waited for): the objects handed
    in were loaded with the form, perhaps before an erasure was committed, and the link holds until the commit."""
    ids = sorted({person.pk for person in persons if person is not None})
    if not ids:
        return
    rows = Person.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    if any(erased_at is not None for erased_at in rows.values_list("erased_at", flat=True)):
        message = _("This person's data was erased; choose another person.")
        raise ValidationError({field: message} if field else message, code="erased")


@dataclass(frozen=True)
class AffiliationRow:
    """One affiliation as the person should have it; ``pk`` names an existing one to change."""

    organisation: Organisation
    function: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    pk: int | None = None


def _tidy_legal_basis(person: Person) -> None:
    """Keep only the details of the legal basis that applies (data minimisation); consent lies in the past."""
    if person.legal_basis != Person.LegalBasis.CONSENT:
        person.consent_date = None
        person.consent_scope = ""
        person.consent_how = ""
    elif person.consent_date and person.consent_date > timezone.localdate():
        raise ValidationError({"consent_date": _("The date of the consent cannot be in the future.")}, code="future")
    if person.legal_basis != Person.LegalBasis.LEGITIMATE_INTEREST:
        person.interest_reason = ""


def _set_affiliations(person: Person, rows: Sequence[AffiliationRow], *, new: bool = False) -> None:
    """Make ``rows`` the person's affiliations: change the named ones, add new ones, delete the rest (a ``new``
    person has none to change or delete)."""
    existing = {} if new else {affiliation.pk: affiliation for affiliation in Affiliation.objects.filter(person=person)}
    saved: set[int] = set()
    for row in rows:
        if row.organisation.area_id != person.area_id:
            raise ValidationError({"organisation": _("This organisation belongs to another area.")}, code="other_area")
        if row.pk is None:
            affiliation = Affiliation(person=person)
        elif row.pk in existing:
            affiliation = existing[row.pk]
        else:
            raise ValidationError(_("This affiliation does not belong to the person."), code="foreign_row")
        affiliation.organisation = row.organisation
        affiliation.function = row.function
        affiliation.start = row.start
        affiliation.end = row.end
        affiliation.full_clean(exclude=["person", "organisation"])
        affiliation.save()
        saved.add(affiliation.pk)
    if not new:
        Affiliation.objects.filter(person=person).exclude(pk__in=saved).delete()


@transaction.atomic
def person_create(
    *, area: Quartier, data: dict[str, object], affiliations: Sequence[AffiliationRow] = (), by: User
) -> Person:
    """A new person in ``area`` from cleaned form data, with their affiliations; all or nothing."""
    person = Person(area=area, **{field: data[field] for field in PERSON_FIELDS if field in data})
    _tidy_legal_basis(person)
    person.full_clean()
    with acting_as(by):
        person.save()
        _set_affiliations(person, affiliations, new=True)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    data: dict[str, object],
    affiliations: Sequence[AffiliationRow] | None = None,
    by: User,
) -> Person:
    """Change a person; ``data`` holds the changed, cleaned values. ``affiliations`` (when given) replaces
    the person's affiliations. All or nothing; an erased person cannot be changed."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.erased_at is not None:
        raise ValidationError(_("This person's data was erased; the record cannot be changed."), code="erased")
    old_email = locked.email
    for field in PERSON_FIELDS:
        if field in data:
            setattr(person, field, data[field])
    _tidy_legal_basis(person)
    person.full_clean()
    with acting_as(by):
        person.save()
        if affiliations is not None:
            _set_affiliations(person, affiliations)
    _refresh_conflicts(person)
    person_email_change_tell(person=person, old=old_email)
    return person


def person_email_change_tell(*, person: Person, old: str) -> None:
    """Tell a committee member that their e-mail address was changed, at the old address and the new one, each in
    a mail of its own once the transaction is committed (nothing for a change that is rolled back).

    The invitation to vote online goes to the address recorded here (``committees.services.members``): an
    address changed behind the person's back would take their vote with it, so the person must notice. Told for
    every person who is or was a member of a committee (a past member may be added again and invited): called by
    every write that changes a person's address (:func:`person_update`, the applicant's step of the public form).
    Neither mail names the other address. A change of case only is no change."""
    new = person.email.strip()
    old = old.strip()
    if old.lower() == new.lower() or not person.committee_memberships.exists():
        return
    area = Quartier.objects.get(pk=person.area_id)
    context = {"person": person, "area": area, "today": timezone.localdate()}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your email address at the neighbourhood office %(area)s was changed") % {"area": area.name}
        body = render_to_string("actors/email/address_changed.txt", context)
    for address in (old, new):
        if address:
            queue_mail(to=address, subject=subject, body=body, kind="actors.address_changed", about=person, area=area)


def _refresh_conflicts(person: Person) -> None:
    """A person's address and affiliations decide conflicts of interest in committees (as member or applicant)."""
    conflicts_refresh(persons=[person.pk])


@transaction.atomic
def person_erase(*, person: Person, by: User, now: datetime.datetime | None = None) -> Person:
    """Erase a person's personal data (GDPR Art. 17) and record that it was done; all or nothing.

    Every model of the personal-data registry (``quartier.personal_data``) does its part: the record stays,
    anonymised, so contact notes, concerns, committee work and applications keep counting; affiliations and
    network memberships are deleted; committee memberships end today; the voting account is switched off;
    applications keep the money (§ 147 AO) and lose the person's name in their texts; private links are
    revoked; earlier audit entries lose the personal values they held, and the erasure itself is recorded
    without any. Refused (nothing changed) while a registry says it cannot be done yet, e.g. while an
    application is running or the account holds a staff role.
    """
    locked = Person.objects.select_for_update().select_related("area").get(pk=person.pk)
    if locked.erased_at is not None:
        raise ValidationError(_("This person's data was erased already."), code="erased")
    subject = Subject(person=locked, area=locked.area)
    reasons = refusals(subject)
    if reasons:
        raise ValidationError(reasons, code="refused")
    with disable_auditlog():
        erase(subject, by=by, now=now or timezone.now())
    audit_transition(obj=locked, transition="erase", from_state="active", to_state="erased", by=by)
    _refresh_conflicts(locked)
    return locked


def person_erasure_plan(*, person: Person) -> tuple[list[ErasureLine], list[str]]:
    """What erasing ``person`` would do, kind by kind, and why it cannot be done yet (if so)."""
    subject = Subject(person=person, area=person.area)
    return erasure_plan(subject), refusals(subject)
