"""Permission-matrix rows for the council's intake pages: name -> (arguments, GET statuses, POST
statuses).

Council pages are the council's: its staff act, its members read (the action pages, confirmation
and form included, answer them 403), site administrators act; the block's people and another province's people get 404 (the council's home,
tied to no object, answers them 403).
"""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix import LOGIN, ROLES, Args, allowed, everyone, only

COUNCIL = {"admin", "staff", "member"}
ACT = {"admin", "staff"}


def acted(ok: int) -> dict[str, int]:
    """Staff and administrators get `ok`, members 403, everyone else 404."""
    return {
        role: (ok if role in ACT else 403 if role == "member" else 404)
        for role in ROLES
        if role != "anonymous"
    } | {"anonymous": LOGIN}


def _nomination_at(w: World, status: str) -> Any:
    """Unit 3's nomination for an award any member may get, put at a council status (the pages
    only read it; the services that move it are tested on their own)."""
    from awards.models import Nomination
    from tests.factories import make_award_type, make_nominations

    award = make_award_type()
    nomination = make_nominations(w, award.code, units=[w.units[2]])[0]
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    return nomination


def sent_nomination(w: World) -> list[Any]:
    return [_nomination_at(w, "submitted").pk]


def received_nomination(w: World) -> list[Any]:
    return [_nomination_at(w, "received").pk]


def council_year(w: World) -> list[Any]:
    sent_nomination(w)
    return [w.authority.pk, w.block_year.year]


ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:council_index": (lambda w: [], allowed(COUNCIL), everyone(405)),
    "awards:intake_list": (council_year, only(COUNCIL, 200, 404), everyone(405)),
    "awards:intake_detail": (sent_nomination, only(COUNCIL, 200, 404), everyone(405)),
    # Received by the POST: back to the nomination.
    "awards:intake_receive": (sent_nomination, acted(200), acted(302)),
    # An empty checklist: the refusal is shown on the form, nothing is saved.
    "awards:intake_appraise": (received_nomination, acted(200), acted(200)),
}

# Once the year is archived: name -> (GET statuses, POST statuses). The council still reads the
# year's nominations, and acts on none of them.
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:intake_list": (only(COUNCIL, 200, 404), everyone(405)),
    "awards:intake_detail": (only(COUNCIL, 200, 404), everyone(405)),
    "awards:intake_receive": (acted(403), acted(403)),
    "awards:intake_appraise": (acted(403), acted(403)),
}
