"""In a real Chromium, after the council's vote: the staff find the Department of Home Affairs'
submission as their next action, issue it, draft the decision (its preamble as provinces write
it, citing the submission), issue and publish it, then revoke one award by a later decision;
anyone reads the award as revoked on the public results."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import Decision, Revocation, Submission
from emulation.models import User
from tests.awards.matrix_decisions import approved_nominations
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import YEAR, World

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def test_submission_decision_and_revocation_in_the_browser(
    world: World, live_server: Any, browser: Browser
) -> None:
    User.objects.update(preferred_language="en")
    first, _second = approved_nominations(world, [world.units[0], world.units[1]])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, live_server, world.staff.username)

    # The next action on the staff's home page: the Department's submission.
    create = reverse("awards:submission_create", args=[world.authority.pk, YEAR])
    page.goto(f"{live_server.url}/")
    page.locator(f'main a[href="{create}"]').first.click()
    page.wait_for_selector("#id_number")
    page.fill("#id_number", "45/TTr-SNV")
    page.fill("#id_signed_on", datetime.date(YEAR + 1, 3, 2).isoformat())
    page.fill("#id_signer_name", "Trần Văn Bình")
    _submit(page)
    submission = Submission.objects.get()
    assert page.url.endswith(submission.get_absolute_url())
    assert page.locator("#submission-pdf").count() == 1

    # The decision cites it; its preamble is the province's, not the block's rules.
    page.goto(
        f"{live_server.url}{reverse('awards:decision_list', args=[world.authority.pk, YEAR])}"
    )
    assert page.locator("#submission-next").count() == 0
    page.locator('[data-waiting="chairman-certificate"]').get_by_role(
        "link", name="Draft a decision"
    ).click()
    bases = page.input_value("#id_legal_bases")
    assert "Luật Tổ chức chính quyền địa phương" in bases and "Quy chế hoạt động" not in bases
    page.fill("#id_number", "125/QĐ-UBND")
    page.fill("#id_signed_on", datetime.date(YEAR + 1, 3, 5).isoformat())
    page.fill("#id_signer_name", "Võ Văn Hưng")
    _submit(page)
    decision = Decision.objects.get()
    assert decision.submission == submission
    page.locator("main").get_by_role("link", name="Issue", exact=True).click()
    _submit(page)
    page.locator("main").get_by_role("link", name="Publish", exact=True).click()
    _submit(page)

    # A later decision revokes the first unit's award.
    awardee = decision.awardees.get(nomination=first)
    page.locator(f'main a[href="{reverse("awards:awardee_revoke", args=[awardee.pk])}"]').click()
    page.fill("#id_number", "310/QĐ-UBND")
    page.fill("#id_signed_on", datetime.date(YEAR + 1, 6, 1).isoformat())
    page.fill("#id_signer_name", "Võ Văn Hưng")
    page.check('input[name="ground"][value="false_records"]')
    page.fill("#id_reason", "Hồ sơ có giấy tờ giả.")
    _submit(page)
    revocation = Revocation.objects.get()
    assert revocation.awardee == awardee
    assert page.locator(f'[data-revoked="{awardee.pk}"]').count() == 1

    # Anyone reads it on the public results.
    public = browser.new_context(locale="en-US").new_page()
    public.goto(f"{live_server.url}{reverse('awards:results', args=[world.authority.pk, YEAR])}")
    row = public.locator(f'[data-revoked="{awardee.pk}"]')
    assert row.count() == 1 and "310/QĐ-UBND" in row.inner_text()
    assert public.locator("[data-revoked]").count() == 1  # the second unit keeps its award
    context.close()
