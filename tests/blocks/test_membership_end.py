from __future__ import annotations

import datetime
from typing import Any

from tests.factories import World, registry_snapshot


def test_a_unit_leaves_mid_year_with_a_reason(as_user: Any, world: World) -> None:
    membership = world.block_year.memberships.get(unit=world.units[3])
    response = as_user("staff").post(
        f"/memberships/{membership.pk}/end/", {"left_on": "30/06/2026", "reason": "Sáp nhập"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2026, 6, 30)


def test_leaving_before_joining_gets_a_clear_message(as_user: Any, world: World) -> None:
    membership = world.block_year.memberships.get(unit=world.units[3])
    membership.joined_on = datetime.date(2026, 5, 1)
    membership.save()
    before = registry_snapshot()
    response = as_user("staff").post(
        f"/memberships/{membership.pk}/end/", {"left_on": "01/04/2026", "reason": "x"}
    )
    assert response.status_code == 200
    assert "01/05/2026" in response.context["form"].errors["left_on"][0]
    assert registry_snapshot() == before


def test_a_reason_is_required(as_user: Any, world: World) -> None:
    membership = world.block_year.memberships.get(unit=world.units[3])
    response = as_user("staff").post(
        f"/memberships/{membership.pk}/end/", {"left_on": "30/06/2026", "reason": ""}
    )
    assert "reason" in response.context["form"].errors


def test_the_head_cannot_leave(as_user: Any, world: World) -> None:
    head = world.block_year.memberships.get(unit=world.units[0])
    before = registry_snapshot()
    response = as_user("staff").post(
        f"/memberships/{head.pk}/end/", {"left_on": "30/06/2026", "reason": "x"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert registry_snapshot() == before
