"""What the block, block-year, unit and activity pages show."""

from __future__ import annotations

import datetime
from typing import Any

from blocks import services
from tests.factories import World, make_block_year


def test_the_block_page_lists_heads_by_year_with_the_names_they_had(
    as_user: Any, world: World
) -> None:
    make_block_year(world.block, world.units, year=2025, head=world.units[2])
    services.rename_unit(
        world.units[2],
        by=world.staff,
        name="Ban Tuyên giáo và Dân vận",
        short_name="BTGDV",
        effective_date=datetime.date(2026, 7, 1),
        reason="",
    )
    page = as_user("member").get(f"/blocks/{world.block.pk}/").content.decode()
    assert "2025" in page and "Ban Tuyên giáo Tỉnh ủy" in page  # 2025's head, under its 2025 name


def test_the_dashboard_shows_twelve_steps_and_the_setup_step_done(
    as_user: Any, world: World
) -> None:
    response = as_user("leader").get(f"/years/{world.block_year.pk}/")
    steps = response.context["steps"]
    assert [step.number for step, _ in steps] == list(range(1, 13))
    assert steps[0][1].status == "done"
    assert steps[0][1].actions == []  # a leader sees the step, not the staff's actions
    page = response.content.decode()
    assert page.count('class="step-number"') == 12


def test_the_dashboard_offers_staff_their_next_actions(as_user: Any, world: World) -> None:
    steps = as_user("staff").get(f"/years/{world.block_year.pk}/").context["steps"]
    assert next(url for _, url in steps[0][1].actions).endswith("/members/add/")


def test_a_year_without_head_asks_for_one(as_user: Any, world: World) -> None:
    world.block_year.memberships.update(role="member")
    steps = as_user("staff").get(f"/years/{world.block_year.pk}/").context["steps"]
    assert steps[0][1].status == "active"


def test_the_unit_page_hides_people_from_other_units(as_user: Any, world: World) -> None:
    unit_page = as_user("leader2").get(f"/units/{world.units[2].pk}/").content.decode()
    assert world.leader.full_name not in unit_page
    own_page = as_user("officer").get(f"/units/{world.units[2].pk}/").content.decode()
    assert world.leader.full_name in own_page


def test_the_activity_page_totals_the_contributions(as_user: Any, world: World) -> None:
    page = as_user("leader").get(f"/activities/{world.activity.pk}/").content.decode()
    assert "5.000.000 ₫" in page and ">100<" in page
    assert "/contributions/" not in page  # a leader of a member unit does not record


def test_home_shows_a_leader_their_unit_and_block(as_user: Any, world: World) -> None:
    page = as_user("leader").get("/").content.decode()
    assert world.units[2].name in page and world.block.name in page


def test_home_shows_staff_the_years_without_a_head(as_user: Any, world: World) -> None:
    world.block_year.memberships.update(role="member")
    page = as_user("staff").get("/").content.decode()
    assert f"/years/{world.block_year.pk}/leadership/" in page
