"""A nomination's statuses, from the block's draft to the council's award, and the moves each
allows, as a table."""

from __future__ import annotations

import pytest

from awards.models import Nomination

S = Nomination.Status
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.RECEIVED),
    (S.SUBMITTED, S.RETURNED),
    (S.RETURNED, S.SUBMITTED),
    (S.RECEIVED, S.APPRAISED),
    (S.RECEIVED, S.RETURNED),
    (S.APPRAISED, S.APPRAISED),
    (S.APPRAISED, S.SCHEDULED),
    (S.APPRAISED, S.RETURNED),
    (S.SCHEDULED, S.APPRAISED),
    (S.SCHEDULED, S.APPROVED),
    (S.SCHEDULED, S.REJECTED),
    (S.APPROVED, S.AWARDED),
}


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_a_nomination_moves_only_as_the_table_says(source: str, target: str) -> None:
    assert Nomination(status=source).can_move_to(target) == ((source, target) in ALLOWED)


@pytest.mark.parametrize("status", list(S))
def test_the_council_holds_a_nomination_from_its_sending_until_it_is_returned(
    status: str,
) -> None:
    held = status not in {S.DRAFT, S.RETURNED}
    assert Nomination(status=status).is_with_council == held


def test_a_decided_nomination_never_goes_back() -> None:
    assert not any(Nomination(status=S.REJECTED).can_move_to(t) for t in S)
    assert not any(Nomination(status=S.AWARDED).can_move_to(t) for t in S)
