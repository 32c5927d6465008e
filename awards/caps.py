"""The caps on how many units an award may go to (DOMAIN §5): the authority-wide percentage of
the blocks' leading units (the Government flag: at most 20 per cent, rounded down) and the
award's most per block.

The eligibility check (`awards.eligibility`) holds each proposal against them; a council session
(`awards.services.sessions.decide`) applies them after the vote, counting what earlier sessions
approved, to the items that reached their share: when more pass than there is room, those with
most votes are approved, and those tied at the cut-off are all left out. `cap_lines` shows the
caps that bear on an agenda, on the session's page and in its minutes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import AgendaItem, AwardType, CouncilSession, Nomination
from blocks.models import Authority, BlockYear

# Nominations the council has already approved: they take room under a cap.
TAKEN = (Nomination.Status.APPROVED, Nomination.Status.AWARDED)


def cap_for(award: AwardType, leading_units: int) -> int:
    """The most proposals the award's percentage allows of so many leading units (rounded
    down: 20 per cent of 9 is 1)."""
    return math.floor(leading_units * (award.cap_percent or 0) / 100)


def leading_units(authority: Authority | int, year: int) -> int:
    """How many of the authority's blocks published a ranking for the year (and so have a
    leading unit): the base of the Government flag's 20 per cent."""
    return BlockYear.objects.filter(
        block__authority=authority, year=year, criteria_table__ranking__isnull=False
    ).count()


def leading_units_of(block_year: BlockYear) -> int:
    return leading_units(block_year.block.authority_id, block_year.year)


@dataclass(frozen=True)
class Taken:
    """What earlier sessions approved: per award, and per award and block."""

    by_award: dict[int, int]
    by_block: dict[tuple[int, int], int]


def approved_earlier(
    authority: Authority | int, year: int, session: CouncilSession | None
) -> Taken:
    """Nominations of the authority and year already approved (or awarded), other than this
    session's items and, for a closed session, other than those approved after it."""
    found = Nomination.objects.filter(
        block_year__block__authority=authority, block_year__year=year, status__in=TAKEN
    )
    if session is not None:
        found = found.exclude(agenda_items__session=session)
        if session.closed_at is not None:
            later = AgendaItem.objects.filter(
                outcome=AgendaItem.Outcome.APPROVED, session__closed_at__gt=session.closed_at
            ).values("nomination_id")
            found = found.exclude(pk__in=later)
    by_award: dict[int, int] = defaultdict(int)
    by_block: dict[tuple[int, int], int] = {}
    for row in found.values("award_type_id", "block_year__block_id").annotate(n=Count("pk")):
        by_award[row["award_type_id"]] += row["n"]
        by_block[(row["award_type_id"], row["block_year__block_id"])] = row["n"]
    return Taken(dict(by_award), by_block)


def percent_words(award: AwardType, leading: int, taken: int) -> str:
    return _(
        "%(award)s: at most %(percent)d per cent of %(leading)d leading units = %(cap)d;"
        " %(taken)d approved at earlier sessions."
    ) % {
        "award": award.name,
        "percent": award.cap_percent or 0,
        "leading": leading,
        "cap": cap_for(award, leading),
        "taken": taken,
    }


def block_words(award: AwardType, block: str, taken: int) -> str:
    return _(
        "%(award)s: at most %(cap)d per block (%(block)s); %(taken)d approved at earlier sessions."
    ) % {
        "award": award.name,
        "cap": award.max_per_block or 0,
        "block": block,
        "taken": taken,
    }


@dataclass(frozen=True)
class CapLine:
    """One cap that bears on the agenda: the rule in plain words, the room it leaves after
    earlier approvals, how many are proposed and (once closed) approved."""

    award_id: int
    award: str
    block: str  # empty for an authority-wide cap
    cap: int
    leading: int | None
    taken: int
    proposed: int
    approved: int | None
    rule: str

    @property
    def room(self) -> int:
        return max(self.cap - self.taken, 0)

    @property
    def over(self) -> bool:
        return self.proposed > self.room

    @property
    def authority_wide(self) -> bool:
        return not self.block


