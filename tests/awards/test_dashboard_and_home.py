"""Steps 9–10 of the year's dashboard follow the ballots and the dossier; the home page lists what
each person must do about ballots, nominations, the dossier and the hand-over."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType, Ballot, Dossier, Nomination
from awards.services import ballots
from blocks.dashboard import StepState, timeline
from blocks.models import BlockYear
from tests import counting
from tests.factories import World, make_election, make_leaders, make_published_ranking

pytestmark = pytest.mark.django_db
K = Ballot.Kind


def steps(world: World) -> dict[int, StepState]:
    block_year = BlockYear.objects.get(pk=world.block_year.pk)
    return {
        step.number: state
        for step, state in timeline(block_year, world.secretariat)
        if step.number in (9, 10)
    }


def held(world: World, kind: str, award: str | None = None, close: bool = True) -> Ballot:
    """A ballot in which every leader agrees with (or chooses) the first candidate."""
    award_type = AwardType.objects.get(code=award) if award else None
    leaders = make_leaders(world)  # before the ballot opens, to vote in it
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind=kind, award=award_type
    )
    counting.open_ballot(ballot, by=world.secretariat)
    candidates = list(ballot.candidates.order_by("position"))
    for leader in leaders:
        choices = {c.pk: c == candidates[0] for c in candidates}
        if ballot.mode == Ballot.Mode.CHOOSE:
            choices = {candidates[0].pk: True}
        ballots.cast_vote(ballot, by=leader, choices=choices)
    if close:
        counting.close_ballot(ballot, by=world.secretariat)
    return ballot


def nominate(world: World, unit_index: int = 2, code: str = "chairman-certificate") -> Nomination:
    unit = world.units[unit_index]
    return Nomination.objects.create(
        block_year=world.block_year,
        award_type=AwardType.objects.get(code=code),
        unit=unit,
        unit_name=unit.name,
    )


def tasks(client: Any, user: Any) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


# Step 9 -----------------------------------------------------------------------------------------


def test_ballots_wait_for_the_published_ranking(world: World) -> None:
    found = steps(world)
    assert (found[9].status, found[10].status) == ("waiting", "waiting")
    assert "once the ranking is published" in str(found[9].summary)


def test_a_published_ranking_opens_step_9_with_the_ballot_list(world: World) -> None:
    make_published_ranking(world)
    found = steps(world)[9]
    assert found.status == "active" and "acclaim the leading unit" in str(found.summary)
    assert found.actions[0][1] == reverse("awards:ballot_list", args=[world.block_year.pk])


def test_an_open_ballot_shows_how_many_units_voted(world: World) -> None:
    make_published_ranking(world)
    ballot = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    assert "1 ballot being prepared." in str(steps(world)[9].summary)
    counting.open_ballot(ballot, by=world.secretariat)
    candidate = ballot.candidates.get()
    ballots.cast_vote(ballot, by=world.leader, choices={candidate.pk: True})
    found = steps(world)[9]
    assert found.status == "active"
    assert f"{ballot.title}: 1 of 4 units voted." in str(found.summary)


def test_step_9_is_done_once_the_acclaim_and_a_nomination_ballot_are_closed(world: World) -> None:
    make_published_ranking(world)
    held(world, K.ACCLAIM)
    assert steps(world)[9].status == "active"
    held(world, K.NOMINATION, "provincial-flag")
    found = steps(world)[9]
    assert (found.status, str(found.summary)) == ("done", "2 ballots closed.")
    held(world, K.HEAD, close=False)
    assert steps(world)[9].status == "active"  # an election still open


def test_step_9_links_the_minutes_and_the_hand_over_once_they_exist(world: World) -> None:
    from awards.documents.ballot_minutes import issue_minutes

    make_election(world, "head", world.units[2])
    labels = [str(label) for label, _url in steps(world)[9].actions]
    assert labels == ["Ballots", "Next year's head"]
    issue_minutes(world.block_year, by=world.secretariat)
    labels = [str(label) for label, _url in steps(world)[9].actions]
    assert labels == ["Ballots", "Minutes", "Next year's head"]


# Step 10 ----------------------------------------------------------------------------------------


def test_the_dossier_step_counts_ready_nominations_until_the_dossier_is_sent(
    world: World,
) -> None:
    make_published_ranking(world)
    world.block_year.dossier_deadline = datetime.date(2027, 3, 15)
    world.block_year.save(update_fields=["dossier_deadline"])
    assert "follows the nomination ballots" in str(steps(world)[10].summary)
    held(world, K.NOMINATION, "provincial-flag")
    found = steps(world)[10]
    assert (found.status, found.deadline) == ("active", datetime.date(2027, 3, 15))
    assert str(found.summary) == "0 of 1 nomination ready (report approved and attested)."
    assert found.actions[0][1] == reverse("awards:dossier_detail", args=[world.block_year.pk])
    Nomination.objects.update(report_approved_at=timezone.now(), attested_at=timezone.now())
    assert str(steps(world)[10].summary).startswith("1 of 1 nomination ready")
    sent = timezone.make_aware(datetime.datetime(2027, 3, 2, 9))
    Dossier.objects.create(
        block_year=world.block_year, status=Dossier.Status.SUBMITTED, submitted_at=sent
    )
    found = steps(world)[10]
    assert (found.status, str(found.summary)) == (
        "done",
        "Sent to the council on 02/03/2027 with 1 nomination.",
    )
    Nomination.objects.update(status=Nomination.Status.RETURNED, return_reason="Thiếu báo cáo")
    found = steps(world)[10]
    assert found.status == "active" and "1 returned by the council." in str(found.summary)


# Home -------------------------------------------------------------------------------------------


def test_a_leader_is_asked_to_vote_until_the_unit_has_voted(world: World, client: Any) -> None:
    make_published_ranking(world)
    ballot = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    assert "Vote:" not in tasks(client, world.leader)  # not open yet
    counting.open_ballot(ballot, by=world.secretariat, closes_on=timezone.localdate())
    page = tasks(client, world.leader)
    assert f"Vote: {ballot.title}" in page
    assert reverse("awards:ballot_vote", args=[ballot.pk]) in page
    assert "Vote:" not in tasks(client, world.officer)  # officers do not vote
    candidate = ballot.candidates.get()
    ballots.cast_vote(ballot, by=world.leader, choices={candidate.pk: True})
    assert "Vote:" not in tasks(client, world.leader)
    assert "Vote:" in tasks(client, world.leader2)


def test_the_secretariat_is_asked_to_open_and_then_to_close_its_ballots(
    world: World, client: Any
) -> None:
    make_published_ranking(world)
    ballot = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    page = tasks(client, world.secretariat)
    assert f"Open the ballot: {ballot.title}" in page
    assert reverse("awards:ballot_open", args=[ballot.pk]) in page
    assert "Open the ballot" not in tasks(client, world.leader)
    counting.open_ballot(ballot, by=world.secretariat)
    candidate = ballot.candidates.get()
    ballots.cast_vote(ballot, by=world.leader, choices={candidate.pk: True})
    page = tasks(client, world.secretariat)
    assert f"Close voting in the ballot: {ballot.title} (1 of 4 units voted)" in page
    counting.close_ballot(ballot, by=world.secretariat)
    assert ballot.title not in tasks(client, world.secretariat)


def test_the_unit_writes_approves_and_attests_its_nomination(world: World, client: Any) -> None:
    nomination = nominate(world)
    page = tasks(client, world.officer)
    assert "Write the achievement report of Ban Tuyên giáo Tỉnh ủy" in page
    assert reverse("awards:nomination_report", args=[nomination.pk]) in page
    page = tasks(client, world.leader)
    assert "Approve the achievement report" not in page  # nothing written yet
    assert "Give the attestations of Ban Tuyên giáo Tỉnh ủy" in page
    Nomination.objects.update(report_overview="Giới thiệu", report_updated_at=timezone.now())
    page = tasks(client, world.leader)
    assert "Approve the achievement report of Ban Tuyên giáo Tỉnh ủy" in page
    assert reverse("awards:nomination_report_approve", args=[nomination.pk]) in page
    Nomination.objects.update(report_approved_at=timezone.now(), attested_at=timezone.now())
    page = tasks(client, world.leader)
    assert "achievement report" not in page and "attestations" not in page
    assert "Write the achievement report" not in tasks(client, world.officer)
    assert "achievement report" not in tasks(client, world.leader2)  # another unit


def test_the_secretariat_completes_the_dossier_and_sees_returned_nominations(
    world: World, client: Any
) -> None:
    world.block_year.dossier_deadline = datetime.date(2027, 3, 15)
    world.block_year.save(update_fields=["dossier_deadline"])
    nominate(world, 2)
    nominate(world, 0, "provincial-flag")
    Nomination.objects.filter(unit=world.units[0]).update(
        report_approved_at=timezone.now(), attested_at=timezone.now()
    )
    page = tasks(client, world.secretariat)
    assert "Complete and send the nomination dossier of" in page
    assert "(1 of 2 nominations ready)" in page and "15/03/2027" in page
    assert reverse("awards:dossier_detail", args=[world.block_year.pk]) in page
    assert "Complete and send" not in tasks(client, world.leader)
    Nomination.objects.update(status=Nomination.Status.SUBMITTED)
    assert "Complete and send" not in tasks(client, world.secretariat)
    Nomination.objects.filter(unit=world.units[2]).update(
        status=Nomination.Status.RETURNED, return_reason="Thiếu minh chứng"
    )
    page = tasks(client, world.secretariat)
    assert "Returned by the council: the nomination of Ban Tuyên giáo Tỉnh ủy" in page
    assert "Returned by the council" in tasks(client, world.officer)


def test_council_staff_confirm_hand_overs_and_see_received_dossiers(
    world: World, client: Any
) -> None:
    make_election(world, "head", world.units[2])
    page = tasks(client, world.staff)
    assert "Confirm next year&#x27;s head of" in page or "Confirm next year's head of" in page
    assert reverse("awards:handover_detail", args=[world.block_year.pk]) in page
    assert "Confirm next year" not in tasks(client, world.member)
    assert "Confirm next year" not in tasks(client, world.secretariat)
    nominate(world, 2)
    nominate(world, 0, "provincial-flag")
    Nomination.objects.update(status=Nomination.Status.SUBMITTED)
    page = tasks(client, world.staff)
    assert "2 nominations to receive" in page
    assert reverse("awards:intake_list", args=[world.authority.pk, world.block_year.year]) in page
    from awards.models import Handover
    from awards.services.handover import confirm_handover

    confirm_handover(Handover.objects.get(), by=world.staff, handover_on=timezone.localdate())
    assert "Confirm next year" not in tasks(client, world.staff)


def test_people_of_another_province_see_none_of_it(world: World, client: Any) -> None:
    make_election(world, "head", world.units[2])
    nominate(world, 2)
    page = tasks(client, world.outsider)
    assert "Ballots, nominations and hand-over" not in page
