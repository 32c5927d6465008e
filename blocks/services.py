"""Every change to the registry that matters: atomic, guarded, audited.

Each function takes the person acting as `by`, raises `DomainError` with a message a person can
act on when a rule refuses the change, and records an audit event when it succeeds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import (
    Authority,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Person,
    Succession,
    Unit,
    UnitName,
    UnitRole,
)
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User

BLOCK_FIELDS = ["authority", "name", "short_name", "kind", "description"]
UNIT_FIELDS = ["authority", "name", "short_name", "kind", "active_from", "active_to"]
YEAR_FIELDS = ["theme", *BlockYear.DEADLINE_FIELDS]
PERSON_FIELDS = ["unit", "full_name", "title", "code", "gender", "birth_year", "serving_since"]


def _unique(create: Any, message: str, field: str | None = None) -> Any:
    """Run an insert in a savepoint; a unique-constraint clash becomes a readable DomainError."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as exc:
        raise DomainError(message, field=field) from exc


# Archived years -----------------------------------------------------------------------------


def check_not_archived(block_year: BlockYear | int) -> None:
    """Refuse any change to an archived year: from then on the year and everything in it is
    read-only for everyone, the site administrator included. Every service that writes to a
    year calls this before anything else; the flag is read from the database, so a year archived
    since the caller loaded it is refused too."""
    pk = block_year if isinstance(block_year, int) else block_year.pk
    archived = (
        BlockYear.objects.filter(pk=pk, archived_at__isnull=False)
        .values_list("year", "block__name")
        .first()
    )
    if archived is not None:
        year, block = archived
        raise DomainError(
            _("The year %(year)d of %(block)s is archived: it can no longer change.")
            % {"year": year, "block": block}
        )


# Blocks and units ---------------------------------------------------------------------------


@transaction.atomic
def create_block(*, by: User, **values: Any) -> Block:
    block = Block(**values)
    block.full_clean(validate_unique=False, validate_constraints=False)
    _unique(block.save, _("This authority already has a block with that name."), "name")
    audit.record(
        "blocks.block.created", actor=by, obj=block, after=audit.snapshot(block, BLOCK_FIELDS)
    )
    return block


@transaction.atomic
def update_block(block: Block, *, by: User, **changes: Any) -> Block:
    block = Block.objects.select_for_update().get(pk=block.pk)
    try:
        with transaction.atomic():
            audit.change(block, changes, by=by, action="blocks.block.changed")
    except IntegrityError as exc:
        raise DomainError(
            _("This authority already has a block with that name."), field="name"
        ) from exc
    return block


@transaction.atomic
def create_unit(*, by: User, **values: Any) -> Unit:
    unit = Unit(**values)
    unit.full_clean(validate_unique=False, validate_constraints=False)
    _unique(unit.save, _("This authority already has a unit with that name."), "name")
    audit.record("blocks.unit.created", actor=by, obj=unit, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, by: User, **changes: Any) -> Unit:
    """Correct a unit's details. A real change of name goes through `rename_unit` instead."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_active_dates(
        changes.get("active_from", unit.active_from), changes.get("active_to", unit.active_to)
    )
    try:
        with transaction.atomic():
            audit.change(unit, changes, by=by, action="blocks.unit.changed")
    except IntegrityError as exc:
        raise DomainError(
            _("This authority already has a unit with that name."), field="name"
        ) from exc
    return unit


def _check_active_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise DomainError(_("The end date cannot be before the start date."), field="active_to")


# Lineage ------------------------------------------------------------------------------------


@transaction.atomic
def rename_unit(
    unit: Unit, *, by: User, name: str, short_name: str, effective_date: datetime.date, reason: str
) -> Unit:
    """Give a unit a new name from a date; records before that date keep the former name."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if name == unit.name and short_name == unit.short_name:
        raise DomainError(_("The new name is the same as the current one."), field="name")
    last = unit.former_names.order_by("-valid_until").first()
    if last is not None and effective_date <= last.valid_until:
        raise DomainError(
            _("The unit was already renamed on a later date; choose a date after %(date)s.")
            % {"date": last.valid_until.strftime("%d/%m/%Y")},
            field="effective_date",
        )
    if Unit.objects.filter(authority=unit.authority, name=name).exclude(pk=unit.pk).exists():
        raise DomainError(_("This authority already has a unit with that name."), field="name")
    before = audit.snapshot(unit, ["name", "short_name"])
    UnitName.objects.create(
        unit=unit,
        name=unit.name,
        short_name=unit.short_name,
        valid_until=effective_date - datetime.timedelta(days=1),
    )
    unit.name, unit.short_name = name, short_name
    unit.save(update_fields=["name", "short_name"])
    audit.record(
        "blocks.unit.renamed",
        actor=by,
        obj=unit,
        before=before,
        after={"name": name, "short_name": short_name, "effective_date": effective_date},
        reason=reason,
    )
    return unit


