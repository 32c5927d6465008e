"""Every spreadsheet the site gives out keeps text inert: a cell beginning with `=`, `+`, `-`,
`@`, a tab or a carriage return is never a formula (a CSV cell gets a leading `'`, a workbook
cell is a plain string), while numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from awards.models import AwardType, Decision, Nomination
from emulation.exports import TRIGGERS, inert
from scoring import services
from scoring.models import Band, CriteriaTable, Criterion, ScoreSheet
from tests.awards.test_statistics import decide
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    make_criteria_table,
    make_sent_dossier,
)
from tests.scoring.test_ranking import table as table

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2", "\t=1", "\r=1"]


def test_the_shared_function_quotes_text_and_leaves_numbers() -> None:
    for text in HOSTILE:
        assert inert(text) == "'" + text
    assert inert("Nhiệm vụ") == "Nhiệm vụ"
    assert inert("") == ""
    assert inert(-1) == -1
    assert inert(Decimal("-2.5")) == Decimal("-2.5")
    assert set(TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def _csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]


def _workbook_cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def cells_of_row(cells: list[Any], row: int) -> list[Any]:
    return [c for c in cells if c.row == row and c.value is not None]


def _no_formula(cells: list[Any], expected: list[str]) -> None:
    """No cell is a formula, and each hostile text is there as the text it was (a carriage
    return written raw is read back as a line feed; written as `&#13;`, as lxml does, it stays)."""
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells]
    for text in expected:
        assert text in values or text.replace("\r", "\n") in values, text


def _hostile_criteria(table: CriteriaTable) -> list[str]:
    rows = list(table.criteria.filter(parent__isnull=False).order_by("position")[: len(HOSTILE)])
    for row, text in zip(rows, HOSTILE, strict=True):
        Criterion.objects.filter(pk=row.pk).update(title_vi=text, title_en=text, guidance=text)
    first = table.bands.order_by("position").first()
    assert first is not None
    Band.objects.filter(pk=first.pk).update(label=HOSTILE[0])
    return HOSTILE


def test_the_criteria_csv_quotes_every_hostile_cell(world: World, client: Any) -> None:
    table = make_criteria_table(world, adopted=False)
    _hostile_criteria(table)
    client.force_login(world.leader)
    response = client.get(reverse("scoring:criteria_export_csv", args=[world.block_year.pk]))
    assert response.status_code == 200
    cells = _csv_cells(response.content)
    for text in HOSTILE:
        assert "'" + text in cells
    assert [c for c in cells if c[:1] in "=+-@\t\r" and c[:1]] == []


def test_the_criteria_workbook_has_no_formula(world: World, client: Any) -> None:
    table = make_criteria_table(world, adopted=False)
    _hostile_criteria(table)
    client.force_login(world.leader)
    response = client.get(reverse("scoring:criteria_export_xlsx", args=[world.block_year.pk]))
    assert response.status_code == 200
    _no_formula(_workbook_cells(response.content), HOSTILE)


def test_the_ranking_workbook_has_no_formula_and_keeps_numbers(
    world: World,
    table: CriteriaTable,
    client: Any,
) -> None:
    for sheet, text in zip(ScoreSheet.objects.filter(table=table), HOSTILE, strict=False):
        ScoreSheet.objects.filter(pk=sheet.pk).update(unit_name=text)
    Band.objects.filter(table=table).update(label="-" + HOSTILE[0])
    services.publish_ranking(table, by=world.secretariat)
    client.force_login(world.leader)
    response = client.get(reverse("scoring:ranking_export", args=[world.block_year.pk]))
    assert response.status_code == 200
    cells = _workbook_cells(response.content)
    _no_formula(cells, [*HOSTILE[: len(world.units)], "-" + HOSTILE[0]])
    numbers = [c.value for c in cells if c.row > 2 and c.column == 1]
    assert numbers and all(isinstance(n, int) for n in numbers)
    totals = [c for c in cells if c.row > 2 and c.column == len(cells_of_row(cells, 2)) - 2]
    assert totals and all(c.data_type == "n" for c in totals)


def test_the_statistics_workbook_has_no_formula(world: World, client: Any) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], Nomination.Status.AWARDED)
    decision = decide(world, [first])
    Decision.objects.filter(pk=decision.pk).update(number=HOSTILE[0])
    Nomination.objects.filter(pk=first.pk).update(unit_name=HOSTILE[1])
    Nomination.objects.filter(pk=second.pk).update(unit_name=HOSTILE[2])
    world.block_year.block.__class__.objects.filter(pk=world.block_year.block_id).update(
        name=HOSTILE[3]
    )
    client.force_login(world.member)
    response = client.get(reverse("awards:statistics_xlsx", args=[world.authority.pk, YEAR]))
    assert response.status_code == 200
    _no_formula(_workbook_cells(response.content), HOSTILE[:4])


def test_the_workbook_over_the_years_has_no_formula(world: World, client: Any) -> None:
    first, *_rest = make_sent_dossier(world)
    at_council_status([first], Nomination.Status.AWARDED)
    decide(world, [first])
    AwardType.objects.filter(pk=first.award_type_id).update(name_vi=HOSTILE[0], name_en=HOSTILE[0])
    client.force_login(world.member)
    response = client.get(reverse("awards:trends_xlsx", args=[world.authority.pk]))
    assert response.status_code == 200
    _no_formula(_workbook_cells(response.content), HOSTILE[:1])


def test_an_exported_csv_imports_back_to_the_same_text(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import excel

    table = make_criteria_table(world, adopted=False)
    _hostile_criteria(table)
    exported = excel.table_csv(services.table_data(table))
    data = excel.read_table_file(
        SimpleUploadedFile("t.csv", exported.encode(), content_type="text/csv"),
        scale=Decimal(100),
    )
    titles = [row.title_vi for row in data.rows]
    for text in HOSTILE:
        assert text in titles
