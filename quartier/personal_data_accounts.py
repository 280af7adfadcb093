"""Personal data of the login account and of the third-party apps that point at it (see
``quartier.personal_data``).

Third-party models are registered here, beside the account they point at: the audit trail (auditlog), the
admin's own log, django-guardian's object permissions, django-otp's devices, sessions and the login
throttle's records (django-axes, by user name). Those that point at no account or person (guardian's group
permissions) are registered too, as holding nothing about a person, so the walker knows they were judged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier import permissions
from quartier.audit import audit_transition
from quartier.personal_data import (
    ACCOUNT,
    ERASED_NAME,
    Column,
    Erasing,
    Erasure,
    Exporter,
    Kind,
    Registration,
    Section,
    Subject,
    Text,
    audit_changes,
    register,
    subjects,
)


def _accounts_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="accounts",
        title=_("Account for online voting"),
        columns=(
            Column("username", _("User name")),
            Column("email", _("Email address")),
            Column("display_name", _("Display name")),
            Column("last_login", _("Last login"), Kind.DATETIME),
            Column("date_joined", _("Created"), Kind.DATETIME),
            Column("is_active", _("Active"), Kind.BOOL),
        ),
        rows=[
            {
                "username": user.username,
                "email": user.email,
                "display_name": user.display_name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "last_login": user.last_login,
                "date_joined": user.date_joined,
                "is_active": user.is_active,
            }
            for user in rows.order_by("pk")
        ],
    )


def _accounts_refuse(subject: Subject, rows: QuerySet[Any]) -> list[str]:
    return [
        _("The account %(username)s administers the site; an administrator takes that away first in /admin/.")
        % {"username": user.username}
        for user in rows.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by("pk")
    ]


#: The account fields an erasure empties (earlier audit entries lose their values).
ACCOUNT_ERASED_FIELDS = ("username", "email", "first_name", "last_name", "display_name")


def _accounts_erase(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """No login any more: an unusable password (which also ends every session at its next request), not
    active, no permissions, no personal data; the account row stays, so what it did keeps its actor."""
    users = list(rows.select_for_update().order_by("pk"))
    for user in users:
        user.username = f"geloescht-{user.pk}"
        user.email = ""
        user.first_name = user.last_name = ""
        user.display_name = ERASED_NAME
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    erasing.scrub_audit(ACCOUNT, [user.pk for user in users], blank=ACCOUNT_ERASED_FIELDS, name=ERASED_NAME)
    for user in users:
        audit_transition(obj=user, transition="erase", from_state="active", to_state="erased", by=erasing.by)


register(
    Registration(
        model=ACCOUNT,
        fields=(),
        label=_("accounts for online voting"),
        holds=_("user name, email address, last login, whether the account is active"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The account is switched off for good: no password, not active, every session ended, its "
            "name and address removed. Votes cast with it stay with the ended membership."
        ),
        subject=lambda subject: subject.account_ids(),
        export=_accounts_export,
        refuse=_accounts_refuse,
        erase=_accounts_erase,
        position=800,
    )
)


def _roles_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="roles",
        title=_("Roles of the account"),
        columns=(
            Column("area", _("Area")),
            Column("role", _("Role")),
            Column("since", _("Since"), Kind.DATETIME),
        ),
        rows=[
            {"area": item.area.name, "role": item.get_role_display(), "since": item.created_at}
            for item in rows.select_related("area").order_by("area__name", "role")
        ],
    )


def _roles_refuse(subject: Subject, rows: QuerySet[Any]) -> list[str]:
    return [
        _(
            "The account %(username)s holds the role %(role)s in %(area)s: a staff account is not erased with a "
            "person. An administrator takes the role away first."
        )
        % {"username": item.user.username, "role": item.get_role_display(), "area": item.area.name}
        for item in rows.select_related("user", "area").order_by("pk")
    ]


register(
    Registration(
        model="quartier.RoleAssignment",
        fields=("user",),
        label=_("roles of the account"),
        holds=_("the roles the account holds in areas"),
        erasure=Erasure.REFUSE,
        because=_("A staff account is not erased with a person: an administrator takes its roles away first."),
        export=_roles_export,
        refuse=_roles_refuse,
        position=810,
    )
)


def _object_permissions_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    grants = list(rows.select_related("permission", "content_type").order_by("content_type_id", "object_pk"))
    objects: dict[tuple[int, str], object] = {}
    for content_type_id in {grant.content_type_id for grant in grants}:  # one query per kind of object
        some = [grant for grant in grants if grant.content_type_id == content_type_id]
        model = some[0].content_type.model_class()
        if model is not None:
            found = model._default_manager.in_bulk([grant.object_pk for grant in some])
            objects.update({(content_type_id, str(pk)): item for pk, item in found.items()})
    return Section(
        key="object_permissions",
        title=_("Permissions of the account"),
        columns=(Column("permission", _("Permission")), Column("object", _("On"))),
        rows=[
            {
                "permission": str(grant.permission.name),
                "object": str(objects.get((grant.content_type_id, grant.object_pk), grant.object_pk)),
            }
            for grant in grants
        ],
    )


register(
    Registration(
        model="guardian.UserObjectPermission",
        fields=("user", "content_object"),
        label=_("permissions of the account"),
        holds=_("what the account may do on a committee (vote), or on an area"),
        erasure=Erasure.DELETE,
        export=_object_permissions_export,
        position=820,
        app="guardian",
    )
)
register(
    Registration(
        model="guardian.GroupObjectPermission",
        fields=("content_object",),
        label=_("permissions of groups"),
        holds=_("what a group may do on an object"),
        erasure=Erasure.NONE,
        because=_("Groups are not used for persons; their objects are areas and committees."),
        not_exported_because=_("It holds nothing about a person."),
        app="guardian",
    )
)


def _devices_export(key: str, title: Text) -> Exporter:
    def export(subject: Subject, rows: QuerySet[Any]) -> Section:
        return Section(
            key=key,
            title=title,
            columns=(Column("name", _("Name")), Column("confirmed", _("Set up"), Kind.BOOL)),
            rows=[{"name": device.name, "confirmed": device.confirmed} for device in rows.order_by("pk")],
        )

    return export


register(
    Registration(
        model="otp_totp.TOTPDevice",
        fields=("user",),
        label=_("authenticator apps"),
        holds=_("the secret key of a two-factor login (never exported)"),
        erasure=Erasure.DELETE,
        export=_devices_export("authenticator_apps", _("Two-factor login: authenticator apps")),
        position=830,
        app="django_otp.plugins.otp_totp",
    )
)
register(
    Registration(
        model="otp_static.StaticDevice",
        fields=("user",),
        label=_("recovery codes"),
        holds=_("the one-time recovery codes of a two-factor login (never exported)"),
        erasure=Erasure.DELETE,
        export=_devices_export("recovery_codes", _("Two-factor login: recovery codes")),
        position=831,
        app="django_otp.plugins.otp_static",
    )
)


def _sessions_of(subject: Subject) -> QuerySet[Any]:
    """The account's sessions: the session table names no user, so every running session is read."""
    from django.contrib.sessions.models import Session

    accounts = {str(pk) for pk in subject.ids(ACCOUNT)}
    if not accounts:
        return Session.objects.none()
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if str(session.get_decoded().get("_auth_user_id")) in accounts
    ]
    return Session.objects.filter(session_key__in=keys)


