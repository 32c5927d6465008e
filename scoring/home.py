"""What each person must do now about self-assessment, review and the ranking (one query)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import Membership, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest
from scoring.models import ScoreSheet

S = ScoreSheet.Status


def my_tasks(request: AuthedRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    roles = UnitRole.objects.filter(user=user)
    my_units = roles.values("unit")
    leading_years = (
        Membership.objects.leading().current().filter(unit__roles__user=user).values("block_year")
    )
    # Every unpublished sheet the person fills in, answers for, reviews or runs as secretariat.
    sheets = (
        ScoreSheet.objects.filter(
            Q(unit__in=my_units)
            | Q(reviewer_unit__in=my_units)
            | Q(table__block_year__in=leading_years),
            table__opened_at__isnull=False,
            table__ranking__isnull=True,
        )
        .annotate(
            mine=Exists(roles.filter(unit=OuterRef("unit"))),
            leads=Exists(roles.filter(unit=OuterRef("unit"), role=UnitRole.Role.LEADER)),
            reviews=Exists(roles.filter(unit=OuterRef("reviewer_unit"))),
            runs=Exists(
                Membership.objects.leading()
                .current()
                .filter(block_year=OuterRef("table__block_year"), unit__roles__user=user)
            ),
        )
        .select_related("table__block_year__block")
        .order_by("table__deadline", "position")
    )
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
