"""The council's statistics for an authority and an emulation year: nominations by award and by
block, counted by where they stand, the approval rate, charts and an Excel workbook.

Everything is counted in SQL, in one grouped query (award type, block, status) written by hand
and summed here by award and by block; the charts' coordinates are computed here and their SVG
written in Python (`awards.charts`; strict CSP: presentation attributes, never `style`).
"""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from awards import charts
from awards.models import AwardType, Nomination
from blocks.models import Authority, Block, BlockYear

N = Nomination.Status
IN_REVIEW = (N.SUBMITTED, N.RECEIVED, N.APPRAISED, N.SCHEDULED)
# Where a nomination stands, by its status (a draft is the block's own and never counted).
GROUPS: dict[str, tuple[str, ...]] = {
    "in_review": IN_REVIEW,
    "returned": (N.RETURNED,),
    "approved": (N.APPROVED,),
    "rejected": (N.REJECTED,),
    "awarded": (N.AWARDED,),
}
STATUS_GROUP: dict[str, str] = {
    status: name for name, statuses in GROUPS.items() for status in statuses
}


@dataclass
class Counts:
    """The nominations of one award type, one block, or all of them, by where they stand.

    `sent` counts every nomination the block sent (returned ones included); `approved` those the
    council approved that no decision has awarded yet."""

    key: int | None = None
    label: str = ""
    sent: int = 0
    in_review: int = 0
    returned: int = 0
    approved: int = 0
    rejected: int = 0
    awarded: int = 0

    @property
    def decided(self) -> int:
        return self.approved + self.awarded + self.rejected

    @property
    def approval_rate(self) -> float | None:
        """The share of the decided nominations the council approved (awarded ones included)."""
        if not self.decided:
            return None
        return (self.approved + self.awarded) / self.decided

    def add(self, other: Counts) -> None:
        for name in ("sent", *GROUPS):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_row(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "sent": self.sent,
            **{name: getattr(self, name) for name in GROUPS},
            "decided": self.decided,
            "approval_rate": self.approval_rate,
        }


@dataclass
class YearStatistics:
    authority: Authority
    year: int
    by_award: list[Counts] = field(default_factory=list)
    by_block: list[Counts] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)


def nominations_of(authority: Authority, year: int) -> QuerySet[Nomination]:
    """The nominations the authority's blocks sent for the year (drafts are the block's own)."""
    return Nomination.objects.filter(
        block_year__block__authority=authority, block_year__year=year
    ).exclude(status=N.DRAFT)


def _count(counts: Counts, status: str, n: int) -> None:
    counts.sent += n
    group = STATUS_GROUP.get(status)
    if group is not None:
        setattr(counts, group, getattr(counts, group) + n)


class _Sql(NamedTuple):
    counts: str  # (award type, names, position, block, name, status, count); authority, year, draft
    years: str  # the same shape, the year in the count's place; authority, draft


@functools.cache
def _sql() -> _Sql:
    """The statistics' queries, written once per process from the tables' names: built with the
    ORM (a grouped values query over three joins, and a distinct one) they cost more Python than
    the database takes to answer them."""
    sent = (
        f"FROM {Nomination._meta.db_table} n"
        f" INNER JOIN {BlockYear._meta.db_table} y ON y.id = n.block_year_id"
        f" INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id"
    )
    groups = "n.award_type_id, a.name_vi, a.name_en, a.position, y.block_id, b.name, n.status"
    return _Sql(
        counts=(
            f"SELECT {groups}, COUNT(*) {sent}"
            f" INNER JOIN {AwardType._meta.db_table} a ON a.id = n.award_type_id"
            f" WHERE b.authority_id = %s AND y.year = %s AND n.status <> %s GROUP BY {groups}"
        ),
        years=(
            "SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, y.year"
            f" {sent} WHERE b.authority_id = %s AND n.status <> %s GROUP BY y.year"
        ),
    )


