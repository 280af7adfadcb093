"""Background work of the actors: telling each staff member in the morning which follow-ups are due today.
Celery beat runs it (``CELERY_BEAT_SCHEDULE`` in the settings)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from actors.services.contacts import follow_ups_due_tell


@shared_task
def tell_follow_ups_due() -> int:
    """One mail to each assignee with the follow-ups due today that are not done; a run twice on a day tells
    nobody twice. Returns the number of mails."""
    with translation.override(settings.LANGUAGE_CODE):
        return follow_ups_due_tell(today=timezone.localdate())