def _check_manages(by: User, units: Sequence[Unit], authority: Authority) -> None:
    """Refuse a change of lineage to whoever does not manage every unit and authority in it."""
    from blocks.rules import is_council_staff_of

    if by.is_superuser:
        return
    outside = [u for u in units if not is_council_staff_of(by, u.authority)]
    if outside or not is_council_staff_of(by, authority):
        raise DomainError(
            _("You do not manage %(what)s: ask the council staff of its authority.")
            % {"what": outside[0] if outside else authority}
        )


def _retire(unit: Unit, day: datetime.date, *, note: str = "") -> list[Membership]:
    """End a unit's life on `day`: its open memberships close that day, marked with `note` (what
    became of it) in the years they belong to. Returns them."""
    if unit.active_to is not None and unit.active_to < day:
        raise DomainError(
            _("%(unit)s had already ceased on %(date)s.")
            % {"unit": unit, "date": unit.active_to.strftime("%d/%m/%Y")}
        )
    unit.active_to = day
    unit.save(update_fields=["active_to"])
    # An archived year keeps its members as they were: the unit was one until that year ended.
    open_memberships = list(
        Membership.objects.select_for_update()
        .filter(unit=unit, left_on__isnull=True, joined_on__lte=day, block_year__archived_at=None)
        .select_related("block_year")
    )
    for membership in open_memberships:
        membership.left_on = day
        if note:
            membership.note = note[: Membership._meta.get_field("note").max_length]  # type: ignore[index]
        membership.save(update_fields=["left_on", "note"])
    return open_memberships


@transaction.atomic
def merge_units(
    units: Sequence[Unit],
    *,
    by: User,
    effective_date: datetime.date,
    reason: str,
    into: Unit | None = None,
    name: str = "",
    short_name: str = "",
    kind: str = "",
    authority: Authority | None = None,
) -> Unit:
    """Merge units into an existing unit or a new one. The merged units cease the day before;
    the successor takes their places in the blocks they were in on that day.

    The units may belong to different authorities (the 2025 reorganisation merged agencies of two
    provinces); the new unit belongs to `authority` (by default the first unit's). Whoever merges
    must manage every unit concerned and the successor's authority."""
    if into is None and not name:
        raise DomainError(_("Name the new unit, or choose an existing unit to merge into."))
    if len(units) < (1 if into is not None else 2):
        raise DomainError(_("Choose at least two units to merge."))
    if into is not None and any(u.pk == into.pk for u in units):
        raise DomainError(_("A unit cannot be merged into itself."))
    if into is not None:
        authority = into.authority
    elif authority is None:
        authority = units[0].authority
    _check_manages(by, [*units, *([into] if into is not None else [])], authority)
    if into is None:
        into = create_unit(
            by=by,
            authority=authority,
            name=name,
            short_name=short_name or name,
            kind=kind or units[0].kind,
            active_from=effective_date,
        )
    last_day = effective_date - datetime.timedelta(days=1)
    years: dict[int, BlockYear] = {}
    for unit in Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]):
        left = _("Merged into %(unit)s from %(date)s") % {
            "unit": into.short_name,
            "date": effective_date.strftime("%d/%m/%Y"),
        }
        for membership in _retire(unit, last_day, note=left):
            years[membership.block_year_id] = membership.block_year
        Succession.objects.create(
            predecessor=unit,
            successor=into,
            kind=Succession.Kind.MERGE,
            effective_date=effective_date,
            note=reason,
        )
    for block_year in years.values():
        if effective_date.year == block_year.year:
            Membership.objects.get_or_create(
                block_year=block_year,
                unit=into,
                defaults={"joined_on": effective_date, "note": _("Successor by merger")},
            )
    audit.record(
        "blocks.unit.merged",
        actor=by,
        obj=into,
        before={"units": [u.pk for u in units]},
        after={"successor": into.pk, "effective_date": effective_date},
        reason=reason,
    )
    return into


