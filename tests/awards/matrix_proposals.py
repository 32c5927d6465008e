"""Permission-matrix rows for the people of units and their proposals for awards to individuals:
name -> (arguments, GET statuses, POST statuses). A unit's people and its proposals are kept by
its own leader and officer (and, for the records, the council's staff); the year's proposals are
seen by whoever sees the year, each their own unit's unless they run the year; proposing and
withdrawing are done by the unit's own people only."""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix import (
    FORM_ERRORS,
    MANAGE,
    OWN_UNIT,
    SEE,
    Args,
    everyone,
    read_only,
    scoped,
    unit,
    year,
)

PEOPLE = MANAGE | OWN_UNIT
PROPOSERS = OWN_UNIT | {"secretariat"}  # the secretariat is an officer of a member unit


def person(w: World) -> list[Any]:
    from tests.factories import make_person

    return [make_person(w.units[2]).pk]


def proposal(w: World) -> list[Any]:
    from awards.models import AwardType
    from awards.services import proposals
    from tests.factories import make_person

    award = AwardType.objects.get(code="chairman-certificate-individual")
    found = proposals.propose_person(
        w.block_year, award, make_person(w.units[2]), by=w.officer, summary="Thành tích."
    )
    return [found.pk]


ROWS: dict[str, tuple[Args, dict[str, int], dict[str, Any]]] = {
    "blocks:unit_people": (unit, scoped(PEOPLE), everyone(405)),
    "blocks:unit_person_add": (unit, scoped(PEOPLE), scoped(PEOPLE, FORM_ERRORS)),
    "blocks:unit_person_edit": (person, scoped(PEOPLE), scoped(PEOPLE, FORM_ERRORS)),
    "blocks:unit_person_left": (person, scoped(PEOPLE), scoped(PEOPLE, FORM_ERRORS)),
    "awards:unit_proposals": (unit, scoped(PEOPLE), everyone(405)),
    "awards:proposal_list": (year, scoped(SEE), everyone(405)),
    "awards:proposal_create": (year, scoped(PROPOSERS), scoped(PROPOSERS, FORM_ERRORS)),
    "awards:proposal_withdraw": (proposal, scoped(OWN_UNIT), scoped(OWN_UNIT, FORM_ERRORS)),
}

NOT_OF_A_YEAR = {
    "blocks:unit_people",
    "blocks:unit_person_add",
    "blocks:unit_person_edit",
    "blocks:unit_person_left",
    "awards:unit_proposals",
}

ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:proposal_list": (scoped(SEE), everyone(405)),
    "awards:proposal_create": (read_only(), read_only()),
    "awards:proposal_withdraw": (read_only(), read_only()),
}
