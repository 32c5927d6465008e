"""The pages measured, by name, each as the person who would open it.

A page that lands later joins `PAGES` with a role and a path built from the `Cast`; the pages
the issue names whose apps are not written yet are listed in `PENDING_PAGES` and reported as
not available.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from emulation.benchmark.data import SEARCH_TEXT, BenchmarkError, Cast

ANONYMOUS = "anonymous"
BASELINE = "baseline"


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # a key of Cast.users, or ANONYMOUS
    path: Callable[[Cast], str]
    what: str


PAGES = [
    Page(BASELINE, "leader", lambda c: reverse("password_change_done"),
         "a trivial signed-in page (the baseline)"),
    Page("home", "leader", lambda c: reverse("home"), "home page of a unit leader"),
    Page("home_staff", "staff", lambda c: reverse("home"), "home page of council staff"),
    Page("block_list", "staff", lambda c: reverse("blocks:block_list"), "blocks list"),
    Page("block_list_admin", "admin", lambda c: reverse("blocks:block_list"),
         "blocks list, every block (site administrator)"),
    Page("blockyear_dashboard", "staff",
         lambda c: reverse("blocks:blockyear_detail", args=[c.block_year.pk]),
         "block-year dashboard"),
    Page("unit_list", "staff", lambda c: reverse("blocks:unit_list"), "unit list"),
    Page("unit_list_admin", "admin", lambda c: reverse("blocks:unit_list"),
         "unit list, every unit (site administrator)"),
    Page("unit_search", "staff",
         lambda c: reverse("blocks:unit_list") + "?q=" + SEARCH_TEXT.replace(" ", "+"),
         "unit list searched by name"),
    Page("unit_detail", "staff", lambda c: reverse("blocks:unit_detail", args=[c.unit.pk]),
         "unit page"),
    Page("document", "secretariat",
         lambda c: reverse("covenants:document_detail", args=[c.covenant.pk]),
         "covenant page (open for signing)"),
    Page("signing_progress", "secretariat",
         lambda c: reverse("covenants:signing_progress", args=[c.in_force.pk]),
         "signing progress (every unit signed)"),
    Page("covenant_sign", "leader",
         lambda c: reverse("covenants:covenant_sign", args=[c.covenant.pk]),
         "covenant sign page"),
    Page("verify", ANONYMOUS, lambda c: reverse("verify", args=[c.issued.code]),
         "verification page of the issued PDF"),
    Page("covenant_pdf", "leader",
         lambda c: reverse("covenants:covenant_pdf", args=[c.in_force.pk]),
         "issued covenant PDF download"),
    Page("scoring_sheet", "officer",
         lambda c: reverse("scoring:sheet_detail", args=[c.sheet.pk]),
         "scoring sheet, a draft being filled in (51 scored rows)"),
    Page("review", "reviewer",
         lambda c: reverse("scoring:sheet_review", args=[c.review_sheet.pk]),
         "review page of a submitted sheet"),
    Page("ranking", "leader",
         lambda c: reverse("scoring:ranking_detail", args=[c.last_year.pk]),
         "last year's published ranking"),
    Page("ranking_live", "reviewer",
         lambda c: reverse("scoring:ranking_detail", args=[c.scoring_year.pk]),
         "this year's ranking, computed in SQL while sheets are open"),
    Page("ballot", "leader", lambda c: reverse("awards:ballot_detail", args=[c.ballot.pk]),
         "ballot page, open for voting"),
    Page("ballot_closed", "leader",
         lambda c: reverse("awards:ballot_detail", args=[c.closed_ballot.pk]),
         "ballot page, closed and counted"),
    Page("council_intake", "staff",
         lambda c: reverse("awards:intake_list", args=[c.authority.pk, c.last_year.year]),
         "council intake list (two nominations per block)"),
    Page("council_session", "staff",
         lambda c: reverse("awards:session_detail", args=[c.session.pk]),
         "council session, closed (one item per block)"),
    Page("statistics", "staff",
         lambda c: reverse("awards:statistics", args=[c.authority.pk, c.last_year.year]),
         "council statistics of last year"),
    Page("public_results", ANONYMOUS,
         lambda c: reverse("awards:results", args=[c.authority.pk, c.last_year.year]),
         "public results (a published decision)"),
]  # fmt: skip

# Pages the issue names whose apps are not written yet (none left).
PENDING_PAGES: dict[str, str] = {}


@contextmanager
def in_process() -> Iterator[None]:
    """Settings for requests made in this process with the test client: its host name, plain
    HTTP and static files without a manifest (none of which changes a page's queries)."""
    with (
        warnings.catch_warnings(),
        override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            SECURE_SSL_REDIRECT=False,
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ),
    ):
        # WhiteNoise warns that STATIC_ROOT was never collected into; nothing is served from it.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        yield


@dataclass(frozen=True)
class InProcess:
    """One request for a page made in this process: its queries, the time the database took
    to answer them, and the whole request's time (so a slow page says whether SQL or Python
    is slow)."""

    queries: int
    sql_ms: float
    total_ms: float


def count_queries(page: Page, cast: Cast, session_key: str | None) -> InProcess:
    """The queries one request for the page runs, counted in this process against the same
    database (after one request to warm caches, as a person's second visit would)."""
    client = Client()
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    path = page.path(cast)
    with in_process():
        # Reading a streamed reply (the PDF) to its end lets the test client close it, as a
        # server would, without closing the database connection.
        client.get(path).getvalue()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            response.getvalue()
            total = time.perf_counter() - start
    if response.status_code != 200:
        raise BenchmarkError(f"{page.name} ({path}) answered HTTP {response.status_code}")
    sql = sum(float(query["time"]) for query in captured.captured_queries)
    return InProcess(len(captured.captured_queries), round(sql * 1000, 1), round(total * 1000, 1))
