"""Quorum, approval share and places, counted with exact fractions (2/3 of 9 is 6, not 5.99)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards.models import Ballot, BallotCandidate
from awards.services.ballots import decide, quorum_count

MEMBERS, CAST = Ballot.Base.MEMBERS, Ballot.Base.CAST


def ballot(
    members: int,
    *,
    quorum: tuple[int, int] = (2, 3),
    approval: tuple[int, int] = (1, 2),
    base: str = MEMBERS,
    strict: bool = True,
    seats: int = 1,
) -> Ballot:
    return Ballot(
        members=members,
        quorum_numerator=quorum[0],
        quorum_denominator=quorum[1],
        approval_numerator=approval[0],
        approval_denominator=approval[1],
        approval_base=base,
        approval_strict=strict,
        seats=seats,
    )


def elected(result: dict[int, tuple[bool, str]]) -> set[int]:
    return {pk for pk, (won, _note) in result.items() if won}


def note(b: Ballot, result: dict[int, tuple[bool, str]], pk: int, agree: int, cast: int) -> str:
    """The outcome as a reader sees it, with its numbers."""
    b.cast = cast
    return BallotCandidate(ballot=b, outcome=result[pk][1], approvals=agree).outcome_note


def test_two_thirds_of_nine_members_is_a_quorum_of_six() -> None:
    b = ballot(9)
    assert quorum_count(b, 9) == 6
    assert b.quorum_met(6, 9) is True
    assert b.quorum_met(5, 9) is False


def test_two_thirds_of_eight_members_needs_six_not_five() -> None:
    b = ballot(8)
    assert quorum_count(b, 8) == 6  # 16/3 = 5.33, so 6
    assert (b.quorum_met(5, 8), b.quorum_met(6, 8)) == (False, True)


def test_more_than_half_of_eight_members_needs_five_votes() -> None:
    b = ballot(8, approval=(1, 2), strict=True)
    assert b.votes_needed(8, 8) == 5
    assert b.approved(4, 8, 8) is False  # exactly half is not more than half
    assert b.approved(5, 8, 8) is True


def test_at_least_two_thirds_of_the_ballots_cast_counts_on_the_cast() -> None:
    b = ballot(9, approval=(2, 3), base=CAST, strict=False)
    assert b.votes_needed(6, 9) == 4  # 2/3 of 6 is exactly 4: "at least" lets it pass
    assert (b.approved(3, 6, 9), b.approved(4, 6, 9)) == (False, True)
    assert b.votes_needed(7, 9) == 5  # 14/3 = 4.67


def test_the_same_votes_pass_or_fail_with_the_base_of_the_share() -> None:
    # Nine members, six voted, five agreed.
    assert ballot(9, approval=(1, 2), base=MEMBERS).approved(5, 6, 9) is True  # 5/9 > 1/2
    assert ballot(9, approval=(2, 3), base=MEMBERS, strict=False).approved(5, 6, 9) is False
    assert ballot(9, approval=(2, 3), base=CAST, strict=False).approved(5, 6, 9) is True


def test_eighty_percent_of_ten_members_needs_eight() -> None:
    b = ballot(10, approval=(4, 5), strict=False)
    assert b.votes_needed(10, 10) == 8
    assert (b.approved(7, 10, 10), b.approved(8, 10, 10)) == (False, True)


def test_without_quorum_nobody_succeeds_whatever_the_votes() -> None:
    b = ballot(9)
    result = decide(b, {1: (5, 0), 2: (0, 5)}, cast=5)
    assert elected(result) == set()
    assert {code for _w, code in result.values()} == {BallotCandidate.Outcome.NO_QUORUM}
    assert note(b, result, 1, 5, 5) == "No quorum: 5 of 9 units voted, 2/3 needed."
    assert elected(decide(b, {1: (6, 0), 2: (0, 6)}, cast=6)) == {1}


def test_the_places_go_to_the_most_votes_among_those_who_pass() -> None:
    b = ballot(9, seats=2)
    result = decide(b, {1: (9, 0), 2: (8, 1), 3: (7, 2), 4: (3, 6)}, cast=9)
    assert elected(result) == {1, 2}
    assert "outside the 2 place(s)" in note(b, result, 3, 7, 9)
    assert note(b, result, 4, 3, 9) == "Not enough votes: 3, 5 needed."
    assert note(b, result, 1, 9, 9) == "Succeeded with 9 votes (5 needed)."


def test_a_tie_at_the_last_place_decides_nothing_for_those_tied() -> None:
    b = ballot(9, seats=2)
    result = decide(b, {1: (9, 0), 2: (7, 2), 3: (7, 2)}, cast=9)
    assert elected(result) == {1}
    assert result[2][1] == result[3][1] == BallotCandidate.Outcome.OUTSIDE
    assert "tied" in note(b, result, 2, 7, 9)


def test_a_tie_that_fits_within_the_places_elects_all_tied() -> None:
    assert elected(decide(ballot(9, seats=2), {1: (7, 2), 2: (7, 2)}, cast=9)) == {1, 2}
    b = ballot(9, seats=3)
    assert elected(decide(b, {1: (9, 0), 2: (7, 2), 3: (7, 2), 4: (5, 4)}, cast=9)) == {1, 2, 3}


def test_a_single_place_with_two_equal_winners_elects_neither() -> None:
    result = decide(ballot(4, seats=1), {1: (3, 1), 2: (3, 1)}, cast=4)
    assert elected(result) == set()


@given(
    numerator=st.integers(1, 10),
    denominator=st.integers(1, 10),
    members=st.integers(1, 16),
    cast_share=st.floats(0, 1),
    base=st.sampled_from([MEMBERS, CAST]),
    strict=st.booleans(),
)
def test_votes_needed_is_exactly_where_approval_begins(
    numerator: int, denominator: int, members: int, cast_share: float, base: str, strict: bool
) -> None:
    numerator = min(numerator, denominator)
    cast = round(members * cast_share)
    b = ballot(members, approval=(numerator, denominator), base=base, strict=strict)
    needed = b.votes_needed(cast, members)
    counted = members if base == MEMBERS else cast
    for votes in range(counted + 1):
        share = Fraction(votes, counted) if counted else Fraction(0)
        exact = (
            (share > Fraction(numerator, denominator))
            if strict
            else (share >= Fraction(numerator, denominator))
        )
        assert b.approved(votes, cast, members) == (exact and counted > 0)
        assert b.approved(votes, cast, members) == (votes >= needed)


@pytest.mark.parametrize(("members", "expected"), [(3, 2), (4, 3), (6, 4), (9, 6), (12, 8)])
def test_the_quorum_count_is_the_fewest_ballots_that_make_it(members: int, expected: int) -> None:
    b = ballot(members)
    assert quorum_count(b, members) == expected
    assert b.quorum_met(expected, members) and not b.quorum_met(expected - 1, members)
