"""Personal calendar feed links: a member's for their membership, office staff's for a committee they see."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import CalendarLink, Committee, Membership
from quartier import permissions
from quartier.models import User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_member(membership: Membership, committee: Committee, by: User, on: datetime.date) -> None:
    if membership.committee_id != committee.pk or membership.user_id != by.pk or not by.is_active:
        raise PermissionDenied(_("You are not a member of this committee."))
    if (membership.start and membership.start > on) or (membership.end and membership.end < on):
        raise PermissionDenied(_("Your term in this committee is not running."))


@transaction.atomic
def calendar_link_renew(
    *, committee: Committee, by: User, membership: Membership | None = None, now: datetime.datetime | None = None
) -> str:
    """A new calendar link of ``by`` to ``committee``'s meetings: as the member ``membership`` (their own, while
    the term runs), or without one as office staff who see the area's committees. Any earlier link of the same
    holder stops at once. Returns the raw token: it is not stored and cannot be shown again."""
    on = timezone.localdate(now or timezone.now())
    if membership is not None:
        _check_member(membership, committee, by, on)
    elif not permissions.can(by, permissions.VIEW_COMMITTEES, committee.area):
        raise PermissionDenied(_("Your role in this area does not allow this."))
    # One holder's requests one after another: the old link is gone before the new one is made.
    list(User.objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True))
    if membership is not None:
        CalendarLink.objects.filter(membership=membership).delete()
    else:
        CalendarLink.objects.filter(committee=committee, user=by, membership__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    CalendarLink.objects.create(committee=committee, user=by, membership=membership, token_hash=token_hash(token))
    return token
