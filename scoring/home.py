"""What each person must do now about self-assessment, review and the ranking: one query for the
sheets, one more for the secretariat (the years whose self-assessment it may open) and one for
council staff (the block heads' own sheets, which the heads' people do not review)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import BlockYear, Membership
from covenants.models import Document
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.roles import Roles
from scoring.models import ScoreSheet


def my_tasks(request: AuthedRequest) -> Section | None:
    roles = request.roles
    if not (roles.units or roles.secretariat_years or roles.staff_of):
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
    if roles.secretariat_years:
        tasks.extend(_opening_tasks(roles.secretariat_years))
    if roles.staff_of:
        seen = {sheet.pk for sheet in sheets}
        tasks.extend(
            _head_sheet_task(sheet)
            for sheet in _head_sheets(roles.staff_of)
            if sheet.pk not in seen
        )
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


def _to_open(years: frozenset[int]) -> Any:
    """The years the person runs whose covenant is in force and whose self-assessment has not
    opened, with whether the criteria table exists and is adopted."""
    return (
        BlockYear.objects.filter(pk__in=years)
        .filter(
            Exists(
                Document.objects.filter(
                    block_year=OuterRef("pk"),
                    kind=Document.Kind.COVENANT,
                    status=Document.Status.IN_FORCE,
                )
            )
        )
        .exclude(criteria_table__opened_at__isnull=False)
        .annotate(
            adopted=Exists(
                Document.objects.filter(
                    Q(criteria_table__block_year=OuterRef("pk")),
                    status=Document.Status.ADOPTED,
                )
            )
        )
        .select_related("block")
        .order_by("year", "pk")
    )


def _opening_tasks(years: frozenset[int]) -> list[dict[str, Any]]:
    tasks = []
    for block_year in _to_open(years):
        names = {"block": block_year.block.name, "year": block_year.year}
        if block_year.adopted:  # type: ignore[attr-defined]
            tasks.append(
                _task(
                    "unlock",
                    _("Open the %(year)s self-assessment of %(block)s") % names,
                    block_year.self_assessment_deadline,
                    reverse("scoring:assessment_open", args=[block_year.pk]),
                )
            )
        else:
            tasks.append(
                _task(
                    "table",
                    _(
                        "Prepare and adopt the %(year)s criteria table of %(block)s,"
                        " then open self-assessment"
                    )
                    % names,
                    None,
                    reverse("scoring:criteria_detail", args=[block_year.pk]),
                )
            )
    return tasks


def _head_sheets(staff_of: frozenset[int]) -> Any:
    """For council staff: the block heads' own sheets awaiting review or finalising in the
    councils they staff (the head's people do not review their own unit)."""
    return (
        ScoreSheet.objects.filter(
            table__block_year__block__authority__in=staff_of,
            table__opened_at__isnull=False,
            table__ranking__isnull=True,
            status__in=[
                ScoreSheet.Status.SUBMITTED,
                ScoreSheet.Status.RESPONDED,
                ScoreSheet.Status.ACCEPTED,
            ],
        )
        .filter(
            Exists(
                Membership.objects.filter(
                    block_year=OuterRef("table__block_year"),
                    unit=OuterRef("unit"),
                    role=Membership.Role.HEAD,
                )
            )
        )
        .select_related("table__block_year__block")
        .order_by("table__deadline", "pk")
    )


def _head_sheet_task(sheet: ScoreSheet) -> dict[str, Any]:
    names = {"unit": sheet.unit_name, "block": sheet.table.block_year.block.name}
    if sheet.status == ScoreSheet.Status.ACCEPTED:
        return _task(
            "check2-all",
            _("Finalise the scores of the block head %(unit)s (%(block)s)") % names,
            None,
            reverse("scoring:sheet_finalise", args=[sheet.pk]),
        )
    return _task(
        "layout-split",
        _("Review the sheet of the block head %(unit)s (%(block)s)") % names,
        None,
        reverse("scoring:sheet_review", args=[sheet.pk]),
    )


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
