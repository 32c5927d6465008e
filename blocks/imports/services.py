"""The audited changes an import makes where the registry has no service of its own:
authorities, lineage known from the past, and what a province brings by the hundred (units,
invited accounts, unit roles, members of a year). Staging and confirming a file are in
`blocks.imports.staging`.

What is created by the hundred is audited as one event per batch whose `after` lists every
object created with its values and id (units per authority, accounts, roles, the members of one
block year), each batch naming the import as its reason: the hash-chained log takes one event
at a time under a lock, and an event per row made a province's import take most of its time
budget there. Changes to existing records go through the registry's own services, one event
each."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from blocks.models import (
    Authority,
    BlockYear,
    CouncilRole,
    Membership,
    Person,
    Succession,
    Unit,
    UnitRole,
)
from blocks.services import UNIT_FIELDS, check_not_archived
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User
from emulation.text import search_key

AUTHORITY_FIELDS = ["code", "name", "short_name", "level", "parent", "place"]
IMPORTED = "Imported from a spreadsheet"


def _listed(key: str, objects: Sequence[Any], fields: list[str]) -> dict[str, Any]:
    """Many objects' values for one audit event: a row per object under `key`, its id first,
    then `fields` in the order named under "columns" (the log keeps lists, not mappings)."""
    return {
        "columns": ["pk", *fields],
        key: [[obj.pk, *audit.snapshot(obj, fields).values()] for obj in objects],
    }


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links to set a first password. As Django's password-reset tokens, a token holds
    the account's password hash and last sign-in, so it stops working once the password is set;
    it expires after PASSWORD_RESET_TIMEOUT (three days by default). Its own salt keeps it from
    being taken for a password-reset token and the other way round."""

    key_salt = "blocks.imports.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_path(person: User) -> str:
    return reverse(
        "blocks:invitation_accept",
        args=[urlsafe_base64_encode(force_bytes(person.pk)), invitation_tokens.make_token(person)],
    )


# What an import creates -----------------------------------------------------------------------


@transaction.atomic
def create_authority(*, by: User, **values: Any) -> Authority:
    """Create an authority under another (a province's council under the central one)."""
    authority = Authority(**values)
    try:
        authority.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    authority.save()
    audit.record(
        "blocks.authority.created",
        actor=by,
        obj=authority,
        after=audit.snapshot(authority, AUTHORITY_FIELDS),
    )
    return authority


@transaction.atomic
def update_authority(authority: Authority, *, by: User, **changes: Any) -> Authority:
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    audit.change(authority, changes, by=by, action="blocks.authority.changed")
    return authority


@transaction.atomic
def record_succession(
    predecessors: Sequence[Unit],
    successor: Unit,
    *,
    by: User,
    kind: str,
    effective_date: datetime.date,
    reason: str = "",
) -> list[Succession]:
    """Record that units continue in `successor` from a date (lineage known from the past,
    brought in by an import). The units themselves are not retired here: a merge or split done
    today goes through `merge_units` or `split_unit`."""
    made = []
    for predecessor in predecessors:
        if predecessor.pk == successor.pk:
            raise DomainError(_("A unit cannot succeed itself."))
        succession, created = Succession.objects.get_or_create(
            predecessor=predecessor,
            successor=successor,
            defaults={"kind": kind, "effective_date": effective_date, "note": reason},
        )
        if created:
            made.append(succession)
    if made:
        audit.record(
            "blocks.succession.recorded",
            actor=by,
            obj=successor,
            after={
                "predecessors": [s.predecessor_id for s in made],
                "kind": kind,
                "effective_date": effective_date,
            },
            reason=reason,
        )
    return made


@transaction.atomic
def invite_people(people: Sequence[Mapping[str, str]], *, by: User) -> list[User]:
    """Create accounts without a password (`username`, `full_name`, `email`, `phone` each) and
    e-mail each person a one-time link to set one, after the transaction commits: no password
    travels in a spreadsheet. Refused when one of the usernames is taken."""
    wanted = [p["username"] for p in people]
    taken = list(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=[name.casefold() for name in wanted])
        .values_list("username", flat=True)[:5]
    )
    if taken:
        raise DomainError(
            _("These usernames are already taken: %(names)s.") % {"names": ", ".join(taken)},
            field="username",
        )
    accounts = []
    for values in people:
        person = User(**values)
        person.set_unusable_password()
        accounts.append(person)
    User.objects.bulk_create(accounts)
    audit.record(
        "accounts.users.invited",
        actor=by,
        after=_listed("users", accounts, ["username", "full_name", "email"]),
        reason=IMPORTED,
    )
    inviter = by.get_full_name()
    for person in accounts:
        mail.send_templated_mail(
            template="invitation",
            recipients=[person],
            context={
                "path": invitation_path(person),
                "username": person.username,
                "invited_by": inviter,
            },
        )
    return accounts


