"""Who may act on criteria tables, sheets, reviews and rankings.

Seeing is decided by `BlockYear.objects.for_user` and `ScoreSheet.objects.for_user` (404 outside
them); these predicates decide acting (403 when someone can see but not act). Filling in,
submitting and answering are done for a unit by its own people only: no higher role does them.
"""

from __future__ import annotations

import rules

from blocks.models import BlockYear, UnitRole
from blocks.rules import (
    council_roles_of,
    is_archived_object,
    is_secretariat_of,
    manages_block_year,
    unit_roles_of,
)
from emulation.models import User
from scoring.models import ScoreSheet


@rules.predicate
def runs_scoring_of(user: User, block_year: BlockYear) -> bool:
    """The secretariat runs the year's scoring; council staff may step in."""
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


@rules.predicate
def oversees(user: User, block_year: BlockYear) -> bool:
    """Council staff and members of the block's authority."""
    return block_year.block.authority_id in council_roles_of(user)


@rules.predicate
def sees_ranking(user: User, block_year: BlockYear) -> bool:
    """A published ranking is for everyone who sees the block; before that, for those who run
    and oversee the scoring."""
    table = getattr(block_year, "criteria_table", None)
    if table is not None and hasattr(table, "ranking"):
        return True
    return bool(runs_scoring_of(user, block_year) or oversees(user, block_year))


def _works_in(user: User, unit_id: int | None, role: str | None = None) -> bool:
    if unit_id is None:
        return False
    roles = unit_roles_of(user).get(unit_id, set())
    return role in roles if role else bool(roles)


@rules.predicate
def fills_in(user: User, sheet: ScoreSheet) -> bool:
    return _works_in(user, sheet.unit_id)


@rules.predicate
def leads(user: User, sheet: ScoreSheet) -> bool:
    return _works_in(user, sheet.unit_id, UnitRole.Role.LEADER)


@rules.predicate
def reviews(user: User, sheet: ScoreSheet) -> bool:
    """Head and deputies, council staff and an assigned cross-reviewer; never the unit itself."""
    if _works_in(user, sheet.unit_id):
        return False
    if user.is_superuser:
        return True
    return bool(
        runs_scoring_of(user, sheet.table.block_year) or _works_in(user, sheet.reviewer_unit_id)
    )


@rules.predicate
def settles(user: User, sheet: ScoreSheet) -> bool:
    """Reopening, assigning reviewers and finalising: the secretariat, not for its own unit."""
    if _works_in(user, sheet.unit_id):
        return False
    return bool(user.is_superuser or runs_scoring_of(user, sheet.table.block_year))


def sheet_permissions(
    user: User, sheet: ScoreSheet, own_roles: set[str], units: set[int] | None = None
) -> tuple[bool, bool]:
    """What `scoring.review` and `scoring.settle` (below) decide for the sheet, for a page that
    has read the person's roles in the sheet's unit (`own_roles`) already and loaded the sheet's
    block year: one or two queries, where asking each permission took two to four (one at most
    when the page passes every unit the person has a role in, `units`).
    tests/scoring/test_review.py checks that both agree with the permissions."""
    if own_roles or not user.is_authenticated:
        return False, False
    block_year = sheet.table.block_year
    if block_year.archived_at is not None:
        return False, False
    if user.is_superuser:
        return True, True
    runs = bool(runs_scoring_of(user, block_year))
    if runs:
        return True, True
    if units is not None:
        return sheet.reviewer_unit_id in units, False
    return _works_in(user, sheet.reviewer_unit_id), False


is_admin = rules.is_superuser

# An archived year is read-only: every acting permission ends with `~is_archived_object`.
rules.add_perm("scoring.run_scoring", (is_admin | runs_scoring_of) & ~is_archived_object)
rules.add_perm("scoring.see_ranking", is_admin | sees_ranking)
rules.add_perm("scoring.fill_in", fills_in & ~is_archived_object)
rules.add_perm("scoring.submit", leads & ~is_archived_object)
rules.add_perm("scoring.answer", leads & ~is_archived_object)
rules.add_perm("scoring.review", reviews & ~is_archived_object)
rules.add_perm("scoring.settle", settles & ~is_archived_object)
