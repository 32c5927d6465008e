"""Every rule of the eligibility check: whether it passes, the data it used, its legal basis."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from awards import caps
from awards.caps import cap_for
from awards.eligibility import RuleResult, check, failures, passes
from awards.models import AwardType, Ballot, BallotCandidate, Nomination
from awards.services import ballots
from blocks.models import BlockYear, Membership, Unit
from scoring.models import CriteriaTable, Ranking, RankingRow
from tests import counting
from tests.factories import (
    World,
    make_block,
    make_block_year,
    make_first_place_tie,
    make_leaders,
    make_published_ranking,
    make_unit,
)

pytestmark = pytest.mark.django_db


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def rule(results: list[RuleResult], code: str) -> RuleResult:
    found = [r for r in results if r.code == code]
    assert len(found) == 1, [r.code for r in results]
    return found[0]


def acclaim(world: World, unit: Unit, *, elected: bool | None = True) -> Ballot:
    """The block's acclaim ballot, closed with the unit acclaimed or not (None: still open)."""
    ballot = Ballot.objects.create(
        block_year=world.block_year,
        kind=Ballot.Kind.ACCLAIM,
        mode=Ballot.Mode.APPROVE,
        status=Ballot.Status.OPEN if elected is None else Ballot.Status.CLOSED,
        created_by=world.staff,
    )
    BallotCandidate.objects.create(ballot=ballot, unit=unit, unit_name=unit.name, elected=elected)
    return ballot


def nominate(block_year: BlockYear, unit: Unit, code: str, **extra: object) -> Nomination:
    return Nomination.objects.create(
        block_year=block_year, award_type=award(code), unit=unit, unit_name=unit.name, **extra
    )


def test_only_a_current_member_unit_qualifies(world: World) -> None:
    make_published_ranking(world)
    flag = award("excellent-labour")
    member = rule(check(flag, world.block_year, world.units[2]), "member")
    assert (member.passed, member.rule) == (True, "The unit is a member of the block in 2026.")
    assert member.data == "Member of Khối thi đua các cơ quan Đảng tỉnh Quảng Trị."
    assert member.legal_basis.startswith("Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25–27")
    assert member.version.startswith("Decree 152/2025/NĐ-CP (01/07/2025")
    Membership.objects.filter(unit=world.units[2]).update(left_on=datetime.date(2026, 9, 1))
    gone = rule(check(flag, world.block_year, world.units[2]), "member")
    assert (gone.passed, gone.data) == (
        False,
        "Not a current member of Khối thi đua các cơ quan Đảng tỉnh Quảng Trị.",
    )
    assert rule(check(flag, world.block_year, world.other_unit), "member").passed is False


def test_without_a_published_ranking_the_ranking_rules_cannot_pass(world: World) -> None:
    results = check(award("provincial-flag"), world.block_year, world.units[0])
    ranking = rule(results, "ranking")
    assert (ranking.passed, ranking.data) == (False, "No published ranking includes the unit.")
    assert not passes(results)


def test_only_the_leading_unit_qualifies_for_a_flag(world: World) -> None:
    make_published_ranking(world)
    flag = award("provincial-flag")
    first = rule(check(flag, world.block_year, world.units[0]), "leading")
    assert first.passed is True
    assert first.rule == "Only the block's leading unit (first in the ranking) may be proposed."
    assert first.data == "Rank 1 with 105 points, classified “Hoàn thành xuất sắc nhiệm vụ”."
    second = rule(check(flag, world.block_year, world.units[1]), "leading")
    assert second.passed is False
    assert second.data == "Rank 2 with 100 points, classified “Hoàn thành xuất sắc nhiệm vụ”."


