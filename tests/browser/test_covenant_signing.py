"""A leader signs the covenant in Chromium while the secretariat watches the count go up."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from covenants.models import Signature
from tests.browser.conftest import CHROMIUM_ARGS, sign_in  # noqa: F401
from tests.factories import World, make_covenant

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def test_a_leader_signs_and_the_secretariats_progress_updates(
    world: World,
    live_server: Any,
    page: Page,
    browser: Browser,
    screenshot: Callable[[str], Path],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    document = make_covenant(world, status="signing")

    # The secretariat opens the live progress page.
    sign_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/documents/{document.pk}/signatures/")
    counter = page.locator("#signing-progress .stat")
    assert counter.inner_text() == "0"

    # Meanwhile the leader of the Propaganda Board signs from another browser.
    leader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    leader = leader_context.new_page()
    sign_in(leader, live_server, "leader")
    leader.goto(f"{live_server.url}/")
    leader.locator(f'a[href="/documents/{document.pk}/sign/"]').first.click()
    leader.fill("#id_password", "demo12345")
    leader.check("#id_confirm")
    leader.locator("main form button[type=submit]").click()
    leader.wait_for_url(re.compile(rf"/documents/{document.pk}/signatures/$"))
    assert leader.locator(".alert-success").count() >= 1
    leader_context.close()

    signature = Signature.objects.get()
    assert (signature.unit, signature.signer, signature.user_agent != "") == (
        world.units[2],
        world.leader,
        True,
    )

    # Without reloading, the secretariat's page shows the new count within a refresh or two.
    page.wait_for_function(
        "() => document.querySelector('#signing-progress .stat').textContent.trim() === '1'",
        timeout=15_000,
    )
    assert "Ban Tuyên giáo Tỉnh ủy" in page.locator("#signing-progress").inner_text()
    screenshot("signing-progress-after-one-signature")
