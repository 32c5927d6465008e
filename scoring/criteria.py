"""The criteria table as plain rows: checking a whole table, and writing it as readable text.

Every way a table is changed (import, copy, editing one row, settings) builds the complete list of
rows, checks it here, and only then writes it: a table is never saved half-valid.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_ROWS = 500
MAX_BANDS = 20
MAX_POINTS = Decimal("100000")
CODE = re.compile(r"^[A-Za-z0-9]{1,6}(\.[A-Za-z0-9]{1,6}){0,4}$")
KINDS = ("standard", "bonus", "deduction")
KIND_ALIASES = {
    "standard": "standard",
    "chuẩn": "standard",
    "tiêu chuẩn": "standard",
    "bonus": "bonus",
    "thưởng": "bonus",
    "điểm thưởng": "bonus",
    "deduction": "deduction",
    "trừ": "deduction",
    "điểm trừ": "deduction",
}
YES = {"yes", "y", "có", "co", "x", "true", "1"}
NO = {"no", "n", "không", "khong", "false", "0", ""}


@dataclass(frozen=True)
class Row:
    """One criterion as written in a file or a form; `line` is its row number in the file."""

    code: str
    title_vi: str
    max_points: Decimal
    kind: str
    title_en: str = ""
    evidence_required: bool = False
    guidance: str = ""
    line: int | None = None

    @property
    def parent_code(self) -> str:
        return self.code.rpartition(".")[0]

    @property
    def depth(self) -> int:
        return self.code.count(".")


@dataclass(frozen=True)
class BandRow:
    label: str
    min_total: Decimal
    floor_percent: Decimal
    line: int | None = None


@dataclass
class Problem:
    """What is wrong, and where: a row number of the file (None for the table as a whole)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Row %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class TableData:
    """A whole table: its rows, scale, bands and tie-break order."""

    rows: list[Row]
    scale: Decimal = Decimal(100)
    bands: list[BandRow] = field(default_factory=list)
    tie_break: list[str] = field(default_factory=list)
    # Whether a file gave them (a CSV gives neither): when not, the table keeps what it has.
    has_bands: bool = True
    has_tie_break: bool = True


# Reading values ------------------------------------------------------------------------------


