"""Every mail to a committee member is written in the member's language (``Membership.language``, read through
``Membership.mail_language``): the invitation, the ballot opened, the reminder, the results, the minutes approved
and the account's mail; a language no longer offered (or forged into the row) gives German."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Person
from committees.models import AgendaItem, Committee, Meeting, Membership
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from committees.services.invitations import meeting_invitations_send
from committees.services.members import member_account_create
from committees.tasks import remind_ballot_voters
from committees.voters import address_of
from quartier.models import Mail, Quartier, User
from tests.committees.fixtures import make_ballot
from tests.mails import deliver


def in_language(language: str, text: Callable[[], str]) -> str:
    """The start of a message in ``language``: up to its first placeholder, without the quotes before it."""
    with translation.override(language):
        return text().split("%(")[0].rstrip(' “«"')


@pytest.fixture
def speakers(jurors: list[Membership]) -> dict[str, Membership]:
    """Juror 1 reads Turkish, juror 2 Arabic, juror 3 has a code no longer offered, the others German."""
    languages = {"tr": jurors[0], "ar": jurors[1], "xx": jurors[2], "de": jurors[3]}
    for language, membership in languages.items():
        Membership.objects.filter(pk=membership.pk).update(language=language)
        membership.refresh_from_db()
    return languages


def message_to(membership: Membership, kind: str) -> Mail:
    return Mail.objects.get(kind=kind, to=address_of(membership))


def test_an_unknown_language_is_german_and_a_known_one_is_kept(speakers: dict[str, Membership]) -> None:
    assert speakers["tr"].mail_language == "tr"
    assert speakers["ar"].mail_language == "ar"
    assert speakers["xx"].mail_language == "de"


def test_the_ballot_mails_are_in_each_member_s_language(jury: Committee, speakers: dict[str, Membership]) -> None:
    ballot = make_ballot(jury, items=1, hours=24)
    ballot_open(ballot=ballot, by=None)

    def opened() -> str:
        return gettext("New ballot: “%(title)s”, until %(deadline)s")

    assert in_language("tr", opened) != in_language("de", opened)  # the catalogue has it, or the test says nothing
    for language, membership in speakers.items():
        mail = message_to(membership, "committees.ballot_opened")
        expected = "de" if language == "xx" else language
        assert mail.subject.startswith(in_language(expected, opened)), (language, mail.subject)
    # The footer follows the body's language.
    turkish = message_to(speakers["tr"], "committees.ballot_opened").body
    german = message_to(speakers["de"], "committees.ballot_opened").body
    assert turkish.splitlines()[-1] != german.splitlines()[-1] or turkish != german

    # The reminder (48 hours before the deadline) and the results, too.
    assert remind_ballot_voters() >= 4

    def reminder() -> str:
        return gettext("Reminder: “%(title)s” ends on %(deadline)s")

    assert message_to(speakers["ar"], "committees.ballot_reminder").subject.startswith(in_language("ar", reminder))
    assert message_to(speakers["xx"], "committees.ballot_reminder").subject.startswith(in_language("de", reminder))

    item = ballot.items.get()
    for membership in Membership.objects.filter(committee=jury):
        vote_cast(item=item, membership=membership, choice="ja", by=membership.user)
    ballot_close(ballot=ballot, by=None)

    def results() -> str:
        return gettext("Results: “%(title)s”")

    assert message_to(speakers["tr"], "committees.ballot_closed").subject.startswith(in_language("tr", results))
    assert message_to(speakers["de"], "committees.ballot_closed").subject.startswith(in_language("de", results))
    assert all(len(message.to) == 1 for message in deliver())  # every one of them is sent


def test_the_invitation_is_in_the_member_s_language_whatever_the_office_s_page_was(
    jury: Committee, speakers: dict[str, Membership]
) -> None:
    meeting = Meeting.objects.create(
        committee=jury,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadtteilbüro",
        status=Meeting.Status.INVITED,
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Antrag Nachbarschaftsfest")

    def invitation() -> str:
        return gettext("Invitation: %(committee)s on %(date)s")

    with translation.override("en"):  # an office user working in English sends it
        meeting_invitations_send(meeting=meeting)
    for language, membership in speakers.items():
        expected = "de" if language == "xx" else language
        subject = message_to(membership, "committees.invitation").subject
        assert subject.startswith(in_language(expected, invitation)), (language, subject)


def test_the_account_mail_is_in_the_member_s_language(area: Quartier, jury: Committee) -> None:
    person = Person.objects.create(area=area, first_name="Leyla", last_name="Demir", email="leyla@example.org")
    membership = Membership.objects.create(committee=jury, person=person, member_type="bewohner", language="ar")
    member_account_create(membership=membership, by=None)

    def account() -> str:
        return gettext("Your account for the ballots of %(committee)s")

    mail = Mail.objects.get(kind="committees.member_account", to="leyla@example.org")
    assert in_language("ar", account) != in_language("de", account)
    assert mail.subject.startswith(in_language("ar", account))


def test_the_office_sets_the_member_s_language_and_a_forged_one_is_refused(
    client: Client, area: Quartier, jury: Committee, jurors: list[Membership], role_users: dict[str, User]
) -> None:
    membership = jurors[0]
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{membership.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="language"' in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        person=membership.person_id,
        start=membership.start.isoformat() if membership.start else "",
        end="",
        language="xx",
    )
    refused = client.post(url, {key: value for key, value in data.items() if value not in (None, False)})
    assert refused.status_code == 200 and "language" in refused.context["form"].errors
    membership.refresh_from_db()
    assert membership.language == "de"
