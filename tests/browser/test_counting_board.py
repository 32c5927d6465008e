"""In Chromium, a block's ballot from its counting board to its count: each teller receives their
code on their own screen, the leaders vote, the secretariat closes voting, two tellers type their
codes at the counting table and the results appear, each receipt found in the count. And the
early-close attack: closed after one vote, the ballot is void, never counted, and is held again
only with a reason. (The council's session goes through its board in test_council.py.)

Screenshots of the board panel, the code page and the count page, at a phone's and a laptop's
width, go to tests/scratch/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import Ballot, BallotBox, SealedBallot
from awards.services import ballots
from emulation.models import User
from tests.browser.conftest import PROJECT_ROOT, TIMEOUT_MS, sign_in
from tests.factories import World, make_ballot, make_leaders, make_world

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

SCRATCH = PROJECT_ROOT / "tests" / "scratch"
WIDTHS = (390, 1366)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    make_leaders(world)  # before any ballot opens: a leader named later does not vote in it
    User.objects.update(preferred_language="en")
    return world


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context.new_page()


def _shots(page: Page, name: str) -> list[Path]:
    """The whole page at each width, into tests/scratch/ (not kept by git)."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    paths = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        path = SCRATCH / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
        # Nothing runs off the side of a phone's screen.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"
    page.set_viewport_size({"width": 1366, "height": 900})
    return paths


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def _take_code(
    browser: Browser, live_server: Any, username: str, vote_url: str, code_url: str, shots: bool
) -> str:
    """The teller signs in, finds "Receive my code" on the vote's page and reads the code shown
    once; a second visit shows it no more."""
    page = _new_page(browser)
    try:
        sign_in(page, live_server, username)
        page.goto(live_server.url + vote_url)
        board = page.locator("section[aria-labelledby=board-title]")
        assert "has not received their code yet" in board.inner_text()
        if shots:
            _shots(page, "board-panel-preparing")
        board.locator(f'a[href="{code_url}"]').click()
        page.wait_for_url(re.compile(re.escape(code_url) + "$"))
        if shots:
            _shots(page, "code-page-before")
        _submit(page)
        code = page.locator("#teller-code").inner_text().strip()
        assert "it is shown only once" in page.inner_text("main")
        if shots:
            _shots(page, "code-page-shown")
        page.goto(live_server.url + code_url)
        assert page.locator("#teller-code").count() == 0
        assert "You have already received your code" in page.inner_text("main")
        return code
    finally:
        page.context.close()


def _vote(browser: Browser, live_server: Any, username: str, ballot: Ballot, agree: bool) -> str:
    """The leader casts the unit's ballot and reads the receipt shown once."""
    page = _new_page(browser)
    try:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}/ballots/{ballot.pk}/vote/")
        for candidate in ballot.candidates.all():
            page.check(f"#id_candidate_{candidate.pk}_{0 if agree else 1}")
        page.check("#id_confirm")
        _submit(page)
        return page.locator("#receipt-code").inner_text().strip()
    finally:
        page.context.close()


def _check_receipt(page: Page, live_server: Any, ballot: Ballot, receipt: str) -> str:
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/receipt/")
    page.fill("#id_code", receipt)
    _submit(page)
    return str(page.locator("[data-result]").get_attribute("data-result"))


