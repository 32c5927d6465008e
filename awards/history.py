"""A unit's history of awards and yearly results: what the app decided and ranked, and what
council staff entered for the years before it (`PastRecord`).

Used by the multi-year conditions of the eligibility check (`awards.eligibility`), by the unit's
award history page and by the achievement report. A year counts as "completed tasks well or
better" when council staff entered such a result for it, or when the block's published ranking
that year classified the unit in one of its first two bands (the block's classification stands
in for the unit's own assessment; docs/award-rules.md).

Four queries whatever the number of units and the length of their history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from awards.models import Awardee, Decision, PastRecord
from blocks.models import Unit
from scoring.models import Band, RankingRow

WELL_BANDS = 2  # the first two bands of a block's classification count as "well or better"


@dataclass(frozen=True)
class AwardEntry:
    year: int
    name: str
    award_id: int | None
    decision_number: str
    decision_date: datetime.date | None
    issuer: str
    entered: bool  # entered by council staff for a year before the app

    @property
    def words(self) -> str:
        number = self.decision_number or _("no decision number")
        return f"{self.year}: {self.name} ({number})"


@dataclass(frozen=True)
class ResultEntry:
    year: int
    words: str
    well: bool
    entered: bool
    result: str = ""  # entered: the `PastRecord.Result`
    rank: int | None = None  # from the app: the block's ranking
    band: str = ""


@dataclass
class UnitHistory:
    awards: list[AwardEntry] = field(default_factory=list)
    results: list[ResultEntry] = field(default_factory=list)

    def well_or_better(self, year: int) -> bool:
        return any(r.well for r in self.results if r.year == year)

    def years(self) -> list[int]:
        return sorted({e.year for e in self.awards} | {r.year for r in self.results}, reverse=True)

    def rows(self) -> list[tuple[int, list[ResultEntry], list[AwardEntry]]]:
        """Year by year, newest first: the year's results and awards."""
        return [
            (
                year,
                [r for r in self.results if r.year == year],
                [a for a in self.awards if a.year == year],
            )
            for year in self.years()
        ]


def of_unit(unit: Unit | int) -> UnitHistory:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return of_units([unit_id])[unit_id]


def of_units(unit_ids: Iterable[int]) -> dict[int, UnitHistory]:
    """The histories of several units, in four queries."""
    ids = set(unit_ids)
    histories = {pk: UnitHistory() for pk in ids}
    # A revoked award no longer counts, on the page nor in the rules that read the history.
    awardees = (
        Awardee.objects.in_force()
        .filter(
            nomination__unit_id__in=ids,
            # A person's award is theirs, not their unit's.
            nomination__person__isnull=True,
            decision__kind=Decision.Kind.DECISION,
            decision__status__in=(Decision.Status.ISSUED, Decision.Status.PUBLISHED),
        )
        .select_related("decision__award_type", "decision__authority", "nomination")
    )
    for awardee in awardees:
        decision = awardee.decision
        histories[awardee.nomination.unit_id].awards.append(
            AwardEntry(
                year=decision.year,
                name=str(decision.award_type),
                award_id=decision.award_type_id,
                decision_number=decision.number,
                decision_date=decision.signed_on,
                issuer=decision.authority.name,
                entered=False,
            )
        )
    for record in PastRecord.objects.filter(unit_id__in=ids).select_related("award_type"):
        found = histories[record.unit_id]
        if record.award_type_id or record.title:
            found.awards.append(
                AwardEntry(
                    year=record.year,
                    name=str(record.award_type) if record.award_type_id else record.title,
                    award_id=record.award_type_id,
                    decision_number=record.decision_number,
                    decision_date=record.decision_date,
                    issuer=record.issuer,
                    entered=True,
                )
            )
        if record.result:
            found.results.append(
                ResultEntry(
                    record.year,
                    str(record.get_result_display()),
                    record.well_or_better,
                    True,
                    result=record.result,
                )
            )
    rows = list(
        RankingRow.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "ranking__table_id", "ranking__table__block_year__year", "rank", "band"
        )
    )
    bands: dict[int, list[str]] = {}
    for table_id, label in (
        Band.objects.filter(table_id__in={r[1] for r in rows})
        .order_by("table_id", "-min_total", "position")
        .values_list("table_id", "label")
    ):
        bands.setdefault(table_id, []).append(label)
    for unit_id, table_id, year, rank, band in rows:
        labels = bands.get(table_id, [])
        level = labels.index(band) + 1 if band in labels else None
        histories[unit_id].results.append(
            ResultEntry(
                year,
                _("Ranked %(rank)d in the block, classified “%(band)s”.")
                % {"rank": rank, "band": band or "—"},
                level is not None and level <= WELL_BANDS,
                False,
                rank=rank,
                band=band,
            )
        )
    for found in histories.values():
        found.awards.sort(key=lambda e: (-e.year, e.name))
        found.results.sort(key=lambda r: -r.year)
    return histories
