"""Permission-matrix rows for next year's hand-over: name -> (arguments, GET statuses, POST
statuses). Seen by everyone who sees the year; confirmed by the council's staff only."""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix import FORM_ERRORS, MANAGE, SEE, Args, everyone, read_only, scoped


def elected_year(w: World) -> list[Any]:
    """The world's year, which elected unit 3 as next year's head (awaiting the council)."""
    from tests.factories import make_election

    make_election(w, "head", w.units[2])
    return [w.block_year.pk]


ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:handover_detail": (elected_year, scoped(SEE), everyone(405)),
    "awards:handover_confirm": (elected_year, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
}

# Once the year is archived: name -> (GET statuses, POST statuses).
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:handover_detail": (scoped(SEE), everyone(405)),
    "awards:handover_confirm": (read_only(), read_only()),
}
