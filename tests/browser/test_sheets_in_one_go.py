"""In Chromium: the secretariat sends the unchanged review results of every sheet, then
finalises every accepted sheet, each with one confirmation that lists the sheets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from emulation.models import User
from scoring import services
from scoring.models import ScoreSheet
from tests.browser.conftest import sign_in
from tests.factories import World, make_leaders, make_world, open_assessment

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

S = ScoreSheet.Status


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    User.objects.update(preferred_language="en")
    return world


def test_the_secretariat_sends_and_finalises_every_sheet_with_one_confirmation_each(
    page: Page, live_server: Any, world: World, screenshot: Callable[[str], Path]
) -> None:
    table = open_assessment(world)
    table.sheets.update(status=S.SUBMITTED)
    others = list(table.sheets.exclude(unit=world.units[0]).order_by("position"))
    sign_in(page, live_server, "secretariat")
    page.goto(live_server.url + reverse("scoring:assessment_overview", args=[world.block_year.pk]))
    page.get_by_role("link", name="Send the unchanged results of 3 sheets").click()
    for sheet in others:
        page.locator("#bulk-items").get_by_role("link", name=sheet.unit_name).wait_for()
    screenshot("scoring-send-unchanged-results")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("scoring-send-unchanged-results-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Send the results (3)").click()
    page.get_by_text("The review results of 3 sheets were sent").wait_for()
    assert list(table.sheets.order_by("position").values_list("status", flat=True)) == [
        S.SUBMITTED,
        S.RETURNED,
        S.RETURNED,
        S.RETURNED,
    ]

    leaders = make_leaders(world)
    for sheet in others:
        services.accept_review(sheet, by=leaders[world.units.index(sheet.unit)])
    page.reload()
    page.get_by_role("link", name="Finalise 3 settled sheets").click()
    page.get_by_role("button", name="Finalise (3)").click()
    page.get_by_text("3 sheets are final.").wait_for()
    assert set(table.sheets.exclude(unit=world.units[0]).values_list("status", flat=True)) == {
        S.FINAL
    }
