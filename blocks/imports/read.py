"""Reading an import file: an Excel workbook (.xlsx) with up to seven sheets, or a CSV file holding
one of them. The layout is in docs/import.md.

Sheets and headers are Vietnamese (the province's officers fill them in); a header or sheet name
is recognised whatever its accents, case and spacing ("Mã đơn vị", "ma don vi", "MÃ ĐƠN VỊ"), and
the English field names are accepted too. Workbooks are opened the way the criteria import opens
them (scoring/excel.py): content checked first (emulation.uploads), openpyxl in read-only mode,
XML through defusedxml (openpyxl uses it when installed: a workbook declaring entities is
refused), text put in composed form (NFC). Reading never stops at the first problem: every bad
cell is reported with its sheet, line and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from emulation.exports import uninert
from emulation.text import nfc, search_key
from emulation.uploads import validate_upload

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a truncated, malformed or hostile workbook raises from openpyxl, as in scoring/excel.py
# (ElementTree's ParseError is a SyntaxError; defusedxml's refusals are ValueErrors).
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


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as written in the template (Vietnamese)
    required: bool = False
    max_length: int | None = None  # the model field's, so that a long cell is a problem, not 500


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str  # the sheet's name in the workbook (Vietnamese)
    columns: tuple[Column, ...]

    @property
    def required(self) -> set[str]:
        return {c.field for c in self.columns if c.required}

    def header_of(self, field_name: str) -> str:
        return next(c.header for c in self.columns if c.field == field_name)


# In the order they are applied: what a row refers to is created before it.
SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "authorities",
        "Cơ quan",
        (
            Column("code", "Mã cơ quan", True, 40),
            Column("name", "Tên cơ quan", True, 200),
            Column("short_name", "Tên viết tắt", True, 80),
            Column("level", "Cấp", True),
            Column("parent", "Mã cơ quan cấp trên"),
            Column("place", "Địa danh", True, 80),
        ),
    ),
    Sheet(
        "units",
        "Đơn vị",
        (
            Column("code", "Mã đơn vị", True, 40),
            Column("name", "Tên đơn vị", True, 200),
            Column("short_name", "Tên viết tắt", max_length=80),
            Column("kind", "Loại đơn vị", True),
            Column("authority", "Mã cơ quan"),
            Column("parent", "Mã đơn vị cấp trên"),
            Column("predecessors", "Mã đơn vị tiền thân"),
            Column("succession", "Hình thức kế thừa"),
            Column("effective_date", "Ngày kế thừa"),
            Column("active_from", "Hoạt động từ ngày"),
            Column("active_to", "Hoạt động đến ngày"),
        ),
    ),
    Sheet(
        "blocks",
        "Khối",
        (
            Column("code", "Mã khối", True, 40),
            Column("name", "Tên khối", True, 200),
            Column("short_name", "Tên viết tắt", max_length=80),
            Column("kind", "Loại khối"),
            Column("authority", "Mã cơ quan"),
            Column("description", "Mô tả"),
        ),
    ),
    Sheet(
        "people",
        "Người dùng",
        (
            Column("username", "Tên đăng nhập", True, 150),
            Column("full_name", "Họ và tên", True, 150),
            Column("email", "Email", True, 254),
            Column("phone", "Điện thoại", max_length=20),
        ),
    ),
    Sheet(
        "roles",
        "Vai trò",
        (
            Column("username", "Tên đăng nhập", True, 150),
            Column("unit", "Mã đơn vị", True),
            Column("role", "Vai trò", True),
            Column("title", "Chức vụ", max_length=150),
        ),
    ),
    Sheet(
        "personnel",
        "Nhân sự",
        (
            Column("code", "Mã cá nhân", True, 40),
            Column("full_name", "Họ và tên", True, 150),
            Column("title", "Chức vụ", True, 200),
            Column("unit", "Mã đơn vị", True),
            Column("gender", "Giới tính"),
            Column("birth_year", "Năm sinh"),
            Column("serving_since", "Công tác tại đơn vị từ năm"),
        ),
    ),
    Sheet(
        "members",
        "Thành viên",
        (
            Column("block", "Mã khối", True),
            Column("year", "Năm", True),
            Column("unit", "Mã đơn vị", True),
            Column("role", "Vai trò trong khối"),
            Column("joined_on", "Ngày tham gia"),
        ),
    ),
)
SHEET_BY_KIND = {sheet.kind: sheet for sheet in SHEETS}
# The templates' first sheet explains the columns; it is never read.
GUIDE_TITLE = "Hướng dẫn"
_SHEET_BY_TITLE = {search_key(sheet.title): sheet for sheet in SHEETS} | {
    sheet.kind: sheet for sheet in SHEETS
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (sheet, line, column) and what, in plain words."""

    sheet: str
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.sheet,
                _("line %(line)d") % {"line": self.line} if self.line else "",
                self.column,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Record:
    """One row of a sheet, its cells as text (dates and numbers as the workbook gave them)."""

    sheet: Sheet
    line: int
    cells: dict[str, Any]

    def text(self, name: str) -> str:
        return _text(self.cells.get(name))


@dataclass
class Parsed:
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def of(self, kind: str) -> list[Record]:
        return self.records.get(kind, [])


