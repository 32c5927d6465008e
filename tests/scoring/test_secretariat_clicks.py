"""The secretariat's clicks in a 9-unit year, from the submitted sheets to the published ranking,
counted through the pages (see tests/clicks.py): one sheet at a time, as the only way before,
and with the actions that take every sheet in one go. The README gives both figures.

In both walks the secretariat opens the list of sheets (one click) when the sheets are in, and
again when the units have answered; a reviewer changes a score in one
sheet (typing, no click), so that sheet's results are still sent from its own page; the units
accept the results; the head unit's own sheet is reviewed and finalised by council staff, whose
clicks are not counted here."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from blocks.models import Membership
from scoring import services
from scoring.models import CriteriaTable, Criterion, Ranking, Score, ScoreSheet
from tests.clicks import Walker
from tests.factories import YEAR, World, make_leaders, make_unit, open_assessment

# The pinned figures: lower them when a change saves clicks; never raise them without a reason.
ONE_BY_ONE = 53
IN_ONE_GO = 13
UNITS = 9
CHANGED = 4  # the unit whose sheet the reviewer changes


def grow_to_nine_units(world: World) -> None:
    for position in range(len(world.units) + 1, UNITS + 1):
        unit = make_unit(world.authority)
        Membership.objects.create(
            block_year=world.block_year,
            unit=unit,
            position=position,
            joined_on=datetime.date(YEAR, 1, 1),
        )
        world.units.append(unit)


def submit_every_sheet(table: CriteriaTable) -> None:
    """Every unit fills in its sheet on full marks and submits it."""
    for criterion in Criterion.objects.filter(table=table, is_leaf=True):
        points = criterion.max_points if criterion.kind == "standard" else Decimal(0)
        Score.objects.filter(criterion=criterion).update(self_points=points)
    table.sheets.update(status=ScoreSheet.Status.SUBMITTED, submitted_at=timezone.now())


@pytest.fixture
def table(world: World) -> CriteriaTable:
    """Nine member units, each sheet filled in on full marks and submitted."""
    grow_to_nine_units(world)
    table = open_assessment(world)
    submit_every_sheet(table)
    return table


def sheets(table: CriteriaTable, world: World) -> list[ScoreSheet]:
    """The sheets the secretariat settles: every unit's but its own (the head unit's)."""
    return list(table.sheets.exclude(unit=world.units[0]).order_by("position"))


def change_a_score(walker: Walker, sheet: ScoreSheet) -> None:
    """The reviewer types new points and the reason on the review page: typing, no click."""
    row = sheet.scores.get(criterion__code="I.2")
    response = walker.client.post(
        reverse("scoring:score_review", args=[row.pk]),
        {"reviewed_points": "8", "review_reason": "Thiếu minh chứng cho một chỉ tiêu"},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved" in response.content.decode()


def review_and_send(walker: Walker, sheet: ScoreSheet, *, change: bool) -> None:
    walker.click(href=reverse("scoring:sheet_review", args=[sheet.pk]))
    if change:
        change_a_score(walker, sheet)
    walker.click("Send the results")
    walker.submit("Send the results")
    walker.click("Self-assessment and review")  # back to the list, from the sheet's page


def the_units_accept_and_staff_settle_the_head_unit(table: CriteriaTable, world: World) -> None:
    leaders = make_leaders(world)
    head = table.sheets.get(unit=world.units[0])
    services.send_review_results(head, by=world.staff)
    for sheet, leader in zip(table.sheets.order_by("position"), leaders, strict=True):
        services.accept_review(sheet, by=leader)
    services.finalise_sheet(head, by=world.staff)


def publish(walker: Walker, world: World) -> None:
    walker.click(href=reverse("scoring:ranking_detail", args=[world.block_year.pk]))
    walker.click("Publish the ranking")
    walker.submit("Publish")
    assert Ranking.objects.filter(table__block_year=world.block_year).exists()


def the_list(world: World) -> str:
    return reverse("scoring:assessment_overview", args=[world.block_year.pk])


def start(client: Any, world: World) -> Walker:
    client.force_login(world.secretariat)
    walker = Walker(client, reverse("home"))
    walker.visit(the_list(world))
    return walker


def test_one_sheet_at_a_time_the_secretariat_clicks_53_times(
    world: World, table: CriteriaTable, client: Any
) -> None:
    walker = start(client, world)
    for sheet in sheets(table, world):
        review_and_send(walker, sheet, change=sheet.unit == world.units[CHANGED])
    the_units_accept_and_staff_settle_the_head_unit(table, world)
    walker.visit(the_list(world))
    for sheet in sheets(table, world):
        walker.click(href=reverse("scoring:sheet_finalise", args=[sheet.pk]))
        walker.submit("Finalise")
    publish(walker, world)
    assert set(table.sheets.values_list("status", flat=True)) == {ScoreSheet.Status.FINAL}
    assert walker.clicks == ONE_BY_ONE, walker.steps


def test_in_one_go_the_secretariat_clicks_13_times(
    world: World, table: CriteriaTable, client: Any
) -> None:
    walker = start(client, world)
    changed = table.sheets.get(unit=world.units[CHANGED])
    review_and_send(walker, changed, change=True)
    walker.click("Send the unchanged results of 7 sheets")
    walker.submit("Send the results (7)")
    the_units_accept_and_staff_settle_the_head_unit(table, world)
    walker.visit(the_list(world))
    walker.click("Finalise 8 settled sheets")
    walker.submit("Finalise (8)")
    publish(walker, world)
    assert set(table.sheets.values_list("status", flat=True)) == {ScoreSheet.Status.FINAL}
    assert walker.clicks == IN_ONE_GO, walker.steps


def test_the_actions_in_one_go_at_least_halve_the_secretariats_clicks() -> None:
    assert IN_ONE_GO * 2 <= ONE_BY_ONE
