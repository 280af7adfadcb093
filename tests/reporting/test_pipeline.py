"""The annual report's pipeline: the request (refused cases, versions, one build at a time), the build by a
real Celery worker on real Redis, a build whose worker died midway, and a request made while Redis is down.
The request form hands a new request to Celery (``reporting.tasks.enqueue``) once it is stored; here the tests
that start from the service hand it over themselves."""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from quartier.celery import app as celery_app
from quartier.models import Quartier, Role, User
from quartier.permissions import ROLE_PERMISSIONS
from reporting.models import Report
from reporting.services import claim, report_request
from reporting.tasks import build_report, enqueue, sweep_reports
from tests.workers import Worker, point_broker_at, start_worker, stop_worker

STEUERUNG = ROLE_PERMISSIONS[Role.STEUERUNG]
PLANUNG = ROLE_PERMISSIONS[Role.PLANUNG]
YEAR = 2025


def ask(area: Quartier, user: User, *, year: int = YEAR):
    return report_request(area=area, year=year, intro="Ein gutes Jahr.", outlook="", by=user)


@pytest.mark.django_db
def test_refused_requests_say_why_and_store_nothing(area: Quartier, role_users: dict[str, User]) -> None:
    user = role_users["planung"]
    with pytest.raises(ValidationError) as future:
        ask(area, user, year=timezone.localdate().year + 1)
    assert "year" in future.value.error_dict
    with pytest.raises(ValidationError) as early:
        ask(area, user, year=1999)
    assert "year" in early.value.error_dict
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_every_build_is_a_version_until_one_is_released(area: Quartier, role_users: dict[str, User]) -> None:
    report, new = ask(area, role_users["gwa"])
    assert new and report.kind == Report.Kind.DRAFT


@pytest.mark.django_db
def test_a_request_while_one_is_in_flight_returns_that_one_and_versions_count_up(
    area: Quartier, role_users: dict[str, User]
) -> None:
    user = role_users["steuerung"]
    first, new = ask(area, user)
    assert new and first.version == 1 and first.status == "wartend"
    again, new = ask(area, role_users["koordination"])
    assert again == first and not new
    Report.objects.filter(pk=first.pk).update(status="fehlgeschlagen", error="x")
    second, new = ask(area, user)
    assert new and second.version == 2 and second.period_start == datetime.date(YEAR, 1, 1)


def test_two_requests_at_the_same_moment_build_once(
    transactional_db: None, area: Quartier, role_users: dict[str, User]
) -> None:
    user = role_users["steuerung"]
    barrier = threading.Barrier(2)
    results: list[tuple[Report, bool]] = []

    def request() -> None:
        try:
            barrier.wait()
            results.append(ask(area, user))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Report.objects.count() == 1
    assert sorted(new for _report, new in results) == [False, True]
    assert {report.pk for report, _new in results} == {Report.objects.get().pk}


@pytest.mark.django_db
def test_only_one_delivery_claims_a_build(area: Quartier, role_users: dict[str, User]) -> None:
    report, _new = ask(area, role_users["steuerung"])
    assert claim(report.pk) is not None
    assert claim(report.pk) is None  # a second delivery of the task: nothing to do
    assert build_report.apply(args=[report.pk]).get() == "not claimed"


# --- Real worker, real Redis -------------------------------------------------------------------------------


@pytest.fixture
def report_worker(transactional_db: None, tmp_path: Path, settings: object) -> Iterator[Worker]:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)  # type: ignore[attr-defined]
    settings.REPORT_STALE_SECONDS = 2  # type: ignore[attr-defined]
    worker = start_worker(
        "reports",
        {
            "MEDIA_ROOT": str(media),
            "REPORT_STALE_SECONDS": "2",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        },
    )
    try:
        yield worker
    finally:
        stop_worker(worker)


def wait_for(report: Report, worker: Worker, status: str = "fertig", seconds: float = 90) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status == status:
            return report
        assert worker.alive(), worker.errors()
        time.sleep(0.3)
    raise AssertionError(f"report {report.pk} is {report.status} ({report.step}), not {status}")


def test_a_real_worker_builds_the_report_and_mails_the_requester(
    report_worker: Worker, area: Quartier, role_users: dict[str, User], tmp_path: Path, client: Client
) -> None:
    user = role_users["koordination"]
    user.email = "koordination@example.org"
    user.save()
    client.force_login(user)
    form = {"year": str(YEAR), "intro": "Ein gutes Jahr.", "outlook": ""}
    assert client.post(reverse("report_new", args=[area.slug]), form).status_code == 302  # the form hands it over
    report = wait_for(Report.objects.get(area=area), report_worker)
    path = Path(report.file.path)
    data = path.read_bytes()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == report.sha256 and report.size == len(data)
    reader = PdfReader(path)
    assert reader.metadata.title.startswith(f"Jahresbericht {YEAR}")
    assert "Ein gutes Jahr." in "".join(page.extract_text() for page in reader.pages)
    assert not list(path.parent.glob(".part-*"))
    mails = list((tmp_path / "mail").glob("*.log"))
    assert mails and f"/berichte/{report.pk}/" in mails[0].read_text()