@transaction.atomic
def split_unit(
    unit: Unit,
    *,
    by: User,
    parts: Sequence[tuple[str, str]],
    effective_date: datetime.date,
    reason: str,
) -> list[Unit]:
    """Split a unit into new units (name, short name) from a date; the unit ceases the day before.
    Its memberships end; council staff add the new units to the blocks that fit their functions."""
    if len(parts) < 2:
        raise DomainError(_("A split needs at least two new units."))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_manages(by, [unit], unit.authority)
    left = _("Split into %(units)s from %(date)s") % {
        "units": ", ".join(short or name for name, short in parts),
        "date": effective_date.strftime("%d/%m/%Y"),
    }
    _retire(unit, effective_date - datetime.timedelta(days=1), note=left)
    successors = []
    for part_name, part_short in parts:
        successor = create_unit(
            by=by,
            authority=unit.authority,
            name=part_name,
            short_name=part_short or part_name,
            kind=unit.kind,
            active_from=effective_date,
        )
        Succession.objects.create(
            predecessor=unit,
            successor=successor,
            kind=Succession.Kind.SPLIT,
            effective_date=effective_date,
            note=reason,
        )
        successors.append(successor)
    audit.record(
        "blocks.unit.split",
        actor=by,
        obj=unit,
        after={"successors": [s.pk for s in successors], "effective_date": effective_date},
        reason=reason,
    )
    return successors


@transaction.atomic
def merge_authorities(
    authority: Authority,
    *,
    by: User,
    into: Authority,
    effective_date: datetime.date,
    reason: str,
) -> Authority:
    """Merge an authority into another from a date (a province merged into another on 1 July 2025).

    Its units still active on that day, and its blocks, go on under the successor, so that the
    successor's council runs them and their pages keep their history; its own past (councils,
    sessions, decisions) stays its own, and it ceases the day before. Refused when a unit or a
    block would clash by name with one of the successor's: rename it first. Only a site
    administrator merges authorities (it changes who runs what across two councils)."""
    from blocks.models import AuthoritySuccession

    if not rules.has_perm("blocks.merge_authorities", by):
        raise DomainError(_("Only a site administrator can merge authorities."))
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    into = Authority.objects.select_for_update().get(pk=into.pk)
    if authority.pk == into.pk:
        raise DomainError(_("An authority cannot be merged into itself."), field="into")
    if (
        authority.active_to is not None
        or AuthoritySuccession.objects.filter(predecessor=authority).exists()
    ):
        raise DomainError(_("%(authority)s was already merged.") % {"authority": authority})
    if into.active_to is not None:
        raise DomainError(
            _("%(authority)s has ceased: choose the authority that continues it.")
            % {"authority": into},
            field="into",
        )
    if authority.level != into.level:
        raise DomainError(_("Only authorities of the same level can be merged."), field="into")
    last_day = effective_date - datetime.timedelta(days=1)
    units = list(
        Unit.objects.select_for_update()
        .filter(authority=authority)
        .exclude(active_to__lt=effective_date)
        .order_by("pk")
    )
    blocks = list(Block.objects.select_for_update().filter(authority=authority).order_by("pk"))
    _check_no_clash(
        [u.name for u in units],
        set(Unit.objects.filter(authority=into).values_list("name", flat=True)),
        _("units"),
    )
    _check_no_clash(
        [b.name for b in blocks],
        set(Block.objects.filter(authority=into).values_list("name", flat=True)),
        _("blocks"),
    )
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(authority=into)
    Block.objects.filter(pk__in=[b.pk for b in blocks]).update(authority=into)
    AuthoritySuccession.objects.create(
        predecessor=authority, successor=into, effective_date=effective_date, note=reason
    )
    authority.active_to = last_day
    authority.save(update_fields=["active_to"])
    audit.record(
        "blocks.authority.merged",
        actor=by,
        obj=authority,
        before={
            "units": [u.pk for u in units],
            "blocks": [b.pk for b in blocks],
            "authority": authority.pk,
        },
        after={"successor": into.pk, "effective_date": effective_date},
        reason=reason,
    )
    return into


