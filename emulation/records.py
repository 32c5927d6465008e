"""The records checked against their history: what the audit log recorded when a covenant was
signed, a score saved or reviewed, a ranking published or a document issued must still be what the
tables hold. A row rewritten behind the application's back (its hash chain untouched) disagrees
with its event; `manage.py verify_records` lists each such disagreement. The kernel checks the
issued documents; the apps register the checks of their own records with `register`.

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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from emulation.models import AuditEvent, IssuedDocument

Check = Callable[[], Iterable["Mismatch"]]
# The apps register the checks of their own records (in their AppConfig.ready): the kernel never
# imports them.
CHECKS: list[Check] = []


def register(*checks: Check) -> None:
    CHECKS.extend(check for check in checks if check not in CHECKS)


@dataclass(frozen=True)
class Mismatch:
    """A record that disagrees with its history: which, and how."""

    object_type: str
    object_id: str
    label: str
    problem: str

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} ({self.label}): {self.problem}"


def events_of(object_type: str, actions: tuple[str, ...]) -> dict[str, list[AuditEvent]]:
    grouped: dict[str, list[AuditEvent]] = defaultdict(list)
    rows = AuditEvent.objects.filter(object_type=object_type, action__in=actions).order_by("seq")
    for event in rows.iterator():
        grouped[event.object_id].append(event)
    return grouped


def differs(name: str, stored: Any, recorded: Any) -> str | None:
    if stored == recorded:
        return None
    return f"its {name} is {stored!r}, the audit log recorded {recorded!r}"


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
    found: list[Mismatch] = []
    for check in CHECKS:
        found.extend(check())
    found.extend(issued_documents())
    return found
