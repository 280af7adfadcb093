"""Writes for persons: create and change them with their affiliations, and erase them (GDPR)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Affiliation, NetworkMembership, Organisation, Person
from quartier.audit import acting_as, audit_transition
from quartier.models import Quartier, User

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
#: What an erased person is called from then on (stored, so it is the same in every language).
ERASED_NAME = "Gelöschte Person"

#: The values an erasure leaves in the personal fields. Earlier audit entries lose their values of these fields;
#: ``is_resident`` and ``is_key_person`` stay, as figures about the area that no longer point to anyone.
ERASED_VALUES: dict[str, object] = {
    "first_name": "",
    "last_name": ERASED_NAME,
    "email": "",
    "phone": "",
    "address": "",
    "languages": "",
    "key_person_note": "",
    "legal_basis": Person.LegalBasis.NONE,
    "consent_date": None,
    "consent_scope": "",
    "consent_how": "",
    "interest_reason": "",
}


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


def _set_affiliations(person: Person, rows: Sequence[AffiliationRow]) -> None:
    """Make ``rows`` the person's affiliations: change the named ones, add new ones, delete the rest."""
    existing = {affiliation.pk: affiliation for affiliation in Affiliation.objects.filter(person=person)}
    saved: set[int] = set()
    for row in rows:
        if row.organisation.quartier_id != person.quartier_id:
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
    Affiliation.objects.filter(person=person).exclude(pk__in=saved).delete()


@transaction.atomic
def person_create(
    *, area: Quartier, data: dict[str, object], affiliations: Sequence[AffiliationRow] = (), by: User
) -> Person:
    """A new person in ``area`` from cleaned form data, with their affiliations; all or nothing."""
    person = Person(quartier=area, **{field: data[field] for field in PERSON_FIELDS if field in data})
    _tidy_legal_basis(person)
    person.full_clean()
    with acting_as(by):
        person.save()
    _set_affiliations(person, affiliations)
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
    return person


def _refresh_conflicts(person: Person) -> None:
    """A person's address and affiliations decide conflicts of interest in committees (as member or applicant)."""
    from committees.services.conflicts import conflicts_refresh

    conflicts_refresh(persons=[person.pk])


def _scrub(values: object) -> object:
    """An audit value list ``[old, new]`` (or any value) with the personal content removed."""
    if isinstance(values, list):
        return [None for _value in values]
    return None


def scrub_audit_entries(person: Person) -> int:
    """Remove the personal values from every earlier audit entry of ``person``; the number of entries.

    The entries keep when, who and which fields changed, so the trail still shows that work was done.
    """
    entries = list(LogEntry.objects.get_for_object(person))
    for entry in entries:
        entry.object_repr = ERASED_NAME
        if isinstance(entry.changes, dict):
            entry.changes = {
                field: (_scrub(values) if field in ERASED_VALUES else values) for field, values in entry.changes.items()
            }
        entry.changes_text = ""
        if isinstance(entry.serialized_data, dict):
            fields = entry.serialized_data.get("fields")
            if isinstance(fields, dict):
                entry.serialized_data = {
                    **entry.serialized_data,
                    "fields": {name: (None if name in ERASED_VALUES else value) for name, value in fields.items()},
                }
            else:
                entry.serialized_data = None
    LogEntry.objects.bulk_update(entries, ["object_repr", "changes", "changes_text", "serialized_data"])
    return len(entries)


@transaction.atomic
def person_erase(*, person: Person, by: User) -> Person:
    """Erase a person's personal data (GDPR Art. 17) and record that it was done.

    The record stays, anonymised, so contact notes and concerns keep counting; affiliations and network
    memberships are personal and are deleted. Earlier audit entries lose the personal values they held,
    and the erasure itself is recorded without any.
    """
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.erased_at is not None:
        raise ValidationError(_("This person's data was erased already."), code="erased")
    for field, value in ERASED_VALUES.items():
        setattr(locked, field, value)
    locked.erased_at = timezone.now()
    with disable_auditlog():
        locked.save()
        Affiliation.objects.filter(person=locked).delete()
        NetworkMembership.objects.filter(person=locked).delete()
    scrub_audit_entries(locked)
    audit_transition(obj=locked, transition="erase", from_state="active", to_state="erased", by=by)
    _refresh_conflicts(locked)
    return locked
