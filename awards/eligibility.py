"""Whether a unit may be proposed for an award, rule by rule, saying why.

`check` returns one `RuleResult` per rule of the award type: passed (True), failed (False) or
waiting for something the unit still has to give (None, such as an attestation); the data it
used, in plain words; and the legal basis. The same list is stored with a nomination as
`Nomination.eligibility`, and run again by the council on current data.

Each award is judged by the version of the authority's catalogue in force for the year
(`awards.catalogue`): every result names that version and the article its rule cites, and says
when the article could not be confirmed.

What the rules read about a year (members, ranking, bands, tie ballots, nominations across the
authority, the acclaim ballot, the rule versions) is loaded once as `YearFacts`; checking every unit of a block reuses it, so a page
that checks them all runs the same few queries whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from awards import catalogue, history
from awards.caps import Base, cap_base, cap_for
from awards.models import (
    ATTESTATIONS,
    AwardType,
    Ballot,
    BallotCandidate,
    Nomination,
    PersonProposal,
    RuleVersion,
    attestation_text,
)
from blocks.models import BlockYear, Person, Unit
from scoring.models import Band, RankingRow
from scoring.templatetags.scoring import points


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool | None
    rule: str
    data: str
    legal_basis: str
    # Which version of the authority's catalogue judged the rule, and whether its article could
    # be confirmed (`awards.catalogue`); a local rule is the province's convention, not the Law's.
    version: str = ""
    confirmed: bool = False
    local: bool = False

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
    block_year: BlockYear
    # (pk, award, block year, unit) of every nomination of the authority in that year
    nominations: list[tuple[int, int, int, int]] = field(default_factory=list)
    _versions: dict[int, RuleVersion | None] = field(default_factory=dict)

    def version(self, award: AwardType) -> RuleVersion | None:
        """The version of the award's rules that judges the year (read once per award)."""
        if award.pk not in self._versions:
            self._versions[award.pk] = catalogue.version_for(
                self.block_year.block.authority, award, self.block_year.year
            )
        return self._versions[award.pk]

    @cached_property
    def cap_base(self) -> Base:
        return cap_base(self.block_year.block.authority_id, self.block_year.year)

    @cached_property
    def _acclaim(self) -> tuple[bool, dict[int, bool | None]]:
        """Whether the block held an acclaim ballot, and each candidate's outcome once closed
        (the latest ballot decides)."""
        held = False
        outcome: dict[int, bool | None] = {}
        for unit, status, elected in (
            BallotCandidate.objects.filter(
                ballot__block_year=self.block_year, ballot__kind=Ballot.Kind.ACCLAIM
            )
            .order_by("ballot__created_at", "ballot__pk")
            .values_list("unit", "ballot__status", "elected")
        ):
            held = True
            outcome[unit] = bool(elected) if status == Ballot.Status.CLOSED else None
        return held, outcome

    @property
    def acclaim_held(self) -> bool:
        return self._acclaim[0]

    @property
    def acclaimed(self) -> dict[int, bool | None]:
        return self._acclaim[1]

    @cached_property
    def _histories(self) -> dict[int, history.UnitHistory]:
        return history.of_units(self.members)

    def history(self, unit_id: int) -> history.UnitHistory:
        """The unit's history of awards and results (read for every member at once)."""
        found = self._histories.get(unit_id)
        return found if found is not None else history.of_unit(unit_id)

    @cached_property
    def proposers(self) -> dict[tuple[int, int], set[int]]:
        """(award, person) -> the units whose standing proposal names them (read once)."""
        found: dict[tuple[int, int], set[int]] = {}
        for award, person, unit in (
            PersonProposal.objects.standing()
            .filter(block_year=self.block_year)
            .values_list("award_type", "person", "unit")
        ):
            found.setdefault((award, person), set()).add(unit)
        return found

    @cached_property
    def award_names(self) -> dict[int, str]:
        return {a.pk: a.name for a in AwardType.objects.all()}

    def others(self, award: AwardType, nomination: Nomination | None) -> list[tuple[int, int, int]]:
        """(award, block year, unit) of the award's nominations, other than `nomination`."""
        own = nomination.pk if nomination is not None else None
        return [(a, y, u) for pk, a, y, u in self.nominations if a == award.pk and pk != own]


