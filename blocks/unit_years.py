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


# provider(the units, the block years to look in) -> {block year id: result}
Provider = Callable[["QuerySet[Unit]", "QuerySet[BlockYear]"], dict[int, YearResult]]
_providers: list[Provider] = []


def register_year_results(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def year_results(units: QuerySet[Unit], block_years: QuerySet[BlockYear]) -> dict[int, YearResult]:
    """The results of `units` (a unit and the units it continues) in `block_years` (queries the
    providers use as subqueries: one query each, however many years)."""
    found: dict[int, YearResult] = {}
    for provider in _providers:
        found |= provider(units, block_years)
    return found
