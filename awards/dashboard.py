"""Steps 9–10 of the block-year dashboard: deliberation and secret ballot, nomination dossiers.

Both steps share one query (cached on the block year), whatever the number of ballots, units and
nominations: one row per ballot of the year (a single row with no ballot when there is none),
each carrying the year's counts of nominations and the state of its dossier and hand-over.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from awards.models import (
    AwardType,
    Ballot,
    BallotVoter,
    Dossier,
    Handover,
    Nomination,
    ballot_title,
)
from blocks.dashboard import StepState
from blocks.models import BlockYear
from emulation.models import User
from scoring.models import Ranking

B = Ballot.Status


def _count(queryset: QuerySet[Any]) -> Any:
    """The number of rows of a correlated queryset, as a subquery (0 when none)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class AwardsState:
    published: bool = False
    ballots: list[dict[str, Any]] = field(default_factory=list)
    nominations: int = 0
    ready: int = 0
    returned: int = 0
    dossier_status: str | None = None
    dossier_submitted_at: Any = None
    minutes: bool = False
    handover_status: str | None = None

    def of(self, status: str) -> list[dict[str, Any]]:
        return [b for b in self.ballots if b["status"] == status]

    def closed_kinds(self) -> set[str]:
        return {b["kind"] for b in self.of(B.CLOSED)}


def state_of(block_year: BlockYear) -> AwardsState:
    cached = getattr(block_year, "_awards_cache", None)
    if cached is not None:
        return cached
    nominations = Nomination.objects.filter(block_year=OuterRef("pk"))
    dossier = Dossier.objects.filter(block_year=OuterRef("pk"))
    rows = list(
        BlockYear.objects.filter(pk=block_year.pk)
        .annotate(
            published=Exists(Ranking.objects.filter(table__block_year=OuterRef("pk"))),
            nomination_count=_count(nominations),
            ready_count=_count(
                nominations.filter(report_approved_at__isnull=False, attested_at__isnull=False)
            ),
            returned_count=_count(nominations.filter(status=Nomination.Status.RETURNED)),
            dossier_status=Subquery(dossier.values("status")[:1]),
            dossier_submitted_at=Subquery(dossier.values("submitted_at")[:1]),
            minutes=Exists(dossier.filter(minutes__isnull=False)),
            handover_status=Subquery(
                Handover.objects.filter(from_year=OuterRef("pk")).values("status")[:1]
            ),
            voted=_count(BallotVoter.objects.filter(ballot=OuterRef("ballots__pk"))),
        )
        .values(
            "published",
            "nomination_count",
            "ready_count",
            "returned_count",
            "dossier_status",
            "dossier_submitted_at",
            "minutes",
            "handover_status",
            "voted",
            "ballots__pk",
            "ballots__kind",
            "ballots__status",
            "ballots__award_type__name_vi",
            "ballots__award_type__name_en",
            "year",
            "ballots__members",
            "ballots__closes_on",
        )
        .order_by("ballots__created_at", "ballots__pk")
    )
    state = AwardsState()
    if rows:
        first = rows[0]
        state = AwardsState(
            published=bool(first["published"]),
            ballots=[
                {
                    "pk": row["ballots__pk"],
                    "kind": row["ballots__kind"],
                    "status": row["ballots__status"],
                    "title": ballot_title(
                        row["ballots__kind"],
                        row["year"],
                        AwardType.localized(
                            row["ballots__award_type__name_vi"] or "",
                            row["ballots__award_type__name_en"] or "",
                        ),
                    ),
                    "members": row["ballots__members"] or 0,
                    "closes_on": row["ballots__closes_on"],
                    "voted": row["voted"],
                }
                for row in rows
                if row["ballots__pk"] is not None
            ],
            nominations=first["nomination_count"],
            ready=first["ready_count"],
            returned=first["returned_count"],
            dossier_status=first["dossier_status"],
            dossier_submitted_at=first["dossier_submitted_at"],
            minutes=bool(first["minutes"]),
            handover_status=first["handover_status"],
        )
    block_year._awards_cache = state  # type: ignore[attr-defined]
    return state


def _day(moment: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else "—"


def ballot_step(block_year: BlockYear, user: User) -> StepState:
    state = state_of(block_year)
    if not state.published:
        return StepState("waiting", _("Ballots are held once the ranking is published."))
    actions: list[tuple[str | Promise, str]] = [
        (_("Ballots"), reverse("awards:ballot_list", args=[block_year.pk]))
    ]
    closed, drafts, open_ = state.of(B.CLOSED), state.of(B.DRAFT), state.of(B.OPEN)
    if state.minutes:
        actions.append((_("Minutes"), reverse("awards:minutes_pdf", args=[block_year.pk])))
    if state.handover_status:
        actions.append(
            (_("Next year's head"), reverse("awards:handover_detail", args=[block_year.pk]))
        )
    if not state.ballots:
        return StepState(
            "active",
            _(
                "The ranking is published: acclaim the leading unit, choose the nominees and"
                " elect next year's head."
            ),
            actions=actions,
        )
    parts: list[str] = [
        str(_("%(title)s: %(voted)d of %(members)d units voted.") % b) for b in open_
    ]
    if drafts:
        parts.append(
            ngettext("%(n)d ballot being prepared.", "%(n)d ballots being prepared.", len(drafts))
            % {"n": len(drafts)}
        )
    if closed:
        parts.append(
            ngettext("%(n)d ballot closed.", "%(n)d ballots closed.", len(closed))
            % {"n": len(closed)}
        )
    decided = {Ballot.Kind.ACCLAIM, Ballot.Kind.NOMINATION} <= state.closed_kinds()
    status = "done" if decided and not open_ else "active"
    return StepState(status, " ".join(parts), actions=actions)


def dossier_step(block_year: BlockYear, user: User) -> StepState:
    state = state_of(block_year)
    if not state.nominations:
        return StepState("waiting", _("The dossier follows the nomination ballots."))
    actions: list[tuple[str | Promise, str]] = [
        (_("Nomination dossier"), reverse("awards:dossier_detail", args=[block_year.pk]))
    ]
    submitted = state.dossier_status == Dossier.Status.SUBMITTED
    if submitted and not state.returned:
        summary = ngettext(
            "Sent to the council on %(day)s with %(n)d nomination.",
            "Sent to the council on %(day)s with %(n)d nominations.",
            state.nominations,
        ) % {"n": state.nominations, "day": _day(state.dossier_submitted_at)}
        return StepState("done", summary, actions=actions)
    summary = ngettext(
        "%(ready)d of %(n)d nomination ready (report approved and attested).",
        "%(ready)d of %(n)d nominations ready (reports approved and attested).",
        state.nominations,
    ) % {"ready": state.ready, "n": state.nominations}
    if state.returned:
        summary += " " + ngettext(
            "%(n)d returned by the council.", "%(n)d returned by the council.", state.returned
        ) % {"n": state.returned}
    return StepState("active", summary, deadline=block_year.dossier_deadline, actions=actions)
