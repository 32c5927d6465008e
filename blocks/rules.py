"""Who may act on what in the registry. Seeing is decided by the `for_user` querysets (404 outside
them); these predicates decide acting (403 when someone can see but not act)."""

from __future__ import annotations

import rules

from blocks.models import Authority, Block, BlockYear, CouncilRole, Membership, Unit, UnitRole
from emulation.models import User


@rules.predicate
def is_council_staff_of(user: User, authority: Authority | None) -> bool:
    if authority is None or not user.is_authenticated:
        return False
    return CouncilRole.objects.filter(
        user=user, authority=authority, role=CouncilRole.Role.STAFF
    ).exists()


@rules.predicate
def is_any_council_staff(user: User) -> bool:
    return user.is_authenticated and user.council_roles.filter(role=CouncilRole.Role.STAFF).exists()


@rules.predicate
def manages_block(user: User, block: Block) -> bool:
    return bool(is_council_staff_of(user, block.authority))


@rules.predicate
def manages_block_year(user: User, block_year: BlockYear) -> bool:
    return bool(is_council_staff_of(user, block_year.block.authority))


@rules.predicate
def manages_unit(user: User, unit: Unit) -> bool:
    return bool(is_council_staff_of(user, unit.authority))


@rules.predicate
def is_secretariat_of(user: User, block_year: BlockYear) -> bool:
    """The block's secretariat is derived: leaders and officers of the year's head and deputies."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.leading()
        .current()
        .filter(block_year=block_year, unit__roles__user=user)
        .exists()
    )


@rules.predicate
def runs_activities_of(user: User, block_year: BlockYear) -> bool:
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


def leads_unit(user: User, unit: Unit) -> bool:
    return UnitRole.objects.filter(user=user, unit=unit, role=UnitRole.Role.LEADER).exists()


is_admin = rules.is_superuser

rules.add_perm("blocks.create_block", is_admin | is_any_council_staff)
rules.add_perm("blocks.create_unit", is_admin | is_any_council_staff)
rules.add_perm("blocks.manage_block", is_admin | manages_block)
rules.add_perm("blocks.manage_blockyear", is_admin | manages_block_year)
rules.add_perm("blocks.manage_unit", is_admin | manages_unit)
rules.add_perm("blocks.run_activities", is_admin | runs_activities_of)
