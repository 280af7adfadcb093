"""Writes of the public side of the funds: applicants without an account.

The applicant's key to their application is a private link: a long random token sent by email, of which
only the SHA-256 is stored (``AccessLink``). It expires after ``FONDS_LINK_DAYS`` days and can be revoked.
The application's lifecycle itself stays in ``fonds.services.applications``; this module only adds what
the public form needs around it: a new applicant (never matched to existing persons: nobody learns who
is already known to the office), the links, the files and the emails.
"""

from __future__ import annotations

import contextlib
import datetime
import hmac
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actors.models import Affiliation, Organisation, Person
from actors.selectors.pickers import Choice, organisation_choices, person_choices
from actors.services.persons import person_email_change_tell, refuse_erased
from committees.services.conflicts import conflicts_refresh
from fonds.models import AccessLink, Application, Attachment, Fund, Receipt, Status
from fonds.selectors import ZERO
from fonds.services.applications import (
    Line,
    application_create,
    application_submit,
    application_submit_proof,
    application_update,
    check_complete,
    lock_application,
)
from fonds.services.links import access_link_create, link_url, token_hash
from fonds.uploads import CheckedFile
from quartier.audit import acting_as
from quartier.mail import queue_mail
from quartier.models import User
from quartier.sorting import german
from quartier.text import one_line

logger = logging.getLogger(__name__)

#: States in which the applicant may change their application through the link.
APPLICANT_EDITABLE = frozenset({Status.DRAFT, Status.QUERY})


# --- private links --------------------------------------------------------------------------


def application_for_token(token: str, now: datetime.datetime | None = None) -> Application | None:
    """The application the private link ``token`` opens, or ``None`` for an unknown, revoked or expired
    link. Records when the link was last used."""
    if not token or len(token) > 200:
        return None
    now = now or timezone.now()
    digest = token_hash(token)
    link = (
        AccessLink.objects.select_related("application__fund__area", "application__fund__committee")
        .filter(token_hash=digest)
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    if link.revoked_at is not None or link.expires_at <= now:
        return None
    AccessLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link.application


@transaction.atomic
def access_link_revoke(*, link: AccessLink, by: User | None, now: datetime.datetime | None = None) -> AccessLink:
    """The link stops working at once."""
    link = AccessLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        with acting_as(by):
            link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def access_link_send(*, application: Application, email: str, by: User, now: datetime.datetime | None = None) -> None:
    """The office sends the applicant a new private link (e.g. the old one was lost or revoked)."""
    if not email:
        raise ValidationError(_("There is no email address to send the link to."), code="no_address")
    token = access_link_create(application=application, email=email, now=now)
    with translation.override(application.language):
        _queue_to_applicant(
            subject=_("Your application “%(title)s”: a new private link") % {"title": application.title},
            template="fonds/email/new_link.txt",
            context=_mail_context(application, token),
            to=email,
            application=application,
            kind="fonds.new_link",
        )


# --- emails ------------------------------------------------------------------------------------


def _queue_to_applicant(
    *, subject: str, template: str, context: dict[str, object], to: str, application: Application, kind: str
) -> None:
    """Queue one mail to the applicant (``quartier.mail.queue_mail``) in their language (``Application.language``;
    the subject is written by the caller in it): sent once the transaction is committed, shown in the
    application's outbox."""
    with translation.override(application.language):
        body = render_to_string(template, context)
    queue_mail(to=to, subject=subject, body=body, kind=kind, about=application, language=application.language)


def _mail_context(application: Application, token: str) -> dict[str, object]:
    person = application.person
    return {
        "name": str(person) if person else "",
        "application": application,
        "fund": application.fund,
        "area": application.fund.area,
        "link": link_url(token),
        "days": settings.FONDS_LINK_DAYS,
    }


def _address(application: Application) -> str:
    if application.person and application.person.email:
        return application.person.email
    link = application.access_links.order_by("-created_at").first()
    return link.email if link else ""


def _office_text(text: Callable[[], str]) -> str:
    """``text`` written for the office's records (a person's legal basis, a note in the history): in German, whatever
    the language of the public page that caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        return text()


# --- the applicant ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantData:
    first_name: str
    last_name: str
    organisation: str
    email: str
    phone: str
    is_resident: bool
    # The postal address, whole or not at all (the form checks it): the letters go there.
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def address(self) -> str:
        """The postal address as the person record keeps it: the street on the first line, postcode and town on
        the second (DIN 5008); "" when none was given."""
        street, town = one_line(self.street), " ".join(one_line(p) for p in (self.postcode, self.city) if p.strip())
        return "\n".join(line for line in (street, town) if line)


def address_parts(address: str) -> tuple[str, str, str]:
    """A person's address as the public form shows it again: street, postcode, town (from ``ApplicantData``'s
    two lines; a longer address written by the office keeps its first line as the street)."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    street = lines[0] if lines else ""
    postcode, _space, city = (lines[-1] if len(lines) > 1 else "").partition(" ")
    return street, postcode, city


