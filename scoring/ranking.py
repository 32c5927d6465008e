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
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least, Round
from django.utils.translation import gettext_lazy as _

from scoring.models import Band, CriteriaTable, Criterion, RankingRow, Score, ScoreSheet

DECIMAL = DecimalField(max_digits=9, decimal_places=2)
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
        Section(*row)
        for row in Criterion.objects.filter(table=table, depth=0)
        .order_by("position")
        .values_list("code", "title_vi", "kind", "max_points")
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


# The ranking as SQL written here (raw SQL because the ORM cannot name a computed column for the
# later steps of the same query, as a WITH clause does): the same arithmetic as `with_totals`, but
# where the ORM repeated each subtotal inside every sum and window that used it (11 kB of SQL,
# 7 ms to build and 5 ms to run at country scale), each is computed once and referred to by name.
# Written for PostgreSQL and SQLite alike: numbers passed in are cast as NUMERIC (as Django does
# for SQLite) and the cap is LEAST, or MIN on SQLite.

POINTS_SQL = "COALESCE(score.reviewed_points, score.self_points, 0)"


def _subtotals_sql(sections: list[Section]) -> tuple[list[str], list[Any]]:
    """Each section's rounded subtotal of final points, named `s0`, `s1`, ..."""
    columns = [
        f"ROUND(COALESCE(SUM({POINTS_SQL}) FILTER (WHERE criterion.section_code = %s), 0), 2)"
        f" AS s{i}"
        for i in range(len(sections))
    ]
    return columns, [s.code for s in sections]


def _sums_sql(sections: list[Section]) -> tuple[list[str], list[Any]]:
    """`standard`, `bonus` and `deduction` from the subtotals named `s0`, ...: bonus and
    deduction sections each count up to their cap."""
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    columns, params = [], []
    for kind in (Criterion.Kind.STANDARD, Criterion.Kind.BONUS, Criterion.Kind.DEDUCTION):
        parts = []
        for i, section in enumerate(sections):
            if section.kind != kind:
                continue
            if kind == Criterion.Kind.STANDARD:
                parts.append(f"s{i}")
            else:
                parts.append(f"{least}(s{i}, CAST(%s AS NUMERIC))")
                params.append(section.max_points)
        columns.append(f"{' + '.join(parts) or '0'} AS {kind}")
    return columns, params


def _decimal(value: Any) -> Decimal | None:
    """A number as the ORM reads it: PostgreSQL gives a Decimal, SQLite a float or an integer
    (made a Decimal as Django's SQLite backend does)."""
    if value is None or isinstance(value, Decimal):
        return value
    return _FLOATS.create_decimal_from_float(value)


_FLOATS = DecimalContext(prec=15)


def ranking_sql(table: CriteriaTable, sections: list[Section]) -> tuple[str, list[Any]]:
    """Every sheet of the table with its subtotals (`s0`, ...), sums, total, rank and lowest
    share, best first: by total, then by the tie-break sections' subtotals (higher first).

    The lowest share is the lowest percentage of its maximum that any standard criterion of the
    sheet reached: the bands' floors compare with it. A criterion is a section's direct child (or
    a section without children); its points are the sum of its rows. It is NULL for a sheet
    without standard scores. Every sheet's shares are grouped at once, from the table's standard
    criteria and their scores (which are the table's sheets' only), where a subquery per sheet
    took half the query's time.

    The subtotals join the criteria for this table only, though a sheet's scores never point
    elsewhere: so that PostgreSQL reads that table's criteria by index instead of scanning every
    year's."""
    subtotals, subtotal_params = _subtotals_sql(sections)
    sums, sum_params = _sums_sql(sections)
    keys = [f"s{i}" for i in range(len(sections))]
    order = ["total DESC"] + [
        f"s{i} DESC" for code in table.tie_break for i, s in enumerate(sections) if s.code == code
    ]
    sheet_columns = "sheet.id, sheet.unit_id, sheet.unit_name, sheet.position, sheet.status"
    sql = f"""
WITH subtotals AS (
    SELECT {", ".join([sheet_columns, *subtotals])}
    FROM scoring_scoresheet sheet
    LEFT JOIN scoring_score score ON score.sheet_id = sheet.id
    LEFT JOIN scoring_criterion criterion
        ON criterion.id = score.criterion_id AND criterion.table_id = %s
    WHERE sheet.table_id = %s
    GROUP BY {sheet_columns}
), sums AS (
    SELECT {", ".join(["subtotals.*", *sums])} FROM subtotals
), totals AS (
    SELECT sums.*, ROUND(standard + bonus - deduction, 2) AS total FROM sums
), shares AS (
    SELECT score.sheet_id, SUM({POINTS_SQL}) * 100 / MAX(criterion.group_max) AS share
    FROM scoring_criterion criterion
    INNER JOIN scoring_score score ON score.criterion_id = criterion.id
    WHERE criterion.table_id = %s AND criterion.kind = %s
    GROUP BY score.sheet_id, criterion.group_code
), lowest AS (
    SELECT sheet_id, MIN(share) AS lowest_share FROM shares GROUP BY sheet_id
)
SELECT {", ".join(["id", "unit_id", "unit_name", "status", *keys])},
    standard, bonus, deduction, total,
    RANK() OVER (ORDER BY {", ".join(order)}) AS rank,
    lowest.lowest_share
FROM totals
LEFT JOIN lowest ON lowest.sheet_id = totals.id
ORDER BY rank, position, unit_name"""
    params = [
        *subtotal_params,
        table.pk,
        table.pk,
        *sum_params,
        table.pk,
        Criterion.Kind.STANDARD.value,
    ]
    return sql, params


