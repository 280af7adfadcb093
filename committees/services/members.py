"""Committee members' accounts: the object permission that lets them see and vote in their committee."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermission

from committees.models import Committee, Membership


@transaction.atomic
def sync_member_permissions(*, committee: Committee, on: datetime.date | None = None) -> None:
    """Give every account of a running membership the member permission on ``committee``; take it
    from everyone else."""
    on = on or timezone.localdate()
    wanted = set(
        Membership.objects.filter(committee=committee, user__isnull=False)
        .filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .values_list("user_id", flat=True)
    )
    content_type = ContentType.objects.get_for_model(Committee)
    permission = Permission.objects.get(content_type=content_type, codename="vote")
    held = UserObjectPermission.objects.filter(
        content_type=content_type, object_pk=str(committee.pk), permission=permission
    )
    held.exclude(user_id__in=wanted).delete()
    have = set(held.values_list("user_id", flat=True))
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user_id=user_id, content_type=content_type, object_pk=str(committee.pk), permission=permission
            )
            for user_id in sorted(wanted - have)
        ]
    )
