"""A unit's officer records one of the unit's people and proposes them to the block, in the
browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from awards.models import PersonProposal
from blocks.models import Person
from tests.browser.conftest import sign_in
from tests.factories import World

pytestmark = pytest.mark.browser

Shot = Callable[[str], Path]
SUBMIT = "main form button[type=submit]"


def test_the_officer_adds_a_person_and_proposes_them(
    page: Page, live_server: Any, world: World, screenshot: Shot
) -> None:
    unit = world.units[2]
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    with page.expect_navigation():
        page.click("#unit-people")
    with page.expect_navigation():
        page.click("#person-add")
    page.fill("#id_full_name", "Lê Thị Hoa")
    page.fill("#id_title", "Trưởng phòng Tuyên truyền")
    page.fill("#id_birth_year", "1982")
    with page.expect_navigation():
        page.click(SUBMIT)
    expect(page.locator("#results")).to_contain_text("Lê Thị Hoa")
    person = Person.objects.get(full_name="Lê Thị Hoa")

    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    with page.expect_navigation():
        page.click("#unit-proposals")
    with page.expect_navigation():
        page.click("#propose-in a")
    page.select_option("#id_person", str(person.pk))
    page.fill("#id_summary", "Hai sáng kiến được công nhận; hoàn thành xuất sắc nhiệm vụ.")
    screenshot("person-proposal-form")
    with page.expect_navigation():
        page.click(SUBMIT)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Lê Thị Hoa")
    screenshot("person-proposals-of-the-year")
    proposal = PersonProposal.objects.get()
    assert (proposal.person, proposal.unit, proposal.proposed_by) == (person, unit, world.officer)
