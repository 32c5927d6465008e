"""Steps 9–12 of the block-year dashboard: deliberation and secret ballot, nomination dossiers,
the council's review and the award decision, and the year's archiving.

The four steps share one query (cached on the block year), whatever the number of ballots, units
and nominations: one row per ballot of the year (a single row with no ballot when there is none),
each carrying the year's counts of nominations by status (counted once, in a subquery), the state
of its dossier and hand-over, and who archived the year. It is written in SQL, composed once per
process (`_state_sql`): as a queryset of a dozen filtered, distinct counts it took longer to build
than to run. Whether the person sits on the authority's council comes from their council roles
(read once per request), and whether the ranking is published from the scoring steps' query.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
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
    BallotVoter,
    Decision,
    Dossier,
    Handover,
    Nomination,
    ballot_title,
)
from blocks.dashboard import StepState
from blocks.models import BlockYear, CouncilRole
from blocks.rules import council_roles_of
from emulation.models import User
from emulation.sql import reader
from scoring.dashboard import ranking_published

B = Ballot.Status
N = Nomination.Status
# The council's counts of the year's nominations, by status (step 11).
COUNCIL_STATUSES = (
    N.SUBMITTED,
    N.RECEIVED,
    N.APPRAISED,
    N.SCHEDULED,
    N.APPROVED,
    N.REJECTED,
    N.AWARDED,
)


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
        return self.by_status.get(N.REJECTED, 0) + self.published_awards

    @property
    def approved(self) -> int:
        return self.by_status.get(N.APPROVED, 0) + self.by_status.get(N.AWARDED, 0)

    def of(self, status: str) -> list[dict[str, Any]]:
        return [b for b in self.ballots if b["status"] == status]

    def closed_kinds(self) -> set[str]:
        return {b["kind"] for b in self.of(B.CLOSED)}


@functools.cache
def _state_sql() -> tuple[str, list[str]]:
    """The year's awards state, one row per ballot (oldest first), and the parameters that come
    before the block year's id (given five times): the statuses counted.

    The nominations are counted once, in a subquery that always gives one row; the year's
    archiver, the dossier, the hand-over and the ballots are joined to it. Each nomination has
    at most one awardee, so joining the awardee and its decision counts no nomination twice."""
    nomination = Nomination._meta.db_table
    columns = [
        "COUNT(*) AS nominations",
        "SUM(CASE WHEN nomination.report_approved_at IS NOT NULL"
        " AND nomination.attested_at IS NOT NULL THEN 1 ELSE 0 END) AS ready",
        "SUM(CASE WHEN nomination.status = %s THEN 1 ELSE 0 END) AS returned",
        *(
            f"SUM(CASE WHEN nomination.status = %s THEN 1 ELSE 0 END) AS n_{status}"
            for status in COUNCIL_STATUSES
        ),
        "SUM(CASE WHEN nomination.status IN (%s, %s) AND decision.status = %s"
        " THEN 1 ELSE 0 END) AS published_awards",
    ]
    params = [
        N.RETURNED.value,
        *(status.value for status in COUNCIL_STATUSES),
        N.APPROVED.value,
        N.AWARDED.value,
        Decision.Status.PUBLISHED.value,
    ]
    sql = f"""
SELECT counts.*,
    dossier.status, dossier.submitted_at, dossier.minutes_id, handover.status,
    archiver.full_name, archiver.username,
    ballot.id, ballot.kind, ballot.status, award.name_vi, award.name_en, ballot.members,
    ballot.closes_on,
    (SELECT COUNT(*) FROM {BallotVoter._meta.db_table} voter WHERE voter.ballot_id = ballot.id)
