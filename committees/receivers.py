"""Tombstones of the open data (``committees.services.tombstones``) for every deletion of something it showed,
however it comes about: a service, a cascade (a committee deleted with its meetings) or the admin."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from committees.models import AgendaItem, Committee, Meeting, Membership, Tombstone
from committees.selectors import public_committee
from committees.services.tombstones import named_membership_gone, tombstone_record
from quartier.models import Quartier


@receiver(post_delete, sender=Committee, dispatch_uid="committees.tombstone_committee")
def committee_deleted(sender: type, instance: Committee, **kwargs: Any) -> None:
    if instance.kind in Committee.INTERNAL_KINDS:  # never shown (``public_committee``): nothing to take back
        return
    tombstone_record(
        area_id=instance.area_id, kind=Tombstone.Kind.ORGANIZATION, key=instance.pk, created_at=instance.created_at
    )


@receiver(post_delete, sender=Meeting, dispatch_uid="committees.tombstone_meeting")
def meeting_deleted(sender: type, instance: Meeting, **kwargs: Any) -> None:
    area_id = (
        Committee.objects.filter(public_committee(), pk=instance.committee_id).values_list("area_id", flat=True).first()
    )
    if area_id is not None:
        tombstone_record(area_id=area_id, kind=Tombstone.Kind.MEETING, key=instance.pk, created_at=instance.created_at)


@receiver(post_delete, sender=AgendaItem, dispatch_uid="committees.tombstone_agenda_item")
def agenda_item_deleted(sender: type, instance: AgendaItem, **kwargs: Any) -> None:
    """Only an item that was published (its meeting's minutes approved) leaves a tombstone: the agenda of a meeting
    still being planned changes often, and none of it was shown."""
    area_id = (
        Meeting.objects.filter(public_committee("committee__"), pk=instance.meeting_id, status=Meeting.Status.APPROVED)
        .values_list("committee__area_id", flat=True)
        .first()
    )
    if area_id is not None:
        tombstone_record(
            area_id=area_id, kind=Tombstone.Kind.AGENDA_ITEM, key=instance.pk, created_at=instance.created_at
        )


@receiver(post_delete, sender=Membership, dispatch_uid="committees.tombstone_membership")
def membership_deleted(sender: type, instance: Membership, **kwargs: Any) -> None:
    if not instance.named_publicly:  # never shown: nothing to take back
        return
    area_id = Committee.objects.filter(pk=instance.committee_id).values_list("area_id", flat=True).first()
    if area_id is not None:
        named_membership_gone(membership=instance, area_id=area_id)


@receiver(post_delete, sender=Quartier, dispatch_uid="committees.tombstones_of_area")
def area_deleted(sender: type, instance: Quartier, **kwargs: Any) -> None:
    Tombstone.objects.filter(area_id=instance.pk).delete()  # the whole body is gone: nothing to tell about it
