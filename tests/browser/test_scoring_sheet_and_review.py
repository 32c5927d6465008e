"""In a real Chromium: a unit fills in its sheet (typed with a comma, saved as it types, evidence
uploaded, totals live) and submits it; the reviewer changes a score on the side-by-side page,
is asked for the reason, and sends the results back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from emulation.models import User
from scoring.models import Score, ScoreSheet
from tests.browser.conftest import sign_in
from tests.factories import World, fill_sheet, make_world, open_assessment

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


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


def settle(page: Page, field: Any) -> None:
    """Leave the field (its "change" saves once more) and wait until every save has answered:
    the live server shares one SQLite connection between its threads, so requests must not
    overlap (on PostgreSQL they may)."""
    field.press("Tab")
    page.wait_for_load_state("networkidle")


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_unit_fills_in_its_sheet_and_the_reviewer_changes_a_score_with_its_reason(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    # Every row but I.1 is already filled in; I.1 is typed in the browser.
    fill_sheet(sheet, world.officer)
    i1 = Score.objects.get(sheet=sheet, criterion__code="I.1")
    i1.self_points = None
    i1.save(update_fields=["self_points"])
    i1.evidence.all().delete()

    sign_in(page, live_server, "officer")
    page.goto(live_server.url + reverse("scoring:sheet_detail", args=[sheet.pk]))
    points = page.locator(f"#points-{i1.pk}")
    points.fill("")
    points.type("18,5")
    page.locator(f"#status-{i1.pk}").get_by_text("Saved").wait_for()
    settle(page, points)
    assert page.locator("#sheet-totals td.stat-total").inner_text() == "98.5"
    pdf = tmp_path / "bao-cao-chi-tieu.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    page.locator(f"#file-{i1.pk}").set_input_files(str(pdf))
    page.locator(f"#row-{i1.pk} form.evidence-form button").click()
    page.locator(f"#evidence-{i1.pk}").get_by_text("1 file was added to I.1.").wait_for()
    screenshot("scoring-sheet-officer")
    assert Score.objects.get(pk=i1.pk).self_points == 18.5

    sign_out(page)
    sign_in(page, live_server, "leader")
    page.goto(live_server.url + reverse("scoring:sheet_submit", args=[sheet.pk]))
    page.locator("main form button[type=submit]").click()
    page.get_by_text("The sheet was submitted.").wait_for()
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.SUBMITTED

    sign_out(page)
    sign_in(page, live_server, "secretariat")
    page.goto(live_server.url + reverse("scoring:sheet_review", args=[sheet.pk]))
    page.get_by_text("bao-cao-chi-tieu.pdf").wait_for()
    reviewed = page.locator(f"#reviewed-{i1.pk}")
    reviewed.type("17")
    page.locator(f"#status-{i1.pk}").get_by_text("Say why I.1 changes from 18.5 to 17").wait_for()
    # A prompt while the reason is still to be typed, not an error.
    assert page.locator(f"#status-{i1.pk} [role=alert]").count() == 0
    settle(page, reviewed)
    reason = page.locator(f"#reason-{i1.pk}")
    reason.type("One target missed, per the year-end report")
    page.locator(f"#status-{i1.pk}").get_by_text("Saved").wait_for()
    settle(page, reason)
    assert page.locator("#sheet-totals [data-final-total]").inner_text() == "97"
    screenshot("scoring-review-side-by-side")
    page.get_by_role("link", name="Send the results").click()
    page.locator("main form button[type=submit]").click()
    page.get_by_text("The review results were sent to the unit.").wait_for()
    row = Score.objects.get(pk=i1.pk)
    assert (row.reviewed_points, row.review_reason) == (
        17,
        "One target missed, per the year-end report",
    )
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.RETURNED