def _summed(authority: Authority, year: int, rows: list[tuple[Any, ...]]) -> YearStatistics:
    """The counts per (award type, block, status), summed by award and by block."""
    awards: dict[int, tuple[int, Counts]] = {}
    blocks: dict[int, Counts] = {}
    for award, name_vi, name_en, position, block, block_name, status, n in rows:
        if award not in awards:
            awards[award] = (position, Counts(award, AwardType.localized(name_vi, name_en)))
        if block not in blocks:
            blocks[block] = Counts(block, block_name)
        _count(awards[award][1], status, n)
        _count(blocks[block], status, n)
    stats = YearStatistics(authority, year)
    stats.by_award = [
        counts for _position, counts in sorted(awards.values(), key=lambda a: (a[0], a[1].key))
    ]
    stats.by_block = sorted(blocks.values(), key=lambda c: (c.label, c.key))
    stats.total = Counts(label=_("All nominations"))
    for counts in stats.by_award:
        stats.total.add(counts)
    return stats


def year_statistics(authority: Authority, year: int) -> YearStatistics:
    """One grouped query (award type, block, status), summed here by award and by block: a
    plain COUNT per group is cheaper to build and run than a filtered count per column, twice.
    The nominations are those of `nominations_of`."""
    with connection.cursor() as cursor:
        cursor.execute(_sql().counts, [authority.pk, year, N.DRAFT])
        return _summed(authority, year, cursor.fetchall())


def years_of(authority: Authority) -> list[int]:
    """The years in which the authority's blocks sent nominations, latest first."""
    with connection.cursor() as cursor:
        cursor.execute(_sql().years, [authority.pk, N.DRAFT])
        return sorted((int(row[-1]) for row in cursor.fetchall()), reverse=True)