def _check_no_clash(names: Sequence[str], taken: set[str], what: str) -> None:
    clashes = sorted(set(names) & taken)
    if clashes:
        raise DomainError(
            _("The successor already has %(what)s named %(names)s: rename them first.")
            % {"what": what, "names": ", ".join(f"“{name}”" for name in clashes)}
        )


# Block years and membership -----------------------------------------------------------------


@transaction.atomic
def create_block_year(
    block: Block, *, by: User, year: int, copy_members: bool = True, **values: Any
) -> BlockYear:
    """Open a year of a block; by default last year's current members carry over (not the roles,
    which the members choose each year)."""
    block = Block.objects.select_for_update().get(pk=block.pk)
    block_year = BlockYear(block=block, year=year, **values)
    block_year.full_clean(validate_unique=False, validate_constraints=False)
    _unique(
        block_year.save, _("This block already has the year %(year)s.") % {"year": year}, "year"
    )
    if copy_members:
        previous = block.years.filter(year__lt=year).order_by("-year").first()
        if previous is not None:
            first_day = datetime.date(year, 1, 1)
            carried = previous.memberships.filter(left_on__isnull=True).select_related("unit")
            Membership.objects.bulk_create(
                Membership(
                    block_year=block_year,
                    unit=m.unit,
                    position=m.position,
                    joined_on=max(first_day, m.unit.active_from or first_day),
                )
                for m in carried
                if m.unit.active_to is None or m.unit.active_to >= first_day
            )
    audit.record(
        "blocks.blockyear.created",
        actor=by,
        obj=block_year,
        after={
            "year": year,
            "copy_members": copy_members,
            **audit.snapshot(block_year, YEAR_FIELDS),
        },
    )
    return block_year


# One source for each deadline: the year's. An artefact that keeps a deadline of its own (the
# covenant open for signing, the opened self-assessment) is kept equal to the year's by its app,
# which registers here what a change of that deadline moves; the change and its followers run in
# one transaction, each audited. Apps above the registry register (it never imports them).
DeadlineFollower = Callable[[BlockYear, "datetime.date | None", User], None]
_deadline_followers: dict[str, list[DeadlineFollower]] = {}


def follow_deadline(field: str, follower: DeadlineFollower) -> None:
    """Call `follower(block_year, day, by)` whenever the year's deadline `field` changes."""
    followers = _deadline_followers.setdefault(field, [])
    if follower not in followers:
        followers.append(follower)


def _check_deadlines(block_year: BlockYear, changes: dict[str, Any]) -> None:
    for field in BlockYear.DEADLINE_FIELDS:
        day = changes.get(field)
        if day is not None and not (block_year.year - 1 <= day.year <= block_year.year + 1):
            raise DomainError(
                _("A deadline of %(year)s must fall between %(start)s and %(end)s.")
                % {
                    "year": block_year.year,
                    "start": block_year.year - 1,
                    "end": block_year.year + 1,
                },
                field=field,
            )


