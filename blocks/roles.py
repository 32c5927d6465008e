"""How a person's roles are read from the registry (`emulation.roles` keeps them per request):
one query, whatever the size of the province."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import BigIntegerField, CharField, DateField, Field, Value

from blocks.models import CouncilRole, Membership, UnitRole
from emulation.models import User
from emulation.roles import Roles

LEADING = {Membership.Role.HEAD, Membership.Role.DEPUTY}
COUNCIL_ROLES = set(CouncilRole.Role)
# A council seat has no membership: its rows fill those columns with typed NULLs.
NO_MEMBERSHIP: dict[str, Field[Any, Any]] = {
    "no_year": BigIntegerField(),
    "no_block": BigIntegerField(),
    "no_membership_role": CharField(),
    "no_left_on": DateField(),
}


def read_roles(user: User) -> Roles:
    """One query: the person's unit roles, each with every year's membership of its unit
    (joined), and below them their council seats (unit and council roles have distinct names)."""
    units: set[int] = set()
    led: set[int] = set()
    officers: set[int] = set()
    blocks: set[int] = set()
    years: set[int] = set()
    member_units: defaultdict[int, set[int]] = defaultdict(set)
    secretariat: set[int] = set()
    councils: set[int] = set()
    staff: set[int] = set()
    members: set[int] = set()
    unit_rows = (
        UnitRole.objects.filter(user=user)
        .order_by()
        .values_list(
            "role",
            "unit_id",
            "unit__memberships__block_year_id",
            "unit__memberships__block_year__block_id",
            "unit__memberships__role",
            "unit__memberships__left_on",
        )
    )
    none = {name: Value(None, output_field=field) for name, field in NO_MEMBERSHIP.items()}
    council_rows = (
        CouncilRole.objects.filter(user=user)
        .order_by()
        .annotate(**none)
        .values_list("role", "authority_id", *none)
    )
    for role, target, year, block, membership_role, left_on in unit_rows.union(
        council_rows, all=True
    ):
        if role in COUNCIL_ROLES:
            councils.add(target)
            (staff if role == CouncilRole.Role.STAFF else members).add(target)
            continue
        units.add(target)
        (led if role == UnitRole.Role.LEADER else officers).add(target)
        if year is None:
            continue
        blocks.add(block)
        years.add(year)
        if left_on is None:
            member_units[year].add(target)
            if membership_role in LEADING:
                secretariat.add(year)
    return Roles(
        superuser=user.is_superuser,
        units=frozenset(units),
        led_units=frozenset(led),
        officer_units=frozenset(officers),
        blocks=frozenset(blocks),
        years=frozenset(years),
        member_units={year: frozenset(found) for year, found in member_units.items()},
        secretariat_years=frozenset(secretariat),
        councils=frozenset(councils),
        staff_of=frozenset(staff),
        member_of=frozenset(members),
    )