def facts_of(
    block_year: BlockYear, versions: Mapping[int, RuleVersion | None] | None = None
) -> YearFacts:
    """The year's facts; `versions` (award pk -> version, from `catalogue.offered`) spares
    reading the versions again."""
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
        block_year=block_year,
        _versions=dict(versions or {}),
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
    award: RuleVersion, unit: Unit, row: RankingRow | None, facts: YearFacts
) -> list[RuleResult]:
    basis = ""
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
    rules: RuleVersion,
    block_year: BlockYear,
    unit: Unit,
    nomination: Nomination | None,
    facts: YearFacts,
) -> RuleResult:
    taken = sum(
        1 for _a, y, u in facts.others(award, nomination) if y == block_year.pk and u != unit.pk
    )
    limit = rules.max_per_block or 0
    return RuleResult(
        "per_block",
        taken < limit,
        _("At most %(n)d per block.") % {"n": limit},
        _("Other units of the block already proposed: %(taken)d.") % {"taken": taken},
        "",
    )


def _authority_cap(
    award: AwardType,
    rules: RuleVersion,
    block_year: BlockYear,
    unit: Unit,
    nomination: Nomination | None,
    facts: YearFacts,
) -> RuleResult:
    base = facts.cap_base
    cap = cap_for(rules.cap_percent, base.leading_units, base.rounding)
    taken = sum(
        1
        for _a, y, u in facts.others(award, nomination)
        if not (y == block_year.pk and u == unit.pk)
    )
    return RuleResult(
        "cap",
        taken + 1 <= cap,
        _(
            "Proposals at most %(percent)d%% of the leading units of all blocks and clusters"
            " %(authority)s organises."
        )
        % {"percent": rules.cap_percent, "authority": block_year.block.authority.short_name},
        _(
            "Leading units counted for %(year)d: %(leading)d (%(source)s), so at most %(cap)d"
            " proposals (%(rounding)s); already proposed for other units: %(taken)d."
        )
        % {
            "year": block_year.year,
            "leading": base.leading_units,
            "source": base.source,
            "cap": cap,
            "rounding": base.rounding_words,
            "taken": taken,
        },
        "",
    )


def _prerequisite(
    rules: RuleVersion, block_year: BlockYear, unit: Unit, facts: YearFacts
) -> RuleResult:
    required = rules.prerequisite
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
        "",
    )


def _acclaim(unit: Unit, facts: YearFacts) -> RuleResult:
    """A flag goes to the leading unit the block's ballot acclaimed (suy tôn)."""
    outcome = facts.acclaimed.get(unit.pk)
    if outcome is None:
        data = (
            _("The block's acclaim ballot is not closed yet.")
            if facts.acclaim_held
            else _("The block has not held its acclaim ballot.")
        )
    elif outcome:
        data = _("Acclaimed by the block's ballot.")
    else:
        data = _("The block's ballot did not acclaim the unit.")
    return RuleResult(
        "acclaim",
        bool(outcome),
        _("The block's secret ballot acclaims the unit as its leading unit."),
        data,
        "",
    )


def _one_award(
    rules: RuleVersion, block_year: BlockYear, unit: Unit, facts: YearFacts
) -> RuleResult | None:
    """One achievement, one award: not proposed for an excluded award the same year."""
    excluded = set(catalogue.excluded_ids(rules))
    if not excluded:
        return None
    clash = sorted(
        {facts.award_names.get(a, "") for _pk, a, y, u in facts.nominations if u == unit.pk}
        & {facts.award_names.get(a, "") for a in excluded} - {""}
    )
    names = ", ".join(
        f"“{facts.award_names[a]}”" for a in sorted(excluded) if a in facts.award_names
    )
    return RuleResult(
        "one_award",
        not clash,
        _(
            "One achievement, one award: not also proposed for %(awards)s for the same year."
            " A unit-level emulation title (Excellent Labour Collective) and the Government flag"
            " proposed with the provincial flag are the exceptions."
        )
        % {"awards": names},
        _("Also proposed for: %(awards)s.") % {"awards": ", ".join(clash)}
        if clash
        else _("Not proposed for any of them this year."),
        "",
    )


