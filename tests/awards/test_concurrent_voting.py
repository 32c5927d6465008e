"""Votes at the same instant: one ballot per unit, none lost, the audit chain intact
(PostgreSQL: row locks are real only there)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from awards.models import Ballot, RollEntry, SealedBallot
from awards.services import ballots
from emulation.audit import verify_chain
from emulation.errors import DomainError
from tests import counting
from tests.concurrency import at_once
from tests.factories import make_ballot, make_leaders, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)

# Transactional tests empty every table afterwards, the seeded award types with them: these
# ballots (acclaiming the leading unit) need none.


def test_simultaneous_clicks_of_one_leader_cast_exactly_one_ballot(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    agree = {c.pk: True for c in ballot.candidates.all()}
    results = at_once(5, lambda _i: ballots.cast_vote(ballot, by=world.leader, choices=agree))
    receipts = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert (len(receipts), len(refusals)) == (1, 4), results
    assert all("already voted" in r.message for r in refusals)
    assert RollEntry.objects.filter(box__ballot=ballot).count() == 1
    assert SealedBallot.objects.filter(box__ballot=ballot).count() == 1
    assert SealedBallot.objects.filter(box__ballot=ballot, sealed__isnull=False).count() == 1
    assert ballots.check_receipt(ballot, receipts[0]).found
    assert verify_chain() is None


def test_every_unit_voting_at_once_is_counted(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    leaders = make_leaders(world)
    agree = {c.pk: True for c in ballot.candidates.all()}
    results = at_once(
        len(leaders), lambda i: ballots.cast_vote(ballot, by=leaders[i], choices=agree)
    )
    assert all(isinstance(r, str) for r in results), results
    assert all(ballots.check_receipt(ballot, r).found for r in results if isinstance(r, str))
    counting.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    assert (ballot.cast, ballot.members) == (4, 4)
    assert set(ballot.candidates.values_list("approvals", flat=True)) == {4}
    assert verify_chain() is None


def test_closing_while_units_vote_loses_no_ballot(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    """Each vote lands either before the count (and is in it) or after (and is refused)."""
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    leaders = make_leaders(world)
    agree = {c.pk: True for c in ballot.candidates.all()}

    def act(i: int) -> object:
        if i == len(leaders):
            return counting.close_ballot(ballot, by=world.secretariat)
        return ballots.cast_vote(ballot, by=leaders[i], choices=agree)

    results = at_once(len(leaders) + 1, act)
    counted = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(counted) + len(refused) == len(leaders), results
    assert all("not open" in r.message for r in refused)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert ballot.cast == len(counted) == RollEntry.objects.filter(box__ballot=ballot).count()
    # Closed before the quorum had voted, the ballot is void and no receipt is counted.
    checks = [ballots.check_receipt(ballot, r) for r in counted]
    if ballot.is_void:
        assert not ballot.quorum_reached and all(c.void and not c.counted for c in checks)
    else:
        assert all(c.counted for c in checks)
    assert verify_chain() is None
