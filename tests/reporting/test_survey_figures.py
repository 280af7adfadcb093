"""The annual report's surveys section: which surveys are the year's (the boundaries in Berlin time), the
questionnaires of the year and their key results, free texts counted and never quoted, its tables, the PDF, and a
fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from activation.models import Survey
from demo.factories import QuartierFactory
from quartier.models import Quartier
from reporting.figures import SECTIONS, gather, gather_section
from reporting.figures.surveys import SurveysSection
from reporting.rendering import render_pdf
from reporting.services import report_context
from tests.activation.test_survey_results import answer, make_survey
from tests.conftest import count_queries

YEAR = 2025
D = datetime.date


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` in Berlin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def survey_of(area: Quartier, title: str, *, opened: datetime.datetime | None, closed: datetime.datetime | None = None,
              closes_on: datetime.date | None = None, status: str = "geschlossen",
              days: tuple[tuple[datetime.date, dict[str, object]], ...] = ()) -> Survey:  # fmt: skip
    """A survey answered on ``days`` (each with the answer's values), then dated as the case needs."""
    survey = make_survey(area, title=title)
    for day, values in days:
        answer(survey, day=day, **values)  # type: ignore[arg-type]
    Survey.objects.filter(pk=survey.pk).update(opened_at=opened, closed_at=closed, closes_on=closes_on, status=status)
    return survey


@pytest.fixture
def area(db: None) -> Quartier:
    area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
    # Open all spring 2025: three questionnaires of the year (one on New Year's Eve 2024 does not count).
    survey_of(
        area, "Wohnumfeld 2025", opened=at(D(YEAR, 3, 1)), closed=at(D(YEAR, 4, 30)),
        days=(
            (D(YEAR - 1, 12, 31), {"single": "nein", "scale": 1}),
            (D(YEAR, 3, 2), {"single": "ja", "multiple": ("Bänke", "Licht"), "scale": 5, "number": "4",
                             "text": "Frau Müller aus Nr. 5 parkt immer auf dem Gehweg"}),
            (D(YEAR, 3, 9), {"single": "ja", "multiple": ("Bänke",), "scale": 4, "number": "2"}),
            (D(YEAR, 4, 30), {"single": "nein", "scale": 4, "text": "Mehr Licht"}),
        ),
    )  # fmt: skip
    # Opened late in 2024 and taking answers into the first days of 2025: the year's, with one questionnaire.
    survey_of(
        area, "Winterumfrage", opened=at(D(YEAR - 1, 11, 1)), closes_on=D(YEAR, 1, 15), status="offen",
        days=((D(YEAR - 1, 12, 31), {"scale": 2}), (D(YEAR, 1, 1), {"scale": 3, "single": "nein"})),
    )  # fmt: skip
    # Not the year's: closed at 23:59 on 31 December 2024, past its closing day before the year, opened at the first
    # moment of 2026, a draft, another area's.
    survey_of(area, "Geschlossen 2024", opened=at(D(YEAR - 1, 6, 1)), closed=at(D(YEAR - 1, 12, 31), 23, 59))
    survey_of(area, "Abgelaufen", opened=at(D(YEAR - 1, 6, 1)), closes_on=D(YEAR - 1, 12, 31), status="offen")
    survey_of(area, "Nächstes Jahr", opened=at(D(YEAR + 1, 1, 1), 0, 0), status="offen")
    survey_of(area, "Entwurf", opened=None, status="entwurf")
    survey_of(QuartierFactory(slug="nordstadt"), "Fremd", opened=at(D(YEAR, 3, 1)), status="offen",
              days=((D(YEAR, 3, 3), {"scale": 5}),))  # fmt: skip
    return area


def test_the_years_surveys_with_their_key_results(area: Quartier) -> None:
    section = gather_section("surveys", area, YEAR)
    assert isinstance(section, SurveysSection)
    assert [row.title for row in section.surveys] == ["Winterumfrage", "Wohnumfeld 2025"]
    winter, spring = section.surveys
    assert (winter.answers, spring.answers, section.answers) == (1, 3, 4)
    assert winter.opened == D(YEAR - 1, 11, 1) and winter.closed == D(YEAR, 1, 15)
    assert spring.opened == D(YEAR, 3, 1) and spring.closed == D(YEAR, 4, 30)
    single, multiple, scale, number, text = spring.results
    assert (single.leading, single.share, single.answered) == ("ja", Decimal("66.7"), 3)
    assert (multiple.leading, multiple.share, multiple.answered) == ("Bänke", Decimal("100.0"), 2)
    assert (scale.mean, scale.scale, scale.leading) == (Decimal("4.33"), "1–5", "")
    assert (number.mean, number.answered) == (Decimal("3.00"), 2)
    assert (text.answered, text.leading, text.text) == (2, "", True)
    assert winter.results[2].mean == Decimal("3.00")  # the questionnaire of 31 December 2024 does not count
    assert "Müller" not in repr(section) and "Mehr Licht" not in repr(section)  # free texts never quoted
    tables = section.tables()
    assert tables["umfragen"].rows == (
        ("Winterumfrage", Survey.Audience.PUBLIC.label, 1), ("Wohnumfeld 2025", Survey.Audience.PUBLIC.label, 3),
    )  # fmt: skip
    results = tables["umfragen-ergebnisse"]
    assert all(len(row) == len(results.headers) for row in results.rows) and len(results.rows) == 10
    assert ("Wohnumfeld 2025", "Wohnen Sie im Kiez?", single.kind_label, 3, "ja", Decimal("66.7"), None) in results.rows
    # The year before holds the New Year's Eve questionnaires and the survey closed at its last minute.
    before = gather_section("surveys", area, YEAR - 1)
    assert [(row.title, row.answers) for row in before.surveys] == [
        ("Geschlossen 2024", 0), ("Abgelaufen", 0), ("Winterumfrage", 1), ("Wohnumfeld 2025", 1),
    ]  # fmt: skip
    assert gather_section("surveys", area, YEAR + 1).surveys[0].title == "Nächstes Jahr"


def test_the_report_shows_the_section_and_downloads_its_tables(area: Quartier) -> None:
    from types import SimpleNamespace

    sections = gather(area, YEAR)
    assert {"umfragen", "umfragen-ergebnisse"} <= set(sections.tables())
    report = SimpleNamespace(
        year=YEAR, kind="entwurf", version=1, intro="", outlook="", requested_by=None, provisional=False,
        period_end=D(YEAR, 12, 31),
    )  # fmt: skip
    pdf = render_pdf("reporting/annual_report.html", report_context(report, sections), title="Bericht", author="")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    number = [key for key, _label in SECTIONS].index("surveys") + 1
    assert f"{number} Umfragen" in text and "Zwei Umfragen" not in text
    assert "Wohnumfeld 2025" in text and "„ja“: 66,7 %" in text
    assert "Mittelwert 4,33 (Skala 1–5)" in text and "Müller" not in text and "Mehr Licht" not in text


def test_the_section_takes_a_fixed_number_of_queries(area: Quartier, assert_constant_queries: Callable) -> None:
    other = QuartierFactory(slug="leer")
    assert count_queries(lambda: gather_section("surveys", other, YEAR)) == 1  # no survey: one query

    def grow() -> None:
        for number in range(3):
            days = tuple((D(YEAR, 5, 1 + day), {"scale": 1 + day % 5, "text": "x"}) for day in range(12))
            survey_of(area, f"Mehr {number}", opened=at(D(YEAR, 5, 1)), status="offen", days=days)

    count = assert_constant_queries(lambda: gather_section("surveys", area, YEAR), grow)
    assert count == 6 and len(gather_section("surveys", area, YEAR).surveys) == 5