def _history_rules(
    rules: RuleVersion, block_year: BlockYear, unit: Unit, facts: YearFacts
) -> list[RuleResult]:
    """Multi-year conditions, from the app's rankings and awards and the records entered for
    the years before it (`awards.history`)."""
    if not (rules.years_well or rules.earlier_award_id):
        return []
    found = facts.history(unit.pk)
    results = []
    if rules.years_well:
        wanted = list(range(block_year.year - rules.years_well, block_year.year))
        good = [y for y in wanted if found.well_or_better(y)]
        results.append(
            RuleResult(
                "years_well",
                len(good) == len(wanted),
                _("Completed tasks well or better in each of the %(n)d years before %(year)d.")
                % {"n": rules.years_well, "year": block_year.year},
                _("Years that count: %(good)s; missing: %(missing)s.")
                % {
                    "good": ", ".join(map(str, good)) or "—",
                    "missing": ", ".join(str(y) for y in wanted if y not in good) or "—",
                },
                "",
            )
        )
    if rules.earlier_award_id:
        earlier = rules.earlier_award
        assert earlier is not None
        entries = [e for e in found.awards if e.award_id == earlier.pk and e.year < block_year.year]
        results.append(
            RuleResult(
                "earlier_award",
                bool(entries),
                _("Received “%(award)s” in an earlier year.") % {"award": earlier.name},
                "; ".join(e.words for e in entries) if entries else _("Not found in the history."),
                "",
            )
        )
    return results


def _attestations(rules: RuleVersion, nomination: Nomination | None) -> list[RuleResult]:
    given = (nomination.attestations if nomination is not None else {}) or {}
    results = []
    for code in rules.attestations:
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
                "",
            )
        )
    return results


# People: an award to an individual ---------------------------------------------------------------

# The attestation that stands for the years of excellent work, which the app cannot read itself.
YEARS_ATTESTED = "tasks_excellent_years"


def _proposed(
    award: AwardType, block_year: BlockYear, person: Person | None, facts: YearFacts
) -> RuleResult:
    units = facts.proposers.get((award.pk, person.pk), set()) if person is not None else set()
    by_member = bool(units & facts.members)
    return RuleResult(
        "proposed",
        by_member,
        _("The person is proposed by their unit, a member of the block in %(year)d.")
        % {"year": block_year.year},
        _("Proposed by a member unit of %(block)s.") % {"block": block_year.block.name}
        if by_member
        else (
            _("The person's unit is no longer a member of the block.")
            if units
            else _("No standing proposal of the person for this award.")
        ),
        "",
    )


def _serving(person: Person | None) -> RuleResult:
    serving = person is not None and person.left_on is None
    if person is None:
        data = _("No person is named.")
    elif serving:
        data = _("Working at %(unit)s.") % {"unit": person.unit.name}
    else:
        data = _("Left the unit on %(day)s.") % {"day": person.left_on.strftime("%d/%m/%Y")}  # type: ignore[union-attr]
    return RuleResult(
        "serving", serving, _("The person still works at the unit that proposes them."), data, ""
    )


def _person_per_block(
    award: AwardType,
    rules: RuleVersion,
    block_year: BlockYear,
    nomination: Nomination | None,
    facts: YearFacts,
) -> RuleResult:
    taken = sum(1 for _a, y, _u in facts.others(award, nomination) if y == block_year.pk)
    limit = rules.max_per_block or 0
    return RuleResult(
        "per_block",
        taken < limit,
        _("At most %(n)d people per block.") % {"n": limit},
        _("Other people of the block already proposed: %(taken)d.") % {"taken": taken},
        "",
    )


def _answer(value: bool | None) -> str:
    if value:
        return _("Attested by the unit.")
    return _("Not yet attested.") if value is None else _("The unit could not attest it.")


