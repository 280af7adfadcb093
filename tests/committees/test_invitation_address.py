"""The invitation to vote online goes only to the member's own address (issue #15, finding 1).

The office does not type the address the set-password link goes to: it is the e-mail address recorded in the
member's person data. A staff member who typed their own address received the link and voted in the member's
name. The other way round, changing the person's address first and then inviting, cannot be prevented (people
move to another address), so it is told: a change of the address of a person who is or was a committee member
is mailed to the old address as well as the new one, after commit, on every path that changes it (the person
form, the applicant's step of the public form).
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from actors.models import Person
from actors.services.persons import person_update
from committees.models import Committee, Membership
from committees.services.members import member_account_create
from demo.factories import UserFactory
from quartier.models import Quartier, User
from tests.mails import deliver

DAY = datetime.timedelta(days=1)
NO_ADDRESS = "Für Mehmet Aydın ist keine E-Mail-Adresse hinterlegt."
WHERE = "in den Personendaten ein und legen Sie dann das Konto an."
TAKEN = "Die E-Mail-Adresse von Mehmet Aydın (mehmet@example.org) gehört schon zu einem anderen Konto."
CHANGED_SUBJECT = "Ihre E-Mail-Adresse beim Stadtteilbüro Kiez am Kanal wurde geändert"


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def member(committee: Committee, *, email: str = "mehmet@example.org", **period: object) -> Membership:
    person = Person.objects.create(
        area=committee.area,
        first_name="Mehmet",
        last_name="Aydın",
        email=email,
        is_resident=True,
        legal_basis=Person.LegalBasis.LEGITIMATE_INTEREST,
        interest_reason="Mitglied der Jury",
    )
    return Membership.objects.create(committee=committee, person=person, member_type="bewohner", **period)


def account_url(membership: Membership) -> str:
    committee = membership.committee
    return f"/gebiet/{committee.area.slug}/gremien/{committee.pk}/mitglieder/{membership.pk}/konto/"


def person_form(person: Person, **changes: str) -> dict[str, str]:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_resident": "on",
        "legal_basis": person.legal_basis,
        "interest_reason": person.interest_reason,
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-MIN_NUM_FORMS": "0",
        "affiliations-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Callable[..., object]) -> Callable[[], object]:
    """Run the block's on-commit callbacks (the mails) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)  # type: ignore[operator]


# The attack: the office types its own address


