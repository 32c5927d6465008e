"""Screens for the criteria table, self-assessment, review and ranking.

Seeing follows `BlockYear.objects.for_user` and `ScoreSheet.objects.for_user` (404 outside them);
acting needs a permission from `scoring.rules` (403). Views parse, authorise, call one service and
redirect with a message (or, for htmx, answer with the changed fragments).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blocks.models import BlockYear, Unit
from emulation.actions import act as _act
from emulation.actions import confirm_page as _confirm
from emulation.actions import form_page as _form_page
from emulation.actions import private_download
from emulation.actions import require as _require
from emulation.actions import require_for_unit as _for_the_unit
from emulation.bulk import act_in_one_go, posted_ids
from emulation.errors import DomainError
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.published import SECONDS as CACHE_SECONDS
from emulation.published import cached, fragment_key
from emulation.text import search_key
from scoring import charts, excel, ranking, services
from scoring.forms import (
    CriterionForm,
    DeadlineForm,
    EvidenceForm,
    ExplainForm,
    ImportForm,
    RankingFilterForm,
    ReopenForm,
    ResponseForm,
    ReviewerForm,
    ReviewForm,
    ScoreForm,
    SettingsForm,
)
from scoring.models import (
    CriteriaTable,
    Criterion,
    Evidence,
    Ranking,
    RankingRow,
    Score,
    ScoreSheet,
)
from scoring.tables import RankingTable
from scoring.templatetags.scoring import points_input

FORM_METHODS = ["GET", "HEAD", "POST"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related(
            "block__authority", "criteria_table__ranking", "criteria_table__document"
        ),
        pk=pk,
    )


def _table(block_year: BlockYear) -> CriteriaTable | None:
    try:
        return block_year.criteria_table
    except CriteriaTable.DoesNotExist:
        return None


def _table_or_404(block_year: BlockYear) -> CriteriaTable:
    table = _table(block_year)
    if table is None:
        raise Http404
    return table


def _ranking(table: CriteriaTable | None) -> Ranking | None:
    if table is None:
        return None
    try:
        return table.ranking
    except Ranking.DoesNotExist:
        return None


def _sheets(request: AuthedRequest) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.for_user(request.user).select_related(
        "table__block_year__block", "table__ranking", "reviewer_unit"
    )


def _sheet(request: AuthedRequest, pk: int) -> ScoreSheet:
    return get_object_or_404(_sheets(request), pk=pk)


def _score(request: AuthedRequest, pk: int) -> Score:
    return get_object_or_404(
        Score.objects.filter(sheet__in=ScoreSheet.objects.for_user(request.user)).select_related(
            "sheet__table__block_year__block__authority", "sheet__unit", "criterion"
        ),
        pk=pk,
    )


# The criteria table -------------------------------------------------------------------------------


@require_safe
def criteria_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table(block_year)
    criteria = list(table.criteria.order_by("position")) if table else []
    bands = list(table.bands.order_by("position")) if table else []
    can_run = request.user.has_perm("scoring.run_scoring", block_year)
    has_previous = CriteriaTable.objects.filter(
        block_year__block=block_year.block_id, block_year__year__lt=block_year.year
    ).exists()
    return render(
        request,
        "scoring/criteria_detail.html",
        {
            "block_year": block_year,
            "table": table,
            "criteria": criteria,
            "bands": sorted(bands, key=lambda b: (-b.min_total, b.position)),
            "document": table.document if table else None,
            "can_run": can_run,
            "can_edit": can_run and (table is None or not table.is_locked),
            "has_previous": has_previous,
            "covenant_in_force": services.covenant_in_force(block_year),
            "adopted": table is not None
            and services.adopted_text_matches(table, services.table_data(table, criteria, bands)),
            "standard_total": sum(
                (
                    c.max_points
                    for c in criteria
                    if c.depth == 0 and c.kind == Criterion.Kind.STANDARD
                ),
                Decimal(0),
            ),
        },
    )


@require_http_methods(FORM_METHODS)
def criteria_import(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "scoring.run_scoring", block_year)
    form = ImportForm(post_data(request), request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.import_table(block_year, form.cleaned_data["file"], by=request.user)
        except services.TableInvalid as error:
            form.add_error(None, error.message)
            problems = error.problems
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The criteria table was imported."))
            return redirect("scoring:criteria_detail", block_year.pk)
    return render(
        request,
        "scoring/criteria_import.html",
        {"form": form, "block_year": block_year, "problems": problems},
    )


def _export_name(block_year: BlockYear, extension: str) -> str:
    return f"tieu-chi-{block_year.year}-{block_year.block_id}.{extension}"


@require_safe
def criteria_export_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    response = HttpResponse(excel.table_xlsx(services.table_data(table)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(block_year, "xlsx")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def criteria_export_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    response = HttpResponse(
        excel.table_csv(services.table_data(table)).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(block_year, "csv")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(FORM_METHODS)
def criteria_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "scoring.run_scoring", block_year)
    if request.method == "POST":
        _act(
            request,
            lambda: services.copy_previous_table(block_year, by=request.user),
            _("Last year's criteria table was copied; adopt it again for this year."),
        )
        return redirect("scoring:criteria_detail", block_year.pk)
    return _confirm(
        request,
        title=_("Copy the criteria table from an earlier year?"),
        message=_(
            "The block's most recent earlier table, with its bands and tie-break order, replaces"
            " this year's table, which goes back to draft to be adopted again."
        ),
        confirm_label=_("Copy the table"),
        cancel_link=block_year.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def criteria_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    _require(request, "scoring.run_scoring", block_year)
    if table.is_locked:
        return _locked(request, table)
    bands = list(table.bands.order_by("position"))
    initial: dict[str, Any] = {
        "scale": points_input(table.scale),
        "tie_break": ", ".join(table.tie_break),
        "response_days": table.response_days,
    }
    for i, band in enumerate(bands, start=1):
        initial |= {
            f"band_{i}_label": band.label,
            f"band_{i}_min": points_input(band.min_total),
            f"band_{i}_floor": points_input(band.floor_percent),
        }
    form = SettingsForm(post_data(request), initial=initial, bands=len(bands))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_settings(
                table,
                by=request.user,
                scale=data["scale"],
                tie_break=data["tie_break"],
                bands=data["bands"],
                response_days=data["response_days"],
            )
        except DomainError as error:
            _problems_as_errors(form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("scoring:criteria_detail", block_year.pk)
    return render(
        request,
        "scoring/criteria_settings.html",
        {
            "form": form,
            "block_year": block_year,
            "table": table,
            "band_fields": [
                (form[f"band_{i}_label"], form[f"band_{i}_min"], form[f"band_{i}_floor"])
                for i in range(1, form.band_count + 1)
            ],
        },
    )


def _locked(request: AuthedRequest, table: CriteriaTable) -> HttpResponse:
    messages.error(
        request,
        _("Self-assessment has opened: the criteria table is locked and cannot be changed."),
    )
    return redirect(table)


def _problems_as_errors(form: Any, error: DomainError) -> None:
    form.add_domain_error(error)
    for problem in getattr(error, "problems", []):
        form.add_error(None, str(problem))


@require_http_methods(FORM_METHODS)
def criterion_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(
        Criterion.objects.filter(
            table__block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("table__block_year__block__authority"),
        pk=pk,
    )
    table = criterion.table
    _require(request, "scoring.run_scoring", table.block_year)
    if table.is_locked:
        return _locked(request, table)
    form = CriterionForm(
        post_data(request),
        initial={
            "title_vi": criterion.title_vi,
            "title_en": criterion.title_en,
            "guidance": criterion.guidance,
            "max_points": points_input(criterion.max_points),
            "evidence_required": criterion.evidence_required,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_criterion(criterion, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _problems_as_errors(form, error)
        else:
            messages.success(request, _("%(code)s was saved.") % {"code": criterion.code})
            return redirect("scoring:criteria_detail", table.block_year_id)
    return _form_page(
        request,
        form,
        title=_("Criterion %(code)s") % {"code": criterion.code},
        intro=_("The whole table is checked again before the change is saved."),
        cancel_link=table.get_absolute_url(),
    )


# Self-assessment ----------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def assessment_open(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    _require(request, "scoring.run_scoring", block_year)
    form = DeadlineForm(
        post_data(request),
        initial={"deadline": block_year.coming_deadline("self_assessment_deadline", days=21)},
    )
    done = run_form(
        request,
        form,
        lambda data: services.open_self_assessment(
            table, by=request.user, deadline=data["deadline"]
        ),
        _("Self-assessment is open; the member units were told by e-mail."),
    )
    if done:
        return redirect("scoring:assessment_overview", block_year.pk)
    return _form_page(
        request,
        form,
        title=_("Open self-assessment for %(year)s") % {"year": block_year},
        intro=_(
            "Each member unit gets its scoring sheet. The criteria table is locked from now on;"
            " after the deadline a sheet changes only when the secretariat reopens it."
        ),
        cancel_link=table.get_absolute_url(),
        submit_label=_("Open self-assessment"),
    )


@require_safe
def assessment_overview(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    sheets = list(_year_sheets(table))
    user = request.user
    can_run = user.has_perm("scoring.run_scoring", block_year)
    sees_scores = can_run or user.has_perm("scoring.see_ranking", block_year)
    totals: dict[int, dict[str, Any]] = {}
    if sees_scores and sheets:
        sections = ranking.sections_of(table)
        own: Any = ranking.with_totals(table.sheets.all(), sections, reviewed=False)
        final: Any = ranking.with_totals(table.sheets.all(), sections)
        own, final = own.values_list("pk", "total"), final.values_list("pk", "total")
        for sheet_id, total in own:
            totals.setdefault(sheet_id, {})["own"] = total
        for sheet_id, total in final:
            totals.setdefault(sheet_id, {})["final"] = total
    visible = set(_sheets(request).filter(table=table).values_list("pk", flat=True))
    own_units = request.roles.units
    rows = [
        {
            "sheet": s,
            "totals": totals.get(s.pk, {}),
            "visible": s.pk in visible,
            # The secretariat settles other units' sheets, never its own.
            "settles": can_run and s.unit_id not in own_units,
        }
        for s in sheets
    ]
    counts = {
        status: sum(1 for s in sheets if s.status == status) for status in ScoreSheet.Status.values
    }
    to_send, to_finalise = _ready_in_one_go(request, sheets) if can_run else ([], [])
    return render(
        request,
        "scoring/assessment_overview.html",
        {
            "block_year": block_year,
            "table": table,
            "rows": rows,
            "counts": counts,
            "submitted": sum(1 for s in sheets if s.status != ScoreSheet.Status.DRAFT),
            "final": counts[ScoreSheet.Status.FINAL],
            "can_run": can_run,
            "sees_scores": sees_scores,
            "published": _ranking(table) is not None,
            "to_send": len(to_send),
            "to_finalise": len(to_finalise),
        },
    )


def _year_sheets(table: CriteriaTable) -> QuerySet[ScoreSheet]:
    return (
        table.sheets.with_review_changes()
        .select_related("unit", "reviewer_unit")
        .order_by("position", "pk")
    )


def _ready_in_one_go(
    request: AuthedRequest, sheets: list[ScoreSheet]
) -> tuple[list[ScoreSheet], list[ScoreSheet]]:
    """Of a year's sheets (from `_year_sheets`), those whose unchanged review results the person
    may send in one go, and those they may make final in one go. Never their own unit's; a sheet
    given to another unit to review is sent by that unit, and an answered one is settled alone."""
    own = request.roles.units
    today = timezone.localdate()
    others = [s for s in sheets if s.unit_id not in own]
    to_send = [
        s
        for s in others
        if s.status == ScoreSheet.Status.SUBMITTED
        and not s.changed  # type: ignore[attr-defined]
        and (s.reviewer_unit_id is None or s.reviewer_unit_id in own)
    ]
    return to_send, [s for s in others if s.is_settled(today)]


def _sheets_in_one_go(
    request: AuthedRequest,
    pk: int,
    *,
    finalise: bool,
    action: Callable[[list[ScoreSheet]], list[ScoreSheet]],
    done: Callable[[int], str],
    message: Callable[[CriteriaTable], str],
    **context: Any,
) -> HttpResponse:
    """GET lists the sheets and what will happen to them; POST does it to exactly the sheets
    listed (their ids come back with the form), all or none, through one service call."""
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    _require(request, "scoring.run_scoring", block_year)
    overview = _url("scoring:assessment_overview", block_year.pk)
    if request.method == "POST":
        chosen = list(table.sheets.filter(pk__in=posted_ids(request, "item")))
        act_in_one_go(request, lambda: action(chosen), done)
        return redirect(overview)
    to_send, to_finalise = _ready_in_one_go(request, list(_year_sheets(table)))
    return render(
        request,
        "scoring/sheets_confirm_bulk.html",
        {
            "block_year": block_year,
            "table": table,
            "items": to_finalise if finalise else to_send,
            "cancel_link": overview,
            "message": message(table),
            **context,
        },
    )


@require_http_methods(FORM_METHODS)
def assessment_send_unchanged(request: AuthedRequest, pk: int) -> HttpResponse:
    return _sheets_in_one_go(
        request,
        pk,
        finalise=False,
        action=lambda sheets: services.send_unchanged_review_results(sheets, by=request.user),
        done=lambda n: (
            ngettext(
                "The review results of %(n)d sheet were sent; its unit was told by e-mail.",
                "The review results of %(n)d sheets were sent; each unit was told by e-mail.",
                n,
            )
            % {"n": n}
        ),
        title=_("Send the unchanged review results"),
        message=lambda table: (
            _(
                "No reviewer changed a score in these sheets. Each unit receives its results as it"
                " submitted them, and can accept them or answer within %(days)d days."
            )
            % {"days": table.response_days}
        ),
        empty=_("No sheet is waiting to be sent unchanged."),
        confirm_label=_("Send the results"),
    )


@require_http_methods(FORM_METHODS)
def assessment_finalise_settled(request: AuthedRequest, pk: int) -> HttpResponse:
    return _sheets_in_one_go(
        request,
        pk,
        finalise=True,
        action=lambda sheets: services.finalise_settled_sheets(sheets, by=request.user),
        done=lambda n: ngettext("%(n)d sheet is final.", "%(n)d sheets are final.", n) % {"n": n},
        title=_("Make the settled sheets final"),
        message=lambda table: _(
            "These units accepted the review results, or their time to answer has passed. Final"
            " scores go into the ranking and can no longer be changed."
        ),
        empty=_("No sheet is ready to be made final in one go."),
        confirm_label=_("Finalise"),
    )


def _sheet_rows(sheet: ScoreSheet) -> tuple[list[Criterion], dict[int, Score]]:
    criteria = list(sheet.table.criteria.order_by("position"))
    scores = {
        s.criterion_id: s
        for s in sheet.scores.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
    }
    return criteria, scores


def _url_for_any(name: str) -> Callable[[int], str]:
    """The URL of `name` for any pk, reversed once: a sheet reverses three URLs for each of its
    fifty-odd rows."""
    sentinel = "2147483647"
    pattern = _url(name, sentinel)
    return lambda pk: pattern.replace(sentinel, str(pk))


def _rows(criteria: list[Criterion], scores: dict[int, Score]) -> list[dict[str, Any]]:
    needs = services.evidence_needed(criteria)
    save, review, upload = (
        _url_for_any(name)
        for name in ("scoring:score_save", "scoring:score_review", "scoring:evidence_upload")
    )
    rows = []
    for c in criteria:
        score = scores.get(c.pk)
        row: dict[str, Any] = {"criterion": c, "score": score, "needs_evidence": c.pk in needs}
        if score is not None:
            # The row's id as text: the template writes it a dozen times, and a number would be
            # localized each time.
            row["key"] = str(score.pk)
            row["save_url"], row["review_url"], row["upload_url"] = (
                save(score.pk),
                review(score.pk),
                upload(score.pk),
            )
        rows.append(row)
    return rows


def _sheet_context(request: AuthedRequest, sheet: ScoreSheet) -> dict[str, Any]:
    user = request.user
    criteria, scores = _sheet_rows(sheet)
    sections = [
        ranking.Section(c.code, c.title_vi, c.kind, c.max_points) for c in criteria if c.depth == 0
    ]
    rows = _rows(criteria, scores)
    # The unit's own people never review or settle it.
    can_fill = request.roles.works_in(sheet.unit_id)
    leads = request.roles.leads(sheet.unit_id)
    editable = can_fill and sheet.is_editable()
    can_review = not can_fill and user.has_perm("scoring.review", sheet)
    shows_review = (
        sheet.status not in (ScoreSheet.Status.DRAFT, ScoreSheet.Status.SUBMITTED) or can_review
    )
    own, final = ranking.sheet_totals(sheet, sections, final=shows_review)
    return {
        "sheet": sheet,
        "table": sheet.table,
        "block_year": sheet.table.block_year,
        "rows": rows,
        "own": own,
        "final": final,
        "editable": editable,
        "can_fill": can_fill,
        "can_submit": editable and leads,
        "can_answer": sheet.status == ScoreSheet.Status.RETURNED and leads,
        "can_review": can_review and sheet.is_reviewable,
        "can_send": can_review and sheet.status == ScoreSheet.Status.SUBMITTED,
        "can_settle": not can_fill and user.has_perm("scoring.settle", sheet),
        "shows_review": shows_review,
        "missing": services.missing_in(rows) if editable else [],
        "today": timezone.localdate(),
    }


@require_safe
def sheet_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    return render(request, "scoring/sheet_detail.html", _sheet_context(request, sheet))


@require_safe
def sheet_review(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _require(request, "scoring.review", sheet)
    return render(request, "scoring/sheet_review.html", _sheet_context(request, sheet))


def _row_answer(
    request: AuthedRequest,
    score: Score,
    form: Any,
    error: str,
    saved: bool,
    *,
    review: bool,
    waiting: bool = False,
) -> HttpResponse:
    """For htmx: the row's status and the sheet's totals (out of band). Otherwise back to the
    sheet with a message. `waiting`: the refusal asks for what the person is about to type, and
    is shown as a prompt rather than an error."""
    sheet = score.sheet
    if not request.htmx:
        if saved:
            messages.success(request, _("%(code)s was saved.") % {"code": score.criterion.code})
        else:
            messages.error(request, f"{score.criterion.code}: {error}")
        target = "scoring:sheet_review" if review else "scoring:sheet_detail"
        return redirect(f"{_url(target, sheet.pk)}#row-{score.pk}")
    criteria = list(sheet.table.criteria.filter(depth=0).order_by("position"))
    sections = [ranking.Section(c.code, c.title_vi, c.kind, c.max_points) for c in criteria]
    own, final = ranking.sheet_totals(sheet, sections, final=review)
    return render(
        request,
        "scoring/_row_saved.html",
        {
            "score": score,
            "saved": saved,
            "error": error,
            "waiting": waiting,
            "review": review,
            "sheet": sheet,
            "own": own,
            "final": final,
            "missing": [] if review else services.missing_before_submit(sheet),
        },
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


def _save_row(
    request: AuthedRequest,
    score: Score,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    review: bool,
    waiting_for: str = "",
) -> HttpResponse:
    """Parse one row of the grid, save it through its service, and answer with the row. A
    refusal about the field `waiting_for` is a prompt, not an error."""
    if not form.is_valid():
        return _row_answer(request, score, form, _first_error(form), False, review=review)
    try:
        save(form.cleaned_data)
    except DomainError as error:
        waiting = bool(waiting_for) and error.field == waiting_for
        return _row_answer(
            request, score, form, error.message, False, review=review, waiting=waiting
        )
    return _row_answer(request, score, form, "", True, review=review)


@require_POST
def score_save(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    _for_the_unit(request, "scoring.fill_in", score.sheet)
    return _save_row(
        request,
        score,
        ScoreForm(request.POST),
        lambda data: services.save_self_score(
            score, by=request.user, points=data["self_points"], explanation=data["explanation"]
        ),
        review=False,
    )


@require_POST
def score_review(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    _require(request, "scoring.review", score.sheet)
    # The reviewer types the new points before the reason: while the points box autosaves, a
    # missing reason only asks for it. It is an error once they were in the reason box (htmx
    # names the box that sent the row) or pressed Save.
    typing_points = bool(request.htmx) and request.htmx.trigger == f"reviewed-{score.pk}"
    return _save_row(
        request,
        score,
        ReviewForm(request.POST),
        lambda data: services.review_score(
            score, by=request.user, points=data["reviewed_points"], reason=data["review_reason"]
        ),
        review=True,
        waiting_for="review_reason" if typing_points else "",
    )


@require_POST
def evidence_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """Files given together are all kept or, if any is refused, none (each named with its
    reason). For htmx the row's evidence cell answers in place, with the sheet's missing line
    out of band; otherwise back to the row with a message."""
    score = _score(request, pk)
    _for_the_unit(request, "scoring.fill_in", score.sheet)
    form = EvidenceForm(request.POST, request.FILES)
    problems: list[str] = []
    added: list[Evidence] = []
    if not form.is_valid():
        problems = [_first_error(form)]
    else:
        try:
            added = services.add_evidence_files(
                score, by=request.user, files=form.cleaned_data["file"]
            )
        except services.EvidenceRefused as error:
            problems = error.problems
        except DomainError as error:
            problems = [error.message]
    code = score.criterion.code
    done = ""
    if added:
        done = ngettext(
            "%(n)d file was added to %(code)s.", "%(n)d files were added to %(code)s.", len(added)
        ) % {"n": len(added), "code": code}
    if not request.htmx:
        if added:
            messages.success(request, done)
        for problem in problems:
            messages.error(request, f"{code}: {problem}")
        return redirect(f"{score.sheet.get_absolute_url()}#row-{score.pk}")
    sheet = score.sheet
    criteria, scores = _sheet_rows(sheet)
    rows = _rows(criteria, scores)
    row = next(row for row in rows if row["score"] is not None and row["score"].pk == score.pk)
    return render(
        request,
        "scoring/_evidence_cell.html",
        {
            "row": row,
            "editable": sheet.is_editable(),
            "problems": problems,
            "done": done,
            "missing": services.missing_in(rows),
            "oob": True,
        },
    )


def _evidence(request: AuthedRequest, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(
            score__sheet__in=ScoreSheet.objects.for_user(request.user)
        ).select_related("score__sheet__table__block_year", "score__criterion"),
        pk=pk,
    )


@require_safe
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    evidence = _evidence(request, pk)
    return private_download(evidence.file, name=evidence.name, content_type=evidence.content_type)


@require_http_methods(FORM_METHODS)
def evidence_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    sheet = evidence.score.sheet
    _for_the_unit(request, "scoring.fill_in", sheet)
    if request.method == "POST":
        _act(
            request,
            lambda: services.remove_evidence(evidence, by=request.user),
            _("The file was removed."),
        )
        return redirect(f"{sheet.get_absolute_url()}#row-{evidence.score_id}")
    return _confirm(
        request,
        title=_("Remove %(name)s?") % {"name": evidence.name},
        message=_("The file is removed from %(code)s of the draft.")
        % {"code": evidence.score.criterion.code},
        confirm_label=_("Remove"),
        cancel_link=sheet.get_absolute_url(),
        danger=True,
    )


def _sheet_action(
    request: AuthedRequest,
    sheet: ScoreSheet,
    action: Any,
    success: str,
    *,
    title: str,
    message: str,
    confirm_label: str,
    after: str = "",
) -> HttpResponse:
    if request.method == "POST":
        _act(request, action, success)
        return redirect(after or sheet.get_absolute_url())
    return _confirm(
        request,
        title=title,
        message=message,
        confirm_label=confirm_label,
        cancel_link=sheet.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def sheet_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _for_the_unit(request, "scoring.submit", sheet)
    missing = services.missing_before_submit(sheet) if request.method != "POST" else []
    message = _(
        "After submitting, the sheet goes to review and can no longer be changed by the unit."
    )
    if missing:
        message = f"{message} {_('Not yet complete:')} {' '.join(missing)}"
    return _sheet_action(
        request,
        sheet,
        lambda: services.submit_sheet(sheet, by=request.user),
        _("The sheet was submitted."),
        title=_("Submit the sheet of %(unit)s?") % {"unit": sheet.unit_name},
        message=message,
        confirm_label=_("Submit"),
    )


@require_http_methods(FORM_METHODS)
def sheet_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _require(request, "scoring.settle", sheet)
    form = ReopenForm(
        post_data(request), initial={"until": timezone.localdate() + datetime.timedelta(days=3)}
    )
    done = run_form(
        request,
        form,
        lambda data: services.reopen_sheet(
            sheet, by=request.user, reason=data["reason"], until=data["until"]
        ),
        _("The sheet was reopened; the unit was told by e-mail."),
    )
    if done:
        return redirect("scoring:assessment_overview", sheet.table.block_year_id)
    return _form_page(
        request,
        form,
        title=_("Reopen the sheet of %(unit)s") % {"unit": sheet.unit_name},
        intro=_("The unit can change and submit its sheet again until this date."),
        cancel_link=sheet.get_absolute_url(),
        submit_label=_("Reopen"),
    )


@require_http_methods(FORM_METHODS)
def sheet_reviewer(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _require(request, "scoring.settle", sheet)
    units = Unit.objects.filter(
        memberships__block_year=sheet.table.block_year_id, memberships__left_on__isnull=True
    ).exclude(pk=sheet.unit_id)
    form = ReviewerForm(
        post_data(request), units=units, initial={"reviewer_unit": sheet.reviewer_unit_id}
    )
    done = run_form(
        request,
        form,
        lambda data: services.assign_reviewer(
            sheet, by=request.user, reviewer_unit=data["reviewer_unit"]
        ),
        _("The reviewer was saved."),
    )
    if done:
        return redirect("scoring:assessment_overview", sheet.table.block_year_id)
    return _form_page(
        request,
        form,
        title=_("Who reviews the sheet of %(unit)s") % {"unit": sheet.unit_name},
        intro=_("Another member unit can cross-review this sheet; a unit never reviews its own."),
        cancel_link=sheet.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def sheet_send(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _require(request, "scoring.review", sheet)
    return _sheet_action(
        request,
        sheet,
        lambda: services.send_review_results(sheet, by=request.user),
        _("The review results were sent to the unit."),
        title=_("Send the review results to %(unit)s?") % {"unit": sheet.unit_name},
        message=_("The unit can accept them or answer within %(days)d days.")
        % {"days": sheet.table.response_days},
        confirm_label=_("Send the results"),
    )


@require_http_methods(FORM_METHODS)
def sheet_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _for_the_unit(request, "scoring.answer", sheet)
    return _sheet_action(
        request,
        sheet,
        lambda: services.accept_review(sheet, by=request.user),
        _("You accepted the review results."),
        title=_("Accept the review results?"),
        message=_("The secretariat then makes the scores final."),
        confirm_label=_("Accept"),
    )


@require_http_methods(FORM_METHODS)
def sheet_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _for_the_unit(request, "scoring.answer", sheet)
    form = ResponseForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.respond_to_review(sheet, by=request.user, text=data["text"]),
        _("Your answer was sent to the secretariat."),
    )
    if done:
        return redirect(sheet)
    return _form_page(
        request,
        form,
        title=_("Answer the review of %(unit)s") % {"unit": sheet.unit_name},
        intro=_(
            "Say which changed scores the unit disagrees with, and why; the secretariat settles."
        ),
        cancel_link=sheet.get_absolute_url(),
        submit_label=_("Send the answer"),
    )


@require_http_methods(FORM_METHODS)
def sheet_finalise(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    _require(request, "scoring.settle", sheet)
    return _sheet_action(
        request,
        sheet,
        lambda: services.finalise_sheet(sheet, by=request.user),
        _("The sheet is final."),
        title=_("Make the scores of %(unit)s final?") % {"unit": sheet.unit_name},
        message=_("Final scores go into the ranking and can no longer be changed."),
        confirm_label=_("Finalise"),
        after=_url("scoring:assessment_overview", sheet.table.block_year_id),
    )


# Ranking ---------------------------------------------------------------------------------------


def _published_rows(published: Ranking) -> tuple[list[Any], list[dict[str, Any]], bool]:
    """The published ranking's sections and rows, and whether they match its SHA-256: cached
    under it while they do."""

    def read() -> tuple[list[Any], list[dict[str, Any]], bool]:
        sections = [
            ranking.Section(s["code"], s["title"], s["kind"], Decimal(s["max"]))
            for s in published.sections
        ]
        rows = ranking.frozen_rows(published.rows.all())
        return sections, rows, services.ranking_matches(published, rows)

    return cached(
        "scoring.ranking", published.sha256, read, of=published.pk, keep=lambda found: found[2]
    )


def _ranking_rows(
    table: CriteriaTable,
) -> tuple[list[Any], list[dict[str, Any]], Ranking | None, bool | None]:
    """Sections, rows, the published ranking (if it is) and whether its rows match its hash."""
    published = _ranking(table)
    if published is not None:
        sections, rows, intact = _published_rows(published)
        return sections, rows, published, intact
    sections, rows = ranking.computed_rows(table)
    return sections, rows, None, None


def _filtered(rows: list[dict[str, Any]], form: RankingFilterForm) -> list[dict[str, Any]]:
    if not form.is_valid():
        return rows
    data = form.cleaned_data
    key = search_key(data.get("q") or "")
    return [
        row
        for row in rows
        if (not key or key in search_key(row["unit_name"]))
        and (not data.get("band") or row["band"] == data["band"])
        and (
            not data.get("tie")
            or (row["tie"] and (data["tie"] == "any" or row["tie"] == data["tie"]))
        )
    ]


def _see_ranking(request: AuthedRequest, pk: int) -> tuple[BlockYear, CriteriaTable]:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    _require(request, "scoring.see_ranking", block_year)
    return block_year, table


@require_safe
def ranking_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year, table = _see_ranking(request, pk)
    sections, rows, published, intact = _ranking_rows(table)

    def bands_and_chart() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        bands: list[dict[str, Any]] = [
            dict(band)
            for band in table.bands.order_by("-min_total", "position").values(
                "label", "min_total", "floor_percent"
            )
        ]
        labels = [band["label"] for band in bands]
        return bands, charts.totals_by_unit(rows, labels, table.scale)

    # A published table's bands are locked with it, so its chart reads the same as its rows.
    sha256 = published.sha256 if published is not None and intact else ""
    bands, chart = cached("scoring.ranking_bands_chart", sha256, bands_and_chart, of=table.pk)
    form = RankingFilterForm(request.GET or None, bands=[band["label"] for band in bands])
    shown = _filtered(rows, form)
    data_table = RankingTable(shown, block_year_id=block_year.pk, sections=sections)
    # Only a column's own name sorts; anything else typed into the address keeps the rank order.
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in {column.name for column in data_table.columns if column.orderable}:
        data_table.order_by = sort
    else:
        sort = ""
    # A published table, unfiltered, reads the same for everyone who may see it: it is rendered
    # once per order and language (links in it lead to pages with the same permission).
    table_cache = ""
    if published is not None and intact and set(request.GET) <= {"sort"}:
        table_cache = fragment_key("scoring.ranking_table", published.sha256, published.pk, sort)
    open_sheets = sum(
        1 for row in rows if row["status"] and row["status"] != ScoreSheet.Status.FINAL
    )
    context = {
        "block_year": block_year,
        "table": table,
        "published": published,
        "filter_form": form,
        "data_table": data_table,
        "chart": chart,
        "bands": bands,
        "open_sheets": open_sheets,
        "can_publish": published is None
        and table.is_locked
        and rows
        and not open_sheets
        and request.user.has_perm("scoring.run_scoring", block_year),
        "votes": [row for row in rows if row["tie"] == "vote"],
        "units": [(row["unit_id"], row["unit_name"]) for row in rows],
        "intact": intact,
        "table_cache": table_cache,
        "cache_seconds": CACHE_SECONDS,
    }
    if request.htmx:
        return render(request, "scoring/_ranking_table.html", context)
    return render(request, "scoring/ranking_detail.html", context)


@require_http_methods(FORM_METHODS)
def ranking_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    table = _table_or_404(block_year)
    _require(request, "scoring.run_scoring", block_year)
    if request.method == "POST":
        _act(
            request,
            lambda: services.publish_ranking(table, by=request.user),
            _("The ranking was published; the member units were told by e-mail."),
        )
        return redirect("scoring:ranking_detail", block_year.pk)
    return _confirm(
        request,
        title=_("Publish the ranking of %(year)s?") % {"year": block_year},
        message=_(
            "The ranking is frozen as it stands, with a SHA-256 of its rows; ballots and"
            " nominations use it. It cannot be changed afterwards."
        ),
        confirm_label=_("Publish"),
        cancel_link=_url("scoring:ranking_detail", block_year.pk),
    )


@require_safe
def ranking_export(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year, table = _see_ranking(request, pk)
    sections, rows, published, _intact = _ranking_rows(table)
    title = _("Ranking of %(block)s, %(year)s") % {
        "block": block_year.block.name,
        "year": block_year.year,
    }
    if published is None:
        title = f"{title} ({_('provisional')})"
    body = excel.ranking_xlsx(title, [s.as_dict() for s in sections], rows)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="xep-hang-{block_year.year}-{block_year.block_id}.xlsx"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def ranking_explain(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year, table = _see_ranking(request, pk)
    sections, rows, _published, _intact = _ranking_rows(table)
    units = [(row["unit_id"], f"{row['rank']}. {row['unit_name']}") for row in rows]
    initial = {"a": units[0][0], "b": units[1][0]} if len(units) > 1 else {}
    form = ExplainForm(request.GET or None, units=units, initial=initial)
    comparison = None
    if len(units) > 1:
        a, b = (
            (form.cleaned_data["a"], form.cleaned_data["b"])
            if form.is_valid()
            else (units[0][0], units[1][0])
        )
        if a != b:
            comparison = _compare(table, sections, rows, a, b)
    return render(
        request,
        "scoring/ranking_explain.html",
        {"block_year": block_year, "table": table, "form": form, "comparison": comparison},
    )


def _compare(
    table: CriteriaTable, sections: list[Any], rows: list[dict[str, Any]], a: int, b: int
) -> dict[str, Any]:
    """Each scored row's final points for two units and the difference, largest first; the
    section subtotals (with caps) as ranked."""
    by_unit = {row["unit_id"]: row for row in rows}
    scores = Score.objects.filter(sheet__table=table, sheet__unit__in=[a, b]).select_related(
        "criterion", "sheet"
    )
    points: dict[int, dict[int, Decimal]] = {}
    criteria: dict[int, Criterion] = {}
    for score in scores:
        points.setdefault(score.criterion_id, {})[score.sheet.unit_id] = score.final_points
        criteria[score.criterion_id] = score.criterion
    lines: list[dict[str, Any]] = []
    for criterion_id, values in points.items():
        criterion = criteria[criterion_id]
        first, second = values.get(a, Decimal(0)), values.get(b, Decimal(0))
        effect = (first - second) * criterion.sign
        lines.append({"criterion": criterion, "a": first, "b": second, "effect": effect})
    differing = sorted(
        (line for line in lines if line["effect"]),
        key=lambda line: (-abs(line["effect"]), line["criterion"].position),
    )
    section_lines = [
        {
            "section": s,
            "a": by_unit[a]["sections"].get(s.code, Decimal(0)),
            "b": by_unit[b]["sections"].get(s.code, Decimal(0)),
        }
        for s in sections
    ]
    for line in section_lines:
        sign = -1 if line["section"].kind == "deduction" else 1
        line["effect"] = (line["a"] - line["b"]) * sign
    return {
        "a": by_unit[a],
        "b": by_unit[b],
        "difference": by_unit[a]["total"] - by_unit[b]["total"],
        "gap": abs(by_unit[a]["total"] - by_unit[b]["total"]),
        "lines": differing,
        "same": len(lines) - len(differing),
        "sections": section_lines,
    }


@require_safe
def ranking_unit(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year, table = _see_ranking(request, pk)
    sections, rows, published, _intact = _ranking_rows(table)
    row = next((r for r in rows if r["unit_id"] == unit_pk), None)
    if row is None:
        raise Http404
    profile = [{**s.as_dict(), "points": row["sections"].get(s.code, Decimal(0))} for s in sections]
    history = list(
        RankingRow.objects.filter(
            unit=unit_pk, ranking__table__block_year__block=block_year.block_id
        )
        .order_by("ranking__table__block_year__year")
        .values_list("ranking__table__block_year__year", "total", "rank")
    )
    return render(
        request,
        "scoring/ranking_unit.html",
        {
            "block_year": block_year,
            "table": table,
            "row": row,
            "published": published,
            "profile": charts.section_profile(profile),
            "sections": [s for s in profile if s["kind"] == "standard"],
            "years": charts.totals_across_years(history) if history else None,
            "unit_count": len(rows),
        },
    )
