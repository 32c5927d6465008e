"""Archiving a block year once its cycle is over: read-only from then on.

A year can be archived by the council's staff when its dossier was sent and every nomination the
council holds is decided — not approved, or approved and listed in a published decision — or,
for a year that proposed nobody, when its ranking is published. From then on every acting
permission on the year's objects is refused (`blocks.rules.is_archived_object`), and every
service that writes to the year refuses too (`blocks.services.check_not_archived`), whoever acts.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import Awardee, Decision, Dossier, Nomination
from blocks.models import BlockYear
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User
from scoring.models import Ranking


@dataclass(frozen=True)
class Check:
    """One condition of archiving, whether it holds, and what it found."""

    label: str
    ok: bool
    detail: str = ""


def _published_awardee() -> Exists:
    return Exists(
        Awardee.objects.filter(
            nomination=OuterRef("pk"), decision__status=Decision.Status.PUBLISHED
        )
    )


def archive_checks(block_year: BlockYear) -> list[Check]:
    """What archiving requires, each condition with what was found (three queries)."""
    counts = (
        Nomination.objects.filter(block_year=block_year)
        .annotate(published=_published_awardee())
        .aggregate(
            total=Count("pk"),
            held=Count("pk", filter=Q(status__in=Nomination.WITH_COUNCIL)),
            decided=Count(
                "pk",
                filter=Q(status=Nomination.Status.REJECTED)
                | Q(
                    status__in=[Nomination.Status.APPROVED, Nomination.Status.AWARDED],
                    published=True,
                ),
            ),
            waiting_decision=Count(
                "pk",
                filter=Q(
                    status__in=[Nomination.Status.APPROVED, Nomination.Status.AWARDED],
                    published=False,
                ),
            ),
            returned=Count("pk", filter=Q(status=Nomination.Status.RETURNED)),
            drafts=Count("pk", filter=Q(status=Nomination.Status.DRAFT)),
        )
    )
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
    if not counts["total"]:
        published = Ranking.objects.filter(table__block_year=block_year).exists()
        checks.append(
            Check(
                _("The ranking is published (the year proposed nobody for an award)"),
                published,
                "" if published else _("Publish the year's ranking first."),
            )
        )
        return checks
    sent = Dossier.objects.filter(block_year=block_year, status=Dossier.Status.SUBMITTED).exists()
    checks.append(
        Check(
            _("The nomination dossier was sent to the council"),
            sent,
            "" if sent else _("The block has not sent its dossier yet."),
        )
    )
    held, decided = counts["held"], counts["decided"]
    detail = ngettext(
        "%(decided)d of %(held)d nomination held by the council is decided.",
        "%(decided)d of %(held)d nominations held by the council are decided.",
        held,
    ) % {"decided": decided, "held": held}
    if counts["waiting_decision"]:
        detail += " " + ngettext(
            "%(n)d approved nomination is not yet in a published decision.",
            "%(n)d approved nominations are not yet in a published decision.",
            counts["waiting_decision"],
        ) % {"n": counts["waiting_decision"]}
    checks.append(
        Check(
            _(
                "Every nomination the council holds is decided: not approved, or approved and"
                " listed in a published decision"
            ),
            held > 0 and decided == held,
            detail,
        )
    )
    left = counts["returned"] + counts["drafts"]
    if left:
        checks.append(
            Check(
                _("Nominations the council does not hold stay as they are"),
                True,
                ngettext(
                    "%(n)d nomination was returned or never sent; it stays so in the archive.",
                    "%(n)d nominations were returned or never sent; they stay so in the archive.",
                    left,
                )
                % {"n": left},
            )
        )
    return checks


@transaction.atomic
def archive_year(block_year: BlockYear, *, by: User) -> BlockYear:
    """Archive a block year: the council's staff, once its dossier was sent and every nomination
    the council holds is decided (rejected, or approved and in a published decision), or once its
    ranking is published when it proposed nobody. A year is archived once."""
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
