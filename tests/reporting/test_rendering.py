"""The PDF rendering service: metadata, letterhead, page numbers, the shipped font, no network, loud errors."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from quartier.models import Quartier
from reporting.rendering import LocalFetcher, PDFRenderingError, RefusedURL, render_pdf, static_root, style_svgs

PAGE_OF = "Page %(number)s of %(count)s"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def font_names(pdf: bytes) -> set[str]:
    """The names of the fonts the pages use, without the subset prefix (``ABCDEF+``)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def embedded_fonts(pdf: bytes) -> list[tuple[str, float]]:
    """The PostScript name and revision of each font program embedded in the PDF (read with fontTools)."""
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = descendant["/FontDescriptor"].get_object()
                data = next(descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor)
                program = TTFont(io.BytesIO(data.get_object().get_data()))
                fonts.append((program["name"].getDebugName(6), program["head"].fontRevision))
    return fonts


def shipped_fonts() -> set[tuple[str, float]]:
    folder = static_root() / "pdf" / "fonts"
    assert (folder / "LICENSE.md").is_file()
    return {
        (font["name"].getDebugName(6), font["head"].fontRevision)
        for font in (TTFont(path) for path in folder.glob("*.ttf"))
    }


@pytest.fixture
def pdf_templates(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A template directory of the test's own, searched first."""
    folder = tmp_path / "templates"
    (folder / "test_pdf").mkdir(parents=True)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def write(folder: Path, name: str, text: str) -> str:
    (folder / "test_pdf" / name).write_text(text, encoding="utf-8")
    return f"test_pdf/{name}"


LONG = """{% extends "pdf/base.html" %}{% block content %}<h1>Jahresbericht 2026</h1>
{% for n in paragraphs %}<p>Absatz {{ n }}: Ayşe Demir und Łukasz Nowak übergeben dem Stadtteilbüro die Ergebnisse
der Bürgerwerkstatt zum Uferpark; die Straße wird im Herbst umgebaut.</p>{% endfor %}{% endblock %}"""


def test_the_pdf_has_its_metadata_letterhead_and_page_numbers(pdf_templates: Path, area: Quartier) -> None:
    template = write(pdf_templates, "long.html", LONG)
    pdf = render_pdf(
        template,
        {"paragraphs": range(120)},
        title="Jahresbericht 2026",
        author="Stadtteilbüro Kiez am Kanal",
        area=area,
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Jahresbericht 2026"
    assert reader.metadata.author == "Stadtteilbüro Kiez am Kanal"
    assert reader.trailer["/Root"]["/Lang"] == "de"
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    with translation.override("de"):
        for number, text in enumerate(pages, start=1):
            assert translation.gettext(PAGE_OF) % {"number": number, "count": len(pages)} in text
            assert "Kiez am Kanal" in text and "Uferstraße 12" in text and "12345 Beispielstadt" in text
            assert "Jahresbericht 2026" in text  # the title in the footer
    assert "Ayşe Demir" in pages[0] and "Łukasz Nowak" in pages[0]


def test_the_text_is_set_in_the_shipped_font_and_embedded(pdf_templates: Path, area: Quartier) -> None:
    template = write(
        pdf_templates,
        "font.html",
        '{% extends "pdf/base.html" %}{% block content %}<h1>Schrift</h1><p>Normal, <em>kursiv</em>, '
        "<strong>halbfett</strong> und <b>fett</b>: Ayşe, Łukasz, Öztürk, Straße.</p>{% endblock %}",
    )
    pdf = render_pdf(template, {}, title="Schrift", area=area)
    names = font_names(pdf)
    assert names and all(name.startswith("Source-Sans-3") for name in names), names  # no fallback font
    embedded = embedded_fonts(pdf)
    assert len(embedded) == len(names)  # every font carries its glyphs
    assert {name for name, _revision in embedded} == {
        "SourceSans3-Regular",
        "SourceSans3-It",
        "SourceSans3-Semibold",
        "SourceSans3-Bold",
    }
    assert set(embedded) <= shipped_fonts()  # the very files in static/pdf/fonts/, not a system font


def test_the_fetcher_reads_static_files_and_data_uris_only(tmp_path: Path) -> None:
    fetcher = LocalFetcher(static_root())
    stylesheet = fetcher.fetch((static_root() / "pdf" / "pdf.css").as_uri())
    assert stylesheet.content_type == "text/css" and b"@font-face" in stylesheet.read()
    assert fetcher.fetch("data:text/plain;base64,SGFsbG8=").read() == b"Hallo"
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1:9/logo.png",
        "ftp://example.org/logo.png",
        "//example.org/logo.png",
        secret.as_uri(),
        (static_root() / ".." / ".." / "etc" / "passwd").as_uri(),
        "file://example.org/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_a_remote_resource_stops_the_rendering_without_network(
    pdf_templates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def no_network(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    template = write(
        pdf_templates,
        "remote.html",
        '{% extends "pdf/base.html" %}{% block content %}<img src="https://example.org/logo.png" alt="">{% endblock %}',
    )
    with pytest.raises(PDFRenderingError, match=r"example\.org"):
        render_pdf(template, {}, title="Fern")
    assert attempts == []


def test_a_template_error_is_an_error_not_an_empty_pdf(pdf_templates: Path) -> None:
    broken = write(
        pdf_templates, "broken.html", '{% extends "pdf/base.html" %}{% block content %}{% if %}{% endblock %}'
    )
    with pytest.raises(TemplateSyntaxError):
        render_pdf(broken, {}, title="Kaputt")
    with pytest.raises(TemplateDoesNotExist):
        render_pdf("test_pdf/missing.html", {}, title="Fehlt")
    no_stylesheet = write(
        pdf_templates,
        "no_stylesheet.html",
        '{% extends "pdf/base.html" %}{% block head %}<link rel="stylesheet" href="pdf/missing.css">{% endblock %}',
    )
    with pytest.raises(PDFRenderingError, match=r"missing\.css"):
        render_pdf(no_stylesheet, {}, title="Ohne")


def test_collected_static_files_serve_when_the_source_is_absent(
    pdf_templates: Path, settings: pytest.FixtureRequest, tmp_path: Path, area: Quartier
) -> None:
    """Production after collectstatic (hashed names and all): the stylesheet and fonts come from STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.STATICFILES_DIRS = []
    assert static_root() == (tmp_path / "collected").resolve()
    template = write(pdf_templates, "collected.html", LONG)
    pdf = render_pdf(template, {"paragraphs": range(2)}, title="Gesammelt", area=area)
    assert set(embedded_fonts(pdf)) <= shipped_fonts()


CHART = """{% extends "pdf/base.html" %}{% block content %}<p>Bild</p>
<svg viewBox="0 0 100 20" width="100" height="20"><rect class="budget-chart__committed" width="50" height="10"/>
<text x="0" y="18">Ufer</text></svg>{% endblock %}"""


def test_inline_svg_is_drawn_with_the_charts_styles_in_the_shipped_font(pdf_templates: Path, area: Quartier) -> None:
    """WeasyPrint styles an inline SVG only by the styles inside it: render_pdf puts static/pdf/charts.css there."""
    pdf = render_pdf(write(pdf_templates, "chart.html", CHART), {}, title="Bild", area=area)
    drawn = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b"/Figure" in drawn and b"0.498039 0.721569 0.643137 rg" in drawn  # the fill of .budget-chart__committed
    names = font_names(pdf)
    assert names and all(name.startswith("Source-Sans-3") for name in names), names  # the SVG's text, too


def test_a_charts_stylesheet_the_html_parser_would_break_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "charts.css").write_text("/* an <svg> in a comment */ .a { fill: red; }")
    with pytest.raises(PDFRenderingError, match="no '<'"):
        style_svgs('<p>x</p><svg viewBox="0 0 1 1"></svg>', tmp_path)
    assert style_svgs("<p>no picture</p>", tmp_path) == "<p>no picture</p>"