def _change_year(
    block_year: BlockYear, changes: dict[str, Any], *, by: User, action: str
) -> list[str]:
    changed = audit.change(block_year, changes, by=by, action=action)
    for field in changed:
        for follower in _deadline_followers.get(field, []):
            follower(block_year, getattr(block_year, field), by)
    return changed


@transaction.atomic
def update_block_year(block_year: BlockYear, *, by: User, **changes: Any) -> BlockYear:
    check_not_archived(block_year)
    block_year = BlockYear.objects.select_for_update().get(pk=block_year.pk)
    _check_deadlines(block_year, changes)
    _change_year(block_year, changes, by=by, action="blocks.blockyear.changed")
    return block_year


@transaction.atomic
def set_deadlines(block_year: BlockYear, *, by: User, **days: datetime.date | None) -> BlockYear:
    """The block's secretariat sets the deadlines it owns (signing, self-assessment, review,
    ballots). A changed deadline cannot fall on a day already past, nor outside the year and its
    neighbours; what follows it (the covenant open for signing, the opened self-assessment)
    moves with it."""
    unknown = set(days) - set(BlockYear.SECRETARIAT_DEADLINES)
    if unknown:
        raise ValueError(f"not deadlines the secretariat sets: {sorted(unknown)}")
    check_not_archived(block_year)
    block_year = BlockYear.objects.select_for_update().get(pk=block_year.pk)
    _check_deadlines(block_year, days)
    today = timezone.localdate()
    for field, day in days.items():
        if day is not None and day != getattr(block_year, field) and day < today:
            raise DomainError(_("The deadline has already passed."), field=field)
    _change_year(block_year, days, by=by, action="blocks.blockyear.deadlines_changed")
    return block_year


def _check_day_in_year(block_year: BlockYear, day: datetime.date, field: str) -> None:
    if day.year != block_year.year:
        raise DomainError(
            _("The date must fall within %(year)s.") % {"year": block_year.year}, field=field
        )


@transaction.atomic
def add_member(
    block_year: BlockYear, unit: Unit, *, by: User, joined_on: datetime.date, note: str = ""
) -> Membership:
    """Add a unit to a block year from a date (a unit can be a member of a year only once)."""
    check_not_archived(block_year)
    block_year = BlockYear.objects.select_for_update().select_related("block").get(pk=block_year.pk)
    _check_day_in_year(block_year, joined_on, "joined_on")
    if unit.authority_id != block_year.block.authority_id:
        raise DomainError(_("The unit belongs to another authority."), field="unit")
    if not unit.is_active_on(joined_on):
        raise DomainError(
            _("%(unit)s is not active on that date.") % {"unit": unit}, field="joined_on"
        )
    if block_year.memberships.filter(unit=unit).exists():
        raise DomainError(
            _("%(unit)s is already a member of this block in %(year)s.")
            % {"unit": unit, "year": block_year.year},
            field="unit",
        )
    position = (
        block_year.memberships.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    membership = _unique(
        lambda: Membership.objects.create(
            block_year=block_year, unit=unit, joined_on=joined_on, note=note, position=position
        ),
        _("%(unit)s is already a member of this block in %(year)s.")
        % {"unit": unit, "year": block_year.year},
        "unit",
    )
    audit.record(
        "blocks.membership.added",
        actor=by,
        obj=membership,
        after={"unit": unit.pk, "joined_on": joined_on, "note": note},
    )
    return membership


@transaction.atomic
def end_membership(
    membership: Membership, *, by: User, left_on: datetime.date, reason: str
) -> Membership:
    """A unit leaves a block year on a date. The head must be replaced before it can leave."""
    check_not_archived(membership.block_year_id)
    membership = (
        Membership.objects.select_for_update()
        .select_related("block_year", "unit")
        .get(pk=membership.pk)
    )
    if membership.left_on is not None:
        raise DomainError(_("This unit has already left the block."))
    _check_day_in_year(membership.block_year, left_on, "left_on")
    if left_on < membership.joined_on:
        raise DomainError(
            _("The unit cannot leave before it joined (%(date)s).")
            % {"date": membership.joined_on.strftime("%d/%m/%Y")},
            field="left_on",
        )
    if membership.role == Membership.Role.HEAD:
        raise DomainError(_("Choose another block head before this unit leaves."))
    before = audit.snapshot(membership, ["left_on", "role"])
    membership.left_on = left_on
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["left_on", "role"])
    audit.record(
        "blocks.membership.ended",
        actor=by,
        obj=membership,
        before=before,
        after=audit.snapshot(membership, ["left_on", "role"]),
        reason=reason,
    )
    return membership


