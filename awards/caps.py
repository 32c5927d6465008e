"""The caps on how many units an award may go to (DOMAIN §5): the authority-wide percentage of
the leading units (the Government flag: at most 20 per cent of the leading units of all the
blocks and clusters the province organises, letter 5007/BNV-TĐKT) and the award's most per block.

The base of the 20 per cent is a number the council enters each year (`CapBase`, set through
`awards.services.catalogue.set_cap_base`), pre-filled with the blocks the app knows; until it is
entered, that count is used. Its rounding is the council's choice, rounded down unless it says
otherwise: the letter's text on rounding could not be confirmed (docs/award-rules.md).

The eligibility check (`awards.eligibility`) holds each proposal against them; a council session
(`awards.services.sessions.decide`) applies them after the vote, counting what earlier sessions
approved, to the items that reached their share: when more pass than there is room, those with
most votes are approved, and those tied at the cut-off are all left out. `cap_lines` shows the
caps that bear on an agenda, on the session's page and in its minutes.

The percentage, a share of the leading units, counts collectives only: a person nominated (for an
award to individuals) never takes room under it. The most per block counts every nomination of
the award, so an award to individuals with a most per block caps the persons of each block.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import AgendaItem, AwardType, CapBase, CouncilSession, Nomination, RuleVersion
from blocks.models import Authority, BlockYear

# Nominations the council has already approved: they take room under a cap.
TAKEN = (Nomination.Status.APPROVED, Nomination.Status.AWARDED)
FLOOR = "floor"


def cap_for(
    award: AwardType | RuleVersion | int | None, leading_units: int, rounding: str = FLOOR
) -> int:
    """The most proposals a percentage allows of so many leading units, rounded as the council
    set it for the year (down by default: 20 per cent of 9 is 1; half up, it is 2)."""
    percent = award if isinstance(award, int) or award is None else award.cap_percent
    exact = Fraction(leading_units * (percent or 0), 100)
    if rounding == CapBase.Rounding.HALF_UP:
        return math.floor(exact + Fraction(1, 2))
    return math.floor(exact)


def blocks_organised(authority: Authority | int, year: int) -> int:
    """How many blocks and clusters the authority organises in the year: each has a leading
    unit, and letter 5007/BNV-TĐKT counts them all (whether or not they ranked in this app)."""
    return BlockYear.objects.filter(block__authority=authority, year=year).count()


@dataclass(frozen=True)
class Base:
    """The base of the 20 per cent for a year: what the council entered, or the pre-filled
    count of the blocks the app knows."""

    leading_units: int
    rounding: str
    entered: CapBase | None

    @property
    def source(self) -> str:
        if self.entered is not None:
            return _("entered by the council")
        return _("the blocks this app knows; the council has not entered the number yet")

    @property
    def rounding_words(self) -> str:
        return str(CapBase.Rounding(self.rounding).label)


def cap_base(authority: Authority | int, year: int) -> Base:
    authority_id = authority if isinstance(authority, int) else authority.pk
    entered = CapBase.objects.filter(authority_id=authority_id, year=year).first()
    if entered is not None:
        return Base(entered.leading_units, entered.rounding, entered)
    return Base(blocks_organised(authority_id, year), CapBase.Rounding.FLOOR, None)


@dataclass(frozen=True)
class Limits:
    """An award's caps in the version of the authority's catalogue that judges the year: a
    percentage of the leading units (none for the Central Council's Government flag: Law Art.
    25(2)) and a most per block."""

    percent: int | None
    per_block: int | None


def limits_of(authority: Authority | int, year: int) -> dict[int, Limits]:
    """Every award's caps for the year, by award id, from the catalogue's versions (the
    eligibility check reads the same versions, so the session cuts by the same numbers): two
    queries, the awards and the authority's versions."""
    from awards import catalogue
    from awards.models import RuleVersion

    if isinstance(authority, int):
        authority = Authority.objects.get(pk=authority)
    awards = [a for a in AwardType.objects.all() if a.is_active]
    rows = list(RuleVersion.objects.filter(authority=authority))
    limits = {}
    for award in awards:
        version = catalogue.version_for(authority, award, year, rows=rows, awards=awards)
        if version is not None:
            limits[award.pk] = Limits(version.cap_percent, version.max_per_block)
    return limits


