"""Steps 6–8 of the block-year dashboard: self-assessment, review, ranking.

The three steps share one query (cached on the block year), whatever the number of units, written
in SQL (`_table_sql`)."""

from __future__ import annotations

import functools
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.dashboard import StepState
from blocks.models import BlockYear
from emulation.models import User
from scoring.models import CriteriaTable, Ranking, RankingRow, ScoreSheet

S = ScoreSheet.Status


@functools.cache
def _table_sql() -> str:
    """The year's criteria table with its sheets counted by status, whether its ranking is
    published, the leading unit and the number of first places. Composed once per process: as a
    queryset with its subqueries it cost more to build than to run."""
    table = CriteriaTable._meta.db_table
    rows = RankingRow._meta.db_table
    return f"""
SELECT criteria.*,
    ranking.id AS ranking_pk,
    COUNT(sheet.id) AS sheet_count,
    COALESCE(SUM(CASE WHEN sheet.status <> %s THEN 1 ELSE 0 END), 0) AS submitted_count,
    COALESCE(SUM(CASE WHEN sheet.status = %s THEN 1 ELSE 0 END), 0) AS final_count,
    (SELECT best.unit_name FROM {rows} best
        WHERE best.ranking_id = ranking.id ORDER BY best.rank, best.unit_name LIMIT 1
    ) AS leading,
    (SELECT COUNT(*) FROM {rows} best WHERE best.ranking_id = ranking.id AND best.rank = 1
    ) AS first_places
FROM {table} criteria
LEFT JOIN {Ranking._meta.db_table} ranking ON ranking.table_id = criteria.id
LEFT JOIN {ScoreSheet._meta.db_table} sheet ON sheet.table_id = criteria.id
WHERE criteria.block_year_id = %s
GROUP BY criteria.id, ranking.id"""


def _table(block_year: BlockYear) -> Any:
    """The year's table annotated with its sheet counts and ranking (None when there is none)."""
    cached = getattr(block_year, "_scoring_cache", False)
    if cached is False:
        params = [S.DRAFT.value, S.FINAL.value, block_year.pk]
        cached = next(iter(CriteriaTable.objects.raw(_table_sql(), params)), None)
        if cached is not None:
            cached.published = cached.ranking_pk is not None  # type: ignore[attr-defined]
        block_year._scoring_cache = cached  # type: ignore[attr-defined]
    return cached


def ranking_published(block_year: BlockYear) -> bool:
    """Whether the year's ranking is published (the awards steps start from it)."""
    table = _table(block_year)
    return table is not None and bool(table.published)  # type: ignore[attr-defined]


def assessment_step(block_year: BlockYear, user: User) -> StepState:
    table = _table(block_year)
    criteria = (_("Criteria table"), reverse("scoring:criteria_detail", args=[block_year.pk]))
    if table is None:
        return StepState("waiting", _("No criteria table yet."), actions=[criteria])
    if not table.is_locked:
        return StepState(
            "waiting",
            _("The criteria table is being prepared; self-assessment has not opened."),
            actions=[criteria],
        )
    total, submitted = table.sheet_count, table.submitted_count  # type: ignore[attr-defined]
    overview = (_("Self-assessment"), reverse("scoring:assessment_overview", args=[block_year.pk]))
    summary = ngettext(
        "%(done)d of %(total)d unit has submitted its sheet.",
        "%(done)d of %(total)d units have submitted their sheets.",
        total,
    ) % {"done": submitted, "total": total}
    status = "done" if total and submitted == total else "active"
    return StepState(status, summary, deadline=table.deadline, actions=[overview, criteria])


def review_step(block_year: BlockYear, user: User) -> StepState:
    table = _table(block_year)
    if table is None or not table.submitted_count:  # type: ignore[attr-defined]
        return StepState("waiting", _("No sheet has been submitted yet."))
    total, final = table.sheet_count, table.final_count  # type: ignore[attr-defined]
    actions: list[tuple[str | Promise, str]] = [
        (_("Sheets and reviews"), reverse("scoring:assessment_overview", args=[block_year.pk]))
    ]
    summary = ngettext(
        "%(done)d of %(total)d sheet is final.", "%(done)d of %(total)d sheets are final.", total
    ) % {"done": final, "total": total}
    return StepState("done" if final == total else "active", summary, actions=actions)


def ranking_step(block_year: BlockYear, user: User) -> StepState:
    table = _table(block_year)
    url = reverse("scoring:ranking_detail", args=[block_year.pk]) if table else ""
    if table is None or not table.is_locked:
        return StepState("waiting", _("The ranking follows the review."))
    if table.published:  # type: ignore[attr-defined]
        summary = (
            _("Published; a tie for first place is settled by a vote.")
            if (table.first_places or 0) > 1  # type: ignore[attr-defined]
            else _("Published; the leading unit is %(unit)s.") % {"unit": table.leading}  # type: ignore[attr-defined]
        )
        return StepState("done", summary, actions=[(_("Ranking"), url)])
    if table.sheet_count and table.final_count == table.sheet_count:  # type: ignore[attr-defined]
        return StepState(
            "active",
            _("Every sheet is final: the ranking can be published."),
            actions=[(_("Ranking"), url)],
        )
    return StepState("waiting", _("The ranking is computed once every sheet is final."))
