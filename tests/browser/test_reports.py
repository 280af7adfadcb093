"""The municipal coordinator requests the annual report in the browser, watches it being built by a real
Celery worker (the page polls its state) and downloads the PDF; Steuerung releases it as the final report, and the
coordinator sees that it is final."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo.factories import user_with_role
from quartier.models import Role
from reporting.models import Report
from tests.reporting.test_pipeline import report_worker  # noqa: F401 - the worker fixture

pytestmark = pytest.mark.browser


def test_the_coordinator_requests_watches_and_downloads_the_report(
    page,
    visit,
    navigates,
    axe_check,
    browser_login,
    area,
    report_worker,  # noqa: F811
):
    coordinator = user_with_role(area, Role.KOORDINATION, username="koordination-user", email="k@example.org")
    browser_login(page, coordinator)
    visit(page, f"/gebiet/{area.slug}/berichte/?year=2025")
    page.get_by_label("Einleitung").fill("Das Jahr 2025 im Kiez am Kanal.")
    with navigates(page):
        page.get_by_role("button", name="Bericht erstellen").click()
    report = Report.objects.get()
    expect(page.get_by_role("link", name=f"Version {report.version} herunterladen (PDF)")).to_be_visible(timeout=90_000)
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Version {report.version} herunterladen (PDF)").click()
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == f"jahresbericht-{area.slug}-2025-v1-entwurf.pdf"

    steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-user", email="s@example.org")
    page.context.clear_cookies()
    browser_login(page, steuerung)
    visit(page, f"/gebiet/{area.slug}/berichte/{report.pk}/")
    with navigates(page):
        page.get_by_role("button", name="Version 1 als endgültigen Bericht freigeben").click()
    expect(page.get_by_text("Version 1 ist jetzt der endgültige Jahresbericht 2025")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()
    browser_login(page, coordinator)
    visit(page, f"/gebiet/{area.slug}/berichte/?year=2025")
    expect(page.get_by_text("Endgültiger Bericht (freigegeben)")).to_be_visible()
