"""Background work of the funds: the reminder before an applicant's proof of use is due. Celery beat runs it
regularly (``CELERY_BEAT_SCHEDULE`` in the settings); each application is reminded once, claimed with a
conditional UPDATE (``fonds.services.notices.proof_reminders_send``), so runs may overlap without harm."""

from __future__ import annotations

from celery import shared_task

from fonds.services.notices import proof_reminders_send


@shared_task
def remind_proof_due() -> int:
    """Remind the applicants whose proof of use is due soon; returns how many were reminded."""
    return proof_reminders_send()
