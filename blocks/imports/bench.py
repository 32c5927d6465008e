"""The spreadsheet import's case of `manage.py benchmark`: a whole province (400 units in 30
blocks, 1,000 people with their roles, this year's members with heads and deputies) uploaded,
previewed and confirmed, then the same file again; all rolled back afterwards. The target is 30
seconds for the confirmed import (issue 21). Invitations are queued after commit and sent by the
worker, so they are not part of the time (the rollback drops them)."""

from __future__ import annotations

import io
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from blocks.imports import staging
from blocks.imports.read import SHEET_BY_KIND
from blocks.models import Authority, CouncilRole
from emulation.benchmark.cases import Case
from emulation.exports import append_row
from emulation.models import User

TARGET_SECONDS = 30.0
SIZES = {"tiny": (20, 50, 3), "province": (400, 1000, 30), "country": (400, 1000, 30)}


class _RollBack(Exception):
    pass


def province_workbook(units: int, people: int, blocks: int, *, code: str = "BI") -> bytes:
    """A province in the template's layout: units (every tenth under the one before it), blocks
    of about equal size with a head and a deputy, people (a leader and officers per unit)."""
    year = timezone.localdate().year
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)

    def sheet(kind: str, rows: list[dict[str, Any]]) -> None:
        page = book.create_sheet(SHEET_BY_KIND[kind].title)
        columns = SHEET_BY_KIND[kind].columns
        page.append([c.header for c in columns])
        for row in rows:
            append_row(page, [row.get(c.field) for c in columns])

    unit_rows = [
        {
            "code": f"{code}-DV{n:04d}",
            "name": f"Đơn vị {code} số {n}",
            "short_name": f"ĐV{n}",
            "kind": "Cơ quan nhà nước",
            "parent": f"{code}-DV{n - 1:04d}" if n % 10 == 0 else None,
        }
        for n in range(1, units + 1)
    ]
    sheet("units", unit_rows)
    sheet(
        "blocks",
        [
            {"code": f"{code}-K{b:02d}", "name": f"Khối thi đua {code} số {b}"}
            for b in range(blocks)
        ],
    )
    person_rows = [
        {
            "username": f"{code.lower()}.nguoi{n:04d}",
            "full_name": f"Nguyễn Thị {n}",
            "email": f"{code.lower()}.nguoi{n:04d}@example.vn",
        }
        for n in range(people)
    ]
    sheet("people", person_rows)
    sheet(
        "roles",
        [
            {
                "username": p["username"],
                "unit": unit_rows[n % units]["code"],
                "role": "Lãnh đạo" if n < units else "Cán bộ thi đua",
            }
            for n, p in enumerate(person_rows)
        ],
    )
    members = []
    for n, unit in enumerate(unit_rows):
        block, place = n % blocks, n // blocks
        role = "Trưởng khối" if place == 0 else ("Phó trưởng khối" if place == 1 else "")
        members.append(
            {"block": f"{code}-K{block:02d}", "year": year, "unit": unit["code"], "role": role}
        )
    sheet("members", members)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def time_province_import(scale: str) -> dict[str, Any]:
    """Seconds to stage (read and preview), confirm, and import the same file again."""
    units, people, blocks = SIZES.get(scale, SIZES["province"])
    content = province_workbook(units, people, blocks)
    result: dict[str, Any] = {"units": units, "people": people, "blocks": blocks}
    try:
        with transaction.atomic():
            authority = Authority.objects.create(
                name="Benchmark: imported province",
                short_name="BENCH-IMPORT",
                level=Authority.Level.PROVINCIAL,
                place="Quảng Trị",
            )
            staff = User.objects.create(username="bench-import-staff", full_name="Bench staff")
            CouncilRole.objects.create(user=staff, authority=authority, role="staff")
            started = time.perf_counter()
            staged = staging.stage_import(authority, by=staff, name="tinh.xlsx", content=content)
            previewed = time.perf_counter()
            counts = staging.confirm_import(staged, by=staff, sha256=staged.sha256)
            confirmed = time.perf_counter()
            again = staging.stage_import(authority, by=staff, name="tinh.xlsx", content=content)
            repeated = staging.confirm_import(again, by=staff, sha256=again.sha256)
            done = time.perf_counter()
            result |= {
                "preview_s": round(previewed - started, 2),
                "seconds": round(confirmed - previewed, 2),
                "reimport_s": round(done - confirmed, 2),
                "counts": counts,
                "reimport_counts": repeated,
            }
            raise _RollBack
    except _RollBack:
        pass
    return result


CASE = Case(
    name="import",
    what="a province imported from one workbook and confirmed (then the same file again)",
    target_s=TARGET_SECONDS,
    run=time_province_import,
)
