"""``manage.py build_annual_report``: the same PDF without the web, and its refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from quartier.models import Quartier
from reporting.models import Report

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_report_and_stores_nothing(area: Quartier, tmp_path: Path) -> None:
    target = tmp_path / "bericht.pdf"
    call_command("build_annual_report", area=area.slug, year=2025, output=str(target), intro="Rückblick 2025")
    reader = PdfReader(target)
    assert reader.metadata.title.startswith("Jahresbericht 2025")
    assert "Rückblick 2025" in "".join(page.extract_text() for page in reader.pages)
    assert not Report.objects.exists() and not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"area": "gibtsnicht", "year": 2025}, "No area"),
        ({"year": 2999}, "The year must lie between"),
        ({"year": 2025, "output": "/nonexistent/dir/x.pdf"}, "does not exist"),
    ],
)
def test_the_command_refuses_what_it_cannot_build(
    area: Quartier, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    arguments = {"area": area.slug, "output": str(tmp_path / "x.pdf"), **options}
    with pytest.raises(CommandError, match=message):
        call_command("build_annual_report", **arguments)
    assert not (tmp_path / "x.pdf").exists()