class Unreadable(Exception):
    """The file cannot be read at all; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _header_key(value: Any) -> str:
    return search_key(_text(value)).replace("_", " ")


def _aliases(sheet: Sheet) -> dict[str, str]:
    names = {}
    for column in sheet.columns:
        names[_header_key(column.header)] = column.field
        names[_header_key(column.field)] = column.field
    return names


def read_file(name: str, content: bytes) -> Parsed:
    """Parse an uploaded file; raise `Unreadable` when it cannot be read at all, else return its
    rows with every problem found in them."""
    if len(content) > MAX_FILE_BYTES:
        raise Unreadable(_("The file is too large; the limit is 5 MB."))
    if name.lower().endswith(".csv"):
        return _read_csv(content)
    try:
        checked = validate_upload(
            SimpleUploadedFile(name, content), kinds=("office",), max_bytes=MAX_FILE_BYTES
        )
    except ValidationError as error:
        raise Unreadable(" ".join(error.messages)) from error
    if checked.content_type != XLSX_TYPE:
        raise Unreadable(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    try:
        return _read_workbook(content)
    except UNREADABLE as exc:
        raise Unreadable(
            _("The workbook could not be opened: it is damaged, or not an Excel workbook.")
        ) from exc


def _read_workbook(content: bytes) -> Parsed:
    parsed = Parsed()
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for worksheet in workbook.worksheets:
            if search_key(worksheet.title) == search_key(GUIDE_TITLE):
                continue
            sheet = _SHEET_BY_TITLE.get(search_key(worksheet.title))
            rows = _cells(worksheet.iter_rows(values_only=True))
            if sheet is None:
                first = next(rows, None)
                sheet = _guess(first[1]) if first else None
                if sheet is None:
                    if first is not None:
                        parsed.problems.append(
                            Problem(
                                worksheet.title,
                                None,
                                "",
                                _(
                                    "The sheet is not one the import reads (%(sheets)s); its"
                                    " rows were not read."
                                )
                                % {"sheets": ", ".join(s.title for s in SHEETS)},
                            )
                        )
                    continue
                rows = _chain(first, rows)
            if sheet.kind in parsed.records:
                parsed.problems.append(
                    Problem(sheet.title, None, "", _("The workbook has this sheet twice."))
                )
                continue
            _read_sheet(sheet, rows, parsed)
    finally:
        workbook.close()
    if not parsed.records and not parsed.problems:
        parsed.problems.append(Problem("", None, "", _("The workbook has no sheet to import.")))
    return parsed


def _chain(first: Any, rows: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rows


def _read_csv(content: bytes) -> Parsed:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(_("The CSV file is not in UTF-8; save it again as “CSV UTF-8”.")) from exc
    if "\x00" in text:
        raise Unreadable(_("This is not a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = _cells(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    parsed = Parsed()
    try:
        header = next(rows, None)
        if header is None:
            raise Unreadable(_("The file is empty."))
        sheet = _guess(header[1])
        if sheet is None:
            raise Unreadable(
                _(
                    "The header row does not match any import template. Download a template and"
                    " keep its first row as it is."
                )
            )
        _read_sheet(sheet, _chain(header, rows), parsed)
    except csv.Error as exc:
        raise Unreadable(_("The CSV file could not be read.")) from exc
    return parsed


def _guess(header: Sequence[Any]) -> Sheet | None:
    """The sheet whose required columns the header has, the one matching most columns."""
    keys = {_header_key(cell) for cell in header if _text(cell)}
    best: tuple[int, Sheet] | None = None
    for sheet in SHEETS:
        aliases = _aliases(sheet)
        found = {aliases[k] for k in keys if k in aliases}
        if sheet.required <= found and (best is None or len(found) > best[0]):
            best = (len(found), sheet)
    return best[1] if best else None


def _cells(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start=1):
        if number > MAX_LINES + 1:
            raise Unreadable(
                _("The file has too many rows; the limit is %(count)d a sheet.")
                % {"count": MAX_LINES}
            )
        yield number, [nfc(c) if isinstance(c, str) else c for c in cells]


def _read_sheet(sheet: Sheet, rows: Iterator[tuple[int, list[Any]]], parsed: Parsed) -> None:
    header = next(rows, None)
    parsed.records[sheet.kind] = records = []
    if header is None:
        return
    aliases = _aliases(sheet)
    columns: dict[str, int] = {}
    for index, cell in enumerate(header[1]):
        label = _text(cell)
        if not label:
            continue
        name = aliases.get(_header_key(label))
        if name is None:
            parsed.problems.append(
                Problem(
                    sheet.title,
                    1,
                    label,
                    _(
                        "This column is not one the sheet takes; check its spelling against the template."
                    ),
                )
            )
        elif name in columns:
            parsed.problems.append(Problem(sheet.title, 1, label, _("The column appears twice.")))
        else:
            columns[name] = index
    missing = [c.header for c in sheet.columns if c.required and c.field not in columns]
    if missing:
        parsed.problems.append(
            Problem(
                sheet.title,
                1,
                ", ".join(missing),
                _("The header row lacks these columns; the sheet was not read."),
            )
        )
        return
    for number, cells in rows:
        if all(_text(c) == "" for c in cells):
            continue
        values = {
            name: cells[index] if index < len(cells) else None for name, index in columns.items()
        }
        records.append(Record(sheet, number, values))
        for column in sheet.columns:
            text = _text(values.get(column.field))
            if column.required and text == "":
                parsed.problems.append(
                    Problem(sheet.title, number, column.header, _("The cell is empty."))
                )
            elif column.max_length is not None and len(text) > column.max_length:
                parsed.problems.append(
                    Problem(
                        sheet.title,
                        number,
                        column.header,
                        _("The text is longer than %(count)d characters.")
                        % {"count": column.max_length},
                    )
                )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if not isinstance(value, str):
        return " ".join(str(value).replace("\x00", "").split())
    # A cell exported by this site with a leading quote to keep it from being a formula.
    return uninert(" ".join(value.replace("\x00", "").split()))


def parse_date(value: Any) -> datetime.date | None:
    """A date from a workbook date cell, or text as dd/mm/yyyy (or yyyy-mm-dd); None when blank;
    ValueError when it is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})
