"""Personal data of the actors app (see ``quartier.personal_data``): the person's record, their organisations
and networks, the contact notes that mention them and the concerns they raised."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from actors.models import Affiliation, ConcernStatusChange, NetworkMembership, Organisation, Person
from quartier import permissions
from quartier.personal_data import (
    ERASED_NAME,
    Column,
    Erasing,
    Erasure,
    Kind,
    Registration,
    Section,
    Subject,
    register,
)
from quartier.sorting import german

#: The values an erasure leaves in the person's fields. Earlier audit entries lose their values of these fields;
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

# --- the person --------------------------------------------------------------------------------------------


def export_person(subject: Subject, rows: QuerySet[Any]) -> Section:
    person = subject.person
    row = {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "is_resident": person.is_resident,
        "languages": person.languages,
        "is_key_person": person.is_key_person,
        "key_person_note": person.key_person_note,
        "legal_basis": person.legal_basis,
        "legal_basis_label": person.get_legal_basis_display(),
        "consent_date": person.consent_date,
        "consent_scope": person.consent_scope,
        "consent_how": person.consent_how,
        "interest_reason": person.interest_reason,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }
    columns = [
        Column("first_name", _("First name")),
        Column("last_name", _("Last name")),
        Column("email", _("Email address")),
        Column("phone", _("Phone")),
        Column("address", _("Address"), Kind.LONG),
        Column("is_resident", _("Lives in the area"), Kind.BOOL),
        Column("languages", _("Languages")),
        Column("is_key_person", _("Key person"), Kind.BOOL),
        Column("key_person_note", _("Note on the key person"), Kind.LONG),
        Column("legal_basis_label", _("Legal basis")),
    ]
    if person.legal_basis == Person.LegalBasis.CONSENT:
        columns += [
            Column("consent_date", _("Consent given on"), Kind.DATE),
            Column("consent_scope", _("What the consent covers")),
            Column("consent_how", _("How the consent was given")),
        ]
    elif person.legal_basis == Person.LegalBasis.LEGITIMATE_INTEREST:
        columns.append(Column("interest_reason", _("Reason"), Kind.LONG))
    columns += [
        Column("created_at", _("Recorded on"), Kind.DATETIME),
        Column("updated_at", _("Last changed on"), Kind.DATETIME),
    ]
    return Section(key="person", title=_("Personal data"), columns=tuple(columns), rows=[row], single=True)


def erase_person(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    person = subject.person
    for name, value in ERASED_VALUES.items():
        setattr(person, name, value)
    person.erased_at = erasing.now
    person.save()
    erasing.scrub_audit(Person, [person.pk], blank=ERASED_VALUES, name=ERASED_NAME)


register(
    Registration(
        model="actors.Person",
        fields=(),
        label=_("person record"),
        holds=_("name, contact data, languages, whether they live in the area, key person, legal basis"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The record stays as “Gelöschte Person”, so contact notes, concerns, committee work and applications "
            "keep counting; earlier audit entries lose the personal values."
        ),
        subject=lambda subject: [subject.person.pk],
        export=export_person,
        erase=erase_person,
        position=0,
    )
)

# --- organisations and networks ---------------------------------------------------------------------------


def export_affiliations(subject: Subject, rows: QuerySet[Any]) -> Section:
    affiliations = rows.select_related("organisation").order_by(*german("organisation__name"), "pk")
    return Section(
        key="affiliations",
        title=_("Organisations"),
        columns=(
            Column("organisation", _("Organisation")),
            Column("function", _("Function")),
            Column("start", _("From"), Kind.DATE),
            Column("end", _("Until"), Kind.DATE),
        ),
        rows=[
            {"organisation": item.organisation.name, "function": item.function, "start": item.start, "end": item.end}
            for item in affiliations
        ],
    )


def erase_affiliations(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """Delete the links; an organisation that gives the person's own email or phone as its own loses them
    (the public form makes a group's organisation with the applicant's address), in its audit entries too. Its
    description, and its audit entries, lose the person's full name and contact data; the names of other people
    in them stay."""
    email, phone = erasing.original["email"], erasing.original["phone"]
    organisations = Organisation.objects.filter(pk__in=rows.values("organisation_id"))
    erasing.scrub_audit(Organisation, organisations.values_list("pk", flat=True), mentions_only=True)
    erasing.redact_fields(organisations, ["description"], mentions_only=True)
    if email:
        organisations.filter(email__iexact=email).update(email="")
    if phone:
        organisations.filter(phone=phone).update(phone="")
    _removed_before(erasing, Affiliation)
    rows.delete()


def _removed_before(erasing: Erasing, model: type[Model]) -> None:
    """Also the rows of ``model`` (a link the audit trail records with the person's id, ``HISTORY_OF``) that
    were removed before the erasure: their audit entries name the person as well, and the audit trail's eraser
    cuts the person out of every entry of the rows noted as touched."""
    content_type = ContentType.objects.get_for_model(model)
    entries = LogEntry.objects.filter(content_type=content_type, additional_data__person_id=erasing.subject.person.pk)
    erasing.touched.setdefault(model._meta.label, set()).update(entries.values_list("object_pk", flat=True))


register(
    Registration(
        model="actors.Affiliation",
        fields=("person",),
        label=_("links to organisations"),
        holds=_("the organisations the person belongs to, with their function"),
        erasure=Erasure.DELETE,
        export=export_affiliations,
        erase=erase_affiliations,
        position=10,
    )
)


def export_networks(subject: Subject, rows: QuerySet[Any]) -> Section:
    memberships = rows.select_related("network").order_by(*german("network__name"), "pk")
    return Section(
        key="network_memberships",
        title=_("Networks"),
        columns=(
            Column("network", _("Network")),
            Column("start", _("From"), Kind.DATE),
            Column("end", _("Until"), Kind.DATE),
        ),
        rows=[{"network": item.network.name, "start": item.start, "end": item.end} for item in memberships],
    )


def erase_network_memberships(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    _removed_before(erasing, NetworkMembership)
    rows.delete()


register(
    Registration(
        model="actors.NetworkMembership",
        fields=("person",),
        label=_("network memberships"),
        holds=_("the networks the person takes part in"),
        erasure=Erasure.DELETE,
        export=export_networks,
        erase=erase_network_memberships,
        position=20,
    )
)

# --- contact notes and concerns --------------------------------------------------------------------------


def export_contact_notes(subject: Subject, rows: QuerySet[Any]) -> Section:
    with_text = subject.can(permissions.VIEW_CONTACTS)
    notes = (
        rows.filter(area=subject.area)
        .select_related("staff")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by(*german("name"))))
        .order_by("-date", "-pk")
    )
    columns = [
        Column("date", _("Date"), Kind.DATE),
        Column("topic", _("Topic")),
        Column("channel", _("Channel")),
        Column("staff", _("Staff member")),
        Column("organisations", _("Organisations"), Kind.LIST),
    ]
    if with_text:
        columns.append(Column("text", _("Note"), Kind.LONG))
    return Section(
        key="contact_notes",
        title=_("Contact notes that mention the person"),
        columns=tuple(columns),
        rows=[
            {
                "date": note.date,
                "channel": note.get_channel_display(),
                "staff": note.staff.get_display_name(),
                "topic": note.topic,
                "organisations": [organisation.name for organisation in note.organisations.all()],
                **({"text": note.text} if with_text else {}),
            }
            for note in notes
        ],
        note="" if with_text else _("Your role does not show the text of contact notes."),
    )


def erase_contact_notes(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    erasing.redact_fields(rows, ["topic", "text"])


register(
    Registration(
        model="actors.ContactNote",
        fields=("persons",),
        label=_("contact notes"),
        holds=_("conversations with the person: date, channel, topic and the note"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The notes stay, so the office's contacts keep counting; the person's name, address, email and "
            "phone are cut out of their topics and texts."
        ),
        export=export_contact_notes,
        erase=erase_contact_notes,
        position=30,
    )
)
register(
    Registration(
        model="actors.ContactNote",
        fields=("staff", "follow_up_assignee"),
        label=_("contact notes written"),
        holds=_("which staff member had the contact and who follows it up"),
        erasure=Erasure.NONE,
        because=_("A staff member's work record; the accounts of persons the office serves hold no role."),
        not_exported_because=_("It names staff, not the person."),
    )
)


def export_concerns(subject: Subject, rows: QuerySet[Any]) -> Section:
    concerns = rows.filter(area=subject.area).select_related("field_of_action").order_by("-raised_on", "-pk")
    return Section(
        key="concerns",
        title=_("Concerns raised by the person"),
        columns=(
            Column("raised_on", _("Raised on"), Kind.DATE),
            Column("text", _("Concern"), Kind.LONG),
            Column("place", _("Place")),
            Column("status", _("Status")),
            Column("answer", _("Answer received"), Kind.LONG),
        ),
        rows=[
            {
                "raised_on": concern.raised_on,
                "text": concern.text,
                "place": concern.place,
                "field_of_action": concern.field_of_action.name if concern.field_of_action else None,
                "status": concern.get_status_display(),
                "forwarded_to": concern.forwarded_to,
                "answer": concern.answer,
            }
            for concern in concerns
        ],
    )


def erase_concerns(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    erasing.redact_fields(rows, ["text", "place", "answer"])
    erasing.redact_fields(ConcernStatusChange.objects.filter(concern__in=rows), ["note"])


register(
    Registration(
        model="actors.Concern",
        fields=("raised_by_person",),
        label=_("concerns raised"),
        holds=_("the concern, its place, where it was forwarded and the answer"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The concerns stay, so what became of them can still be shown; the person's name, address, email "
            "and phone are cut out of their texts and steps."
        ),
        export=export_concerns,
        erase=erase_concerns,
        perm=permissions.VIEW_CONCERNS,
        position=40,
    )
)
register(
    Registration(
        model="actors.ConcernStatusChange",
        fields=("by",),
        label=_("steps of concerns"),
        holds=_("which staff member moved a concern"),
        erasure=Erasure.NONE,
        because=_("A staff member's work record; the steps' notes are handled with the concerns."),
        not_exported_because=_("It names staff, not the person."),
    )
)
