"""The final annual report: a version is provisional while its year runs (it says so, with the day its data was
taken); Steuerung releases one finished version of an ended year as the final report, recorded and audited; the
coordinators are told by mail and see which version is final. Every refusal is German and changes nothing."""

from __future__ import annotations

import datetime
import hashlib
import io
import threading

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from demo.factories import user_with_role
from quartier.models import Mail, Quartier, Role, User
from reporting.models import Report
from reporting.services import claim, render_report, report_release, report_request, report_title

YEAR = 2025


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def version(
    area: Quartier,
    *,
    number: int = 1,
    year: int = YEAR,
    status: str = "fertig",
    built: datetime.datetime | None = None,
) -> Report:
    """A version of ``year`` built at ``built`` (by default in January after the year: the whole year)."""
    built = built or moment(datetime.date(year + 1, 1, 5))
    data = b"%PDF-1.7 Jahresbericht " + str(number).encode()
    report = Report(
        area=area, year=year, version=number, status=status, started_at=built, finished_at=built,
        period_start=datetime.date(year, 1, 1),
        period_end=min(datetime.date(year, 12, 31), timezone.localdate(built)),
        sha256=hashlib.sha256(data).hexdigest(), size=len(data),
    )  # fmt: skip
    report.file.save(f"v{number}.pdf", ContentFile(data), save=False)
    report.save()
    return report


def url(name: str, area: Quartier, report: Report | int) -> str:
    return reverse(name, args=[area.slug, report if isinstance(report, int) else report.pk])


