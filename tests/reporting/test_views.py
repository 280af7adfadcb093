"""The reports' pages: who sees which version, the request form's refusals, the progress fragment, the
download that never hands out a damaged file, the key figures as JSON, the tables and the overview."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.factories import QuartierFactory, user_with_role
from quartier.models import Quartier, Role, User
from quartier.services import role_grant
from reporting.figures import gather, key_figures
from reporting.models import Report

pytestmark = pytest.mark.django_db


def done_report(area: Quartier, *, kind: str, version: int, data: bytes = b"%PDF-1.7 Bericht") -> Report:
    """A finished version of 2025, built after the year ended; a final one released (as by ``report_release``)."""
    report = Report(
        area=area, year=2025, kind=kind, version=version, status="fertig", period_start="2025-01-01",
        period_end="2025-12-31", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        started_at=timezone.make_aware(timezone.datetime(2026, 1, 5, 9)),
        released_at=timezone.now() if kind == "final" else None,
    )  # fmt: skip
    report.file.save(f"v{version}.pdf", ContentFile(data), save=False)
    report.save()
    return report


def url(name: str, area: Quartier, *args: object) -> str:
    return reverse(name, args=[area.slug, *args])


def test_the_final_report_and_every_version_are_for_every_role_and_the_final_one_is_marked(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    final = done_report(area, kind="final", version=1)
    draft = done_report(area, kind="entwurf", version=2)
    for role in ("steuerung", "koordination", "planung", "gwa"):
        client.force_login(role_users[role])
        listing = client.get(url("report_list", area) + "?year=2025").content.decode()
        assert url("report_download", area, final.pk) in listing, role
        assert url("report_download", area, draft.pk) in listing, role
        assert "Endgültiger Bericht (freigegeben)" in listing and "Ganzes Jahr, nicht freigegeben" in listing
        assert client.get(url("report_download", area, final.pk)).status_code == 200
        assert client.get(url("report_download", area, draft.pk)).status_code == 200


def test_the_download_is_the_stored_file_and_a_damaged_one_is_refused(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    report = done_report(area, kind="final", version=1)
    client.force_login(role_users["koordination"])
    response = client.get(url("report_download", area, report.pk))
    assert response.content == b"%PDF-1.7 Bericht"
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    assert "jahresbericht-kiez-am-kanal-2025-v1-endgueltig.pdf" in response["Content-Disposition"]
    with open(report.file.path, "wb") as handle:  # the file changed behind our back
        handle.write(b"%PDF-1.7 Ber")
    assert client.get(url("report_download", area, report.pk)).status_code == 404
    running = Report.objects.create(
        area=area, year=2024, kind="entwurf", version=1, status="laeuft", period_start="2024-01-01",
        period_end="2024-12-31",
    )  # fmt: skip
    assert client.get(url("report_download", area, running.pk)).status_code == 404


def test_the_request_form_builds_a_version_and_refuses_a_year_to_come(
    client: Client, area: Quartier, role_users: dict[str, User], django_capture_on_commit_callbacks
) -> None:
    client.force_login(role_users["planung"])
    form = client.get(url("report_list", area)).content.decode()
    assert 'name="kind"' not in form  # every build is a version; Steuerung releases the final one
    refused = client.post(url("report_new", area), {"year": "1999", "kind": "final"})
    assert refused.status_code == 200 and "Wählen Sie ein Jahr bis zum laufenden." in refused.content.decode()
    next_year = str(timezone.localdate().year + 1)
    future = client.post(url("report_new", area), {"year": next_year, "kind": "entwurf"})
    assert "Wählen Sie ein Jahr bis zum laufenden." in future.content.decode()
    assert not Report.objects.exists()
    with django_capture_on_commit_callbacks() as queued:
        made = client.post(url("report_new", area), {"year": "2025", "kind": "entwurf", "intro": "Hallo"})
    assert len(queued) == 1  # handed to Celery once the request is stored
    with django_capture_on_commit_callbacks() as queued_again:
        again = client.post(url("report_new", area), {"year": "2025", "kind": "entwurf", "intro": "Hallo"})
    assert again["Location"] == made["Location"] and not queued_again  # the build in flight, not a second one
    report = Report.objects.get()
    assert made.status_code == 302 and made["Location"] == url("report_page", area, report.pk)
    assert (report.kind, report.intro, report.requested_by) == ("entwurf", "Hallo", role_users["planung"])


def test_the_progress_fragment_polls_while_the_report_is_built_and_stops_when_done(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    report = Report.objects.create(
        area=area, year=2025, kind="entwurf", version=1, status="laeuft", step="funds",
        period_start="2025-01-01", period_end="2025-12-31",
    )  # fmt: skip
    client.force_login(role_users["gwa"])
    fragment = client.get(url("report_page", area, report.pk), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'aria-current="step"' in fragment
    assert "<html" not in fragment
    Report.objects.filter(pk=report.pk).update(status="fehlgeschlagen", error="Das PDF konnte nicht erstellt werden.")
    failed = client.get(url("report_page", area, report.pk), headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in failed and "Das PDF konnte nicht erstellt werden." in failed


def test_key_figures_as_json_and_a_table_as_csv(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url("key_figures_json", area, 2025))
    body = json.loads(response.content)
    assert body["year"] == 2025 and body["area"] == "kiez-am-kanal"
    assert body["key_figures"] == {key: str(value) if not isinstance(value, int) else value
                                   for key, value in key_figures(area, 2025).as_dict().items()}  # fmt: skip
    assert client.get(url("key_figures_json", area, 1999)).status_code == 404
    name = next(iter(gather(area, 2025).tables()))
    table = client.get(reverse("report_table", args=[area.slug, 2025, name, "csv"]))
    assert table.status_code == 200 and table["Content-Type"].startswith("text/csv")
    assert client.get(reverse("report_table", args=[area.slug, 2025, "gibtsnicht", "csv"])).status_code == 404
    assert client.get(reverse("report_table", args=[area.slug, 2025, name, "pdf"])).status_code == 404


def test_the_overview_compares_only_the_users_areas(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    third = QuartierFactory(slug="hafen", name="Hafen Ost")
    coordinator = role_users["koordination"]
    role_grant(user=coordinator, area=other_area, role=Role.KOORDINATION, by=None)
    client.force_login(coordinator)
    html = client.get(reverse("report_overview") + "?year=2025").content.decode()
    assert "Kiez am Kanal" in html and "Nordstadt" in html and third.name not in html
    client.force_login(user_with_role(third, Role.GEMEINWESENARBEIT, username="hafen-gwa"))
    only = client.get(reverse("report_overview")).content.decode()
    assert "Hafen Ost" in only and "Kiez am Kanal" not in only


def test_the_tables_page_links_every_table_in_both_formats(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    html = client.get(reverse("report_table_list", args=[area.slug, 2025])).content.decode()
    for slug in gather(area, 2025).tables():
        for fmt in ("csv", "xlsx"):
            assert reverse("report_table", args=[area.slug, 2025, slug, fmt]) in html


@pytest.mark.parametrize("page", ["report_list", "report_page", "report_table_list", "report_overview"])
def test_report_pages_read_a_fixed_number_of_queries(
    page: str, client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries
) -> None:
    from actors.models import ContactNote

    staff = role_users["gwa"]
    report = done_report(area, kind="entwurf", version=1)
    urls = {
        "report_list": url("report_list", area) + "?year=2025",
        "report_page": url("report_page", area, report.pk),
        "report_table_list": reverse("report_table_list", args=[area.slug, 2025]),
        "report_overview": reverse("report_overview") + "?year=2025",
    }
    client.force_login(role_users["koordination"])

    def grow() -> None:
        for version in range(2, 8):
            done_report(area, kind="entwurf", version=version)
        for day in range(1, 20):
            ContactNote.objects.create(
                area=area, date=f"2025-03-{day:02d}", staff=staff, channel="telefon", topic=f"Kontakt {day}"
            )

    assert_constant_queries(lambda: client.get(urls[page]), grow)


def test_the_areas_a_user_sees_reports_of_are_read_in_a_fixed_number_of_queries(
    area: Quartier, other_area: Quartier, role_users: dict[str, User], superuser: User
) -> None:
    from quartier.permissions import VIEW_REPORTS, areas_where, forget_cached_permissions
    from tests.conftest import count_queries

    coordinator = role_users["koordination"]

    def fresh_request() -> list[Quartier]:  # the roles are read once per request (user object)
        forget_cached_permissions(coordinator)
        return areas_where(coordinator, VIEW_REPORTS)

    few = count_queries(fresh_request)
    for number in range(5):  # areas where the coordinator has no role: never asked about one by one
        QuartierFactory(slug=f"gebiet-{number}", name=f"Gebiet {number}")
    assert count_queries(fresh_request) == few == 1
    assert count_queries(lambda: areas_where(coordinator, VIEW_REPORTS)) == 0  # remembered for the request
    assert areas_where(coordinator, VIEW_REPORTS) == [area]
    assert len(areas_where(superuser, VIEW_REPORTS)) == Quartier.objects.count()
    assert areas_where(role_users["gwa"], VIEW_REPORTS) == [area]


def test_a_refused_request_keeps_the_years_versions_and_what_was_typed(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    draft = done_report(area, kind="entwurf", version=1)
    client.force_login(role_users["planung"])
    too_long = "Unser Jahr " + "x" * 20000
    refused = client.post(url("report_new", area), {"year": "2025", "intro": too_long})
    html = refused.content.decode()
    assert refused.status_code == 200 and "höchstens 20000 Zeichen" in html
    assert url("report_download", area, draft.pk) in html and "Noch kein Bericht für dieses Jahr." not in html
    assert "Unser Jahr" in html
    assert Report.objects.count() == 1


@pytest.mark.parametrize("year", ["²", "9" * 5000])
def test_a_year_of_odd_digits_shows_the_newest_year_not_an_error(
    client: Client, area: Quartier, role_users: dict[str, User], year: str
) -> None:
    """str.isdigit takes "²" and a number of 5,000 digits, int() neither: the list, the refused request and the
    overview were server errors (found by tests/test_fuzz_forms.py)."""
    client.force_login(role_users["koordination"])
    assert client.get(url("report_list", area) + f"?year={year}").status_code == 200
    refused = client.post(url("report_new", area), {"year": year, "kind": "entwurf"})
    assert refused.status_code == 200 and "Bitte eine ganze Zahl eingeben." in refused.content.decode()
    assert not Report.objects.exists()
    assert client.get(reverse("report_overview") + f"?year={year}").status_code == 200
