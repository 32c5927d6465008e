"""The scoring steps' table, read in one hand-written statement (`scoring.dashboard._table`), is
what the annotated queryset it replaced read: the sheets counted by status, whether the ranking
is published, the leading unit and the number of first places, from a year without a table to a
published ranking with a tie for first place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count, F, OuterRef, Q, Subquery

from blocks.models import BlockYear
from scoring.dashboard import _table
from scoring.models import CriteriaTable, RankingRow, ScoreSheet
from tests.factories import (
    World,
    make_criteria_table,
    make_first_place_tie,
    make_published_ranking,
    open_assessment,
)

S = ScoreSheet.Status
FIELDS = ("pk", "is_locked", "deadline", "sheet_count", "submitted_count", "final_count")


def queryset_table(block_year: BlockYear) -> dict[str, Any] | None:
    """What the former queryset of `_table` read (kept here as it was)."""
    table = (
        CriteriaTable.objects.filter(block_year=block_year)
        .annotate(
            sheet_count=Count("sheets"),
            submitted_count=Count("sheets", filter=~Q(sheets__status=S.DRAFT)),
            final_count=Count("sheets", filter=Q(sheets__status=S.FINAL)),
            ranking_pk=F("ranking"),
            leading=Subquery(
                RankingRow.objects.filter(ranking__table=OuterRef("pk"))
                .order_by("rank", "unit_name")
                .values("unit_name")[:1]
            ),
            first_places=Subquery(
                RankingRow.objects.filter(ranking__table=OuterRef("pk"), rank=1)
                .values("ranking")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .first()
    )
    if table is None:
        return None
    return {
        **{name: getattr(table, name) for name in FIELDS},
        "published": table.ranking_pk is not None,  # type: ignore[attr-defined]
        "leading": table.leading,  # type: ignore[attr-defined]
        "first_places": table.first_places or 0,  # type: ignore[attr-defined]
    }


def sql_table(block_year: BlockYear) -> dict[str, Any] | None:
    table = _table(BlockYear.objects.get(pk=block_year.pk))  # a fresh year: nothing cached
    if table is None:
        return None
    return {
        **{name: getattr(table, name) for name in FIELDS},
        "published": table.published,
        "leading": table.leading,
        "first_places": table.first_places or 0,
    }


def sheets_in_every_status(world: World) -> None:
    table = open_assessment(world)
    sheets = list(table.sheets.order_by("pk"))
    for sheet, status in zip(sheets, (S.SUBMITTED, S.RETURNED, S.FINAL), strict=False):
        ScoreSheet.objects.filter(pk=sheet.pk).update(status=status)


SETUPS: dict[str, Callable[[World], Any]] = {
    "no table": lambda world: None,
    "a table being prepared": lambda world: make_criteria_table(world),
    "sheets in several statuses": sheets_in_every_status,
    "a published ranking": make_published_ranking,
    "a tie for first place": make_first_place_tie,
}


@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_the_statement_reads_what_the_queryset_read(world: World, setup: str) -> None:
    SETUPS[setup](world)
    expected = queryset_table(world.block_year)
    assert sql_table(world.block_year) == expected
    if setup == "a tie for first place":
        assert expected is not None and expected["first_places"] > 1
    if setup == "a published ranking":
        assert expected is not None and expected["published"] and expected["leading"]
    if setup == "sheets in several statuses":
        assert expected is not None and 0 < expected["final_count"] < expected["submitted_count"]
