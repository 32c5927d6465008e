"""Invitations not yet taken up: the accounts an import made whose person has not set a password
yet, and their link sent again. A link expires after PASSWORD_RESET_TIMEOUT (three days by
default); sending it again makes a new one, valid as long, and the old one keeps working until
it expires or the password is set."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from blocks.imports.services import invitation_path
from blocks.models import Authority
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User


def waiting(authority: Authority) -> QuerySet[User]:
    """Active accounts with no password yet that hold a role in the authority's units or on its
    council: the people who have not taken up their invitation."""
    people = User.objects.filter(
        Q(unit_roles__unit__authority=authority) | Q(council_roles__authority=authority)
    ).values("pk")
    return User.objects.filter(
        pk__in=people, is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    ).order_by("full_name", "username")


@transaction.atomic
def resend_invitations(authority: Authority, people: Sequence[User], *, by: User) -> list[User]:
    """E-mail each chosen person a new one-time link to set their password, after the commit;
    all or none: refused when one has set a password already, is not of the authority, or has
    no e-mail address."""
    if not by.has_perm("blocks.import_registry", authority):
        raise PermissionDenied
    if not people:
        raise DomainError(_("Choose at least one person."))
    chosen = {person.pk for person in people}
    accounts = list(waiting(authority).filter(pk__in=chosen).select_for_update())
    found = {account.pk for account in accounts}
    others = [person for person in people if person.pk not in found]
    if others:
        raise DomainError(
            _(
                "These people have set their password already or hold no role in %(authority)s:"
                " %(names)s. Nothing was sent."
            )
            % {"authority": authority.short_name, "names": ", ".join(map(str, others))}
        )
    unreachable = [account for account in accounts if not account.email]
    if unreachable:
        raise DomainError(
            _("These people have no e-mail address: %(names)s. Nothing was sent.")
            % {"names": ", ".join(map(str, unreachable))}
        )
    audit.record(
        "accounts.users.reinvited",
        actor=by,
        obj=authority,
        after={"users": [account.username for account in accounts]},
    )
    inviter = by.get_full_name()
    for account in accounts:
        mail.send_templated_mail(
            template="invitation",
            recipients=[account],
            context={
                "path": invitation_path(account),
                "username": account.username,
                "invited_by": inviter,
            },
        )
    return accounts