register(
    Registration(
        model="sessions.Session",
        fields=(),
        label=_("login sessions"),
        holds=_("that the account is logged in on a device, until when"),
        erasure=Erasure.DELETE,
        export=lambda subject, rows: Section(
            key="sessions",
            title=_("Login sessions"),
            columns=(Column("expire_date", _("Valid until"), Kind.DATETIME),),
            rows=[{"expire_date": session.expire_date} for session in rows.order_by("expire_date")],
        ),
        rows=_sessions_of,
        position=840,
        app="django.contrib.sessions",
    )
)


def _by_username(model: str) -> Callable[[Subject], QuerySet[Any]]:
    """Login records of the account's user names and email addresses (any case), as they were before."""

    def rows(subject: Subject) -> QuerySet[Any]:
        names = [name for user in subject.accounts() for name in (user.username, user.email) if name]
        condition = Q(pk__in=[])
        for name in names:
            condition |= Q(username__iexact=name)
        return apps.get_model(model)._default_manager.filter(condition)

    return rows


def _logins_export(key: str, title: Text) -> Exporter:
    def export(subject: Subject, rows: QuerySet[Any]) -> Section:
        return Section(
            key=key,
            title=title,
            columns=(
                Column("attempt_time", _("When"), Kind.DATETIME),
                Column("username", _("User name")),
                Column("ip_address", _("Address")),
                Column("user_agent", _("Browser")),
            ),
            rows=[
                {
                    "attempt_time": row.attempt_time,
                    "username": row.username,
                    "ip_address": row.ip_address,
                    "user_agent": row.user_agent,
                }
                for row in rows.order_by("-attempt_time")
            ],
        )

    return export