def _person_years(
    rules: RuleVersion, block_year: BlockYear, given: Mapping[str, Any]
) -> RuleResult:
    """The years of excellent work are the unit's reviews of the person, which the app does not
    hold: the unit attests them."""
    value = given.get(YEARS_ATTESTED)
    return RuleResult(
        "years_well",
        None if value is None else bool(value),
        _(
            "Completed tasks excellently in each of at least %(n)d consecutive years up to"
            " %(year)d, with the initiatives the award requires, as the unit attests."
        )
        % {"n": rules.years_well, "year": block_year.year},
        _answer(value),
        "",
    )


def _person_rules(
    award: AwardType,
    rules: RuleVersion,
    block_year: BlockYear,
    person: Person | None,
    nomination: Nomination | None,
    facts: YearFacts,
    ranking_only: bool,
) -> list[RuleResult]:
    """The rules of an award to an individual: proposed by a member unit, still at the unit;
    then the block's share, the years of excellent work and the attestations, given by the unit
    for the person."""
    results = [_proposed(award, block_year, person, facts), _serving(person)]
    if ranking_only:
        return results
    if rules.max_per_block:
        results.append(_person_per_block(award, rules, block_year, nomination, facts))
    given = (nomination.attestations if nomination is not None else {}) or {}
    if rules.years_well:
        results.append(_person_years(rules, block_year, given))
    for code in rules.attestations:
        if code == YEARS_ATTESTED:
            continue
        value = given.get(code)
        results.append(
            RuleResult(
                f"attest:{code}",
                None if value is None else bool(value),
                attestation_text(code, individual=True),
                _answer(value),
                "",
            )
        )
    return results


def _not_offered(award: AwardType, block_year: BlockYear) -> RuleResult:
    return RuleResult(
        "offered",
        False,
        _("The award is in the catalogue of %(authority)s for %(year)d.")
        % {"authority": block_year.block.authority.short_name, "year": block_year.year},
        _("%(authority)s does not offer “%(award)s” for %(year)d.")
        % {
            "authority": block_year.block.authority.short_name,
            "award": award.name,
            "year": block_year.year,
        },
        "",
    )


def cited(results: list[RuleResult], rules: RuleVersion | None) -> list[RuleResult]:
    """Each result with the article its rule cites under the version, and the version's name."""
    label = rules.label if rules is not None else ""
    out = []
    for result in results:
        found = catalogue.citation(rules, result.code)
        out.append(
            replace(
                result,
                legal_basis=found["article"],
                confirmed=bool(found.get("confirmed")),
                local=bool(found.get("local")),
                version=label,
            )
        )
    return out


def check(
    award: AwardType,
    block_year: BlockYear,
    unit: Unit,
    *,
    nomination: Nomination | None = None,
    ranking_only: bool = False,
    facts: YearFacts | None = None,
    person: Person | None = None,
) -> list[RuleResult]:
    """Every rule of the award for this unit in this year, under the version of the authority's
    catalogue that judges the year (`awards.catalogue.version_for`). `ranking_only` keeps the
    rules that decide who may be a candidate on a ballot (membership, ranking, classification).
    Give `facts` (from `facts_of`) when checking several units of the same year. For an award to
    an individual the rules judge the `person` (or the nomination's) the unit proposes."""
    facts = facts if facts is not None else facts_of(block_year)
    rules = facts.version(award)
    if rules is None:
        return [_not_offered(award, block_year)]
    if award.for_individuals:
        if person is None and nomination is not None:
            person = nomination.person
        return cited(
            _person_rules(award, rules, block_year, person, nomination, facts, ranking_only),
            rules,
        )
    row = facts.rows.get(unit.pk)
    results = [_member(block_year, unit, "", facts)]
    results += _ranking_rules(rules, unit, row, facts)
    if ranking_only:
        return cited(results, rules)
    if rules.requires_acclaim:
        results.append(_acclaim(unit, facts))
    if rules.max_per_block:
        results.append(_per_block(award, rules, block_year, unit, nomination, facts))
    if rules.cap_percent:
        results.append(_authority_cap(award, rules, block_year, unit, nomination, facts))
    if rules.prerequisite_id:
        results.append(_prerequisite(rules, block_year, unit, facts))
    one = _one_award(rules, block_year, unit, facts)
    if one is not None:
        results.append(one)
    results += _history_rules(rules, block_year, unit, facts)
    results += _attestations(rules, nomination)
    return cited(results, rules)
