"""What each person must do now about self-assessment, review and the ranking (one query besides
the person's roles, `blocks.home.roles_of`, written by hand: the ORM took longer to build it than
the database to run it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.home import roles_of
from blocks.models import Block, BlockYear
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.sql import Columns, fetch, marks
from scoring.models import CriteriaTable, Ranking, ScoreSheet

S = ScoreSheet.Status


def my_tasks(request: AuthedRequest) -> Section | None:
    today = timezone.localdate()
    roles = roles_of(request)
    if not (roles.unit_ids or roles.running):
        return None
    my_units, led, running = set(roles.units), set(roles.led), set(roles.running)
    sheets = _sheets(roles.unit_ids, roles.running)
    for sheet in sheets:
        sheet.mine = sheet.unit_id in my_units  # type: ignore[attr-defined]
        sheet.leads = sheet.unit_id in led  # type: ignore[attr-defined]
        sheet.reviews = sheet.reviewer_unit_id in my_units  # type: ignore[attr-defined]
        sheet.runs = sheet.table.block_year_id in running  # type: ignore[attr-defined]
    tasks: list[dict[str, Any]] = []
    unfinished: dict[int, bool] = {}
    for sheet in sheets:
        table = sheet.table
        if sheet.runs:  # type: ignore[attr-defined]
            unfinished[table.pk] = unfinished.get(table.pk, False) or sheet.status != S.FINAL
        task = _task_for(sheet, today)
        if task:
            tasks.append(task)
    for sheet in sheets:
        if unfinished.get(sheet.table_id) is False:
            unfinished[sheet.table_id] = True  # once per table
            block_year = sheet.table.block_year
            tasks.append(
                _task(
                    "megaphone",
                    _("Publish the %(year)s ranking of %(block)s")
                    % {"year": block_year.year, "block": block_year.block.name},
                    None,
                    reverse("scoring:ranking_detail", args=[block_year.pk]),
                )
            )
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("scoring/_home.html", {"tasks": tasks, "today": today}, order=6)


def _task_for(sheet: Any, today: Any) -> dict[str, Any] | None:
    name = {"unit": sheet.unit_name}
    if sheet.mine:
        if sheet.status == S.DRAFT and sheet.is_editable(today):
            text = (
                _("Fill in and submit the self-assessment of %(unit)s")
                if sheet.leads
                else _("Fill in the self-assessment of %(unit)s")
            )
            return _task(
                "clipboard-check", text % name, sheet.open_until(), sheet.get_absolute_url()
            )
        if sheet.status == S.RETURNED and sheet.leads:
            return _task(
                "reply",
                _("Accept or answer the review of %(unit)s") % name,
                sheet.respond_by,
                sheet.get_absolute_url(),
            )
        return None
    if (sheet.runs or sheet.reviews) and sheet.status in (S.SUBMITTED, S.RESPONDED):
        return _task(
            "layout-split",
            _("Review the sheet of %(unit)s") % name,
            None,
            reverse("scoring:sheet_review", args=[sheet.pk]),
        )
    if sheet.runs and sheet.status == S.ACCEPTED:
        return _task(
            "check2-all",
            _("Finalise the scores of %(unit)s") % name,
            None,
            reverse("scoring:sheet_finalise", args=[sheet.pk]),
        )
    return None


def _task(icon: str, text: str, deadline: Any, url: str) -> dict[str, Any]:
    return {"icon": icon, "text": text, "deadline": deadline, "url": url}


_SHEET = Columns(
    ScoreSheet,
    "s",
    "id",
    "table",
    "unit",
    "unit_name",
    "status",
    "reviewer_unit",
    "reopened_until",
    "respond_by",
)
_TABLE = Columns(CriteriaTable, "t", "id", "block_year", "deadline")
_YEAR = Columns(BlockYear, "y", "id", "block", "year")
_BLOCK = Columns(Block, "b", "id", "name")
_SHEETS_SQL = f"""
SELECT {", ".join(c.sql for c in (_SHEET, _TABLE, _YEAR, _BLOCK))}
FROM {ScoreSheet._meta.db_table} s
INNER JOIN {CriteriaTable._meta.db_table} t ON t.id = s.table_id
INNER JOIN {BlockYear._meta.db_table} y ON y.id = t.block_year_id
INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id
WHERE ({{mine}}) AND t.opened_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM {Ranking._meta.db_table} r WHERE r.table_id = t.id)
ORDER BY t.deadline, s.position"""


def _sheets(units: list[int], running: list[int]) -> list[ScoreSheet]:
    """Every sheet of a table open for self-assessment and not yet ranked that one of the
    person's `units` fills in or reviews, or of a block year they run as secretariat; with its
    table, block year and block."""
    mine: list[str] = []
    params: list[Any] = []
    if units:
        mine.append(f"s.unit_id IN ({marks(units)}) OR s.reviewer_unit_id IN ({marks(units)})")
        params += [*units, *units]
    if running:
        mine.append(f"t.block_year_id IN ({marks(running)})")
        params += running
    sheets = []
    for row in fetch(_SHEETS_SQL.format(mine=" OR ".join(mine)), params):
        sheet = _SHEET.instance(row)
        at = _SHEET.width
        sheet.table = _TABLE.instance(row, at)
        at += _TABLE.width
        sheet.table.block_year = _YEAR.instance(row, at)
        sheet.table.block_year.block = _BLOCK.instance(row, at + _YEAR.width)
        sheets.append(sheet)
    return sheets
