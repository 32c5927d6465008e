"""A unit's published rank in each year, for the unit's page (registered with
`blocks.unit_years` in ScoringConfig.ready())."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.urls import reverse

from blocks.models import BlockYear, Unit
from blocks.unit_years import YearResult
from scoring.models import RankingRow


def published_ranks(
    units: QuerySet[Unit], block_years: QuerySet[BlockYear]
) -> dict[int, YearResult]:
    """The units' rows in each published ranking of `block_years` (one unit of a lineage is
    ranked in a year), with the number of units ranked, in one query."""
    rows = (
        RankingRow.objects.filter(unit__in=units, ranking__table__block_year__in=block_years)
        .annotate(of=Count("ranking__rows"))
        .values("ranking__table__block_year", "unit", "rank", "of", "total", "band")
    )
    return {
        row["ranking__table__block_year"]: YearResult(
            rank=row["rank"],
            of=row["of"],
            total=row["total"],
            band=row["band"],
            url=reverse(
                "scoring:ranking_unit", args=[row["ranking__table__block_year"], row["unit"]]
            ),
        )
        for row in rows
    }
