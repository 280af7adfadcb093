"""The annual report as a PDF: the year's figures in German, contents with the right page numbers, metadata, the
provisional report's mark and charts drawn in the shipped font; the introduction first, long tables that repeat
their header and print their total once, no nearly empty pages, and tiny bars that carry their value."""

from __future__ import annotations

import datetime
import io
import re
import types
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from committees.models import Committee, Membership
from demo.factories import QuartierFactory
from fonds.models import Application, Fund
from quartier.models import Quartier, User
from reporting.figures import SECTIONS, gather, key_figures
from reporting.rendering import render_pdf
from reporting.services import report_context
from tests.reporting.dataset import YEAR, Dataset, build

TITLE = f"Jahresbericht {YEAR} – Kiez am Kanal"


def de(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


def german(amount: str) -> str:
    """``1234.5`` as German text with two places: ``1.234,50``."""
    return f"{Decimal(amount):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def pages_of(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def drawn(resources: DictionaryObject, fonts: set[str], streams: list[bytes]) -> None:
    """The fonts of ``resources`` and the content of its forms (XObjects), recursively."""
    for font in resources.get("/Font", {}).values():
        fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            streams.append(xobject.get_data())
            drawn(xobject.get("/Resources", DictionaryObject()), fonts, streams)


def report(**fields: object) -> types.SimpleNamespace:
    """What the build gives the template of a ``reporting.models.Report``: by default a version of the whole
    year, built after it ended."""
    defaults = {
        "year": YEAR, "kind": "entwurf", "version": 1, "intro": "", "outlook": "", "requested_by": None,
        "provisional": False, "period_end": datetime.date(YEAR, 12, 31),
    }  # fmt: skip
    created_at = timezone.make_aware(datetime.datetime(YEAR + 1, 1, 20, 10))
    return types.SimpleNamespace(**{**defaults, "created_at": created_at, **fields})


def render(area: Quartier, data: types.SimpleNamespace, author: str = "") -> bytes:
    sections = gather(area, data.year)
    context = report_context(data, sections)  # type: ignore[arg-type]  # a stand-in for a Report
    return render_pdf("reporting/annual_report.html", context, title=TITLE, author=author, area=area)


@pytest.fixture
def data(area: Quartier, other_area: Quartier, jury: Committee, jurors: list[Membership]) -> Dataset:
    return build(area, other_area, jury, jurors)


def test_the_provisional_report_has_the_figures_the_contents_and_the_mark(data: Dataset) -> None:
    requested_by: User = data.staff
    pdf = render(
        data.area,
        report(version=3, requested_by=requested_by, intro="Ein bewegtes Jahr am Kanal.",
               outlook="Im nächsten Jahr wird der Uferpark gebaut.", provisional=True,
               period_end=datetime.date(YEAR, 12, 31)),
        author=requested_by.get_display_name(),
    )  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == TITLE and reader.metadata.author == "Gül Weber"
    assert reader.trailer["/Root"]["/Lang"] == "de"
    pages = pages_of(reader)
    text = " ".join(pages)

    # The year's figures, in German format (worked out in test_figures from the same data).
    figures = key_figures(data.area, YEAR)
    for amount in ("7534.56", "1300.00", "12500.50", "3900.25"):  # approved, paid, ISEK planned and spent
        assert Decimal(amount) in figures.as_dict().values() and german(amount) in text, amount
    # a grant and a fund's committed money, paid back, remaining, the totals, a field of action
    for amount in ("1234.56", "50.00", "7515.44", "30000.00", "5800.00"):
        assert german(amount) in text, amount
    assert "Runder Tisch Ufer" in text and "Bücherschrank" in text and "Planung läuft, Werkstatt im April." in text
    assert "Ein bewegtes Jahr am Kanal." in text and "Im nächsten Jahr wird der Uferpark gebaut." in text
    assert "„ISEK 2024, Fortschreibung 2026“" in text  # the version read (the update's draft), named

    # The contents list the introduction and every section with the page it begins on.
    with translation.override("de"):
        sections = [(number, str(label)) for number, (_key, label) in enumerate(SECTIONS, start=1)]
    sections.append((len(SECTIONS) + 1, de("Outlook")))
    contents = pages[0]  # with the cover
    intro = re.search(re.escape(de("Introduction")) + r" \.+ (\d+)", contents)
    assert intro and int(intro.group(1)) == 2, contents
    starts = [2]
    for number, label in sections:
        heading = rf"(?<!\S){number} {re.escape(label)}(?!\w)"
        entry = re.search(heading + r" \.+ (\d+)", contents)
        assert entry, f"{number} {label} is not in the contents: {contents}"
        page = int(entry.group(1))
        body = heading + r"(?! \.)"  # the heading itself, not its entry in the contents
        first = next(index for index, page_text in enumerate(pages, start=1) if re.search(body, page_text))
        assert page == first, f"{label}: the contents say page {page}, it begins on page {first}"
        starts.append(page)
    assert starts == sorted(starts)  # in order
    lines = body_lines(reader)  # the sections follow one another: no page but the last is nearly empty
    assert all(len(page) > 6 for page in lines[:-1]), [len(page) for page in lines]
    assert f" {len(pages)}" in pages[-1]  # "page N of N" in the last footer

    # The office's introduction comes first: after the contents, before the first section; the outlook last.
    summary = re.search(rf"(?<!\S)1 {re.escape(sections[0][1])}(?!\w)(?! \.)", text)
    assert summary and "Ein bewegtes Jahr am Kanal." in text[: summary.start()]
    assert text.rindex("Im nächsten Jahr wird der Uferpark gebaut.") > text.rindex(de("Indicators"))

    # A provisional report says so: on its cover with the day its data was taken, and on every page.
    assert "Vorläufiger Bericht bis 31.12.2025" in pages[0]
    assert all(de("Provisional").upper() in page.upper() for page in pages)

    # The events of the year beside the year before: 6 events (3 more than in 2024), 203 participants counted at 4
    # of them, 2 without a count; the largest event first among the largest.
    assert "6 Veranstaltungen und Aktionen fanden im Jahr statt; 203 Teilnehmende wurden bei 4 davon gezählt" in text
    assert "Veranstaltung 1" in text and "+83" in text

    # Every picture is drawn (an inline SVG that fails to load would be left out without an error): contacts by
    # channel and by field, events by field and participants by target group, the funds' budgets, financing by
    # source and by year, a line per indicator. Their text is set in the shipped font like everything else, which it
    # is only with the charts' styles applied.
    fonts: set[str] = set()
    streams: list[bytes] = []
    for page in reader.pages:
        streams.append(page.get_contents().get_data())
        drawn(page["/Resources"], fonts, streams)
    assert sum(stream.count(b"/Figure") for stream in streams) == 2 + 2 + 1 + 1 + 1 + 2
    assert fonts and all(name.startswith("Source-Sans-3") for name in fonts), fonts


def test_a_report_of_the_whole_year_of_an_empty_area_has_no_mark_and_no_own_words(db: None) -> None:
    empty = QuartierFactory(slug="leer", name="Leeres Gebiet")
    pages = pages_of(PdfReader(io.BytesIO(render(empty, report()))))
    text = " ".join(pages)
    assert de("Provisional").upper() not in text.upper()
    assert "1. Januar bis 31. Dezember 2025" in pages[0]
    assert de("Introduction") not in text and de("Outlook") not in text
    assert re.search(rf"(?<!\S){len(SECTIONS)} " + re.escape(de("Indicators")) + r" \.+ \d+", pages[0])
    assert de("No events in the year or the year before.") in text
    assert de("This area has no ISEK yet.") in text


def body_lines(reader: PdfReader) -> list[list[str]]:
    """Each page's lines of text without the letterhead, the footer and a mark repeated on every page."""
    pages = [[line.strip() for line in page.extract_text().splitlines() if line.strip()] for page in reader.pages]
    everywhere = set.intersection(*(set(lines) for lines in pages))
    return [
        [line for line in lines if line not in everywhere and not re.fullmatch(r"Seite \d+ von \d+", line)]
        for lines in pages
    ]


def test_a_long_table_repeats_its_header_prints_its_total_once_and_no_page_is_nearly_empty(db: None) -> None:
    """70 approved applications: their table runs over several pages. A fund of a million with 700 € bound: the
    bar of what is bound is too small to see and carries its amount."""
    area = QuartierFactory(slug="lang", name="Lange Liste")
    fund = Fund.objects.create(
        area=area, name="Projektfonds", kind=Fund.Kind.PROJECT_FUND, year=YEAR, budget=Decimal("1000000.00")
    )
    Application.objects.bulk_create(
        Application(
            area=area,
            fund=fund,
            title=f"Projekt {number:03d}",
            status=Application.Status.APPROVED,
            approved_amount=Decimal("10.00"),
            total_costs=Decimal("10.00"),
            requested=Decimal("10.00"),
        )
        for number in range(1, 71)
    )
    intro = "Das Büro hat in diesem Jahr viel erreicht."
    reader = PdfReader(io.BytesIO(render(area, report(intro=intro, outlook="Weiter so."))))
    pages = pages_of(reader)
    text = " ".join(pages)

    # The introduction before the first section.
    assert text.index(intro) < re.search(r"(?<!\S)1 " + re.escape(de("Summary")) + r"(?! \.)", text).start()

    # The table of approved applications: on each page it runs over, its header row; its total once, at its end.
    header = " ".join(de(label) for label in ("Project", "Applicant", "Fields of action", "Approved amount"))
    spanned = [index for index, page in enumerate(pages) if re.search(r"Projekt 0\d\d", page)]
    assert len(spanned) >= 2, "the table should run over a page break"
    for index in spanned:
        assert header in pages[index], f"page {index + 1} continues the table without its header"
    total = f"{de('Total')} 700,00 €"
    assert text.count(total) == 1
    assert text.index(total) > text.index("Projekt 070")

    # No page but the last is nearly empty.
    lines = body_lines(reader)
    assert all(len(page) > 6 for page in lines[:-1]), [len(page) for page in lines]

    # The bound 700 € of a million is a sliver: its amount is written beside the bar.
    assert f"{de('committed')} 700,00 €" in text
