"""Permission-matrix rows for the public results: name -> (arguments, GET statuses, POST
statuses). Anyone, signed in or not, reads the published results; nothing is posted there."""

from __future__ import annotations

from typing import Any

from tests.awards.matrix_decisions import published
from tests.factories import YEAR, World
from tests.matrix import ROLES, Args

EVERYONE_READS = {role: 200 for role in ROLES}
NOTHING_POSTED = {role: 405 for role in ROLES}


def published_anything(w: World) -> list[Any]:
    published(w)
    return []


def published_year(w: World) -> list[Any]:
    published(w)
    return [w.authority.pk, YEAR]


ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:results_index": (published_anything, EVERYONE_READS, NOTHING_POSTED),
    "awards:results": (published_year, EVERYONE_READS, NOTHING_POSTED),
}