def _check_open(fund: Fund, now: datetime.datetime) -> None:
    if not fund.open_for_applications or fund.year < timezone.localdate(now).year:
        raise ValidationError(_("This fund does not take applications at the moment."), code="closed")


def _check_applicant_editable(application: Application) -> None:
    if application.status not in APPLICANT_EDITABLE:
        raise ValidationError(
            _("Your application has been handed in and can no longer be changed here."), code="not_editable"
        )


def _new_person(fund: Fund, data: ApplicantData, now: datetime.datetime) -> Person:
    person = Person(
        area_id=fund.area_id,
        first_name=one_line(data.first_name),
        last_name=one_line(data.last_name),
        email=data.email.strip(),
        phone=one_line(data.phone),
        address=data.address,
        is_resident=data.is_resident,
        legal_basis=Person.LegalBasis.LEGITIMATE_INTEREST,
        interest_reason=_office_text(
            lambda: (
                _("Applied to %(fund)s through the public form on %(date)s.")
                % {"fund": fund, "date": date_format(timezone.localdate(now), "SHORT_DATE_FORMAT")}
            )
        ),
    )
    person.full_clean()
    person.save()
    return person


def _new_organisation(fund: Fund, name: str, person: Person) -> Organisation:
    organisation = Organisation(
        area_id=fund.area_id, name=one_line(name), kind=Organisation.Kind.INITIATIVE, email=person.email
    )
    organisation.full_clean()
    organisation.save()
    function = _office_text(lambda: _("contact for an application"))
    Affiliation.objects.create(person=person, organisation=organisation, function=function)
    return organisation


@transaction.atomic
def application_start(
    *,
    fund: Fund,
    applicant: ApplicantData,
    language: str = settings.LANGUAGE_CODE,
    now: datetime.datetime | None = None,
) -> tuple[Application, str]:
    """The first step of the public form: a new person (and their group, if named) in the fund's area,
    marked for the office to review, and a draft application with a private link sent to them by email.
    ``language`` is the applicant's (the page's): the application keeps it, and their mails are written in it.

    Returns the draft and the link's raw token."""
    now = now or timezone.now()
    _check_open(fund, now)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    person = _new_person(fund, applicant, now)
    organisation = _new_organisation(fund, applicant.organisation, person) if applicant.organisation.strip() else None
    title = _office_text(lambda: _("Application of %(name)s") % {"name": organisation or person})[:200]
    application = application_create(
        fund=fund, data={"title": title, "person": person, "organisation": organisation}, lines=[], by=None
    )
    application.applicant_to_review = True
    application.language = language
    application.save(update_fields=["applicant_to_review", "language"])
    token = access_link_create(application=application, email=person.email, now=now)
    with translation.override(application.language):
        _queue_to_applicant(
            subject=_("Your application to %(fund)s: your private link") % {"fund": fund},
            template="fonds/email/draft_link.txt",
            context=_mail_context(application, token),
            to=person.email,
            application=application,
            kind="fonds.draft_link",
        )
    return application, token


