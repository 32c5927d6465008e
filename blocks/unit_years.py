"""What the apps above the registry add to a unit's page for each year it was in a block: the
scoring app its published rank. They register a provider in their AppConfig.ready(), as they
register the year dashboard's steps, so the registry never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from blocks.models import BlockYear, Unit


@dataclass(frozen=True)
class YearResult:
    """A unit's published result in one block year: its rank among how many, its total."""

    rank: int
    of: int
    total: Decimal
    band: str
    url: str


# provider(unit, the block years to look in) -> {block year id: result}
Provider = Callable[[Unit, "QuerySet[BlockYear]"], dict[int, YearResult]]
_providers: list[Provider] = []


def register_year_results(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def year_results(unit: Unit, block_years: QuerySet[BlockYear]) -> dict[int, YearResult]:
    """The unit's results in `block_years` (a query the providers use as a subquery: one query
    each, however many years)."""
    found: dict[int, YearResult] = {}
    for provider in _providers:
        found |= provider(unit, block_years)
    return found
