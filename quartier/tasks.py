"""Background work of the core: delivering the outbox's mails (``quartier.mail``).

A mail is delivered at least once: a worker that dies after handing it to the mail server and before noting it
as sent delivers it again (the task is acknowledged late). A mail server that fails is retried with growing
pauses; after the last try the mail is noted as failed, with the server's answer, in its outbox.
"""

from __future__ import annotations

import datetime
import logging
from email.mime.text import MIMEText

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from quartier.mail import AUTOMATIC, hand_over
from quartier.models import Mail
from quartier.notifications import digests_send
from quartier.services import mail_sent, mail_tried

logger = logging.getLogger(__name__)

#: Tries after the first; the pause before the first of them is ``settings.MAIL_RETRY_SECONDS`` (60), doubled
#: each time: 1, 2, 4, 8, 16 minutes.
MAX_RETRIES = 5

#: A mail still waiting this long (its tries take half an hour) never reached a worker, or its task was lost
#: (the task queue was away, or emptied): hand it over again.
WAITING_TOO_LONG = datetime.timedelta(hours=2)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_mail(self: Task, mail_pk: int) -> str:
    """Send the queued mail ``mail_pk`` and note the outcome; a mail already sent is not sent again."""
    mail = Mail.objects.filter(pk=mail_pk).first()
    if mail is None or mail.status != Mail.Status.QUEUED:
        return "gone" if mail is None else mail.status
    message = EmailMultiAlternatives(subject=mail.subject, body=mail.body, to=[mail.to], headers=AUTOMATIC)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    for attachment in mail.attachments:
        message.attach(_part(attachment))
    try:
        message.send()
    except Exception as error:  # refused by the server, or no server: each is worth another try
        last = self.request.retries >= self.max_retries
        mail_tried(mail, f"{type(error).__name__}: {error}", last=last)
        if last:
            logger.warning("Mail %s to %s could not be sent: %s", mail.pk, mail.to, error)
            return Mail.Status.FAILED
        pause = settings.MAIL_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=error, countdown=pause) from error
    mail_sent(mail)
    return Mail.Status.SENT


def _part(attachment: dict[str, str]) -> MIMEText:
    """A text file sent along, as an attachment; a calendar entry with its method (a request, for calendars to
    take it in)."""
    sub = attachment["type"].partition("/")[2]
    part = MIMEText(attachment["content"], sub or "plain", "utf-8")
    if attachment.get("method"):
        part.set_param("method", attachment["method"])
    part.add_header("Content-Disposition", "attachment", filename=attachment["name"])
    return part


@shared_task
def resend_waiting_mails() -> int:
    """Hand over again the mails that have waited too long (Celery beat runs it): their task never reached a
    worker. Returns how many."""
    waiting = Mail.objects.filter(
        status=Mail.Status.QUEUED, created_at__lt=timezone.now() - WAITING_TOO_LONG
    ).values_list("pk", flat=True)
    return sum(hand_over(pk) for pk in waiting)


@shared_task
def send_digests() -> int:
    """Send each account that chose a daily summary one mail with what waited for it (``digests_send``): run twice,
    or two runs at once, it sends one a day. Returns the number queued."""
    return digests_send()
