"""Import files built in tests: a workbook or CSV from rows keyed by field name, with the
template's Vietnamese headers."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from blocks.imports.read import SHEET_BY_KIND


def workbook(**sheets: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for kind, rows in sheets.items():
        sheet = SHEET_BY_KIND[kind]
        page = book.create_sheet(sheet.title)
        fields = [c.field for c in sheet.columns]
        page.append([c.header for c in sheet.columns])
        for row in rows:
            page.append([row.get(name) for name in fields])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(kind: str, rows: list[dict[str, Any]]) -> bytes:
    sheet = SHEET_BY_KIND[kind]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in sheet.columns])
    for row in rows:
        writer.writerow(
            ["" if row.get(c.field) is None else row.get(c.field) for c in sheet.columns]
        )
    return out.getvalue().encode()


def province(units: int = 4, people: int = 4, *, code: str = "QT") -> bytes:
    """A small province: its authority, units (one under another, one with a predecessor), a
    block with the year's head and deputy, people and their roles."""
    unit_rows = [
        {"code": f"{code}-U{n}", "name": f"Đơn vị {code} số {n}", "kind": "Cơ quan Đảng"}
        for n in range(1, units + 1)
    ]
    unit_rows[1]["parent"] = f"{code}-U1"
    unit_rows.append(
        {
            "code": f"{code}-OLD",
            "name": f"Đơn vị cũ {code}",
            "kind": "Cơ quan Đảng",
            "active_to": "28/02/2025",
        }
    )
    unit_rows[0]["predecessors"] = f"{code}-OLD"
    unit_rows[0]["succession"] = "Sáp nhập"
    unit_rows[0]["effective_date"] = "01/03/2025"
    people_rows = [
        {
            "username": f"{code.lower()}user{n}",
            "full_name": f"Nguyễn Văn {n}",
            "email": f"{code.lower()}user{n}@example.vn",
        }
        for n in range(1, people + 1)
    ]
    role_rows = [
        {
            "username": p["username"],
            "unit": unit_rows[n % units]["code"],
            "role": "Lãnh đạo" if n < units else "Cán bộ thi đua",
        }
        for n, p in enumerate(people_rows)
    ]
    member_rows = [
        {
            "block": f"{code}-K1",
            "year": 2026,
            "unit": row["code"],
            "role": "Trưởng khối" if n == 0 else ("Phó trưởng khối" if n == 1 else ""),
        }
        for n, row in enumerate(unit_rows[:units])
    ]
    return workbook(
        units=unit_rows,
        blocks=[{"code": f"{code}-K1", "name": f"Khối các cơ quan Đảng {code}"}],
        people=people_rows,
        roles=role_rows,
        members=member_rows,
    )
