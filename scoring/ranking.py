"""Totals, subtotals, classification and rank, computed in SQL.

One query gives every sheet of a table its section subtotals, bonus (capped by each bonus
section's cap), deductions (capped likewise), total, the lowest share any criterion reached of its
maximum (for the bands' floors) and its rank: by total, then by the tie-break sections'
subtotals (higher first).

Ties and the classification are then read off the ranked rows (`computed_rows`): a sheet is
tied when another has the same total (a tie to flag), and the tie is left to a vote when another
has the same rank, that is the same total *and* tie-break subtotals. The classification is the
first band whose total and floor the row meets (`band_of`). As SQL (a `CASE`, two more window
counts) each repeated the whole total, and the classification the lowest-share subquery once
per band: they cost more to build and run than the rest of the query.

Totals are rounded to two decimals in SQL so that ties compare equal on every database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least, Rank, Round
from django.utils.translation import gettext_lazy as _

from scoring.models import Band, CriteriaTable, Criterion, RankingRow, Score, ScoreSheet

DECIMAL = DecimalField(max_digits=9, decimal_places=2)
RATIO = DecimalField(max_digits=9, decimal_places=4)
ZERO = Value(Decimal(0), output_field=DECIMAL)
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    kind: str
    max_points: Decimal

    @property
    def key(self) -> str:
        return f"section_{self.code.replace('.', '_')}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "kind": self.kind,
            "max": str(self.max_points),
        }


def sections_of(table: CriteriaTable) -> list[Section]:
    return [
        Section(c.code, c.title_vi, c.kind, c.max_points)
        for c in Criterion.objects.filter(table=table, depth=0).order_by("position")
    ]


def final_points(prefix: str = "") -> Combinable:
    """A score's final points: the reviewer's when given, else the unit's own, else 0."""
    return Coalesce(
        F(f"{prefix}reviewed_points"), F(f"{prefix}self_points"), ZERO, output_field=DECIMAL
    )


def self_points(prefix: str = "") -> Combinable:
    return Coalesce(F(f"{prefix}self_points"), ZERO, output_field=DECIMAL)


def _rounded(expression: Any) -> Round:
    return Round(expression, 2, output_field=DECIMAL)


def with_totals(
    sheets: QuerySet[ScoreSheet], sections: list[Section], *, reviewed: bool = True
) -> QuerySet[ScoreSheet]:
    """Annotate each sheet with its section subtotals (`section_I`, ...), `standard`, `bonus`,
    `deduction` and `total`, from final points (or the unit's own when `reviewed` is False)."""
    points = final_points("scores__") if reviewed else self_points("scores__")
    subtotals: dict[str, Any] = {}
    for section in sections:
        subtotals[section.key] = _rounded(
            Coalesce(
                Sum(points, filter=Q(scores__criterion__section_code=section.code)),
                ZERO,
                output_field=DECIMAL,
            )
        )
    sheets = sheets.annotate(**subtotals)

    def add(kind: str) -> Any:
        parts = []
        for section in sections:
            if section.kind != kind:
                continue
            part: Any = F(section.key)
            if kind != Criterion.Kind.STANDARD:
                part = Least(
                    part, Value(section.max_points, output_field=DECIMAL), output_field=DECIMAL
                )
            parts.append(part)
        if not parts:
            return ZERO
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return ExpressionWrapper(total, output_field=DECIMAL)

    sheets = sheets.annotate(
        standard=add(Criterion.Kind.STANDARD),
        bonus=add(Criterion.Kind.BONUS),
        deduction=add(Criterion.Kind.DEDUCTION),
    )
    return sheets.annotate(
        total=_rounded(
            ExpressionWrapper(F("standard") + F("bonus") - F("deduction"), output_field=DECIMAL)
        )
    )


def lowest_share() -> Subquery:
    """The lowest share (0..1) of its maximum that any standard criterion of the sheet reached:
    the bands' floors compare with it. A criterion is a section's direct child (or a section
    without children); its points are the sum of its rows.

    The sheet's own table is named as well, though its scores never point elsewhere: so that
    PostgreSQL reads that table's criteria by index instead of scanning every year's criteria for
    each sheet (29 ms down to 4 for a block of 13 units at province scale)."""
    per_criterion = (
        Score.objects.filter(
            sheet=OuterRef("pk"),
            criterion__table=OuterRef("table_id"),
            criterion__kind=Criterion.Kind.STANDARD,
        )
        .values("criterion__group_code")
        .annotate(
            share=ExpressionWrapper(
                Sum(final_points())
                * Value(Decimal(100), output_field=DECIMAL)
                / Max("criterion__group_max"),
                output_field=RATIO,
            )
        )
        .order_by("share")
        .values("share")[:1]
    )
    return Subquery(per_criterion, output_field=RATIO)


