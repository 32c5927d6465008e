"""Steps 11–12 of the year's dashboard (the council's review, the award decision and the year's
completion) and the council's tasks on the home page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from awards.home import my_tasks
from awards.models import AwardType, BallotBox, CouncilSession, Nomination, RollEntry
from awards.services.closing import record_no_proposals, waive_ballot
from blocks.dashboard import StepState, timeline
from blocks.models import BlockYear
from emulation.roles import roles_of
from tests.awards.test_statistics import decide, second_block
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    make_council_members,
    make_published_ranking,
    make_sent_dossier,
)

pytestmark = pytest.mark.django_db
N = Nomination.Status


def steps(world: World, user: Any = None) -> dict[int, StepState]:
    block_year = BlockYear.objects.select_related("block__authority").get(pk=world.block_year.pk)
    return {
        step.number: state
        for step, state in timeline(block_year, user or world.staff)
        if step.number in (11, 12)
    }


def url_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def labels(state: StepState) -> list[str]:
    return [str(label) for label, _url in state.actions]


def tasks(client: Any, user: Any) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


# Step 11 ---------------------------------------------------------------------------------------


def test_the_council_step_waits_for_the_dossier(world: World) -> None:
    found = steps(world)
    assert (found[11].status, found[12].status) == ("waiting", "waiting")
    assert "once the block sends it" in str(found[11].summary)


def test_the_council_step_counts_the_nominations_by_where_they_stand(world: World) -> None:
    first, second, third = make_sent_dossier(world)
    found = steps(world)[11]
    assert (found.status, str(found.summary)) == (
        "active",
        "3 nominations with the council: 3 to receive.",
    )
    at_council_status([first], N.RECEIVED)
    at_council_status([second], N.SCHEDULED)
    at_council_status([third], N.REJECTED)
    assert str(steps(world)[11].summary) == (
        "3 nominations with the council: 1 received, 1 on a session's agenda, 1 not approved."
    )
    at_council_status([first, second], N.APPROVED)
    found = steps(world)[11]
    assert found.status == "done"
    assert str(found.summary).endswith("2 approved, 1 not approved.")


def test_council_people_get_the_link_to_the_intake_others_do_not(world: World) -> None:
    make_sent_dossier(world)
    intake = url_or_none("awards:intake_list", world.authority.pk, YEAR)
    expected = [("The council's intake", intake)] if intake else []
    for person in (world.staff, world.member, world.admin):
        found = steps(world, person)[11]
        assert [(str(label), url) for label, url in found.actions] == expected
    assert steps(world, world.secretariat)[11].actions == []


# Step 12 ---------------------------------------------------------------------------------------


def test_the_decision_step_waits_for_published_decisions(world: World) -> None:
    first, second, third = make_sent_dossier(world)
    at_council_status([first, second], N.APPROVED)
    at_council_status([third], N.REJECTED)
    found = steps(world)[12]
    assert found.status == "active"
    assert str(found.summary) == (
        "1 of 3 nominations decided. 2 approved nominations await a published decision."
    )
    decide(world, [first, second], status="issued")
    assert "2 approved nominations await" in str(steps(world)[12].summary)


def test_the_year_is_complete_once_every_decision_is_published(world: World) -> None:
    first, second, third = make_sent_dossier(world)
    at_council_status([first, second], N.AWARDED)
    at_council_status([third], N.REJECTED)
    decide(world, [first, second])
    found = steps(world)[12]
    assert found.status == "active"  # the acclaim and next year's head: neither held nor waived
    assert "Acclaim the leading unit of 2026: not held." in str(found.summary)
    for kind in ("acclaim", "head"):
        waive_ballot(world.block_year, by=world.secretariat, kind=kind, reason="Không tổ chức.")
    found = steps(world)[12]
    assert found.status == "done"
    assert str(found.summary) == (
        "Every nomination is decided: 2 of 3 awarded in published decisions."
        " The year is complete and can be archived."
    )
    archive = reverse("awards:year_archive", args=[world.block_year.pk])
    assert ("Archive the year", archive) in [(str(a), b) for a, b in found.actions]
    for person in (world.member, world.secretariat, world.leader):
        assert "Archive the year" not in labels(steps(world, person)[12])


def test_a_year_that_proposed_nobody_is_complete_once_it_records_so(
    world: World,
) -> None:
    assert steps(world)[12].status == "waiting"
    make_published_ranking(world)
    found = steps(world)[12]
    assert found.status == "active"  # the bug was "done" here, before any ballot
    assert "has not recorded that it proposes nobody" in str(found.summary)
    waivers = reverse("awards:year_waivers", args=[world.block_year.pk])
    assert waivers in [b for _a, b in found.actions]
    assert waivers not in [b for _a, b in steps(world, world.member)[12].actions]
    for kind in ("acclaim", "head"):
        waive_ballot(world.block_year, by=world.secretariat, kind=kind, reason="Không tổ chức.")
    record_no_proposals(world.block_year, by=world.secretariat, reason="Không đơn vị đủ chuẩn.")
    found = steps(world)[12]
    assert found.status == "done"
    assert str(found.summary).startswith("The block proposed nobody this year.")


def test_an_archived_year_says_when_and_by_whom_and_offers_no_action(world: World) -> None:
    make_published_ranking(world)
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        archived_at=timezone.make_aware(datetime.datetime(YEAR + 1, 5, 4, 10)),
        archived_by=world.staff,
    )
    found = steps(world)[12]
    assert (found.status, str(found.summary)) == (
        "done",
        "Archived on 04/05/2027 by Cán bộ Ban Thi đua: the year is read-only.",
    )
    assert "Archive the year" not in labels(found)
    results = url_or_none("awards:results", world.authority.pk, YEAR)
    assert [url for _label, url in found.actions] == ([results] if results else [])


def test_the_dashboard_runs_a_fixed_number_of_queries_with_the_council_steps(
    world: World, client: Any, count_queries: Any
) -> None:
    first, second, third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    decide(world, [first])
    client.force_login(world.staff)
    url = reverse("blocks:blockyear_detail", args=[world.block_year.pk])
    assert client.get(url).status_code == 200
    small = count_queries(lambda: client.get(url))
    at_council_status([second, third], N.REJECTED)
    award = AwardType.objects.get(code="provincial-flag")
    for index, unit in enumerate(world.units[1:]):
        nomination = Nomination.objects.create(
            block_year=world.block_year,
            award_type=award,
            unit=unit,
            unit_name=unit.name,
            status=N.AWARDED,
        )
        if index % 2:
            decide(world, [nomination])
    large = count_queries(lambda: client.get(url))
    assert (small, large) == (12, 12)


# Home ------------------------------------------------------------------------------------------


def test_council_staff_are_told_what_to_receive_appraise_and_decide(
    world: World, client: Any
) -> None:
    first, second, third = make_sent_dossier(world)
    page = tasks(client, world.staff)
    place = f"({world.authority.name}, {YEAR})"
    assert f"3 nominations to receive {place}" in page
    at_council_status([first], N.RECEIVED)
    at_council_status([second, third], N.APPROVED)
    page = tasks(client, world.staff)
    assert f"to receive {place}" not in page
    assert f"1 nomination to appraise {place}" in page
    assert f"2 approved nominations awaiting a decision {place}" in page
    intake = url_or_none("awards:intake_list", world.authority.pk, YEAR)
    if intake:
        assert intake in page
    decide(world, [second], status="issued")
    assert f"1 approved nomination awaiting a decision {place}" in tasks(client, world.staff)
    for person in (world.member, world.secretariat, world.outsider):
        assert "to appraise" not in tasks(client, person)


def open_session(world: World, *present: Any, title: str = "Phiên họp Hội đồng") -> CouncilSession:
    box = BallotBox.objects.create(receipt_scope=f"council:{title}", state=BallotBox.State.OPEN)
    session = CouncilSession.objects.create(
        box=box,
        authority=world.authority,
        year=YEAR,
        title=title,
        held_on=timezone.localdate(),
        status=CouncilSession.Status.OPEN,
        council_size=3,
        created_by=world.staff,
    )
    session.present.set(present)
    return session


def test_council_members_present_are_asked_to_vote_until_they_have(
    world: World, client: Any
) -> None:
    absent = make_council_members(world, 1)[0]
    session = open_session(world, world.member)
    page = tasks(client, world.member)
    assert "Vote in the council session: Phiên họp Hội đồng" in page
    vote = url_or_none("awards:session_vote", session.pk)
    if vote:
        assert vote in page
    assert "Vote in the council session" not in tasks(client, absent)
    assert "Vote in the council session" not in tasks(client, world.staff)
    assert session.box is not None
    RollEntry.objects.create(box=session.box, voted_by=world.member, voted_at=timezone.now())
    assert "Vote in the council session" not in tasks(client, world.member)
    RollEntry.objects.all().delete()
    CouncilSession.objects.update(status=CouncilSession.Status.CLOSED)
    assert "Vote in the council session" not in tasks(client, world.member)


def test_the_council_tasks_cost_a_fixed_number_of_queries(world: World, count_queries: Any) -> None:
    """Besides the person's roles: staff read the elections awaiting them, the council's counts
    and its sessions and decisions in progress; members the sessions open for their vote."""

    def request_of(user: Any) -> Any:
        return type("Request", (), {"user": user, "roles": roles_of(user)})()

    pinned = {world.staff: 4, world.member: 2}  # the member's seats on counting boards too
    make_sent_dossier(world)
    open_session(world, world.member)
    for user in (world.staff, world.member):
        request = request_of(user)
        assert count_queries(lambda: my_tasks(request)) == pinned[user]  # noqa: B023
    second_block(world, [N.SUBMITTED, N.RECEIVED, N.APPROVED, N.APPROVED], "Khối các Sở")
    for index in range(3):
        open_session(world, world.member, title=f"Phiên {index}")
    for user in (world.staff, world.member):
        request = request_of(user)
        assert count_queries(lambda: my_tasks(request)) == pinned[user]  # noqa: B023
    section = my_tasks(request)
    assert section is not None
    assert len([t for t in section.context["tasks"] if "council session" in t["text"]]) == 4
