"""Two clicks at the same instant propose a person once (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from awards.models import AwardType, PersonProposal
from awards.services import proposals
from tests.concurrency import at_once
from tests.factories import make_person, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


def test_simultaneous_proposals_of_one_person_give_one_proposal(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    person = make_person(world.units[2])
    award = AwardType.objects.get(code="chairman-certificate-individual")
    results = at_once(
        4,
        lambda i: proposals.propose_person(
            world.block_year,
            award,
            person,
            by=world.officer if i % 2 else world.leader,
            summary="Thành tích.",
        ),
    )
    assert all(isinstance(r, PersonProposal) for r in results), results
    assert len({r.pk for r in results if isinstance(r, PersonProposal)}) == 1
    assert PersonProposal.objects.count() == 1
