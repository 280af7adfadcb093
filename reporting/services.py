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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from quartier import permissions
from quartier.mail import queue_mail
from quartier.models import Quartier, Role, User
from quartier.net import on_site
from quartier.transitions import Move, StateMachine
from reporting.figures import SECTIONS, KeyFigures, ReportFigures, gather
from reporting.models import Report, report_path
from reporting.rendering import render_pdf

logger = logging.getLogger(__name__)

R = Report.Status

#: A build's steps, each a conditional update of the row (``StateMachine.update``, never audited: the row is the
#: record): claimed (queued, or running with a dead worker), done, failed, or given back to the queue before a
#: retry. And the one step a person takes: Steuerung releases a finished version as the year's final report
#: (``report_release``); it stays done, becomes ``Kind.FINAL`` and is audited with who released it.
REPORT = StateMachine(
    model=Report,
    moves={
        "claim": Move(
            sources=frozenset({R.QUEUED, R.RUNNING}),
            target=R.RUNNING,
            label=pgettext_lazy("step", "build"),
            done=pgettext_lazy("done", "build started"),
        ),
        "finish": Move(
            sources=frozenset({R.RUNNING}),
            target=R.DONE,
            label=pgettext_lazy("step", "finish"),
            done=pgettext_lazy("done", "built"),
        ),
        "fail": Move(
            sources=frozenset({R.RUNNING}),
            target=R.FAILED,
            label=pgettext_lazy("step", "fail"),
            done=pgettext_lazy("done", "failed"),
        ),
        "requeue": Move(
            sources=frozenset({R.RUNNING}),
            target=R.QUEUED,
            label=pgettext_lazy("step", "queue again"),
            done=pgettext_lazy("done", "queued again"),
        ),
        "release": Move(
            sources=frozenset({R.DONE}),
            target=R.DONE,
            label=pgettext_lazy("step", "release"),
            done=pgettext_lazy("done", "released as final"),
            refusal=gettext_lazy("Only a finished report can be released; this version is “%(status)s”."),
        ),
    },
)