@transaction.atomic
def applicant_update(*, application: Application, applicant: ApplicantData) -> Application:
    """Change who applies, while the application is open for changes and the office has not yet taken the
    applicant over (after its review they are a record of the office, changed only there)."""
    application = lock_application(application)
    _check_applicant_editable(application)
    if not application.applicant_to_review or application.person is None:
        raise ValidationError(
            _("The neighbourhood office has already checked your details. Please tell the office about changes."),
            code="reviewed",
        )
    person = application.person
    old_email = Person.objects.select_for_update().values_list("email", flat=True).get(pk=person.pk)
    person.first_name = one_line(applicant.first_name)
    person.last_name = one_line(applicant.last_name)
    person.email = applicant.email.strip()
    person.phone = one_line(applicant.phone)
    person.address = applicant.address
    person.is_resident = applicant.is_resident
    person.full_clean()
    person.save()
    # The office may have made the applicant a committee member meanwhile, and can send a private link to any
    # address it types: a change of address is told as on the office's person form.
    person_email_change_tell(person=person, old=old_email)
    organisation = application.organisation
    dropped = None
    name = one_line(applicant.organisation)
    if name and organisation is None:
        organisation = _new_organisation(application.fund, name, person)
    elif name and organisation is not None:
        organisation.name = name
        organisation.full_clean()
        organisation.save()
    elif organisation is not None:  # no group any more
        dropped, organisation = organisation, None
    application = application_update(application=application, data={"organisation": organisation}, lines=None, by=None)
    if dropped is not None and not dropped.applications.exists():
        dropped.delete()  # the form made it for this application, and nothing else needs it
    return application


# --- the content -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostSummary:
    total: Decimal
    own: Decimal
    other: Decimal
    requested: Decimal
    problems: list[str]


def cost_summary(*, application: Application, lines: Sequence[Line], own: Decimal, other: Decimal) -> CostSummary:
    """What the cost plan ``lines`` would ask of the fund, and what the fund's rules say about it (the
    rules of ``check_complete``), without saving anything."""
    total = sum((line.amount for line in lines), ZERO)
    requested = max(total - own - other, ZERO)
    probe = Application(
        fund=application.fund,
        person_id=application.person_id,
        organisation_id=application.organisation_id,
        own_contribution=own,
        other_funding=other,
        total_costs=total,
        requested=requested,
    )
    try:
        check_complete(probe)
    except ValidationError as error:
        problems = list(error.messages)
    else:
        problems = []
    return CostSummary(total=total, own=own, other=other, requested=requested, problems=problems)


@transaction.atomic
def application_edit(
    *, application: Application, data: dict[str, object], lines: Sequence[Line] | None = None
) -> Application:
    """The applicant changes a step of their draft (or their application under query). With ``lines`` the
    cost plan is replaced, and it must meet the fund's rules."""
    application = lock_application(application)
    _check_applicant_editable(application)
    if "title" in data:  # one line: it becomes the subject of mails
        data = {**data, "title": one_line(str(data["title"]))}
    if lines is not None:
        summary = cost_summary(
            application=application,
            lines=lines,
            own=data.get("own_contribution", application.own_contribution),  # type: ignore[arg-type]
            other=data.get("other_funding", application.other_funding),  # type: ignore[arg-type]
        )
        if summary.problems:
            raise ValidationError(summary.problems, code="cost_plan")
    return application_update(application=application, data=data, lines=lines, by=None)


def changes_since_query(application: Application) -> str:
    """What the applicant changed since the office asked: the fields of the application and the files added,
    in a line each (from the audit trail and the files' upload times); empty if nothing."""
    asked = application.status_changes.filter(to_status=Status.QUERY).order_by("-at", "-pk").first()
    if asked is None:
        return ""
    fields: list[str] = []
    for entry in LogEntry.objects.get_for_object(application).filter(timestamp__gte=asked.at).order_by("pk"):
        for name in entry.changes_dict:
            try:
                field = Application._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            label = str(getattr(field, "verbose_name", name))
            if name not in NOT_SHOWN_AS_CHANGED and label not in fields:
                fields.append(label)
    files = list(
        application.attachments.filter(uploaded_at__gte=asked.at, kind=Attachment.Kind.DOCUMENT)
        .order_by("uploaded_at", "pk")
        .values_list("name", flat=True)
    )
    lines = []
    with translation.override(settings.LANGUAGE_CODE):  # a note for the office
        if fields:
            lines.append(_("Changed since the question: %(fields)s") % {"fields": ", ".join(fields)})
        if files:
            lines.append(_("New files since the question: %(files)s") % {"files": ", ".join(files)})
    return "\n".join(lines)


