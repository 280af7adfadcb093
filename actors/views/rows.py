"""The rows of the contact notes and of the organisation list as the lists show them: every text worked out once
in Python, so the template only places strings (a contact note's row costs a few variable look-ups instead of a
translation, two date filters, a choice label and two related managers each).

The lists get them through ``list_page``'s ``page_context`` (``actors.views.contacts.contact_list``,
``actors.views.organisations.organisation_list``); the note's page and the follow-up views build the one row they
show with ``contact_row``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from actors.models import ContactNote, Organisation
from quartier import display
from quartier.models import Quartier


@dataclass(frozen=True)
class ContactRow:
    """One contact note as its row and its follow-up show it."""

    key: str  # the note's id, as text
    url: str  # the note's page
    done_url: str  # where its follow-up is marked done or open again
    date: str  # ISO, for <time datetime>
    date_shown: str  # the short date of the active language
    topic: str
    staff: str
    channel: str
    organisations: str  # their names, joined
    persons: str  # their names, joined; empty where the user may not see people
    follow_up: str  # "due …, by …", safe (its values escaped); empty without a follow-up
    state: str  # "done", "overdue", "open" or "" (no follow-up)
    state_label: str
    done: bool
    action: str  # the button: "Mark as done" or "Open again"


@dataclass(frozen=True)
class _Texts:
    """What every row of one list shares: worked out once per list."""

    day: Callable[[datetime.date | None], str]  # a date as the list shows it
    note_url: Callable[[int], str]
    done_url: Callable[[int], str]
    channels: dict[str, str]
    states: dict[str, str]
    due: str
    nobody: str
    mark_done: str
    open_again: str

    @classmethod
    def of(cls, area: Quartier) -> _Texts:
        return cls(
            day=display.short_dates()[0],
            note_url=display.url_maker("contact_page", area.slug),
            done_url=display.url_maker("contact_follow_up_done", area.slug),
            channels={value: str(label) for value, label in ContactNote.Channel.choices},
            states={"done": _("done"), "overdue": _("overdue"), "open": _("open")},
            due=_("due %(due)s, by %(who)s"),
            nobody="–",
            mark_done=_("Mark as done"),
            open_again=_("Open again"),
        )


def _names(note: ContactNote, names: str, relation: str) -> list[str]:
    """The names the list's query read (``organisation_names``), else those of the related rows."""
    read = getattr(note, names, None)
    if read is not None:
        return read
    return [str(related) for related in getattr(note, relation).all()]


def _row(note: ContactNote, texts: _Texts, *, today: datetime.date, with_persons: bool) -> ContactRow:
    key = str(note.pk)
    url = texts.note_url(note.pk)
    state, follow_up = "", ""
    if note.follow_up_due:
        if note.follow_up_done:
            state = "done"
        elif note.follow_up_due < today:
            state = "overdue"
        else:
            state = "open"
        assignee = note.follow_up_assignee
        who = (assignee.get_display_name() if assignee is not None else "") or texts.nobody
        due = texts.day(note.follow_up_due)
        # As {% blocktranslate %} does: the values escaped, the translated sentence as it is.
        follow_up = mark_safe(texts.due % {"due": escape(due), "who": escape(who)})  # noqa: S308  # escaped  # nosec B308, B703
    return ContactRow(
        key=key,
        url=url,
        done_url=texts.done_url(note.pk),
        date=note.date.isoformat(),
        date_shown=texts.day(note.date),
        topic=note.topic,
        staff=note.staff.get_display_name(),
        channel=texts.channels.get(note.channel, note.channel),
        organisations=", ".join(_names(note, "organisation_names", "organisations")),
        persons=", ".join(_names(note, "person_names", "persons")) if with_persons else "",
        follow_up=follow_up,
        state=state,
        state_label=texts.states.get(state, ""),
        done=note.follow_up_done,
        action=texts.open_again if note.follow_up_done else texts.mark_done,
    )


def contact_rows(
    notes: Iterable[ContactNote], *, area: Quartier, today: datetime.date, with_persons: bool
) -> list[ContactRow]:
    """The rows of ``notes`` (with their staff and assignee read, and the names of their organisations and, where
    ``with_persons``, persons: ``contact_notes_shown(..., for_list=True)``)."""
    texts = _Texts.of(area)
    return [_row(note, texts, today=today, with_persons=with_persons) for note in notes]


def contact_row(note: ContactNote, *, area: Quartier, today: datetime.date, with_persons: bool) -> ContactRow:
    """The row of one note (its follow-up, on the note's page and after a change)."""
    return _row(note, _Texts.of(area), today=today, with_persons=with_persons)


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation as the organisation list shows it."""

    url: str
    name: str
    active: bool
    kind: str
    fields_of_action: str  # their names, joined
    location: str


def organisation_rows(organisations: Iterable[Organisation], *, area: Quartier) -> list[OrganisationRow]:
    """The rows of ``organisations`` (with ``field_of_action_names``: ``organisations_for``)."""
    url = display.url_maker("organisation_page", area.slug)
    kinds = {value: str(label) for value, label in Organisation.Kind.choices}
    inside, outside = _("inside the area"), _("outside the area")
    return [
        OrganisationRow(
            url=url(organisation.pk),
            name=organisation.name,
            active=organisation.active,
            kind=kinds.get(organisation.kind, organisation.kind),
            fields_of_action=", ".join(organisation.field_of_action_names),
            location=inside if organisation.inside_area else outside,
        )
        for organisation in organisations
    ]
