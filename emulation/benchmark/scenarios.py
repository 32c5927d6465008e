"""Storms: many people doing the same thing at the same moment.

The signing storm has every member unit of some blocks sign this year's covenant at once, each
leader posting the sign form with their real password (and one unit in ten posting it twice, as
a double click would). Afterwards the database must hold exactly one signature per unit, each
covenant must be in force, issued once, and the audit chain intact.

The covenants are reset to "open for signing, no signature" before and after each storm, so a
benchmark database can be used again (`--reuse-data`).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from blocks.models import UnitRole
from covenants import services
from covenants.models import Document, DocumentVersion, Signature
from emulation.audit import verify_chain
from emulation.benchmark.data import PASSWORD, Cast
from emulation.benchmark.load import (
    HttpClient,
    Response,
    close_sessions,
    new_csrf_secret,
    open_session,
    percentile,
)
from emulation.benchmark.pages import in_process
from emulation.models import IssuedDocument, User

REPEAT_EVERY = 10  # one unit in ten posts the form twice at the same moment
VERSION_LABEL = DocumentVersion._meta.label_lower

# Scenarios the issue names whose apps are not written yet.
PENDING_SCENARIOS = {
    "voting_storm": "the awards app (secret ballot)",
    "self_assessment_rush": "the scoring app (self-assessment)",
}


@dataclass(frozen=True)
class Attempt:
    document_id: int
    unit_id: int
    version_id: int
    session_key: str

    @property
    def path(self) -> str:
        return reverse("covenants:covenant_sign", args=[self.document_id])

    @property
    def signed_path(self) -> str:
        return reverse("covenants:signing_progress", args=[self.document_id])

    def form(self) -> dict[str, str]:
        return {"unit": str(self.unit_id), "password": PASSWORD, "confirm": "on"}


class Transport(Protocol):
    def post_all(self, attempts: Sequence[Attempt]) -> list[Response]: ...


class HttpTransport:
    """Every attempt from its own client, all released at the same instant."""

    def __init__(self, port: int) -> None:
        self.port = port

    def post_all(self, attempts: Sequence[Attempt]) -> list[Response]:
        results: list[Response | None] = [None] * len(attempts)
        barrier = threading.Barrier(len(attempts))

        def run(i: int, attempt: Attempt) -> None:
            csrf = new_csrf_secret()
            client = HttpClient(self.port, attempt.session_key, csrf)
            barrier.wait()
            results[i] = client.request(
                "POST", attempt.path, {**attempt.form(), "csrfmiddlewaretoken": csrf}
            )
            client.close()

        threads = [
            threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [r if r is not None else Response(0, "", b"", 0.0, "no reply") for r in results]


class InProcessTransport:
    """One after another through the test client (no server: for `--no-http` and the tests)."""

    def post_all(self, attempts: Sequence[Attempt]) -> list[Response]:
        results = []
        with in_process():
            for attempt in attempts:
                client = Client()
                client.cookies[settings.SESSION_COOKIE_NAME] = attempt.session_key
                start = time.perf_counter()
                reply = client.post(attempt.path, attempt.form())
                ms = (time.perf_counter() - start) * 1000
                results.append(Response(reply.status_code, reply.get("Location", ""), b"", ms))
        return results


def reset(documents: Sequence[Document]) -> None:
    """Back to "open for signing, no signature": signatures and issued copies removed."""
    versions = [services.latest_version(d) for d in documents]
    version_ids = [v.pk for v in versions if v is not None]
    issued = IssuedDocument.objects.filter(
        subject_type=VERSION_LABEL, subject_id__in=[str(pk) for pk in version_ids]
    )
    for name in issued.values_list("file", flat=True):
        default_storage.delete(name)
    issued.delete()
    Signature.objects.filter(version__in=version_ids).delete()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        status=Document.Status.SIGNING, in_force_version=None
    )


def signing_storm(documents: Sequence[Document], transport: Transport) -> dict[str, Any]:
    """Every current member unit of the documents' years signs at once; then count."""
    reset(documents)
    plan: list[tuple[int, int, int, User]] = []  # document, unit, version, leader
    for document in documents:
        version = services.latest_version(document)
        assert version is not None
        leaders = {
            role.unit_id: role.user
            for role in UnitRole.objects.filter(
                unit__memberships__block_year=document.block_year_id,
                unit__memberships__left_on__isnull=True,
                role=UnitRole.Role.LEADER,
            ).select_related("user")
        }
        for membership in services.current_members(document.block_year).order_by("position"):
            plan.append((document.pk, membership.unit_id, version.pk, leaders[membership.unit_id]))
    sessions = {leader.pk: open_session(leader) for *_ids, leader in plan}
    attempts = [Attempt(d, u, v, sessions[leader.pk]) for d, u, v, leader in plan]
    attempts += attempts[::REPEAT_EVERY]
    # People click at their own moment: requests arrive in no particular order of block.
    random.Random(len(attempts)).shuffle(attempts)
    try:
        start = time.perf_counter()
        responses = transport.post_all(attempts)
        seconds = time.perf_counter() - start
        result = _account(documents, attempts, responses, seconds)
    finally:
        close_sessions(sessions.values())
        reset(documents)
    return result