def stale_after() -> datetime.timedelta:
    """A build that has shown no sign of life for this long is taken to have died with its worker."""
    return datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def report_request(*, area: Quartier, year: int, intro: str, outlook: str, by: User) -> tuple[Report, bool]:
    """Store a request for a version of the annual report of ``area`` and ``year``; returns the report and whether
    it is new. The caller hands a new one to Celery once the transaction commits (``reporting.tasks.enqueue``).

    Every build is a version (``Kind.DRAFT``) until Steuerung releases one as the final report
    (``report_release``). A build of the same year already queued or running is returned instead of a second
    one. Refused: a year still to come, a year before 2000."""
    today = timezone.localdate()
    kind = Report.Kind.DRAFT
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
    year = Report.objects.filter(pk=report_id).values_list("year", flat=True).first()
    if year is None:
        return None
    claimed = REPORT.update(
        Report.objects.filter(pk=report_id).filter(Q(status=R.QUEUED) | Q(heartbeat_at__lt=now - stale_after())),
        "claim",
        # The data is taken now: the report covers its year up to today (all of it once the year has ended).
        period_end=min(datetime.date(year, 12, 31), timezone.localdate(now)),
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
    #: Each section's number by its key (``SECTIONS``' order), and the outlook's after them.
    numbers: dict[str, int]


def report_context(report: Report, sections: ReportFigures) -> ReportContext:
    numbers = {key: number for number, (key, _label) in enumerate(SECTIONS, start=1)}
    numbers["outlook"] = len(SECTIONS) + 1
    return {"report": report, "sections": sections, "key_figures": sections.key_figures, "numbers": numbers}


def report_title(report: Report) -> str:
    """The report's title (the PDF's metadata and footer, the mails' subject): a version built while the year
    ran says so, with the day its data was taken."""
    if report.provisional:
        return _("Provisional report: annual report %(year)s up to %(date)s, %(area)s") % {
            "year": report.year,
            "date": date_format(report.period_end, "SHORT_DATE_FORMAT"),
            "area": report.area.name,
        }
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


def requeue(report: Report) -> None:
    """Give a claimed report back to the queue (before a retry)."""
    REPORT.update(Report.objects.filter(pk=report.pk), "requeue")


# --- The release ------------------------------------------------------------------------------------------------


def release_refusal(report: Report, *, today: datetime.date | None = None) -> str:
    """Why ``report`` cannot be released now, in words for the person at the desk; "" when it can (the state and
    the final version of the year aside, which ``report_release`` checks on the locked rows)."""
    today = today or timezone.localdate()
    if today <= report.last_day:
        return _("The year %(year)s has not ended yet: its final report can be released from 1 January %(next)s.") % {
            "year": report.year,
            "next": report.year + 1,
        }
    if report.status == Report.Status.DONE and report.provisional:
        return _(
            "This version was built while the year still ran and covers it only up to %(date)s. Build the report "
            "again now that the year has ended, and release that version."
        ) % {"date": date_format(report.period_end, "SHORT_DATE_FORMAT")}
    return ""


def report_release(*, report: Report, by: User, now: datetime.datetime | None = None) -> Report:
    """Release ``report`` as the final annual report of its year (Steuerung: ``release_reports``): a finished
    version built after its year ended. Recorded with who released it and when (audited as the step
    "freigeben"); every coordinator (Koordination) of the area is told by mail, in the same transaction.

    Refused (``ValidationError``, nothing changed): a version queued, running or failed; a version of a year that
    has not ended, or built before it ended; a version released already; a year that has its final report (at
    most one per area and year: the area's row is locked, and a database constraint backs it)."""
    now = now or timezone.now()
    if not permissions.can(by, permissions.RELEASE_REPORTS, report.area):
        raise PermissionDenied(_("Your role may not release reports."))
    try:
        with transaction.atomic():
            Quartier.objects.select_for_update().filter(pk=report.area_id).first()  # one release per area at a time
            locked = REPORT.lock(report)
            if locked.kind == Report.Kind.FINAL:
                raise ValidationError(_("This version has been released already."), code="released")
            REPORT.check(locked, "release")
            refusal = release_refusal(locked, today=timezone.localdate(now))
            if refusal:
                raise ValidationError(refusal, code="not_yet")
            final = Report.objects.filter(area_id=locked.area_id, year=locked.year, kind=Report.Kind.FINAL).first()
            if final is not None:
                raise ValidationError(
                    _("Version %(version)s has been released as the final report of %(year)s already.")
                    % {"version": final.version, "year": final.year},
                    code="final_exists",
                )
            REPORT.apply(locked, "release", by=by, now=now, kind=Report.Kind.FINAL, released_by=by, released_at=now)
            coordinators_tell(locked)
    except IntegrityError as error:  # the constraint: another release of the year came first
        raise ValidationError(
            _("Another version of %(year)s has just been released as its final report.") % {"year": report.year},
            code="final_exists",
        ) from error
    report.refresh_from_db()
    return report


def coordinators_tell(report: Report) -> int:
    """Tell every coordinator (Koordination) of the report's area that its final report was released, with the
    link to its page; returns how many were told."""
    area = report.area
    link = on_site(reverse("report_page", kwargs={"slug": area.slug, "report_pk": report.pk}))
    coordinators = User.objects.filter(
        is_active=True, role_assignments__area=area, role_assignments__role=Role.KOORDINATION
    ).distinct()
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Final annual report %(year)s of %(area)s released") % {"year": report.year, "area": area.name}
        for user in coordinators.order_by("pk"):
            if not user.email:
                continue
            body = render_to_string(
                "reporting/email/report_released.txt", {"report": report, "link": link, "user": user}
            )
            queue_mail(to=user.email, subject=subject, body=body, kind="reporting.released", about=report)
            told += 1
    return told


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
