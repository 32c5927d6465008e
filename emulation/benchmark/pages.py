"""The pages measured, by name, each as the person who would open it.

The kernel's own page is the baseline, a trivial signed-in page; each app registers its pages
(`emulation.benchmark.register_pages`), with a role and a path built from the `Cast`, and says
which of them show what never changes once published (`published=True`): those are cached, and
held to a tighter target (emulation.benchmark.report).

Each page is measured in this process with the test client against the same database: its
queries, and its median time in each round over all pages (the baseline too), so that every page
meets the same conditions; the command times the pages over HTTP as well.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.urls import reverse

from emulation.benchmark.data import BenchmarkError, Cast

if TYPE_CHECKING:
    from django.test import Client

ANONYMOUS = "anonymous"
BASELINE = "baseline"
BASELINE_ROLE = "leader"  # a unit leader, whom the registry's step finds


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # a key of Cast.users, or ANONYMOUS
    path: Callable[[Cast], str]
    what: str
    published: bool = False  # shows what never changes once published, and is cached


# The pages in the order registered (`emulation.benchmark.register_pages`), the baseline first.
PAGES = [
    Page(BASELINE, BASELINE_ROLE, lambda c: reverse("password_change_done"),
         "a trivial signed-in page (the baseline)"),
]  # fmt: skip


@contextmanager
def in_process() -> Iterator[None]:
    """Settings for requests made in this process with the test client: its host name, plain
    HTTP and static files without a manifest (none of which changes a page's queries)."""
    # Imported here, not at start-up: every process loads the apps' registrations.
    from django.test.utils import override_settings

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


def client_for(session_key: str | None) -> Client:
    from django.test import Client

    client = Client()
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


@dataclass(frozen=True)
class InProcess:
    """One request for a page made in this process: its queries and the time the database took
    to answer them (so a slow page says whether SQL or Python is slow)."""

    queries: int
    sql_ms: float


def count_queries(page: Page, cast: Cast, session_key: str | None) -> InProcess:
    """The queries one request for the page runs, counted in this process against the same
    database (after one request to warm caches, as a person's second visit would)."""
    from django.test.utils import CaptureQueriesContext

    client = client_for(session_key)
    path = page.path(cast)
    with in_process():
        # Reading a streamed reply (the PDF) to its end lets the test client close it, as a
        # server would, without closing the database connection.
        client.get(path).getvalue()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            response.getvalue()
    if response.status_code != 200:
        raise BenchmarkError(f"{page.name} ({path}) answered HTTP {response.status_code}")
    sql = sum(float(query["time"]) for query in captured.captured_queries)
    return InProcess(len(captured.captured_queries), round(sql * 1000, 1))


def time_in_process(
    pages: Sequence[Page],
    cast: Cast,
    sessions: Mapping[str, str],
    *,
    rounds: int,
    requests: int,
) -> dict[str, list[float]]:
    """Each page's median time over `requests` requests made in this process, for each of
    `rounds` rounds over all pages (without counting queries, which would slow every one)."""
    clients = {page.name: client_for(sessions.get(page.role)) for page in pages}
    paths = {page.name: page.path(cast) for page in pages}
    medians: dict[str, list[float]] = {page.name: [] for page in pages}
    with in_process():
        for _ in range(rounds):
            for page in pages:
                client, path = clients[page.name], paths[page.name]
                ms = []
                for _ in range(requests):
                    start = time.perf_counter()
                    response = client.get(path)
                    response.getvalue()
                    ms.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        raise BenchmarkError(
                            f"{page.name} ({path}) answered HTTP {response.status_code}"
                        )
                medians[page.name].append(round(statistics.median(ms), 2))
    return medians
