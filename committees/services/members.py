"""Committee members' accounts: the object permission that lets them see and vote in their committee."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from committees.models import Committee, Membership
from quartier.audit import acting_as
from quartier.mail import mail_subject
from quartier.models import User, running_on


@transaction.atomic
def sync_member_permissions(*, committee: Committee, on: datetime.date | None = None) -> None:
    """Give every account of a running membership the member permission on ``committee``; take it
    from everyone else."""
    on = on or timezone.localdate()
    wanted = set(
        Membership.objects.filter(committee=committee, user__isnull=False)
        .filter(running_on(on))
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


@transaction.atomic
def member_account_create(*, membership: Membership, email: str, by: object) -> object:
    """Give a member an account for online voting and send them a link to set their password.

    The account holds no area role: it only sees the member's committees."""
    email = email.strip()
    if membership.user_id is not None:
        raise ValidationError(_("This member already has an account."), code="has_account")
    if User.objects.annotate(address=Lower("email")).filter(address=email.lower()).exists():
        raise ValidationError(
            _("An account with this address exists already; choose it in the member's form."), code="taken"
        )
    base = email.split("@")[0].lower() or "mitglied"
    username, number = base, 1
    while User.objects.annotate(name=Lower("username")).filter(name=username).exists():
        number += 1
        username = f"{base}{number}"
    user = User(username=username, email=email, display_name=str(membership.person))
    user.set_unusable_password()
    user.full_clean()
    with acting_as(by):  # type: ignore[arg-type]
        user.save()
        membership.user = user
        membership.save(update_fields=["user"])
    sync_member_permissions(committee=membership.committee)
    link = settings.SITE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "committee": membership.committee, "link": link}
    transaction.on_commit(
        lambda: send_mail(
            mail_subject(_("Your account for the ballots of %(committee)s") % {"committee": membership.committee.name}),
            render_to_string("committees/email/member_account.txt", context),
            None,
            [email],
        )
    )
    return user