def release_as(client: Client, user: User, area: Quartier, report: Report | int) -> str:
    """POST the release as ``user``; the notices of the page it leads to."""
    client.force_login(user)
    response = client.post(url("report_release", area, report), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def traces(area: Quartier) -> tuple[object, ...]:
    """What a release leaves: the reports' rows, the audit entries and the mails."""
    return (
        list(Report.objects.filter(area=area).order_by("pk").values("pk", "kind", "released_by", "released_at")),
        LogEntry.objects.filter(additional_data__has_key="transition").count(),
        Mail.objects.count(),
    )


@pytest.fixture
def coordinators(area: Quartier, role_users: dict[str, User]) -> list[User]:
    """Two coordinators of the area with an address, one without; the ``role_users`` one is the first."""
    second = user_with_role(area, Role.KOORDINATION, username="koordination-zwei")
    silent = user_with_role(area, Role.KOORDINATION, username="koordination-ohne", email="")
    return [role_users["koordination"], second, silent]


@pytest.mark.django_db
def test_steuerung_releases_a_version_of_an_ended_year_and_the_coordinators_are_told(
    client: Client, area: Quartier, role_users: dict[str, User], coordinators: list[User]
) -> None:
    steuerung = role_users["steuerung"]
    first, second = version(area, number=1), version(area, number=2)
    client.force_login(steuerung)
    page = client.get(url("report_page", area, second)).content.decode()
    assert "Version 2 als endgültigen Bericht freigeben" in page and url("report_release", area, second) in page

    notice = release_as(client, steuerung, area, second)
    assert "Version 2 ist jetzt der endgültige Jahresbericht 2025; die Koordination wurde benachrichtigt." in notice

    second.refresh_from_db()
    assert (second.kind, second.status, second.released_by) == ("final", "fertig", steuerung)
    assert second.released_at is not None and timezone.now() - second.released_at < datetime.timedelta(minutes=1)
    first.refresh_from_db()
    assert first.kind == "entwurf"
    entry = LogEntry.objects.get_for_object(second).get(additional_data__has_key="transition")
    assert (entry.actor, entry.additional_data["transition"], entry.additional_data["step"]) == (
        steuerung, "release", "freigeben"
    )  # fmt: skip
    assert entry.additional_data["quartier_id"] == area.pk  # in the area's history

    # Each coordinator with an address gets one mail, in German, with the link to the report's page; nobody else.
    mails = list(Mail.objects.order_by("to"))
    assert [m.to for m in mails] == sorted(user.email for user in coordinators[:2])
    link = "http://testserver" + url("report_page", area, second)
    for mail in mails:
        assert mail.subject == "Endgültiger Jahresbericht 2025 für Kiez am Kanal freigegeben"
        assert mail.kind == "reporting.released" and mail.area == area
        assert "Version 2, freigegeben von" in mail.body and url("report_page", area, second) in mail.body
    assert link.split("testserver", 1)[1] in mails[0].body

    # The coordinator sees which version is final, on the list and the pages, and downloads it.
    client.force_login(coordinators[0])
    listing = client.get(reverse("report_list", args=[area.slug]) + f"?year={YEAR}").content.decode()
    assert listing.count("Endgültiger Bericht (freigegeben)") == 1
    final_page = client.get(url("report_page", area, second)).content.decode()
    assert "Diese Version ist der endgültige Jahresbericht 2025." in final_page
    assert "Freigegeben von" in final_page and "freigeben</button>" not in final_page
    other_page = client.get(url("report_page", area, first)).content.decode()
    assert "Version 2 ist der endgültige Bericht." in other_page
    download = client.get(url("report_download", area, second))
    assert (
        download.status_code == 200
        and "jahresbericht-kiez-am-kanal-2025-v2-endgueltig.pdf" in (download["Content-Disposition"])
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["wartend", "laeuft", "fehlgeschlagen"])
def test_a_version_that_is_not_finished_is_not_released(
    client: Client, area: Quartier, role_users: dict[str, User], coordinators: list[User], status: str
) -> None:
    report = version(area, status="fertig")
    Report.objects.filter(pk=report.pk).update(status=status, error="kaputt" if status == "fehlgeschlagen" else "")
    before = traces(area)
    label = dict(Report.Status.choices)[status]
    with translation.override("de"):
        label = str(label)
    notice = release_as(client, role_users["steuerung"], area, report)
    assert f"Nur ein fertiger Bericht kann freigegeben werden; diese Version ist „{label}“." in notice
    assert traces(area) == before


@pytest.mark.django_db
def test_a_version_of_the_running_year_is_not_released(
    client: Client, area: Quartier, role_users: dict[str, User], coordinators: list[User], now: datetime.datetime
) -> None:
    this_year = timezone.localdate(now).year
    report = version(area, year=this_year, built=now)
    assert report.provisional and report.period_end == timezone.localdate(now)
    client.force_login(role_users["steuerung"])
    page = client.get(url("report_page", area, report)).content.decode()
    assert f"Das Jahr {this_year} ist noch nicht zu Ende" in page and "freigeben</button>" not in page
    before = traces(area)
    notice = release_as(client, role_users["steuerung"], area, report)
    assert (
        f"Das Jahr {this_year} ist noch nicht zu Ende: Sein endgültiger Bericht kann ab dem 1. Januar "
        f"{this_year + 1} freigegeben werden."
    ) in notice
    assert traces(area) == before


@pytest.mark.django_db
def test_a_version_built_before_its_year_ended_is_not_released(
    client: Client, area: Quartier, role_users: dict[str, User], coordinators: list[User]
) -> None:
    """Built on 31 December (the year still ran, though its period ends that day) and on 14 March."""
    late = version(area, number=1, built=moment(datetime.date(YEAR, 12, 31), 23))
    early = version(area, number=2, built=moment(datetime.date(YEAR, 3, 14)))
    assert late.provisional and late.period_end == datetime.date(YEAR, 12, 31)
    before = traces(area)
    for report, day in ((late, "31.12.2025"), (early, "14.03.2025")):
        notice = release_as(client, role_users["steuerung"], area, report)
        assert f"Diese Version wurde erstellt, als das Jahr noch lief, und reicht nur bis zum {day}." in notice
    assert traces(area) == before
    page = client.get(url("report_page", area, early)).content.decode()
    assert "Vorläufiger Bericht bis 14.03.2025" in page


@pytest.mark.django_db
def test_other_roles_and_other_areas_cannot_release_and_a_forged_id_is_not_found(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    role_users: dict[str, User],
    outsider: User,
    coordinators: list[User],
) -> None:
    report = version(area)
    foreign = version(other_area)
    before = traces(area)
    for role in ("koordination", "gwa", "planung"):
        client.force_login(role_users[role])
        assert client.post(url("report_release", area, report)).status_code == 403, role
        assert "freigeben</button>" not in client.get(url("report_page", area, report)).content.decode()
        with pytest.raises(PermissionDenied):
            report_release(report=report, by=role_users[role])
    client.force_login(outsider)  # Steuerung of another area: this area does not exist for them
    assert client.post(url("report_release", area, report)).status_code == 404
    with pytest.raises(PermissionDenied):
        report_release(report=report, by=outsider)
    client.force_login(role_users["steuerung"])
    assert client.post(url("report_release", area, 999_999)).status_code == 404  # no such report
    assert client.post(url("report_release", area, foreign)).status_code == 404  # of another area
    assert client.post(f"/gebiet/{area.slug}/berichte/x/freigeben/").status_code == 404
    assert client.get(url("report_release", area, report)).status_code == 405
    assert traces(area) == before
    foreign.refresh_from_db()
    assert foreign.kind == "entwurf"


@pytest.mark.django_db
def test_a_year_has_one_final_report(
    client: Client, area: Quartier, role_users: dict[str, User], coordinators: list[User]
) -> None:
    steuerung = role_users["steuerung"]
    first, second = version(area, number=1), version(area, number=2)
    report_release(report=first, by=steuerung)
    before = traces(area)
    assert "Diese Version ist bereits freigegeben." in release_as(client, steuerung, area, first)
    assert "Version 1 ist bereits als endgültiger Bericht für 2025 freigegeben." in (
        release_as(client, steuerung, area, second)
    )
    assert traces(area) == before
    page = client.get(url("report_page", area, second)).content.decode()
    assert "freigeben</button>" not in page and "Version 1 ist der endgültige Bericht." in page
    # The database holds it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=second.pk).update(kind="final", released_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():  # a final report is a released one
        Report.objects.filter(pk=first.pk).update(released_at=None)


def test_two_releases_of_the_same_year_at_the_same_moment_make_one_final_report(
    transactional_db: None, area: Quartier, role_users: dict[str, User], coordinators: list[User]
) -> None:
    steuerung = role_users["steuerung"]
    second_steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-zwei")
    reports = [version(area, number=1), version(area, number=2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def release(report: Report, user: User) -> None:
        try:
            barrier.wait()
            report_release(report=report, by=user)
            outcomes.append("released")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=release, args=(report, user))
        for report, user in zip(reports, (steuerung, second_steuerung), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[-1] == "released" and outcomes.count("released") == 1, outcomes
    assert Report.objects.filter(area=area, year=YEAR, kind="final").count() == 1
    assert Mail.objects.count() == 2  # the coordinators are told once


@pytest.mark.django_db
def test_a_build_takes_its_period_from_the_day_it_takes_the_data(area: Quartier, role_users: dict[str, User]) -> None:
    """Requested in the year and built after it ended: the whole year; built in it: up to that day."""
    early = Report.objects.create(
        area=area, year=YEAR, version=1, period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 3, 1)
    )
    assert claim(early.pk, now=moment(datetime.date(YEAR, 3, 14))) is not None
    early.refresh_from_db()
    assert early.period_end == datetime.date(YEAR, 3, 14) and early.provisional
    with translation.override("de"):
        assert report_title(early) == "Vorläufiger Bericht: Jahresbericht 2025 bis 14.03.2025, Kiez am Kanal"
    Report.objects.filter(pk=early.pk).update(status="fehlgeschlagen")  # one build of a year at a time
    late = Report.objects.create(
        area=area, year=YEAR, version=2, period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 12, 31)
    )
    assert claim(late.pk, now=moment(datetime.date(YEAR + 1, 1, 2), 0)) is not None
    late.refresh_from_db()
    assert late.period_end == datetime.date(YEAR, 12, 31) and not late.provisional
    with translation.override("de"):
        assert report_title(late) == "Jahresbericht 2025, Kiez am Kanal"
    assert claim(999_999) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["steuerung", "koordination"])
