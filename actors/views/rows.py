"""The rows of the contact notes and of the organisation list as the lists show them: every text worked out once
in Python, so the template only places strings (a contact note's row costs a few variable look-ups instead of a
translation, two date filters, a choice label and two related managers each).

The lists get them through ``list_page``'s ``page_context`` (``actors.views.contacts.contact_list``,
``actors.views.organisations.organisation_list``), each row as its HTML (``quartier.display.HtmlPattern``); the
note's page and the follow-up views show the one follow-up with ``follow_up_html``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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
    marked_done: str
    opened_again: str
    no_follow_up: str

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
            marked_done=_("The follow-up is marked as done."),
            opened_again=_("The follow-up is open again."),
            no_follow_up=_("No follow-up"),
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


@dataclass(frozen=True)
class FollowUpButton:
    """What the follow-up's button needs besides its row: whether the user may change it, the form's CSRF token and
    where the browser goes back to without JavaScript."""

    can_change: bool
    csrf_token: str
    next: str

    @classmethod
    def of(cls, request: HttpRequest, *, can_change: bool, next: str = "") -> FollowUpButton:
        """The button for ``request``'s page: its CSRF token, and back to ``next`` or else to the page itself."""
        return cls(can_change=can_change, csrf_token=get_token(request), next=next or request.get_full_path())


CONTACT_ROW = display.HtmlPattern(
    '<tr><td><time datetime="{date}">{date_shown}</time></td>'
    '<td><a href="{url}">{topic}</a><br><span class="result-count">{staff}</span></td>'
    "<td>{channel}</td><td>{names}</td><td>{follow_up}</td></tr>"
)
FOLLOW_UP = display.HtmlPattern('<div class="follow-up" id="follow-up-{key}">{error}{body}</div>')
FOLLOW_UP_ERROR = display.HtmlPattern('<p class="errorlist" role="alert">{error}</p>')
FOLLOW_UP_STATE = display.HtmlPattern('<p class="follow-up__state">{tag} {follow_up}</p>{changed}{form}')
FOLLOW_UP_OVERDUE = display.HtmlPattern('<strong class="tag tag--warning">{label}</strong>')
FOLLOW_UP_TAG = display.HtmlPattern('<span class="tag">{label}</span>')
FOLLOW_UP_CHANGED = display.HtmlPattern('<p class="result-count" role="status">{text}</p>')
FOLLOW_UP_FORM = display.HtmlPattern(
    '<form method="post" action="{url}" hx-post="{url}" hx-target="#follow-up-{key}" hx-swap="outerHTML">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">'
    '<input type="hidden" name="done" value="{done}">'
    '<input type="hidden" name="next" value="{next}">'
    '<button type="submit" class="button" aria-label="{action}: {topic}">{action}</button></form>'
)
NO_FOLLOW_UP = display.HtmlPattern('<p class="follow-up__state">{text}</p>')


def _follow_up_html(
    row: ContactRow, texts: _Texts, button: FollowUpButton, *, error: str = "", changed: bool = False
) -> SafeString:
    if not row.state:
        body = NO_FOLLOW_UP(text=texts.no_follow_up)
    else:
        body = FOLLOW_UP_STATE(
            tag=(FOLLOW_UP_OVERDUE if row.state == "overdue" else FOLLOW_UP_TAG)(label=row.state_label),
            follow_up=row.follow_up,
            changed=FOLLOW_UP_CHANGED(text=texts.marked_done if row.done else texts.opened_again) if changed else "",
            form=FOLLOW_UP_FORM(
                url=row.done_url,
                key=row.key,
                csrf_token=button.csrf_token,
                done="0" if row.done else "1",
                next=button.next,
                action=row.action,
                topic=row.topic,
            )
            if button.can_change
            else "",
        )
    return FOLLOW_UP(key=row.key, error=FOLLOW_UP_ERROR(error=error) if error else "", body=body)


def contact_rows_html(
    notes: Iterable[ContactNote], *, area: Quartier, today: datetime.date, with_persons: bool, button: FollowUpButton
) -> list[SafeString]:
    """The rows of the contact notes' table, as HTML (the notes as for ``contact_rows``)."""
    texts = _Texts.of(area)
    rows = []
    for note in notes:
        row = _row(note, texts, today=today, with_persons=with_persons)
        rows.append(
            CONTACT_ROW(
                date=row.date,
                date_shown=row.date_shown,
                url=row.url,
                topic=row.topic,
                staff=row.staff,
                channel=row.channel,
                names="; ".join(names for names in (row.organisations, row.persons) if names),
                follow_up=_follow_up_html(row, texts, button),
            )
        )
    return rows


def follow_up_html(
    note: ContactNote,
    *,
    area: Quartier,
    today: datetime.date,
    button: FollowUpButton,
    error: str = "",
    changed: bool = False,
) -> SafeString:
    """The follow-up of one note with its button, as its row in the list shows it (on the note's page, the
    follow-up's own page and as htmx's answer to the button: ``changed`` says what the button did)."""
    texts = _Texts.of(area)
    row = _row(note, texts, today=today, with_persons=False)
    return _follow_up_html(row, texts, button, error=error, changed=changed)


ORGANISATION_ROW = display.HtmlPattern(
    '<tr><td><a href="{url}">{name}</a>{inactive}</td><td>{kind}</td><td>{fields_of_action}</td>'
    "<td>{location}</td></tr>"
)
INACTIVE = display.HtmlPattern(' <span class="tag">{label}</span>')


def organisation_rows(organisations: Iterable[Organisation], *, area: Quartier) -> list[SafeString]:
    """The rows of ``organisations`` (with ``field_of_action_names``: ``organisations_for``), as HTML."""
    url = display.url_maker("organisation_page", area.slug)
    kinds = {value: str(label) for value, label in Organisation.Kind.choices}
    inside, outside = _("inside the area"), _("outside the area")
    inactive = INACTIVE(label=_("inactive"))
    return [
        ORGANISATION_ROW(
            url=url(organisation.pk),
            name=organisation.name,
            inactive="" if organisation.active else inactive,
            kind=kinds.get(organisation.kind, organisation.kind),
            fields_of_action=", ".join(organisation.field_of_action_names),
            location=inside if organisation.inside_area else outside,
        )
        for organisation in organisations
    ]