def ranked(table: CriteriaTable, sections: list[Section]) -> list[dict[str, Any]]:
    """Every sheet of the table with totals, lowest share and rank, best first (one query)."""
    sql, params = ranking_sql(table, sections)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    count = len(sections)
    rows = []
    for sheet_id, unit_id, unit_name, status, *numbers in found:
        subtotals = [_decimal(n) for n in numbers[:count]]
        standard, bonus, deduction, total, rank, share = numbers[count:]
        rows.append(
            {
                "sheet_id": sheet_id,
                "unit_id": unit_id,
                "unit_name": unit_name,
                "status": status,
                "rank": rank,
                "sections": {s.code: value for s, value in zip(sections, subtotals, strict=True)},
                "standard": _decimal(standard),
                "bonus": _decimal(bonus),
                "deduction": _decimal(deduction),
                "total": _decimal(total),
                "lowest_share": _decimal(share),
            }
        )
    return rows


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
    """The ranking as plain rows (a query each for the sections, the bands and the ranking)."""
    sections = sections_of(table)
    bands = highest_first(list(table.bands.all()))
    rows = ranked(table, sections)
    same_total = Counter(row["total"] for row in rows)
    same_rank = Counter(row["rank"] for row in rows)
    for row in rows:
        tie = tie_of(same_total[row["total"]], same_rank[row["rank"]])
        row["band"] = band_of(row["total"], row.pop("lowest_share"), bands)
        row["tie"] = tie
        row["tie_label"] = TIE_LABELS[tie]
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
    """A sheet's section subtotals from the unit's own points and, when `final`, from the final
    points too, summed and rounded in SQL (one query, grouped by section); with the standard
    points, bonus and deductions (each bonus or deduction section up to its cap) and total added
    up from them as the ranking adds them (a test holds the two equal)."""
    kinds = {"own": self_points(), **({"final": final_points()} if final else {})}
    by_section: dict[str, dict[str, Any]] = {
        row["criterion__section_code"]: dict(row)
        for row in Score.objects.filter(sheet=sheet)
        .values("criterion__section_code")
        .annotate(**{kind: _rounded(Sum(points)) for kind, points in kinds.items()})
        .order_by()
    }

    def totals(kind: str) -> dict[str, Any]:
        values = [(s, by_section.get(s.code, {}).get(kind) or Decimal(0)) for s in sections]
        standard = sum((v for s, v in values if s.kind == Criterion.Kind.STANDARD), Decimal(0))
        bonus = sum(
            (min(v, s.max_points) for s, v in values if s.kind == Criterion.Kind.BONUS), Decimal(0)
        )
        deduction = sum(
            (min(v, s.max_points) for s, v in values if s.kind == Criterion.Kind.DEDUCTION),
            Decimal(0),
        )
        return {
            "sections": values,
            "standard": standard,
            "bonus": bonus,
            "deduction": deduction,
            "total": standard + bonus - deduction,
        }

    return totals("own"), totals("final") if final else None
