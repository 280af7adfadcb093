"""The ISEK's goals and indicators as downloads (issue #18): what the pages show, typed cells, constant queries."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from isek.models import Version
from quartier.models import Quartier, User
from tests.isek.fixtures import Grow


def test_the_goals_download_lists_each_overall_goal_and_its_goals_with_their_measures(
    client: Client, area: Quartier, role_users: dict[str, User], isek: Version
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(f"/gebiet/{area.slug}/isek/?version={isek.pk}&export=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="ziele-{area.slug}-{isek.pk}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ziele"]
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert values[0] == ["Leitziel", "Handlungsfeld", "Ziel", "Maßnahmen"]
    assert [row[2] for row in values[1:]] == [None, "Treffpunkte", "Grün am Kanal"]
    assert {row[0] for row in values[1:]} == {"Ein lebendiger Kiez für alle"}
    assert values[2][3] and values[2][3].startswith("M-")


def test_the_indicators_download_has_baseline_target_and_a_column_per_year(
    client: Client, area: Quartier, role_users: dict[str, User], isek: Version
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/isek/indikatoren/?version={isek.pk}&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Indikatoren"]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Handlungsfeld", "Indikator"]
    assert header[-4:] == ["Wert 2021", "Wert 2022", "Wert 2023", "Wert 2024"]
    assert sheet.max_row == 3
    first = {title: cell.value for title, cell in zip(header, sheet[2], strict=True)}
    assert first["Indikator"] == "Indikator 1" and first["Wert 2021"] == 11 and first["Wert 2024"] == 14
    csv_text = client.get(f"/gebiet/{area.slug}/isek/indikatoren/?version={isek.pk}&export=csv").content
    assert csv_text.decode("utf-8-sig").startswith("Handlungsfeld;Indikator;Einheit;")


def test_the_isek_downloads_read_in_constant_queries(
    client: Client, area: Quartier, role_users: dict[str, User], isek: Version, grow_isek: Grow,
    assert_constant_queries: object,
) -> None:  # fmt: skip
    client.force_login(role_users["planung"])
    for page in ("isek/", "isek/indikatoren/"):
        assert_constant_queries(  # type: ignore[operator]
            lambda page=page: client.get(f"/gebiet/{area.slug}/{page}?version={isek.pk}&export=xlsx"),
            lambda: grow_isek(3),
        )
