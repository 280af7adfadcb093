"""The outbox in tests: what was queued, and delivering it as a worker would.

A mail is queued in the outbox (``quartier.mail.queue_mail``) and sent by the Celery task
``quartier.tasks.deliver_mail``. ``deliver()`` runs that task in this process for every mail still waiting
(``Task.apply``: the task's own code, not an eager setting), so a test reads the sent mails in Django's
``mail.outbox``; the tests in ``tests/test_outbox.py`` run it in a real worker against a real SMTP server.
"""

from __future__ import annotations

from django.core import mail

from quartier.models import Mail
from quartier.tasks import deliver_mail


def deliver() -> list[mail.EmailMessage]:
    """Send every waiting mail of the outbox, oldest first; Django's test outbox afterwards."""
    for pk in Mail.objects.filter(status=Mail.Status.QUEUED).order_by("pk").values_list("pk", flat=True):
        deliver_mail.apply(args=[pk])
    return mail.outbox
