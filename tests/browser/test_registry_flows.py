"""The registry's main flows, as a person does them in the browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from blocks.models import Membership
from emulation.models import User
from tests.browser.conftest import sign_in, submit_login
from tests.factories import World

pytestmark = pytest.mark.browser

Shot = Callable[[str], Path]
SUBMIT = "main form button[type=submit]"


def test_council_staff_signs_in_and_sets_the_block_head(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    block_year = world.block_year
    new_head = world.units[2]  # Ban Tuyên giáo Tỉnh ủy, a plain member until now
    sign_in(page, live_server, "staff")

    page.goto(f"{live_server.url}/years/{block_year.pk}/")
    expect(page.locator("h1")).to_contain_text(world.block.name)
    with page.expect_navigation():
        page.click('a[href$="/leadership/"]')
    assert page.url.endswith(f"/years/{block_year.pk}/leadership/")

    expect(page.locator("#id_head")).to_have_value(str(world.units[0].pk))
    page.select_option("#id_head", str(new_head.pk))
    screenshot("leadership-form")
    with page.expect_navigation():
        page.click(SUBMIT)

    assert page.url.rstrip("/").endswith(f"/years/{block_year.pk}")
    expect(page.locator(".alert-success")).to_be_visible()
    head_item = page.locator(".list-group-item", has_text=new_head.name)
    expect(head_item.locator(".badge")).to_be_visible()
    screenshot("dashboard-after-setting-head")

    assert Membership.objects.get(block_year=block_year, role="head").unit == new_head
    assert Membership.objects.get(block_year=block_year, unit=world.units[0]).role == "member"
    assert Membership.objects.get(block_year=block_year, unit=world.units[1]).role == "deputy"


def test_language_switch_turns_the_pages_into_english_and_back(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    sign_in(page, live_server, "leader")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")
    expect(page.locator("nav.navbar")).not_to_contain_text("Blocks")

    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("nav.navbar")).to_contain_text("Blocks")
    expect(page.locator("button[name=language][value=en]")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert User.objects.get(username="leader").preferred_language == "en"

    # The choice follows the person to the next page.
    page.goto(f"{live_server.url}/blocks/")
    expect(html).to_have_attribute("lang", "en")
    screenshot("blocks-list-in-english")

    with page.expect_navigation():
        page.click("button[name=language][value=vi]")
    expect(html).to_have_attribute("lang", "vi")
    expect(page.locator("nav.navbar")).not_to_contain_text("Blocks")
    assert page.url.endswith("/blocks/")  # back on the page where the switch was pressed
    assert User.objects.get(username="leader").preferred_language == "vi"


def test_search_finds_a_unit_without_accents(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/units/")
    results = page.locator("#results")
    expect(results).to_contain_text("Báo Quảng Trị")

    # As one types: htmx replaces the table after a short pause.
    page.locator("#id_q").press_sequentially("ban tuyen giao", delay=20)
    expect(results).to_contain_text("Ban Tuyên giáo Tỉnh ủy")
    expect(results).not_to_contain_text("Báo Quảng Trị")
    expect(page).to_have_url(re.compile(r"[?&]q=ban(\+|%20)tuyen(\+|%20)giao"))  # pushed URL
    screenshot("unit-list-search")

    # Without htmx: the Filter button submits the form as a plain GET.
    page.goto(f"{live_server.url}/units/")
    # Set without typing: typing would start htmx's own search, whose pushed URL a loaded
    # machine can take for the form's navigation.
    page.locator("#id_q").evaluate("(field, text) => { field.value = text; }", "BAN TUYEN GIAO")
    with page.expect_navigation() as navigation:
        page.click("form[role=search] button[type=submit]")
    response = navigation.value
    assert response is not None and response.status == 200
    assert "hx-request" not in response.request.headers
    expect(page.locator("h1")).to_be_visible()  # a whole page, not a fragment
    expect(results).to_contain_text("Ban Tuyên giáo Tỉnh ủy")
    expect(results).not_to_contain_text("Báo Quảng Trị")
    expect(page.locator("#id_q")).to_have_value("BAN TUYEN GIAO")


def test_wrong_password_shows_a_clear_message_and_repeated_failures_lock_the_account(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    response = submit_login(page, live_server, "leader", "wrong-password")
    assert response.status == 200
    assert "/accounts/login/" in page.url
    expect(page.locator("main .alert-danger")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value("leader")
    screenshot("login-wrong-password")

    # django-axes locks the account on the fifth failure (AXES_FAILURE_LIMIT = 5).
    for attempt in range(2, 5):
        response = submit_login(page, live_server, "leader", f"wrong-{attempt}")
        assert response.status == 200, f"attempt {attempt} was locked too early"
        expect(page.locator("main .alert-danger")).to_be_visible()
    response = submit_login(page, live_server, "leader", "wrong-5")
    assert response.status == 429
    expect(page.locator(".alert-danger h1")).to_be_visible()

    # Once locked, even the right password is refused with the lockout page.
    page.goto(f"{live_server.url}/accounts/login/")
    response = submit_login(page, live_server, "leader", "demo12345")
    assert response.status == 429
    lockout = page.locator(".alert-danger h1")
    expect(lockout).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_count(0)
    screenshot("login-locked-out")

    # Failures count per account and per address: five from this address lock it for every
    # account, so guesses spread over accounts do not go on either.
    page.goto(f"{live_server.url}/accounts/login/")
    response = submit_login(page, live_server, "staff", "demo12345")
    assert response.status == 429


def test_adding_a_unit_twice_to_a_year_is_refused_on_the_form(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    block_year = world.block_year
    already = world.units[3]  # Báo Quảng Trị is a member since 01/01
    count = Membership.objects.filter(block_year=block_year).count()
    sign_in(page, live_server, "staff")

    page.goto(f"{live_server.url}/years/{block_year.pk}/members/add/")
    page.select_option("#id_unit", str(already.pk))
    page.fill("#id_joined_on", "15/03/2026")
    with page.expect_navigation() as navigation:
        page.click(SUBMIT)

    assert navigation.value.status == 200
    assert page.url.endswith(f"/years/{block_year.pk}/members/add/")
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_contain_text(already.name)
    expect(page.locator("#id_joined_on")).to_have_value("15/03/2026")
    screenshot("membership-add-duplicate-error")
    assert Membership.objects.filter(block_year=block_year).count() == count