#: Fields the services set on every change: not what the applicant changed.
NOT_SHOWN_AS_CHANGED = frozenset({"updated_at", "status", "submitted_at"})


@transaction.atomic
def query_answer(
    *,
    application: Application,
    answer: str,
    file: CheckedFile | None = None,
    token: str,
    now: datetime.datetime | None = None,
) -> Application:
    """The applicant answers the office's question through their link (with a file, if given) and hands the
    application in again; the office finds the answer and what changed since it asked in the history."""
    application = lock_application(application)
    if application.status != Status.QUERY:
        raise ValidationError(_("There is no open question of the neighbourhood office to answer."), code="no_question")
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write your answer to the question."), code="no_answer")
    if file is not None:
        attachment_add(application=application, file=file)
    return application_hand_in(application=application, token=token, now=now, answer=answer)


@transaction.atomic
def application_hand_in(
    *, application: Application, token: str, now: datetime.datetime | None = None, answer: str = ""
) -> Application:
    """The applicant hands in their draft, or their changed application after a query (``answer``: their answer
    to the question); they get the confirmation with their private link by email."""
    application = lock_application(application)
    _check_applicant_editable(application)
    resubmitted = application.status == Status.QUERY
    problems = [] if application.description.strip() else [_("Describe your project in step 2 before you hand it in.")]
    try:
        check_complete(application)
    except ValidationError as error:
        problems.extend(error.messages)
    if problems:
        raise ValidationError(problems, code="incomplete")
    note = ""
    if resubmitted:
        answered = _office_text(lambda: _("Answer of the applicant: %(answer)s") % {"answer": answer}) if answer else ""
        note = "\n".join(part for part in (answered, changes_since_query(application)) if part)
    application = application_submit(application=application, by=None, now=now, note=note)
    with translation.override(application.language):
        subject = (
            _("Your changed application “%(title)s” has been received")
            if resubmitted
            else _("Your application “%(title)s” has been received")
        )
        _queue_to_applicant(
            subject=subject % {"title": application.title},
            template="fonds/email/submitted.txt",
            context={**_mail_context(application, token), "resubmitted": resubmitted},
            to=_address(application),
            application=application,
            kind="fonds.submitted",
        )
    return application


# --- files ------------------------------------------------------------------------------------------


def _check_room(application: Application, adding: int) -> None:
    if application.attachments.count() + adding > settings.FONDS_MAX_ATTACHMENTS:
        raise ValidationError(
            ngettext(
                "An application can have at most %(max)s file. Please remove it first.",
                "An application can have at most %(max)s files. Please remove one first, or combine several in one "
                "PDF.",
                settings.FONDS_MAX_ATTACHMENTS,
            )
            % {"max": settings.FONDS_MAX_ATTACHMENTS},
            code="too_many_files",
        )


@contextlib.contextmanager
def _files_removed_on_error() -> Iterator[list[Attachment]]:
    """Files written during a write that then fails are removed again: nothing half-saved on disk either."""
    stored: list[Attachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            with contextlib.suppress(Exception):
                attachment.file.delete(save=False)
        raise


def _store(
    application: Application, checked: CheckedFile, *, kind: str, stored: list[Attachment], receipt: Receipt | None
) -> Attachment:
    attachment = Attachment(
        application=application,
        kind=kind,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        receipt=receipt,
    )
    checked.upload.seek(0)
    attachment.file.save(checked.name, checked.upload, save=False)  # under a random name (attachment_path)
    stored.append(attachment)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(*, application: Application, file: CheckedFile) -> Attachment:
    """A document (a quote, a plan, a picture) for the application; ``file`` has passed ``check_upload``."""
    application = lock_application(application)
    _check_applicant_editable(application)
    _check_room(application, 1)
    with _files_removed_on_error() as stored:
        return _store(application, file, kind=Attachment.Kind.DOCUMENT, stored=stored, receipt=None)


@transaction.atomic
def attachment_remove(*, application: Application, attachment: Attachment) -> None:
    application = lock_application(application)
    _check_applicant_editable(application)
    if attachment.application_id != application.pk or attachment.kind != Attachment.Kind.DOCUMENT:
        raise ValidationError(_("This file does not belong to your application."), code="foreign")
    file = attachment.file
    name = file.name
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(name))


