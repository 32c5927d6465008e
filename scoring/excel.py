"""Criteria tables in and out of Excel (.xlsx) and CSV, and the ranking as a workbook.

The layout (documented in docs/criteria-excel.md):

- sheet "Criteria" (or the first sheet): a header row, then one row per criterion with the
  columns `code, title_vi, title_en, max_points, kind, evidence_required, guidance_vi` — the
  columns of the sample CSV, so a CSV in that shape imports as it is;
- sheet "Bands" (optional): `label, min_total, floor_percent`;
- sheet "Settings" (optional): `key, value` rows `scale` and `tie_break` (section codes).

Numbers are written as numbers. Reading reports every bad row with its row number.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from emulation.exports import append_row, inert_row, uninert
from emulation.text import nfc
from emulation.uploads import validate_upload
from scoring.criteria import (
    BandRow,
    Problem,
    Row,
    TableData,
    format_points,
    parse_kind,
    parse_points,
    parse_tie_break,
    parse_yes_no,
    points_value,
)

COLUMNS = ["code", "title_vi", "title_en", "max_points", "kind", "evidence_required", "guidance_vi"]
REQUIRED = {"code", "title_vi", "max_points", "kind"}
ALIASES = {"guidance": "guidance_vi", "evidence": "evidence_required", "max": "max_points"}
BAND_COLUMNS = ["label", "min_total", "floor_percent"]
CRITERIA_SHEET, BANDS_SHEET, SETTINGS_SHEET = "Criteria", "Bands", "Settings"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LINES = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportError_(Exception):
    """The file could not be read at all, or has bad rows: every problem is in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# Reading -------------------------------------------------------------------------------------


def read_table_file(uploaded: UploadedFile, *, scale: Decimal) -> TableData:
    """Parse an uploaded .xlsx or .csv; raise ImportError_ listing every problem found.

    `scale` is used when the file does not say (a CSV never does)."""
    name = (uploaded.name or "").lower()
    if name.endswith(".csv"):
        return _read_csv(uploaded, scale=scale)
    try:
        checked = validate_upload(uploaded, kinds=("office",), max_bytes=MAX_FILE_BYTES)
    except ValidationError as error:
        raise ImportError_([Problem(None, " ".join(error.messages))]) from error
    if checked.content_type != XLSX_TYPE:
        raise ImportError_([Problem(None, _("Upload an Excel workbook (.xlsx) or a CSV file."))])
    try:
        return _read_workbook(uploaded, scale=scale)
    except UNREADABLE as exc:
        # A truncated or malformed file, or XML declaring entities (refused by defusedxml),
        # may fail while opening or only while its rows are read.
        raise ImportError_([Problem(None, _("The workbook could not be opened."))]) from exc


# What a truncated, malformed or hostile workbook raises from openpyxl (ElementTree's
# ParseError is a SyntaxError; defusedxml's refusals are ValueErrors).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OSError,
    SyntaxError,
)


def _read_workbook(uploaded: UploadedFile, *, scale: Decimal) -> TableData:
    workbook = load_workbook(uploaded, read_only=True, data_only=True)
    try:
        sheets = {ws.title.strip().casefold(): ws for ws in workbook.worksheets}
        criteria = sheets.get(CRITERIA_SHEET.casefold()) or workbook.worksheets[0]
        data = _read_criteria(_cells(criteria.iter_rows(values_only=True)))
        problems = list(data.problems)
        bands_sheet = sheets.get(BANDS_SHEET.casefold())
        bands = None
        if bands_sheet is not None:
            bands, band_problems = _read_bands(_cells(bands_sheet.iter_rows(values_only=True)))
            problems += band_problems
        settings: dict[str, Any] = {}
        settings_sheet = sheets.get(SETTINGS_SHEET.casefold())
        if settings_sheet is not None:
            settings, setting_problems = _read_settings(
                _cells(settings_sheet.iter_rows(values_only=True))
            )
            problems += setting_problems
    finally:
        workbook.close()
    if problems:
        raise ImportError_(problems)
    return TableData(
        rows=data.rows,
        scale=settings.get("scale", scale),
        bands=bands if bands is not None else [],
        tie_break=settings.get("tie_break", []),
        has_bands=bands is not None,
        has_tie_break="tie_break" in settings,
    )


