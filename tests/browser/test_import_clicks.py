"""Council staff build a province from a workbook in the browser: from the units list to the
import page, upload, read the preview, confirm; then an invited person sets their password."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from blocks.models import Membership, StagedImport, Unit
from emulation.models import User
from tests.blocks.import_files import province
from tests.browser.conftest import sign_in, submit_login
from tests.factories import World

pytestmark = pytest.mark.browser

Shot = Callable[[str], Path]


def test_staff_import_a_province_and_an_invited_person_signs_in(
    page: Page, live_server: Any, world: World, screenshot: Shot, tmp_path: Path
) -> None:
    workbook = tmp_path / "tinh.xlsx"
    workbook.write_bytes(province())
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/units/")
    with page.expect_navigation():
        page.click("#import-link")
    assert page.url.endswith("/imports/")
    page.set_input_files("#id_file", str(workbook))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    counts = page.locator("#import-counts")
    expect(counts).to_have_attribute("data-created", "18")
    expect(counts).to_have_attribute("data-problems", "0")
    expect(page.locator("table.import-rows tbody tr")).to_have_count(18)
    screenshot("import-preview")
    assert not Unit.objects.filter(code="QT-U1").exists()

    mail.outbox.clear()
    with page.expect_navigation():
        page.click("#import-confirm button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#import-status")).to_have_attribute("data-status", "confirmed")
    screenshot("import-confirmed")
    assert StagedImport.objects.get().status == StagedImport.Status.CONFIRMED
    assert Membership.objects.get(unit__code="QT-U1", block_year__year=2026).role == "head"

    # The invitation, as the person receives it (the live server runs the mail task at once).
    message = next(m for m in mail.outbox if m.to == ["qtuser1@example.vn"])
    link = re.search(r"https?://\S+?(/accounts/invitation/\S+/)", str(message.body))
    assert link is not None
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link.group(1)}")
    assert page.url.endswith("/set-password/")
    page.fill("#id_new_password1", "Một-mật-khẩu-dài-2026")
    page.fill("#id_new_password2", "Một-mật-khẩu-dài-2026")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/login/" in page.url
    submit_login(page, live_server, "qtuser1", "Một-mật-khẩu-dài-2026")
    assert "/accounts/login/" not in page.url
    assert User.objects.get(username="qtuser1").last_login is not None
