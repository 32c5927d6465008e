"""The council's statistics for an authority and an emulation year: nominations by award and by
block, counted by where they stand, the approval rate, charts and an Excel workbook.

Everything is counted in SQL, one grouped query per table (by award, by block); the charts'
coordinates are computed here and the templates only draw them (strict CSP: SVG presentation
attributes, never `style`).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from awards.models import AwardType, Nomination
from blocks.models import Authority
from emulation.exports import append_row

IN_REVIEW = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.RECEIVED,
    Nomination.Status.APPRAISED,
    Nomination.Status.SCHEDULED,
)
GROUPS: dict[str, Q] = {
    "in_review": Q(status__in=IN_REVIEW),
    "returned": Q(status=Nomination.Status.RETURNED),
    "approved": Q(status=Nomination.Status.APPROVED),
    "rejected": Q(status=Nomination.Status.REJECTED),
    "awarded": Q(status=Nomination.Status.AWARDED),
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
    ).exclude(status=Nomination.Status.DRAFT)


def _grouped(queryset: QuerySet[Nomination], *keys: str) -> list[dict[str, Any]]:
    return list(
        queryset.order_by()
        .values(*keys)
        .annotate(
            sent=Count("pk"),
            **{name: Count("pk", filter=condition) for name, condition in GROUPS.items()},
        )
    )


def _counts(row: dict[str, Any], key: int, label: str) -> Counts:
    return Counts(key, label, row["sent"], *(row[name] for name in GROUPS))


def year_statistics(authority: Authority, year: int) -> YearStatistics:
    """Two grouped queries: by award type, and by block."""
    nominations = nominations_of(authority, year)
    awards = _grouped(
        nominations,
        "award_type",
        "award_type__name_vi",
        "award_type__name_en",
        "award_type__position",
    )
    awards.sort(key=lambda r: (r["award_type__position"], r["award_type"]))
    blocks = _grouped(nominations, "block_year__block", "block_year__block__name")
    blocks.sort(key=lambda r: (r["block_year__block__name"], r["block_year__block"]))
    stats = YearStatistics(authority, year)
    stats.by_award = [
        _counts(
            row,
            row["award_type"],
            AwardType.localized(row["award_type__name_vi"], row["award_type__name_en"]),
        )
        for row in awards
    ]
    stats.by_block = [
        _counts(row, row["block_year__block"], row["block_year__block__name"]) for row in blocks
    ]
    stats.total = Counts(label=_("All nominations"))
    for counts in stats.by_award:
        stats.total.add(counts)
    return stats


def years_of(authority: Authority) -> list[int]:
    """The years in which the authority's blocks sent nominations, latest first."""
    return list(
        Nomination.objects.filter(block_year__block__authority=authority)
        .exclude(status=Nomination.Status.DRAFT)
        .order_by("-block_year__year")
        .values_list("block_year__year", flat=True)
        .distinct()
    )


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

# Drawn at its own size (scaled-down text would be unreadable on a phone): each label above its
# bars, narrow enough for a 390 px screen.
PAD = 8
PLOT_WIDTH = 256
LABEL = 16
BAR = 13
GROUP = LABEL + 2 * BAR + 10
SERIES = [
    {"name": "sent", "fill": "#2f6fb0"},
    {"name": "awarded", "fill": "#1e7b34"},
]


def _label(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _step(top: int) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most six steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if top / (magnitude * factor) <= 6:
                return magnitude * factor
        magnitude *= 10


def bar_chart(rows: list[Counts]) -> dict[str, Any]:
    """Horizontal bars, two per row: nominations sent and awarded."""
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
                    "y": y + LABEL + j * BAR,
                    "width": width,
                    "fill": series["fill"],
                    "value": value,
                    "value_x": PAD + width + 4,
                    "value_y": y + LABEL + j * BAR + BAR - 2,
                }
            )
        groups.append(
            {
                "label": _label(row.label),
                "title": _("%(label)s: %(sent)d sent, %(awarded)d awarded")
                % {"label": row.label, "sent": row.sent, "awarded": row.awarded},
                "text_y": y + 12,
                "bars": bars,
            }
        )
    plot_height = max(len(rows), 1) * GROUP
    ticks = [
        {"x": PAD + round(value / top * PLOT_WIDTH, 1), "label": value}
        for value in range(0, top + 1, step)
    ]
    return {
        "width": PAD + PLOT_WIDTH + 48,
        "height": plot_height + 20,
        "plot_height": plot_height,
        "tick_y": plot_height + 14,
        "pad": PAD,
        "groups": groups,
        "ticks": ticks,
        "legend": [
            {"label": _("Nominations sent"), "fill": SERIES[0]["fill"]},
            {"label": _("Awarded"), "fill": SERIES[1]["fill"]},
        ],
    }


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
        append_row(
            sheet,
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
            ],
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
    labels = dict(Nomination.Status.choices)
    for row in rows:
        append_row(
            sheet,
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
            ],
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
