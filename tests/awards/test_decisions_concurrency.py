"""Two staff drafting at the same instant: one decision per number, each nomination in one
decision, and a message a person can act on for the other (PostgreSQL: row locks and unique
checks across transactions are real only there)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from awards.models import Awardee, AwardType, Decision, Nomination
from awards.services import decisions
from blocks.models import CouncilRole
from emulation.audit import verify_chain
from emulation.errors import DomainError
from tests.awards.matrix_decisions import SIGNED_ON
from tests.concurrency import at_once
from tests.factories import YEAR, make_award_type, make_user, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


def _award(code: str) -> AwardType:
    # Transactional tests empty every table afterwards, the seeded award types with them.
    found = AwardType.objects.filter(code=code).first()
    return found or make_award_type(code, name_vi=f"Giải {code}")


def _set_up(settings: Any, tmp_path: Any, codes: list[str]) -> tuple[Any, list[Any], list[Any]]:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    second = make_user("staff2", full_name="Cán bộ thứ hai")
    CouncilRole.objects.create(user=second, authority=world.authority, role=CouncilRole.Role.STAFF)
    awards = [_award(code) for code in codes]
    for index, award in enumerate(awards):
        Nomination.objects.create(
            block_year=world.block_year,
            award_type=award,
            unit=world.units[index],
            unit_name=world.units[index].name,
            status=Nomination.Status.APPROVED,
        )
    return world, [world.staff, second], awards


def _draft(world: Any, award: AwardType, by: Any, number: str) -> Decision:
    return decisions.draft_decision(
        world.authority,
        YEAR,
        award,
        by=by,
        number=number,
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="",
        legal_bases="Luật Thi đua, khen thưởng số 06/2022/QH15",
    )


def test_two_staff_drafting_two_awards_under_one_number_make_one_decision(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    world, staff, awards = _set_up(settings, tmp_path, ["decision-a", "decision-b"])
    results = at_once(2, lambda i: _draft(world, awards[i], staff[i], "125/QĐ-UBND"))
    made = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert "already has a document numbered 125/QĐ-UBND" in refused[0].message
    assert Decision.objects.count() == 1 and Awardee.objects.count() == 1
    assert verify_chain() is None


def test_two_staff_drafting_the_same_award_list_each_nomination_once(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    world, staff, awards = _set_up(settings, tmp_path, ["decision-a"])
    results = at_once(2, lambda i: _draft(world, awards[0], staff[i], f"{125 + i}/QĐ-UBND"))
    made = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert "No nomination" in refused[0].message
    assert Decision.objects.count() == 1 and Awardee.objects.count() == 1
