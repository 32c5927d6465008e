"""A scoring sheet's statuses and the moves each allows, as a table."""

from __future__ import annotations

import pytest

from scoring.models import ScoreSheet

S = ScoreSheet.Status
ALL = list(S)

ALLOWED = {
    (S.DRAFT, S.SUBMITTED),  # the leader submits
    (S.SUBMITTED, S.DRAFT),  # the secretariat reopens, with a reason
    (S.SUBMITTED, S.RETURNED),  # the reviewer sends the results
    (S.RETURNED, S.ACCEPTED),  # the unit accepts
    (S.RETURNED, S.RESPONDED),  # the unit answers
    (S.RETURNED, S.FINAL),  # no answer within the window
    (S.ACCEPTED, S.FINAL),
    (S.RESPONDED, S.FINAL),  # settled by the secretariat
}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_a_sheet_moves_only_as_the_table_says(source: str, target: str) -> None:
    assert ScoreSheet(status=source).can_move_to(target) == ((source, target) in ALLOWED)


@pytest.mark.parametrize("status", ALL)
def test_reviewers_change_scores_only_under_review_or_to_settle_an_answer(status: str) -> None:
    assert ScoreSheet(status=status).is_reviewable == (status in {S.SUBMITTED, S.RESPONDED})