MAX_DEPUTIES = 2


@transaction.atomic
def set_leadership(
    block_year: BlockYear, *, by: User, head: Unit, deputies: Sequence[Unit], reason: str = ""
) -> BlockYear:
    """Name the year's head and deputies; they must be current members, and a head is not also
    a deputy. The block's secretariat follows the head."""
    check_not_archived(block_year)
    block_year = BlockYear.objects.select_for_update().get(pk=block_year.pk)
    if len(deputies) > MAX_DEPUTIES:
        raise DomainError(_("A block has at most two deputy heads."), field="deputies")
    if any(d.pk == head.pk for d in deputies):
        raise DomainError(_("The block head cannot also be a deputy."), field="deputies")
    memberships = {m.unit_id: m for m in block_year.memberships.select_for_update()}
    for unit, field in [(head, "head"), *((d, "deputies") for d in deputies)]:
        membership = memberships.get(unit.pk)
        if membership is None or membership.left_on is not None:
            raise DomainError(
                _("%(unit)s is not a current member of the block in %(year)s.")
                % {"unit": unit, "year": block_year.year},
                field=field,
            )
    before = _leadership(memberships.values())
    wanted = {head.pk: Membership.Role.HEAD, **{d.pk: Membership.Role.DEPUTY for d in deputies}}
    # Demote first so the one-head constraint holds at every statement.
    for membership in memberships.values():
        if (
            membership.role != Membership.Role.MEMBER
            and wanted.get(membership.unit_id) != membership.role
        ):
            membership.role = Membership.Role.MEMBER
            membership.save(update_fields=["role"])
    for unit_id, role in wanted.items():
        membership = memberships[unit_id]
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    after = _leadership(memberships.values())
    if before != after:
        audit.record(
            "blocks.blockyear.leadership_set",
            actor=by,
            obj=block_year,
            before=before,
            after=after,
            reason=reason,
        )
    return block_year


def _leadership(memberships: Any) -> dict[str, Any]:
    ms = list(memberships)
    return {
        "head": next((m.unit_id for m in ms if m.role == Membership.Role.HEAD), None),
        "deputies": sorted(m.unit_id for m in ms if m.role == Membership.Role.DEPUTY),
    }


# People and roles ---------------------------------------------------------------------------


@transaction.atomic
def create_person(
    *, by: User, username: str, full_name: str, email: str, phone: str, password: str
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("That username is already taken."), field="username")
    person = User(username=username, full_name=full_name, email=email, phone=phone)
    person.set_password(password)
    _unique(person.save, _("That username is already taken."), "username")
    audit.record(
        "accounts.user.created",
        actor=by,
        obj=person,
        after={"username": username, "full_name": full_name, "email": email},
    )
    return person


def _lock_person(person: User) -> None:
    """Grants to one person happen one at a time, so two concurrent grants (a unit role and a
    council seat in the same authority, say) cannot each pass the other's guard."""
    User.objects.select_for_update().filter(pk=person.pk).first()


def _check_not_self(person: User, by: User) -> None:
    if person.pk == by.pk:
        raise DomainError(
            _("No one can give a role to themselves. Ask another person who manages roles."),
            field="username",
        )


