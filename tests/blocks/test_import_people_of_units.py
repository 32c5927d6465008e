"""The sheet "Nhân sự": the people of units as the units' records (not accounts), matched by
their unit and code, so that the same file again changes nothing."""

from __future__ import annotations

from typing import Any

from blocks.imports import staging
from blocks.imports.plan import Plan
from blocks.imports.read import read_file
from blocks.models import Person, StagedImport, Unit
from emulation.models import AuditEvent
from tests.blocks.import_files import csv_file, workbook
from tests.factories import World, make_person


def stage(world: World, content: bytes, name: str = "nhan-su.xlsx") -> StagedImport:
    return staging.stage_import(world.authority, by=world.staff, name=name, content=content)


def coded(world: World) -> Unit:
    unit = world.units[2]
    Unit.objects.filter(pk=unit.pk).update(code="QT-BTG")
    return unit


ROWS: list[dict[str, Any]] = [
    {
        "code": "CB01",
        "full_name": "Lê Thị Hoa",
        "title": "Trưởng phòng",
        "unit": "QT-BTG",
        "gender": "Nữ",
        "birth_year": 1980,
        "serving_since": 2010,
    },
    {"code": "CB02", "full_name": "Phạm Văn Bình", "title": "Chuyên viên", "unit": "QT-BTG"},
]


def test_people_are_created_once_and_the_same_file_again_changes_nothing(world: World) -> None:
    unit = coded(world)
    content = workbook(personnel=ROWS)
    staged = stage(world, content)
    assert staged.summary == {"created": 2, "changed": 0, "unchanged": 0, "problems": 0}
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    hoa = Person.objects.get(unit=unit, code="CB01")
    assert (hoa.full_name, hoa.gender, hoa.birth_year, hoa.serving_since) == (
        "Lê Thị Hoa",
        "female",
        1980,
        2010,
    )
    assert hoa.search_key  # found by the people page's search
    event = AuditEvent.objects.get(action="blocks.people.imported")
    assert len((event.after or {})["people"]) == 2
    again = stage(world, content)
    assert again.summary == {"created": 0, "changed": 0, "unchanged": 2, "problems": 0}
    staging.confirm_import(again, by=world.staff, sha256=again.sha256)
    assert Person.objects.filter(unit=unit).count() == 2


def test_a_known_code_is_updated_where_the_file_differs(world: World) -> None:
    unit = coded(world)
    make_person(unit, "Lê Thị Hoa", code="CB01", title="Chuyên viên")
    staged = stage(world, csv_file("personnel", ROWS[:1]), name="nhan-su.csv")
    assert staged.summary == {"created": 0, "changed": 1, "unchanged": 0, "problems": 0}
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    person = Person.objects.get(unit=unit, code="CB01")
    assert person.title == "Trưởng phòng" and person.birth_year == 1980
    assert AuditEvent.objects.filter(action="blocks.person.changed").count() == 1


def test_bad_cells_are_named_by_line_and_column(world: World) -> None:
    coded(world)
    rows = [
        {**ROWS[0], "gender": "Khác", "code": "A"},
        {**ROWS[1], "birth_year": "năm"},
        {**ROWS[1], "unit": "KHONG-CO"},
        {**ROWS[0]},
        {**ROWS[0]},
    ]
    plan = Plan(world.authority, read_file("f.xlsx", workbook(personnel=rows)), by=world.staff)
    problems = {(p.line, p.column) for p in plan.problems}
    assert {(2, "Giới tính"), (3, "Năm sinh"), (4, "Mã đơn vị"), (6, "Mã cá nhân")} <= problems
