"""Permission-matrix rows for the council's decisions pages: name -> (arguments, GET statuses, POST
statuses)."""

from __future__ import annotations

from tests.matrix import Args

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {}
