"""Permission-matrix rows for the council's statistics and for archiving a year: name ->
(arguments, GET statuses, POST statuses).

Statistics are the council's pages: its staff and members (and site administrators) see them,
everyone else gets 404. Archiving is seen by everyone who sees the year and done by the council's
staff; the world's year is not ready, so their POST is sent back to the page with the reason.
"""

from __future__ import annotations

from typing import Any

from tests.factories import YEAR, World
from tests.matrix import FORM_ERRORS, MANAGE, RUN, Args, everyone, only, read_only, scoped


def council_year(w: World) -> list[Any]:
    return [w.authority.pk, YEAR]


COUNCIL = {"admin", "staff", "member"}

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:statistics": (council_year, only(COUNCIL, 200, 404), everyone(405)),
    "awards:statistics_xlsx": (council_year, only(COUNCIL, 200, 404), everyone(405)),
    "awards:trends": (lambda w: [w.authority.pk], only(COUNCIL, 200, 404), everyone(405)),
    "awards:trends_xlsx": (lambda w: [w.authority.pk], only(COUNCIL, 200, 404), everyone(405)),
    "awards:year_archive": (lambda w: [w.block_year.pk], scoped(MANAGE), scoped(MANAGE, 302)),
    # What the year will not do: the secretariat (or the council's staff) records it; an empty
    # POST re-renders the form with its errors.
    "awards:year_waivers": (lambda w: [w.block_year.pk], scoped(RUN), scoped(RUN, FORM_ERRORS)),
}

# Once the year is archived: name -> (GET statuses, POST statuses). Archived once: not again.
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:year_archive": (read_only(), read_only()),
    "awards:year_waivers": (read_only(), read_only()),
}