@transaction.atomic
def grant_unit_roles(grants: Sequence[tuple[Unit, User, str, str]], *, by: User) -> list[UnitRole]:
    """Give roles from an import (unit, person, role, title each), with the rules of
    `blocks.services.assign_unit_role`: no one gives a role to themselves; no one on the council
    of a unit's authority holds a role in its units. Unlike it, the units' leaders are not
    e-mailed about every role of a whole province being set up: the import itself is audited
    and its rows listed. A role the person already has is left as it is."""
    if any(person.pk == by.pk for _u, person, _r, _t in grants):
        raise DomainError(
            _("No one can give a role to themselves. Ask another person who manages roles.")
        )
    people = {person.pk for _u, person, _r, _t in grants}
    councils = set(CouncilRole.objects.filter(user__in=people).values_list("user", "authority"))
    for unit, person, _role, _title in grants:
        if (person.pk, unit.authority_id) in councils:
            raise DomainError(
                _(
                    "%(person)s serves %(authority)s as council staff or member and cannot also"
                    " hold a role in one of its units."
                )
                % {"person": person, "authority": unit.authority}
            )
    existing = set(UnitRole.objects.filter(user__in=people).values_list("user", "unit", "role"))
    made = [
        UnitRole(unit=unit, user=person, role=role, title=title)
        for unit, person, role, title in grants
        if (person.pk, unit.pk, role) not in existing
    ]
    UnitRole.objects.bulk_create(made)
    if made:
        audit.record(
            "blocks.unitroles.imported",
            actor=by,
            after=_listed("roles", made, ["user", "unit", "role", "title"]),
            reason=IMPORTED,
        )
    return made


@transaction.atomic
def create_units(rows: Sequence[Mapping[str, Any]], *, by: User) -> list[Unit]:
    """Create many units at once (each row: authority, name, short_name, kind, code, and
    optionally parent, active_from, active_to), with the rules of `blocks.services.create_unit`:
    a name and a code once per authority, the end not before the start. Each is audited."""
    units = [Unit(**row) for row in rows]
    for unit in units:
        if unit.active_from and unit.active_to and unit.active_to < unit.active_from:
            raise DomainError(
                _("%(unit)s: the end date cannot be before the start date.") % {"unit": unit.name}
            )
        unit.search_key = search_key(unit.search_text())
    authorities = {unit.authority_id for unit in units}
    clash = (
        Unit.objects.filter(authority__in=authorities)
        .filter(Q(name__in=[u.name for u in units]) | Q(code__in=[u.code for u in units if u.code]))
        .values_list("name", flat=True)
        .first()
    )
    if clash is not None:
        raise DomainError(
            _("This authority already has a unit with that name or code: %(unit)s.")
            % {"unit": clash}
        )
    Unit.objects.bulk_create(units)
    for authority_id in sorted(authorities):
        created = [u for u in units if u.authority_id == authority_id]
        audit.record(
            "blocks.units.imported",
            actor=by,
            obj=created[0].authority,
            after=_listed("units", created, [*UNIT_FIELDS, "code", "parent"]),
            reason=IMPORTED,
        )
    return units


@transaction.atomic
def add_members(
    block_year: BlockYear, members: Sequence[tuple[Unit, datetime.date]], *, by: User
) -> list[Membership]:
    """Add units to a block year, each from a date, with the rules of
    `blocks.services.add_member`: the year not archived, the date within it, the unit of the
    block's authority, active on that date, and not a member of the year already. Each
    membership is audited."""
    check_not_archived(block_year)
    block_year = BlockYear.objects.select_for_update().select_related("block").get(pk=block_year.pk)
    already = set(block_year.memberships.values_list("unit", flat=True))
    for unit, joined_on in members:
        if joined_on.year != block_year.year:
            raise DomainError(_("The date must fall within %(year)s.") % {"year": block_year.year})
        if unit.authority_id != block_year.block.authority_id:
            raise DomainError(_("The unit belongs to another authority."))
        if not unit.is_active_on(joined_on):
            raise DomainError(_("%(unit)s is not active on that date.") % {"unit": unit})
        if unit.pk in already:
            raise DomainError(
                _("%(unit)s is already a member of this block in %(year)s.")
                % {"unit": unit, "year": block_year.year}
            )
        already.add(unit.pk)
    last = block_year.memberships.order_by("-position").values_list("position", flat=True).first()
    made = [
        Membership(block_year=block_year, unit=unit, joined_on=joined_on, position=position)
        for position, (unit, joined_on) in enumerate(members, start=(last or 0) + 1)
    ]
    Membership.objects.bulk_create(made)
    if made:
        audit.record(
            "blocks.memberships.imported",
            actor=by,
            obj=block_year,
            after=_listed("memberships", made, ["unit", "joined_on", "position"]),
            reason=IMPORTED,
        )
    return made


PERSON_FIELDS = ["unit", "code", "full_name", "title", "gender", "birth_year", "serving_since"]


@transaction.atomic
def create_unit_people(rows: Sequence[Mapping[str, Any]], *, by: User) -> list[Person]:
    """Record many people of units at once (each row: unit, code, full name, title and the
    optional gender, year of birth and year they came to the unit): records of the units, not
    accounts. A code a unit already has is left as it is."""
    units = {row["unit"].pk for row in rows}
    taken = set(Person.objects.filter(unit__in=units).exclude(code="").values_list("unit", "code"))
    made = [Person(**row) for row in rows if (row["unit"].pk, row["code"]) not in taken]
    for person in made:
        person.full_clean(validate_unique=False, validate_constraints=False)
        person.search_key = search_key(person.search_text())
    Person.objects.bulk_create(made)
    if made:
        audit.record(
            "blocks.people.imported",
            actor=by,
            after=_listed("people", made, PERSON_FIELDS),
            reason=IMPORTED,
        )
    return made
