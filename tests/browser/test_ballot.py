"""A leader casts the unit's secret ballot in Chromium, checks the receipt, and sees the results
once the secretariat has closed the ballot."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awards.models import Ballot, RollEntry, SealedBallot
from awards.services import ballots
from tests import counting
from tests.browser.conftest import sign_in
from tests.factories import World, make_ballot, make_leaders

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def test_a_leader_votes_checks_the_receipt_and_sees_the_results(
    world: World,
    live_server: Any,
    page: Page,
    browser: Browser,
    screenshot: Callable[[str], Path],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leaders = make_leaders(world)
    # Acclaiming the leading unit needs no award type (a transactional test may have emptied the
    # seeded ones).
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    candidate = ballot.candidates.get()
    base = live_server.url

    # The leader of the Propaganda Board finds the ballot in the year's list and votes.
    sign_in(page, live_server, "leader")
    page.goto(f"{base}/years/{world.block_year.pk}/ballots/")
    assert "0/4" in page.locator("#ballots").inner_text()
    page.locator(f'a[href="/ballots/{ballot.pk}/vote/"]').click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/vote/$"))
    page.check(f"#id_candidate_{candidate.pk}_0")  # agree
    page.check("#id_confirm")
    screenshot("ballot-paper")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#receipt-code")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt), receipt
    screenshot("ballot-receipt-shown-once")
    assert RollEntry.objects.filter(box__ballot=ballot, unit=world.units[2]).exists()
    assert SealedBallot.objects.filter(box__ballot=ballot).count() == 1

    # The receipt is in the box, to be counted at closing.
    page.locator(f'main a[href="/ballots/{ballot.pk}/receipt/"]').first.click()
    page.fill("#id_code", receipt.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector('[data-result="recorded"]')
    screenshot("ballot-receipt-recorded")

    # The other leaders vote; the secretariat closes the ballot from another browser.
    for leader in leaders:
        if leader != world.leader:
            ballots.cast_vote(ballot, by=leader, choices={candidate.pk: True})
    secretariat_context = browser.new_context(viewport={"width": 1280, "height": 900})
    secretariat = secretariat_context.new_page()
    sign_in(secretariat, live_server, "secretariat")
    secretariat.goto(f"{base}/ballots/{ballot.pk}/")
    assert "4" in secretariat.locator("[data-voted]").inner_text()
    secretariat.locator(f'a[href="/ballots/{ballot.pk}/close/"]').first.click()
    secretariat.locator("main form button[type=submit]").click()
    # The quorum is reached: the counting board types two of its codes at the counting table.
    secretariat.locator(f'a[href="/ballots/{ballot.pk}/count/"]').first.click()
    for position, code in enumerate(counting.CODES[ballot.box_id][:2], start=1):
        secretariat.fill(f"input[name=code_{position}]", code)
    secretariat.locator("main form button[type=submit]").click()
    secretariat.wait_for_selector("#results")
    secretariat_context.close()

    # Back in the leader's browser: the same receipt is now counted, and the results are out.
    page.fill("#id_code", receipt)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector('[data-result="counted"]')
    screenshot("ballot-receipt-counted")
    page.goto(f"{base}/ballots/{ballot.pk}/")
    results = page.locator("#results").inner_text()
    assert "Văn phòng Tỉnh ủy" in results and "Trúng với 4 phiếu" in results
    assert page.locator("svg.chart").count() == 1
    screenshot("ballot-results")
