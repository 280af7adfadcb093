"""Browser-test harness: Playwright (sync API) driving Debian's Chromium against ``live_server``.

Loaded for the whole suite as a pytest plugin (``pytest_plugins`` in
``tests/conftest.py``); nothing here is autouse, so tests that do not ask for
these fixtures are unaffected. Mark browser modules with
``pytestmark = pytest.mark.browser``.

Fixtures
--------
``browser`` (session)
    One headless Chromium from ``/usr/bin/chromium`` (never a Playwright
    download). When it is missing the tests are skipped with the hint
    "install Debian's chromium: make browser-deps" -- except when the
    environment variable ``CI`` is set: there they fail.
``page``
    A fresh browser context per test (own cookies), viewport 1280x800, locale
    de-DE, ``base_url`` = ``live_server.url``. Requesting it starts the live
    server, which makes the test use the transactional database.
``phone_page``
    The same for a phone: viewport 360x740, ``is_mobile``, ``has_touch``.
``visit(page, url_path, *, status=None)``
    Go to ``live_server.url + url_path``, assert the final response status
    (< 400 by default, or exactly ``status``, e.g. 404) and run the axe check.
    Returns the Playwright ``Response``.
``navigates(page, *, status=None)``
    Context manager for navigations the test triggers itself (a form
    submitted, a link clicked)::

        with navigates(page):
            page.get_by_role("button", name="Anmelden").click()

    It waits for the new document, asserts its status like ``visit`` and runs
    the axe check. ``.response`` holds the response afterwards.
``axe_check(page)``
    Run axe-core (tags wcag2a, wcag2aa, wcag21a, wcag21aa) on the current
    document and fail with rule id, impact, help and target selectors for each
    violation. ``visit`` and ``navigates`` call it; call it yourself only after
    content changes without a navigation (an htmx swap, an opened dialog).
``browser_login(page, user, password=PASSWORD)``
    Log in through the real login form (axe-checking the form and the page
    the login leads to) and assert the login worked.

Every page a browser test shows must be axe-checked, and nothing on it may be blocked by the Content
Security Policy (the harness listens to the console and fails the test otherwise). The harness enforces
this: it watches each page's main-frame navigations (new documents, and
``history.pushState`` URLs such as ``hx-push-url``; a change of the
``#fragment`` alone is ignored) and reports, after an otherwise passing test,
any that no ``axe_check`` followed.

``german(text)`` translates a msgid the way the server does (LANGUAGE_CODE
is "de"). Assert on it, or better on structure and data, rather than on
literal German while the project's catalogue is still being written.

Screenshots: with ``SCREENSHOTS=1`` every axe-checked page is also saved as a
full-page PNG under ``test-artifacts/browser/<test>/`` (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from demo.factories import PASSWORD

# The Playwright sync API runs an event loop in this thread; the ORM calls the
# tests make (factories) would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 360, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
TIMEOUT_MS = 10_000


def german(text: str | Promise) -> str:
    """``text`` (a msgid or a lazy translation) translated as the server translates it (German)."""
    with translation.override("de"):
        return str(text) if isinstance(text, Promise) else translation.gettext(text)


def _screenshots_wanted() -> bool:
    return os.environ.get("SCREENSHOTS", "") not in ("", "0")


# --- axe ------------------------------------------------------------------------


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact') or 'no impact'}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@dataclass
class AxeGuard:
    """Runs axe and remembers which navigations of which pages were checked."""

    test_name: str
    pending: dict[object, str] = field(default_factory=dict)
    last_url: dict[object, str] = field(default_factory=dict)
    unchecked: list[str] = field(default_factory=list)
    screenshots: int = 0
    blocked: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("framenavigated", lambda frame: self._navigated(page, frame))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message) -> None:
        """Anything the Content Security Policy blocked (an inline script or style, a foreign source)."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.blocked.append(f"{page.url}: {message.text}")

    def _navigated(self, page, frame) -> None:
        if frame != page.main_frame or not frame.url.startswith(("http://", "https://")):
            return
        url, _fragment = urldefrag(frame.url)
        last = self.last_url.get(page)
        self.last_url[page] = frame.url
        if last is not None:
            last_url, _ = urldefrag(last)
            if last_url == url:
                # Only the #fragment changed, or a script re-stated the same URL (htmx
                # records the first page in the history on load): the same document.
                return
        if page in self.pending:
            self.unchecked.append(self.pending[page])
        self.pending[page] = url

    def check(self, page) -> None:
        from axe_playwright_python.sync_playwright import Axe

        url = page.url
        result = Axe().run(page, options=AXE_OPTIONS)
        self.pending.pop(page, None)
        if _screenshots_wanted():
            self.screenshot(page)
        violations = result.response["violations"]
        if violations:
            pytest.fail(format_violations(url, violations), pytrace=False)

    def screenshot(self, page, name: str | None = None) -> Path:
        self.screenshots += 1
        if name is None:
            name = urlsplit(page.url).path.strip("/").replace("/", "_") or "root"
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = ARTIFACTS / self.test_name / f"{self.screenshots:02d}-{name}-{width}px.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        # caret="initial": Playwright would otherwise hide the caret with a style element the CSP rightly blocks.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path


