"""The pages people read on a phone (390 px wide) and on a laptop (1366 px): nothing runs off the
side of the page, the criterion of a scoring row stays in sight beside its score, chart text is
at least 11 px as drawn, and what can be tapped is at least 24 by 24 px (WCAG 2.5.8).

Each page is photographed at both widths (test-artifacts/screenshots/)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from emulation.models import User
from scoring.models import Score
from tests.browser.conftest import sign_in
from tests.factories import (
    World,
    fill_sheet,
    make_ballot,
    make_closed_ballot,
    make_leaders,
    make_published_ranking,
    make_sent_dossier,
    make_world,
    open_assessment,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
WIDTHS = [pytest.param(PHONE, id="390"), pytest.param(LAPTOP, id="1366")]

# What a person taps: buttons, inputs, and links that stand on their own (a link inside a
# sentence is exempt in WCAG 2.5.8, and is measured by its line instead).
TARGETS = """(selector) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === "hidden" || el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    if (box.width < 24 || box.height < 24) small.push(`${el.tagName} ${(el.innerText || el.getAttribute("aria-label") || el.id || "").trim().slice(0, 40)} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""
TAPPABLE = (
    "main button, main .btn, main input:not([type=hidden]), main select, main textarea,"
    " main a.evidence-remove, main .page-link, main th a, main td a, main li > a"
)

# The size text is drawn at: its font size in the SVG's units times the SVG's scale on screen.
CHART_TEXT = """() => Array.from(document.querySelectorAll("svg.chart text")).map(
  (t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    User.objects.update(preferred_language="en")
    return world


def at_width(page: Page, viewport: ViewportSize) -> str:
    page.set_viewport_size(viewport)
    return str(viewport["width"])


def assert_no_page_overflow(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def assert_targets_at_least_24(page: Page) -> None:
    small = page.evaluate(TARGETS, TAPPABLE)
    assert small == [], "\n".join(small)


def visit(
    page: Page,
    live_server: Any,
    who: str,
    url: str,
    viewport: ViewportSize,
    screenshot: Callable[[str], Path],
    name: str,
) -> None:
    """Open `url` as `who` at the width, take its screenshot, and check that the page does not
    overflow sideways and that what a person taps is at least 24 px."""
    sign_in(page, live_server, who)
    page.set_viewport_size(viewport)
    page.goto(url)
    screenshot(f"layout-{name}-{viewport['width']}")
    assert_no_page_overflow(page)
    assert_targets_at_least_24(page)


def in_viewport(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(selector) => {
              const box = document.querySelector(selector).getBoundingClientRect();
              return box.bottom > 0 && box.top < window.innerHeight
                && box.right > 0 && box.left < window.innerWidth && box.width > 0;
            }""",
            selector,
        )
    )


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_scoring_sheet_keeps_each_criterion_beside_its_score(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer)
    visit(
        page,
        live_server,
        "officer",
        live_server.url + reverse("scoring:sheet_detail", args=[sheet.pk]),
        viewport,
        screenshot,
        "sheet",
    )
    for score in Score.objects.filter(sheet=sheet, criterion__is_leaf=True):
        for field in (f"#points-{score.pk}", f"#file-{score.pk}"):
            page.locator(field).scroll_into_view_if_needed()
            assert in_viewport(page, field)
            assert in_viewport(page, f"#row-{score.pk} .cell-criterion"), (score, field)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_review_page_keeps_each_criterion_beside_the_reviewed_points(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    from scoring import services

    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer)
    make_leaders(world)
    services.submit_sheet(sheet, by=world.leader)
    visit(
        page,
        live_server,
        "secretariat",
        live_server.url + reverse("scoring:sheet_review", args=[sheet.pk]),
        viewport,
        screenshot,
        "review",
    )
    for score in Score.objects.filter(sheet=sheet, criterion__is_leaf=True):
        field = f"#reviewed-{score.pk}"
        page.locator(field).scroll_into_view_if_needed()
        assert in_viewport(page, field)
        assert in_viewport(page, f"#row-{score.pk} .cell-criterion"), score


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_list_of_sheets_fits_the_page_with_its_actions_in_reach(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    from scoring import services

    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer)
    make_leaders(world)
    services.submit_sheet(sheet, by=world.leader)
    visit(
        page,
        live_server,
        "secretariat",
        live_server.url + reverse("scoring:assessment_overview", args=[world.block_year.pk]),
        viewport,
        screenshot,
        "sheets",
    )
    review = page.locator(f"#sheets a[href='{reverse('scoring:sheet_review', args=[sheet.pk])}']")
    review.scroll_into_view_if_needed()
    assert in_viewport_box(page, review)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_ranking_fits_the_page_and_its_chart_text_is_readable(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    make_published_ranking(world)
    visit(
        page,
        live_server,
        "secretariat",
        live_server.url + reverse("scoring:ranking_detail", args=[world.block_year.pk]),
        viewport,
        screenshot,
        "ranking",
    )
    sizes = page.evaluate(CHART_TEXT)
    assert sizes and min(sizes) >= 11, sizes
    # Every unit's name and total can be read without scrolling sideways.
    totals = page.locator("#results tbody td[data-total]").all()
    assert len(totals) == 4
    for total in totals:
        assert in_viewport_box(page, total)
    for name in page.locator("#results tbody td a").all():
        assert in_viewport_box(page, name)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_units_ranking_page_draws_its_profile_with_readable_text(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    make_published_ranking(world)
    sign_in(page, live_server, "leader")
    width = at_width(page, viewport)
    page.goto(
        live_server.url
        + reverse("scoring:ranking_unit", args=[world.block_year.pk, world.units[2].pk])
    )
    screenshot(f"layout-ranking-unit-{width}")
    assert_no_page_overflow(page)
    assert_targets_at_least_24(page)
    sizes = page.evaluate(CHART_TEXT)
    assert sizes and min(sizes) >= 11, sizes


def in_viewport_box(page: Page, locator: Any) -> bool:
    """Within the window's width (nothing hidden off to the side of a scrolling box)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    return bool(box) and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_ballot_chart_text_is_at_least_11_px(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_leaders(world)  # before the ballot opens: a leader named later does not vote in it
    ballot = make_closed_ballot(world)
    visit(
        page,
        live_server,
        "secretariat",
        f"{live_server.url}/ballots/{ballot.pk}/",
        viewport,
        screenshot,
        "ballot",
    )
    sizes = page.evaluate(CHART_TEXT)
    assert sizes and min(sizes) >= 11, sizes


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_council_intake_shows_its_counts_on_screen(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_sent_dossier(world)
    visit(
        page,
        live_server,
        "staff",
        f"{live_server.url}/council/{world.authority.pk}/{world.block_year.year}/",
        viewport,
        screenshot,
        "intake",
    )
    # The counts that are not zero, and each nomination's unit and status, are on screen.
    counts = [cell for cell in page.locator("#counts tbody td").all() if cell.inner_text() != "0"]
    assert counts
    for cell in counts + page.locator("main table.intake-cards tbody td").all():
        assert in_viewport_box(page, cell), cell.inner_text()
    page.goto(f"{live_server.url}/council/")
    screenshot(f"layout-council-{viewport['width']}")
    assert_no_page_overflow(page)
    for cell in page.locator("main table tbody :is(td, th)").all():
        assert in_viewport_box(page, cell), cell.inner_text()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_councils_statistics_charts_keep_their_text_readable(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_sent_dossier(world)
    sign_in(page, live_server, "staff")
    width = at_width(page, viewport)
    page.goto(
        live_server.url
        + reverse("awards:statistics", args=[world.authority.pk, world.block_year.year])
    )
    screenshot(f"layout-statistics-{width}")
    assert_no_page_overflow(page)
    assert page.locator("svg.chart").count() == 2
    sizes = page.evaluate(CHART_TEXT)
    assert sizes and min(sizes) >= 11, sizes
    cells = page.locator("main table.table-cards tbody td").all()
    assert cells
    for cell in cells:
        assert in_viewport_box(page, cell), cell.inner_text()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_leader_finds_the_vote_button_of_an_open_ballot_on_screen(
    world: World,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    viewport: ViewportSize,
) -> None:
    from awards.models import Ballot

    make_leaders(world)
    make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    visit(
        page,
        live_server,
        "leader",
        f"{live_server.url}/years/{world.block_year.pk}/ballots/",
        viewport,
        screenshot,
        "ballots",
    )
    vote = page.locator("#ballots").get_by_role("link", name="Vote")
    vote.scroll_into_view_if_needed()
    assert in_viewport_box(page, vote)