def parse_points(value: Any) -> Decimal:
    """A number of points from a cell or a form: 8, 8.5, "8,5" or "8.5"; at most two decimals.

    Raises ValueError with a message a person can act on."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-\d{1,6}([.,]\d+)?", text):
            raise ValueError(_("Points cannot be negative."))
        if not re.fullmatch(r"\d{1,6}([.,]\d+)?", text):
            raise ValueError(
                _("“%(value)s” is not a number of points; write for example 8 or 8,5.")
                % {"value": str(value)[:40]}
            )
        number = Decimal(text.replace(",", "."))
    try:
        if not number.is_finite() or number < 0:
            raise ValueError(_("Points cannot be negative."))
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(_("Use at most two decimals."))
    except InvalidOperation as exc:
        raise ValueError(_("The number is too large.")) from exc
    if number > MAX_POINTS:
        raise ValueError(_("The number is too large."))
    return number.quantize(Decimal("0.01"))


def parse_kind(value: Any) -> str:
    kind = KIND_ALIASES.get(str(value or "").strip().casefold())
    if kind is None:
        raise ValueError(
            _("The kind “%(value)s” is unknown; write standard, bonus or deduction.")
            % {"value": str(value)[:40]}
        )
    return kind


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": str(value)[:40]})


def parse_tie_break(text: str) -> list[str]:
    return [code.strip() for code in re.split(r"[,;\s]+", text or "") if code.strip()]


def format_points(value: Decimal) -> str:
    """Points as the sample files write them: 50, 8.5, 2.25 (no trailing zeros)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def points_value(value: Decimal) -> int | Decimal:
    """Points as a spreadsheet number: whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else value.normalize()


# Checking a table ----------------------------------------------------------------------------


def check_table(data: TableData) -> list[Problem]:
    """Every problem of the table at once, row by row, then the table as a whole."""
    problems: list[Problem] = []
    rows = data.rows
    if not rows:
        return [Problem(None, _("The table has no criteria."))]
    if len(rows) > MAX_ROWS:
        return [Problem(None, _("A table has at most %(max)d rows.") % {"max": MAX_ROWS})]
    by_code: dict[str, Row] = {}
    children: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        problems += _check_row(row, by_code)
        if row.code in by_code:
            continue
        by_code[row.code] = row
        if row.parent_code in by_code:
            children[row.parent_code].append(row)
    for code, kids in children.items():
        problems += _check_children(by_code[code], kids)
    problems += _check_sections(data, by_code)
    problems += _check_bands(data)
    problems += _check_tie_break(data, by_code)
    return problems


def _check_row(row: Row, seen: dict[str, Row]) -> list[Problem]:
    problems = []

    def add(message: str) -> None:
        problems.append(Problem(row.line, message))

    if not CODE.fullmatch(row.code):
        add(
            _(
                "The code “%(code)s” is not valid: write parts of letters or digits separated by"
                " dots, such as I, I.1 or I.1.a."
            )
            % {"code": row.code[:30]}
        )
        return problems
    if row.code in seen:
        add(_("The code %(code)s appears twice.") % {"code": row.code})
        return problems
    parent = seen.get(row.parent_code) if row.parent_code else None
    if row.parent_code and parent is None:
        add(
            _("%(code)s has no parent row %(parent)s above it.")
            % {"code": row.code, "parent": row.parent_code}
        )
    if parent is not None and parent.kind != row.kind:
        add(
            _("%(code)s is a %(kind)s row under %(parent)s, which is %(parent_kind)s.")
            % {
                "code": row.code,
                "kind": _kind_label(row.kind),
                "parent": parent.code,
                "parent_kind": _kind_label(parent.kind),
            }
        )
    if not row.title_vi.strip():
        add(_("%(code)s has no Vietnamese title.") % {"code": row.code})
    if len(row.title_vi) > 500 or len(row.title_en) > 500:
        add(_("The title of %(code)s is longer than 500 characters.") % {"code": row.code})
    if len(row.guidance) > 5000:
        add(_("The guidance of %(code)s is longer than 5000 characters.") % {"code": row.code})
    if row.max_points <= 0:
        add(_("%(code)s must be worth more than 0 points.") % {"code": row.code})
    return problems


def _check_children(parent: Row, kids: list[Row]) -> list[Problem]:
    """Standard rows: the children's maxima add up to no more than the parent's. Bonus and
    deduction rows: each child is capped by its parent's cap (the cap applies to their sum)."""
    if parent.kind == "standard":
        total = sum((k.max_points for k in kids), Decimal(0))
        if total > parent.max_points:
            return [
                Problem(
                    parent.line,
                    _("The rows under %(code)s add up to %(total)s points, more than its %(max)s.")
                    % {
                        "code": parent.code,
                        "total": format_points(total),
                        "max": format_points(parent.max_points),
                    },
                )
            ]
        return []
    return [
        Problem(
            kid.line,
            _("%(code)s is worth %(points)s, more than the cap of %(parent)s (%(cap)s).")
            % {
                "code": kid.code,
                "points": format_points(kid.max_points),
                "parent": parent.code,
                "cap": format_points(parent.max_points),
            },
        )
        for kid in kids
        if kid.max_points > parent.max_points
    ]


def _check_sections(data: TableData, by_code: dict[str, Row]) -> list[Problem]:
    sections = [row for row in by_code.values() if not row.parent_code]
    standard = [row for row in sections if row.kind == "standard"]
    if not standard:
        return [Problem(None, _("The table needs at least one standard section."))]
    total = sum((row.max_points for row in standard), Decimal(0))
    if data.scale <= 0:
        return [Problem(None, _("The scale must be more than 0 points."))]
    if total != data.scale:
        return [
            Problem(
                None,
                _(
                    "The standard sections (%(codes)s) add up to %(total)s points; they must add"
                    " up to the scale of %(scale)s."
                )
                % {
                    "codes": ", ".join(row.code for row in standard),
                    "total": format_points(total),
                    "scale": format_points(data.scale),
                },
            )
        ]
    return []


