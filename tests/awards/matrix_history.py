"""Permission-matrix rows for a unit's award history and the base of the 20 per cent: name ->
(arguments, GET statuses, POST statuses). The history is seen by whoever may see the unit (404
for the other province); its earlier awards are entered, and the base is set, by the council's
staff only (403 for anyone else who sees the page)."""

from __future__ import annotations

from typing import Any

from tests.awards.matrix_decisions import council, council_year
from tests.matrix import FORM_ERRORS, MANAGE, SEE, Args, everyone, scoped, unit

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, Any]]] = {
    "awards:unit_history": (unit, scoped(SEE), everyone(405)),
    "awards:past_record_add": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "awards:cap_base": (council_year, council(act=MANAGE), council(FORM_ERRORS, act=MANAGE)),
}
