"""The project's PDF rendering: a Django template to HTML, and the HTML to PDF with WeasyPrint.

Every PDF (meeting minutes, the annual report, approval and rejection letters) is made by
:func:`render_pdf` from a template that extends ``pdf/base.html``, and so shares one stylesheet,
``static/pdf/pdf.css``: A4, the fonts shipped in ``static/pdf/fonts/``, the area's letterhead as a
running header, the title and "Page X of Y" in the footer.

Nothing is fetched over the network. The HTML's base URL is the directory of the static files
(found by the staticfiles finders in the source tree, else ``STATIC_ROOT`` after
``collectstatic``), so a template links ``pdf/pdf.css`` or an image by its path relative to it;
:class:`LocalFetcher` gives WeasyPrint files under that directory and ``data:`` URIs, and refuses
everything else. A resource that cannot be loaded, or a template error, raises: no PDF with a
missing stylesheet or another font.

Pictures are inline SVG. WeasyPrint styles an inline ``<svg>`` only by a ``<style>`` inside it, so
:func:`render_pdf` copies the charts' stylesheet ``static/pdf/charts.css`` into each one.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

from quartier.models import Quartier

# WeasyPrint logs each step of each PDF at INFO (its import, too), fontTools each font it reads: keep
# both to warnings, set before the import.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

#: The one stylesheet of the PDFs, as a path relative to the static root.
STYLESHEET = "pdf/pdf.css"
#: The stylesheet of the pictures, copied into every inline ``<svg>`` (see :func:`style_svgs`).
SVG_STYLESHEET = "pdf/charts.css"
_SVG_START = re.compile(r"<svg\b[^>]*>")


class PDFRenderingError(Exception):
    """The PDF could not be made, e.g. because a resource it needs could not be loaded."""


class RefusedURL(ValueError):
    """A URL the PDF rendering does not fetch."""


def static_root() -> Path:
    """The directory the PDFs' static files are read from.

    Where the staticfiles finders find the stylesheet (the project's ``static/`` directory in
    development, in tests and in the production image), else ``STATIC_ROOT`` (collected files).
    """
    found = finders.find(STYLESHEET)
    if found:
        return Path(found).resolve().parents[len(Path(STYLESHEET).parts) - 1]
    collected = Path(settings.STATIC_ROOT).resolve()
    if (collected / STYLESHEET).is_file():
        return collected
    raise ImproperlyConfigured(f"The PDF stylesheet {STYLESHEET} is neither in the static files nor in STATIC_ROOT.")


class LocalFetcher(URLFetcher):
    """Fetches only files under ``root`` and ``data:`` URIs; refuses every other URL, without
    touching the network. Any failure stops the rendering (``fail_on_errors``)."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"PDFs fetch no URL but static files and data: URIs, not {url!r}.")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"PDFs read no file but the static files under {self.root}, not {url!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def style_svgs(html: str, root: Path) -> str:
    """``html`` with the charts' stylesheet in a ``<style>`` at the start of every inline ``<svg>``: WeasyPrint
    applies the document's stylesheets to HTML only, and to an SVG only the styles inside it."""
    if "<svg" not in html:
        return html
    try:
        css = (root / SVG_STYLESHEET).read_text(encoding="utf-8")
    except OSError as error:
        raise PDFRenderingError(f"The charts' stylesheet {SVG_STYLESHEET} cannot be read: {error}") from error
    if "<" in css or "&" in css:  # inside an SVG the HTML parser would read them as markup
        raise PDFRenderingError(f"The charts' stylesheet {SVG_STYLESHEET} must hold no '<' and no '&'.")
    style = f"<style>{css}</style>"
    return _SVG_START.sub(lambda tag: tag.group(0) if tag.group(0).endswith("/>") else tag.group(0) + style, html)


def render_pdf(
    template_name: str,
    context: Mapping[str, object],
    *,
    title: str,
    author: str = "",
    lang: str = "de",
    area: Quartier | None = None,
) -> bytes:
    """Render ``template_name`` (which extends ``pdf/base.html``) with ``context`` to a PDF.

    ``title`` and ``author`` become the PDF's metadata (through ``<title>`` and
    ``<meta name="author">``) and the title also the page footer; ``lang`` is the language the
    template is rendered in and the PDF's language (``<html lang>``); ``area`` puts that area's
    letterhead (name, municipality, programme, office address) at the top of every page. The
    template gets ``pdf_title``, ``pdf_author``, ``pdf_lang`` and ``pdf_area`` besides ``context``.

    Raises the template's error if it cannot be rendered, and :class:`PDFRenderingError` if a
    resource (stylesheet, font, image) cannot be loaded. Returns the PDF (tagged, fonts embedded).
    """
    html = render_html(template_name, context, title=title, author=author, lang=lang, area=area)
    return html_to_pdf(html, name=template_name)


def render_html(
    template_name: str,
    context: Mapping[str, object],
    *,
    title: str,
    author: str = "",
    lang: str = "de",
    area: Quartier | None = None,
) -> str:
    """The HTML that :func:`render_pdf` gives WeasyPrint (charts already styled)."""
    with translation.override(lang):
        html = render_to_string(
            template_name,
            {**context, "pdf_title": title, "pdf_author": author, "pdf_lang": lang, "pdf_area": area},
        )
    return style_svgs(html, static_root())


def html_to_pdf(html: str, *, name: str = "document") -> bytes:
    """WeasyPrint alone: ``html`` (from :func:`render_html`) to a tagged PDF with the fonts embedded."""
    root = static_root()
    fetcher = LocalFetcher(root)
    try:
        document = HTML(string=html, base_url=f"{root.as_uri()}/", url_fetcher=fetcher)
        pdf = document.write_pdf(font_config=FontConfiguration(), pdf_tags=True)
    except FatalURLFetchingError as error:
        raise PDFRenderingError(f"{name}: {error} ({error.__cause__})") from error.__cause__
    if not pdf:
        raise PDFRenderingError(f"{name} gave an empty PDF.")
    return pdf
