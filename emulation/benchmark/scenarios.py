"""Storms: many people doing the same thing at the same moment, each from their own client.

- The signing storm: every member unit of some blocks signs this year's covenant at once, each
  leader posting the sign form with their real password. Afterwards the database must hold
  exactly one signature per unit, each covenant must be in force, issued once, and the audit
  chain intact.
- The voting storm: every member unit's leader casts the unit's secret ballot on the open
  ballot at once. Afterwards the voter roll must hold one row per unit, the box as many ballots.
- The self-assessment deadline rush: every member unit's leader saves the last empty row of the
  unit's sheet (an htmx post, as the sheet sends it) and submits the sheet, all at once.
  Afterwards every sheet must be submitted once, with the row saved.

In each, one person in ten posts twice at the same moment (a double click), which must be
refused. Everything is counted in the database afterwards, and put back as generated before and
after each storm, so a benchmark database can be used again (`--reuse-data`).
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
from django.core.files.storage import default_storage
from django.db.models import Count, Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.forms.ballots import AGREE
from awards.models import Ballot, BallotVoter, CastBallot, CastChoice
from blocks.models import BlockYear, UnitRole
from covenants import services
from covenants.models import Document, DocumentVersion, Signature
from emulation.audit import verify_chain
from emulation.benchmark.data import PASSWORD, REVIEWED_POSITION, RUSH_CODE, RUSH_POINTS, Cast
from emulation.benchmark.load import (
    HttpClient,
    Response,
    close_sessions,
    new_csrf_secret,
    open_session,
    percentile,
)
from emulation.benchmark.pages import in_process
from emulation.models import AuditEvent, IssuedDocument, User
from scoring.models import Score, ScoreSheet

RECEIPT_MARK = b'id="receipt-code"'  # on the page that shows a voter the receipt
T = TypeVar("T")

REPEAT_EVERY = 10  # one person in ten posts the form twice at the same moment
VERSION_LABEL = DocumentVersion._meta.label_lower
HTMX = {"HX-Request": "true"}

# Scenarios the issue names whose apps are not written yet (none left).
PENDING_SCENARIOS: dict[str, str] = {}


@dataclass(frozen=True)
class Post:
    """One form posted by a signed-in person."""

    path: str
    form: dict[str, str]
    session_key: str
    headers: dict[str, str] = field(default_factory=dict)


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

    def posts(self) -> list[Post]:
        form = {"unit": str(self.unit_id), "password": PASSWORD, "confirm": "on"}
        return [Post(self.path, form, self.session_key)]


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


def _repeat_and_shuffle(items: list[T]) -> list[T]:
    """One in ten sent twice (a double click), and all in no particular order: people click at
    their own moment."""
    items = items + items[::REPEAT_EVERY]
    random.Random(len(items)).shuffle(items)
    return items


def _sessions(people: Sequence[User]) -> dict[int, str]:
    return {person.pk: open_session(person) for person in people}


def _leaders(block_year_id: int) -> dict[int, User]:
    """The leader of each current member unit of a block year, by unit."""
    return {
        role.unit_id: role.user
        for role in UnitRole.objects.filter(
            unit__memberships__block_year=block_year_id,
            unit__memberships__left_on__isnull=True,
            role=UnitRole.Role.LEADER,
        ).select_related("user")
    }


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
        leaders = _leaders(document.block_year_id)
        for membership in services.current_members(document.block_year).order_by("position"):
            plan.append((document.pk, membership.unit_id, version.pk, leaders[membership.unit_id]))
    sessions = _sessions([leader for *_ids, leader in plan])
    attempts = _repeat_and_shuffle([Attempt(d, u, v, sessions[lead.pk]) for d, u, v, lead in plan])
    try:
        start = time.perf_counter()
        replies = transport.post_all([attempt.posts() for attempt in attempts])
        seconds = time.perf_counter() - start
        result = _account(documents, attempts, [r[0] for r in replies], seconds)
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
        "note": f"{in_force}/{len(documents)} in force, {len(issued)} issued, {refused} repeats "
        f"refused, audit chain {'intact' if chain_break is None else 'BROKEN'}",
        "throughput_per_s": round(sum(rows.values()) / seconds, 2) if seconds else None,
        "errors": sum(failures.values()) + len(unsigned) + len(signed_twice),
        "lost": len(expected - set(rows)),
        "duplicates": _doubled(rows, issued),
        "units": len(expected),
        "requests": len(attempts),
        "refused_repeats": refused,
        **_timing(seconds, latencies),
        "covenants": len(documents),
        "in_force": in_force,
        "issued": len(issued),
        "audit_chain_intact": chain_break is None,
        "failures": dict(failures),
    }


def _doubled(*counts: Counter[Any] | dict[Any, int]) -> int:
    """The records beyond the first for each key: what a storm doubled."""
    return sum(n - 1 for count in counts for n in count.values() if n > 1)


def _timing(seconds: float, latencies: Sequence[float]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 1),
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# The voting storm ----------------------------------------------------------------------------


def reset_ballot(ballot: Ballot) -> None:
    """Back to "open, nobody voted"."""
    BallotVoter.objects.filter(ballot=ballot).delete()
    CastBallot.objects.filter(ballot=ballot).delete()
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPEN)


def voting_storm(ballot: Ballot, transport: Transport) -> dict[str, Any]:
    """The leader of every member unit of the ballot's block year casts the unit's ballot at
    once (agreeing with every candidate); then count the voter roll and the ballot box."""
    reset_ballot(ballot)
    leaders = _leaders(ballot.block_year_id)
    path = reverse("awards:ballot_vote", args=[ballot.pk])
    form = {f"candidate_{pk}": AGREE for pk in ballot.candidates.values_list("pk", flat=True)}
    form["confirm"] = "on"
    sessions = _sessions(list(leaders.values()))
    plan = _repeat_and_shuffle(list(leaders))
    runs = [[Post(path, form, sessions[leaders[unit].pk])] for unit in plan]
    try:
        start = time.perf_counter()
        replies = [r[0] for r in transport.post_all(runs)]
        seconds = time.perf_counter() - start
        told: Counter[int] = Counter()
        failures: Counter[str] = Counter()
        for unit, reply in zip(plan, replies, strict=True):
            if reply.status == 200 and RECEIPT_MARK in reply.body:
                told[unit] += 1
            elif reply.status != 200:  # a 200 without a receipt: "already voted", for a repeat
                failures[reply.error or f"HTTP {reply.status}"] += 1
        roll = Counter(BallotVoter.objects.filter(ballot=ballot).values_list("unit", flat=True))
        cast = CastBallot.objects.filter(ballot=ballot).count()
        choices = CastChoice.objects.filter(cast_ballot__ballot=ballot).count()
        candidates = len(form) - 1
        latencies = [r.ms for r in replies if r.status == 200]
        chain_break = verify_chain()
        result = {
            "note": f"{sum(roll.values())} on the roll, {cast} ballots in the box with "
            f"{choices} choices ({candidates} candidates), {len(plan) - len(leaders)} repeats, "
            f"audit chain {'intact' if chain_break is None else 'BROKEN'}",
            "throughput_per_s": round(cast / seconds, 2) if seconds else None,
            "errors": sum(failures.values()) + sum(1 for unit in leaders if not told[unit]),
            "lost": len(set(leaders) - set(roll)),
            "duplicates": _doubled(roll, told) + max(0, cast - sum(roll.values())),
            "units": len(leaders),
            "requests": len(plan),
            **_timing(seconds, latencies),
            "audit_chain_intact": chain_break is None,
            "failures": dict(failures),
        }
    finally:
        close_sessions(sessions.values())
        reset_ballot(ballot)
    return result


# The self-assessment deadline rush ----------------------------------------------------------


def reset_sheets(block_year_id: int, *, as_generated: bool) -> None:
    """Every sheet of the year a draft with the rush row empty; `as_generated` puts back the
    one sheet the generator submitted for review."""
    sheets = ScoreSheet.objects.filter(table__block_year=block_year_id)
    sheets.update(status=ScoreSheet.Status.DRAFT, submitted_at=None, submitted_by=None)
    Score.objects.filter(sheet__in=sheets, criterion__code=RUSH_CODE).update(
        self_points=None, explanation=""
    )
    if as_generated:
        reviewed = sheets.get(position=REVIEWED_POSITION)
        leader = UnitRole.objects.get(unit=reviewed.unit_id, role=UnitRole.Role.LEADER)
        sheets.filter(pk=reviewed.pk).update(
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=leader.user_id,
        )
        Score.objects.filter(sheet=reviewed, criterion__code=RUSH_CODE).update(
            self_points=RUSH_POINTS
        )


def self_assessment_rush(block_year: BlockYear, transport: Transport) -> dict[str, Any]:
    """Every member unit's leader saves the last empty row of the sheet (as htmx does) and
    submits the sheet, all at once; then count the scores and the submissions."""
    reset_sheets(block_year.pk, as_generated=False)
    leaders = _leaders(block_year.pk)
    sheets = {
        sheet.unit_id: sheet
        for sheet in ScoreSheet.objects.filter(table__block_year=block_year).only("pk", "unit")
    }
    rows = dict(
        Score.objects.filter(sheet__in=sheets.values(), criterion__code=RUSH_CODE).values_list(
            "sheet", "pk"
        )
    )
    points = f"{RUSH_POINTS}".replace(".", ",")  # typed the Vietnamese way
    sessions = _sessions(list(leaders.values()))
    plan = _repeat_and_shuffle(list(sheets))
    runs = [
        [
            Post(
                reverse("scoring:score_save", args=[rows[sheets[unit].pk]]),
                {"self_points": points, "explanation": "Hoàn thành đúng hạn."},
                sessions[leaders[unit].pk],
                HTMX,
            ),
            Post(
                reverse("scoring:sheet_submit", args=[sheets[unit].pk]),
                {},
                sessions[leaders[unit].pk],
            ),
        ]
        for unit in plan
    ]
    seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    try:
        start = time.perf_counter()
        replies = transport.post_all(runs)
        seconds = time.perf_counter() - start
        failures: Counter[str] = Counter(
            reply.error or f"HTTP {reply.status}"
            for pair in replies
            for reply in pair
            if reply.status not in (200, 302)
        )
        submitted = set(
            ScoreSheet.objects.filter(
                pk__in=[s.pk for s in sheets.values()], status=ScoreSheet.Status.SUBMITTED
            ).values_list("unit", flat=True)
        )
        saved = set(
            Score.objects.filter(pk__in=rows.values(), self_points=RUSH_POINTS).values_list(
                "sheet__unit", flat=True
            )
        )
        per_row = Counter(
            Score.objects.filter(sheet__in=sheets.values()).values_list("sheet", "criterion")
        )
        submissions = Counter(
            AuditEvent.objects.filter(
                seq__gt=seq,
                action=f"scoring.sheet.{ScoreSheet.Status.SUBMITTED}",
                object_id__in=[str(s.pk) for s in sheets.values()],
            ).values_list("object_id", flat=True)
        )
        latencies = [reply.ms for pair in replies for reply in pair if reply.status in (200, 302)]
        chain_break = verify_chain()
        result = {
            "note": f"{len(submitted)} submitted, {len(saved)} rows saved, {len(plan) - len(sheets)} "
            f"repeats, audit chain {'intact' if chain_break is None else 'BROKEN'}",
            "throughput_per_s": round(len(submitted) / seconds, 2) if seconds else None,
            "errors": sum(failures.values()),
            "lost": len(set(sheets) - (submitted & saved)),
            "duplicates": _doubled(per_row, submissions),
            "units": len(sheets),
            "requests": 2 * len(plan),
            **_timing(seconds, latencies),
            "audit_chain_intact": chain_break is None,
            "failures": dict(failures),
        }
    finally:
        close_sessions(sessions.values())
        reset_sheets(block_year.pk, as_generated=True)
    return result


# The scenarios by name ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    run: Callable[[Cast, Transport], dict[str, Any]]


def _this_years_covenants(cast: Cast, **block_filter: Any) -> list[Document]:
    """This year's covenants still open for signing (the scoring block's is in force)."""
    return list(
        Document.objects.filter(
            kind=Document.Kind.COVENANT,
            block_year__year=cast.block_year.year,
            status=Document.Status.SIGNING,
            **block_filter,
        )
        .select_related("block_year__block")
        .order_by("pk")
    )


SCENARIOS = [
    Scenario(
        "signing_storm_block",
        "every unit of one block signs at once",
        lambda c, t: signing_storm(_this_years_covenants(c, block_year__block=c.storm_block), t),
    ),
    Scenario(
        "signing_storm_province",
        "every unit of a province (every block of one authority still signing) signs at once",
        lambda c, t: signing_storm(
            _this_years_covenants(c, block_year__block__authority=c.authority), t
        ),
    ),
    Scenario(
        "voting_storm",
        "every unit of a block casts its secret ballot at once",
        lambda c, t: voting_storm(c.ballot, t),
    ),
    Scenario(
        "self_assessment_rush",
        "every unit of a block saves its last row and submits its sheet at once",
        lambda c, t: self_assessment_rush(c.scoring_year, t),
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
