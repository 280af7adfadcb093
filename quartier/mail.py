"""Mails: the one helper every subject goes through, and sending after commit.

A subject is often built from text a person typed (an application's title, a committee's name, a ballot's
title). Django refuses a header with a line break (``BadHeaderError``), and where a mail is sent after the
commit and a failure only logged, the mail was lost without a word. ``mail_subject`` folds every line break
and run of whitespace into one space; ``tests/test_mail_subjects.py`` fails when a mail of the project builds
its subject without it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction

from quartier.text import one_line

logger = logging.getLogger(__name__)

# Mails sent by a program, not a person: no out-of-office replies, please (RFC 3834).
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def mail_subject(text: str) -> str:
    """``text`` as a mail subject: one line, every run of whitespace one space."""
    return one_line(text)


def send_after_commit(messages: Sequence[EmailMessage]) -> None:
    """Send ``messages`` once the transaction is committed (never for a write that is rolled back), each on its
    own: a refused address does not stop the others, and a mail server that fails is logged, not shown to the
    person whose write is already done."""
    messages = list(messages)

    def send() -> None:
        for message in messages:
            try:
                message.send()
            except Exception:
                logger.exception("Could not send %r to %s", message.subject, ", ".join(message.to))

    if messages:
        transaction.on_commit(send)
