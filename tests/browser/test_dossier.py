"""In a real Chromium: a unit writes its achievement report and attaches a document, its leader
approves the report and gives the attestations, and the secretariat issues the proposal letter
and sends the complete dossier to the council, watching its checklist fill up."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation

from awards.documents import ballot_minutes
from awards.models import Dossier, Nomination, NominationFile
from emulation.models import User
from tests.browser.conftest import sign_in
from tests.factories import (
    REPORT_TEXT,
    World,
    complete_nomination,
    make_award_type,
    make_nominations,
    make_world,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    User.objects.update(preferred_language="en")
    return world


def test_a_unit_prepares_its_nomination_and_the_secretariat_sends_the_dossier(
    world: World,
    live_server: Any,
    page: Page,
    browser: Browser,
    screenshot: Callable[[str], Path],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # An award type of its own: a transactional test may have emptied the seeded ones.
    award = make_award_type()
    nominations = make_nominations(world, award.code, units=[world.units[2], world.units[3]])
    own = next(n for n in nominations if n.unit_id == world.units[2].pk)
    complete_nomination(next(n for n in nominations if n.pk != own.pk))
    base = live_server.url

    # The officer of the Propaganda Board writes the report and attaches a document.
    sign_in(page, live_server, "officer")
    page.goto(f"{base}/nominations/{own.pk}/")
    assert "Write the achievement report: 5 sections are still empty." in page.inner_text(
        "#next-step"
    )
    page.get_by_role("link", name="Write the report").click()
    for name, text in REPORT_TEXT.items():
        page.fill(f"#id_{name}", text)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/nominations/{own.pk}/$"))
    page.get_by_role("link", name="Attach a document").click()
    scan = tmp_path / "quyet-dinh-2025.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    page.set_input_files("#id_file", str(scan))
    page.fill("#id_description", "Quyết định khen thưởng năm 2025")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#files a:has-text('quyet-dinh-2025.pdf')")
    assert NominationFile.objects.filter(nomination=own).count() == 1
    screenshot("nomination-written-by-the-unit")

    # Its leader approves the report and gives the attestations.
    leader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    leader = leader_context.new_page()
    sign_in(leader, live_server, "leader")
    leader.goto(f"{base}/nominations/{own.pk}/")
    leader.get_by_role("link", name="Approve the report").click()
    leader.locator("main form button[type=submit]").click()
    leader.wait_for_selector("#report .badge:has-text('Approved')")
    leader.locator("#attestations").get_by_role("link", name="Give them").click()
    for code in ("no_discipline", "no_inspection", "no_complaint"):
        leader.check(f"#id_{code}_0")  # yes
    leader.locator("main form button[type=submit]").click()
    leader.wait_for_selector("#eligibility .badge:has-text('passes')")
    leader_context.close()
    own.refresh_from_db()
    assert own.report_is_approved and own.attested_by == world.leader

    # The secretariat issues the minutes and the proposal letter, then sends the dossier.
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    page.context.clear_cookies()  # the officer signs out
    sign_in(page, live_server, "secretariat")
    page.goto(f"{base}/years/{world.block_year.pk}/dossier/")
    done = page.inner_text("#checklist-done")
    assert "Not issued yet." in page.inner_text("#checklist")
    page.get_by_role("link", name="Issue the proposal letter").click()
    page.fill("#id_number", "05/TTr-KTĐ")
    page.fill("#id_signer_name", "Nguyễn Văn An")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/years/{world.block_year.pk}/dossier/$"))
    assert int(page.inner_text("#checklist-done")) == int(done) + 1
    screenshot("dossier-complete")
    page.get_by_role("link", name="Send to the council").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#manifest")
    dossier = Dossier.objects.get()
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.manifest_sha256 in page.inner_text("#manifest")
    assert set(Nomination.objects.values_list("status", flat=True)) == {"submitted"}
    screenshot("dossier-sent-with-its-manifest")
