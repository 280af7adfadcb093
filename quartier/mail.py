"""Mails: the outbox every mail goes through, and the one helper every subject goes through.

Every mail the software sends is written into the outbox (``quartier.models.Mail``) by ``queue_mail`` in the
transaction that had something to say, with its plain text and an HTML version; once that transaction is
committed, Celery delivers it (``quartier.tasks.deliver_mail``), retrying a mail server that fails, and records
when it was sent or why it could not be. A write that is rolled back sends nothing. The outbox of an
application or a member (``mails_about``) shows what was sent to whom and when, and what failed.

A subject is often built from text a person typed (an application's title, a committee's name, a ballot's
title). Django refuses a header with a line break (``BadHeaderError``), and where a mail is sent after the
commit and a failure only logged, the mail was lost without a word. ``mail_subject`` folds every line break
and run of whitespace into one space; ``tests/test_mail_subjects.py`` fails when a mail of the project builds
its subject without it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from quartier.models import Mail, Quartier
from quartier.text import one_line

logger = logging.getLogger(__name__)

#: The newest mails an outbox shows (``templates/includes/outbox.html``).
OUTBOX_SHOWN = 50

#: The Celery task that delivers a queued mail (``quartier.tasks.deliver_mail``).
DELIVER_TASK = "quartier.tasks.deliver_mail"

# Mails sent by a program, not a person: no out-of-office replies, please (RFC 3834).
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def mail_subject(text: str) -> str:
    """``text`` as a mail subject: one line, every run of whitespace one space."""
    return one_line(text)


def queue_mail(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    about: Model | None = None,
    area: Quartier | None = None,
    html: str | None = None,
    attachments: Sequence[dict[str, str]] = (),
    language: str | None = None,
) -> Mail:
    """Write a mail to ``to`` into the outbox (the HTML version made from ``body`` unless given), with the links to
    the legal texts (of ``area`` where it has its own) at its end; Celery sends it once the current transaction
    is committed. ``kind`` says what it tells ("fonds.decided"), ``about`` is the
    application, membership or person whose outbox shows it, ``area`` the area it comes from (else
    ``about``'s). ``language``: the language the mail is written in, for the footer (German unless given: the
    office's mails are German, whatever the page that caused them; an applicant's mail is in their language,
    ``fonds.models.Application.language``, a committee member's in theirs, ``Membership.mail_language``)."""
    if area is None and about is not None and hasattr(about, "get_area"):
        area = about.get_area()
    subject = mail_subject(subject)
    with translation.override(language or settings.LANGUAGE_CODE):
        footer = render_to_string("email/footer.txt", {"area": area})
    body = body.rstrip() + "\n" + footer
    mail = Mail.objects.create(
        area=area,
        to=to,
        subject=subject,
        body=body,
        html=html if html is not None else html_of(subject, body),
        attachments=list(attachments),
        kind=kind,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
    )
    transaction.on_commit(lambda: hand_over(mail.pk))
    return mail


def hand_over(mail_pk: int) -> bool:
    """Give the mail to Celery; False if the task queue cannot be reached (the mail stays queued, and
    ``quartier.tasks.resend_waiting_mails`` hands it over later)."""
    try:
        # By name: the task (quartier.tasks) imports this module, not the other way round.
        current_app.send_task(DELIVER_TASK, args=[mail_pk], retry=False)
    except Exception:
        logger.warning("Mail %s stays queued: the task queue cannot be reached.", mail_pk, exc_info=True)
        return False
    return True


def html_of(subject: str, body: str) -> str:
    """The HTML version of a plain-text mail: its paragraphs, links made clickable, every value escaped."""
    return render_to_string("email/mail.html", {"subject": subject, "body": body})


def mails_about(about: Model) -> QuerySet[Mail]:
    """The outbox of ``about`` (an application, a membership, a person): newest first."""
    return Mail.objects.filter(about_type=ContentType.objects.get_for_model(about), about_id=about.pk)
