"""The covenant's signatures checked against the events that recorded them (registered with
`emulation.records`): who signed, for which unit, how, from where, and which text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from covenants.models import Signature
from emulation.records import Mismatch, differs, events_of


def signatures() -> Iterator[Mismatch]:
    online, paper = "covenants.covenant.signed", "covenants.covenant.signed_on_paper"
    events = events_of(Signature._meta.label_lower, (online, paper))
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
            problem = differs(name, stored, recorded)
            if problem:
                yield mismatch(problem)
