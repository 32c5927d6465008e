"""In a real Chromium: the council's staff receive and appraise the nominations a block sent,
hold an online session in which every member votes in secret and checks the receipt, close and
count it, issue the minutes, and decide, issue and publish the award; then anyone, without
signing in, reads the public results and verifies the decision by its code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import CouncilSession, Decision, Nomination
from awards.services import intake
from emulation.models import User
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import World, make_council_members, make_sent_dossier, make_world

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NUMBER = "125/QĐ-UBND"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    # The award types are seeded again by tests/conftest.py when a transactional test emptied
    # them; the Chairman's certificate is one of them.
    return make_world()


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context.new_page()


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def _vote(
    browser: Browser, live_server: Any, username: str, session: CouncilSession, against: str
) -> None:
    """`username` votes agree on every item except `against`'s unit (if any), then checks the
    receipt shown once."""
    page = _new_page(browser)
    try:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        assert "You are recorded present and have not voted yet." in page.inner_text("main")
        page.locator("main").get_by_role("link", name="Vote", exact=True).click()
        page.wait_for_selector("#ballot-paper")
        for item in session.items.select_related("nomination"):
            choice = "disagree" if item.nomination.unit_name == against else "agree"
            page.check(f'input[name="item_{item.pk}"][value="{choice}"]')
        page.check("#id_confirm")
        _submit(page)
        receipt = page.locator("#receipt-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt), receipt
        assert "it is shown only once" in page.inner_text("main")
        page.get_by_role("link", name="Check the receipt").click()
        page.fill("#id_code", receipt)
        _submit(page)
        page.wait_for_selector('[data-result="recorded"]')
        # Voting again is refused: the paper is gone, the receipt is not shown a second time.
        page.goto(f"{live_server.url}/council/sessions/{session.pk}/vote/")
        assert "A vote cannot be cast twice or changed." in page.inner_text("main")
        assert page.locator("#receipt-code").count() == 0
    finally:
        page.context.close()


def _take_code(browser: Browser, live_server: Any, username: str, session: CouncilSession) -> str:
    """The teller presses "Receive my code" on the session's page and reads it, shown once."""
    page = _new_page(browser)
    try:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        code_url = reverse("awards:session_code", args=[session.pk])
        page.locator(f'section[aria-labelledby=board-title] a[href="{code_url}"]').click()
        _submit(page)
        return page.locator("#teller-code").inner_text().strip()
    finally:
        page.context.close()


