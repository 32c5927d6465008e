"""Archiving a block year once its cycle is over: read-only from then on.

A year can be archived by the council's staff only when nothing can still happen in it
(`services.closing`): its ranking is published; every ballot it held is counted, or void and
recorded as not held again; the ballots every year needs (acclaim the leading unit, settle a tie
for first place, elect next year's head) were held or recorded as not held, with a reason; no
nomination is left being prepared, or returned and not closed; the dossier was sent, or the year
records that it proposes nobody; and every nomination the council holds is decided — not
approved, or approved and listed in a published decision. From then on every acting
permission on the year's objects is refused (`blocks.rules.is_archived_object`), and every
service that writes to the year refuses too (`blocks.services.check_not_archived`), whoever acts.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from awards.services import closing
from blocks.models import BlockYear
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User


@dataclass(frozen=True)
class Check:
    """One condition of archiving, whether it holds, and what it found."""

    label: str
    ok: bool
    detail: str = ""


GROUPS: list[tuple[str, Promise]] = [
    ("ranking", gettext_lazy("The year's ranking is published")),
    (
        "ballots",
        gettext_lazy(
            "Every ballot the year held is over: counted, or void and recorded as not held again"
        ),
    ),
    (
        "needed",
        gettext_lazy(
            "The ballots every year needs were held, or recorded as not held with a reason:"
            " acclaiming the leading unit, settling a tie for first place, electing next year's"
            " head"
        ),
    ),
    (
        "nominations",
        gettext_lazy(
            "No nomination is left being prepared, or returned without being closed: each is"
            " sent, withdrawn, or closed with a reason"
        ),
    ),
    (
        "dossier",
        gettext_lazy(
            "The nomination dossier was sent to the council, or the year records that it"
            " proposes nobody, with the reason"
        ),
    ),
    (
        "council",
        gettext_lazy(
            "Every nomination the council holds is decided: not approved, or approved and"
            " listed in a published decision"
        ),
    ),
]


def archive_checks(block_year: BlockYear) -> list[Check]:
    """What archiving requires, each condition with what was found: nothing can still happen in
    the year (`services.closing.open_items`, six queries)."""
    checks = [
        Check(
            _("The year is not archived yet"),
            block_year.archived_at is None,
            _("Archived on %(day)s.")
            % {"day": date_format(timezone.localtime(block_year.archived_at), "SHORT_DATE_FORMAT")}
            if block_year.archived_at
            else "",
        )
    ]
    state = closing.year_state(block_year)
    items = closing.open_items(block_year, state)
    for group, label in GROUPS:
        found = [item.text for item in items if item.group == group]
        checks.append(Check(str(label), not found, " ".join(found)))
    left = state.counts["closed"]
    if left:
        checks.append(
            Check(
                _("Returned nominations closed by the secretariat stay as they are"),
                True,
                ngettext(
                    "%(n)d returned nomination will not be sent again; it stays so in the archive.",
                    "%(n)d returned nominations will not be sent again; they stay so in the"
                    " archive.",
                    left,
                )
                % {"n": left},
            )
        )
    return checks


@transaction.atomic
def archive_year(block_year: BlockYear, *, by: User) -> BlockYear:
    """Archive a block year: the council's staff, once nothing can still happen in it (every
    condition of `archive_checks` holds). A year is archived once."""
    block_year = (
        BlockYear.objects.select_for_update()
        .select_related("block__authority")
        .get(pk=block_year.pk)
    )
    if block_year.archived_at is not None:
        raise DomainError(_("The year is already archived."))
    if not rules.has_perm("awards.archive_year", by, block_year):
        raise DomainError(_("Only the council's staff archive a year."))
    missing = [check for check in archive_checks(block_year) if not check.ok]
    if missing:
        raise DomainError(
            _("The year cannot be archived yet: %(missing)s")
            % {"missing": " ".join(f"{m.label}: {m.detail}" for m in missing)}
        )
    before = audit.snapshot(block_year, ["archived_at", "archived_by"])
    block_year.archived_at = timezone.now()
    block_year.archived_by = by
    block_year.save(update_fields=["archived_at", "archived_by"])
    audit.record(
        "blocks.blockyear.archived",
        actor=by,
        obj=block_year,
        before=before,
        after=audit.snapshot(block_year, ["archived_at", "archived_by"]),
    )
    return block_year
