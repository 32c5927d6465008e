"""What each person must do now about self-assessment, review and the ranking (one query)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.roles import Roles
from scoring.models import ScoreSheet


def my_tasks(request: AuthedRequest) -> Section | None:
    roles = request.roles
    if not (roles.units or roles.secretariat_years):
        return None
    today = timezone.localdate()
    sheets = list(ScoreSheet.objects.unpublished_for(roles).order_by("table__deadline", "position"))
    tasks: list[dict[str, Any]] = []
    unfinished: dict[int, bool] = {}
    for sheet in sheets:
        runs = roles.runs_year(sheet.table.block_year_id)
        if runs:
            unfinished[sheet.table_id] = unfinished.get(sheet.table_id, False) or (
                sheet.status != ScoreSheet.Status.FINAL
            )
        task = _task_for(sheet, roles, runs=runs, today=today)
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


def _task_for(
    sheet: ScoreSheet, roles: Roles, *, runs: bool, today: datetime.date
) -> dict[str, Any] | None:
    name = {"unit": sheet.unit_name}
    if roles.works_in(sheet.unit_id):
        leads = roles.leads(sheet.unit_id)
        if sheet.status == ScoreSheet.Status.DRAFT and sheet.is_editable(today):
            text = (
                _("Fill in and submit the self-assessment of %(unit)s")
                if leads
                else _("Fill in the self-assessment of %(unit)s")
            )
            return _task(
                "clipboard-check", text % name, sheet.open_until(), sheet.get_absolute_url()
            )
        if sheet.status == ScoreSheet.Status.RETURNED and leads:
            return _task(
                "reply",
                _("Accept or answer the review of %(unit)s") % name,
                sheet.respond_by,
                sheet.get_absolute_url(),
            )
        return None
    reviews = roles.works_in(sheet.reviewer_unit_id)
    if (runs or reviews) and sheet.status in (
        ScoreSheet.Status.SUBMITTED,
        ScoreSheet.Status.RESPONDED,
    ):
        return _task(
            "layout-split",
            _("Review the sheet of %(unit)s") % name,
            None,
            reverse("scoring:sheet_review", args=[sheet.pk]),
        )
    if runs and sheet.status == ScoreSheet.Status.ACCEPTED:
        return _task(
            "check2-all",
            _("Finalise the scores of %(unit)s") % name,
            None,
            reverse("scoring:sheet_finalise", args=[sheet.pk]),
        )
    return None


def _task(icon: str, text: str, deadline: Any, url: str) -> dict[str, Any]:
    return {"icon": icon, "text": text, "deadline": deadline, "url": url}
