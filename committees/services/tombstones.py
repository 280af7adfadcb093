"""Tombstones of the open data (OParl, ``committees.oparl``): what a client that copied an object learns when it is
gone. Written when a committee, a meeting, an agenda item or a named membership is deleted (``committees.receivers``,
so a deletion by cascade or in the admin counts too), and when a member withdraws their consent to be named; lifted
when the object is back (the consent given again)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from committees.models import Committee, Membership, Tombstone
from committees.selectors import public_committee


@transaction.atomic
def tombstone_record(*, area_id: int, kind: str, key: int, created_at: datetime.datetime) -> None:
    """Keep that the object ``kind`` ``key`` of ``area_id`` (made at ``created_at``) is gone, as of now."""
    Tombstone.objects.update_or_create(
        kind=kind,
        key=key,
        defaults={"area_id": area_id, "created_at": created_at, "deleted_at": timezone.now()},
    )


@transaction.atomic
def tombstone_lift(*, kind: str, key: int) -> None:
    """The object ``kind`` ``key`` is there again: it no longer appears as deleted."""
    Tombstone.objects.filter(kind=kind, key=key).delete()


def shown_committee(committee_id: int) -> bool:
    """Does the open data show the committee ``committee_id`` (``public_committee``)? One that never did leaves no
    tombstones: not even its ids are told."""
    return Committee.objects.filter(public_committee(), pk=committee_id).exists()


def named_membership_gone(*, membership: Membership, area_id: int) -> None:
    """A membership that named its member is gone (deleted, or the consent withdrawn, as stored already): its
    tombstone, and the person's too once none of their memberships in the area's public committees names them any
    more. Nothing for a committee the open data does not show."""
    if not shown_committee(membership.committee_id):
        return
    tombstone_record(
        area_id=area_id, kind=Tombstone.Kind.MEMBERSHIP, key=membership.pk, created_at=membership.created_at
    )
    still_named = (
        Membership.objects.filter(
            public_committee("committee__"),
            person_id=membership.person_id,
            named_publicly=True,
            committee__area_id=area_id,
        )
        .exclude(pk=membership.pk)  # deleted: still there in a receiver of pre_delete
        .exists()
    )
    if not still_named:
        tombstone_record(
            area_id=area_id, kind=Tombstone.Kind.PERSON, key=membership.person_id, created_at=membership.created_at
        )


def named_membership_back(*, membership: Membership) -> None:
    """A membership names its member (again): neither it nor its person appear as deleted."""
    tombstone_lift(kind=Tombstone.Kind.MEMBERSHIP, key=membership.pk)
    tombstone_lift(kind=Tombstone.Kind.PERSON, key=membership.person_id)
