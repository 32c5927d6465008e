"""The templates to fill in: one workbook with a sheet per kind of row and a guide sheet, or one
CSV file per kind. Headers are Vietnamese, as the reader expects; cells are written inert (no
formula can hide in them, see emulation.exports)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from blocks.imports.read import GUIDE_TITLE, SHEETS, Sheet
from emulation.exports import append_row, inert_row

# What each column takes, for the guide sheet (Vietnamese, like the headers).
GUIDE = {
    "level": "Trung ương hoặc Cấp tỉnh",
    "parent": "mã của cơ quan / đơn vị cấp trên (trong tệp hoặc đã có)",
    "kind": "xem giá trị hợp lệ trong docs/import.md (ví dụ: Cơ quan Đảng; Khối thi đua)",
    "authority": "để trống: cơ quan đang nhập",
    "predecessors": "một hoặc nhiều mã, cách nhau bởi dấu phẩy",
    "succession": "Sáp nhập hoặc Chia tách",
    "effective_date": "dd/mm/yyyy",
    "active_from": "dd/mm/yyyy",
    "active_to": "dd/mm/yyyy",
    "joined_on": "dd/mm/yyyy; để trống: ngày 01/01 của năm",
    "role": "Lãnh đạo / Cán bộ thi đua; trong khối: Trưởng khối / Phó trưởng khối / Thành viên",
    "email": "bắt buộc: thư mời đặt mật khẩu gửi tới địa chỉ này",
    "gender": "Nam hoặc Nữ",
    "birth_year": "năm, ví dụ 1985",
    "serving_since": "năm bắt đầu công tác tại đơn vị, ví dụ 2015",
}


def template_xlsx() -> bytes:
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = GUIDE_TITLE
    append_row(guide, ["Trang tính", "Cột", "Bắt buộc", "Ghi chú"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        for column in sheet.columns:
            append_row(
                guide,
                [
                    sheet.title,
                    column.header,
                    "x" if column.required else "",
                    GUIDE.get(column.field, ""),
                ],
            )
        _sheet(workbook, sheet)
    guide.column_dimensions["B"].width = 28
    guide.column_dimensions["D"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet(workbook: Workbook, sheet: Sheet) -> None:
    page = workbook.create_sheet(sheet.title)
    append_row(page, [column.header for column in sheet.columns])
    for cell in page[1]:
        cell.font = Font(bold=True)
    for index, _column in enumerate(sheet.columns):
        page.column_dimensions[chr(ord("A") + index)].width = 22
    page.freeze_panes = "A2"


def template_csv(sheet: Sheet) -> bytes:
    """The header row of one sheet, UTF-8 with a byte-order mark so spreadsheet programs read
    the Vietnamese letters right."""
    out = io.StringIO()
    csv.writer(out).writerow(inert_row(column.header for column in sheet.columns))
    return ("\ufeff" + out.getvalue()).encode()
