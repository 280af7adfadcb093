"""Background work of the reports: the build of one report, and the sweep that hands over requests the
queue never got (Redis or the worker was down) and builds whose worker died. ``enqueue`` hands a build to
Celery. The tasks are thin: they call ``reporting.services``, which never imports this module.

``build_report`` may be delivered twice (the broker redelivers a task whose worker died, and the sweep
queues again): only the delivery that claims the row builds; the others return at once.
"""

from __future__ import annotations

import datetime
import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartier.mail import queue_mail
from quartier.net import on_site
from reporting.models import Report
from reporting.rendering import PDFRenderingError
from reporting.services import (
    build,
    claim,
    fail,
    remove_leftovers,
    report_title,
    requeue,
    stale_or_waiting,
)

logger = logging.getLogger(__name__)

#: Errors that may pass (the database restarting, a connection lost): the build is retried.
TRANSIENT = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES)
def build_report(self: Task, report_id: int) -> str:
    report = claim(report_id)
    if report is None:
        return "not claimed"
    with translation.override(settings.LANGUAGE_CODE):
        try:
            build(report)
        except PDFRenderingError as error:
            fail(report, _("The PDF could not be made: %(error)s") % {"error": error})
            return "failed"
        except TRANSIENT as error:
            if self.request.retries >= MAX_RETRIES:
                fail(
                    report,
                    _("The build failed several times for a passing error (%(error)s). Please try again later.")
                    % {"error": type(error).__name__},
                )
                return "failed"
            requeue(report)
            raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
        except Exception as error:
            logger.exception("Report %s failed", report_id)
            fail(
                report,
                _(
                    "An unexpected error stopped the build (%(error)s). Please try again; "
                    "if it fails again, tell the administrator."
                )
                % {"error": type(error).__name__},
            )
            return "failed"
        notify_requester(report)
    return "done"


def notify_requester(report: Report) -> bool:
    """Queue a mail to the requester with a link to the finished report (sent and retried on its own: a mail
    server that fails does not undo the build, and the report's page shows it anyway)."""
    user = report.requested_by
    if user is None or not user.email:
        return False
    link = on_site(reverse("report_page", kwargs={"slug": report.area.slug, "report_pk": report.pk}))
    body = render_to_string("reporting/email/report_done.txt", {"report": report, "link": link, "user": user})
    queue_mail(to=user.email, subject=report_title(report), body=body, kind="reporting.done", about=report)
    return True


def enqueue(report_id: int) -> bool:
    """Hand the build to Celery; False (and the request stays queued for the sweep) if the broker cannot be
    reached. Call it after the request's transaction has committed (``transaction.on_commit``)."""
    try:
        build_report.apply_async(args=[report_id], retry=False)
    except Exception:
        logger.warning("Report %s stays queued: the task queue cannot be reached.", report_id, exc_info=True)
        return False
    return True


@shared_task
def sweep_reports() -> int:
    """Queue again what waits too long or whose worker died; run by Celery beat every minute."""
    now = timezone.now()
    remove_leftovers(now)
    pending = stale_or_waiting(now, waiting_for=datetime.timedelta(seconds=30))
    for report_id in pending:
        enqueue(report_id)
    return len(pending)
