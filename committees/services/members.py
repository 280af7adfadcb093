"""Committee members' accounts for online voting.

A voting account belongs to the member. The office never picks one, nor the address it is sent to: the
invitation (:func:`member_account_create`) makes an account for the member at the address recorded in the
person's data, or binds the one the same person already votes with in another membership, and
:func:`membership_account_remove` takes it away. Whether a binding may change is decided in one place,
:func:`check_account_binding`, which every path calls (these services, the membership services, the demo, the
voting benchmark); its other direction, that a bound account never becomes staff, is
:func:`check_staff_account` (``quartier.services.role_grant``, the admin).

A binding changes under the committee's row lock, the same lock ``ballot_open`` takes, so a ballot can never
open between the check and the write. Every change is audited (auditlog on ``Membership``, with the office's
user as actor) and mailed to the member after commit.

Access itself follows the running memberships of the account at request time
(``quartier.permissions.committee_member_ids``): nothing is copied here.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from committees.models import Ballot, Committee, Membership
from quartier.audit import acting_as
from quartier.mail import queue_mail
from quartier.models import RoleAssignment, User
from quartier.net import on_site


def lock_committee(committee_id: int) -> None:
    """Take the committee's row lock (inside a transaction): voting accounts change and ballots open under it."""
    list(Committee.objects.select_for_update().filter(pk=committee_id).values_list("pk", flat=True))


def _lock_user(user_id: int) -> None:
    """Take the account's row lock: a binding and a staff role granted at once never both pass their checks."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def check_account_binding(*, membership: Membership, user: User | None, person_id: int | None = None) -> None:
    """The one rule for a membership's voting account: may ``membership`` (saved or not) have ``user`` (None: no
    account) for the person ``person_id`` (default: the membership's)? Raises a ``ValidationError`` with the
    reason; changes nothing.

    - While an account is bound, the membership's person cannot change: the account would pass to someone else.
    - While a ballot of the committee is open, the binding cannot change (bind, rebind, remove).
    - Never bound: a deactivated account, an administrator's (``is_staff``/``is_superuser``), an account
      holding a staff role in any area, an account bound to a membership of another person.
    """
    stored_user_id = stored_person_id = None
    if membership.pk is not None:
        stored = Membership.objects.filter(pk=membership.pk).values_list("user_id", "person_id").first()
        if stored is not None:
            stored_user_id, stored_person_id = stored
    person_id = membership.person_id if person_id is None else person_id
    if stored_user_id is not None and person_id != stored_person_id:
        raise ValidationError(
            {
                "person": _(
                    "While the member has a voting account, the person cannot change: the account would pass to "
                    "someone else. Remove the account first."
                )
            },
            code="person_bound",
        )
    unchanged = stored_user_id is None if user is None else user.pk is not None and user.pk == stored_user_id
    if unchanged:
        return
    if Ballot.objects.filter(committee_id=membership.committee_id, status=Ballot.Status.OPEN).exists():
        raise ValidationError(
            _("While a ballot of this committee is open, no member's voting account can change."), code="ballot_open"
        )
    if user is None:
        return
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."), code="inactive")
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            _("This is an administrator's account; it cannot vote as a committee member."), code="admin"
        )
    if user.pk is None:
        return  # an account being made for the member: no role, no other membership yet
    if RoleAssignment.objects.filter(user_id=user.pk).exists():
        raise ValidationError(
            _("This account holds a staff role; it cannot vote as a committee member."), code="staff_role"
        )
    if Membership.objects.filter(user_id=user.pk).exclude(person_id=person_id).exists():
        raise ValidationError(_("This account belongs to another member."), code="other_person")


def check_staff_account(*, user: User, lock: bool = False) -> None:
    """The other direction: an account bound to a committee membership never gets a staff role nor becomes an
    administrator; staff need an account of their own. With ``lock``, the account's row is locked first (inside
    a transaction), as a binding does."""
    if lock and user.pk is not None:
        _lock_user(user.pk)
    if user.pk is not None and Membership.objects.filter(user_id=user.pk).exists():
        raise ValidationError(
            _("This account votes as a committee member; staff need an account of their own."), code="bound"
        )


def _bind(*, membership: Membership, user: User | None, by: User | None) -> tuple[Membership, User | None]:
    """Change the binding under the committee's lock after the rule; return the membership and the account it
    had before."""
    lock_committee(membership.committee_id)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "committee__area", "user")
        .get(pk=membership.pk)
    )
    if user is not None and user.pk is not None:
        _lock_user(user.pk)
        user.refresh_from_db(fields=["is_active", "is_staff", "is_superuser"])
    previous = membership.user
    check_account_binding(membership=membership, user=user)
    membership.user = user
    with acting_as(by):
        membership.save(update_fields=["user"])
    return membership, previous


def _mail_member(*, membership: Membership, account: User, bound: bool, link: str = "") -> None:
    """Tell the member after commit, one mail per address: at the address recorded in the person's data, with the
    link to set the password if there is one, and at the account's address (if different) without the link. The
    link goes nowhere else: an account's address may be one the office typed before the invitation took it from
    the person's data."""
    person_address = membership.person.email.strip()
    account_address = account.email.strip()
    mails = [(person_address, link)] if person_address else []
    if account_address and account_address.lower() != person_address.lower():
        mails.append((account_address, ""))
    if not mails:
        return
    committee = membership.committee
    with translation.override(membership.mail_language):
        if bound:
            subject = _("Your account for the ballots of %(committee)s") % {"committee": committee.name}
        else:
            subject = _("Your account no longer votes in %(committee)s") % {"committee": committee.name}
        for address, with_link in mails:
            context = {
                "user": account,
                "person": membership.person,
                "committee": committee,
                "bound": bound,
                "link": with_link,
            }
            body = render_to_string("committees/email/member_account.txt", context)
            queue_mail(
                to=address,
                subject=subject,
                body=body,
                kind="committees.member_account",
                about=membership,
                language=membership.mail_language,
            )


