"""Importing and exporting criteria tables: row numbers for every bad row, nothing saved when
any row is bad, numbers stay numbers, and the sample table goes round unchanged."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from covenants.models import Document
from emulation.errors import DomainError
from scoring import excel, services
from scoring.models import Band, CriteriaTable, Criterion
from tests.factories import (
    World,
    make_block_year,
    make_criteria_table,
    open_assessment,
    registry_snapshot,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scoring" / "data" / "criteria-party-agencies-sample.csv"
SHARED = ROOT.parent / "shared" / "data" / "criteria-party-agencies-sample.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list[Any]], **sheets: list[list[Any]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Criteria"
    for cells in rows:
        sheet.append(cells)
    for title, lines in sheets.items():
        extra = workbook.create_sheet(title)
        for cells in lines:
            extra.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("tieu-chi.xlsx", out.getvalue(), content_type=XLSX)


def csv_file(text: str, name: str = "tieu-chi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_bundled_sample_is_the_shared_sample() -> None:
    if not SHARED.exists():
        pytest.skip("the shared data folder is not beside the project")
    assert SAMPLE.read_bytes() == SHARED.read_bytes()


def test_the_sample_csv_imports_and_exports_unchanged(world: World) -> None:
    table = make_criteria_table(world, adopted=False)
    assert table.criteria.count() == 22
    assert excel.table_csv(services.table_data(table)) == SAMPLE.read_bytes().decode()


def test_the_sample_goes_through_excel_and_back_unchanged(world: World) -> None:
    table = make_criteria_table(world, adopted=False)
    workbook = excel.table_xlsx(services.table_data(table))
    upload = SimpleUploadedFile("export.xlsx", workbook, content_type=XLSX)
    data = excel.read_table_file(upload, scale=Decimal(100))
    assert excel.table_csv(data) == SAMPLE.read_bytes().decode()
    assert data.tie_break == ["I", "II", "III"]
    assert [b.label for b in data.bands] == [b.label for b in table.bands.order_by("position")]


def test_numbers_stay_numbers_in_the_exported_workbook(world: World, client: Any) -> None:
    make_criteria_table(world, adopted=False)
    client.force_login(world.leader)
    response = client.get(reverse("scoring:criteria_export_xlsx", args=[world.block_year.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content))["Criteria"]
    header, first, second = (
        next(sheet.iter_rows(max_row=3, values_only=True)),
        *list(sheet.iter_rows(min_row=2, max_row=3, values_only=True)),
    )
    assert header[3] == "max_points"
    assert (first[0], first[3], second[3]) == ("I", 50, 20)
    assert isinstance(first[3], int)
    assert load_workbook(io.BytesIO(response.content))["Settings"]["B1"].value == 100


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_saved(world: World) -> None:
    upload = xlsx(
        [
            excel.COLUMNS,
            ["I", "Nhiệm vụ", "", 60, "standard", "no", ""],
            ["I.1", "Chỉ tiêu", "", "mười", "standard", "yes", ""],
            ["I.2", "Tham mưu", "", 10, "thưởng lớn", "no", ""],
            ["II.9.z", "Mồ côi", "", 5, "standard", "có", ""],
            ["II", "Xây dựng Đảng", "", 40, "standard", "maybe", ""],
        ]
    )
    before = registry_snapshot()
    with pytest.raises(services.TableInvalid) as refused:
        services.import_table(world.block_year, upload, by=world.secretariat)
    messages = [str(p) for p in refused.value.problems]
    assert messages == [
        "Row 3: “mười” is not a number of points; write for example 8 or 8,5.",
        "Row 4: The kind “thưởng lớn” is unknown; write standard, bonus or deduction.",
        "Row 6: Write yes or no, not “maybe”.",
    ]
    assert not CriteriaTable.objects.exists() and not Document.objects.exists()
    assert registry_snapshot() == before


def test_rows_that_read_well_are_then_checked_as_a_table(world: World) -> None:
    upload = xlsx(
        [
            excel.COLUMNS,
            ["I", "Nhiệm vụ", "", 60, "standard", "no", ""],
            ["I.1", "Chỉ tiêu", "", 70, "standard", "yes", ""],
            ["II.9", "Mồ côi", "", 40, "standard", "có", ""],
        ]
    )
    with pytest.raises(services.TableInvalid) as refused:
        services.import_table(world.block_year, upload, by=world.secretariat)
    assert [str(p) for p in refused.value.problems] == [
        "Row 4: II.9 has no parent row II above it.",
        "Row 2: The rows under I add up to 70 points, more than its 60.",
        "The standard sections (I) add up to 60 points; they must add up to the scale of 100.",
    ]
    assert not Criterion.objects.exists()


def test_an_import_page_lists_every_problem(world: World, client: Any) -> None:
    client.force_login(world.secretariat)
    text = "code,title_vi,title_en,max_points,kind,evidence_required,guidance_vi\r\nI,Nhiệm vụ,,-5,standard,no,\r\n"
    response = client.post(
        reverse("scoring:criteria_import", args=[world.block_year.pk]), {"file": csv_file(text)}
    )
    assert response.status_code == 200
    assert "Row 2: Points cannot be negative." in response.content.decode()
    assert not CriteriaTable.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bang.xlsx", b"not a workbook at all", "This kind of file is not accepted"),
        ("bang.csv", b"\xff\xfe\x00c\x00o", "The CSV file is not in UTF-8"),
        ("bang.csv", b"", "The file is empty."),
        (
            "bang.csv",
            b"ma,ten\r\nI,x\r\n",
            "Row 1: The header row lacks the columns code, title_vi, max_points, kind",
        ),
        ("bang.pdf", b"%PDF-1.4\n%%EOF\n", "This kind of file is not accepted"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused(
    world: World, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(services.TableInvalid) as refused:
        services.import_table(
            world.block_year, SimpleUploadedFile(name, content), by=world.secretariat
        )
    assert str(refused.value.problems[0]).startswith(message)


def test_a_semicolon_csv_from_a_vietnamese_excel_imports_too(world: World) -> None:
    text = SAMPLE.read_bytes().decode()
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    table = services.import_table(
        world.block_year, csv_file("\ufeff" + out.getvalue()), by=world.secretariat
    )
    assert table.criteria.count() == 22


def test_bands_and_settings_come_from_their_sheets(world: World) -> None:
    upload = xlsx(
        [
            excel.COLUMNS,
            ["I", "Nhiệm vụ", "", 600, "standard", "no", ""],
            ["II", "Đảng", "", 400, "standard", "no", ""],
        ],
        Bands=[excel.BAND_COLUMNS, ["Xuất sắc", 900, 90], ["Hoàn thành", 0, 0]],
        Settings=[["scale", 1000], ["tie_break", "II, I"]],
    )
    table = services.import_table(world.block_year, upload, by=world.secretariat)
    assert table.scale == 1000 and table.tie_break == ["II", "I"]
    assert list(Band.objects.values_list("label", "min_total", "floor_percent")) == [
        ("Xuất sắc", Decimal(900), Decimal(90)),
        ("Hoàn thành", Decimal(0), Decimal(0)),
    ]


def test_a_new_table_gets_the_published_bands_and_section_order(world: World) -> None:
    table = make_criteria_table(world, adopted=False)
    assert list(table.bands.order_by("position").values_list("min_total", "floor_percent")) == [
        (Decimal(90), Decimal(85)),
        (Decimal(80), Decimal(80)),
        (Decimal(70), Decimal(70)),
        (Decimal(0), Decimal(0)),
    ]
    assert table.tie_break == ["I", "II", "III"]


def test_the_table_is_a_criteria_document_whose_text_is_the_table(world: World) -> None:
    table = make_criteria_table(world, adopted=False)
    document = table.document
    assert document.kind == Document.Kind.CRITERIA and document.status == Document.Status.DRAFT
    body = document.versions.get().body
    assert (
        "I.1. Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm (20 điểm; có minh chứng)"
        in body
    )
    assert "IV. Điểm thưởng (cộng tối đa 10 điểm)" in body


def test_changing_an_adopted_table_makes_a_new_version_to_adopt_again(world: World) -> None:
    table = make_criteria_table(world)
    assert services.adopted_text_matches(table)
    criterion = table.criteria.get(code="I.2")
    services.update_criterion(
        criterion,
        by=world.secretariat,
        title_vi="Tham mưu có chất lượng",
        title_en="",
        guidance="Mỗi văn bản bị trả lại trừ 1 điểm",
        max_points=Decimal(10),
        evidence_required=True,
    )
    table.refresh_from_db()
    document = table.document
    document.refresh_from_db()
    assert document.status == Document.Status.DRAFT
    assert document.versions.count() == 2
    assert not services.adopted_text_matches(table)


def test_a_row_change_that_breaks_the_table_saves_nothing(world: World) -> None:
    table = make_criteria_table(world, adopted=False)
    with pytest.raises(services.TableInvalid) as refused:
        services.update_criterion(
            table.criteria.get(code="I.2"),
            by=world.secretariat,
            title_vi="Tham mưu",
            title_en="",
            guidance="",
            max_points=Decimal(15),
            evidence_required=True,
        )
    assert "The rows under I add up to 55 points, more than its 50." in [
        str(p) for p in refused.value.problems
    ]
    assert table.criteria.get(code="I.2").max_points == 10


def test_last_years_table_is_copied_into_this_year(world: World) -> None:
    make_criteria_table(world, adopted=False)
    next_year = make_block_year(
        world.block, world.units, year=world.block_year.year + 1, head=world.units[0]
    )
    table = services.copy_previous_table(next_year, by=world.secretariat)
    assert table.criteria.count() == 22
    assert table.document is not None
    assert table.document.title == f"Bảng tiêu chí chấm điểm thi đua năm {next_year.year}"


def test_there_is_nothing_to_copy_in_a_blocks_first_year(world: World) -> None:
    with pytest.raises(DomainError, match="no criteria table in an earlier year"):
        services.copy_previous_table(world.block_year, by=world.secretariat)


def test_the_table_is_locked_once_self_assessment_opens(world: World) -> None:
    table = open_assessment(world)
    with pytest.raises(DomainError, match="locked"):
        services.import_table(
            world.block_year, csv_file(SAMPLE.read_bytes().decode()), by=world.secretariat
        )
    with pytest.raises(DomainError, match="locked"):
        services.update_settings(
            table,
            by=world.secretariat,
            scale=Decimal(100),
            tie_break=["I"],
            bands=[],
            response_days=5,
        )


def test_the_settings_page_saves_bands_and_tie_break_and_explains_a_refusal(
    world: World, client: Any
) -> None:
    table = make_criteria_table(world, adopted=False)
    client.force_login(world.secretariat)
    url = reverse("scoring:criteria_settings", args=[world.block_year.pk])
    form = client.get(url).context["form"]
    assert form.initial["scale"] == "100" and form.initial["band_1_min"] == "90"
    data = {
        "scale": "1000",
        "tie_break": "II, I",
        "response_days": "7",
        "band_1_label": "Xuất sắc",
        "band_1_min": "90",
        "band_1_floor": "85",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "must add up to the scale of 1000" in response.content.decode()
    assert CriteriaTable.objects.get(pk=table.pk).scale == 100
    response = client.post(url, {**data, "scale": "100"})
    assert response.status_code == 302
    table.refresh_from_db()
    assert (table.tie_break, table.response_days) == (["II", "I"], 7)
    assert list(table.bands.values_list("label", "min_total")) == [("Xuất sắc", Decimal(90))]
