"""Final scores and published rankings checked against the events that recorded them (registered
with `emulation.records`)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from emulation.records import Mismatch, differs, events_of
from scoring.models import Ranking, Score, ScoreSheet
from scoring.services import ranking_matches


def _points(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def final_scores() -> Iterator[Mismatch]:
    events = events_of(Score._meta.label_lower, ("scoring.score.saved", "scoring.score.reviewed"))
    scores = (
        Score.objects.filter(sheet__status=ScoreSheet.Status.FINAL)
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
                problem = differs(name.replace("_", " "), stored, _points(recorded[name]))
            elif name == "reviewed_points" and stored is not None:
                problem = "no audit event records its reviewed points"
            else:
                problem = None
            if problem:
                yield Mismatch(Score._meta.label_lower, str(pk), label, problem)


def rankings() -> Iterator[Mismatch]:
    events = events_of(Ranking._meta.label_lower, ("scoring.ranking.published",))
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
