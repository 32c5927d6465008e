"""Who may act on criteria tables, sheets, reviews and rankings.

Seeing is decided by `BlockYear.objects.for_user` and `ScoreSheet.objects.for_user` (404 outside
them); these predicates decide acting (403 when someone can see but not act). Filling in,
submitting and answering are done for a unit by its own people only: no higher role does them.
"""

from __future__ import annotations

import rules

from blocks.models import BlockYear
from blocks.rules import is_archived_object, is_secretariat_of, manages_block_year
from emulation.models import User
from emulation.roles import roles_of
from scoring.models import ScoreSheet


@rules.predicate
def runs_scoring_of(user: User, block_year: BlockYear) -> bool:
    """The secretariat runs the year's scoring; council staff may step in."""
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


@rules.predicate
def oversees(user: User, block_year: BlockYear) -> bool:
    """Council staff and members of the block's authority."""
    return roles_of(user).sits_on(block_year.block.authority_id)


@rules.predicate
def sees_ranking(user: User, block_year: BlockYear) -> bool:
    """A published ranking is for everyone who sees the block; before that, for those who run
    and oversee the scoring."""
    table = getattr(block_year, "criteria_table", None)
    if table is not None and hasattr(table, "ranking"):
        return True
    return bool(runs_scoring_of(user, block_year) or oversees(user, block_year))


@rules.predicate
def fills_in(user: User, sheet: ScoreSheet) -> bool:
    return roles_of(user).works_in(sheet.unit_id)


@rules.predicate
def leads(user: User, sheet: ScoreSheet) -> bool:
    return roles_of(user).leads(sheet.unit_id)


@rules.predicate
def reviews(user: User, sheet: ScoreSheet) -> bool:
    """Head and deputies, council staff and an assigned cross-reviewer; never the unit itself."""
    roles = roles_of(user)
    if roles.works_in(sheet.unit_id):
        return False
    if roles.superuser:
        return True
    return bool(
        runs_scoring_of(user, sheet.table.block_year) or roles.works_in(sheet.reviewer_unit_id)
    )


@rules.predicate
def settles(user: User, sheet: ScoreSheet) -> bool:
    """Reopening, assigning reviewers and finalising: the secretariat, not for its own unit."""
    roles = roles_of(user)
    if roles.works_in(sheet.unit_id):
        return False
    return bool(roles.superuser or runs_scoring_of(user, sheet.table.block_year))


is_admin = rules.is_superuser

# An archived year is read-only: every acting permission ends with `~is_archived_object`.
rules.add_perm("scoring.run_scoring", (is_admin | runs_scoring_of) & ~is_archived_object)
rules.add_perm("scoring.see_ranking", is_admin | sees_ranking)
rules.add_perm("scoring.fill_in", fills_in & ~is_archived_object)
rules.add_perm("scoring.submit", leads & ~is_archived_object)
rules.add_perm("scoring.answer", leads & ~is_archived_object)
rules.add_perm("scoring.review", reviews & ~is_archived_object)
rules.add_perm("scoring.settle", settles & ~is_archived_object)
