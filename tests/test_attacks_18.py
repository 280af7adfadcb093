"""Attacks on what issue #18 added: the pickers' search endpoints, the area history's filters, the release of the
final report, the dashboard's lists, the eligibility check on the juror page, the import and the typed XLSX
exports. One test per attack; the one defect found (a text starting with a control character and "=" became a
formula in the XLSX downloads) is fixed in ``quartier.exports`` and its test kept."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from actors.imports import FileRefused, read_table
from actors.models import Concern, Organisation, Person
from committees.models import Ballot
from committees.services.ballots import ballot_open
from demo.factories import ConcernFactory, FundFactory, MeasureFactory, VersionFactory, user_with_role
from fonds.models import Application, Fund, Payment, Status
from fonds.services.applications import application_assess, application_put_forward
from quartier.exports import table_response
from quartier.models import Quartier, Role, User
from quartier.services import role_grant
from reporting.models import Report
from tests.fonds.fixtures import make_application
from tests.fonds.test_eligibility_shown import in_review
from tests.reporting.test_release import version

# --- (1) the pickers' search endpoints ----------------------------------------------------------------------------


def _option_ids(response: object) -> set[int]:
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', response.content.decode())}  # type: ignore[attr-defined]


def test_picker_endpoints_never_offer_another_areas_records_even_as_kept_ids(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    mine = Person.objects.create(area=area, first_name="Erich", last_name="Kästner")
    theirs = Person.objects.create(area=other_area, first_name="Erich", last_name="Kästner", email="ek@example.org")
    their_org = Organisation.objects.create(area=other_area, name="Kita Nord")
    client.force_login(role_users["gwa"])
    persons = client.get(
        f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "kästner", "field": "p", "p": [theirs.pk]}
    )
    assert _option_ids(persons) == {mine.pk} and "ek@example.org" not in persons.content.decode()
    organisations = client.get(
        f"/gebiet/{area.slug}/auswahl/organisationen/", {"picker_q": "kita", "field": "o", "o": [their_org.pk]}
    )
    assert organisations.status_code == 200 and _option_ids(organisations) == set()


def test_picker_of_persons_refuses_roles_without_view_persons_and_other_areas(
    client: Client, area: Quartier, role_users: dict[str, User], outsider: User
) -> None:
    Person.objects.create(area=area, first_name="Ayşe", last_name="Demir", email="ayse@example.org")
    client.force_login(role_users["koordination"])
    refused = client.get(f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "demir"})
    assert refused.status_code == 403 and "ayse@example.org" not in refused.content.decode()
    client.force_login(outsider)
    assert client.get(f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "demir"}).status_code == 404


# --- (2) the area history's filters -------------------------------------------------------------------------------


def test_history_filter_with_another_areas_user_or_an_unoffered_kind_is_refused_not_widened(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], outsider: User
) -> None:
    client.force_login(outsider)
    Person.objects.create(area=other_area, first_name="Nora", last_name="Nordstädterin")  # audited in their area
    client.force_login(role_users["steuerung"])
    Person.objects.create(area=area, first_name="Karl", last_name="Kanal")
    for query in (f"actor={outsider.pk}", "kind=auth.user", "kind=auditlog.logentry", "actor=x"):
        response = client.get(f"/gebiet/{area.slug}/verlauf/?{query}")
        html = response.content.decode()
        assert response.status_code == 200, query
        assert "Diese Filter wurden nicht angewandt:" in html, query
        assert "Nordstädterin" not in html, query
    foreign = Person.objects.get(last_name="Nordstädterin")
    assert client.get(f"/gebiet/{area.slug}/verlauf/actors.person/{foreign.pk}/").status_code == 404


# --- (3) the release of the final report --------------------------------------------------------------------------


def test_release_of_another_areas_report_or_by_another_role_changes_nothing(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], outsider: User
) -> None:
    mine, theirs = version(area), version(other_area)
    client.force_login(role_users["steuerung"])
    assert client.post(f"/gebiet/{area.slug}/berichte/{theirs.pk}/freigeben/").status_code == 404
    client.force_login(outsider)  # Steuerung there, nothing here
    assert client.post(f"/gebiet/{area.slug}/berichte/{mine.pk}/freigeben/").status_code == 404
    client.force_login(role_users["koordination"])
    assert client.post(f"/gebiet/{area.slug}/berichte/{mine.pk}/freigeben/").status_code == 403
    assert set(Report.objects.values_list("kind", flat=True)) == {Report.Kind.DRAFT}


# --- (4) the dashboard's lists ------------------------------------------------------------------------------------


def test_dashboard_lists_nothing_of_another_area(client: Client, area: Quartier, other_area: Quartier) -> None:
    today = timezone.localdate()
    elsewhere = user_with_role(other_area, Role.GEMEINWESENARBEIT)
    fund = FundFactory(area=other_area, name="Nordfonds", year=today.year)
    application = make_application(fund, title="Fremdantrag Nord")
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    Payment.objects.create(
        application=application, amount=Decimal("77.00"), paid_on=today, method="bar",
        recorded_by=elsewhere, recorded_at=timezone.now(),
    )  # fmt: skip
    ConcernFactory(area=other_area, status=Concern.Status.FORWARDED, forwarded_to="Fremdamt", text="Fremdanliegen")
    version(other_area, year=today.year - 1)
    Report.objects.filter(area=other_area).update(finished_at=timezone.now())
    # One person with every role here (and none there): sees none of it.
    everyone = user_with_role(area, Role.STEUERUNG)
    for role in (Role.GEMEINWESENARBEIT, Role.PLANUNG, Role.KOORDINATION):
        role_grant(user=everyone, area=area, role=role, by=None)
    client.force_login(everyone)
    html = client.get(f"/gebiet/{area.slug}/").content.decode()
    for leak in ("Fremdantrag Nord", "Nordfonds", "77,00", "Fremdanliegen", other_area.name):
        assert leak not in html, leak


# --- (5) the juror page -------------------------------------------------------------------------------------------


def test_juror_page_with_the_eligibility_check_shows_no_applicant_contact_data(
    client: Client, aktionsfonds: Fund, jurors: list, staff: dict
) -> None:
    applicant = Person.objects.create(
        area=aktionsfonds.area, first_name="Aylin", last_name="Yıldız", email="aylin@example.org",
        phone="0170 1234567", address="Uferweg 3\n12345 Beispielstadt",
    )  # fmt: skip
    application = in_review(aktionsfonds, staff, person=applicant, costs=("800.00",))
    checks = {criterion.pk: (True, "") for criterion in aktionsfonds.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee, title="Umlauf", deadline=timezone.now() + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot_open(ballot=ballot, by=staff["gwa"])
    client.force_login(jurors[0].user)
    html = client.get(f"/abstimmungen/{ballot.pk}/antraege/{application.pk}/").content.decode()
    assert 'id="eligibility"' in html and "Aylin Yıldız" in html
    for contact in ("aylin@example.org", "0170 1234567", "Uferweg", "12345", staff["gwa"].email):
        assert contact not in html, contact


# --- (6) the import -----------------------------------------------------------------------------------------------


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_reads_formulas_and_odd_cell_types_as_text_and_refuses_garbage() -> None:
    rows = read_table(_xlsx([["Name", "Zahl"], ['=HYPERLINK("http://x")', 3.5], [True, datetime.date(2026, 1, 2)]]))
    assert all(isinstance(cell, str) for row in rows for cell in row)
    for garbage in (b"PK\x03\x04not a zip", b"\x00\x01\x02" * 100, b"   \n  ", b"Name\n"):
        try:
            read_table(garbage)
        except FileRefused as refusal:
            assert str(refusal)  # a message, in the language active
        else:
            raise AssertionError(garbage)


def test_import_upload_of_a_hostile_file_is_refused_in_german_and_writes_nothing(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    before = Organisation.objects.count()
    upload = SimpleUploadedFile("x.xlsx", b"PK\x03\x04" + b"\xff" * 500)
    response = client.post(f"/gebiet/{area.slug}/import/", {"kind": "organisations", "file": upload})
    assert response.status_code == 200
    assert "Bitte korrigieren Sie die markierten Felder." in response.content.decode()
    assert Organisation.objects.count() == before


# --- (7) formula injection in the XLSX exports --------------------------------------------------------------------


def test_xlsx_export_never_writes_a_formula_even_behind_a_control_character() -> None:
    hostile = ["=1+1", '\x01=HYPERLINK("http://evil.example","x")', "\x1f\x02@SUM(A1)", "+49 30 1234", "-5"]
    response = table_response(filename="x", title="T", headers=["A"], rows=[[text] for text in hostile], fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(hostile)
    assert all(str(cell.value).startswith("'") for cell in cells)
    csv_rows = [["=1+1"], ["\x01=HYPERLINK(1)"]]
    csv_text = table_response(filename="x", title="T", headers=["A"], rows=csv_rows, fmt="csv").content.decode()
    assert "'=1+1" in csv_text and "'\x01=HYPERLINK(1)" in csv_text  # the CSV too, behind a control character


# --- the ISEK comparison ------------------------------------------------------------------------------------------


def test_isek_comparison_with_another_areas_version_ids_shows_none_of_their_measures(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    mine_old, mine_new = VersionFactory(area=area), VersionFactory(area=area)
    theirs = VersionFactory(area=other_area)
    MeasureFactory(version=theirs, title="Fremdmaßnahme Nord")
    client.force_login(role_users["planung"])
    for query in (f"old={theirs.pk}&new={mine_new.pk}", f"old={mine_old.pk}&new={theirs.pk}", "old=x&new=²"):
        response = client.get(f"/gebiet/{area.slug}/isek/vergleich/?{query}")
        assert response.status_code in (200, 404), query
        assert "Fremdmaßnahme Nord" not in response.content.decode(), query