def _read_csv(uploaded: UploadedFile, *, scale: Decimal) -> TableData:
    if (uploaded.size or 0) > MAX_FILE_BYTES:
        raise ImportError_([Problem(None, _("The file is too large; the limit is 2 MB."))])
    raw = uploaded.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportError_([Problem(None, _("The file is too large; the limit is 2 MB."))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            [Problem(None, _("The CSV file is not in UTF-8; save it again as “CSV UTF-8”."))]
        ) from exc
    if "\x00" in text:
        raise ImportError_([Problem(None, _("This is not a CSV file."))])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        data = _read_criteria(_cells(lines))
    except csv.Error as exc:
        raise ImportError_([Problem(None, _("The CSV file could not be read."))]) from exc
    if data.problems:
        raise ImportError_(data.problems)
    return TableData(rows=data.rows, scale=scale, has_bands=False, has_tie_break=False)


def _cells(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for each row, the header being row 1; at most MAX_LINES rows. Text
    is put in composed form (NFC), as typed input is."""
    for number, cells in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise ImportError_([Problem(None, _("The file has too many rows."))])
        yield number, [nfc(c) if isinstance(c, str) else c for c in cells]


class _Parsed:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.problems: list[Problem] = []


def _header(cells: list[Any]) -> dict[str, int]:
    names = [str(c or "").strip().casefold().replace(" ", "_") for c in cells]
    return {ALIASES.get(name, name): i for i, name in enumerate(names) if name}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str):
        return " ".join(str(value).replace("\x00", "").split())
    # A cell this site exported with a leading quote to keep it from being a formula.
    return uninert(value.strip())


def _read_criteria(lines: Iterator[tuple[int, list[Any]]]) -> _Parsed:
    parsed = _Parsed()
    header_line = next(lines, None)
    if header_line is None:
        parsed.problems.append(Problem(None, _("The file is empty.")))
        return parsed
    columns = _header(header_line[1])
    missing = [name for name in COLUMNS if name in REQUIRED and name not in columns]
    if missing:
        parsed.problems.append(
            Problem(
                1,
                _("The header row lacks the columns %(columns)s (expected: %(expected)s).")
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)},
            )
        )
        return parsed

    def cell(cells: list[Any], name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for number, cells in lines:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        errors: list[str] = []
        values: dict[str, Any] = {}
        for name, parse in (
            ("max_points", parse_points),
            ("kind", parse_kind),
            ("evidence_required", parse_yes_no),
        ):
            try:
                values[name] = parse(cell(cells, name))
            except ValueError as error:
                errors.append(str(error))
        code = _text(cell(cells, "code"))
        if not code:
            errors.append(_("The code is empty."))
        if errors:
            parsed.problems += [Problem(number, message) for message in errors]
            continue
        parsed.rows.append(
            Row(
                code=code,
                title_vi=_text(cell(cells, "title_vi")),
                title_en=_text(cell(cells, "title_en")),
                max_points=values["max_points"],
                kind=values["kind"],
                evidence_required=values["evidence_required"],
                guidance=_text(cell(cells, "guidance_vi")),
                line=number,
            )
        )
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(Problem(None, _("The file has no criteria under its header row.")))
    return parsed


def _read_bands(lines: Iterator[tuple[int, list[Any]]]) -> tuple[list[BandRow], list[Problem]]:
    bands: list[BandRow] = []
    problems: list[Problem] = []
    header_line = next(lines, None)
    if header_line is None:
        return bands, problems
    columns = _header(header_line[1])
    if not set(BAND_COLUMNS) <= columns.keys():
        return bands, [
            Problem(
                None,
                _("The Bands sheet needs the columns %(columns)s.")
                % {"columns": ", ".join(BAND_COLUMNS)},
            )
        ]
    for number, cells in lines:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        label = _text(cells[columns["label"]] if columns["label"] < len(cells) else None)
        try:
            min_total = parse_points(
                cells[columns["min_total"]] if columns["min_total"] < len(cells) else None
            )
            floor = parse_points(
                cells[columns["floor_percent"]] if columns["floor_percent"] < len(cells) else None
            )
        except ValueError as error:
            problems.append(
                Problem(
                    None, _("Bands, row %(line)d: %(message)s") % {"line": number, "message": error}
                )
            )
            continue
        bands.append(BandRow(label, min_total, floor, line=None))
    return bands, problems


def _read_settings(lines: Iterator[tuple[int, list[Any]]]) -> tuple[dict[str, Any], list[Problem]]:
    settings: dict[str, Any] = {}
    problems: list[Problem] = []
    for number, cells in lines:
        key = _text(cells[0] if cells else None).casefold()
        value = cells[1] if len(cells) > 1 else None
        if key == "scale":
            try:
                settings["scale"] = parse_points(value)
            except ValueError as error:
                problems.append(
                    Problem(
                        None,
                        _("Settings, row %(line)d: %(message)s")
                        % {"line": number, "message": error},
                    )
                )
        elif key == "tie_break":
            settings["tie_break"] = parse_tie_break(_text(value))
    return settings, problems


# Writing -------------------------------------------------------------------------------------


def _row_values(row: Row) -> list[Any]:
    return [
        row.code,
        row.title_vi,
        row.title_en,
        row.max_points,
        row.kind,
        "yes" if row.evidence_required else "no",
        row.guidance,
    ]


def table_xlsx(data: TableData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = CRITERIA_SHEET
    sheet.append(COLUMNS)
    for row in data.rows:
        values = _row_values(row)
        values[3] = points_value(row.max_points)
        append_row(sheet, values)
    for cells in sheet.iter_rows(min_row=1, max_row=1):
        for c in cells:
            c.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (10, 60, 50, 12, 12, 18, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bands = workbook.create_sheet(BANDS_SHEET)
    bands.append(BAND_COLUMNS)
    for band in data.bands:
        append_row(
            bands, [band.label, points_value(band.min_total), points_value(band.floor_percent)]
        )
    bands.column_dimensions["A"].width = 40
    settings = workbook.create_sheet(SETTINGS_SHEET)
    settings.append(["scale", points_value(data.scale)])
    append_row(settings, ["tie_break", ", ".join(data.tie_break)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(data: TableData) -> str:
    """The criteria rows in the sample CSV's shape (comma-separated, CRLF, quoted only when
    needed, points without trailing zeros)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in data.rows:
        values = inert_row(_row_values(row))
        values[3] = format_points(row.max_points)
        writer.writerow(values)
    return out.getvalue()


def ranking_xlsx(title: str, sections: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Ranking")[:31]
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True)
    header = [
        _("Rank"),
        _("Unit"),
        *[section["code"] for section in sections],
        _("Bonus"),
        _("Deductions"),
        _("Total"),
        _("Classification"),
        _("Tie"),
    ]
    append_row(sheet, header)
    for c in sheet[2]:
        c.font = Font(bold=True)
    for row in rows:
        append_row(
            sheet,
            [
                row["rank"],
                row["unit_name"],
                *[points_value(row["sections"].get(s["code"], Decimal(0))) for s in sections],
                points_value(row["bonus"]),
                points_value(row["deduction"]),
                points_value(row["total"]),
                row["band"],
                str(row["tie_label"]),
            ],
        )
    sheet.column_dimensions["B"].width = 50
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
