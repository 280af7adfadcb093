"""Mails: the one helper every subject goes through.

A subject is often built from text a person typed (an application's title, a committee's name, a ballot's
title). Django refuses a header with a line break (``BadHeaderError``), and where a mail is sent after the
commit and a failure only logged, the mail was lost without a word. ``mail_subject`` folds every line break
and run of whitespace into one space; ``tests/test_mail_subjects.py`` fails when a mail of the project builds
its subject without it.
"""

from __future__ import annotations

from quartier.text import one_line


def mail_subject(text: str) -> str:
    """``text`` as a mail subject: one line, every run of whitespace one space."""
    return one_line(text)
