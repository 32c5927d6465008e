"""The records checked against their history: what the audit log recorded when a covenant was
signed, a score saved or reviewed, a ranking published or a document issued must still be what the
tables hold. A row rewritten behind the application's back (its hash chain untouched) disagrees
with its event; `manage.py verify_records` lists each such disagreement.

What is compared:
- a signature: who signed (the event's actor, or the name written for a paper signature), the
  unit, the method, the address it was signed from, the signed text's SHA-256, the scan's;
- a score on a final sheet: the last self-assessed and reviewed points the log recorded (a score
  whose reviewed points no event records is named too);
- a published ranking: the SHA-256 recorded at publication, and its rows hashing to it;
- an issued document: the SHA-256 recorded at its issue, and the stored file's bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps

from emulation.models import AuditEvent, IssuedDocument


@dataclass(frozen=True)
class Mismatch:
    """A record that disagrees with its history: which, and how."""

    object_type: str
    object_id: str
    label: str
    problem: str

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} ({self.label}): {self.problem}"


def _events(object_type: str, actions: tuple[str, ...]) -> dict[str, list[AuditEvent]]:
    grouped: dict[str, list[AuditEvent]] = defaultdict(list)
    rows = AuditEvent.objects.filter(object_type=object_type, action__in=actions).order_by("seq")
    for event in rows.iterator():
        grouped[event.object_id].append(event)
    return grouped


def _differs(name: str, stored: Any, recorded: Any) -> str | None:
    if stored == recorded:
        return None
    return f"its {name} is {stored!r}, the audit log recorded {recorded!r}"


def signatures() -> Iterator[Mismatch]:
    Signature = apps.get_model("covenants", "Signature")
    online, paper = "covenants.covenant.signed", "covenants.covenant.signed_on_paper"
    events = _events(Signature._meta.label_lower, (online, paper))
    for signature in Signature.objects.order_by("pk").iterator():
        found = events.get(str(signature.pk))
        label = f"{signature.unit_name}, {signature.signer_name}"

        def mismatch(problem: str, signature: Any = signature, label: str = label) -> Mismatch:
            return Mismatch(Signature._meta.label_lower, str(signature.pk), label, problem)

        if not found:
            yield mismatch("no audit event records this signature")
            continue
        event = found[0]
        after = event.after or {}
        if event.action == online:
            checks = [
                ("signer", signature.signer_id, event.actor_id),
                ("method", signature.method, after.get("method")),
                ("IP address", signature.ip, event.ip),
                ("signed text's SHA-256", signature.sha256, after.get("sha256")),
            ]
        else:
            checks = [
                ("signer", signature.signer_name, after.get("signer")),
                ("method", signature.method, "paper"),
                ("recorder", signature.recorded_by_id, event.actor_id),
                ("scan's SHA-256", signature.scan_sha256, after.get("scan_sha256")),
            ]
        checks.append(("unit", signature.unit_id, after.get("unit")))
        for name, stored, recorded in checks:
            problem = _differs(name, stored, recorded)
            if problem:
                yield mismatch(problem)


def _points(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def final_scores() -> Iterator[Mismatch]:
    Score = apps.get_model("scoring", "Score")
    events = _events(Score._meta.label_lower, ("scoring.score.saved", "scoring.score.reviewed"))
    scores = (
        Score.objects.filter(sheet__status="final")
        .select_related("criterion")
        .only("pk", "self_points", "reviewed_points", "sheet__unit_name", "criterion__code")
        .values_list("pk", "self_points", "reviewed_points", "sheet__unit_name", "criterion__code")
    )
    for pk, self_points, reviewed_points, unit_name, code in scores.iterator():
        recorded: dict[str, Any] = {}
        for event in events.get(str(pk), []):
            recorded.update(event.after or {})
        label = f"{unit_name}, {code}"
        for name, stored in (("self_points", self_points), ("reviewed_points", reviewed_points)):
            if name in recorded:
                problem = _differs(name.replace("_", " "), stored, _points(recorded[name]))
            elif name == "reviewed_points" and stored is not None:
                problem = "no audit event records its reviewed points"
            else:
                problem = None
            if problem:
                yield Mismatch(Score._meta.label_lower, str(pk), label, problem)


def rankings() -> Iterator[Mismatch]:
    Ranking = apps.get_model("scoring", "Ranking")
    from scoring.services import ranking_matches

    events = _events(Ranking._meta.label_lower, ("scoring.ranking.published",))
    for ranking in Ranking.objects.order_by("pk").iterator():
        label = str(ranking)
        found = events.get(str(ranking.pk))
        recorded = (found[0].after or {}).get("sha256") if found else None
        if not found:
            problem: str | None = "no audit event records its publication"
        elif recorded != ranking.sha256:
            problem = "its SHA-256 differs from the one recorded at its publication"
        elif not ranking_matches(ranking):
            problem = "its rows no longer hash to its SHA-256"
        else:
            problem = None
        if problem:
            yield Mismatch(Ranking._meta.label_lower, str(ranking.pk), label, problem)


def issued_documents() -> Iterator[Mismatch]:
    from emulation.issued import ISSUED, problem_with

    audited = set(
        AuditEvent.objects.filter(
            action=ISSUED, object_type=IssuedDocument._meta.label_lower
        ).values_list("object_id", flat=True)
    )
    for document in IssuedDocument.objects.order_by("pk").iterator():
        problem = problem_with(document)
        if problem is None and str(document.pk) not in audited:
            problem = "no audit event records its issue"
        if problem:
            yield Mismatch(
                IssuedDocument._meta.label_lower, str(document.pk), document.code, problem
            )


def mismatches() -> list[Mismatch]:
    """Every record that disagrees with its history."""
    return [
        *signatures(),
        *final_scores(),
        *rankings(),
        *issued_documents(),
    ]
