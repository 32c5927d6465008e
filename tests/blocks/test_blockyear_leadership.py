from __future__ import annotations

from typing import Any

from blocks.models import Membership
from tests.factories import World, fresh, make_unit, registry_snapshot


def url(world: World) -> str:
    return f"/years/{world.block_year.pk}/leadership/"


def test_the_form_shows_the_current_head_and_deputy(as_user: Any, world: World) -> None:
    form = as_user("staff").get(url(world)).context["form"]
    assert form.initial == {"head": world.units[0].pk, "deputies": [world.units[1].pk]}


def test_staff_choose_a_new_head_and_deputies(as_user: Any, world: World) -> None:
    u = world.units
    response = as_user("staff").post(url(world), {"head": u[2].pk, "deputies": [u[0].pk, u[1].pk]})
    assert response.status_code == 302
    assert world.block_year.memberships.get(role=Membership.Role.HEAD).unit == u[2]


def test_a_head_who_is_not_a_member_gets_a_clear_message_and_nothing_changes(
    as_user: Any, world: World
) -> None:
    stranger = make_unit(world.authority, "Sở Nội vụ")
    before = registry_snapshot()
    response = as_user("staff").post(url(world), {"head": stranger.pk, "deputies": []})
    assert response.status_code == 200
    assert "thành viên" in response.context["form"].errors["head"][0]
    assert world.block_year.memberships.get(role=Membership.Role.HEAD).unit == world.units[0]
    assert registry_snapshot() == before


def test_three_deputies_or_a_head_as_deputy_are_refused(as_user: Any, world: World) -> None:
    u = world.units
    client = as_user("staff")
    before = registry_snapshot()
    too_many = client.post(url(world), {"head": u[0].pk, "deputies": [u[1].pk, u[2].pk, u[3].pk]})
    assert "deputies" in too_many.context["form"].errors
    both = client.post(url(world), {"head": u[0].pk, "deputies": [u[0].pk]})
    assert "deputies" in both.context["form"].errors
    assert registry_snapshot() == before


def test_the_new_heads_people_become_the_secretariat(as_user: Any, world: World) -> None:
    assert not world.leader.has_perm("blocks.run_activities", world.block_year)
    as_user("staff").post(url(world), {"head": world.units[2].pk, "deputies": []})
    assert fresh(world.leader).has_perm("blocks.run_activities", world.block_year)
    assert not fresh(world.secretariat).has_perm("blocks.run_activities", world.block_year)