def cap_lines(
    authority: Authority | int, year: int, session: CouncilSession | None = None
) -> list[CapLine]:
    """The caps that bear on a session's agenda (or, without a session, on the appraised and
    scheduled nominations of the year): the authority-wide percentage per award and the most per
    block, each with what is proposed against the room left. A fixed number of queries."""
    if session is not None:
        rows = (
            AgendaItem.objects.filter(session=session)
            .values(
                "nomination__award_type_id",
                "nomination__block_year__block_id",
                "nomination__block_year__block__name",
            )
            .annotate(
                proposed=Count("pk"),
                passed=Count("pk", filter=Q(outcome=AgendaItem.Outcome.APPROVED)),
            )
        )
        grouped = [
            (
                r["nomination__award_type_id"],
                r["nomination__block_year__block_id"],
                r["nomination__block_year__block__name"],
                r["proposed"],
                r["passed"],
            )
            for r in rows
        ]
        closed = session.status == CouncilSession.Status.CLOSED
    else:
        nominations = (
            Nomination.objects.filter(
                block_year__block__authority=authority,
                block_year__year=year,
                status__in=(Nomination.Status.APPRAISED, Nomination.Status.SCHEDULED),
            )
            .values("award_type_id", "block_year__block_id", "block_year__block__name")
            .annotate(proposed=Count("pk"))
        )
        grouped = [
            (
                r["award_type_id"],
                r["block_year__block_id"],
                r["block_year__block__name"],
                r["proposed"],
                0,
            )
            for r in nominations
        ]
        closed = False
    awards = {
        a.pk: a
        for a in AwardType.objects.filter(pk__in={g[0] for g in grouped}).filter(
            Q(cap_percent__isnull=False) | Q(max_per_block__isnull=False)
        )
    }
    if not awards:
        return []
    taken = approved_earlier(authority, year, session)
    leading = (
        leading_units(authority, year)
        if any(a.cap_percent is not None for a in awards.values())
        else 0
    )
    lines: list[CapLine] = []
    for award in sorted(awards.values(), key=lambda a: (a.position, a.code)):
        mine = [g for g in grouped if g[0] == award.pk]
        if award.cap_percent is not None:
            earlier = taken.by_award.get(award.pk, 0)
            lines.append(
                CapLine(
                    award_id=award.pk,
                    award=award.name,
                    block="",
                    cap=cap_for(award, leading),
                    leading=leading,
                    taken=earlier,
                    proposed=sum(g[3] for g in mine),
                    approved=sum(g[4] for g in mine) if closed else None,
                    rule=percent_words(award, leading, earlier),
                )
            )
        if award.max_per_block is not None:
            for _a, block_id, block_name, proposed, approved in sorted(mine, key=lambda g: g[2]):
                earlier = taken.by_block.get((award.pk, block_id), 0)
                lines.append(
                    CapLine(
                        award_id=award.pk,
                        award=award.name,
                        block=block_name,
                        cap=award.max_per_block,
                        leading=None,
                        taken=earlier,
                        proposed=proposed,
                        approved=approved if closed else None,
                        rule=block_words(award, block_name, earlier),
                    )
                )
    return lines


def within_room(
    passing: Sequence[AgendaItem], room: int, counts: Mapping[int, tuple[int, int]]
) -> tuple[set[int], set[int]]:
    """Of the items that reached their share, those within `room` (most votes first), and those
    left out because they tie at the cut-off (none of those tied is approved)."""
    ordered = sorted(passing, key=lambda i: -counts[i.pk][0])
    if len(ordered) <= room:
        return {i.pk for i in ordered}, set()
    if room <= 0:
        return set(), set()
    cutoff = counts[ordered[room - 1].pk][0]
    chosen = {i.pk for i in ordered[:room]}
    tied = {i.pk for i in ordered if counts[i.pk][0] == cutoff}
    if tied <= chosen:
        return chosen, set()
    return chosen - tied, tied
