"""Each problem of an import file is named by sheet, line and column, and nothing is staged
wrong: bad workbooks are refused with a reason, bad rows are listed in the preview."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from blocks.imports import staging
from blocks.imports.plan import Plan
from blocks.imports.read import Unreadable, read_file
from emulation.errors import DomainError
from tests.blocks.import_files import csv_file, workbook
from tests.factories import World, make_unit

UNIT = {"code": "U1", "name": "Văn phòng", "kind": "Cơ quan Đảng"}


def problems(world: World, content: bytes, name: str = "f.xlsx") -> list[tuple[Any, ...]]:
    with translation.override("en"):
        plan = Plan(world.authority, read_file(name, content), by=world.staff)
        return [(p.sheet, p.line, p.column, p.message) for p in plan.problems]


CASES: list[tuple[str, dict[str, list[dict[str, Any]]], tuple[str, int | None, str, str]]] = [
    (
        "duplicate unit code",
        {"units": [UNIT, {**UNIT, "name": "Khác"}]},
        ("Đơn vị", 3, "Mã đơn vị", "is already on line 2"),
    ),
    (
        "name too long",
        {"units": [{**UNIT, "name": "Đ" * 201}]},
        ("Đơn vị", 2, "Tên đơn vị", "longer than 200 characters"),
    ),
    (
        "unknown parent",
        {"units": [{**UNIT, "parent": "NOPE"}]},
        ("Đơn vị", 2, "Mã đơn vị cấp trên", "No unit has the code “NOPE”"),
    ),
    (
        "cycle in the parent chain",
        {
            "units": [
                {**UNIT, "parent": "U2"},
                {"code": "U2", "name": "Ban", "kind": "Cơ quan Đảng", "parent": "U1"},
            ]
        },
        ("Đơn vị", 2, "Mã đơn vị cấp trên", "go round in a circle"),
    ),
    (
        "cycle in the lineage",
        {
            "units": [
                {**UNIT, "predecessors": "U2", "effective_date": "01/01/2025"},
                {
                    "code": "U2",
                    "name": "Ban",
                    "kind": "Cơ quan Đảng",
                    "predecessors": "U1",
                    "effective_date": "01/01/2025",
                },
            ]
        },
        ("Đơn vị", 2, "Mã đơn vị tiền thân", "a unit would precede itself"),
    ),
    (
        "bad kind",
        {"units": [{**UNIT, "kind": "Câu lạc bộ"}]},
        ("Đơn vị", 2, "Loại đơn vị", "Write one of"),
    ),
    (
        "bad date",
        {"units": [{**UNIT, "active_from": "32/13/2025"}]},
        ("Đơn vị", 2, "", "is not a date"),
    ),
    (
        "empty required cell",
        {"units": [{**UNIT, "name": None}]},
        ("Đơn vị", 2, "Tên đơn vị", "The cell is empty"),
    ),
    (
        "bad e-mail",
        {"people": [{"username": "a", "full_name": "A", "email": "not-an-address"}]},
        ("Người dùng", 2, "Email", "is not an e-mail address"),
    ),
    (
        "e-mail twice",
        {
            "people": [
                {"username": "a", "full_name": "A", "email": "a@example.vn"},
                {"username": "b", "full_name": "B", "email": "A@example.vn"},
            ]
        },
        ("Người dùng", 3, "Email", "is already on line 2"),
    ),
    (
        "bad username",
        {"people": [{"username": "có dấu cách", "full_name": "A", "email": "a@example.vn"}]},
        ("Người dùng", 2, "Tên đăng nhập", "without spaces"),
    ),
    (
        "role for an unknown person",
        {"roles": [{"username": "ghost", "unit": "U1", "role": "Lãnh đạo"}], "units": [UNIT]},
        ("Vai trò", 2, "Tên đăng nhập", "No account has this username"),
    ),
    (
        "two heads",
        {
            "units": [UNIT, {"code": "U2", "name": "Ban", "kind": "Cơ quan Đảng"}],
            "blocks": [{"code": "K", "name": "Khối"}],
            "members": [
                {"block": "K", "year": 2026, "unit": "U1", "role": "Trưởng khối"},
                {"block": "K", "year": 2026, "unit": "U2", "role": "Trưởng khối"},
            ],
        },
        ("Thành viên", 3, "Vai trò trong khối", "one head a year"),
    ),
    (
        "member year out of range",
        {
            "units": [UNIT],
            "blocks": [{"code": "K", "name": "Khối"}],
            "members": [{"block": "K", "year": 1990, "unit": "U1"}],
        },
        ("Thành viên", 2, "Năm", "between 2000 and 2100"),
    ),
    (
        "unknown block",
        {"units": [UNIT], "members": [{"block": "K9", "year": 2026, "unit": "U1"}]},
        ("Thành viên", 2, "Mã khối", "No block has the code “K9”"),
    ),
    (
        "authority parent cycle",
        {
            "authorities": [
                {
                    "code": "A1",
                    "name": "A1",
                    "short_name": "A1",
                    "level": "Cấp tỉnh",
                    "parent": "A2",
                    "place": "X",
                },
                {
                    "code": "A2",
                    "name": "A2",
                    "short_name": "A2",
                    "level": "Cấp tỉnh",
                    "parent": "A1",
                    "place": "X",
                },
            ]
        },
        ("Cơ quan", 2, "Mã cơ quan cấp trên", "go round in a circle"),
    ),
]


@pytest.mark.parametrize(("case", "sheets", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_named_by_sheet_line_and_column(
    world: World, case: str, sheets: dict[str, Any], expected: tuple[str, int, str, str]
) -> None:
    found = problems(world, workbook(**sheets))
    sheet, line, column, words = expected
    assert any(
        p[0] == sheet and p[1] == line and p[2] == column and words in p[3] for p in found
    ), found


def test_a_wrong_header_is_named_and_the_sheet_not_read(world: World) -> None:
    book = load_workbook(io.BytesIO(workbook(units=[UNIT])))
    book["Đơn vị"]["B1"] = "Tên đơn vi sai"
    out = io.BytesIO()
    book.save(out)
    found = problems(world, out.getvalue())
    assert ("Đơn vị", 1, "Tên đơn vi sai") in [p[:3] for p in found]
    assert any(p[2] == "Tên đơn vị" and "lacks these columns" in p[3] for p in found)


def test_a_unit_name_taken_under_another_code_is_a_problem(world: World) -> None:
    make_unit(world.authority, "Văn phòng", code="X9")
    found = problems(world, workbook(units=[UNIT]))
    assert found == [
        ("Đơn vị", 2, "Tên đơn vị", "A unit with this name already exists, with the code “X9”.")
    ]


def test_an_email_of_another_account_is_a_problem(world: World) -> None:
    world.leader.email = "taken@example.vn"
    world.leader.save()
    found = problems(
        world, workbook(people=[{"username": "new", "full_name": "N", "email": "TAKEN@example.vn"}])
    )
    assert found == [
        ("Người dùng", 2, "Email", "Another account already uses this e-mail address.")
    ]


def test_a_council_member_cannot_be_given_a_unit_role(world: World) -> None:
    found = problems(
        world,
        workbook(roles=[{"username": "member", "unit": "U1", "role": "Lãnh đạo"}], units=[UNIT]),
    )
    assert [p[:3] for p in found] == [("Vai trò", 2, "Tên đăng nhập")]


def test_no_one_gives_a_role_to_themselves(world: World) -> None:
    found = problems(
        world,
        workbook(roles=[{"username": "staff", "unit": "U1", "role": "Lãnh đạo"}], units=[UNIT]),
    )
    assert "themselves" in found[0][3]


def test_an_archived_year_cannot_take_members(world: World) -> None:
    from tests.factories import archive

    archive(world)
    world.block.code = "K"
    world.block.save()
    found = problems(
        world,
        workbook(units=[UNIT], members=[{"block": "K", "year": 2026, "unit": "U1"}]),
    )
    assert [p[:3] for p in found] == [("Thành viên", 2, "Năm")]


def test_another_authoritys_authority_cannot_be_changed(world: World) -> None:
    world.other_authority.code = "NT"
    world.other_authority.save()
    row = {"code": "NT", "name": "Đổi tên", "short_name": "x", "level": "Cấp tỉnh", "place": "x"}
    found = problems(world, workbook(authorities=[row]))
    assert [p[:3] for p in found] == [("Cơ quan", 2, "Mã cơ quan")]


def test_a_csv_file_is_read_by_its_header(world: World) -> None:
    found = problems(world, csv_file("units", [UNIT, UNIT]), name="units.csv")
    assert [p[:3] for p in found] == [("Đơn vị", 3, "Mã đơn vị")]


def truncated() -> bytes:
    return workbook(units=[UNIT])[:600]


def with_dtd() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook(units=[UNIT])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # Entities declared and used: read as plain XML the name would expand.
                start = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
                dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                data = data[:start] + dtd + data[start:].replace("Văn phòng".encode(), b"&b;")
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("t.xlsx", truncated, ""),
        ("t.xlsx", with_dtd, "could not be opened"),
        ("t.xlsx", lambda: b"%PDF-1.4 not a workbook", ""),
        ("t.csv", lambda: "Mã đơn vị,Tên đơn vị\n".encode("utf-16"), "UTF-8"),
        ("t.csv", lambda: b"foo,bar\n1,2\n", "does not match any import template"),
        ("t.csv", lambda: b"", "empty"),
    ],
    ids=["truncated", "dtd", "not-a-workbook", "not-utf8", "unknown-header", "empty"],
)
def test_an_unreadable_file_is_refused_with_a_reason_and_nothing_is_staged(
    world: World, name: str, build: Any, words: str
) -> None:
    from blocks.models import StagedImport

    with translation.override("en"):
        with pytest.raises(Unreadable) as refused:
            read_file(name, build())
        assert words in refused.value.message
        with pytest.raises(DomainError):
            staging.stage_import(world.authority, by=world.staff, name=name, content=build())
    assert not StagedImport.objects.exists()