def statistics_and_years(authority: Authority, year: int) -> tuple[YearStatistics, list[int]]:
    """`year_statistics` and `years_of`, in one round trip (the page shows both): the years'
    rows are told apart by their empty award type, which a nomination always has."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql.counts} UNION ALL {sql.years}",
            [authority.pk, year, N.DRAFT, authority.pk, N.DRAFT],
        )
        rows = cursor.fetchall()
    counts = [row for row in rows if row[0] is not None]
    years = sorted((int(row[-1]) for row in rows if row[0] is None), reverse=True)
    return _summed(authority, year, counts), years


def nomination_rows(authority: Authority, year: int) -> list[dict[str, Any]]:
    """Every nomination sent for the year, with its block, award, status, dates and decision."""
    rows: Any = (
        nominations_of(authority, year)
        .order_by("block_year__block__name", "award_type__position", "unit_name", "pk")
        .values(
            "pk",
            "block_year__block__name",
            "unit_name",
            "award_type__name_vi",
            "award_type__name_en",
            "status",
            "submitted_at",
            "received_at",
            "appraised_at",
            "returned_at",
            "awardee__decision__number",
            "awardee__decision__signed_on",
        )
    )
    return list(rows)


# Charts ---------------------------------------------------------------------------------------

LABEL_WIDTH = 260
PLOT_WIDTH = 380
BAR = 12
GROUP = 2 * BAR + 14
SERIES = [
    {"name": "sent", "fill": "#2f6fb0"},
    {"name": "awarded", "fill": "#1e7b34"},
]


def _label(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _step(top: int) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most six steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if top / (magnitude * factor) <= 6:
                return magnitude * factor
        magnitude *= 10


def bar_chart(rows: list[Counts], *, chart_id: str, title: str) -> dict[str, Any]:
    """Horizontal bars, two per row: nominations sent and awarded; `svg` is the chart's markup
    (its `<title>` is `title`, its ids start with `chart_id`)."""
    top = max([1, *(row.sent for row in rows)])
    step = _step(top)
    top = ((top + step - 1) // step) * step
    groups = []
    for i, row in enumerate(rows):
        y = i * GROUP
        bars = []
        for j, series in enumerate(SERIES):
            value = getattr(row, series["name"])
            width = round(value / top * PLOT_WIDTH, 1)
            bars.append(
                {
                    "y": y + 4 + j * BAR,
                    "width": width,
                    "fill": series["fill"],
                    "value": value,
                    "value_x": LABEL_WIDTH + width + 4,
                    "value_y": y + 4 + j * BAR + BAR - 2,
                }
            )
        groups.append(
            {
                "label": _label(row.label),
                "title": _("%(label)s: %(sent)d sent, %(awarded)d awarded")
                % {"label": row.label, "sent": row.sent, "awarded": row.awarded},
                "text_y": y + 4 + BAR + 4,
                "bars": bars,
            }
        )
    plot_height = max(len(rows), 1) * GROUP
    ticks = [
        {"x": LABEL_WIDTH + round(value / top * PLOT_WIDTH, 1), "label": value}
        for value in range(0, top + 1, step)
    ]
    chart: dict[str, Any] = {
        "width": LABEL_WIDTH + PLOT_WIDTH + 40,
        "height": plot_height + 20,
        "plot_height": plot_height,
        "tick_y": plot_height + 14,
        "label_width": LABEL_WIDTH,
        "groups": groups,
        "ticks": ticks,
        "legend": [
            {"label": _("Nominations sent"), "fill": SERIES[0]["fill"]},
            {"label": _("Awarded"), "fill": SERIES[1]["fill"]},
        ],
    }
    chart["svg"] = charts.statistics_svg(chart, chart_id=chart_id, title=title)
    return chart


def percent(rate: float | None) -> str:
    return "—" if rate is None else number_format(rate * 100, 1) + " %"


# Excel ----------------------------------------------------------------------------------------

BOLD = Font(bold=True)


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value if isinstance(value, datetime.date) else None


def _sheet_of_counts(workbook: Workbook, title: str, heading: str, rows: list[Counts]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(
        [
            heading,
            _("Sent"),
            _("Under review"),
            _("Returned"),
            _("Approved"),
            _("Not approved"),
            _("Awarded"),
            _("Decided"),
            _("Approval rate"),
        ]
    )
    for row in rows:
        values = row.as_row()
        sheet.append(
            [
                values["label"],
                values["sent"],
                values["in_review"],
                values["returned"],
                values["approved"],
                values["rejected"],
                values["awarded"],
                values["decided"],
                values["approval_rate"],
            ]
        )
        sheet.cell(row=sheet.max_row, column=9).number_format = "0.0%"
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 55
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 14
    sheet.freeze_panes = "B2"


def workbook(stats: YearStatistics, rows: list[dict[str, Any]]) -> bytes:
    """Sheets "By award", "By block" (with a total row) and "Nominations" (one row each)."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    total = Counts(**{**stats.total.__dict__, "label": _("Total")})
    _sheet_of_counts(book, _("By award"), _("Award"), [*stats.by_award, total])
    _sheet_of_counts(book, _("By block"), _("Block"), [*stats.by_block, total])
    sheet = book.create_sheet(_("Nominations")[:31])
    sheet.append(
        [
            _("Block"),
            _("Unit"),
            _("Award"),
            _("Status"),
            _("Sent on"),
            _("Received on"),
            _("Appraised on"),
            _("Returned on"),
            _("Decision"),
            _("Decision dated"),
        ]
    )
    labels = dict(N.choices)
    for row in rows:
        sheet.append(
            [
                row["block_year__block__name"],
                row["unit_name"],
                AwardType.localized(row["award_type__name_vi"], row["award_type__name_en"]),
                str(labels.get(row["status"], row["status"])),
                _day(row["submitted_at"]),
                _day(row["received_at"]),
                _day(row["appraised_at"]),
                _day(row["returned_at"]),
                row["awardee__decision__number"] or "",
                _day(row["awardee__decision__signed_on"]),
            ]
        )
        for column in (5, 6, 7, 8, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD/MM/YYYY"
    for cell in sheet[1]:
        cell.font = BOLD
    for letter, width in zip("ABCDEFGHIJ", (45, 45, 40, 28, 12, 12, 12, 12, 18, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