def report_worker_media() -> str:
    from django.conf import settings

    return str(settings.MEDIA_ROOT)


def test_a_request_while_redis_is_down_is_kept_and_built_once_it_is_back(
    report_worker: Worker, area: Quartier, role_users: dict[str, User]
) -> None:
    user = role_users["steuerung"]
    broker = celery_app.conf.broker_url
    point_broker_at("redis://127.0.0.1:9/0")  # nothing listens there: Redis is "down"
    try:
        report, _new = ask(area, user)
        assert enqueue(report.pk) is False
    finally:
        point_broker_at(broker)
    report.refresh_from_db()
    assert report.status == "wartend"  # kept, not lost, and not failed
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    assert sweep_reports() == 1  # a minute later the beat's sweep hands it over
    assert wait_for(report, report_worker).status == "fertig"


@pytest.mark.django_db
def test_a_passing_error_is_retried_and_a_lasting_one_fails_with_a_reason_a_person_can_read(
    area: Quartier, role_users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from reporting import services
    from reporting.rendering import PDFRenderingError

    report, _new = ask(area, role_users["steuerung"])
    calls: list[int] = []

    def database_gone_once(report: Report) -> Report:
        calls.append(report.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return services.build(report)

    monkeypatch.setattr("reporting.tasks.build", database_gone_once)
    monkeypatch.setattr("reporting.tasks.notify_requester", lambda report: True)
    assert build_report.apply(args=[report.pk]).get() == "done"  # the retry built it
    report.refresh_from_db()
    assert report.status == "fertig" and report.attempts == 2 and len(calls) == 2

    again, _new = ask(area, role_users["steuerung"])

    def database_gone(report: Report) -> Report:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reporting.tasks.build", database_gone)
    assert build_report.apply(args=[again.pk]).get() == "failed"
    again.refresh_from_db()
    assert again.status == "fehlgeschlagen" and again.attempts == 4  # the first try and three retries
    assert again.error.startswith("Die Erstellung ist mehrmals an einem vorübergehenden Fehler gescheitert")

    third, _new = ask(area, role_users["steuerung"])

    def broken_font(report: Report) -> Report:
        raise PDFRenderingError("pdf/fonts/SourceSans3-Regular.ttf cannot be loaded")

    monkeypatch.setattr("reporting.tasks.build", broken_font)
    assert build_report.apply(args=[third.pk]).get() == "failed"
    third.refresh_from_db()
    assert third.status == "fehlgeschlagen" and third.attempts == 1 and not third.file
    assert third.error == "Das PDF konnte nicht erstellt werden: pdf/fonts/SourceSans3-Regular.ttf cannot be loaded"


def test_beat_sweeps_the_reports_every_minute() -> None:
    from django.conf import settings

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reporting.tasks.sweep_reports"] == 60
    celery_app.loader.import_default_modules()
    assert "reporting.tasks.sweep_reports" in celery_app.tasks


def test_a_worker_killed_during_the_build_leaves_nothing_to_download_and_the_next_worker_finishes_it(
    report_worker: Worker, area: Quartier, role_users: dict[str, User], client, tmp_path: Path
) -> None:
    user = role_users["steuerung"]
    report, _new = ask(area, user)
    assert enqueue(report.pk)
    deadline = time.monotonic() + 60
    while Report.objects.get(pk=report.pk).status != "laeuft":
        assert time.monotonic() < deadline and report_worker.alive(), report_worker.errors()
        time.sleep(0.02)
    report_worker.kill()  # SIGKILL while it gathers or renders: nothing is finished or handed back
    report.refresh_from_db()
    assert report.status == "laeuft" and report.attempts == 1 and not report.file
    # Had it died while writing, half a PDF would lie beside the report's name: never served, swept away.
    part = Path(report_worker_media()) / "berichte" / str(area.pk) / str(YEAR) / ".part-dead.pdf"
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"%PDF-1.7 half")
    long_ago = (timezone.now() - datetime.timedelta(minutes=10)).timestamp()
    os.utime(part, (long_ago, long_ago))
    client.force_login(user)
    assert client.get(f"/gebiet/{area.slug}/berichte/{report.pk}/pdf/").status_code == 404

    successor = start_worker("reports-again", {"MEDIA_ROOT": report_worker_media(), "REPORT_STALE_SECONDS": "2"})
    try:
        time.sleep(2.1)  # no sign of life for longer than REPORT_STALE_SECONDS
        assert sweep_reports() == 1
        report = wait_for(report, successor)
    finally:
        stop_worker(successor)
    assert report.attempts == 2 and not part.exists()
    response = client.get(f"/gebiet/{area.slug}/berichte/{report.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