def highest_first(bands: list[Band]) -> list[Band]:
    return sorted(bands, key=lambda b: (-b.min_total, b.position))


def band_of(total: Decimal, lowest_share: Decimal | None, bands: list[Band]) -> str:
    """The first of the bands (`highest_first`) whose total and floor the sheet meets; none when
    the sheet has no standard score to compare with a floor (NULL in SQL)."""
    if lowest_share is None:
        return ""
    for band in bands:
        if total >= band.min_total and lowest_share >= band.floor_percent:
            return band.label
    return ""


def ranked(table: CriteriaTable, sections: list[Section]) -> QuerySet[ScoreSheet]:
    """Every sheet of the table with totals, lowest share and rank, best first."""
    tie_keys = [s for code in table.tie_break for s in sections if s.code == code]
    order = [F("total").desc(), *[F(s.key).desc() for s in tie_keys]]
    sheets = with_totals(ScoreSheet.objects.filter(table=table), sections)
    sheets = sheets.annotate(lowest_share=lowest_share())
    return sheets.annotate(rank=Window(Rank(), order_by=order)).order_by(
        "rank", "position", "unit_name"
    )


TIE_LABELS: dict[str, Any] = {
    RankingRow.Tie.NONE: "",
    RankingRow.Tie.BROKEN: _("Tie broken by the tie-break order"),
    RankingRow.Tie.VOTE: _("Tie: to be settled by a vote"),
}


TIE_SHORT: dict[str, Any] = {
    RankingRow.Tie.NONE: "",
    RankingRow.Tie.BROKEN: _("tie broken"),
    RankingRow.Tie.VOTE: _("vote"),
}


def tie_of(tied: int, unbroken: int) -> str:
    if tied <= 1:
        return RankingRow.Tie.NONE
    return RankingRow.Tie.VOTE if unbroken > 1 else RankingRow.Tie.BROKEN


def computed_rows(
    table: CriteriaTable, bands: list[Band] | None = None
) -> tuple[list[Section], list[dict[str, Any]]]:
    """The ranking as plain rows (a query for the sections, one for the bands unless given, one
    for the ranking)."""
    sections = sections_of(table)
    bands = highest_first(list(table.bands.all()) if bands is None else bands)
    sheets: list[Any] = list(ranked(table, sections))
    same_total = Counter(sheet.total for sheet in sheets)
    same_rank = Counter(sheet.rank for sheet in sheets)
    rows = []
    for sheet in sheets:
        tie = tie_of(same_total[sheet.total], same_rank[sheet.rank])
        rows.append(
            {
                "sheet_id": sheet.pk,
                "unit_id": sheet.unit_id,
                "unit_name": sheet.unit_name,
                "status": sheet.status,
                "rank": sheet.rank,
                "sections": {s.code: getattr(sheet, s.key) for s in sections},
                "standard": sheet.standard,
                "bonus": sheet.bonus,
                "deduction": sheet.deduction,
                "total": sheet.total,
                "band": band_of(sheet.total, sheet.lowest_share, bands),
                "tie": tie,
                "tie_label": TIE_LABELS[tie],
            }
        )
    return sections, rows


def frozen_rows(rows: QuerySet[RankingRow]) -> list[dict[str, Any]]:
    return [
        {
            "sheet_id": None,
            "unit_id": row.unit_id,
            "unit_name": row.unit_name,
            "status": "",
            "rank": row.rank,
            "sections": {code: Decimal(value) for code, value in row.sections.items()},
            "standard": row.standard,
            "bonus": row.bonus,
            "deduction": row.deduction,
            "total": row.total,
            "band": row.band,
            "tie": row.tie,
            "tie_label": TIE_LABELS.get(row.tie, ""),
        }
        for row in rows
    ]


def sheet_totals(sheet: ScoreSheet, sections: list[Section], *, reviewed: bool) -> dict[str, Any]:
    """A sheet's section subtotals and totals (the unit's own, or final), in one query."""
    keys = [s.key for s in sections] + ["standard", "bonus", "deduction", "total"]
    row = with_totals(ScoreSheet.objects.filter(pk=sheet.pk), sections, reviewed=reviewed).values(
        *keys
    )[0]
    return {
        "sections": [(s, row[s.key]) for s in sections],
        "standard": row["standard"],
        "bonus": row["bonus"],
        "deduction": row["deduction"],
        "total": row["total"],
    }
