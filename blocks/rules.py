"""Who may act on what in the registry. Seeing is decided by the `for_user` querysets (404 outside
them); these predicates decide acting (403 when someone can see but not act)."""

from __future__ import annotations

from typing import Any

import rules
from django.db import models

from blocks.models import Authority, Block, BlockYear, Unit
from emulation.models import User
from emulation.roles import roles_of


@rules.predicate
def is_council_staff_of(user: User, authority: Authority | None) -> bool:
    return authority is not None and roles_of(user).staffs(authority.pk)


@rules.predicate
def is_any_council_staff(user: User) -> bool:
    return roles_of(user).any_council_staff


@rules.predicate
def manages_block(user: User, block: Block) -> bool:
    return roles_of(user).staffs(block.authority_id)


@rules.predicate
def manages_block_year(user: User, block_year: BlockYear) -> bool:
    return roles_of(user).staffs(block_year.block.authority_id)


@rules.predicate
def manages_unit(user: User, unit: Unit) -> bool:
    return roles_of(user).staffs(unit.authority_id)


@rules.predicate
def works_in_unit(user: User, unit: Unit) -> bool:
    """A leader or officer of the unit."""
    return roles_of(user).works_in(unit.pk)


@rules.predicate
def is_secretariat_of(user: User, block_year: BlockYear) -> bool:
    """The block's secretariat is derived: leaders and officers of the year's head and deputies."""
    return roles_of(user).runs_year(block_year.pk)


@rules.predicate
def runs_activities_of(user: User, block_year: BlockYear) -> bool:
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


# How an object acted on reaches its block year: the first forward relation the object's model has,
# then on along the chain (a score sheet through its criteria table, a signature through its
# document's version...). The registry cannot import the apps above it, so the chains name fields.
_CHAINS: tuple[tuple[str, ...], ...] = (
    ("block_year",),
    ("from_year",),
    ("table", "block_year"),
    ("sheet", "table", "block_year"),
    ("document", "block_year"),
    ("version", "document", "block_year"),
    ("activity", "block_year"),
    ("ballot", "block_year"),
    ("nomination", "block_year"),
)


def _chain_of(model: type[models.Model]) -> tuple[str, ...] | None:
    forward = {
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)
    }
    return next((chain for chain in _CHAINS if chain[0] in forward), None)


def block_year_of(obj: Any) -> BlockYear | None:
    """The block year an object belongs to (the object itself for a block year), or None for
    objects outside any year (units, blocks, authorities, council sessions)."""
    if obj is None or isinstance(obj, BlockYear):
        return obj
    if not isinstance(obj, models.Model):
        return None
    chain = _chain_of(type(obj))
    if chain is None:
        return None
    found: Any = obj
    for name in chain:
        found = getattr(found, name)
        if found is None:
            return None
    return found if isinstance(found, BlockYear) else None


def _cached_block_year(obj: models.Model, chain: tuple[str, ...]) -> BlockYear | None:
    """The block year when every step of the chain is already loaded (no query), else None."""
    found: Any = obj
    for name in chain:
        if not type(found)._meta.get_field(name).is_cached(found):
            return None
        found = getattr(found, name)
        if found is None:
            return None
    return found if isinstance(found, BlockYear) else None


@rules.predicate
def is_archived_object(user: User, obj: Any) -> bool:
    """The object belongs to an archived block year: read-only from then on. Free when the block
    year is already loaded; otherwise one query."""
    if obj is None:
        return False
    if isinstance(obj, BlockYear):
        return obj.archived_at is not None
    if not isinstance(obj, models.Model) or obj.pk is None:
        return False
    chain = _chain_of(type(obj))
    if chain is None:
        return False
    block_year = _cached_block_year(obj, chain)
    if block_year is not None:
        return block_year.archived_at is not None
    lookup = "__".join(chain) + "__archived_at__isnull"
    return type(obj)._default_manager.filter(pk=obj.pk, **{lookup: False}).exists()


is_admin = rules.is_superuser

rules.add_perm("blocks.create_block", is_admin | is_any_council_staff)
rules.add_perm("blocks.create_unit", is_admin | is_any_council_staff)
rules.add_perm("blocks.manage_block", is_admin | manages_block)
rules.add_perm("blocks.manage_blockyear", (is_admin | manages_block_year) & ~is_archived_object)
rules.add_perm("blocks.manage_unit", is_admin | manages_unit)
# The unit keeps the records of its people; the council's staff may too (an import, a correction).
rules.add_perm("blocks.manage_people", is_admin | manages_unit | works_in_unit)
rules.add_perm("blocks.merge_authorities", is_admin)
rules.add_perm("blocks.run_activities", (is_admin | runs_activities_of) & ~is_archived_object)
rules.add_perm("blocks.set_deadlines", (is_admin | runs_activities_of) & ~is_archived_object)
rules.add_perm("blocks.import_registry", is_admin | is_council_staff_of)