def leading_units(authority: Authority | int, year: int) -> int:
    """The leading units the Government flag's 20 per cent counts for the year (`cap_base`)."""
    return cap_base(authority, year).leading_units


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
    rows = found.values("award_type_id", "block_year__block_id").annotate(
        n=Count("pk"), collectives=Count("pk", filter=Q(person__isnull=True))
    )
    for row in rows:
        by_award[row["award_type_id"]] += row["collectives"]
        by_block[(row["award_type_id"], row["block_year__block_id"])] = row["n"]
    return Taken(dict(by_award), by_block)


def percent_words(
    award: AwardType, leading: int, taken: int, rounding: str = FLOOR, percent: int | None = None
) -> str:
    percent = award.cap_percent if percent is None else percent
    return _(
        "%(award)s: at most %(percent)d per cent of %(leading)d leading units = %(cap)d"
        " (%(rounding)s); %(taken)d approved at earlier sessions."
    ) % {
        "award": award.name,
        "percent": percent or 0,
        "leading": leading,
        "cap": cap_for(percent, leading, rounding),
        "rounding": CapBase.Rounding(rounding).label,
        "taken": taken,
    }


def block_words(award: AwardType, cap: int, block: str, taken: int) -> str:
    return _(
        "%(award)s: at most %(cap)d per block (%(block)s); %(taken)d approved at earlier sessions."
    ) % {
        "award": award.name,
        "cap": cap,
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
                collectives=Count("pk", filter=Q(nomination__person__isnull=True)),
                collectives_passed=Count(
                    "pk",
                    filter=Q(nomination__person__isnull=True, outcome=AgendaItem.Outcome.APPROVED),
                ),
            )
        )
        grouped = [
            (
                r["nomination__award_type_id"],
                r["nomination__block_year__block_id"],
                r["nomination__block_year__block__name"],
                r["proposed"],
                r["passed"],
                r["collectives"],
                r["collectives_passed"],
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
            .annotate(proposed=Count("pk"), collectives=Count("pk", filter=Q(person__isnull=True)))
        )
        grouped = [
            (
                r["award_type_id"],
                r["block_year__block_id"],
                r["block_year__block__name"],
                r["proposed"],
                0,
                r["collectives"],
                0,
            )
            for r in nominations
        ]
        closed = False
    if not grouped:
        return []
    limits = limits_of(authority, year)
    awards = {
        a.pk: a
        for a in AwardType.objects.filter(pk__in={g[0] for g in grouped})
        if a.pk in limits and (limits[a.pk].percent is not None or limits[a.pk].per_block)
    }
    if not awards:
        return []
    taken = approved_earlier(authority, year, session)
    base = (
        cap_base(authority, year)
        if any(limits[pk].percent is not None for pk in awards)
        else Base(0, FLOOR, None)
    )
    leading = base.leading_units
    lines: list[CapLine] = []
    for award in sorted(awards.values(), key=lambda a: (a.position, a.code)):
        mine = [g for g in grouped if g[0] == award.pk]
        percent, per_block = limits[award.pk].percent, limits[award.pk].per_block
        if percent is not None and any(g[5] for g in mine):
            earlier = taken.by_award.get(award.pk, 0)
            lines.append(
                CapLine(
                    award_id=award.pk,
                    award=award.name,
                    block="",
                    cap=cap_for(percent, leading, base.rounding),
                    leading=leading,
                    taken=earlier,
                    proposed=sum(g[5] for g in mine),
                    approved=sum(g[6] for g in mine) if closed else None,
                    rule=percent_words(award, leading, earlier, base.rounding, percent),
                )
            )
        if per_block is not None:
            for _a, block_id, block_name, proposed, approved, *_c in sorted(
                mine, key=lambda g: g[2]
            ):
                earlier = taken.by_block.get((award.pk, block_id), 0)
                lines.append(
                    CapLine(
                        award_id=award.pk,
                        award=award.name,
                        block=block_name,
                        cap=per_block,
                        leading=None,
                        taken=earlier,
                        proposed=proposed,
                        approved=approved if closed else None,
                        rule=block_words(award, per_block, block_name, earlier),
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
