"""Two outside checkers over a crawl of the demo, as every role.

The demo is seeded (`seed_demo`), then each role signs in and follows the same-origin links from
its home page, breadth first, to every page it can reach (bounded; downloads, the Django admin and
signing out are skipped). On every page:

- axe-core, injected into the page, checks WCAG 2.1 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa);
- the page's HTML, as served, is kept for the Nu HTML Checker (vnu.jar), run once over all pages
  at the end, as Java is slow to start.

Both come from npm (`npm ci` installs them, see package.json); the checker needs Java. Any
violation, any HTML error, and any link that answers with an error fails the test, which lists
them. Without node_modules or Java the test is skipped, unless REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection

from tests.browser.conftest import PROJECT_ROOT, TIMEOUT_MS, _unavailable, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NODE_MODULES = PROJECT_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Who signs in (None: nobody) and in which language, by the demo's accounts: unit 1 heads the
# Party block this year; unit 5 is a member (unit 4 merged into unit 3 in 2025, its people hold
# no role since). Vietnamese is the default; one role reads every page in English too.
ROLES: dict[str, tuple[str | None, str]] = {
    "public": (None, "vi"),
    "head unit leader": ("lanhdao1", "vi"),
    "head unit officer": ("canbo1", "vi"),
    "unit leader": ("lanhdao5", "vi"),
    "unit officer": ("canbo5", "vi"),
    "council staff": ("bantdkt", "vi"),
    "council member": ("hoidong1", "vi"),
    "site admin": ("admin", "vi"),
    "head unit leader, in English": ("lanhdao1", "en"),
}
PAGES_PER_ROLE = 150
PER_KIND = 2
# Paths never followed: signing out ends the crawl, the admin is Django's own, the rest are files.
SKIPPED_PREFIXES = ("/accounts/logout/", "/admin/", "/static/", "/media/", "/language/")
SKIPPED_SUFFIXES = (".pdf", ".xlsx", ".csv", ".zip", ".docx", ".png", ".jpg", ".ico")


@dataclass
class Visit:
    role: str
    url: str
    status: int
    html: str
    violations: list[dict[str, Any]] = field(default_factory=list)


def followed(href: str, origin: str) -> str | None:
    """The path (and query) a link leads to, if the crawl follows it."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(SKIPPED_SUFFIXES):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def run_axe(page: Page) -> list[dict[str, Any]]:
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(results["violations"])