def _unit_leaders(unit: Unit, *, besides: User) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, unit_roles__unit=unit, unit_roles__role=UnitRole.Role.LEADER
        )
        .exclude(pk=besides.pk)
        .distinct()
    )


def _tell_unit_leaders(unit_role: UnitRole, *, by: User, removed: bool) -> None:
    """The unit's leaders learn who was given, or lost, a role in their unit, and by whom: a
    role they did not expect is a role someone should answer for."""
    mail.send_templated_mail(
        template="unit_role_changed",
        recipients=_unit_leaders(unit_role.unit, besides=unit_role.user),
        context={
            "unit": unit_role.unit.name,
            "person": unit_role.user.get_full_name() or unit_role.user.get_username(),
            "role": unit_role.role,
            "position": unit_role.title,
            "changed_by": by.get_full_name() or by.get_username(),
            "removed": removed,
            "path": unit_role.unit.get_absolute_url(),
        },
    )


@transaction.atomic
def assign_unit_role(unit: Unit, person: User, *, by: User, role: str, title: str = "") -> UnitRole:
    """Give a person a role in a unit. No one gives a role to themselves, and no one who sits on
    (or staffs) the council of the unit's authority holds a role in one of its units: the council
    judges the units, and a unit's leader votes for it."""
    _check_not_self(person, by)
    _lock_person(person)
    if CouncilRole.objects.filter(user=person, authority=unit.authority_id).exists():
        raise DomainError(
            _(
                "%(person)s serves %(authority)s as council staff or member and cannot also"
                " hold a role in one of its units."
            )
            % {"person": person, "authority": unit.authority},
            field="username",
        )
    unit_role = _unique(
        lambda: UnitRole.objects.create(unit=unit, user=person, role=role, title=title),
        _("%(person)s already has this role in %(unit)s.") % {"person": person, "unit": unit},
        "username",
    )
    audit.record(
        "blocks.unitrole.assigned",
        actor=by,
        obj=unit_role,
        after={"user": person.pk, "unit": unit.pk, "role": role, "title": title},
    )
    _tell_unit_leaders(unit_role, by=by, removed=False)
    return unit_role


@transaction.atomic
def remove_unit_role(unit_role: UnitRole, *, by: User, reason: str = "") -> None:
    before = audit.snapshot(unit_role, ["user", "unit", "role", "title"])
    audit.record("blocks.unitrole.removed", actor=by, obj=unit_role, before=before, reason=reason)
    _tell_unit_leaders(unit_role, by=by, removed=True)
    unit_role.delete()


@transaction.atomic
def assign_council_role(
    authority: Authority, person: User, *, by: User, role: str, title: str = ""
) -> CouncilRole:
    """Seat a person on an authority's council, as staff or member. No one seats themselves, and
    no one who holds a role in one of the authority's units sits on its council. The rule is
    the authority's own units only: a provincial council's member may lead the province in a
    cluster of the central council."""
    _check_not_self(person, by)
    _lock_person(person)
    if UnitRole.objects.filter(user=person, unit__authority=authority).exists():
        raise DomainError(
            _(
                "%(person)s holds a role in a unit of %(authority)s and cannot also serve it as"
                " council staff or member."
            )
            % {"person": person, "authority": authority},
            field="username",
        )
    council_role = _unique(
        lambda: CouncilRole.objects.create(
            authority=authority, user=person, role=role, title=title
        ),
        _("%(person)s already has this role in %(authority)s.")
        % {"person": person, "authority": authority},
        "username",
    )
    audit.record(
        "blocks.councilrole.assigned",
        actor=by,
        obj=council_role,
        after={"user": person.pk, "authority": authority.pk, "role": role, "title": title},
    )
    return council_role


# Joint activities ---------------------------------------------------------------------------

ACTIVITY_FIELDS = ["title", "date", "description"]


