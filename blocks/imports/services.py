"""The audited changes an import makes where the registry has no service of its own:
authorities, lineage known from the past, invited accounts, unit roles given in bulk. Staging
and confirming a file are in `blocks.imports.staging`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from blocks.models import Authority, CouncilRole, Succession, Unit, UnitRole
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User

AUTHORITY_FIELDS = ["code", "name", "short_name", "level", "parent", "place"]


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
    authority.full_clean(validate_constraints=False)
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
def invite_person(*, by: User, username: str, full_name: str, email: str, phone: str) -> User:
    """Create an account without a password and e-mail the person a one-time link to set one
    (after the transaction commits). No password travels in a spreadsheet."""
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("That username is already taken."), field="username")
    person = User(username=username, full_name=full_name, email=email, phone=phone)
    person.set_unusable_password()
    person.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    person.save()
    audit.record(
        "accounts.user.invited",
        actor=by,
        obj=person,
        after={"username": username, "full_name": full_name, "email": email},
    )
    mail.send_templated_mail(
        template="invitation",
        recipients=[person],
        context={
            "path": invitation_path(person),
            "username": username,
            "invited_by": by.get_full_name(),
        },
    )
    return person


@transaction.atomic
def grant_unit_role(unit: Unit, person: User, *, by: User, role: str, title: str = "") -> UnitRole:
    """Give a role from an import, with the rules of `blocks.services.assign_unit_role` (no one
    gives a role to themselves; no one on the council of the unit's authority holds a role in
    its units). Unlike it, the unit's leaders are not e-mailed about every role of a whole
    province being set up: the import itself is audited and its rows listed."""
    if person.pk == by.pk:
        raise DomainError(
            _("No one can give a role to themselves. Ask another person who manages roles.")
        )
    if CouncilRole.objects.filter(user=person, authority=unit.authority_id).exists():
        raise DomainError(
            _(
                "%(person)s serves %(authority)s as council staff or member and cannot also"
                " hold a role in one of its units."
            )
            % {"person": person, "authority": unit.authority}
        )
    unit_role, created = UnitRole.objects.get_or_create(
        unit=unit, user=person, role=role, defaults={"title": title}
    )
    if created:
        audit.record(
            "blocks.unitrole.assigned",
            actor=by,
            obj=unit_role,
            after={"user": person.pk, "unit": unit.pk, "role": role, "title": title},
            reason=_("Imported from a spreadsheet"),
        )
    return unit_role
