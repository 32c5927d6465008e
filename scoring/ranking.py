"""Totals, subtotals, classification and rank, computed in SQL.

One query gives every sheet of a table its section subtotals, bonus (capped by each bonus
section's cap), deductions (capped likewise), total, the lowest share any criterion reached of its
maximum (for the bands' floors), its classification, its rank, and whether it is tied:

- `rank` orders by total, then by the tie-break sections' subtotals (higher first);
- `tied` counts the sheets with the same total (a tie to flag);
- `unbroken` counts the sheets with the same total *and* tie-break subtotals (a tie left to a vote).

Totals are rounded to two decimals in SQL so that ties compare equal on every database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
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
    When,
    Window,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least, Rank, Round
from django.utils.translation import gettext_lazy as _

from scoring.models import Band, CriteriaTable, Criterion, RankingRow, Score, ScoreSheet

DECIMAL = DecimalField(max_digits=9, decimal_places=2)
RATIO = DecimalField(max_digits=9, decimal_places=4)
ZERO = Value(Decimal(0), output_field=DECIMAL)


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
    sheets: QuerySet[ScoreSheet],
    sections: list[Section],
    *,
    reviewed: bool = True,
    prefix: str = "",
) -> QuerySet[ScoreSheet]:
    """Annotate each sheet with its section subtotals (`section_I`, ...), `standard`, `bonus`,
    `deduction` and `total`, from final points (or the unit's own when `reviewed` is False);
    with a `prefix`, the names start with it (so that one query can read both)."""
    points = final_points("scores__") if reviewed else self_points("scores__")
    subtotals: dict[str, Any] = {}
    for section in sections:
        subtotals[prefix + section.key] = _rounded(
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
            part: Any = F(prefix + section.key)
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
        **{
            f"{prefix}standard": add(Criterion.Kind.STANDARD),
            f"{prefix}bonus": add(Criterion.Kind.BONUS),
            f"{prefix}deduction": add(Criterion.Kind.DEDUCTION),
        }
    )
    return sheets.annotate(
        **{
            f"{prefix}total": _rounded(
                ExpressionWrapper(
                    F(f"{prefix}standard") + F(f"{prefix}bonus") - F(f"{prefix}deduction"),
                    output_field=DECIMAL,
                )
            )
        }
    )


def lowest_share() -> Subquery:
    """The lowest share (0..1) of its maximum that any standard criterion of the sheet reached:
    the bands' floors compare with it. A criterion is a section's direct child (or a section
    without children); its points are the sum of its rows."""
    per_criterion = (
        Score.objects.filter(sheet=OuterRef("pk"), criterion__kind=Criterion.Kind.STANDARD)
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


def band_case(bands: list[Band]) -> Case:
    """The first band, from the highest threshold down, whose total and floor the sheet meets."""
    whens = [
        When(
            Q(total__gte=Value(band.min_total, output_field=DECIMAL))
            & Q(lowest_share__gte=Value(band.floor_percent, output_field=RATIO)),
            then=Value(band.label),
        )
        for band in sorted(bands, key=lambda b: (-b.min_total, b.position))
    ]
    return Case(*whens, default=Value(""))


def ranked(
    table: CriteriaTable, sections: list[Section], bands: list[Band]
) -> QuerySet[ScoreSheet]:
    """Every sheet of the table with totals, classification, rank and ties, best first."""
    tie_keys = [s for code in table.tie_break for s in sections if s.code == code]
    order = [F("total").desc(), *[F(s.key).desc() for s in tie_keys]]
    sheets = with_totals(ScoreSheet.objects.filter(table=table), sections)
    sheets = sheets.annotate(lowest_share=lowest_share())
    return sheets.annotate(
        band=band_case(bands),
        rank=Window(Rank(), order_by=order),
        tied=Window(Count("pk"), partition_by=[F("total")]),
        unbroken=Window(Count("pk"), partition_by=[F("total"), *[F(s.key) for s in tie_keys]]),
    ).order_by("rank", "position", "unit_name")


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


def computed_rows(table: CriteriaTable) -> tuple[list[Section], list[dict[str, Any]]]:
    """The ranking as plain rows (two queries for sections and bands, one for the ranking)."""
    sections = sections_of(table)
    bands = list(table.bands.all())
    rows = []
    for sheet in ranked(table, sections, bands):
        tie = tie_of(sheet.tied, sheet.unbroken)  # type: ignore[attr-defined]
        rows.append(
            {
                "sheet_id": sheet.pk,
                "unit_id": sheet.unit_id,
                "unit_name": sheet.unit_name,
                "status": sheet.status,
                "rank": sheet.rank,  # type: ignore[attr-defined]
                "sections": {s.code: getattr(sheet, s.key) for s in sections},
                "standard": sheet.standard,  # type: ignore[attr-defined]
                "bonus": sheet.bonus,  # type: ignore[attr-defined]
                "deduction": sheet.deduction,  # type: ignore[attr-defined]
                "total": sheet.total,  # type: ignore[attr-defined]
                "band": sheet.band,  # type: ignore[attr-defined]
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


def sheet_totals(
    sheet: ScoreSheet, sections: list[Section], *, final: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A sheet's section subtotals and totals from the unit's own points and, when `final`,
    from the final points too, in one query."""
    sheets = with_totals(ScoreSheet.objects.filter(pk=sheet.pk), sections, reviewed=False)
    if final:
        sheets = with_totals(sheets, sections, prefix="final_")
    row = sheets.values(*[name for name in sheets.query.annotations])[0]

    def totals(prefix: str) -> dict[str, Any]:
        return {
            "sections": [(s, row[prefix + s.key]) for s in sections],
            "standard": row[prefix + "standard"],
            "bonus": row[prefix + "bonus"],
            "deduction": row[prefix + "deduction"],
            "total": row[prefix + "total"],
        }

    return totals(""), totals("final_") if final else None
