"""Whether a unit may be proposed for an award, rule by rule, saying why.

`check` returns one `RuleResult` per rule of the award type: passed (True), failed (False) or
waiting for something the unit still has to give (None, such as an attestation); the data it
used, in plain words; and the legal basis. The same list is stored with a nomination as
`Nomination.eligibility`, and run again by the council on current data.

What the rules read about a year (members, ranking, bands, tie ballots, nominations across the
authority) is loaded once as `YearFacts`; checking every unit of a block reuses it, so a page
that checks them all runs the same few queries whatever the number of units.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from awards.caps import cap_for, leading_units_of
from awards.models import ATTESTATIONS, AwardType, Ballot, BallotCandidate, Nomination
from blocks.models import BlockYear, Unit
from scoring.models import Band, RankingRow
from scoring.templatetags.scoring import points


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool | None
    rule: str
    data: str
    legal_basis: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def passes(results: list[RuleResult]) -> bool:
    return all(result.passed for result in results)


def failures(results: list[RuleResult]) -> list[RuleResult]:
    return [result for result in results if result.passed is False]


@dataclass
class YearFacts:
    """What the rules need to know about a block year, read in five queries."""

    members: set[int]
    rows: dict[int, RankingRow]
    bands: list[str]  # the classification labels, highest first
    tie_winners: set[int]
    leading_units: int  # blocks of the authority with a published ranking that year
    # (pk, award, block year, unit) of every nomination of the authority in that year
    nominations: list[tuple[int, int, int, int]] = field(default_factory=list)

    def others(self, award: AwardType, nomination: Nomination | None) -> list[tuple[int, int, int]]:
        """(award, block year, unit) of the award's nominations, other than `nomination`."""
        own = nomination.pk if nomination is not None else None
        return [(a, y, u) for pk, a, y, u in self.nominations if a == award.pk and pk != own]


def facts_of(block_year: BlockYear) -> YearFacts:
    rows = {
        row.unit_id: row
        for row in RankingRow.objects.filter(ranking__table__block_year=block_year).select_related(
            "ranking"
        )
    }
    table_id = next(iter(rows.values())).ranking.table_id if rows else None
    authority_year = {
        "block_year__block__authority": block_year.block.authority_id,
        "block_year__year": block_year.year,
    }
    return YearFacts(
        members=set(
            block_year.memberships.filter(left_on__isnull=True).values_list("unit", flat=True)
        ),
        rows=rows,
        bands=list(
            Band.objects.filter(table=table_id)
            .order_by("-min_total", "position")
            .values_list("label", flat=True)
        )
        if table_id
        else [],
        tie_winners=set(
            BallotCandidate.objects.filter(
                ballot__block_year=block_year,
                ballot__kind=Ballot.Kind.TIE,
                ballot__status=Ballot.Status.CLOSED,
                elected=True,
            ).values_list("unit", flat=True)
        ),
        leading_units=leading_units_of(block_year),
        nominations=list(
            Nomination.objects.filter(**authority_year).values_list(
                "pk", "award_type", "block_year", "unit"
            )
        ),
    )


def is_leading(block_year: BlockYear, unit: Unit, row: RankingRow | None) -> bool:
    """First in the published ranking, with any tie for first place settled by a vote."""
    if row is None or row.rank != 1:
        return False
    return (
        row.tie != RankingRow.Tie.VOTE
        or BallotCandidate.objects.filter(
            ballot__block_year=block_year,
            ballot__kind=Ballot.Kind.TIE,
            ballot__status=Ballot.Status.CLOSED,
            unit=unit,
            elected=True,
        ).exists()
    )


def _member(block_year: BlockYear, unit: Unit, basis: str, facts: YearFacts) -> RuleResult:
    member = unit.pk in facts.members
    return RuleResult(
        "member",
        member,
        _("The unit is a member of the block in %(year)d.") % {"year": block_year.year},
        _("Member of %(block)s.") % {"block": block_year.block.name}
        if member
        else _("Not a current member of %(block)s.") % {"block": block_year.block.name},
        basis,
    )