def test_a_typed_address_never_receives_the_set_password_link(
    gwa: Client, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    membership = member(jury)
    with commit():  # type: ignore[attr-defined]
        response = gwa.post(account_url(membership), {"email": "gwa.privat@example.org"}, follow=True)
    membership.refresh_from_db()
    account = membership.user
    assert account is not None and account.email == "mehmet@example.org"
    assert not User.objects.filter(email__iexact="gwa.privat@example.org").exists()
    assert [mail.to for mail in deliver()] == [["mehmet@example.org"]]
    assert "/konto/passwort/neu/" in deliver()[0].body
    assert any("mehmet@example.org" in message for message in messages_of(response))
    assert not any("gwa.privat" in message for message in messages_of(response))


def test_the_invitation_takes_no_address_from_its_caller() -> None:
    parameters = inspect.signature(member_account_create).parameters
    assert set(parameters) == {"membership", "by"}
    assert all(parameter.kind is inspect.Parameter.KEYWORD_ONLY for parameter in parameters.values())


def test_the_account_card_shows_where_the_invitation_goes_and_takes_no_address(
    gwa: Client, area: Quartier, jury: Committee
) -> None:
    membership = member(jury)
    html = gwa.get(account_url(membership).removesuffix("konto/")).content.decode()
    card = html.split('id="account-heading"', 1)[1]
    assert 'name="email"' not in card
    assert "mehmet@example.org" in card
    assert f'href="/gebiet/{area.slug}/personen/{membership.person_id}/bearbeiten/"' in card


def test_without_a_recorded_address_the_invitation_is_refused_and_says_where_to_record_it(
    gwa: Client, area: Quartier, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    membership = member(jury, email="")
    users_before = User.objects.count()
    with commit():  # type: ignore[attr-defined]
        response = gwa.post(account_url(membership), {"email": "gwa.privat@example.org"}, follow=True)
    [message] = messages_of(response)
    assert NO_ADDRESS in message and WHERE in message
    membership.refresh_from_db()
    assert membership.user is None and User.objects.count() == users_before and not deliver()
    with pytest.raises(ValidationError) as refused:
        member_account_create(membership=membership, by=None)
    assert NO_ADDRESS in " ".join(refused.value.messages)
    card = response.content.decode().split('id="account-heading"', 1)[1]
    assert "keine E-Mail-Adresse hinterlegt" in card
    assert f'href="/gebiet/{area.slug}/personen/{membership.person_id}/bearbeiten/"' in card


def test_an_address_another_account_holds_is_refused_with_where_to_change_it(
    gwa: Client, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    membership = member(jury)
    UserFactory(username="vergeben", email="Mehmet@example.org")
    with commit():  # type: ignore[attr-defined]
        response = gwa.post(account_url(membership), follow=True)
    [message] = messages_of(response)
    assert TAKEN in message and WHERE in message
    membership.refresh_from_db()
    assert membership.user is None and not deliver()


def test_the_link_for_an_account_the_person_already_votes_with_goes_only_to_the_recorded_address(
    area: Quartier, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    """The account of an earlier membership may carry an address typed by the office before this rule: the
    link to set its password goes to the person's address; the account's address hears of it without it."""
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    earlier = member(council)
    own = UserFactory(username="mehmet", email="gwa.privat@example.org")
    own.set_unusable_password()
    own.save()
    Membership.objects.filter(pk=earlier.pk).update(user=own)
    later = Membership.objects.create(committee=jury, person=earlier.person, member_type="bewohner")
    with commit():  # type: ignore[attr-defined]
        assert member_account_create(membership=later, by=None) == own
    linked = [mail for mail in deliver() if "/konto/passwort/neu/" in mail.body]
    assert [mail.to for mail in linked] == [["mehmet@example.org"]]
    assert sorted(mail.to[0] for mail in deliver()) == ["gwa.privat@example.org", "mehmet@example.org"]


# The other way: change the person's address first, then invite


def _changed(mailoutbox: list) -> list[list[str]]:
    return [mail.to for mail in deliver() if CHANGED_SUBJECT in mail.subject]


@pytest.mark.parametrize(
    ("term", "with_account"),
    [("running", False), ("running", True), ("future", False), ("ended", True), ("ended", False)],
)
def test_changing_a_members_address_is_told_to_the_old_and_the_new_address(
    gwa: Client,
    area: Quartier,
    jury: Committee,
    mailoutbox: list,
    commit: Callable[[], object],
    term: str,
    with_account: bool,
) -> None:
    today = timezone.localdate()
    period = {
        "running": {"start": today - 30 * DAY},
        "future": {"start": today + 30 * DAY},
        "ended": {"start": today - 800 * DAY, "end": today - 70 * DAY},
    }[term]
    membership = member(jury, **period)
    if with_account:
        Membership.objects.filter(pk=membership.pk).update(user=UserFactory(email="mehmet@example.org"))
    person = membership.person
    url = f"/gebiet/{area.slug}/personen/{person.pk}/bearbeiten/"
    with commit():  # type: ignore[attr-defined]
        response = gwa.post(url, person_form(person, email="gwa.privat@example.org"))
        assert response.status_code == 302
        assert not mailoutbox  # nothing sent before the commit
    person.refresh_from_db()
    assert person.email == "gwa.privat@example.org"
    assert sorted(_changed(deliver())) == [["gwa.privat@example.org"], ["mehmet@example.org"]]
    for mail in mailoutbox:
        assert "Sie" in mail.body and "Stadtteilbüro" in mail.body
        assert "gwa.privat" not in mail.body and "mehmet@" not in mail.body  # neither address learns the other


def test_the_attack_change_the_address_then_invite_reaches_the_member(
    gwa: Client, area: Quartier, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    membership = member(jury)
    person = membership.person
    with commit():  # type: ignore[attr-defined]
        gwa.post(
            f"/gebiet/{area.slug}/personen/{person.pk}/bearbeiten/", person_form(person, email="gwa.privat@example.org")
        )
        gwa.post(account_url(membership))
    assert ["mehmet@example.org"] in _changed(deliver())  # the member hears of it at their own address


@pytest.mark.parametrize("change", ["same address", "other field", "not a member", "refused"])
def test_no_address_change_no_mail(
    gwa: Client, area: Quartier, jury: Committee, mailoutbox: list, commit: Callable[[], object], change: str
) -> None:
    membership = member(jury)
    person = membership.person
    if change == "not a member":
        Membership.objects.filter(pk=membership.pk).delete()
    data = {
        "same address": person_form(person, email="Mehmet@Example.org"),
        "other field": person_form(person, last_name="Aydın-Kaya"),
        "not a member": person_form(person, email="neu@example.org"),
        "refused": person_form(person, email="neu@example.org", legal_basis="bauchgefuehl"),
    }[change]
    with commit():  # type: ignore[attr-defined]
        response = gwa.post(f"/gebiet/{area.slug}/personen/{person.pk}/bearbeiten/", data)
    assert response.status_code == (200 if change == "refused" else 302)
    assert not deliver()


def test_the_service_tells_the_change_and_a_rolled_back_change_tells_nothing(
    area: Quartier, jury: Committee, role_users: dict[str, User], mailoutbox: list, commit: Callable[[], object]
) -> None:
    person = member(jury).person
    with commit(), pytest.raises(ValidationError):  # type: ignore[attr-defined]
        person_update(person=person, data={"email": "neu@example.org", "last_name": ""}, by=role_users["gwa"])
    assert not deliver()
    person = Person.objects.get(pk=person.pk)
    with commit():  # type: ignore[attr-defined]
        person_update(person=person, data={"email": ""}, by=role_users["planung"])
    assert _changed(deliver()) == [["mehmet@example.org"]]  # an address removed: the old one hears of it
    deliver().clear()
    with commit():  # type: ignore[attr-defined]
        person_update(person=Person.objects.get(pk=person.pk), data={"email": "neu@example.org"}, by=None)
    assert _changed(deliver()) == [["neu@example.org"]]  # an address recorded where there was none


def test_the_applicant_step_of_the_public_form_tells_a_members_address_change(
    client: Client,
    gwa: Client,
    jury: Committee,
    aktionsfonds: object,
    mailoutbox: list,
    commit: Callable[[], object],
) -> None:
    """The applicant's details stay open to the private link until the office has checked them, and the office
    can send a private link to any address it types: a person made a member meanwhile is told as well."""
    from tests.fonds.test_public import WHO, start

    with commit():  # type: ignore[attr-defined]
        token, application = start(Client(), aktionsfonds)  # type: ignore[arg-type]
    Membership.objects.create(committee=jury, person=application.person, member_type="bewohner")
    deliver().clear()
    with commit():  # type: ignore[attr-defined]
        response = client.post(f"/antrag/{token}/angaben/", {**WHO, "email": "gwa.privat@example.org"})
    assert response.status_code == 302
    assert sorted(_changed(deliver())) == [["aylin@example.org"], ["gwa.privat@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_two_invitations_at_once_make_one_account() -> None:
    """The second invitation waits for the first (the committee's lock) and then finds the member's account."""
    import threading

    from django.db import connections, transaction

    from demo.factories import QuartierFactory

    area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
    jury = Committee.objects.create(area=area, name="Jury", kind=Committee.Kind.ACTION_FUND_JURY)
    membership = member(jury)
    made, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = member_account_create(membership=membership, by=None).pk
                made.set()
                release.wait(10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            outcome["second"] = member_account_create(membership=membership, by=None).pk
        except ValidationError as refused:
            outcome["refused"] = refused.messages
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert made.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(1)
    waited = two.is_alive()
    release.set()
    one.join(10)
    two.join(10)
    assert waited, "the second invitation did not wait for the first"
    assert outcome == {"first": outcome["first"], "refused": ["Dieses Mitglied hat schon ein Konto."]}
    assert User.objects.filter(email="mehmet@example.org").count() == 1


# A member who lost access: the account is removed and the member invited again


def test_a_member_whose_account_was_removed_is_invited_again_to_a_new_account(
    gwa: Client, jury: Committee, mailoutbox: list, commit: Callable[[], object]
) -> None:
    """The removed account is switched off and frees the address (it votes nowhere else and holds no role), so
    the new invitation reaches the member; the old account can no longer log in."""
    membership = member(jury)
    with commit():  # type: ignore[attr-defined]
        gwa.post(account_url(membership))
        membership.refresh_from_db()
        lost = membership.user
        gwa.post(account_url(membership), {"action": "remove"})
        again = gwa.post(account_url(membership), follow=True)
    membership.refresh_from_db()
    lost.refresh_from_db()
    assert membership.user is not None and membership.user != lost
    assert membership.user.email == "mehmet@example.org" and membership.user.is_active
    assert not lost.is_active and not lost.has_usable_password() and lost.email == ""
    assert any("mehmet@example.org" in message for message in messages_of(again))
    assert "/konto/passwort/neu/" in deliver()[-1].body and deliver()[-1].to == ["mehmet@example.org"]
    assert any("Das Konto ist abgeschaltet" in mail.body for mail in deliver())  # the removal's mail says so


def test_an_account_removed_from_one_membership_keeps_voting_in_the_others(
    gwa: Client, area: Quartier, jury: Committee, commit: Callable[[], object]
) -> None:
    membership = member(jury)
    council = Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL)
    other = Membership.objects.create(committee=council, person=membership.person, member_type="bewohner")
    with commit():  # type: ignore[attr-defined]
        gwa.post(account_url(membership))
        gwa.post(account_url(other))
        membership.refresh_from_db()
        gwa.post(account_url(membership), {"action": "remove"})
    other.refresh_from_db()
    membership.refresh_from_db()
    assert membership.user is None and other.user is not None
    assert other.user.is_active and other.user.email == "mehmet@example.org"
