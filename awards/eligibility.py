"""Whether a unit may be proposed for an award, rule by rule, saying why.

`check` returns one `RuleResult` per rule of the award type: passed (True), failed (False) or
waiting for something the unit still has to give (None, such as an attestation); the data it
used, in plain words; and the legal basis. The same list is stored with a nomination as
`Nomination.eligibility`, and run again by the council on current data.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

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


def _ranking_row(block_year: BlockYear, unit: Unit) -> RankingRow | None:
    return (
        RankingRow.objects.filter(ranking__table__block_year=block_year, unit=unit)
        .select_related("ranking__table")
        .first()
    )


def _won_tie(block_year: BlockYear, unit: Unit) -> bool:
    return BallotCandidate.objects.filter(
        ballot__block_year=block_year,
        ballot__kind=Ballot.Kind.TIE,
        ballot__status=Ballot.Status.CLOSED,
        unit=unit,
        elected=True,
    ).exists()


def is_leading(block_year: BlockYear, unit: Unit, row: RankingRow | None) -> bool:
    """First in the published ranking, with any tie for first place settled by a vote."""
    if row is None or row.rank != 1:
        return False
    return row.tie != RankingRow.Tie.VOTE or _won_tie(block_year, unit)


def _member(block_year: BlockYear, unit: Unit, basis: str) -> RuleResult:
    member = block_year.memberships.filter(unit=unit, left_on__isnull=True).exists()
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
    award: AwardType, block_year: BlockYear, unit: Unit, row: RankingRow | None
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
        leading = is_leading(block_year, unit, row)
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
        bands = list(
            Band.objects.filter(table=row.ranking.table).order_by("-min_total", "position")
        )
        labels = [band.label for band in bands]
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


def _others(award: AwardType, nomination: Nomination | None) -> Any:
    others = Nomination.objects.filter(award_type=award)
    if nomination is not None and nomination.pk:
        others = others.exclude(pk=nomination.pk)
    return others


def _per_block(
    award: AwardType, block_year: BlockYear, unit: Unit, nomination: Nomination | None
) -> RuleResult:
    taken = _others(award, nomination).filter(block_year=block_year).exclude(unit=unit).count()
    limit = award.max_per_block or 0
    return RuleResult(
        "per_block",
        taken < limit,
        _("At most %(n)d per block.") % {"n": limit},
        _("Other units of the block already proposed: %(taken)d.") % {"taken": taken},
        award.legal_basis,
    )


def cap_for(award: AwardType, leading_units: int) -> int:
    return math.floor(leading_units * (award.cap_percent or 0) / 100)


def leading_units_of(block_year: BlockYear) -> int:
    """How many blocks of the authority published a ranking (and so have a leading unit)."""
    return BlockYear.objects.filter(
        block__authority=block_year.block.authority_id,
        year=block_year.year,
        criteria_table__ranking__isnull=False,
    ).count()


def _authority_cap(
    award: AwardType, block_year: BlockYear, unit: Unit, nomination: Nomination | None
) -> RuleResult:
    leading = leading_units_of(block_year)
    cap = cap_for(award, leading)
    taken = (
        _others(award, nomination)
        .filter(
            block_year__block__authority=block_year.block.authority_id,
            block_year__year=block_year.year,
        )
        .exclude(Q(block_year=block_year) & Q(unit=unit))
        .count()
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


def _prerequisite(award: AwardType, block_year: BlockYear, unit: Unit) -> RuleResult:
    required = award.prerequisite
    assert required is not None
    proposed = Nomination.objects.filter(
        block_year=block_year, unit=unit, award_type=required
    ).exists()
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
) -> list[RuleResult]:
    """Every rule of the award for this unit in this year. `ranking_only` keeps the rules that
    decide who may be a candidate on a ballot (membership, ranking, classification)."""
    row = _ranking_row(block_year, unit)
    results = [_member(block_year, unit, award.legal_basis)]
    results += _ranking_rules(award, block_year, unit, row)
    if ranking_only:
        return results
    if award.max_per_block:
        results.append(_per_block(award, block_year, unit, nomination))
    if award.cap_percent:
        results.append(_authority_cap(award, block_year, unit, nomination))
    if award.prerequisite_id:
        results.append(_prerequisite(award, block_year, unit))
    results += _attestations(award, nomination)
    return results
