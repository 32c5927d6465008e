"""In a real Chromium: evidence goes onto a row of the scoring sheet several files at a time,
chosen or dropped onto the row, without the page reloading; a refused file is named with its
reason and keeps the others out; the sheet's "not yet complete" line follows as rows are saved."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from emulation.models import User
from scoring.models import Evidence, Score, ScoreSheet
from tests.browser.conftest import sign_in
from tests.factories import World, fill_sheet, make_world, open_assessment

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"

# Drop files onto an element as the browser does when files are dragged from the desktop.
DROP = """([selector, files]) => {
  const transfer = new DataTransfer();
  for (const [name, text] of files) transfer.items.add(new File([text], name, {type: "application/pdf"}));
  const target = document.querySelector(selector);
  const taken = [];
  for (const type of ["dragenter", "dragover", "drop"]) {
    const event = new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer});
    target.dispatchEvent(event);
    taken.push(event.defaultPrevented);
  }
  return taken;  // whether the page handled dragenter, dragover and drop itself
}"""


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    User.objects.update(preferred_language="en")
    return world


@pytest.fixture
def sheet(world: World, settings: Any, tmp_path: Path) -> ScoreSheet:
    settings.MEDIA_ROOT = tmp_path
    table = open_assessment(world)
    sheet: ScoreSheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer, evidence=False)
    return sheet


def open_sheet(page: Page, live_server: Any, sheet: ScoreSheet) -> None:
    sign_in(page, live_server, "officer")
    page.goto(live_server.url + reverse("scoring:sheet_detail", args=[sheet.pk]))
    # A marker that a full page load would wipe out.
    page.evaluate("() => { window.notReloaded = true; }")


def test_several_files_chosen_at_once_are_added_in_place(
    sheet: ScoreSheet,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    i1 = Score.objects.get(sheet=sheet, criterion__code="I.1")
    files = []
    for name in ("ke-hoach.pdf", "bao-cao.pdf", "bien-ban.pdf"):
        (tmp_path / name).write_bytes(PDF)
        files.append(str(tmp_path / name))
    open_sheet(page, live_server, sheet)
    assert page.locator("#missing").get_by_text("I.1 needs evidence.").count() == 1
    page.locator(f"#file-{i1.pk}").set_input_files(files)
    page.locator(f"#row-{i1.pk} form.evidence-form button").click()
    cell = page.locator(f"#evidence-{i1.pk}")
    cell.get_by_text("3 files were added to I.1.").wait_for()
    for name in ("ke-hoach.pdf", "bao-cao.pdf", "bien-ban.pdf"):
        assert cell.get_by_role("link", name=name, exact=True).count() == 1
    # The missing line no longer names I.1 (II.1 still needs its evidence).
    missing = page.locator("#missing").inner_text()
    assert not re.search(r"(?<!I)I\.1 needs evidence", missing) and "II.1 needs evidence" in missing
    assert page.evaluate("() => window.notReloaded") is True
    screenshot("evidence-several-files")
    assert Evidence.objects.filter(score=i1).count() == 3


def test_files_dropped_onto_a_row_are_uploaded_to_it(
    sheet: ScoreSheet,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
) -> None:
    i2 = Score.objects.get(sheet=sheet, criterion__code="I.2")
    open_sheet(page, live_server, sheet)
    page.evaluate(
        DROP,
        [
            f"#row-{i2.pk} .cell-criterion",
            [["to-trinh.pdf", PDF.decode()], ["phu-luc.pdf", PDF.decode()]],
        ],
    )
    cell = page.locator(f"#evidence-{i2.pk}")
    cell.get_by_text("2 files were added to I.2.").wait_for()
    assert page.evaluate("() => window.notReloaded") is True
    screenshot("evidence-dropped")
    assert sorted(Evidence.objects.filter(score=i2).values_list("name", flat=True)) == [
        "phu-luc.pdf",
        "to-trinh.pdf",
    ]


def test_a_refused_file_is_named_and_keeps_the_others_out(
    sheet: ScoreSheet,
    page: Page,
    live_server: Any,
    screenshot: Callable[[str], Path],
) -> None:
    i3 = Score.objects.get(sheet=sheet, criterion__code="I.3")
    open_sheet(page, live_server, sheet)
    page.evaluate(
        DROP,
        [f"#row-{i3.pk}", [["bao-cao.pdf", PDF.decode()], ["anh-chup.pdf", "not a pdf at all"]]],
    )
    problems = page.locator(f"#evidence-{i3.pk} .evidence-problems")
    problems.wait_for()
    assert problems.inner_text().startswith("anh-chup.pdf: ")
    assert "bao-cao.pdf" not in page.locator(f"#evidence-{i3.pk}").inner_text()
    screenshot("evidence-refused")
    assert not Evidence.objects.filter(score=i3).exists()


def test_the_missing_line_follows_the_rows_as_they_are_saved(
    world: World,
    page: Page,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer)
    i1 = Score.objects.get(sheet=sheet, criterion__code="II.3")
    i1.self_points = None
    i1.save(update_fields=["self_points"])
    open_sheet(page, live_server, sheet)
    missing = page.locator("#missing")
    assert "II.3 has no points yet." in missing.inner_text()
    points = page.locator(f"#points-{i1.pk}")
    points.type("4")
    page.locator(f"#status-{i1.pk}").get_by_text("Saved").wait_for()
    # Leaving the field saves it once more: wait for that answer too, so that no request is
    # still running when the test ends (the live server shares one SQLite connection).
    with page.expect_response(lambda response: f"/scores/{i1.pk}/" in response.url):
        points.press("Tab")
    assert missing.inner_text().strip() == ""
    assert page.evaluate("() => window.notReloaded") is True


def test_files_dropped_beside_the_rows_are_neither_uploaded_nor_opened(
    sheet: ScoreSheet, page: Page, live_server: Any
) -> None:
    open_sheet(page, live_server, sheet)
    taken = page.evaluate(DROP, ["main h1", [["lac-cho.pdf", PDF.decode()]]])
    # The page keeps the drop (the browser would otherwise open the file in the sheet's place).
    assert taken[1:] == [True, True]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.notReloaded") is True
    assert not Evidence.objects.exists()
