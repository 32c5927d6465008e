"""Council votes at the same instant: every member counted exactly once, a double click records
one vote (PostgreSQL: row locks are real only there)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from awards.models import RollEntry, SealedBallot
from awards.services import sessions
from emulation.audit import verify_chain
from emulation.errors import DomainError
from tests import counting
from tests.concurrency import at_once
from tests.factories import World, make_council_members, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


def _open_session(world: World, members: list[Any]) -> Any:
    """An open session on appraised nominations (written directly: transactional tests empty the
    seeded award types, so one is made here)."""
    from awards.models import Nomination
    from tests.factories import make_award_type

    award = make_award_type("council-test")
    nominations = [
        Nomination.objects.create(
            block_year=world.block_year,
            award_type=award,
            unit=unit,
            unit_name=unit.name,
            status="appraised",
        )
        for unit in world.units[:2]
    ]
    session = sessions.create_session(
        world.authority,
        by=world.staff,
        year=world.block_year.year,
        title="Phiên họp",
        held_on=world.block_year.last_day,
    )
    sessions.add_to_agenda(session, nominations, by=world.staff)
    sessions.record_attendance(session, members, by=world.staff)
    return counting.open_session(session, by=world.staff)


def test_every_member_voting_at_once_is_counted_once(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    members = [world.member, *make_council_members(world, 5)]
    session = _open_session(world, members)
    agree = {item.pk: True for item in session.items.all()}
    results = at_once(
        len(members),
        lambda i: sessions.cast_council_vote(session, by=members[i], choices=agree),
    )
    assert all(isinstance(r, str) for r in results), results
    assert RollEntry.objects.filter(box__session=session).count() == len(members)
    assert sorted(RollEntry.objects.values_list("voted_by_id", flat=True)) == sorted(
        m.pk for m in members
    )
    counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert session.cast == len(members)
    assert set(session.items.values_list("approvals", flat=True)) == {len(members)}
    assert verify_chain() is None


def test_a_double_click_records_one_vote(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    session = _open_session(world, [world.member])
    agree = {item.pk: True for item in session.items.all()}
    results = at_once(
        4, lambda _i: sessions.cast_council_vote(session, by=world.member, choices=agree)
    )
    receipts = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert (len(receipts), len(refusals)) == (1, 3), results
    assert all("already voted" in r.message for r in refusals)
    assert RollEntry.objects.filter(box__session=session).count() == 1
    assert SealedBallot.objects.filter(box__session=session).count() == 1
    assert verify_chain() is None
