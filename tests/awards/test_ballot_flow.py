"""Ballots through the services: who stands, who votes, when, and what closing produces."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from awards.models import (
    AwardType,
    Ballot,
    BallotCandidate,
    BallotReminder,
    Nomination,
    RollEntry,
    SealedBallot,
)
from awards.services import ballots, voting
from blocks.models import Membership
from emulation.errors import DomainError
from tests import counting
from tests.factories import (
    World,
    make_ballot,
    make_first_place_tie,
    make_leaders,
    make_published_ranking,
    make_unit,
)

pytestmark = pytest.mark.django_db
K = Ballot.Kind


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def names(ballot: Ballot) -> list[str]:
    return list(ballot.candidates.order_by("position").values_list("unit_name", flat=True))


def agree_all(ballot: Ballot) -> dict[int, bool]:
    return {c.pk: True for c in ballot.candidates.all()}


def test_a_nomination_ballot_counts_after_closing_and_nominates(world: World) -> None:
    make_published_ranking(world)
    leaders = make_leaders(world)
    ballot = ballots.create_ballot(
        world.block_year,
        by=world.secretariat,
        kind=K.NOMINATION,
        award=award("chairman-certificate"),
    )
    counting.open_ballot(ballot, by=world.secretariat)
    candidates = list(ballot.candidates.all())
    first = candidates[0]
    receipts = []
    for leader in leaders:
        choices = {c.pk: c.pk == first.pk for c in candidates}
        receipts.append(ballots.cast_vote(ballot, by=leader, choices=choices))
    with pytest.raises(DomainError, match="already voted"):
        ballots.cast_vote(ballot, by=leaders[0], choices=agree_all(ballot))
    assert RollEntry.objects.filter(box__ballot=ballot).count() == len(leaders)
    assert ballots.check_receipt(ballot, receipts[0]) == voting.ReceiptCheck(True, False)
    first.refresh_from_db()
    assert first.approvals is None, "nothing is counted before closing"
    counting.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    first.refresh_from_db()
    assert (ballot.status, ballot.cast, ballot.members, ballot.quorum_reached) == (
        "closed",
        4,
        4,
        True,
    )
    assert (first.elected, first.approvals, first.disapprovals) == (True, 4, 0)
    assert len(ballot.results_sha256) == 64
    assert ballots.check_receipt(ballot, receipts[1].lower()) == voting.ReceiptCheck(True, True)
    assert SealedBallot.objects.filter(box__ballot=ballot).count() == len(leaders)
    assert list(Nomination.objects.filter(ballot=ballot).values_list("unit", flat=True)) == [
        first.unit_id
    ]


def test_ballots_wait_for_the_published_ranking(world: World) -> None:
    with pytest.raises(DomainError, match="once the year's ranking is published"):
        ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.HEAD)
    assert not Ballot.objects.exists()


def test_the_rules_suggest_the_candidates_of_each_kind(world: World) -> None:
    make_published_ranking(world)
    by = world.block_year
    leading = ballots.suggested_candidates(by, K.ACCLAIM)
    nominees = ballots.suggested_candidates(by, K.NOMINATION, award("chairman-certificate"))
    assert [u.name for u in leading] == ["Văn phòng Tỉnh ủy"]
    # Ranked at most 4th and classified excellent: the Propaganda Board (95, "completed") is not.
    assert [u.name for u in nominees] == [
        "Văn phòng Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Báo Quảng Trị",
    ]
    assert len(ballots.suggested_candidates(by, K.HEAD)) == 4
    assert ballots.suggested_candidates(by, K.TIE) == []
    ballot = ballots.create_ballot(by, by=world.secretariat, kind=K.ACCLAIM)
    assert (names(ballot), ballot.mode, ballot.seats) == (["Văn phòng Tỉnh ủy"], "approve", 1)
    assert ballot.title == "Acclaim the leading unit of 2026"


def test_a_nomination_takes_its_quorum_threshold_and_places_from_the_award(world: World) -> None:
    make_published_ranking(world)
    flag = award("government-flag")
    flag.quorum_numerator, flag.quorum_denominator = 3, 4
    flag.save()
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind=K.NOMINATION, award=flag
    )
    assert (ballot.quorum_numerator, ballot.quorum_denominator) == (3, 4)
    assert (ballot.approval_numerator, ballot.approval_denominator, ballot.approval_strict) == (
        2,
        3,
        False,
    )
    assert ballot.seats == flag.max_per_block == 1
    # A later change of the award's rules does not change a ballot already prepared.
    flag.approval_numerator = 1
    flag.save()
    ballot.refresh_from_db()
    assert ballot.approval_numerator == 2


def test_a_unit_that_does_not_meet_the_rules_is_refused_with_the_reason(world: World) -> None:
    make_published_ranking(world)
    with pytest.raises(DomainError) as refusal:
        ballots.create_ballot(
            world.block_year,
            by=world.secretariat,
            kind=K.NOMINATION,
            award=award("pm-certificate"),
            units=[world.units[0], world.units[2]],
        )
    assert refusal.value.field == "units"
    assert "Ban Tuyên giáo Tỉnh ủy: Ranked within the first 3 places" in refusal.value.message
    assert "Rank 4 with 95 points" in refusal.value.message
    with pytest.raises(DomainError, match="is not the leading unit"):
        ballots.create_ballot(
            world.block_year, by=world.secretariat, kind=K.ACCLAIM, units=[world.units[1]]
        )
    with pytest.raises(DomainError, match="Only member units can be candidates: Báo Ninh Thuận"):
        ballots.create_ballot(
            world.block_year, by=world.secretariat, kind=K.HEAD, units=[world.other_unit]
        )
    assert not Ballot.objects.exists() and not BallotCandidate.objects.exists()


def test_a_tie_for_first_place_is_settled_before_the_leading_unit_is_acclaimed(
    world: World,
) -> None:
    make_first_place_tie(world)
    leaders = make_leaders(world)
    by = world.block_year
    with pytest.raises(DomainError, match="tied for first place: settle the tie by a ballot"):
        ballots.create_ballot(by, by=world.secretariat, kind=K.ACCLAIM)
    with pytest.raises(DomainError, match="is not tied for first place"):
        ballots.create_ballot(by, by=world.secretariat, kind=K.TIE, units=[world.units[2]])
    tie = ballots.create_ballot(by, by=world.secretariat, kind=K.TIE)
    assert sorted(names(tie)) == sorted(
        ["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Báo Quảng Trị"]
    )
    assert (tie.mode, tie.seats) == ("choose", 1)
    counting.open_ballot(tie, by=world.secretariat)
    office = tie.candidates.get(unit=world.units[0])
    for leader in leaders:
        ballots.cast_vote(tie, by=leader, choices={office.pk: True})
    counting.close_ballot(tie, by=world.secretariat)
    acclaim = ballots.create_ballot(by, by=world.secretariat, kind=K.ACCLAIM)
    assert names(acclaim) == ["Văn phòng Tỉnh ủy"]


def test_one_ballot_for_a_thing_at_a_time_and_none_once_decided(world: World) -> None:
    ballot = make_ballot(world, kind=K.ACCLAIM)
    with pytest.raises(DomainError, match="already being prepared or open"):
        ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    for leader in make_leaders(world):
        ballots.cast_vote(ballot, by=leader, choices=agree_all(ballot))
    counting.close_ballot(ballot, by=world.secretariat)
    with pytest.raises(DomainError, match="already decided it"):
        ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    # Another award is another question.
    ballots.create_ballot(
        world.block_year, by=world.secretariat, kind=K.NOMINATION, award=award("pm-certificate")
    )


def test_an_undecided_election_can_be_held_again(world: World) -> None:
    ballot = make_ballot(world, kind=K.HEAD)
    for leader, candidate in zip(make_leaders(world), ballot.candidates.all(), strict=True):
        ballots.cast_vote(ballot, by=leader, choices={candidate.pk: True})  # one vote each
    counting.close_ballot(ballot, by=world.secretariat)
    assert not ballot.candidates.filter(elected=True).exists()
    again = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.HEAD)
    assert again.status == "draft"


def test_closing_dates_in_the_past_are_refused(world: World) -> None:
    make_published_ranking(world)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="cannot be in the past") as refusal:
        ballots.create_ballot(
            world.block_year, by=world.secretariat, kind=K.HEAD, closes_on=yesterday
        )
    assert refusal.value.field == "closes_on"
    ballot = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.HEAD)
    Ballot.objects.filter(pk=ballot.pk).update(closes_on=yesterday)
    with pytest.raises(DomainError, match="closing date has passed"):
        counting.open_ballot(ballot, by=world.secretariat)
    counting.open_ballot(ballot, by=world.secretariat, closes_on=timezone.localdate())
    ballot.refresh_from_db()
    assert (ballot.status, ballot.closes_on) == ("open", timezone.localdate())


def test_no_vote_after_the_closing_date(world: World) -> None:
    ballot = make_ballot(world, kind=K.HEAD)
    Ballot.objects.filter(pk=ballot.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    candidate = ballot.candidates.first()
    assert candidate is not None
    with pytest.raises(DomainError, match="Voting closed on"):
        ballots.cast_vote(ballot, by=world.leader, choices={candidate.pk: True})
    assert not RollEntry.objects.exists() and not SealedBallot.objects.exists()


def test_only_the_leader_of_a_member_unit_votes(world: World) -> None:
    ballot = make_ballot(world, kind=K.HEAD)
    candidate = ballot.candidates.first()
    assert candidate is not None
    for person in (world.officer, world.secretariat, world.staff, world.admin, world.outsider):
        with pytest.raises(DomainError, match="Only the leader of a member unit"):
            ballots.cast_vote(ballot, by=person, choices={candidate.pk: True})
    # A unit that has left the block no longer votes.
    Membership.objects.filter(block_year=world.block_year, unit=world.units[3]).update(
        left_on=datetime.date(2026, 6, 30)
    )
    with pytest.raises(DomainError, match="Only the leader of a member unit"):
        ballots.cast_vote(ballot, by=world.leader2, choices={candidate.pk: True})
    assert not SealedBallot.objects.exists()


def test_a_ballot_paper_must_be_complete_and_within_the_places(world: World) -> None:
    approve = make_ballot(world)
    first = approve.candidates.order_by("position").first()
    assert first is not None
    with pytest.raises(DomainError, match="agree or disagree for every candidate"):
        ballots.cast_vote(approve, by=world.leader, choices={first.pk: True})
    other = make_ballot(world, kind=K.HEAD, seats=2)
    with pytest.raises(DomainError, match="Choose at most 2 candidate"):
        ballots.cast_vote(other, by=world.leader, choices=agree_all(other))
    with pytest.raises(DomainError, match="not on it"):
        ballots.cast_vote(other, by=world.leader, choices={first.pk: True})
    assert not RollEntry.objects.exists() and not SealedBallot.objects.exists()
    # A blank choice is a ballot cast for nobody.
    ballots.cast_vote(other, by=world.leader, choices={})
    assert SealedBallot.objects.filter(box__ballot=other).count() == 1


def test_a_receipt_is_found_only_in_its_own_ballot(world: World) -> None:
    one = make_ballot(world, kind=K.HEAD)
    two = make_ballot(world, kind=K.DEPUTY)
    receipt = ballots.cast_vote(one, by=world.leader, choices={})
    assert ballots.check_receipt(one, receipt).found
    assert not ballots.check_receipt(two, receipt).found
    assert not ballots.check_receipt(one, "ABCD-EFGH-JKLM").found
    assert receipt not in str(list(SealedBallot.objects.values_list("receipt_sha256", flat=True)))


def test_a_unit_joining_later_is_not_counted_among_those_entitled(world: World) -> None:
    ballot = make_ballot(world, kind=K.HEAD)
    newcomer = make_unit(world.authority)
    Membership.objects.create(
        block_year=world.block_year, unit=newcomer, position=9, joined_on=timezone.localdate()
    )
    ballot.refresh_from_db()
    assert ballot.members == 4


@pytest.fixture
def addressed(world: World) -> World:
    for person in [*make_leaders(world), world.officer, world.secretariat]:
        person.email = f"{person.username}@example.vn"
        person.preferred_language = "en"
        person.save(update_fields=["email", "preferred_language"])
    return world


def test_opening_and_closing_tell_the_block_by_email(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    ballot = make_ballot(addressed, kind=K.ACCLAIM, opened=False)
    with django_capture_on_commit_callbacks(execute=True):
        counting.open_ballot(ballot, by=addressed.secretariat, closes_on=datetime.date(2100, 1, 5))
    opened = sorted(m.to[0] for m in mailoutbox)
    assert opened == sorted(f"{u.username}@example.vn" for u in make_leaders(addressed))
    message = mailoutbox[0]
    assert message.subject == "Secret ballot open: Acclaim the leading unit of 2026"
    assert "Voting closes on 05/01/2100." in message.body
    assert f"/ballots/{ballot.pk}/" in message.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for leader in make_leaders(addressed):
            ballots.cast_vote(ballot, by=leader, choices=agree_all(ballot))
    assert mailoutbox == [], "a vote sends nothing"
    with django_capture_on_commit_callbacks(execute=True):
        counting.close_ballot(ballot, by=addressed.secretariat)
    tellers = {t.user.email for t in ballot.box.tellers.select_related("user")}
    counted = [m for m in mailoutbox if m.to[0] not in tellers or "results" in m.subject]
    assert len(counted) == 6  # every person of the member units
    asked = [m for m in mailoutbox if m.subject.startswith("Counting board")]
    assert sorted(m.to[0] for m in asked) == sorted(tellers), "the tellers are asked to count"
    body = counted[0].body
    assert "4 of 4 member units voted" in body
    assert "Succeeded: Văn phòng Tỉnh ủy." in body
    assert counted[0].subject == "Ballot results: Acclaim the leading unit of 2026"


def test_leaders_who_have_not_voted_are_reminded_once_a_day(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    ballot = make_ballot(addressed, kind=K.HEAD, opened=False)
    counting.open_ballot(
        ballot, by=addressed.secretariat, closes_on=today + datetime.timedelta(days=1)
    )
    ballots.cast_vote(ballot, by=addressed.leader, choices={})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert ballots.send_ballot_reminders(today=today) == 3
        assert ballots.send_ballot_reminders(today=today) == 0
    assert len(mailoutbox) == 3
    assert "leader@example.vn" not in [m.to[0] for m in mailoutbox]
    assert "has not yet cast its ballot" in mailoutbox[0].body
    assert BallotReminder.objects.count() == 3
