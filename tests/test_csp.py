"""The Content Security Policy: every page is sent with one that allows no inline script or style and no
source but this site (the browser tests fail on anything it blocks)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/konto/anmelden/", "/oeffentlich/gibtsnicht/fonds/", "/healthz"])
def test_every_response_carries_a_strict_policy(client: Client, url: str) -> None:
    directives = policy(client.get(url))
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'" and directives["style-src"] == "style-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in "".join(directives.values()) and "unsafe-eval" not in "".join(directives.values())


def test_the_pages_turn_off_htmx_inline_indicator_style(client: Client) -> None:
    html = client.get("/konto/anmelden/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html
    assert "<script>" not in html and 'style="' not in html
