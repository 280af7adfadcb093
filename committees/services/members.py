"""Committee members' accounts for online voting. Access follows the running memberships of the account at
request time (``quartier.permissions.committee_member_ids``): nothing is copied here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from committees.models import Membership
from quartier.audit import acting_as
from quartier.models import User


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
            _("Your account for the ballots of %(committee)s") % {"committee": membership.committee.name},
            render_to_string("committees/email/member_account.txt", context),
            None,
            [email],
        )
    )
    return user
