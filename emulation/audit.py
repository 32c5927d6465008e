"""The audit log: every state change that matters is recorded here by the service that makes it.

Events are append-only and chained: each stores the hash of the one before it, and the single
`AuditHead` row remembers the end of the chain, so an altered, removed or re-ordered event
breaks the chain where it happened (see `verify_chain`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from emulation.addresses import client_address
from emulation.models import AuditEvent, AuditHead, User

# The address of the request being served, set by `AuditContextMiddleware`, so that services
# record where a change came from without every signature carrying the request.
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the client behind the request (see `emulation.addresses`)."""
    return client_address(request)


def record(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    ip: str | None = None,
    label: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=(actor.username if actor is not None and actor.pk else label)[:150],
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            ip=ip if ip is not None else request_ip.get(),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return str(value)


def change(
    obj: models.Model,
    changes: Mapping[str, Any],
    *,
    by: User,
    action: str,
    reason: str = "",
) -> list[str]:
    """Apply field changes to `obj`, save only what changed, and record before and after.

    Returns the names of the fields that changed (nothing is saved or recorded when none did).
    """
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    if not changed:
        return []
    before = snapshot(obj, changed)
    for name in changed:
        setattr(obj, name, changes[name])
    obj.full_clean()
    obj.save(update_fields=changed)
    record(action, actor=by, obj=obj, before=before, after=snapshot(obj, changed), reason=reason)
    return changed


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of some fields, ready to store as `before` or `after`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


@dataclass(frozen=True)
class Break:
    """Where the chain is broken: the first event that fails, and why."""

    seq: int
    event_id: int | None
    problem: str


def verify_chain(batch_size: int = 2000) -> Break | None:
    """Walk the chain in order; return the first break, or None when every event is intact."""
    expected_prev = ""
    expected_seq = 1
    last_id: int | None = None
    for event in _events(batch_size):
        if event.seq != expected_seq:
            return Break(expected_seq, None, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return Break(event.seq, event.pk, "the link to the previous event does not match")
        if event.compute_hash() != event.hash:
            return Break(event.seq, event.pk, "the stored content does not match its hash")
        expected_prev = event.hash
        expected_seq += 1
        last_id = event.pk
    head = AuditHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return Break(last_seq + 1, last_id, "events at the end of the chain are missing")
    return None


def _events(batch_size: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


# Anchors: the chain's head as it was seen outside the database (printed on an issued document,
# saved from a published page, time-stamped by an authority). Whoever rewrites an event and
# recomputes every later hash, or cuts the last events and moves the head back, cannot change what
# was printed or saved: the chain then disagrees with an anchor.

# The shortest hash prefix accepted from a file of heads (the documents print 16 hex digits).
MIN_ANCHOR_HEX = 12


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as seen somewhere outside the database: event `seq` had hash `hash`
    (or a hash beginning with it)."""

    seq: int
    hash: str
    source: str


def current_head() -> AuditHead:
    """The end of the chain now (an empty head when nothing was recorded yet)."""
    return AuditHead.objects.filter(id=1).first() or AuditHead(id=1)


def document_anchors() -> list[Anchor]:
    """The heads printed on the issued documents."""
    from emulation.models import IssuedDocument

    rows = IssuedDocument.objects.filter(chain_seq__gt=0).values_list(
        "chain_seq", "chain_hash", "code"
    )
    return [Anchor(seq or 0, digest, f"issued document {code}") for seq, digest, code in rows]


def read_heads(lines: Iterator[str] | list[str], source: str) -> list[Anchor]:
    """Heads from a file, one `seq hash` a line (`#123` is read as 123; blank lines and lines
    beginning with `//` are skipped). Raises ValueError naming a line that cannot be read."""
    anchors = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("//"):
            continue
        parts = text.split()
        digest = parts[1].lower() if len(parts) >= 2 else ""
        seq_text = parts[0].lstrip("#")
        if (
            len(parts) != 2
            or not seq_text.isdigit()
            or len(digest) < MIN_ANCHOR_HEX
            or len(digest) > 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise ValueError(
                f"{source}, line {number}: expected an event number and its hash "
                f"(at least {MIN_ANCHOR_HEX} hex digits)"
            )
        anchors.append(Anchor(int(seq_text), digest, f"{source}, line {number}"))
    return anchors


def check_anchors(anchors: list[Anchor]) -> Break | None:
    """The first event, in chain order, that disagrees with an anchor: missing, or with another
    hash than the one seen outside. Every event up to it since the last agreeing anchor may have
    been rewritten."""
    wanted = sorted({anchor.seq for anchor in anchors if anchor.seq > 0})
    stored: dict[int, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):
        rows = AuditEvent.objects.filter(seq__in=wanted[start : start + 500])
        stored.update(
            {seq: (pk, digest) for pk, seq, digest in rows.values_list("pk", "seq", "hash")}
        )
    agreed = 0
    for anchor in sorted(anchors, key=lambda a: (a.seq, a.source)):
        if anchor.seq <= 0:
            continue
        found = stored.get(anchor.seq)
        since = f"after event #{agreed}" if agreed else "from the start"
        if found is None:
            return Break(
                anchor.seq,
                None,
                f"event #{anchor.seq} is missing, but {anchor.source} saw it; the chain was cut "
                f"{since}",
            )
        if not found[1].startswith(anchor.hash):
            return Break(
                anchor.seq,
                found[0],
                f"its hash is not the one {anchor.source} saw; events {since} up to "
                f"#{anchor.seq} were rewritten",
            )
        agreed = anchor.seq
    return None
