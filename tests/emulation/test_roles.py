"""A person's roles: read in one query, once per request, and what every list and permission
check asks about."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from blocks.models import CouncilRole, Membership, UnitRole
from emulation.models import User
from emulation.roles import NOBODY, roles_of
from tests.factories import World, make_block_year

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The person as the next request reads them."""
    return User.objects.get(pk=user.pk)


def test_a_leader_holds_their_unit_its_blocks_and_years(world: World) -> None:
    roles = roles_of(world.leader)
    unit = world.units[2].pk
    assert roles.units == roles.led_units == {unit}
    assert roles.blocks == {world.block.pk}
    assert roles.member_units_of(world.block_year.pk) == {unit}
    assert roles.led_member_units_of(world.block_year.pk) == {unit}
    assert not roles.secretariat_years
    assert not roles.councils


def test_an_officer_works_in_the_unit_without_leading_it(world: World) -> None:
    roles = roles_of(world.officer)
    assert roles.works_in(world.units[2].pk)
    assert not roles.leads(world.units[2].pk)
    assert roles.officer_units == {world.units[2].pk}
    assert not roles_of(world.leader).officer_units
    assert not roles.led_member_units_of(world.block_year.pk)


def test_the_people_of_the_head_and_deputy_units_are_the_years_secretariat(world: World) -> None:
    assert roles_of(world.secretariat).runs_year(world.block_year.pk)
    deputy_officer = User.objects.create(username="deputy")
    UnitRole.objects.create(user=deputy_officer, unit=world.units[1], role=UnitRole.Role.OFFICER)
    assert roles_of(deputy_officer).runs_year(world.block_year.pk)
    assert not roles_of(world.leader).runs_year(world.block_year.pk)


def test_a_unit_that_left_the_year_keeps_seeing_the_block_but_is_no_longer_a_member(
    world: World,
) -> None:
    Membership.objects.filter(block_year=world.block_year, unit=world.units[2]).update(
        left_on=datetime.date(2026, 6, 30)
    )
    roles = roles_of(fresh(world.leader))
    assert roles.blocks == {world.block.pk}
    assert world.block_year.pk in roles.years
    assert not roles.member_units_of(world.block_year.pk)


def test_a_head_that_left_is_no_longer_the_secretariat(world: World) -> None:
    Membership.objects.filter(block_year=world.block_year, unit=world.units[0]).update(
        left_on=datetime.date(2026, 6, 30)
    )
    assert not roles_of(fresh(world.secretariat)).runs_year(world.block_year.pk)


def test_council_staff_and_members_hold_their_seats(world: World) -> None:
    staff, member = roles_of(world.staff), roles_of(world.member)
    assert staff.staffs(world.authority.pk) and staff.sits_on(world.authority.pk)
    assert not staff.votes_on(world.authority.pk)
    assert member.votes_on(world.authority.pk) and member.sits_on(world.authority.pk)
    assert not member.staffs(world.authority.pk)
    assert not staff.units and not member.units


def test_one_person_may_hold_unit_and_council_roles_at_once(world: World) -> None:
    CouncilRole.objects.create(
        user=world.leader, authority=world.authority, role=CouncilRole.Role.MEMBER
    )
    roles = roles_of(fresh(world.leader))
    assert roles.leads(world.units[2].pk)
    assert roles.votes_on(world.authority.pk)


def test_roles_are_read_in_one_query_whatever_the_number_of_years(
    world: World, count_queries: Any
) -> None:
    for year in (2023, 2024, 2025):
        make_block_year(world.block, world.units, year=year, head=world.units[2])
    user = fresh(world.leader)
    assert count_queries(lambda: roles_of(user)) == 1
    assert len(roles_of(user).secretariat_years) == 3
    assert count_queries(lambda: roles_of(user)) == 0  # read once for the object


def test_an_anonymous_visitor_holds_nothing() -> None:
    assert roles_of(AnonymousUser()) is NOBODY
    assert roles_of(None) is NOBODY


def test_a_superuser_is_marked_as_such(world: World) -> None:
    assert roles_of(world.admin).superuser
    assert not roles_of(world.staff).superuser


def test_a_role_granted_shows_from_the_persons_next_request(world: World, client: Any) -> None:
    client.force_login(world.outsider)
    address = reverse("blocks:blockyear_detail", args=[world.block_year.pk])
    assert client.get(address).status_code == 404
    UnitRole.objects.create(user=world.outsider, unit=world.units[3], role=UnitRole.Role.OFFICER)
    assert client.get(address).status_code == 200


def test_a_page_reads_the_roles_once_for_all_its_checks(world: World, client: Any) -> None:
    """The dashboard asks many permission questions of the same person: none reads the roles
    again (the roles' query appears once among the page's queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.secretariat)
    address = reverse("blocks:blockyear_detail", args=[world.block_year.pk])
    client.get(address)  # the session's two-factor check, kept for a few minutes
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    unit_role_reads = [q for q in context.captured_queries if "blocks_unitrole" in q["sql"]]
    assert len(unit_role_reads) == 1
