"""Workbooks and CSV files brought in: a truncated, malformed or DTD-bearing workbook is
answered with a clear message and nothing saved; every text cell is composed (NFC)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from covenants.models import Document
from scoring import excel, services
from scoring.models import CriteriaTable, Criterion
from tests.factories import World, registry_snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS: list[list[Any]] = [
    list(excel.COLUMNS),
    ["I", "Nhiệm vụ chính trị", "", 60, "standard", "no", "Hướng dẫn"],
    ["I.1", "Chỉ tiêu", "", 60, "standard", "no", ""],
    ["II", "Xây dựng Đảng", "", 40, "standard", "no", ""],
    ["II.1", "Tổ chức đảng", "", 40, "standard", "no", ""],
]


def workbook_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Criteria"
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_member(content: bytes, name: str, body: bytes) -> bytes:
    """The workbook with one of its parts replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, body if info.filename == name else source.read(info))
    return out.getvalue()


GOOD = workbook_bytes(ROWS)
SHEET = "xl/worksheets/sheet1.xml"


def with_dtd(content: bytes, name: str) -> bytes:
    """The workbook whose part `name` declares entities (a growing "billion laughs" chain) and
    uses one: read as plain XML it would import, the entity expanded."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        body = source.read(name)
    start = body.index(b"?>") + 2 if body.startswith(b"<?xml") else 0
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    body = body[:start] + dtd + body[start:]
    if "Chỉ tiêu".encode() in body:
        body = body.replace("Chỉ tiêu".encode(), b"&b;")
    return with_member(content, name, body)


BAD_WORKBOOKS = {
    "truncated": GOOD[: len(GOOD) // 2],
    "truncated tail": GOOD[:-30],
    "malformed sheet": with_member(GOOD, SHEET, b"<worksheet><sheetData><row><c"),
    "malformed workbook part": with_member(GOOD, "xl/workbook.xml", b"<workbook><sheets"),
    "not a zip entry but XML": with_member(GOOD, SHEET, b"\x00\x01 not xml"),
    "DTD in a sheet": with_dtd(GOOD, SHEET),
    "DTD in the workbook part": with_dtd(GOOD, "xl/workbook.xml"),
}


@pytest.mark.parametrize("content", BAD_WORKBOOKS.values(), ids=BAD_WORKBOOKS.keys())
def test_a_broken_or_hostile_workbook_is_refused_with_a_message(
    world: World, client: Any, content: bytes
) -> None:
    before = registry_snapshot()
    with translation.override("vi"), pytest.raises(services.TableInvalid) as refused:
        services.import_table(
            world.block_year,
            SimpleUploadedFile("bang.xlsx", content, content_type=XLSX),
            by=world.secretariat,
        )
    assert refused.value.problems and str(refused.value.problems[0])
    client.force_login(world.secretariat)
    client.raise_request_exception = False
    response = client.post(
        reverse("scoring:criteria_import", args=[world.block_year.pk]),
        {"file": SimpleUploadedFile("bang.xlsx", content, content_type=XLSX)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert world.secretariat.preferred_language == "vi"
    assert escape(str(refused.value.problems[0])) in page
    assert not CriteriaTable.objects.exists() and not Document.objects.exists()
    assert registry_snapshot() == before


def test_the_good_workbook_the_broken_ones_come_from_imports(world: World) -> None:
    table = services.import_table(
        world.block_year,
        SimpleUploadedFile("bang.xlsx", GOOD, content_type=XLSX),
        by=world.secretariat,
    )
    assert table.criteria.count() == 4


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _saved_titles() -> list[tuple[str, str]]:
    return list(Criterion.objects.order_by("position").values_list("title_vi", "guidance"))


def test_decomposed_text_in_a_workbook_is_saved_composed(world: World) -> None:
    rows = [[nfd(c) if isinstance(c, str) else c for c in row] for row in ROWS]
    assert nfd("Nhiệm vụ chính trị") != "Nhiệm vụ chính trị"
    services.import_table(
        world.block_year,
        SimpleUploadedFile("bang.xlsx", workbook_bytes(rows), content_type=XLSX),
        by=world.secretariat,
    )
    assert _saved_titles()[:2] == [("Nhiệm vụ chính trị", "Hướng dẫn"), ("Chỉ tiêu", "")]


def test_decomposed_text_in_a_csv_is_saved_composed(world: World) -> None:
    text = "\r\n".join(",".join(str(c) for c in row) for row in ROWS) + "\r\n"
    upload = SimpleUploadedFile("bang.csv", nfd(text).encode(), content_type="text/csv")
    services.import_table(world.block_year, upload, by=world.secretariat)
    assert _saved_titles()[:2] == [("Nhiệm vụ chính trị", "Hướng dẫn"), ("Chỉ tiêu", "")]