def _ranking_rules(
    award: AwardType, unit: Unit, row: RankingRow | None, facts: YearFacts
) -> list[RuleResult]:
    basis = award.legal_basis
    if row is None:
        return [
            RuleResult(
                "ranking",
                False,
                _("The block's ranking of the year is published and includes the unit."),
                _("No published ranking includes the unit."),
                basis,
            )
        ]
    where = _("Rank %(rank)d with %(total)s points, classified “%(band)s”.") % {
        "rank": row.rank,
        "total": points(row.total),
        "band": row.band or "—",
    }
    results = []
    if award.candidates == AwardType.Candidates.LEADING:
        leading = row.rank == 1 and (row.tie != RankingRow.Tie.VOTE or unit.pk in facts.tie_winners)
        note = (
            _(" Tied for first place: settled by a vote.")
            if row.rank == 1 and row.tie == RankingRow.Tie.VOTE
            else ""
        )
        results.append(
            RuleResult(
                "leading",
                leading,
                _("Only the block's leading unit (first in the ranking) may be proposed."),
                where + note,
                basis,
            )
        )
    elif award.candidates == AwardType.Candidates.RANKED and award.max_rank:
        results.append(
            RuleResult(
                "rank",
                row.rank <= award.max_rank,
                _("Ranked within the first %(k)d places of the block.") % {"k": award.max_rank},
                where,
                basis,
            )
        )
    if award.min_band:
        labels = facts.bands
        level = labels.index(row.band) + 1 if row.band in labels else None
        wanted = labels[award.min_band - 1] if award.min_band <= len(labels) else "—"
        results.append(
            RuleResult(
                "band",
                level is not None and level <= award.min_band,
                _("Classified at least “%(band)s”.") % {"band": wanted},
                where,
                basis,
            )
        )
    return results


def _per_block(
    award: AwardType,
    block_year: BlockYear,
    unit: Unit,
    nomination: Nomination | None,
    facts: YearFacts,
) -> RuleResult:
    taken = sum(
        1 for _a, y, u in facts.others(award, nomination) if y == block_year.pk and u != unit.pk
    )
    limit = award.max_per_block or 0
    return RuleResult(
        "per_block",
        taken < limit,
        _("At most %(n)d per block.") % {"n": limit},
        _("Other units of the block already proposed: %(taken)d.") % {"taken": taken},
        award.legal_basis,
    )


def _authority_cap(
    award: AwardType,
    block_year: BlockYear,
    unit: Unit,
    nomination: Nomination | None,
    facts: YearFacts,
) -> RuleResult:
    leading = facts.leading_units
    cap = cap_for(award, leading)
    taken = sum(
        1
        for _a, y, u in facts.others(award, nomination)
        if not (y == block_year.pk and u == unit.pk)
    )
    return RuleResult(
        "cap",
        taken + 1 <= cap,
        _("Proposals at most %(percent)d%% of the leading units of %(authority)s's blocks.")
        % {"percent": award.cap_percent, "authority": block_year.block.authority.short_name},
        _(
            "Blocks with a leading unit this year: %(leading)d, so at most %(cap)d proposals"
            " (rounded down); already proposed for other units: %(taken)d."
        )
        % {"leading": leading, "cap": cap, "taken": taken},
        award.legal_basis,
    )


def _prerequisite(
    award: AwardType, block_year: BlockYear, unit: Unit, facts: YearFacts
) -> RuleResult:
    required = award.prerequisite
    assert required is not None
    proposed = any(
        a == required.pk and y == block_year.pk and u == unit.pk
        for _pk, a, y, u in facts.nominations
    )
    return RuleResult(
        "prerequisite",
        proposed,
        _("Also proposed for “%(award)s” this year.") % {"award": required.name},
        _("Proposed for it.") if proposed else _("Not proposed for it."),
        award.legal_basis,
    )


def _attestations(award: AwardType, nomination: Nomination | None) -> list[RuleResult]:
    given = (nomination.attestations if nomination is not None else {}) or {}
    results = []
    for code in award.attestations:
        label = str(ATTESTATIONS.get(code, code))
        value = given.get(code)
        results.append(
            RuleResult(
                f"attest:{code}",
                None if value is None else bool(value),
                label,
                _("Attested by the unit.")
                if value
                else (
                    _("Not yet attested.") if value is None else _("The unit could not attest it.")
                ),
                "Nghị định số 152/2025/NĐ-CP",
            )
        )
    return results


def check(
    award: AwardType,
    block_year: BlockYear,
    unit: Unit,
    *,
    nomination: Nomination | None = None,
    ranking_only: bool = False,
    facts: YearFacts | None = None,
) -> list[RuleResult]:
    """Every rule of the award for this unit in this year. `ranking_only` keeps the rules that
    decide who may be a candidate on a ballot (membership, ranking, classification). Give
    `facts` (from `facts_of`) when checking several units of the same year."""
    facts = facts if facts is not None else facts_of(block_year)
    row = facts.rows.get(unit.pk)
    results = [_member(block_year, unit, award.legal_basis, facts)]
    results += _ranking_rules(award, unit, row, facts)
    if ranking_only:
        return results
    if award.max_per_block:
        results.append(_per_block(award, block_year, unit, nomination, facts))
    if award.cap_percent:
        results.append(_authority_cap(award, block_year, unit, nomination, facts))
    if award.prerequisite_id:
        results.append(_prerequisite(award, block_year, unit, facts))
    results += _attestations(award, nomination)
    return results