for _model, _key, _title, _label in (
    ("axes.AccessAttempt", "login_failures", _("Failed logins"), _("failed logins")),
    ("axes.AccessFailureLog", "login_failure_log", _("Log of failed logins"), _("logged failed logins")),
    ("axes.AccessLog", "logins", _("Logins"), _("logins")),
):
    register(
        Registration(
            model=_model,
            fields=(),
            label=_label,
            holds=_("time, user name, address and browser of a login (the login throttle's records)"),
            erasure=Erasure.DELETE,
            export=_logins_export(_key, _title),
            rows=_by_username(_model),
            position=850,
            app="axes",
        )
    )


def _audit_rows(subject: Subject) -> QuerySet[Any]:
    """The audit entries about the person: of their record and every row that stands for them (those the
    reader may see)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for label, registration in subjects().items():
        ids = subject.ids(label) if registration.visible_to(subject) else []  # what the reader may see
        if ids:
            content_type = ContentType.objects.get_for_model(apps.get_model(label))
            condition |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in ids])
    return LogEntry.objects.filter(condition)


def _audit_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    entries = rows.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    result = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = audit_changes(entry.changes_dict, model)
        result.append(
            {
                "timestamp": entry.timestamp,
                "record": f"{model._meta.verbose_name if model else entry.content_type.model}: {entry.object_repr}",
                "actor": entry.actor.get_display_name() if entry.actor else None,
                "action": entry.get_action_display(),
                "transition": (entry.additional_data or {}).get("transition"),
                "changes": {name: [old or None, new or None] for name, (_label, old, new) in changes.items()},
                "_changes": {label: (old, new) for label, old, new in changes.values()},
            }
        )
    return Section(
        key="audit_entries",
        title=_("Changes recorded in the audit trail"),
        columns=(
            Column("timestamp", _("When"), Kind.DATETIME),
            Column("record", _("Record")),
            Column("actor", _("By")),
            Column("action", _("What")),
            Column("transition", _("Step")),
            Column("_changes", _("Changes"), Kind.CHANGES),
        ),
        rows=result,
    )


def _audit_erase(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """Last of all: every entry about a row of any registered kind that was about the person (deleted ones
    included) loses the person's name, address, email and phone; the subjects' own erasers have removed the
    values of their personal fields already."""
    for label, pks in erasing.touched.items():
        erasing.scrub_audit(label, pks)


register(
    Registration(
        model="auditlog.LogEntry",
        fields=("actor",),
        label=_("audit entries"),
        holds=_("who changed what and when in the person's records; which changes an account made"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The entries keep when, who and which fields changed, so the work stays traceable; the person's "
            "values are removed from them, in the entries of every record above. The erasure itself is "
            "recorded, without personal data."
        ),
        export=_audit_export,
        erase=_audit_erase,
        rows=_audit_rows,
        position=1000,
        app="auditlog",
    )
)


def _admin_log_rows(subject: Subject) -> QuerySet[Any]:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(get_user_model())
    return LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in subject.ids(ACCOUNT)])


def _admin_log_erase(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    rows.update(object_repr=ERASED_NAME, change_message="")


register(
    Registration(
        model="admin.LogEntry",
        fields=("user",),
        label=_("entries of the admin site"),
        holds=_("which administrator changed the account in /admin/, with the account's name"),
        erasure=Erasure.ANONYMISE,
        because=_("The entries stay without the account's name."),
        not_exported_because=_("The same changes are in the audit trail, which is exported."),
        erase=_admin_log_erase,
        rows=_admin_log_rows,
        position=1001,
        app="django.contrib.admin",
    )
)


# --- the outbox ---------------------------------------------------------------------------------------------------


#: The subjects whose mails a reader of the person's data sees only with the permission to see them.
_MAILS_ABOUT = {"committees.Membership": permissions.VIEW_COMMITTEES, "fonds.Application": permissions.VIEW_FUNDS}


def _mails(subject: Subject) -> QuerySet[Any]:
    """The mails about the person, and those about their committee memberships and their applications that the
    reader may see; for the erasure also every mail to one of their addresses."""
    mail = apps.get_model("quartier.Mail")
    content_types = apps.get_model("contenttypes.ContentType").objects
    about = Q(about_type=content_types.get_for_model(subject.person), about_id=subject.person.pk)
    for label, perm in _MAILS_ABOUT.items():
        if label in subjects() and subject.can(perm):
            model = apps.get_model(label)
            about |= Q(about_type=content_types.get_for_model(model), about_id__in=subject.ids(label))
    if subject.perms is None:  # the erasure: whatever the mail was about
        addresses = {address.casefold() for address in [subject.person.email, *(a.email for a in subject.accounts())]}
        for address in filter(None, addresses):
            about |= Q(to__iexact=address)
    return mail.objects.filter(about)


def _mails_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="mails",
        title=_("Mails sent to the person or about them"),
        columns=(
            Column("written", _("Written"), Kind.DATETIME),
            Column("to", _("To")),
            Column("subject", _("Subject")),
            Column("status", _("Status")),
            Column("body", _("Text"), Kind.LONG),
        ),
        rows=[
            {
                "written": mail.created_at,
                "to": mail.to,
                "subject": mail.subject,
                "status": mail.get_status_display(),
                "body": mail.body,
            }
            for mail in rows.order_by("created_at", "pk")
        ],
    )


register(
    Registration(
        model="quartier.Mail",
        fields=("about",),
        label=_("mails"),
        holds=_("the mails the software sent to the person or about them: address, subject and text"),
        erasure=Erasure.DELETE,
        because=_("A mail's copy in the outbox only shows that it was sent; the record itself is kept elsewhere."),
        export=_mails_export,
        rows=_mails,
        position=840,
    )
)


def _mail_choices_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="mail_choices",
        title=_("Choice of mails"),
        columns=(
            Column("ballot_opened", _("A ballot opens"), Kind.BOOL),
            Column("ballot_closed", _("A ballot closes"), Kind.BOOL),
            Column("minutes_approved", _("Minutes approved"), Kind.BOOL),
            Column("digest", _("One daily summary"), Kind.BOOL),
        ),
        rows=[
            {
                "ballot_opened": row.ballot_opened,
                "ballot_closed": row.ballot_closed,
                "minutes_approved": row.minutes_approved,
                "digest": row.digest,
            }
            for row in rows.order_by("pk")
        ],
    )


def _digest_entries_export(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="digest_entries",
        title=_("Mails waiting for the daily summary"),
        columns=(
            Column("written", _("Written"), Kind.DATETIME),
            Column("to", _("To")),
            Column("subject", _("Subject")),
        ),
        rows=[{"written": row.created_at, "to": row.to, "subject": row.subject} for row in rows.order_by("pk")],
    )


register(
    Registration(
        model="quartier.MailChoices",
        fields=("user",),
        label=_("choice of mails"),
        holds=_("which optional mails the account gets, and whether as a daily summary"),
        erasure=Erasure.DELETE,
        export=_mail_choices_export,
        position=841,
    )
)
register(
    Registration(
        model="quartier.DigestEntry",
        fields=("user",),
        label=_("mails waiting for the daily summary"),
        holds=_("address, subject and text of the mails not yet sent in the account's daily summary"),
        erasure=Erasure.DELETE,
        export=_digest_entries_export,
        position=842,
    )
)