@transaction.atomic
def create_activity(block_year: BlockYear, *, by: User, **values: Any) -> JointActivity:
    check_not_archived(block_year)
    activity = JointActivity(block_year=block_year, **values)
    activity.full_clean()
    activity.save()
    audit.record(
        "blocks.activity.created",
        actor=by,
        obj=activity,
        after=audit.snapshot(activity, ACTIVITY_FIELDS),
    )
    return activity


@transaction.atomic
def update_activity(activity: JointActivity, *, by: User, **changes: Any) -> JointActivity:
    check_not_archived(activity.block_year_id)
    activity = JointActivity.objects.select_for_update().get(pk=activity.pk)
    audit.change(activity, changes, by=by, action="blocks.activity.changed")
    return activity


CONTRIBUTION_FIELDS = ["books", "money_vnd", "participants", "note"]


@transaction.atomic
def record_contribution(
    activity: JointActivity, unit: Unit, *, by: User, **values: Any
) -> Contribution:
    """Record (or correct) what a member unit gave; one row per unit and activity."""
    check_not_archived(activity.block_year_id)
    activity = JointActivity.objects.select_for_update().get(pk=activity.pk)
    if not activity.block_year.memberships.filter(unit=unit).exists():
        raise DomainError(
            _("%(unit)s is not a member of the block in %(year)s.")
            % {"unit": unit, "year": activity.block_year.year},
            field="unit",
        )
    existing = Contribution.objects.filter(activity=activity, unit=unit).first()
    if existing is not None:
        audit.change(existing, values, by=by, action="blocks.contribution.changed")
        return existing
    contribution = Contribution.objects.create(activity=activity, unit=unit, **values)
    audit.record(
        "blocks.contribution.recorded",
        actor=by,
        obj=contribution,
        after={"unit": unit.pk, **audit.snapshot(contribution, CONTRIBUTION_FIELDS)},
    )
    return contribution


# The people of a unit ---------------------------------------------------------------------------


def _check_manages_people(unit: Unit, by: User) -> None:
    if not rules.has_perm("blocks.manage_people", by, unit):
        raise DomainError(
            _("Only the people of %(unit)s and the council's staff keep its records of people.")
            % {"unit": unit.name}
        )


def _code_taken(unit: Unit) -> str:
    return _("%(unit)s already has a person with that code.") % {"unit": unit.name}


@transaction.atomic
def add_person(unit: Unit, *, by: User, **values: Any) -> Person:
    """Record someone working at the unit (a record of the unit, not an account): its leader or
    officer does, or the council's staff."""
    _check_manages_people(unit, by)
    person = Person(unit=unit, **values)
    person.full_clean(validate_unique=False, validate_constraints=False)
    _unique(person.save, _code_taken(unit), "code")
    audit.record(
        "blocks.person.added", actor=by, obj=person, after=audit.snapshot(person, PERSON_FIELDS)
    )
    return person


@transaction.atomic
def update_person(person: Person, *, by: User, **changes: Any) -> Person:
    """Correct a person's record (a new title, a typo); the unit does not change here."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _check_manages_people(person.unit, by)
    if "unit" in changes and changes["unit"] != person.unit:
        raise DomainError(_("A person's unit does not change: record them at the new unit."))
    changes.pop("unit", None)
    try:
        with transaction.atomic():
            audit.change(person, changes, by=by, action="blocks.person.changed")
    except IntegrityError as exc:
        raise DomainError(_code_taken(person.unit), field="code") from exc
    return person


@transaction.atomic
def mark_person_left(person: Person, *, by: User, day: datetime.date, reason: str = "") -> Person:
    """The person left the unit on `day`: they stay on record (and on what was proposed for
    them), but the unit can no longer propose them."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _check_manages_people(person.unit, by)
    if person.left_on is not None:
        raise DomainError(_("This person has already left the unit."))
    if day > timezone.localdate():
        raise DomainError(_("The day cannot be in the future."), field="left_on")
    audit.change(person, {"left_on": day}, by=by, action="blocks.person.left", reason=reason)
    return person
