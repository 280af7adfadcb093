"""Requests for reports and their build, step by step.

``report_request`` stores the request; whoever made it hands it to Celery once the transaction commits
(``reporting.tasks.enqueue``: the view does), and when Redis or the worker cannot be reached the request simply
stays queued and the periodic sweep (``reporting.tasks.sweep_reports``) hands it over later. ``build`` does the
work of one build: it claims the row with a conditional update (so a second delivery of the same task does
nothing), gathers each section (the row's ``step`` shows where it is), renders the PDF, writes it to a temporary
file next to its final place and moves it there, and only then marks the report done. This module never imports
the tasks: they call it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from quartier import permissions
from quartier.models import Quartier, User
from quartier.transitions import Move, StateMachine
from reporting.figures import KeyFigures, ReportFigures, gather
from reporting.models import Report, report_path
from reporting.rendering import render_pdf

logger = logging.getLogger(__name__)

R = Report.Status

#: A build's steps, each a conditional update of the row (``StateMachine.update``): claimed (queued, or running
#: with a dead worker), done, failed, or given back to the queue before a retry. Not audited: the row is the record.
REPORT = StateMachine(
    model=Report,
    moves={
        "claim": Move(sources=frozenset({R.QUEUED, R.RUNNING}), target=R.RUNNING, label=pgettext_lazy("step", "build")),
        "finish": Move(sources=frozenset({R.RUNNING}), target=R.DONE, label=pgettext_lazy("step", "finish")),
        "fail": Move(sources=frozenset({R.RUNNING}), target=R.FAILED, label=pgettext_lazy("step", "fail")),
        "release": Move(sources=frozenset({R.RUNNING}), target=R.QUEUED, label=pgettext_lazy("step", "queue again")),
    },
    audited=False,
)


def stale_after() -> datetime.timedelta:
    """A build that has shown no sign of life for this long is taken to have died with its worker."""
    return datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def report_request(
    *, area: Quartier, year: int, kind: str, intro: str, outlook: str, by: User, perms: frozenset[str]
) -> tuple[Report, bool]:
    """Store a request for the annual report of ``area`` and ``year``; returns the report and whether it is new.
    The caller hands a new one to Celery once the transaction commits (``reporting.tasks.enqueue``).

    A build of the same report (area, year, kind) already queued or running is returned instead of a second
    one. Refused: a year still to come, a year before 2000, a kind the role may not request."""
    today = timezone.localdate()
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("Choose a final report or a draft.")}, code="kind")
    needed = permissions.REQUEST_FINAL_REPORTS if kind == Report.Kind.FINAL else permissions.BUILD_DRAFT_REPORTS
    if needed not in perms:
        raise PermissionDenied(_("Your role may not request this report."))
    if not 2000 <= year <= today.year:
        raise ValidationError({"year": _("Choose a year up to the current one.")}, code="year")
    try:
        with transaction.atomic():
            Quartier.objects.select_for_update().filter(pk=area.pk).first()  # one version number at a time
            running = Report.objects.filter(area=area, year=year, kind=kind, status__in=Report.IN_FLIGHT).first()
            if running is not None:
                return running, False
            last = Report.objects.filter(area=area, year=year).aggregate(last=Max("version"))["last"] or 0
            report = Report.objects.create(
                area=area,
                year=year,
                kind=kind,
                version=last + 1,
                intro=intro.strip(),
                outlook=outlook.strip(),
                requested_by=by,
                period_start=datetime.date(year, 1, 1),
                period_end=min(datetime.date(year, 12, 31), today),
            )
    except IntegrityError:  # the same request at the same moment from elsewhere: use that one
        running = Report.objects.filter(area=area, year=year, kind=kind, status__in=Report.IN_FLIGHT).first()
        if running is None:
            raise
        return running, False
    return report, True


def claim(report_id: int, *, now: datetime.datetime | None = None) -> Report | None:
    """Take the report for building: a queued one, or a running one whose worker has died. None when
    another build has it or it is finished."""
    now = now or timezone.now()
    claimed = REPORT.update(
        Report.objects.filter(pk=report_id).filter(Q(status=R.QUEUED) | Q(heartbeat_at__lt=now - stale_after())),
        "claim",
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        step="",
        error="",
    )
    if not claimed:
        return None
    return Report.objects.select_related("area", "requested_by").get(pk=report_id)


def _step(report: Report, step: str) -> None:
    report.step = step
    Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(step=step, heartbeat_at=timezone.now())


class ReportContext(TypedDict):
    """What the template ``reporting/annual_report.html`` gets."""

    report: Report
    sections: ReportFigures
    key_figures: KeyFigures


def report_context(report: Report, sections: ReportFigures) -> ReportContext:
    return {"report": report, "sections": sections, "key_figures": sections.key_figures}


def report_title(report: Report) -> str:
    return _("Annual report %(year)s, %(area)s") % {"year": report.year, "area": report.area.name}


def _write_atomically(name: str, data: bytes) -> None:
    """Write ``data`` to the storage's file ``name``: first to a temporary file in the same directory, then
    moved over the name, so the file under ``name`` is either absent or complete."""
    target = Path(default_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _quiet(step: str) -> None:
    """Hears nothing of the steps."""


def render_report(report: Report, *, step: Callable[[str], None] = _quiet) -> tuple[bytes, KeyFigures]:
    """The PDF of ``report`` from the live data, and the key figures it shows; ``step`` hears each step."""
    area = report.area
    sections = gather(area, report.year, step=step)
    step("pdf")
    author = report.requested_by.get_display_name() if report.requested_by else ""
    pdf = render_pdf(
        "reporting/annual_report.html",
        report_context(report, sections),
        title=report_title(report),
        author=author,
        area=area,
    )
    return pdf, sections.key_figures


def build(report: Report) -> Report:
    """Gather, render and store the claimed ``report``; returns it done. Raises what stopped it."""
    pdf, figures = render_report(report, step=lambda key: _step(report, key))
    _step(report, "save")
    name = report_path(report, "")
    _write_atomically(name, pdf)
    done = REPORT.update(
        Report.objects.filter(pk=report.pk),
        "finish",
        step="",
        file=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        key_figures={key: str(value) for key, value in figures.as_dict().items()},
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    if not done:
        logger.info("Report %s was finished by another build meanwhile.", report.pk)
    return report


def fail(report: Report, reason: str) -> None:
    REPORT.update(Report.objects.filter(pk=report.pk), "fail", error=reason, finished_at=timezone.now())


def release(report: Report) -> None:
    """Give a claimed report back to the queue (before a retry)."""
    REPORT.update(Report.objects.filter(pk=report.pk), "release")


def stale_or_waiting(now: datetime.datetime, *, waiting_for: datetime.timedelta) -> list[int]:
    """Reports the sweep hands over again: queued for a while, or running without a sign of life."""
    return list(
        Report.objects.filter(
            Q(status=Report.Status.QUEUED, created_at__lt=now - waiting_for)
            | Q(status=Report.Status.RUNNING, heartbeat_at__lt=now - stale_after())
        ).values_list("pk", flat=True)
    )


def remove_leftovers(now: datetime.datetime) -> int:
    """Delete the temporary files of builds that died while writing (never served: only a complete file is
    moved to a report's name)."""
    root = Path(settings.MEDIA_ROOT) / "berichte"
    cutoff = (now - stale_after()).timestamp()
    removed = 0
    for path in root.glob("*/*/.part-*.pdf") if root.exists() else []:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
