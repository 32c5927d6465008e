"""Who sees a year's dashboard: the council of the block's authority, and the people of any unit
that was ever a member of the block; nobody else (404)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from blocks.models import CouncilRole, Membership, UnitRole
from emulation.models import User
from tests.factories import YEAR, World, make_block, make_block_year, make_unit, make_user

pytestmark = pytest.mark.django_db


def people(world: World) -> dict[str, User]:
    """Everyone the world has, and people whose units sit in the block in other ways: a unit
    that left this year, a unit only in last year's block, a unit in another block of the same
    authority, council staff of another authority, and someone without any role."""
    left, last_year_only, elsewhere = (make_unit(world.authority) for _ in range(3))
    Membership.objects.create(
        block_year=world.block_year,
        unit=left,
        position=8,
        joined_on=world.block_year.first_day,
        left_on=datetime.date(YEAR, 6, 30),
    )
    make_block_year(world.block, [last_year_only], year=YEAR - 1)
    make_block_year(make_block(world.authority), [elsewhere])
    found = {
        name: user
        for name in (
            "admin",
            "staff",
            "member",
            "secretariat",
            "leader",
            "leader2",
            "officer",
            "outsider",
        )
        if (user := world.user(name)) is not None
    }
    for name, unit, role in (
        ("leader of a unit that left", left, UnitRole.Role.LEADER),
        ("officer of a unit of last year only", last_year_only, UnitRole.Role.OFFICER),
        ("leader of a unit of another block", elsewhere, UnitRole.Role.LEADER),
    ):
        found[name] = make_user()
        UnitRole.objects.create(user=found[name], unit=unit, role=role)
    found["staff of another authority"] = make_user()
    CouncilRole.objects.create(
        user=found["staff of another authority"],
        authority=world.other_authority,
        role=CouncilRole.Role.STAFF,
    )
    found["nobody"] = make_user()
    return found


SEES = {
    "admin": 200,
    "staff": 200,
    "member": 200,
    "secretariat": 200,
    "leader": 200,
    "leader2": 200,
    "officer": 200,
    "outsider": 404,
    "leader of a unit that left": 200,
    "officer of a unit of last year only": 200,
    "leader of a unit of another block": 404,
    "staff of another authority": 404,
    "nobody": 404,
}


def test_the_dashboard_is_shown_to_those_who_see_the_block_and_is_404_to_others(
    world: World, client: Any
) -> None:
    address = reverse("blocks:blockyear_detail", args=[world.block_year.pk])
    answered = {}
    for name, user in people(world).items():
        client.force_login(user)
        answered[name] = client.get(address).status_code
    assert answered == SEES


def test_a_year_that_does_not_exist_is_404(world: World, client: Any) -> None:
    client.force_login(world.admin)
    assert client.get(reverse("blocks:blockyear_detail", args=[999_999])).status_code == 404