def test_a_tie_for_first_place_is_leading_only_for_the_winner_of_the_tie_ballot(
    world: World,
) -> None:
    make_first_place_tie(world)
    flag = award("provincial-flag")
    tied = [world.units[0], world.units[1], world.units[3]]
    for unit in tied:
        leading = rule(check(flag, world.block_year, unit), "leading")
        assert leading.passed is False
        assert leading.data.endswith("Tied for first place: settled by a vote.")
    leaders = make_leaders(world)  # before the ballot opens, to vote in it
    tie = ballots.create_ballot(world.block_year, by=world.secretariat, kind=Ballot.Kind.TIE)
    counting.open_ballot(tie, by=world.secretariat)
    winner = tie.candidates.get(unit=world.units[1])
    for leader in leaders:
        ballots.cast_vote(tie, by=leader, choices={winner.pk: True})
    counting.close_ballot(tie, by=world.secretariat)
    outcome = {u.pk: rule(check(flag, world.block_year, u), "leading").passed for u in tied}
    assert outcome == {world.units[0].pk: False, world.units[1].pk: True, world.units[3].pk: False}


def test_a_ranked_award_takes_units_within_the_first_places(world: World) -> None:
    make_published_ranking(world)
    merit = award("pm-certificate")  # ranked within the first 3
    second = rule(check(merit, world.block_year, world.units[1]), "rank")
    fourth = rule(check(merit, world.block_year, world.units[2]), "rank")
    assert (second.passed, fourth.passed) == (True, False)
    assert fourth.rule == "Ranked within the first 3 places of the block."
    assert fourth.data == "Rank 4 with 95 points, classified “Hoàn thành nhiệm vụ”."
    merit.max_rank = 4
    merit.save()
    assert rule(check(merit, world.block_year, world.units[2]), "rank").passed is True


@pytest.mark.parametrize(("min_band", "passed"), [(1, False), (2, False), (3, True), (4, True)])
def test_the_classification_must_reach_the_awards_band(
    world: World, min_band: int, passed: bool
) -> None:
    make_published_ranking(world)
    labour = award("excellent-labour")
    labour.min_band = min_band
    labour.save()
    band = rule(check(labour, world.block_year, world.units[2]), "band")  # "Hoàn thành nhiệm vụ"
    assert band.passed is passed
    wanted = [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ][min_band - 1]
    assert band.rule == f"Classified at least “{wanted}”."


def test_an_unclassified_unit_does_not_reach_any_band(world: World) -> None:
    make_published_ranking(world)
    RankingRow.objects.filter(unit=world.units[1]).update(band="")
    band = rule(check(award("excellent-labour"), world.block_year, world.units[1]), "band")
    assert band.passed is False
    assert "classified “—”" in band.data


def test_at_most_so_many_per_block(world: World) -> None:
    make_published_ranking(world)
    flag = award("provincial-flag")  # one per block
    own = nominate(world.block_year, world.units[0], "provincial-flag")
    other = rule(check(flag, world.block_year, world.units[1]), "per_block")
    assert (other.passed, other.rule) == (False, "At most 1 per block.")
    assert other.data == "Other units of the block already proposed: 1."
    # The nomination itself, checked again, does not count against itself.
    itself = rule(check(flag, world.block_year, world.units[0], nomination=own), "per_block")
    assert (itself.passed, itself.data) == (True, "Other units of the block already proposed: 0.")


@pytest.mark.parametrize(
    ("leading", "cap"), [(1, 0), (4, 0), (5, 1), (9, 1), (10, 2), (12, 2), (14, 2), (15, 3)]
)
def test_the_authority_cap_is_rounded_down(leading: int, cap: int) -> None:
    assert cap_for(AwardType(cap_percent=20), leading) == cap


def _published_blocks(world: World, count: int) -> list[BlockYear]:
    """`count` more blocks of the province with a published ranking this year (written
    directly: only their existence counts here)."""
    years = []
    for _ in range(count):
        unit = make_unit(world.authority)
        block_year = make_block_year(make_block(world.authority), [unit], head=unit)
        table = CriteriaTable.objects.create(block_year=block_year)
        Ranking.objects.create(
            table=table, published_at=timezone.now(), published_by=world.staff, sha256="0" * 64
        )
        years.append(block_year)
    return years