def test_the_report_page_with_its_release_reads_a_fixed_number_of_queries(
    role: str, client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries
) -> None:
    report = version(area, number=1)
    client.force_login(role_users[role])

    def grow() -> None:
        for number in range(2, 8):
            version(area, number=number)
        report_release(report=Report.objects.get(area=area, version=7), by=role_users["steuerung"])
        for number in range(2, 6):
            user_with_role(area, Role.KOORDINATION, username=f"koordination-{number}")

    assert assert_constant_queries(lambda: client.get(url("report_page", area, report)), grow) <= 10


@pytest.mark.django_db
def test_a_version_of_the_running_year_is_a_provisional_report_in_its_pdf_metadata_and_cover(
    area: Quartier, role_users: dict[str, User], now: datetime.datetime
) -> None:
    today = timezone.localdate(now)
    report, _new = report_request(area=area, year=today.year, intro="", outlook="", by=role_users["gwa"])
    claimed = claim(report.pk, now=now)
    assert claimed is not None and claimed.provisional
    with translation.override("de"):
        pdf, _figures = render_report(claimed)
    reader = PdfReader(io.BytesIO(pdf))
    day = today.strftime("%d.%m.%Y")
    assert reader.metadata.title == f"Vorläufiger Bericht: Jahresbericht {today.year} bis {day}, Kiez am Kanal"
    cover = " ".join(reader.pages[0].extract_text().split())
    assert f"Vorläufiger Bericht bis {day}" in cover and "VORLÄUFIG" in cover
