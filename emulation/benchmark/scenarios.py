"""Storms: many people doing the same thing at the same moment, each from their own client.

Each app registers its storms (`emulation.benchmark.register_storms`): covenants the signing
storms, scoring the self-assessment deadline rush, awards the voting storm. In each, one person
in ten posts twice at the same moment (a double click), which must be refused. Everything is
counted in the database afterwards, and put back as generated before and after each storm, so a
benchmark database can be used again (`--reuse-data`). A storm's result has at least
`throughput_per_s`, `errors`, `lost` and `duplicates`, and says whether the audit chain is
intact (`audit_chain_intact`).

This module holds what the storms share: the posts, sent over HTTP from concurrent clients or
one after another in this process (`--no-http`, the tests), and the counting helpers.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.conf import settings

from emulation.benchmark.data import Cast
from emulation.benchmark.load import (
    HttpClient,
    Response,
    new_csrf_secret,
    open_session,
    percentile,
)
from emulation.benchmark.pages import in_process
from emulation.models import User

T = TypeVar("T")

REPEAT_EVERY = 10  # one person in ten posts the form twice at the same moment
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Post:
    """One form posted by a signed-in person."""

    path: str
    form: dict[str, str]
    session_key: str
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def post_all(self, runs: Sequence[Sequence[Post]]) -> list[list[Response]]:
        """Each run's posts one after another, the runs all at once; the replies by run."""
        ...


class HttpTransport:
    """Every run from its own client and thread, all released at the same instant."""

    def __init__(self, port: int) -> None:
        self.port = port

    def post_all(self, runs: Sequence[Sequence[Post]]) -> list[list[Response]]:
        results: list[list[Response]] = [[] for _ in runs]
        barrier = threading.Barrier(len(runs))

        def run(i: int, posts: Sequence[Post]) -> None:
            csrf = new_csrf_secret()
            clients = {
                key: HttpClient(self.port, key, csrf) for key in {p.session_key for p in posts}
            }
            barrier.wait()
            for post in posts:
                results[i].append(
                    clients[post.session_key].request(
                        "POST", post.path, {**post.form, "csrfmiddlewaretoken": csrf}, post.headers
                    )
                )
            for client in clients.values():
                client.close()

        threads = [threading.Thread(target=run, args=(i, posts)) for i, posts in enumerate(runs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [
            replies + [Response(0, "", b"", 0.0, "no reply")] * (len(posts) - len(replies))
            for replies, posts in zip(results, runs, strict=True)
        ]


class InProcessTransport:
    """One after another through the test client (no server: for `--no-http` and the tests)."""

    def post_all(self, runs: Sequence[Sequence[Post]]) -> list[list[Response]]:
        # Imported here, not at start-up: every process loads the apps' registrations.
        from django.test import Client

        results = []
        with in_process():
            for posts in runs:
                replies = []
                for post in posts:
                    client = Client()
                    client.cookies[settings.SESSION_COOKIE_NAME] = post.session_key
                    start = time.perf_counter()
                    reply = client.post(post.path, post.form, headers=post.headers)
                    ms = (time.perf_counter() - start) * 1000
                    replies.append(
                        Response(reply.status_code, reply.get("Location", ""), reply.content, ms)
                    )
                results.append(replies)
        return results


def repeat_and_shuffle(items: list[T]) -> list[T]:
    """One in ten sent twice (a double click), and all in no particular order: people click at
    their own moment."""
    items = items + items[::REPEAT_EVERY]
    random.Random(len(items)).shuffle(items)
    return items


def sessions_for(people: Sequence[User]) -> dict[int, str]:
    """A signed-in session for each person, by their primary key."""
    return {person.pk: open_session(person) for person in people}


def doubled(*counts: Counter[Any] | dict[Any, int]) -> int:
    """The records beyond the first for each key: what a storm doubled."""
    return sum(n - 1 for count in counts for n in count.values() if n > 1)


def timing(seconds: float, latencies: Sequence[float]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 1),
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class Storm:
    name: str
    what: str
    run: Callable[[Cast, Transport], dict[str, Any]]


# The storms in the order registered (`emulation.benchmark.register_storms`).
STORMS: list[Storm] = []
