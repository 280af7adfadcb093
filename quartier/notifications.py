"""The optional mails of an account, and its daily digest.

Some mails a person must get, whatever they chose (their account was made or removed, an invitation to a
meeting): those are queued with ``quartier.mail.queue_mail`` directly. The others, named in ``OPTIONAL``, go
through ``notify``: whether such a mail goes out now, waits for the account's daily digest or is not sent is
decided in one place, ``decide``, from the account's choices (``MailChoices``; without a row: every one, at
once). ``digests_send`` (the beat task ``quartier.tasks.send_digests``) sends each account one mail a day
with what waited: the day is claimed with a conditional UPDATE, and the entries are deleted in the transaction
that queues the digest, so a run twice, or two runs at once, send one digest and nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from quartier.mail import mail_subject, queue_mail
from quartier.models import DigestEntry, MailChoices, Quartier, User
from quartier.net import on_site

logger = logging.getLogger(__name__)

Delivery = Literal["now", "digest", "no"]

#: The optional mails: their kind, and the field of ``MailChoices`` that switches them.
OPTIONAL = {
    "committees.ballot_opened": "ballot_opened",
    "committees.ballot_closed": "ballot_closed",
    "committees.minutes_approved": "minutes_approved",
}

#: What an account without a row gets: every optional mail, at once.
DEFAULT = MailChoices()

#: The digest's subject.
DIGEST_SUBJECT = gettext_lazy("Your daily summary from the neighbourhood office")


def decide(choices: MailChoices | None, kind: str, *, active: bool = True) -> Delivery:
    """The one rule: is a mail of ``kind`` to an account with ``choices`` (None: no row, the default) sent now,
    kept for the daily digest, or not sent? A mail that is not optional always goes now; an optional one never to
    a deactivated account."""
    field = OPTIONAL.get(kind)
    if field is None:
        return "now"
    choices = choices or DEFAULT
    if not active or not getattr(choices, field):
        return "no"
    return "digest" if choices.digest else "now"


def mail_choice(user: User, kind: str) -> Delivery:
    """``decide`` for one account (one query)."""
    return decide(MailChoices.objects.filter(user=user).first(), kind, active=user.is_active)


def mail_choices_of(users: Iterable[int]) -> dict[int, MailChoices]:
    """The choices of the accounts ``users`` (ids) that have made any: one query."""
    return {row.user_id: row for row in MailChoices.objects.filter(user_id__in=list(users))}


def notify(
    *,
    user: User,
    to: str,
    subject: str,
    body: str,
    kind: str,
    about: Model | None = None,
    area: Quartier | None = None,
    choices: dict[int, MailChoices] | None = None,
    language: str | None = None,
) -> Delivery:
    """Send an optional mail to ``user`` at ``to`` as they chose (``decide``): queued now, kept for the digest, or
    not at all. ``choices``: the accounts' choices read beforehand (``mail_choices_of``), else read here.
    ``language``: the one ``subject`` and ``body`` are written in (``quartier.mail.queue_mail``)."""
    delivery = mail_choice(user, kind) if choices is None else decide(choices.get(user.pk), kind, active=user.is_active)
    if delivery == "now":
        queue_mail(to=to, subject=subject, body=body, kind=kind, about=about, area=area, language=language)
    elif delivery == "digest":
        DigestEntry.objects.create(user=user, to=to, kind=kind, subject=mail_subject(subject), body=body)
    return delivery


@transaction.atomic
def mail_choices_save(*, user: User, data: dict[str, bool]) -> MailChoices:
    """Save the account's choices (the fields of ``MailChoices`` in ``data``)."""
    choices, _created = MailChoices.objects.select_for_update().get_or_create(user=user)
    for field in (*OPTIONAL.values(), "digest"):
        if field in data:
            setattr(choices, field, bool(data[field]))
    choices.full_clean()
    choices.save()
    return choices


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Queue each account's digest of what waited for it, at most one a day. Returns the number queued."""
    today = timezone.localdate(now or timezone.now())
    waiting = list(DigestEntry.objects.values_list("user_id", flat=True).distinct().order_by("user_id"))
    sent = 0
    for user_id in waiting:
        try:
            with transaction.atomic():
                sent += _digest_send(user_id, today)
        except Exception:
            logger.exception("The digest of account %s failed; the next run tries again", user_id)
    return sent


def _digest_send(user_id: int, today: datetime.date) -> int:
    MailChoices.objects.get_or_create(user_id=user_id)
    # Claim the day: of two runs at once, the second waits for the first's commit, then finds the day taken.
    claimed = MailChoices.objects.filter(user_id=user_id).exclude(digest_sent_on=today).update(digest_sent_on=today)
    if not claimed:
        return 0
    entries = list(DigestEntry.objects.select_for_update().filter(user_id=user_id).order_by("created_at", "pk"))
    if not entries:  # taken by a run that came first: the day is not used up
        transaction.set_rollback(True)
        return 0
    user = User.objects.get(pk=user_id)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "quartier/email/digest.txt",
            {
                "name": user.get_display_name(),
                "entries": entries,
                "settings_link": on_site(reverse("mail_choices")),
            },
        )
        subject = str(DIGEST_SUBJECT)
    queue_mail(to=entries[-1].to, subject=subject, body=body, kind="quartier.digest", about=user)
    DigestEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
    return 1
