"""An authority's emulation years side by side: how many blocks and units took part, how far the
cycle went (covenants signed, scoring sheets final, rankings published), what was proposed and
what was awarded, award by award; on a page with a chart and as an Excel workbook.

One grouped query per measure, each grouped by year, so the page costs the same whatever the
number of years, blocks or units.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from awards.models import AwardType, Nomination
from awards.statistics import BOLD, Counts, bar_chart
from blocks.models import Authority, BlockYear, Membership
from covenants.models import Document, Signature
from emulation.exports import append_row
from scoring.models import Ranking, ScoreSheet

# The measures of a year, in the order of the table's columns and the workbook's.
MEASURES = [
    "blocks",
    "members",
    "signed",
    "sheets_final",
    "rankings",
    "sent",
    "awarded",
]


@dataclass
class YearRow:
    year: int
    blocks: int = 0
    members: int = 0
    signed: int = 0
    sheets_final: int = 0
    rankings: int = 0
    sent: int = 0
    awarded: int = 0
    by_award: dict[int, int] = field(default_factory=dict)

    @property
    def signed_share(self) -> float | None:
        """The share of member units whose leaders signed the year's covenant."""
        return self.signed / self.members if self.members else None

    def as_row(self) -> dict[str, Any]:
        return {
            "year": self.year,
            **{name: getattr(self, name) for name in MEASURES},
            "signed_share": self.signed_share,
        }


@dataclass
class Trends:
    authority: Authority
    years: list[YearRow]
    award_types: list[AwardType]

    def award_rows(self) -> list[dict[str, Any]]:
        """One row per award type: how many were awarded each year (0 where none)."""
        return [
            {
                "award": award.name,
                "counts": [row.by_award.get(award.pk, 0) for row in self.years],
            }
            for award in self.award_types
        ]


def _per_year(queryset: Any, year: str, **counts: Any) -> dict[int, dict[str, int]]:
    return {
        row[year]: row
        for row in queryset.order_by().values(year).annotate(**counts).values(year, *counts)
    }


def trends(authority: Authority) -> Trends:
    """Seven grouped queries: block years, members, covenant signatures, final sheets, published
    rankings, nominations, and awards by type."""
    of = Q(block__authority=authority)
    blocks = _per_year(BlockYear.objects.filter(of), "year", n=Count("pk"))
    members = _per_year(
        Membership.objects.filter(block_year__block__authority=authority),
        "block_year__year",
        n=Count("unit", distinct=True),
    )
    signed = _per_year(
        Signature.objects.filter(
            version__document__block_year__block__authority=authority,
            version__document__kind=Document.Kind.COVENANT,
        ),
        "version__document__block_year__year",
        n=Count("unit", distinct=True),
    )
    sheets = _per_year(
        ScoreSheet.objects.filter(
            table__block_year__block__authority=authority, status=ScoreSheet.Status.FINAL
        ),
        "table__block_year__year",
        n=Count("pk"),
    )
    rankings = _per_year(
        Ranking.objects.filter(table__block_year__block__authority=authority),
        "table__block_year__year",
        n=Count("pk"),
    )
    nominations = Nomination.objects.filter(block_year__block__authority=authority).exclude(
        status=Nomination.Status.DRAFT
    )
    sent = _per_year(
        nominations,
        "block_year__year",
        sent=Count("pk"),
        awarded=Count("pk", filter=Q(status=Nomination.Status.AWARDED)),
    )
    by_award: dict[int, dict[int, int]] = {}
    for year, award, count in (
        nominations.filter(status=Nomination.Status.AWARDED)
        .order_by()
        .values("block_year__year", "award_type")
        .annotate(n=Count("pk"))
        .values_list("block_year__year", "award_type", "n")
    ):
        by_award.setdefault(year, {})[award] = count
    years = sorted({*blocks, *sent})
    rows = [
        YearRow(
            year=year,
            blocks=blocks.get(year, {}).get("n", 0),
            members=members.get(year, {}).get("n", 0),
            signed=signed.get(year, {}).get("n", 0),
            sheets_final=sheets.get(year, {}).get("n", 0),
            rankings=rankings.get(year, {}).get("n", 0),
            sent=sent.get(year, {}).get("sent", 0),
            awarded=sent.get(year, {}).get("awarded", 0),
            by_award=by_award.get(year, {}),
        )
        for year in years
    ]
    awarded_types = {award for counts in by_award.values() for award in counts}
    award_types = list(AwardType.objects.filter(pk__in=awarded_types).order_by("position", "pk"))
    return Trends(authority, rows, award_types)


def chart(trend: Trends) -> dict[str, Any]:
    """Nominations sent and awarded, a pair of bars per year (the statistics page's chart)."""
    return bar_chart(
        [Counts(label=str(row.year), sent=row.sent, awarded=row.awarded) for row in trend.years]
    )


def workbook(trend: Trends) -> bytes:
    """Sheets "By year" (every measure) and "Awards by year" (award types by years)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("By year")[:31]
    sheet.append(
        [
            _("Year"),
            _("Blocks"),
            _("Member units"),
            _("Units that signed the covenant"),
            _("Scoring sheets final"),
            _("Rankings published"),
            _("Nominations sent"),
            _("Awarded"),
        ]
    )
    for row in trend.years:
        sheet.append([row.year, *(getattr(row, name) for name in MEASURES)])
    for cell in sheet[1]:
        cell.font = BOLD
    for letter in "ABCDEFGH":
        sheet.column_dimensions[letter].width = 18
    sheet.freeze_panes = "B2"
    awards = book.create_sheet(_("Awards by year")[:31])
    awards.append([_("Award"), *(row.year for row in trend.years)])
    for award_row in trend.award_rows():
        # Award names are the council's own data: written as text, never as a formula.
        append_row(awards, [award_row["award"], *award_row["counts"]])
    for cell in awards[1]:
        cell.font = BOLD
    awards.column_dimensions["A"].width = 55
    awards.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
