"""Writes for committees and their members. A member's account may vote while the membership runs (read at
request time, see ``quartier.permissions``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.services.persons import refuse_erased
from committees.models import Ballot, Committee, Membership
from committees.services.conflicts import conflicts_refresh
from committees.services.members import check_account_binding, lock_committee
from committees.services.tombstones import named_membership_back, named_membership_gone
from quartier.audit import acting_as
from quartier.models import Quartier, User, periods_overlap

COMMITTEE_FIELDS = ("name", "kind", "quorum_members", "quorum_share", "majority_rule", "resident_share", "term_years")
#: What the office sets on a membership. Never its voting account: that is bound only by invitation and removed
#: through ``committees.services.members``, under the one rule there.
MEMBERSHIP_FIELDS = ("person", "member_type", "voting", "deputy_of", "start", "end", "named_publicly")


@transaction.atomic
def committee_create(*, area: Quartier, data: dict[str, object], by: User) -> Committee:
    committee = Committee(area=area, **{name: data[name] for name in COMMITTEE_FIELDS if name in data})
    committee.full_clean()
    with acting_as(by):
        committee.save()
    return committee


#: What a decision is computed by (``committees.rules.Rules``): fixed while a ballot of the committee is open.
DECISION_RULES = ("quorum_members", "quorum_share", "majority_rule")


@transaction.atomic
def committee_update(*, committee: Committee, data: dict[str, object], by: User) -> Committee:
    """Change a committee. Its decision rules stay as they are while one of its ballots is open: the office sees
    who has voted and could otherwise choose the rule that turns the result."""
    lock_committee(committee.pk)  # the lock ballot_open takes
    stored = Committee.objects.filter(pk=committee.pk).values(*DECISION_RULES).first() or {}
    for name in COMMITTEE_FIELDS:
        if name in data:
            setattr(committee, name, data[name])
    changed = [name for name in DECISION_RULES if stored and getattr(committee, name) != stored[name]]
    if changed and Ballot.objects.filter(committee_id=committee.pk, status=Ballot.Status.OPEN).exists():
        raise ValidationError(
            _(
                "While a ballot of this committee is open, its rules for quorum and majority stay as they are; "
                "change them after it has closed."
            ),
            code="ballot_open",
        )
    committee.full_clean()
    with acting_as(by):
        committee.save()
    return committee


def _check_membership(membership: Membership) -> None:
    """Refusals a form cannot see alone: the person and the deputy must fit this committee."""
    committee = membership.committee
    if membership.person.area_id != committee.area_id:
        raise ValidationError({"person": _("This person belongs to another area.")})
    if membership.pk is None:
        refuse_erased(membership.person, field="person")
    deputy_of = membership.deputy_of
    if deputy_of is not None:
        if membership.pk is not None and deputy_of.pk == membership.pk:
            raise ValidationError({"deputy_of": _("A member cannot be their own deputy.")})
        if deputy_of.committee_id != committee.pk:
            raise ValidationError({"deputy_of": _("The deputy must stand in for a member of the same committee.")})
        if deputy_of.person_id == membership.person_id:
            raise ValidationError({"deputy_of": _("A member cannot be their own deputy.")})
        if not deputy_of.voting:  # a deputy or an advisory member holds no vote to stand in for
            raise ValidationError({"deputy_of": _("A deputy stands in for a voting member.")})
        if membership.voting:  # else they would vote beside the member they stand in for, online and in meetings
            raise ValidationError(
                {
                    "voting": _(
                        "A deputy does not vote in their own right: untick “voting member”. In a meeting they "
                        "hold the vote of the member they stand in for while that member is absent."
                    )
                }
            )
    running = Membership.objects.filter(committee=committee, person=membership.person).exclude(pk=membership.pk)
    for other in running:
        if periods_overlap(other, membership):
            raise ValidationError({"person": _("This person is already a member of the committee at that time.")})


@transaction.atomic
def membership_create(*, committee: Committee, data: dict[str, object], by: User) -> Membership:
    """A new member of ``committee``."""
    membership = Membership(committee=committee, **{name: data[name] for name in MEMBERSHIP_FIELDS if name in data})
    membership.full_clean()
    _check_membership(membership)
    with acting_as(by):
        membership.save()
    if membership.named_publicly:
        named_membership_back(membership=membership)
    conflicts_refresh(committees=[committee.pk])
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, data: dict[str, object], by: User) -> Membership:
    """Change a member (e.g. end their term); access to the ballots follows the term by itself. A member named
    publicly who withdraws their consent (or is moved to another person) disappears from the open data as a
    tombstone."""
    stored = Membership.objects.filter(pk=membership.pk).values("named_publicly", "person_id", "created_at").get()
    for name in MEMBERSHIP_FIELDS:
        if name in data:
            setattr(membership, name, data[name])
    membership.full_clean()
    _check_membership(membership)
    # A bound account stays with its person: the person of such a membership does not change. Under the lock a
    # binding takes, with the account as stored now (this service never writes it).
    lock_committee(membership.committee_id)
    membership.refresh_from_db(fields=["user"])
    check_account_binding(membership=membership, user=membership.user)
    with acting_as(by):
        membership.save(update_fields=[*MEMBERSHIP_FIELDS, "modified_at"])
    if stored["named_publicly"] and (not membership.named_publicly or stored["person_id"] != membership.person_id):
        named_membership_gone(
            membership=Membership(
                pk=membership.pk,
                committee_id=membership.committee_id,
                person_id=stored["person_id"],
                created_at=stored["created_at"],
            ),
            area_id=membership.committee.area_id,
        )
    if membership.named_publicly:
        named_membership_back(membership=membership)
    conflicts_refresh(committees=[membership.committee_id])
    return membership