def _account(
    documents: Sequence[Document],
    attempts: Sequence[Attempt],
    responses: Sequence[Response],
    seconds: float,
) -> dict[str, Any]:
    signed: Counter[tuple[int, int]] = Counter()
    failures: Counter[str] = Counter()
    refused = 0
    for attempt, response in zip(attempts, responses, strict=True):
        if response.status == 302 and response.location.endswith(attempt.signed_path):
            signed[attempt.version_id, attempt.unit_id] += 1
        elif response.status == 200:
            refused += 1  # the form again, with "already signed": expected for a repeat
        else:
            failures[response.error or f"HTTP {response.status}"] += 1
    expected = {(a.version_id, a.unit_id) for a in attempts}
    rows = Counter(
        {
            (row["version"], row["unit"]): row["n"]
            for row in Signature.objects.filter(version__in={v for v, _u in expected})
            .values("version", "unit")
            .annotate(n=Count("pk"))
        }
    )
    issued = Counter(
        IssuedDocument.objects.filter(
            subject_type=VERSION_LABEL, subject_id__in=[str(v) for v, _u in expected]
        ).values_list("subject_id", flat=True)
    )
    in_force = Document.objects.filter(
        pk__in=[d.pk for d in documents], status=Document.Status.IN_FORCE
    ).count()
    unsigned = [key for key in expected if signed[key] == 0]
    signed_twice = [key for key, n in signed.items() if n > 1]
    latencies = [r.ms for r in responses if r.status in (200, 302)]
    chain_break = verify_chain()
    return {
        "throughput_per_s": round(sum(rows.values()) / seconds, 2) if seconds else None,
        "errors": sum(failures.values()) + len(unsigned) + len(signed_twice),
        "lost": len(expected - set(rows)),
        "duplicates": sum(n - 1 for n in rows.values() if n > 1)
        + sum(n - 1 for n in issued.values() if n > 1),
        "units": len(expected),
        "requests": len(attempts),
        "refused_repeats": refused,
        "seconds": round(seconds, 1),
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "covenants": len(documents),
        "in_force": in_force,
        "issued": len(issued),
        "audit_chain_intact": chain_break is None,
        "failures": dict(failures),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    documents: Callable[[Cast], list[Document]]


def _this_years_covenants(cast: Cast, **block_filter: Any) -> list[Document]:
    return list(
        Document.objects.filter(
            kind=Document.Kind.COVENANT,
            block_year__year=cast.block_year.year,
            **block_filter,
        )
        .select_related("block_year__block")
        .order_by("pk")
    )


SCENARIOS = [
    Scenario(
        "signing_storm_block",
        "every unit of one block signs at once",
        lambda c: _this_years_covenants(c, block_year__block=c.storm_block),
    ),
    Scenario(
        "signing_storm_province",
        "every unit of a province (all blocks of one authority) signs at once",
        lambda c: _this_years_covenants(c, block_year__block__authority=c.authority),
    ),
]


def pending(name: str) -> dict[str, Any]:
    return {
        "status": f"not available yet: needs {PENDING_SCENARIOS[name]}",
        "throughput_per_s": None,
        "errors": None,
        "lost": None,
        "duplicates": None,
    }
