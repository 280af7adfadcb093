"""A member's voting account belongs to the member (issue #15, finding 1).

It is made for the member by invitation (at the address recorded in the person's data:
``test_invitation_address.py``), or is the account the same person already votes with in another membership; it
is never picked from other accounts. Staff and administrators' accounts and another person's
account are never bound, and a bound account never becomes staff. While a ballot of the committee is open, no
binding changes. Every change is audited and mailed to the member.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import ProtectedError
from django.test import Client

from actors.models import Person
from committees.models import Ballot, Committee, Membership, SecretVote, Vote
from committees.selectors import item_states
from committees.services.ballots import ballot_open, vote_cast, voter_tag_of
from committees.services.committees import membership_update
from committees.services.members import (
    check_account_binding,
    member_account_create,
    membership_account_remove,
)
from demo.factories import UserFactory, user_with_role
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.services import role_grant
from tests.committees.fixtures import make_ballot
from tests.mails import deliver

OPEN = "Solange eine Abstimmung dieses Gremiums läuft, kann sich das Abstimmungskonto keines Mitglieds ändern."
STAFF_ROLE = "Dieses Konto hat eine Rolle im Büro und kann nicht als Gremienmitglied abstimmen."
ADMIN = "Dies ist ein Konto der Administration und kann nicht als Gremienmitglied abstimmen."
OTHER_PERSON = "Dieses Konto gehört einem anderen Mitglied."
INACTIVE = "Dieses Konto ist deaktiviert."
PERSON_BOUND = "Solange das Mitglied ein Abstimmungskonto hat, kann die Person nicht geändert werden"
STAFF_NEEDS_OWN = "Dieses Konto stimmt als Gremienmitglied ab"


def page_text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def edit_url(membership: Membership) -> str:
    committee = membership.committee
    return f"/gebiet/{committee.area.slug}/gremien/{committee.pk}/mitglieder/{membership.pk}/"


def form_data(membership: Membership, **changes: object) -> dict[str, object]:
    data = {"person": membership.person_id, "member_type": membership.member_type, "voting": "on"}
    return {**data, **changes}


def newcomer(committee: Committee, *, last_name: str = "Aydın", email: str = "mehmet@example.org") -> Membership:
    person = Person.objects.create(
        area=committee.area, first_name="Mehmet", last_name=last_name, email=email, is_resident=True
    )
    return Membership.objects.create(committee=committee, person=person, member_type="bewohner")


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


# The attack from the issue


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_staff_cannot_rebind_a_jurors_account_to_vote_in_their_name(
    gwa: Client,
    role_users: dict[str, User],
    jury: Committee,
    jurors: list[Membership],
    secret: bool,
    now: datetime.datetime,
) -> None:
    ballot = ballot_open(ballot=make_ballot(jury, items=1, secret=secret), by=role_users["gwa"], now=now)
    item = ballot.items.get()
    victim = jurors[0]
    vote_cast(item=item, membership=victim, choice="ja", by=victim.user, now=now)
    own = role_users["gwa"]

    # 1. Set the member's voting account to one's own in the member's form.
    response = gwa.post(edit_url(victim), form_data(victim, user=own.pk))
    victim.refresh_from_db()
    assert victim.user_id == jurors[0].user_id  # the form takes no account, whatever is posted
    assert response.status_code in {200, 302}
    # ... and through the service, with or without a ballot open.
    with pytest.raises(ValidationError):
        check_account_binding(membership=victim, user=own)
    # 2. Vote as the member.
    gwa.post(f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/", {"action": "vote", "choice": "nein"})
    with pytest.raises(PermissionDenied):
        vote_cast(item=item, membership=victim, choice="nein", by=own, now=now)
    # The member's vote is untouched.
    if secret:
        [stored] = SecretVote.objects.filter(item=item)
        assert stored.voter_tag == voter_tag_of(ballot, victim, item)
        [state] = item_states(Ballot.objects.get(pk=ballot.pk), victim)  # unsealed for the member alone
        assert state.my_choice == "ja"
    else:
        assert [vote.choice for vote in Vote.objects.filter(item=item)] == ["ja"]
    assert not Membership.objects.filter(user=own).exists()


def test_the_member_form_neither_offers_nor_takes_an_account(
    gwa: Client, area: Quartier, jury: Committee, role_users: dict[str, User]
) -> None:
    membership = newcomer(jury)
    html = page_text(gwa.get(edit_url(membership)))
    assert 'name="user"' not in html
    response = gwa.post(edit_url(membership), form_data(membership, user=role_users["gwa"].pk))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.user is None
    person = Person.objects.create(area=area, first_name="Lena", last_name="Kaya", is_resident=True)
    stranger = UserFactory(username="lena")
    new = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/neu/"
    html = page_text(gwa.get(new))
    assert 'name="user"' not in html
    gwa.post(new, {"person": person.pk, "member_type": "bewohner", "voting": "on", "user": stranger.pk})
    assert Membership.objects.get(person=person).user is None


# The rule, for each kind of account


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("staff role", STAFF_ROLE),
        ("is_staff", ADMIN),
        ("superuser", ADMIN),
        ("another person's account in another committee", OTHER_PERSON),
        ("another member's account in the same committee", OTHER_PERSON),
        ("deactivated", INACTIVE),
    ],
)
def test_an_account_that_is_not_the_members_own_is_never_bound(
    area: Quartier, other_area: Quartier, jury: Committee, jurors: list[Membership], kind: str, message: str
) -> None:
    membership = newcomer(jury)
    if kind == "staff role":
        account = user_with_role(other_area, Role.KOORDINATION)
    elif kind == "is_staff":
        account = UserFactory(is_staff=True)
    elif kind == "superuser":
        account = UserFactory(is_superuser=True)
    elif kind == "another person's account in another committee":
        council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
        account = UserFactory()
        other = newcomer(council, last_name="Anders", email="")
        Membership.objects.filter(pk=other.pk).update(user=account)
    elif kind == "another member's account in the same committee":
        account = jurors[0].user
    else:
        account = UserFactory(is_active=False)
    with pytest.raises(ValidationError) as refused:
        check_account_binding(membership=membership, user=account)
    assert message in " ".join(refused.value.messages)
    membership.refresh_from_db()
    assert membership.user is None


def test_the_invitation_binds_the_account_the_person_already_votes_with(
    gwa: Client,
    area: Quartier,
    jury: Committee,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    earlier = newcomer(council)
    own = member_account_create(membership=earlier, by=None)
    later = Membership.objects.create(committee=jury, person=earlier.person, member_type="bewohner")
    deliver().clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        # A posted address is not read: the invitation goes to the one in the person data.
        response = gwa.post(edit_url(later) + "konto/", {"email": "anders@example.org"}, follow=True)
    later.refresh_from_db()
    assert later.user == own and User.objects.filter(email__iendswith="@example.org").count() == User.objects.count()
    assert not User.objects.filter(email="anders@example.org").exists()  # no second account for the same person
    assert any("„mehmet“" in message for message in messages_of(response))
    [mail] = deliver()
    assert mail.to == ["mehmet@example.org"] and "Aktionsfondsjury Kiez am Kanal" in mail.body


def test_an_account_the_person_votes_with_is_refused_once_it_holds_a_role(
    gwa: Client, area: Quartier, jury: Committee
) -> None:
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    earlier = newcomer(council)
    own = member_account_create(membership=earlier, by=None)
    RoleAssignment.objects.create(user=own, area=area, role=Role.PLANUNG)  # written around the service
    later = Membership.objects.create(committee=jury, person=earlier.person, member_type="bewohner")
    response = gwa.post(edit_url(later) + "konto/", follow=True)
    assert STAFF_ROLE in messages_of(response)
    later.refresh_from_db()
    assert later.user is None


# While a ballot is open


def test_while_a_ballot_is_open_no_binding_changes(
    gwa: Client,
    role_users: dict[str, User],
    jury: Committee,
    jurors: list[Membership],
    mailoutbox: list,
    django_capture_on_commit_callbacks: Callable[..., object],
    now: datetime.datetime,
) -> None:
    membership = newcomer(jury)
    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=role_users["gwa"], now=now)
    assert len(deliver()) == len(jurors)  # the members are told of the opening
    mailoutbox.clear()
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        bind = gwa.post(edit_url(membership) + "konto/", follow=True)
        unbind = gwa.post(edit_url(jurors[1]) + "konto/", {"action": "remove"}, follow=True)
    assert OPEN in messages_of(bind) and OPEN in messages_of(unbind)
    membership.refresh_from_db()
    jurors[1].refresh_from_db()
    assert membership.user is None and jurors[1].user is not None
    assert User.objects.count() == users_before and not deliver()
    with pytest.raises(ProtectedError):  # nor does deleting the account unbind it
        jurors[2].user.delete()
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        membership_account_remove(membership=jurors[1], by=role_users["gwa"])
    jurors[1].refresh_from_db()
    assert jurors[1].user is None and len(deliver()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_ballot_opened_meanwhile_stops_the_binding() -> None:
    """The invitation and the opening of a ballot take the same lock (the committee's row): an invitation that
    starts while a ballot is being opened waits, and then sees the ballot open."""
    from demo.factories import QuartierFactory

    area = QuartierFactory(slug="kiez-am-kanal")
    jury = Committee.objects.create(area=area, name="Jury", kind=Committee.Kind.ACTION_FUND_JURY)
    membership = newcomer(jury)
    ballot = make_ballot(jury, items=1)
    opened, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def open_and_hold() -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                ballot_open(ballot=ballot, by=None)
                opened.set()
                release.wait(10)
        finally:
            connections.close_all()

    def invite() -> None:
        try:
            outcome["user"] = member_account_create(membership=membership, by=None)
        except ValidationError as refused:
            outcome["refused"] = refused.messages
        finally:
            connections.close_all()

    opener = threading.Thread(target=open_and_hold)
    opener.start()
    assert opened.wait(10)
    inviter = threading.Thread(target=invite)
    inviter.start()
    inviter.join(1)
    waited = inviter.is_alive()
    release.set()
    opener.join(10)
    inviter.join(10)
    assert waited, "the invitation did not wait for the ballot being opened"
    assert outcome == {"refused": [OPEN]}
    membership.refresh_from_db()
    assert membership.user is None and not User.objects.filter(email="mehmet@example.org").exists()


# The person of a bound membership


def test_the_person_of_a_member_with_an_account_cannot_change(
    gwa: Client, area: Quartier, role_users: dict[str, User], jury: Committee, jurors: list[Membership]
) -> None:
    victim = jurors[0]
    other = Person.objects.create(area=area, first_name="Olga", last_name="Staff", is_resident=True)
    response = gwa.post(edit_url(victim), form_data(victim, person=other.pk))
    assert response.status_code == 200 and PERSON_BOUND in page_text(response)
    victim.refresh_from_db()
    assert victim.person_id != other.pk
    with pytest.raises(ValidationError):
        membership_update(membership=victim, data={"person": other}, by=role_users["gwa"])
    victim.refresh_from_db()
    assert victim.person_id != other.pk


# Audit and mail


def test_every_change_of_a_binding_is_audited_and_mailed_to_the_member(
    gwa: Client,
    role_users: dict[str, User],
    jury: Committee,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    membership = newcomer(jury, email="mehmet.privat@example.org")
    url = edit_url(membership) + "konto/"
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        gwa.post(url)
    membership.refresh_from_db()
    account = membership.user
    assert account is not None and account.email == "mehmet.privat@example.org"
    [made] = deliver()
    assert made.to == ["mehmet.privat@example.org"]
    assert "/konto/passwort/neu/" in made.body and "Sie" in made.body
    # An account whose address differs from the person's (one the office typed before the invitation took the
    # person's): both addresses are told, each in a mail of its own.
    User.objects.filter(pk=account.pk).update(email="mehmet@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        gwa.post(url, {"action": "remove"})
    membership.refresh_from_db()
    assert membership.user is None
    removed = deliver()[1:]
    assert sorted(mail.to[0] for mail in removed) == ["mehmet.privat@example.org", "mehmet@example.org"]
    assert all(len(mail.to) == 1 for mail in removed)
    assert all("Aktionsfondsjury Kiez am Kanal" in mail.subject and "nicht mehr" in mail.subject for mail in removed)
    entries = [
        entry
        for entry in LogEntry.objects.get_for_object(membership).order_by("timestamp", "pk")
        if entry.action == LogEntry.Action.UPDATE and "user" in (entry.changes_dict or {})
    ]
    assert [entry.actor for entry in entries] == [role_users["gwa"], role_users["gwa"]]
    assert entries[0].changes_dict["user"][0] == "None" and entries[1].changes_dict["user"][1] == "None"


# The other direction: a bound account never becomes staff


def test_a_bound_account_never_gets_a_staff_role(area: Quartier, jurors: list[Membership]) -> None:
    account = jurors[0].user
    with pytest.raises(ValidationError) as refused:
        role_grant(user=account, area=area, role=Role.GEMEINWESENARBEIT, by=None)
    assert STAFF_NEEDS_OWN in " ".join(refused.value.messages)
    assert not RoleAssignment.objects.filter(user=account).exists()


def test_the_admin_refuses_staff_rights_for_a_bound_account(
    client: Client, area: Quartier, superuser: User, jurors: list[Membership]
) -> None:
    from tests.test_admin import user_change_data

    account = jurors[0].user
    client.force_login(superuser)
    url = f"/admin/quartier/user/{account.pk}/change/"
    for change in ({"is_staff": "on"}, {"is_superuser": "on"}):
        response = client.post(url, {**user_change_data(account, []), **change})
        assert response.status_code == 200 and STAFF_NEEDS_OWN in page_text(response), change
    response = client.post(url, user_change_data(account, [{"area": str(area.pk), "role": "gwa"}]))
    assert response.status_code == 200 and STAFF_NEEDS_OWN in page_text(response)
    area_url = f"/admin/quartier/quartier/{area.pk}/change/"
    response = client.get(area_url)
    assert response.status_code == 200
    account.refresh_from_db()
    assert not account.is_staff and not account.is_superuser
    assert not RoleAssignment.objects.filter(user=account).exists()


def test_the_area_admin_refuses_a_role_for_a_bound_account(
    client: Client, area: Quartier, superuser: User, jurors: list[Membership]
) -> None:
    account = jurors[0].user
    client.force_login(superuser)
    data = {
        "name": area.name, "slug": area.slug, "municipality": area.municipality, "programme": area.programme,
        "funding_start": str(area.funding_start), "funding_end": "", "office_address": "", "opening_hours": "",
        "description": "",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-user": str(account.pk), "role_assignments-0-role": "gwa",
        "role_assignments-0-area": str(area.pk),
    }  # fmt: skip
    response = client.post(f"/admin/quartier/quartier/{area.pk}/change/", data)
    assert response.status_code == 200 and STAFF_NEEDS_OWN in page_text(response)
    assert not RoleAssignment.objects.filter(user=account).exists()


def test_a_bound_account_is_not_deleted_in_the_admin(client: Client, superuser: User, jurors: list[Membership]) -> None:
    account = jurors[0].user
    client.force_login(superuser)
    response = client.post(f"/admin/quartier/user/{account.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert User.objects.filter(pk=account.pk).exists()
    jurors[0].refresh_from_db()
    assert jurors[0].user_id == account.pk


@pytest.mark.parametrize("with_account", [True, False], ids=["account", "no account"])
def test_the_member_page_query_count_does_not_grow(
    gwa: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    with_account: bool,
    assert_constant_queries: Callable[..., int],
) -> None:
    membership = jurors[0] if with_account else newcomer(jury)
    added = iter(range(100))

    def grow() -> None:
        for _ in range(4):
            number = next(added)
            person = Person.objects.create(area=area, first_name="Neu", last_name=f"{number}")
            Membership.objects.create(committee=jury, person=person, member_type="bewohner", user=UserFactory())

    assert_constant_queries(lambda: gwa.get(edit_url(membership)), grow)