def test_government_flags_are_at_most_a_fifth_of_the_leading_units(world: World) -> None:
    make_published_ranking(world)
    flag = award("government-flag")
    known = caps.blocks_organised(world.authority, 2026)
    others = _published_blocks(world, 12 - known)  # 12 blocks, each with a leading unit: 2
    assert caps.leading_units(world.authority, world.block_year.year) == 12
    nominate(others[0], others[0].memberships.get().unit, "government-flag")
    cap = rule(check(flag, world.block_year, world.units[0]), "cap")
    assert cap.passed is True
    assert cap.data == (
        "Leading units counted for 2026: 12 (the blocks this app knows; the council has not"
        " entered the number yet), so at most 2 proposals (rounded down); already proposed for"
        " other units: 1."
    )
    # Another province's proposals do not count against this one's cap.
    elsewhere = BlockYear.objects.get(block=world.other_block)
    nominate(elsewhere, world.other_unit, "government-flag")
    assert rule(check(flag, world.block_year, world.units[0]), "cap").passed is True
    nominate(others[1], others[1].memberships.get().unit, "government-flag")
    cap = rule(check(flag, world.block_year, world.units[0]), "cap")
    assert cap.passed is False
    assert "already proposed for other units: 2." in cap.data
    assert cap.rule.startswith("Proposals at most 20% of the leading units of")


def test_with_four_leading_units_no_government_flag_can_be_proposed(world: World) -> None:
    make_published_ranking(world)
    _published_blocks(world, 4 - caps.blocks_organised(world.authority, 2026))
    cap = rule(check(award("government-flag"), world.block_year, world.units[0]), "cap")
    assert cap.passed is False
    assert "2026: 4 (" in cap.data and "so at most 0 proposals" in cap.data


def test_a_government_flag_needs_the_provincial_flag_proposal_too(world: World) -> None:
    make_published_ranking(world)
    flag = award("government-flag")
    missing = rule(check(flag, world.block_year, world.units[0]), "prerequisite")
    assert (missing.passed, missing.data) == (False, "Not proposed for it.")
    assert missing.rule == "Also proposed for “Provincial Emulation Flag” this year."
    nominate(world.block_year, world.units[0], "provincial-flag")
    assert rule(check(flag, world.block_year, world.units[0]), "prerequisite").passed is True


def test_attestations_wait_pass_or_fail_as_the_unit_gave_them(world: World) -> None:
    make_published_ranking(world)
    flag = award("provincial-flag")
    nomination = nominate(world.block_year, world.units[0], "provincial-flag")
    acclaim(world, world.units[0])
    waiting = check(flag, world.block_year, world.units[0], nomination=nomination)
    attested = [r for r in waiting if r.code.startswith("attest:")]
    assert [(r.code, r.passed, r.data) for r in attested] == [
        ("attest:no_discipline", None, "Not yet attested."),
        ("attest:no_inspection", None, "Not yet attested."),
        ("attest:no_complaint", None, "Not yet attested."),
    ]
    assert all(r.legal_basis.startswith("Nghị định số 152/2025/NĐ-CP") for r in attested)
    assert not any(r.confirmed for r in attested)  # the article could not be confirmed
    assert not passes(waiting) and failures(waiting) == []
    nomination.attestations = {"no_discipline": True, "no_inspection": False}
    given = check(flag, world.block_year, world.units[0], nomination=nomination)
    assert [(r.passed, r.data) for r in given if r.code.startswith("attest:")] == [
        (True, "Attested by the unit."),
        (False, "The unit could not attest it."),
        (None, "Not yet attested."),
    ]
    assert [r.code for r in failures(given)] == ["attest:no_inspection"]
    nomination.attestations = dict.fromkeys(flag.attestations, True)
    assert passes(check(flag, world.block_year, world.units[0], nomination=nomination))


def test_the_ballot_check_keeps_the_rules_that_decide_candidacy(world: World) -> None:
    make_published_ranking(world)
    codes = [
        r.code
        for r in check(
            award("government-flag"), world.block_year, world.units[0], ranking_only=True
        )
    ]
    assert codes == ["member", "leading", "band"]
    full = [r.code for r in check(award("government-flag"), world.block_year, world.units[0])]
    assert full == [
        "member",
        "leading",
        "band",
        "acclaim",
        "per_block",
        "cap",
        "prerequisite",
        "one_award",
        "attest:no_discipline",
        "attest:no_inspection",
        "attest:no_complaint",
    ]
