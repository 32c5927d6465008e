"""Spreadsheets given out keep text inert: a text cell beginning with `=`, `+`, `-`, `@`, a
tab or a carriage return would be read as a formula by a spreadsheet program (CSV injection),
so a CSV cell gets a leading `'` (as OWASP advises) and a workbook cell is stored as a plain
string, never a formula. Numbers, negative ones too, stay numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """The value for a CSV cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def inert_row(values: Iterable[Any]) -> list[Any]:
    return [inert(value) for value in values]


def uninert(value: str) -> str:
    """Undo `inert` on text read back from a file this site exported."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row to a workbook sheet, every text cell a plain string (openpyxl would store
    text beginning with `=` as a formula)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell, Cell) and isinstance(cell.value, str):
            cell.data_type = "s"
