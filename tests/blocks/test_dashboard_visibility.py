"""Who sees a year's dashboard is decided from the person's roles and the year's members
(`blocks.dashboard.sees_block_year`), exactly as `Block.objects.for_user` decides it; and whether
someone leads a member unit (the covenant's signing) is answered from the same members as the
rule's own query answers it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Prefetch
from django.urls import reverse

from blocks.dashboard import sees_block_year
from blocks.models import Block, BlockYear, CouncilRole, Membership, UnitRole
from blocks.rules import is_secretariat_of
from covenants.rules import leads_a_member_unit
from emulation.models import User
from tests.factories import YEAR, World, make_block, make_block_year, make_unit, make_user


def year_as_the_page_reads_it(world: World) -> BlockYear:
    return (
        BlockYear.objects.select_related("block__authority")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        )
        .get(pk=world.block_year.pk)
    )


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


def test_the_dashboard_sees_whom_the_blocks_queryset_sees(world: World) -> None:
    everyone = people(world)
    seen = {}
    for name, user in everyone.items():
        expected = Block.objects.for_user(user).filter(pk=world.block.pk).exists()
        assert sees_block_year(user, year_as_the_page_reads_it(world)) is expected, name
        assert sees_block_year(user, BlockYear.objects.get(pk=world.block_year.pk)) is expected
        seen[name] = expected
    assert seen == {
        "admin": True,
        "staff": True,
        "member": True,
        "secretariat": True,
        "leader": True,
        "leader2": True,
        "officer": True,
        "outsider": False,
        "leader of a unit that left": True,
        "officer of a unit of last year only": True,
        "leader of a unit of another block": False,
        "staff of another authority": False,
        "nobody": False,
    }


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("officer of a unit of last year only", 200),
        ("leader of a unit that left", 200),
        ("leader of a unit of another block", 404),
        ("staff of another authority", 404),
        ("nobody", 404),
    ],
)
def test_the_page_is_shown_to_those_who_see_the_block_and_is_404_to_others(
    world: World, client: Any, name: str, status: int
) -> None:
    client.force_login(people(world)[name])
    url = reverse("blocks:blockyear_detail", args=[world.block_year.pk])
    assert client.get(url).status_code == status


def test_a_year_that_does_not_exist_is_404(world: World, client: Any) -> None:
    client.force_login(world.staff)
    assert client.get(reverse("blocks:blockyear_detail", args=[987654])).status_code == 404


def test_leading_a_member_unit_is_answered_from_the_members_as_from_the_query(
    world: World,
) -> None:
    everyone = people(world)
    answers = {}
    for name, user in everyone.items():
        expected = leads_a_member_unit(user, BlockYear.objects.get(pk=world.block_year.pk))
        assert leads_a_member_unit(user, year_as_the_page_reads_it(world)) is expected, name
        answers[name] = expected
    # Current member units only, and only their leaders.
    assert {name for name, leads in answers.items() if leads} == {"leader", "leader2"}


def test_the_secretariat_is_answered_from_the_members_as_from_the_query(world: World) -> None:
    everyone = people(world)
    # A deputy that left during the year: its people are no longer the secretariat.
    left_deputy = make_unit(world.authority)
    Membership.objects.create(
        block_year=world.block_year,
        unit=left_deputy,
        role=Membership.Role.DEPUTY,
        position=9,
        joined_on=world.block_year.first_day,
        left_on=datetime.date(YEAR, 6, 30),
    )
    everyone["officer of a deputy that left"] = make_user()
    UnitRole.objects.create(
        user=everyone["officer of a deputy that left"], unit=left_deputy, role=UnitRole.Role.OFFICER
    )
    answers = {}
    for name, user in everyone.items():
        expected = is_secretariat_of(user, BlockYear.objects.get(pk=world.block_year.pk))
        assert is_secretariat_of(user, year_as_the_page_reads_it(world)) is expected, name
        answers[name] = expected
    assert answers["secretariat"] is True
    assert answers["officer of a deputy that left"] is False
    assert answers["staff"] is False
