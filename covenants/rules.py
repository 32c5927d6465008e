"""Who may act on the year's documents. Seeing follows the block (see `Block.objects.for_user`)."""

from __future__ import annotations

import rules

from blocks.models import BlockYear
from blocks.rules import is_archived_object, is_secretariat_of, manages_block_year
from covenants.models import Document
from emulation.models import User
from emulation.roles import roles_of


@rules.predicate
def runs_documents_of(user: User, block_year: BlockYear) -> bool:
    """The secretariat drafts and runs the documents; council staff may step in."""
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


@rules.predicate
def runs_document(user: User, document: Document) -> bool:
    return bool(runs_documents_of(user, document.block_year))


@rules.predicate
def works_in_a_member_unit(user: User, block_year: BlockYear) -> bool:
    return bool(roles_of(user).member_units_of(block_year.pk))


@rules.predicate
def leads_a_member_unit(user: User, block_year: BlockYear) -> bool:
    return bool(roles_of(user).led_member_units_of(block_year.pk))


@rules.predicate
def can_comment_on(user: User, document: Document) -> bool:
    return bool(works_in_a_member_unit(user, document.block_year))


@rules.predicate
def can_sign(user: User, document: Document) -> bool:
    return bool(leads_a_member_unit(user, document.block_year))


is_admin = rules.is_superuser

# An archived year is read-only: every acting permission ends with `~is_archived_object`.
rules.add_perm("covenants.run_documents", (is_admin | runs_documents_of) & ~is_archived_object)
rules.add_perm("covenants.run_document", (is_admin | runs_document) & ~is_archived_object)
rules.add_perm("covenants.comment", can_comment_on & ~is_archived_object)
rules.add_perm("covenants.sign", can_sign & ~is_archived_object)
rules.add_perm("covenants.register", works_in_a_member_unit & ~is_archived_object)
