"""Steps 9–12 of the block-year dashboard: deliberation and secret ballot, nomination dossiers,
the council's review and the award decision, and the year's archiving.

The four steps share one query, whatever the number of ballots, units and nominations: one row
per ballot of the year (a single row with no ballot when there is none), each carrying the year's
counts of nominations by status, the state of its dossier and hand-over and who archived it.
Whether the person sits on the authority's council comes from their roles.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import rules
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from awards.models import (
    Awardee,
    AwardType,
    Ballot,
    Decision,
    Dossier,
    Handover,
    Nomination,
    RollEntry,
    ballot_title,
)
from awards.services import closing
from blocks.dashboard import StepState
from blocks.models import BlockYear
from emulation.models import User
from emulation.roles import roles_of
from scoring.models import Ranking

COUNCIL_STATUSES = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.RECEIVED,
    Nomination.Status.APPRAISED,
    Nomination.Status.SCHEDULED,
    Nomination.Status.APPROVED,
    Nomination.Status.REJECTED,
    Nomination.Status.AWARDED,
)


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
    by_status: dict[str, int] = field(default_factory=dict)
    held: int = 0  # with the council (sent and not returned)
    published_awards: int = 0  # approved or awarded, and in a published decision
    archived_by: str = ""
    sits_on_council: bool = False
    council_staff: bool = False

    @property
    def decided(self) -> int:
        return self.by_status.get(Nomination.Status.REJECTED, 0) + self.published_awards

    @property
    def approved(self) -> int:
        return self.by_status.get(Nomination.Status.APPROVED, 0) + self.by_status.get(
            Nomination.Status.AWARDED, 0
        )

    def of(self, status: str) -> list[dict[str, Any]]:
        return [b for b in self.ballots if b["status"] == status]

    def closed_kinds(self) -> set[str]:
        return {b["kind"] for b in self.of(Ballot.Status.CLOSED)}


def steps(block_year: BlockYear, user: User) -> dict[int, StepState]:
    """Steps 9–12, from one read of the year's ballots, nominations, dossier and hand-over."""
    return steps_of(block_year, user, state_of(block_year, user))


def waiting_steps(block_year: BlockYear, user: User) -> dict[int, StepState]:
    """Steps 9–12 before the ranking is published: no ballot, nomination, dossier or hand-over
    can exist yet (the services refuse them), so nothing is read, unless the year was archived
    (which the service allows only after the ranking, but the record says who did it)."""
    if block_year.archived_at is not None:
        return steps(block_year, user)
    return steps_of(block_year, user, council_roles(block_year, user))


def council_roles(block_year: BlockYear, user: User) -> AwardsState:
    roles = roles_of(user)
    authority = block_year.block.authority_id
    return AwardsState(
        sits_on_council=roles.sits_on(authority), council_staff=roles.staffs(authority)
    )


def steps_of(block_year: BlockYear, user: User, state: AwardsState) -> dict[int, StepState]:
    return {
        9: ballot_step(block_year, user, state),
        10: dossier_step(block_year, user, state),
        11: council_step(block_year, user, state),
        12: decision_step(block_year, user, state),
    }


