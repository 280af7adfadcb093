"""The applicant's private links: a long random token sent by email, of which only the SHA-256 is stored
(``AccessLink``). Every mail to the applicant carries a link of its own, made here; the pages behind a link
open the application with ``fonds.services.public.application_for_token``."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fonds.models import AccessLink, Application
from quartier.net import on_site


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def access_link_create(*, application: Application, email: str, now: datetime.datetime | None = None) -> str:
    """A new private link to ``application`` for ``email``. Returns the raw token: it is not stored and
    cannot be shown again."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    AccessLink.objects.create(
        application=application,
        token_hash=token_hash(token),
        email=email,
        expires_at=now + datetime.timedelta(days=settings.FONDS_LINK_DAYS),
    )
    return token


def link_url(token: str) -> str:
    """The private link as the applicant gets it by email."""
    return on_site(reverse("applicant_status", kwargs={"token": token}))
