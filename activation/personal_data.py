"""Personal data of the activation work (see ``quartier.personal_data``): persons as organisers of events and of
series of events, and links of events and series to fund applications. Photos point at no person: the office
records the consent of the people shown with each photo, and a photo without it is never shown publicly."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activation.models import Invitation
from quartier import permissions
from quartier.personal_data import Column, Erasing, Erasure, Kind, Registration, Section, Subject, register


def export_organised_events(subject: Subject, rows: QuerySet[Any]) -> Section:
    events = rows.filter(area=subject.area).order_by("-starts_at", "-pk")
    return Section(
        key="organised_events",
        title=_("Events the person organised"),
        columns=(
            Column("starts_at", _("Starts"), Kind.DATETIME),
            Column("title", _("Title")),
            Column("kind", _("Kind")),
            Column("place", _("Place")),
        ),
        rows=[
            {
                "starts_at": event.starts_at,
                "title": event.title,
                "kind": event.get_kind_display(),
                "place": event.place,
            }
            for event in events
        ],
    )


def erase_organised_events(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The person is no longer named as an organiser; the events stay (their participants keep counting)."""
    person = subject.person
    for event in rows:
        event.persons.remove(person)


register(
    Registration(
        model="activation.Event",
        fields=("persons",),
        label=_("events organised"),
        holds=_("which events and activities the person organised"),
        erasure=Erasure.ANONYMISE,
        because=_("The events stay, so the people reached keep counting; the person is no longer named."),
        export=export_organised_events,
        erase=erase_organised_events,
        perm=permissions.VIEW_EVENTS,
        position=60,
    )
)


def export_organised_series(subject: Subject, rows: QuerySet[Any]) -> Section:
    series = rows.filter(area=subject.area).order_by("-first_day", "-pk")
    return Section(
        key="organised_series",
        title=_("Series of events the person organises"),
        columns=(
            Column("first_day", _("First day"), Kind.DATE),
            Column("last_day", _("Last day"), Kind.DATE),
            Column("title", _("Title")),
            Column("place", _("Place")),
        ),
        rows=[
            {"first_day": row.first_day, "last_day": row.last_day, "title": row.title, "place": row.place}
            for row in series
        ],
    )


def erase_organised_series(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The person is no longer named as an organiser of the series (its events are erased on their own)."""
    person = subject.person
    for series in rows:
        series.persons.remove(person)


register(
    Registration(
        model="activation.Series",
        fields=("persons",),
        label=_("series of events organised"),
        holds=_("which regular activities the person organises"),
        erasure=Erasure.ANONYMISE,
        because=_("The series and its events stay; the person is no longer named as their organiser."),
        export=export_organised_series,
        erase=erase_organised_series,
        perm=permissions.VIEW_EVENTS,
        position=61,
    )
)
register(
    Registration(
        model="activation.Series",
        fields=("applications",),
        label=_("links of series of events to fund applications"),
        holds=_("which fund applications a series of events served"),
        erasure=Erasure.NONE,
        because=_("A link between two records; the application itself is anonymised with the person."),
        not_exported_because=_("It holds nothing about the person beyond the application, which is exported."),
    )
)
register(
    Registration(
        model="activation.Event",
        fields=("applications",),
        label=_("links of events to fund applications"),
        holds=_("which fund applications an event served"),
        erasure=Erasure.NONE,
        because=_("A link between two records; the application itself is anonymised with the person."),
        not_exported_because=_("It holds nothing about the person beyond the application, which is exported."),
    )
)


# --- surveys: the invitations of a self-evaluation ----------------------------------------------------------------
# The answers to surveys hold nothing about a person (no address, account or time of day; a self-evaluation's answer
# names its organisation). An invitation keeps the address it was mailed to: an organisation's, which may be a
# person's own (a small initiative's contact).


def _invitations(subject: Subject) -> QuerySet[Any]:
    address = (subject.person.email or "").strip()
    if not address:
        return Invitation.objects.none()
    return Invitation.objects.filter(survey__area=subject.area, sent_to__iexact=address)


def export_invitations(subject: Subject, rows: QuerySet[Any]) -> Section:
    return Section(
        key="survey_invitations",
        title=_("Invitations to a self-evaluation sent to the person's address"),
        columns=(
            Column("sent_at", _("Sent"), Kind.DATETIME),
            Column("survey", _("Survey")),
            Column("organisation", _("Organisation")),
            Column("sent_to", _("Sent to")),
        ),
        rows=[
            {
                "sent_at": row.sent_at,
                "survey": row.survey.title,
                "organisation": row.organisation.name,
                "sent_to": row.sent_to,
            }
            for row in rows.select_related("survey", "organisation").order_by("sent_at", "pk")
        ],
    )


def erase_invitations(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The address is removed, also from the invitation's history; the invitation stays (whether the organisation
    answered keeps counting)."""
    # Found by the address, before the person's own row lost it (``erasing.touched``).
    ids = erasing.touched.get("activation.Invitation", set())
    Invitation.objects.filter(pk__in=ids).update(sent_to="")
    erasing.scrub_audit(Invitation, ids, blank={"sent_to"})


register(
    Registration(
        model="activation.Invitation",
        fields=("sent_to",),
        label=_("invitations to a self-evaluation"),
        holds=_("the address an organisation's invitation to a self-evaluation was mailed to, when it is the person's"),
        erasure=Erasure.ANONYMISE,
        because=_(
            "The invitation stays, so the office still sees whether the organisation answered; the address goes."
        ),
        export=export_invitations,
        erase=erase_invitations,
        rows=_invitations,
        perm=permissions.VIEW_EVENTS,
        position=61,
    )
)