def test_the_council_appraises_votes_decides_and_publishes_the_results(
    world: World,
    live_server: Any,
    page: Page,
    browser: Browser,
    screenshot: Callable[[str], Path],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    nominations = make_sent_dossier(world)
    make_council_members(world, 2)
    User.objects.update(preferred_language="en")
    first, *others = nominations
    year = world.block_year.year
    base = live_server.url

    # The council's staff find the year's nominations from the navigation bar.
    sign_in(page, live_server, "staff")
    page.locator("nav").get_by_role("link", name="Council", exact=True).click()
    page.wait_for_url(re.compile(r"/council/$"))
    page.locator(f"#authority-{world.authority.pk}").get_by_role(
        "link", name=str(year), exact=True
    ).click()
    page.wait_for_url(re.compile(rf"/council/{world.authority.pk}/{year}/$"))
    listing = page.inner_text("main")
    assert first.unit_name in listing and "3 to receive" in listing
    screenshot("council-intake-list")

    # One nomination entirely by clicking: open it, receive it, appraise it.
    page.get_by_role("link", name=first.unit_name, exact=True).click()
    page.wait_for_url(re.compile(rf"/council/nominations/{first.pk}/$"))
    assert page.inner_text("#status") == "Sent to the council"
    page.locator("#actions").get_by_role("link", name="Receive").click()
    assert "Receive the nomination of" in page.inner_text("main")
    _submit(page)
    assert "The nomination was received" in page.inner_text("main")
    assert page.inner_text("#status") == "Received by the council"
    page.locator("#actions").get_by_role("link", name="Appraise").click()
    page.wait_for_url(re.compile(rf"/council/nominations/{first.pk}/appraise/$"))
    for box in page.locator("main form input[type=checkbox]").all():
        box.check()
    page.fill("#id_notes", "Hồ sơ đầy đủ, đúng mẫu; biểu quyết của Khối đạt tỷ lệ.")
    screenshot("council-appraisal-form")
    _submit(page)
    assert "ready for a session's agenda" in page.inner_text("main")
    assert page.inner_text("#status") == "Appraised"
    screenshot("council-nomination-appraised")

    # The other two through the services, to keep the test short.
    for nomination in others:
        intake.receive_nomination(nomination, by=world.staff)
        intake.appraise_nomination(
            nomination,
            by=world.staff,
            checklist=dict.fromkeys(intake.APPRAISAL_CHECKLIST, True),
            notes="Đủ điều kiện.",
        )
    assert set(Nomination.objects.values_list("status", flat=True)) == {"appraised"}

    # A session, online: the agenda, the three members present, voting opened.
    page.locator("#actions").get_by_role("link", name="Put on a session's agenda").click()
    page.wait_for_url(re.compile(rf"/council/{world.authority.pk}/{year}/sessions/$"))
    assert "3 appraised nominations wait for a session." in page.inner_text("main")
    page.get_by_role("link", name="New session").click()
    page.fill("#id_title", "Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh")
    page.fill("#id_place", "Hội trường Ủy ban nhân dân tỉnh")
    page.check('input[name="method"][value="online"]')
    _submit(page)
    session = CouncilSession.objects.get()
    assert page.url.endswith(session.get_absolute_url())
    assert "The agenda is empty." in page.inner_text("main")
    page.locator("main").get_by_role("link", name="Agenda", exact=True).click()
    for nomination in nominations:
        page.check(f'input[name="nominations"][value="{nomination.pk}"]')
    with page.expect_navigation():
        page.get_by_role("button", name="Put on the agenda").click()
    assert session.items.count() == 3
    page.goto(f"{base}{session.get_absolute_url()}")
    page.locator("main").get_by_role("link", name="Attendance", exact=True).click()
    for box in page.locator('main input[name="members"]').all():
        box.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the attendance").click()
    assert "3 of 3 present; 2 needed." in page.inner_text("[data-attendance]")
    assert "Quorum present." in page.inner_text("[data-attendance]")
    screenshot("council-session-draft")

    # The counting board (the first three council members, any two of whom count) receive their
    # codes, each in their own browser; voting opens only then.
    session.refresh_from_db()
    ballot_box = session.box
    assert ballot_box is not None
    tellers = list(ballot_box.tellers.select_related("user").order_by("position"))
    assert len(tellers) == 3 and ballot_box.threshold == 2
    codes = {
        t.position: _take_code(browser, live_server, t.user.username, session) for t in tellers
    }
    assert len(set(codes.values())) == 3
    page.reload()
    board = page.inner_text("section[aria-labelledby=board-title]")
    assert board.count("has received their code") == 3
    page.locator("main").get_by_role("link", name="Open voting").click()
    _submit(page)
    assert "Voting is open" in page.inner_text("main")
    assert "0 of 3 present members voted." in page.inner_text("[data-progress]")
    session.refresh_from_db()
    assert session.status == CouncilSession.Status.OPEN

    # Each member votes in secret; one disagrees on one nomination, which still passes (2 of 3).
    against = others[0].unit_name
    _vote(browser, live_server, "member", session, against)
    _vote(browser, live_server, "council1", session, "")
    _vote(browser, live_server, "council2", session, "")

    # The staff close and count, see the results and issue the minutes.
    page.reload()
    assert "3 of 3 present members voted." in page.inner_text("[data-progress]")
    page.locator("main").get_by_role("link", name="Close voting").click()
    _submit(page)
    assert "the counting board now counts" in page.inner_text("main")
    session.refresh_from_db()
    assert session.status == CouncilSession.Status.COUNTING
    # Nothing counted yet: every item still simply on the agenda.
    assert page.locator("table.agenda").inner_text().count("On a council session's agenda") == 3

    # Two tellers type their codes at the counting table (the second and the third).
    page.locator(f'a[href="{reverse("awards:session_count", args=[session.pk])}"]').click()
    page.fill("input[name=code_2]", codes[2])
    page.fill("input[name=code_3]", codes[3])
    _submit(page)
    assert "The ballots were counted" in page.inner_text("main")
    session.refresh_from_db()
    assert session.status == CouncilSession.Status.CLOSED
    ballot_box.refresh_from_db()
    assert ballot_box.state == "counted"
    assert sorted(
        ballot_box.tellers.filter(counted_at__isnull=False).values_list("position", flat=True)
    ) == [2, 3]
    assert page.locator("main svg").count() >= 1
    agenda = page.locator("table.agenda").inner_text()
    assert agenda.count("Approved") == 3, agenda
    assert "proposed 3, approved 3" in page.inner_text("[data-award-summary]")
    page.locator("main").get_by_role("link", name="Issue the minutes").click()
    _submit(page)
    assert page.locator("main").get_by_role("link", name="Minutes (PDF)").count() == 1
    screenshot("council-session-closed")
    assert set(Nomination.objects.values_list("status", flat=True)) == {"approved"}

    # The decision: drafted, issued, published.
    page.locator("main a.btn-primary", has_text="Decisions").click()  # the next step
    page.wait_for_url(re.compile(rf"/council/{world.authority.pk}/{year}/decisions/$"))
    waiting = page.locator('[data-waiting="chairman-certificate"]')
    assert all(n.unit_name in waiting.inner_text() for n in nominations)
    waiting.get_by_role("link", name="Draft a decision").click()
    page.fill("#id_number", NUMBER)
    page.fill("#id_signer_name", "Võ Văn Hưng")
    _submit(page)
    decision = Decision.objects.get()
    assert page.url.endswith(decision.get_absolute_url())
    assert "The draft decision was saved" in page.inner_text("main")
    page.locator("main").get_by_role("link", name="Issue", exact=True).click()
    _submit(page)
    page.locator("main").get_by_role("link", name="Publish", exact=True).click()
    _submit(page)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED and decision.document is not None
    assert page.locator("main").get_by_role("link", name="Download the PDF").count() == 1
    screenshot("council-decision-published")

    # Anyone, without signing in, reads the results and verifies the decision.
    public = _new_page(browser)
    try:
        public.goto(f"{base}/accounts/login/")
        with public.expect_navigation():
            public.click('button[name="language"][value="en"]')  # the site opens in Vietnamese
        public.get_by_role("link", name="Published award results").click()
        public.wait_for_url(re.compile(r"/results/$"))
        public.get_by_role("link", name=re.compile(re.escape(world.authority.name))).click()
        public.wait_for_url(re.compile(rf"/results/{world.authority.pk}/{year}/$"))
        results = public.locator(f'[data-decision="{NUMBER}"]').inner_text()
        assert NUMBER in results
        assert all(n.unit_name in results for n in nominations)
        public.screenshot(path=str(tmp_path / "public.png"), full_page=True)
        code = decision.document.code
        public.goto(f"{base}/verify/{code}/")
        text = public.inner_text("main")
        assert "Verify an issued document" in text and decision.document.display_code in text
        assert NUMBER in text
        assert decision.document.sha256 in public.inner_text("[data-sha256]")
    finally:
        public.context.close()

    # What the database says at the end.
    assert set(Nomination.objects.values_list("status", flat=True)) == {"awarded"}
    assert decision.awardees.count() == 3
    session.refresh_from_db()
    assert session.status == CouncilSession.Status.CLOSED and session.minutes is not None
