"""A request reads a person's roles once for all its permission checks; a role changed during the
request is seen at once, and outside a request nothing is remembered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blocks.models import CouncilRole, UnitRole
from blocks.rules import council_roles_of, is_council_staff_of, leads_unit
from emulation.memo import request_memo
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db


def queries(check: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert callable(check)
        check()
    return len(captured)


def test_a_request_reads_the_roles_once_for_every_check(world: World) -> None:
    with request_memo():
        assert queries(lambda: is_council_staff_of(world.staff, world.authority)) == 1
        assert queries(lambda: is_council_staff_of(world.staff, world.other_authority)) == 0
        assert queries(lambda: council_roles_of(world.staff)) == 0
        assert queries(lambda: leads_unit(world.leader, world.units[2])) == 1
        assert queries(lambda: leads_unit(world.leader, world.units[3])) == 0


def test_a_role_granted_or_removed_during_the_request_counts_at_once(world: World) -> None:
    person = make_user("new-staff")
    with request_memo():
        assert not is_council_staff_of(person, world.authority)
        role = CouncilRole.objects.create(
            user=person, authority=world.authority, role=CouncilRole.Role.STAFF
        )
        assert is_council_staff_of(person, world.authority)
        role.delete()
        assert not is_council_staff_of(person, world.authority)
        assert not leads_unit(person, world.units[0])
        UnitRole.objects.create(user=person, unit=world.units[0], role=UnitRole.Role.LEADER)
        assert leads_unit(person, world.units[0])


def test_outside_a_request_every_check_reads_the_database(world: World) -> None:
    assert queries(lambda: is_council_staff_of(world.staff, world.authority)) == 1
    assert queries(lambda: is_council_staff_of(world.staff, world.authority)) == 1
