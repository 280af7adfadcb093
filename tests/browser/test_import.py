"""The import in the browser: upload a file with errors, read the checked rows, import the valid ones."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actors.models import Organisation
from demo.factories import user_with_role
from quartier.models import Role
from tests.browser.fixtures import german

pytestmark = pytest.mark.browser

CSV = "Name;PLZ;Im Gebiet\nKita Sonnenschein;12345;ja\nBolzplatz-Initiative;1234;nein\n;12345;ja\n"


def test_import_with_errors_imports_only_the_valid_rows(page, visit, navigates, browser_login, area, tmp_path):
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    table = tmp_path / "organisationen.csv"
    table.write_text(CSV, encoding="utf-8")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/import/")
    page.get_by_label(german("Organisations")).check()
    page.get_by_label(german("File (CSV or XLSX, at most 5 MB)")).set_input_files(str(table))
    with navigates(page):
        page.get_by_role("button", name=german("Check the file")).click()

    errors = page.get_by_role("region", name=german("Rows with errors (they will not be imported)"))
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors).to_contain_text(german("A German postcode has five digits."))
    assert not Organisation.objects.exists()

    with navigates(page):
        page.get_by_role("button", name="1 Zeile importieren").click()
    expect(page.get_by_role("status")).to_contain_text("1 Zeile importiert, 2 Zeilen nicht importiert")
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Kita Sonnenschein"]


def test_a_pdf_is_refused_with_a_message(page, visit, navigates, browser_login, area, tmp_path):
    office = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-user")
    fake = tmp_path / "liste.csv"
    fake.write_bytes(b"%PDF-1.7\n\x00\x01")
    browser_login(page, office)
    visit(page, f"/gebiet/{area.slug}/import/")
    page.get_by_label(german("Organisations")).check()
    page.get_by_label(german("File (CSV or XLSX, at most 5 MB)")).set_input_files(str(fake))
    with navigates(page):
        page.get_by_role("button", name=german("Check the file")).click()
    expect(page.get_by_text(german("The file is not a CSV or XLSX table."))).to_be_visible()
