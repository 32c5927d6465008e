"""Steps 6–8 of the year's dashboard and the home page's tasks follow the sheets and ranking."""

from __future__ import annotations

from typing import Any

from blocks.dashboard import timeline
from scoring import services
from scoring.models import ScoreSheet
from tests.factories import (
    World,
    fill_sheet,
    make_criteria_table,
    make_published_ranking,
    open_assessment,
)

S = ScoreSheet.Status


def steps(world: World) -> dict[int, Any]:
    from blocks.models import BlockYear

    block_year = BlockYear.objects.get(pk=world.block_year.pk)
    return {
        step.number: state
        for step, state in timeline(block_year, world.secretariat)
        if 6 <= step.number <= 8
    }


def test_the_steps_wait_for_a_criteria_table(world: World) -> None:
    assert [s.status for s in steps(world).values()] == ["waiting", "waiting", "waiting"]
    make_criteria_table(world)
    assert "being prepared" in str(steps(world)[6].summary)


def test_the_steps_follow_submission_review_and_publication(world: World) -> None:
    table = open_assessment(world)
    found = steps(world)
    assert (found[6].status, str(found[6].summary)) == (
        "active",
        "0 of 4 units have submitted their sheets.",
    )
    assert found[6].deadline == table.deadline
    ScoreSheet.objects.filter(table=table).update(status=S.SUBMITTED)
    found = steps(world)
    assert (found[6].status, found[7].status, found[8].status) == ("done", "active", "waiting")
    ScoreSheet.objects.filter(table=table).update(status=S.FINAL)
    assert steps(world)[8].status == "active"


def test_a_published_ranking_completes_step_8_and_names_the_leading_unit(world: World) -> None:
    make_published_ranking(world)
    found = steps(world)
    assert [found[n].status for n in (6, 7, 8)] == ["done", "done", "done"]
    assert world.units[0].name in str(found[8].summary)


def test_home_lists_each_persons_scoring_tasks(world: World, client: Any) -> None:
    table = open_assessment(world)
    client.force_login(world.officer)
    assert (
        "Fill in the self-assessment of Ban Tuyên giáo Tỉnh ủy" in client.get("/").content.decode()
    )
    client.force_login(world.leader)
    assert (
        "Fill in and submit the self-assessment of Ban Tuyên giáo Tỉnh ủy"
        in client.get("/").content.decode()
    )
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer)
    services.submit_sheet(sheet, by=world.leader)
    client.force_login(world.secretariat)
    page = client.get("/").content.decode()
    assert "Review the sheet of Ban Tuyên giáo Tỉnh ủy" in page
    services.send_review_results(sheet, by=world.secretariat)
    client.force_login(world.leader)
    assert (
        "Accept or answer the review of Ban Tuyên giáo Tỉnh ủy" in client.get("/").content.decode()
    )
    ScoreSheet.objects.filter(table=table).update(status=S.FINAL)
    client.force_login(world.secretariat)
    assert "Publish the 2026 ranking" in client.get("/").content.decode()
