"""A ballot's statuses and the moves each allows, as a table; and the services keep to it."""

from __future__ import annotations

import pytest

from awards.models import Ballot
from awards.services import ballots
from emulation.errors import DomainError
from tests import counting
from tests.factories import World, make_ballot, make_closed_ballot

S = Ballot.Status
ALL = [S.DRAFT, S.OPEN, S.CLOSED]
ALLOWED = {(S.DRAFT, S.OPEN), (S.DRAFT, S.CLOSED), (S.OPEN, S.CLOSED)}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_a_ballot_moves_only_as_the_table_says(source: str, target: str) -> None:
    assert Ballot(status=source).can_move_to(target) == ((source, target) in ALLOWED)


def test_a_closed_ballot_is_never_reopened(world: World) -> None:
    ballot = make_closed_ballot(world)
    with pytest.raises(DomainError, match="cannot be opened"):
        counting.open_ballot(ballot, by=world.secretariat)
    with pytest.raises(DomainError, match="Only an open ballot can be closed"):
        counting.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    assert ballot.status == S.CLOSED


def test_an_open_ballot_is_not_opened_again(world: World) -> None:
    ballot = make_ballot(world)
    opened_at = ballot.opened_at
    with pytest.raises(DomainError, match="not being prepared"):
        counting.open_ballot(ballot, by=world.staff)
    ballot.refresh_from_db()
    assert ballot.opened_at == opened_at and ballot.opened_by == world.secretariat


def test_a_draft_is_not_closed_without_voting(world: World) -> None:
    ballot = make_ballot(world, opened=False)
    with pytest.raises(DomainError, match="Only an open ballot can be closed"):
        counting.close_ballot(ballot, by=world.secretariat)


def test_an_online_ballot_takes_no_paper_counts_and_a_paper_ballot_is_not_opened(
    world: World,
) -> None:
    online = make_ballot(world, opened=False)
    with pytest.raises(DomainError, match="held on paper"):
        ballots.record_paper_ballot(
            online, by=world.secretariat, members=4, cast=4, counts={}, scan=None
        )
    paper = make_ballot(world, kind="head", method="paper")
    with pytest.raises(DomainError, match="recorded from its counts, not opened"):
        ballots.open_ballot(paper, by=world.secretariat)
    paper.refresh_from_db()
    assert paper.status == S.DRAFT