def _check_bands(data: TableData) -> list[Problem]:
    problems = []
    if len(data.bands) > MAX_BANDS:
        return [Problem(None, _("A table has at most %(max)d bands.") % {"max": MAX_BANDS})]
    labels: set[str] = set()
    for band in data.bands:
        if not band.label.strip():
            problems.append(Problem(band.line, _("A band has no name.")))
        elif band.label in labels:
            problems.append(
                Problem(band.line, _("The band “%(label)s” appears twice.") % {"label": band.label})
            )
        labels.add(band.label)
        if len(band.label) > 150:
            problems.append(Problem(band.line, _("A band's name is longer than 150 characters.")))
        if band.floor_percent > 100:
            problems.append(
                Problem(band.line, _("A floor is a percentage of the maximum: at most 100."))
            )
        if band.min_total > data.scale * 2:
            problems.append(
                Problem(
                    band.line,
                    _("The band “%(label)s” starts above anything a unit can score.")
                    % {"label": band.label[:40]},
                )
            )
    return problems


def _check_tie_break(data: TableData, by_code: dict[str, Row]) -> list[Problem]:
    problems = []
    for code in data.tie_break:
        row = by_code.get(code)
        if row is None or row.parent_code:
            problems.append(
                Problem(
                    None,
                    _("The tie-break order names %(code)s, which is not a section.")
                    % {"code": code[:20]},
                )
            )
    if len(set(data.tie_break)) != len(data.tie_break):
        problems.append(Problem(None, _("The tie-break order names a section twice.")))
    return problems


def _kind_label(kind: str) -> str:
    return {"standard": _("standard"), "bonus": _("bonus"), "deduction": _("deduction")}.get(
        kind, kind
    )


def default_bands(scale: Decimal) -> list[BandRow]:
    """The published pattern (DOMAIN §4), scaled: 90/85%, 80/80%, 70/70%, and below."""
    return [
        BandRow("Hoàn thành xuất sắc nhiệm vụ", scale * Decimal("0.9"), Decimal(85)),
        BandRow("Hoàn thành tốt nhiệm vụ", scale * Decimal("0.8"), Decimal(80)),
        BandRow("Hoàn thành nhiệm vụ", scale * Decimal("0.7"), Decimal(70)),
        BandRow("Không hoàn thành nhiệm vụ", Decimal(0), Decimal(0)),
    ]


def default_tie_break(rows: list[Row]) -> list[str]:
    """Standard sections in order: a higher section I settles a tie first."""
    return [row.code for row in rows if not row.parent_code and row.kind == "standard"]


def with_line_numbers(rows: list[Row], first: int = 2) -> list[Row]:
    return [replace(row, line=first + i) for i, row in enumerate(rows)]


# The readable text adopted as the criteria document --------------------------------------------

# The text is part of what is adopted and hashed, so it is written in Vietnamese, the language of
# the block's official documents, with fixed words: a later translation must never change it.


def render_text(data: TableData) -> str:
    lines = [f"Thang điểm: {format_points(data.scale)} điểm.", ""]
    for row in data.rows:
        indent = "    " * row.depth
        if row.kind == "bonus":
            points = f"cộng tối đa {format_points(row.max_points)} điểm"
        elif row.kind == "deduction":
            points = f"trừ tối đa {format_points(row.max_points)} điểm"
        else:
            points = f"{format_points(row.max_points)} điểm"
        evidence = "; có minh chứng" if row.evidence_required else ""
        lines.append(f"{indent}{row.code}. {row.title_vi} ({points}{evidence})")
        if row.guidance:
            lines.append(f"{indent}    Hướng dẫn: {row.guidance}")
    if data.bands:
        lines += ["", "Xếp loại:"]
        for band in sorted(data.bands, key=lambda b: -b.min_total):
            lines.append(
                f"- {band.label}: từ {format_points(band.min_total)} điểm, không tiêu chí nào dưới"
                f" {format_points(band.floor_percent)}% điểm chuẩn."
            )
    if data.tie_break:
        lines += [
            "",
            "Khi bằng điểm, xét lần lượt điểm các phần: "
            + ", ".join(data.tie_break)
            + "; nếu vẫn bằng, Khối bỏ phiếu.",
        ]
    return "\n".join(lines)