def state_of(block_year: BlockYear, user: User) -> AwardsState:
    nominations = Nomination.objects.filter(block_year=OuterRef("pk")).order_by()
    dossier = Dossier.objects.filter(block_year=OuterRef("pk"))
    awarded = Awardee.objects.filter(decision__status=Decision.Status.PUBLISHED).values(
        "nomination"
    )
    # The year's nominations counted in one subquery, as one object: a subquery per count made
    # a query that took longer to build than to run.
    counts = nominations.values("block_year").annotate(
        counts=JSONObject(
            total=Count("pk"),
            ready=Count(
                "pk", filter=Q(report_approved_at__isnull=False, attested_at__isnull=False)
            ),
            published_awards=Count(
                "pk",
                filter=Q(
                    status__in=[Nomination.Status.APPROVED, Nomination.Status.AWARDED],
                    pk__in=awarded,
                ),
            ),
            **{
                str(status): Count("pk", filter=Q(status=status))
                for status in (Nomination.Status.RETURNED, *COUNCIL_STATUSES)
            },
        )
    )
    rows = list(
        BlockYear.objects.filter(pk=block_year.pk)
        .annotate(
            published=Exists(Ranking.objects.filter(table__block_year=OuterRef("pk"))),
            nomination_counts=Subquery(counts.values("counts"), output_field=JSONField()),
            dossier_status=Subquery(dossier.values("status")[:1]),
            dossier_submitted_at=Subquery(dossier.values("submitted_at")[:1]),
            minutes=Exists(dossier.filter(minutes__isnull=False)),
            handover_status=Subquery(
                Handover.objects.filter(from_year=OuterRef("pk")).values("status")[:1]
            ),
            voted=_count(RollEntry.objects.filter(box=OuterRef("ballots__box"))),
        )
        .values(
            "nomination_counts",
            "archived_by__full_name",
            "archived_by__username",
            "published",
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
    state = council_roles(block_year, user)
    if rows:
        first = rows[0]
        counted = first["nomination_counts"] or {}
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
            nominations=counted.get("total", 0),
            ready=counted.get("ready", 0),
            returned=counted.get(Nomination.Status.RETURNED, 0),
            dossier_status=first["dossier_status"],
            dossier_submitted_at=first["dossier_submitted_at"],
            minutes=bool(first["minutes"]),
            handover_status=first["handover_status"],
            by_status={status: counted.get(status, 0) for status in COUNCIL_STATUSES},
            published_awards=counted.get("published_awards", 0),
            archived_by=first["archived_by__full_name"] or first["archived_by__username"] or "",
            sits_on_council=state.sits_on_council,
            council_staff=state.council_staff,
        )
        state.held = sum(state.by_status.values())
    return state


def _day(moment: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else "—"


def ballot_step(block_year: BlockYear, user: User, state: AwardsState) -> StepState:
    if not state.published:
        return StepState("waiting", _("Ballots are held once the ranking is published."))
    actions: list[tuple[str | Promise, str]] = [
        (_("Ballots"), reverse("awards:ballot_list", args=[block_year.pk]))
    ]
    closed, drafts, open_ = (
        state.of(Ballot.Status.CLOSED),
        state.of(Ballot.Status.DRAFT),
        state.of(Ballot.Status.OPEN),
    )
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


def dossier_step(block_year: BlockYear, user: User, state: AwardsState) -> StepState:
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


# Steps 11–12: the council ---------------------------------------------------------------------


def council_step(block_year: BlockYear, user: User, state: AwardsState) -> StepState:
    """Step 11: the council receives, appraises, puts on a session's agenda and votes."""
    if not state.held:
        return StepState("waiting", _("The council reviews the dossier once the block sends it."))
    counts = state.by_status
    summary = ngettext(
        "%(held)d nomination with the council:",
        "%(held)d nominations with the council:",
        state.held,
    ) % {"held": state.held}
    parts = [
        (Nomination.Status.SUBMITTED, _("%(n)d to receive")),
        (Nomination.Status.RECEIVED, _("%(n)d received")),
        (Nomination.Status.APPRAISED, _("%(n)d appraised")),
        (Nomination.Status.SCHEDULED, _("%(n)d on a session's agenda")),
        (Nomination.Status.APPROVED, _("%(n)d approved")),
        (Nomination.Status.AWARDED, _("%(n)d awarded")),
        (Nomination.Status.REJECTED, _("%(n)d not approved")),
    ]
    summary += " " + ", ".join(
        str(text) % {"n": counts[status]} for status, text in parts if counts.get(status)
    )
    summary += "."
    pending = sum(
        counts.get(s, 0)
        for s in (
            Nomination.Status.SUBMITTED,
            Nomination.Status.RECEIVED,
            Nomination.Status.APPRAISED,
            Nomination.Status.SCHEDULED,
        )
    )
    actions: list[tuple[str | Promise, str]] = []
    if state.sits_on_council or user.is_superuser:
        authority = block_year.block.authority_id
        actions = [
            (
                _("The council's intake"),
                reverse("awards:intake_list", args=[authority, block_year.year]),
            )
        ]
    return StepState("active" if pending else "done", summary, actions=actions)


def decision_step(block_year: BlockYear, user: User, state: AwardsState) -> StepState:
    """Step 12: the award decisions are published; the step is done, and the year can be
    archived (read-only from then on), only when nothing can still happen in it
    (`services.closing.open_items`): a ballot or a nomination still possible keeps it active."""
    authority = block_year.block.authority_id
    results: list[tuple[str | Promise, str]] = [
        (_("Results"), reverse("awards:results", args=[authority, block_year.year]))
    ]
    if block_year.archived_at is not None:
        return StepState(
            "done",
            _("Archived on %(day)s by %(person)s: the year is read-only.")
            % {"day": _day(block_year.archived_at), "person": state.archived_by or "—"},
            actions=results,
        )
    no_nominations = not state.nominations
    sent = state.dossier_status == Dossier.Status.SUBMITTED
    complete = (sent and state.held > 0 and state.decided == state.held) or (
        no_nominations and state.published
    )
    if not complete:
        if not state.held:
            return StepState("waiting", _("The decisions follow the council's vote."))
        waiting = state.approved - state.published_awards
        summary = ngettext(
            "%(decided)d of %(held)d nomination decided.",
            "%(decided)d of %(held)d nominations decided.",
            state.held,
        ) % {"decided": state.decided, "held": state.held}
        if waiting:
            summary += " " + ngettext(
                "%(n)d approved nomination awaits a published decision.",
                "%(n)d approved nominations await a published decision.",
                waiting,
            ) % {"n": waiting}
        return StepState("active", summary, actions=results)
    # What the counts above cannot see (ballots under way or void, the ballots every year needs,
    # nominations being prepared or returned, "no proposals" recorded) is read only now, at the
    # end of the year: the step is done exactly when the year can be archived.
    left = closing.open_items(block_year)
    if left:
        actions = results
        if rules.has_perm("awards.run_ballots", user, block_year):
            actions = [
                (
                    _("Record what the year will not do"),
                    reverse("awards:year_waivers", args=[block_year.pk]),
                ),
                *results,
            ]
        return StepState(
            "active",
            " ".join([str(_("The year cannot be archived yet:")), *(i.text for i in left)]),
            actions=actions,
        )
    if no_nominations:
        summary = str(_("The block proposed nobody this year."))
    else:
        summary = ngettext(
            "Every nomination is decided: %(awarded)d of %(held)d awarded in a published decision.",
            "Every nomination is decided: %(awarded)d of %(held)d awarded in published decisions.",
            state.held,
        ) % {"awarded": state.published_awards, "held": state.held}
    summary += " " + str(_("The year is complete and can be archived."))
    actions = results
    if state.council_staff or user.is_superuser:
        actions = [
            (_("Archive the year"), reverse("awards:year_archive", args=[block_year.pk])),
            *results,
        ]
    return StepState("done", summary, actions=actions)
