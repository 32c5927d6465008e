"""Browser tests: a real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against
pytest-django's live server.

Without Chromium these tests are skipped, unless REQUIRE_BROWSER=1 is set (as in CI), in which
case they fail and say why. Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.factories import World, make_world

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an asyncio event loop in the test thread; Django would otherwise
# refuse ORM calls made from that thread (SynchronousOnlyOperation).
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
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent
PASSWORD = "demo12345"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected test, not only this folder's: mark ours alone.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (uv sync installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) for every test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def _plain_http_while_the_server_starts() -> Iterator[Any]:
    from django.test import override_settings

    override = override_settings(SECURE_SSL_REDIRECT=False)
    override.enable()
    try:
        yield override
    finally:
        if hasattr(override, "wrapped"):  # still enabled
            override.disable()


@pytest.fixture(scope="session")
def live_server(_plain_http_while_the_server_starts: Any, live_server: Any) -> Any:
    """pytest-django's live server, started over plain HTTP.

    Django's SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread builds its
    handler; the per-test override in tests/conftest.py comes too late for a session-scoped
    server, which would then redirect every request to https. So the setting is off while the
    server starts (the arguments above are set up in order) and restored at once."""
    _plain_http_while_the_server_starts.disable()
    connection = http.client.HTTPConnection(live_server.thread.host, live_server.thread.port)
    try:
        connection.request("GET", "/accounts/login/")
        response = connection.getresponse()
        location = response.getheader("Location") or ""
    finally:
        connection.close()
    if location.startswith("https:"):
        pytest.fail(
            "the live server redirects to https: it was started before the browser tests could"
            " turn SECURE_SSL_REDIRECT off (has another test started `live_server` earlier?)",
            pytrace=False,
        )
    return live_server


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    """The shared personas, committed so that the live server's thread sees them."""
    return make_world()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """`screenshot("name")` saves the whole page to test-artifacts/screenshots/name.png."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def submit_login(page: Page, live_server: Any, username: str, password: str) -> Any:
    """Fill the real sign-in form and submit it; returns the response of the form's POST."""
    if "/accounts/login/" not in page.url:
        page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    return navigation.value


def sign_in(page: Page, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and check that it worked."""
    page.goto(f"{live_server.url}/accounts/login/")
    submit_login(page, live_server, username, password)
    if "/accounts/login/" in page.url:
        raise AssertionError(f"signing in as {username!r} failed; still on {page.url}")