def kind(path: str) -> str:
    """Which page a path shows, whatever the object: `/sheets/12/?sort=code` is `/sheets/N/`."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def crawl(page: Page, origin: str, role: str, limit: int = PAGES_PER_ROLE) -> list[Visit]:
    """The pages reachable by links from the home page, breadth first: each kind of page at most
    `PER_KIND` times (one object of this year and one of last year, as a rule), a link's first
    query string only."""
    from playwright.sync_api import Error as PlaywrightError

    queue = deque(["/"])
    seen = {"/"}
    kinds: Counter[str] = Counter()
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        target = queue.popleft()
        try:
            response = page.goto(origin + target, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        visits.append(Visit(role, page.url, response.status, response.text(), run_axe(page)))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            path = followed(href, origin)
            if path is None:
                continue
            key = path.split("?")[0]
            if key not in seen and kinds[kind(key)] < PER_KIND:
                seen.add(key)
                kinds[kind(key)] += 1
                queue.append(path)
    return visits


def run_vnu(visits: list[Visit], folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The Nu HTML Checker's errors, by the crawled page's URL, in one run of the checker."""
    files: dict[str, Visit] = {}
    for number, visit in enumerate(visits):
        path = folder / f"page-{number:04d}.html"
        path.write_text(visit.html, encoding="utf-8")
        files[path.name] = visit
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--stdout",
            *map(str, sorted(folder.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        checked = files.get(Path(urlsplit(url).path).name)
        label = f"{checked.role} {checked.url}" if checked else url
        errors.setdefault(label, []).append(message)
    return errors


def axe_report(visits: Iterable[Visit]) -> list[str]:
    lines = []
    for visit in visits:
        for violation in visit.violations:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            lines.append(
                f"{visit.role} {visit.url}: {violation['id']} ({len(violation['nodes'])} nodes)"
                f" {targets}"
            )
    return lines


def vnu_report(errors: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [
        f"{label}: line {message.get('lastLine')}: {message.get('message')}"
        f" [{message.get('extract', '').strip()[:80]}]"
        for label, messages in errors.items()
        for message in messages
    ]


def check_all_roles(
    browser: Browser, origin: str, folder: Path
) -> tuple[dict[str, int], list[str], list[str], list[str]]:
    """Pages crawled per role, then the axe violations, the HTML errors and the error pages."""
    visits: list[Visit] = []
    counts: dict[str, int] = {}
    for role, (username, language) in ROLES.items():
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="vi-VN", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        # In every page before its own scripts: injecting it after each load takes longer.
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        try:
            if username is not None:
                sign_in(page, _Origin(origin), username)
            if language != "vi":
                with page.expect_navigation():
                    page.click(f"form.language-switch button[value={language}]")
            found = crawl(page, origin, role)
        finally:
            context.close()
        counts[role] = len(found)
        visits += found
    broken = [f"{v.role} {v.url}: HTTP {v.status}" for v in visits if v.status >= 400]
    return counts, axe_report(visits), vnu_report(run_vnu(visits, folder)), broken


class _Origin:
    """What `sign_in` reads of pytest-django's live server: its URL."""

    def __init__(self, url: str) -> None:
        self.url = url


def _require_tools() -> None:
    if not AXE.exists() or not VNU.exists():
        _unavailable("node_modules lacks axe-core or vnu-jar (npm ci installs them)")
    if shutil.which("java") is None:
        _unavailable("java not found (apt-get install default-jre-headless)")


def test_every_page_of_the_demo_passes_axe_and_the_nu_html_checker_for_every_role(
    transactional_db: None, live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the markup does not depend on the database: checked once, on SQLite")
    _require_tools()
    started = time.monotonic()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    seeded = time.monotonic()
    counts, violations, html_errors, broken = check_all_roles(browser, live_server.url, tmp_path)
    print(
        f"seeded in {seeded - started:.1f}s; crawled {sum(counts.values())} pages"
        f" in {time.monotonic() - seeded:.1f}s: {counts}"
    )
    # Signed in, each role reaches far more than its home page (the public, the sign-in pages).
    assert all(counts[role] >= 20 for role, (user, _) in ROLES.items() if user), counts
    assert not broken, "links that answer with an error:\n" + "\n".join(broken)
    assert not violations, f"{len(violations)} axe-core violations:\n" + "\n".join(violations)
    assert not html_errors, f"{len(html_errors)} HTML errors:\n" + "\n".join(html_errors)


def test_both_checkers_report_the_faults_they_are_shown(browser: Browser, tmp_path: Path) -> None:
    """The crawl's zero means something: grey text on grey and a label on a bare icon are found."""
    _require_tools()
    faulty = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Faults</title></head>'
        "<body><main><h1>Faults</h1><h3>Skipped a level</h3>"
        '<p style="color: #999; background: #eee">Grey on grey</p>'
        '<i class="bi bi-check" aria-label="done"></i></main></body></html>'
    )
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        page.set_content(faulty)
        found = {violation["id"] for violation in run_axe(page)}
    finally:
        context.close()
    assert {"color-contrast", "aria-prohibited-attr"} <= found

    errors = run_vnu([Visit("test", "/faults/", 200, faulty)], tmp_path)
    messages = [message["message"] for message in errors["test /faults/"]]
    assert any("skipping 1 heading level" in message for message in messages)
    assert any("aria-label" in message for message in messages)


def test_the_voting_core_pages_pass_axe_and_the_nu_html_checker(
    transactional_db: None, live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    """The crawl reaches the counting board's pages only in the states the demo happens to hold:
    here each is visited in the state that shows it (a board being named, a code before and
    after it is shown, the count with its fields and with an error, declaring void, holding a
    void vote again), for a block's ballot and a council session."""
    from django.urls import reverse

    from awards.services import ballots, sessions
    from tests import counting
    from tests.factories import make_ballot, make_council_members, make_leaders, make_world

    if connection.vendor != "sqlite":
        pytest.skip("the markup does not depend on the database: checked once, on SQLite")
    _require_tools()
    world = make_world()
    make_leaders(world)
    make_council_members(world, 2)
    void = make_ballot(world, kind="acclaim")
    void = ballots.close_ballot(void, by=world.secretariat)  # nobody voted: void
    preparing = ballots.rerun_ballot(void, by=world.secretariat, reason="Closed too early.")
    counted = make_ballot(world)  # a nomination ballot, open, its board seated
    for leader in make_leaders(world):
        ballots.cast_vote(
            counted, by=leader, choices={c.pk: True for c in counted.candidates.all()}
        )
    ballots.close_ballot(counted, by=world.secretariat)  # waits for its count
    session = sessions.create_session(
        world.authority,
        by=world.staff,
        year=world.block_year.year,
        title="Phiên họp Hội đồng",
        held_on=datetime.date.today(),
    )
    assert preparing.box and session.box and counted.box
    teller = preparing.box.tellers.select_related("user").order_by("position").first()
    session_teller = session.box.tellers.select_related("user").order_by("position").first()
    assert teller is not None and session_teller is not None
    assert counted.box.tellers.filter(user=teller.user).exists()
    pages = {
        "secretariat": [
            reverse("awards:ballot_board", args=[preparing.pk]),
            reverse("awards:ballot_count", args=[counted.pk]),
            reverse("awards:ballot_void", args=[counted.pk]),
            reverse("awards:ballot_rerun", args=[void.pk]),
            void.get_absolute_url(),
            counted.get_absolute_url(),
        ],
        "staff": [
            reverse("awards:session_board", args=[session.pk]),
            reverse("awards:session_count", args=[session.pk]),
            reverse("awards:session_void", args=[session.pk]),
            reverse("awards:session_rerun", args=[session.pk]),
        ],
        teller.user.username: [
            preparing.get_absolute_url(),
            reverse("awards:ballot_code", args=[preparing.pk]),
            reverse("awards:ballot_count", args=[counted.pk]),
        ],
        session_teller.user.username: [
            session.get_absolute_url(),
            reverse("awards:session_code", args=[session.pk]),
        ],
    }
    visits: list[Visit] = []
    for username, paths in pages.items():
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="vi-VN", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        try:
            sign_in(page, _Origin(live_server.url), username)
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response is not None
                visits.append(
                    Visit(username, path, response.status, response.text(), run_axe(page))
                )
                if path.endswith("/code/"):  # the code, shown once
                    with page.expect_navigation() as shown:
                        page.locator("main form button[type=submit]").click()
                    page.wait_for_selector("#teller-code")
                    html = shown.value.text() if shown.value else page.content()
                    visits.append(Visit(username, f"{path} (shown)", 200, html, run_axe(page)))
                if path == reverse("awards:ballot_count", args=[counted.pk]):  # refused
                    # One teller's code alone: the box needs two.
                    page.fill("input[name=code_1]", counting.CODES[counted.box_id][0])
                    with page.expect_navigation() as refused:
                        page.locator("main form button[type=submit]").click()
                    page.wait_for_selector("main .alert-danger")
                    html = refused.value.text() if refused.value else page.content()
                    visits.append(Visit(username, f"{path} (refused)", 200, html, run_axe(page)))
        finally:
            context.close()
    assert len(visits) == 19, [v.url for v in visits]
    broken = [f"{v.role} {v.url}: HTTP {v.status}" for v in visits if v.status >= 400]
    assert not broken, broken
    violations = axe_report(visits)
    assert not violations, "\n".join(violations)
    html_errors = vnu_report(run_vnu(visits, tmp_path))
    assert not html_errors, "\n".join(html_errors)
    counted.refresh_from_db()
    assert counted.status == "counting"  # one code was refused
