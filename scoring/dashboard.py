"""Steps 6–8 of the block-year dashboard: self-assessment, review, ranking.

The three steps share one query, whatever the number of units."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.dashboard import StepState
from blocks.models import BlockYear
from emulation.models import User
from scoring.models import CriteriaTable


def steps(block_year: BlockYear, user: User) -> dict[int, StepState]:
    """Steps 6–8, from one read of the year's table with its sheet counts and ranking."""
    table = CriteriaTable.objects.filter(block_year=block_year).with_progress().first()
    return {
        6: assessment_step(block_year, table),
        7: review_step(block_year, table),
        8: ranking_step(block_year, table),
    }


def assessment_step(block_year: BlockYear, table: CriteriaTable | None) -> StepState:
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


def review_step(block_year: BlockYear, table: CriteriaTable | None) -> StepState:
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


def ranking_step(block_year: BlockYear, table: CriteriaTable | None) -> StepState:
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
