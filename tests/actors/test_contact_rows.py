"""The contact notes' rows, worked out in Python (``actors.views.rows``): the same text the template wrote, escaped
as it escaped it; and the choice labels of ``quartier.models.ChoiceLabels``."""

from __future__ import annotations

import datetime

from django.db import models
from django.test import Client
from django.utils import translation

from actors.models import ContactNote, Organisation, Person
from actors.selectors.contacts import contact_notes_for, contact_notes_shown
from actors.views.rows import contact_rows
from demo.factories import UserFactory
from fonds.models import Application
from quartier.models import Quartier, User

DAY = datetime.timedelta(days=1)


def test_a_row_shows_the_follow_up_in_german_with_the_names_escaped(
    area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    assignee = UserFactory(display_name="<b>Kim</b> & Co")
    note = ContactNote.objects.create(
        area=area,
        staff=role_users["gwa"],
        topic="Beratung",
        channel="telefon",
        date=today,
        follow_up_due=today - DAY,
        follow_up_assignee=assignee,
    )
    note.organisations.add(Organisation.objects.create(area=area, name="Kita <Sonne>"))
    note.persons.add(Person.objects.create(area=area, first_name="Ada", last_name="Lovelace"))
    notes = contact_notes_shown(contact_notes_for(area), with_persons=True, for_list=True)
    with translation.override("de"):
        [row] = contact_rows(notes, area=area, today=today, with_persons=True)
    due = (today - DAY).strftime("%d.%m.%Y")
    assert row.follow_up == f"fällig am {due}, für &lt;b&gt;Kim&lt;/b&gt; &amp; Co"
    assert (row.state, row.state_label, row.action) == ("overdue", "überfällig", "Als erledigt markieren")
    assert (row.channel, row.organisations, row.persons) == ("Telefon", "Kita <Sonne>", "Ada Lovelace")
    assert row.url == f"/gebiet/{area.slug}/kontakte/{note.pk}/"
    [hidden] = contact_rows(notes, area=area, today=today, with_persons=False)
    assert hidden.persons == ""


def test_the_list_writes_a_row_as_before(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    note = ContactNote.objects.create(
        area=area,
        staff=role_users["gwa"],
        topic="Sprechstunde <Kita>",
        channel="buero",
        date=today,
        follow_up_due=today + DAY,
        follow_up_assignee=role_users["gwa"],
        follow_up_done=True,
    )
    client.force_login(role_users["gwa"])
    html = client.get(f"/gebiet/{area.slug}/kontakte/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f'<time datetime="{today.isoformat()}">{today.strftime("%d.%m.%Y")}</time>' in html
    assert f'<a href="/gebiet/{area.slug}/kontakte/{note.pk}/">Sprechstunde &lt;Kita&gt;</a>' in html
    assert '<span class="tag">erledigt</span>' in html
    assert f'action="/gebiet/{area.slug}/kontakte/{note.pk}/erledigt/"' in html
    assert '<input type="hidden" name="done" value="0">' in html
    assert 'aria-label="Wieder öffnen: Sprechstunde &lt;Kita&gt;"' in html
    assert 'name="csrfmiddlewaretoken" value="' in html


def test_choice_labels_are_what_django_gives() -> None:
    application = Application(status="nachweis_eingereicht")
    unknown = Application(status="gibt-es-nicht")
    with translation.override("de"):
        shown = application.get_status_display()
        django_shown = models.Model._get_FIELD_display(application, Application._meta.get_field("status"))
        assert shown == django_shown
        assert shown != "nachweis_eingereicht"
    assert unknown.get_status_display() == "gibt-es-nicht"
    with translation.override("en"):
        assert ContactNote(channel="telefon").get_channel_display() == "Phone"