def _password_link(user: User) -> str:
    return on_site(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


def _own_account(membership: Membership) -> User | None:
    """The active account the member's person already votes with through another membership, if any."""
    return (
        User.objects.filter(is_active=True, committee_memberships__person_id=membership.person_id)
        .exclude(committee_memberships__pk=membership.pk)
        .order_by("-committee_memberships__pk")
        .first()
    )


def invitation_address(membership: Membership) -> str:
    """Where the invitation goes: the e-mail address recorded in the member's person data, and nowhere else."""
    return membership.person.email.strip()


@transaction.atomic
def member_account_create(*, membership: Membership, by: User | None) -> User:
    """The invitation: give a member an account for online voting and mail them a link to set their password.

    The link goes to the address recorded in the member's person data (:func:`invitation_address`), never to one
    the office types: whoever gets the link votes. Without a recorded address, or with one another account holds,
    nothing is made and the office is told to record the member's own address in the person's data (a change of
    it is told to the old address as well, ``actors.services.persons``).

    When the person already votes with an account in another membership (another committee, an earlier term),
    that account is bound instead: it is the same person's, and nobody gets a second one. The account holds no
    area role: it only sees the member's committees."""
    # Under the committee's lock from the start: two invitations at once never both find the member without one.
    lock_committee(membership.committee_id)
    membership = Membership.objects.select_for_update(of=("self",)).select_related("person").get(pk=membership.pk)
    email = invitation_address(membership)
    name = {"name": str(membership.person)}
    if membership.user_id is not None:
        raise ValidationError(_("This member already has an account."), code="has_account")
    if not email:
        raise ValidationError(
            _(
                "No email address is recorded for %(name)s. The invitation goes only to the address in the "
                "person's data. Record the member's address in their person data, then make the account."
            )
            % name,
            code="no_address",
        )
    own = _own_account(membership)
    if own is not None:
        membership, _previous = _bind(membership=membership, user=own, by=by)
        link = "" if own.has_usable_password() else _password_link(own)
        _mail_member(membership=membership, account=own, bound=True, link=link)
        return own
    if User.objects.annotate(address=Lower("email")).filter(address=email.lower()).exists():
        raise ValidationError(
            _(
                "The email address of %(name)s (%(email)s) already belongs to another account. Each account needs "
                "an address of its own. Record one of the member's own in their person data, then make the account."
            )
            % {**name, "email": email},
            code="taken",
        )
    base = email.split("@")[0].lower() or "mitglied"
    username, number = base, 1
    while User.objects.annotate(name=Lower("username")).filter(name=username).exists():
        number += 1
        username = f"{base}{number}"
    user = User(username=username, email=email, display_name=str(membership.person))
    user.set_unusable_password()
    user.full_clean()
    # The rule first (an open ballot refuses), under the committee's lock, before the account exists.
    check_account_binding(membership=membership, user=user)
    with acting_as(by):
        user.save()
    membership, _previous = _bind(membership=membership, user=user, by=by)
    _mail_member(membership=membership, account=user, bound=True, link=_password_link(user))
    return user


@transaction.atomic
def membership_account_remove(*, membership: Membership, by: User | None) -> Membership:
    """Take the voting account from a membership (the member lost access). Any other membership of the same
    person keeps the account; an account left without any membership is switched off and frees its address, so
    a new invitation can reach the member at it (and the lost account can no longer log in)."""
    if membership.user_id is None:
        raise ValidationError(_("This member has no account."), code="no_account")
    membership, previous = _bind(membership=membership, user=None, by=by)
    if previous is None:
        raise ValidationError(_("This member has no account."), code="no_account")
    unused = not Membership.objects.filter(user=previous).exists()
    switch_off = unused and not previous.is_staff and not RoleAssignment.objects.filter(user=previous).exists()
    if switch_off:
        previous.is_active = False
        previous.set_unusable_password()
    _mail_member(membership=membership, account=previous, bound=False)  # to the address it still has
    if switch_off:
        previous.email = ""
        with acting_as(by):
            previous.save(update_fields=["is_active", "password", "email"])
    return membership