def test_the_board_receives_its_codes_the_leaders_vote_and_two_tellers_count(
    world: World, live_server: Any, page: Page, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM, opened=False)
    candidate = ballot.candidates.get()
    box = ballot.box
    tellers = list(box.tellers.select_related("user").order_by("position"))
    assert len(tellers) == 3 and box.threshold == 2
    vote_url = ballot.get_absolute_url()
    code_url = reverse("awards:ballot_code", args=[ballot.pk])
    base = live_server.url

    # Voting cannot open before the board has its codes.
    sign_in(page, live_server, "secretariat")
    page.goto(f"{base}/ballots/{ballot.pk}/open/")
    _submit(page)
    assert "must receive their codes first" in page.inner_text("main")
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.DRAFT

    # Each teller receives their code in their own browser; only its public key is kept.
    codes = {
        teller.position: _take_code(
            browser, live_server, teller.user.username, vote_url, code_url, shots=index == 0
        )
        for index, teller in enumerate(tellers)
    }
    assert all(re.fullmatch(r"[A-Z2-9-]{20,}", code) for code in codes.values()), codes
    assert len(set(codes.values())) == 3
    box.refresh_from_db()
    stored = [t.public_key for t in box.tellers.all()]
    assert all(stored) and not any(
        code.encode() in bytes(k) for k in stored for code in codes.values()
    )

    # The secretariat opens voting; the board panel says everyone has their code.
    page.goto(f"{base}/ballots/{ballot.pk}/open/")
    _submit(page)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert (
        page.inner_text("section[aria-labelledby=board-title]").count("has received their code")
        == 3
    )

    # The four leaders vote: three agree, one disagrees; each is given a receipt.
    votes = {leader.username: leader.username != "leader" for leader in make_leaders(world)}
    receipts = {
        name: _vote(browser, live_server, name, ballot, agree) for name, agree in votes.items()
    }
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", r) for r in receipts.values())
    assert SealedBallot.objects.filter(box=box, sealed__isnull=False).count() == 4

    # The secretariat closes voting: the quorum is reached, the box waits for the board.
    page.goto(f"{base}{vote_url}")
    page.locator(f'a[href="/ballots/{ballot.pk}/close/"]').first.click()
    _submit(page)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.COUNTING
    assert page.locator("#results").count() == 0
    _shots(page, "board-panel-counting")

    # At the counting table, in the first teller's browser: one code alone does not open the box.
    table = _new_page(browser)
    try:
        sign_in(table, live_server, tellers[0].user.username)
        table.goto(f"{base}{vote_url}")
        table.locator(f'a[href="/ballots/{ballot.pk}/count/"]').click()
        assert table.locator("input[type=password][name^=code_]").count() == 3
        _shots(table, "count-page")
        table.fill("input[name=code_1]", codes[1])
        _submit(table)
        ballot.refresh_from_db()
        assert ballot.status == Ballot.Status.COUNTING
        assert table.locator(".is-invalid, .invalid-feedback, .alert-danger").count() >= 1
        # The first and the third tellers' codes: any two of the three count.
        table.fill("input[name=code_1]", codes[1])
        table.fill("input[name=code_3]", codes[3])
        _submit(table)
        table.wait_for_selector("#results")
        cells = table.locator("#results tbody tr td").all_inner_texts()
        assert candidate.unit_name in cells[0]
        assert (cells[1].strip(), cells[2].strip()) == ("3", "1")
        _shots(table, "results")
    finally:
        table.context.close()

    ballot.refresh_from_db()
    candidate.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert (candidate.approvals, candidate.disapprovals) == (3, 1)
    box.refresh_from_db()
    assert box.state == BallotBox.State.COUNTED
    assert not SealedBallot.objects.filter(box=box, sealed__isnull=False).exists()
    counted = [t.position for t in box.tellers.filter(counted_at__isnull=False)]
    assert sorted(counted) == [1, 3]

    # A leader's receipt is found in the count.
    assert _check_receipt(page, live_server, ballot, receipts["leader"]) == "counted"


def test_closing_after_one_vote_voids_the_ballot_and_holding_it_again_needs_a_reason(
    world: World, live_server: Any, page: Page, settings: Any, tmp_path: Path
) -> None:
    """The early-close attack: whoever runs the ballot closes it as soon as one unit has voted,
    hoping to read that one vote. Without the quorum the ballot is void and never counted."""
    settings.MEDIA_ROOT = tmp_path
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    candidate = ballot.candidates.get()
    receipt = ballots.cast_vote(ballot, by=world.leader, choices={candidate.pk: True})
    base = live_server.url

    sign_in(page, live_server, "secretariat")
    page.goto(f"{base}/ballots/{ballot.pk}/close/")
    assert "1 of 4 member units have voted" in page.inner_text("main")
    _submit(page)
    main = page.inner_text("main")
    assert "Void: quorum not reached." in main
    assert "No count was made: the sealed ballots were destroyed unopened." in main
    assert page.locator("#results").count() == 0
    assert page.locator(f'a[href="/ballots/{ballot.pk}/count/"]').count() == 0
    _shots(page, "board-panel-void")
    ballot.refresh_from_db()
    candidate.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.box.is_void
    assert (candidate.approvals, candidate.disapprovals) == (None, None)
    assert not SealedBallot.objects.filter(box=ballot.box, sealed__isnull=False).exists()
    # The receipt is never shown as counted. (The receipt page has no wording of its own for a
    # void ballot yet: it says "recorded".)
    assert _check_receipt(page, live_server, ballot, receipt) in {"recorded", "void"}

    # Holding it again: refused without a reason, done with one.
    page.goto(f"{base}{ballot.get_absolute_url()}")
    page.locator(f'a[href="/ballots/{ballot.pk}/rerun/"]').click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/rerun/$"))
    _shots(page, "rerun-page")
    _submit(page)
    assert page.url.endswith(f"/ballots/{ballot.pk}/rerun/")
    assert page.locator("#id_reason.is-invalid, .invalid-feedback").count() >= 1
    assert Ballot.objects.count() == 1
    page.fill("#id_reason", "Voting was closed by mistake before the units had voted.")
    _submit(page)
    again = Ballot.objects.exclude(pk=ballot.pk).get()
    assert again.status == Ballot.Status.DRAFT and again.rerun_of_id == ballot.pk
    assert again.rerun_reason == "Voting was closed by mistake before the units had voted."
    assert again.box is not None and again.box.tellers.count() == 3
    # The void ballot offers no second rerun.
    page.goto(f"{base}{ballot.get_absolute_url()}")
    assert page.locator(f'a[href="/ballots/{ballot.pk}/rerun/"]').count() == 0