FROM (
    SELECT {", ".join(columns)}
    FROM {nomination} nomination
    LEFT JOIN {Awardee._meta.db_table} awardee ON awardee.nomination_id = nomination.id
    LEFT JOIN {Decision._meta.db_table} decision ON decision.id = awardee.decision_id
    WHERE nomination.block_year_id = %s
) counts
LEFT JOIN {BlockYear._meta.db_table} year ON year.id = %s
LEFT JOIN {User._meta.db_table} archiver ON archiver.id = year.archived_by_id
LEFT JOIN {Dossier._meta.db_table} dossier ON dossier.block_year_id = %s
LEFT JOIN {Handover._meta.db_table} handover ON handover.from_year_id = %s
LEFT JOIN {Ballot._meta.db_table} ballot ON ballot.block_year_id = %s
LEFT JOIN {AwardType._meta.db_table} award ON award.id = ballot.award_type_id
ORDER BY ballot.created_at, ballot.id"""
    return sql, params


def state_of(block_year: BlockYear, user: User | None = None) -> AwardsState:
    cached = getattr(block_year, "_awards_cache", None)
    if cached is not None and cached[0] == getattr(user, "pk", None):
        return cached[1]
    sql, params = _state_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *[block_year.pk] * 5])
        rows = cursor.fetchall()
    counted = 4 + len(COUNCIL_STATUSES)  # nominations, ready, returned, by status, published
    nominations, ready, returned, *by_status, published_awards = (n or 0 for n in rows[0][:counted])
    dossier_status, submitted_at, minutes, handover_status, full_name, username = rows[0][
        counted : counted + 6
    ]
    submitted_at = reader(Dossier._meta.get_field("submitted_at"))(submitted_at)
    closes_on = reader(Ballot._meta.get_field("closes_on"))
    roles = council_roles_of(user) if user is not None else {}
    council = roles.get(block_year.block.authority_id)
    state = AwardsState(
        published=ranking_published(block_year),
        ballots=[
            {
                "pk": pk,
                "kind": kind,
                "status": status,
                "title": ballot_title(
                    kind, block_year.year, AwardType.localized(name_vi or "", name_en or "")
                ),
                "members": members or 0,
                "closes_on": closes_on(closes),
                "voted": voted,
            }
            for pk, kind, status, name_vi, name_en, members, closes, voted in (
                row[counted + 6 :] for row in rows
            )
            if pk is not None
        ],
        nominations=nominations,
        ready=ready,
        returned=returned,
        dossier_status=dossier_status,
        dossier_submitted_at=submitted_at,
        minutes=minutes is not None,
        handover_status=handover_status,
        by_status=dict(zip(COUNCIL_STATUSES, by_status, strict=True)),
        published_awards=published_awards,
        archived_by=full_name or username or "",
        sits_on_council=council is not None,
        council_staff=CouncilRole.Role.STAFF in (council or ()),
    )
    state.held = sum(state.by_status.values())
    block_year._awards_cache = (getattr(user, "pk", None), state)  # type: ignore[attr-defined]
    return state


def _day(moment: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else "—"


def ballot_step(block_year: BlockYear, user: User) -> StepState:
    state = state_of(block_year, user)
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
    state = state_of(block_year, user)
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


def council_step(block_year: BlockYear, user: User) -> StepState:
    """Step 11: the council receives, appraises, puts on a session's agenda and votes."""
    state = state_of(block_year, user)
    if not state.held:
        return StepState("waiting", _("The council reviews the dossier once the block sends it."))
    counts = state.by_status
    summary = ngettext(
        "%(held)d nomination with the council:",
        "%(held)d nominations with the council:",
        state.held,
    ) % {"held": state.held}
    parts = [
        (N.SUBMITTED, _("%(n)d to receive")),
        (N.RECEIVED, _("%(n)d received")),
        (N.APPRAISED, _("%(n)d appraised")),
        (N.SCHEDULED, _("%(n)d on a session's agenda")),
        (N.APPROVED, _("%(n)d approved")),
        (N.AWARDED, _("%(n)d awarded")),
        (N.REJECTED, _("%(n)d not approved")),
    ]
    summary += " " + ", ".join(
        str(text) % {"n": counts[status]} for status, text in parts if counts.get(status)
    )
    summary += "."
    pending = sum(counts.get(s, 0) for s in (N.SUBMITTED, N.RECEIVED, N.APPRAISED, N.SCHEDULED))
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


def decision_step(block_year: BlockYear, user: User) -> StepState:
    """Step 12: the award decisions are published; then the year is complete and can be
    archived (read-only from then on)."""
    state = state_of(block_year, user)
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