@dataclass(frozen=True)
class ReceiptData:
    date: datetime.date
    vendor: str
    amount: Decimal
    scan: CheckedFile | None = None


@transaction.atomic
def proof_of_use_submit(
    *,
    application: Application,
    receipts: Sequence[ReceiptData],
    report: str,
    participants: int | None,
    photos: Sequence[CheckedFile] = (),
    now: datetime.datetime | None = None,
) -> Application:
    """The applicant's proof of use through their link: the receipts (each with its scan, if given), the
    short report and photos, all or nothing."""
    application = lock_application(application)
    _check_room(application, len(photos) + sum(1 for receipt in receipts if receipt.scan))
    application = application_submit_proof(
        application=application,
        receipts=[(receipt.date, receipt.vendor.strip(), receipt.amount) for receipt in receipts],
        report=report,
        participants=participants,
        by=None,
        now=now,
    )
    rows = list(application.receipts.order_by("-pk")[: len(receipts)])[::-1]  # the ones just made, in order
    with _files_removed_on_error() as stored:
        for row, receipt in zip(rows, receipts, strict=True):
            if receipt.scan is not None:
                _store(application, receipt.scan, kind=Attachment.Kind.RECEIPT, stored=stored, receipt=row)
        for photo in photos:
            _store(application, photo, kind=Attachment.Kind.PHOTO, stored=stored, receipt=None)
    return application


def applicant_candidates(application: Application) -> dict[str, list[Choice]]:
    """Existing persons and organisations of the area the new applicant may be: same last name or email,
    similar organisation name; as ``(pk, label)`` with the pickers' labels (``actors.selectors.pickers``)."""
    person, organisation = application.person, application.organisation
    persons: list[Choice] = []
    organisations: list[Choice] = []
    if person is not None:
        same = Q(last_name__iexact=person.last_name)
        if person.email:
            same |= Q(email__iexact=person.email)
        found = (
            Person.objects.filter(area_id=application.area_id, erased_at__isnull=True)
            .filter(same)
            .exclude(pk=person.pk)
            .order_by(*german("last_name", "first_name"), "pk")
            .values_list("pk", flat=True)[:20]
        )
        persons = person_choices(application.area_id, only=list(found))
    if organisation is not None:
        similar = (
            Organisation.objects.filter(area_id=application.area_id, name__icontains=organisation.name[:40])
            .exclude(pk=organisation.pk)
            .order_by(*german("name"), "pk")
            .values_list("pk", flat=True)[:20]
        )
        organisations = organisation_choices(application.area_id, only=list(similar))
    return {"persons": persons, "organisations": organisations}


@transaction.atomic
def applicant_review(
    *, application: Application, person: Person | None, organisation: Organisation | None, by: User
) -> Application:
    """The office checks an applicant entered through the public form: keep the new records (``None``), or
    point the application to an existing person or organisation of the area. A replaced new record that
    nothing else uses is deleted, so no duplicate stays behind."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .get(pk=application.pk)
    )
    if not application.applicant_to_review:
        raise ValidationError(_("The applicant has already been checked."), code="reviewed")
    for chosen in (person, organisation):
        if chosen is not None and chosen.area_id != application.area_id:
            raise ValidationError(_("The applicant belongs to another area."), code="foreign_applicant")
    refuse_erased(person)
    replaced: list[Person | Organisation | None] = []
    if person is not None and person != application.person:
        replaced.append(application.person)
        application.person = person
    if organisation is not None and organisation != application.organisation:
        replaced.append(application.organisation)
        application.organisation = organisation
    application.applicant_to_review = False
    with acting_as(by):
        application.save(update_fields=["person", "organisation", "applicant_to_review", "updated_at"])
        if person is not None and application.organisation is not None:
            Affiliation.objects.get_or_create(
                person=person,
                organisation=application.organisation,
                defaults={"function": _office_text(lambda: _("contact for an application"))},
            )
        for record in replaced:
            if record is None:
                continue
            try:
                with transaction.atomic():
                    record.delete()
            except ProtectedError:
                logger.info("Kept %r: it is used elsewhere", record)
    conflicts_refresh(applications=[application.pk])
    return application