_CALL_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_PASSED] = report.passed
    return report


@pytest.fixture
def _axe_guard(request: pytest.FixtureRequest) -> Iterator[AxeGuard]:
    guard = AxeGuard(test_name=re.sub(r"[^\w.-]+", "_", request.node.name).strip("_"))
    yield guard
    missed = guard.unchecked + list(guard.pending.values())
    if guard.blocked and request.node.stash.get(_CALL_PASSED, False):
        pytest.fail("The Content Security Policy blocked:\n" + "\n".join(guard.blocked), pytrace=False)
    if missed and request.node.stash.get(_CALL_PASSED, False):
        pytest.fail(
            "These pages were shown without an axe check (use visit(), navigates() or axe_check()):\n"
            + "\n".join(f"- {url}" for url in missed),
            pytrace=False,
        )


@pytest.fixture
def axe_check(_axe_guard: AxeGuard) -> Callable[..., None]:
    return _axe_guard.check


# --- browser and pages ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium: make browser-deps"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser tests must run: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def _browser_settings(settings) -> None:
    # Tests run with DEBUG off, where the manifest storage needs `collectstatic`
    # first; the live server serves static files through the finders anyway.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def new_page(browser, live_server, _browser_settings, _axe_guard: AxeGuard) -> Iterator[Callable[..., object]]:
    """Factory for more pages in one test: ``new_page(viewport=..., **context_options)``."""
    contexts = []

    def _new_page(**options: object):
        options = {"viewport": DESKTOP_VIEWPORT, "locale": "de-DE", "base_url": live_server.url, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        _axe_guard.watch(page)
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., object]):
    return new_page()


@pytest.fixture
def phone_page(new_page: Callable[..., object]):
    return new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)


# --- navigation helpers ----------------------------------------------------------------


def _assert_status(response, status: int | None, what: str) -> None:
    assert response is not None, f"{what}: no response (same-document navigation?)"
    if status is None:
        assert response.status < 400, f"{what}: HTTP {response.status} for {response.url}"
    else:
        assert response.status == status, f"{what}: HTTP {response.status} for {response.url}, expected {status}"


@pytest.fixture
def visit(live_server, axe_check: Callable[..., None]) -> Callable[..., object]:
    def _visit(page, url_path: str, *, status: int | None = None):
        response = page.goto(live_server.url + url_path)
        _assert_status(response, status, f"GET {url_path}")
        axe_check(page)
        return response

    return _visit


@dataclass
class Navigation:
    response: object | None = None


@pytest.fixture
def navigates(axe_check: Callable[..., None]) -> Callable[..., object]:
    @contextmanager
    def _navigates(page, *, status: int | None = None) -> Iterator[Navigation]:
        navigation = Navigation()
        with page.expect_navigation() as info:
            yield navigation
        navigation.response = info.value
        _assert_status(navigation.response, status, "navigation")
        axe_check(page)

    return _navigates


@pytest.fixture
def browser_login(visit: Callable[..., object], navigates: Callable[..., object]) -> Callable[..., None]:
    from quartier.forms import LoginForm

    def _login(page, user, password: str = PASSWORD) -> None:
        login_path = reverse("login")
        visit(page, login_path)
        page.get_by_label(german(LoginForm.base_fields["username"].label)).fill(user.username)
        page.get_by_label(german(LoginForm.base_fields["password"].label)).fill(password)
        with navigates(page):
            page.get_by_role("main").get_by_role("button", name=german("Log in"), exact=True).click()
        if urlsplit(page.url).path == login_path:
            errors = page.locator(".error-summary").all_inner_texts()
            pytest.fail(f"Login as {user.username!r} failed: {errors}", pytrace=False)

    return _login
