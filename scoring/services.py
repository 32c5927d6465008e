"""Every change to criteria tables, scoring sheets, reviews and rankings.

Each function is atomic, locks the row it competes for, checks its guard (raising DomainError
with a message a person can act on), saves only what it changes, records an audit event with
before, after and reason, and queues e-mail after the commit.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blocks.models import BlockYear, Membership, Unit, UnitRole
from blocks.services import check_not_archived, set_deadlines
from covenants import services as documents
from covenants.models import Document
from emulation import audit, mail
from emulation.bulk import each_or_none
from emulation.errors import DomainError
from emulation.models import User
from emulation.uploads import validate_upload
from scoring import excel
from scoring.criteria import (
    BandRow,
    Problem,
    Row,
    TableData,
    check_table,
    default_bands,
    default_tie_break,
    format_points,
    render_text,
)
from scoring.models import (
    Band,
    CriteriaTable,
    Criterion,
    Evidence,
    Ranking,
    RankingRow,
    ReminderSent,
    Score,
    ScoreSheet,
)
from scoring.ranking import computed_rows
from scoring.rules import reviews

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_PER_SCORE = 10


class TableInvalid(DomainError):
    """The table was refused; `problems` lists every reason (with row numbers from a file)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            ngettext(
                "The table was not saved: %(count)d problem. Nothing was changed.",
                "The table was not saved: %(count)d problems. Nothing was changed.",
                len(problems),
            )
            % {"count": len(problems)}
        )
        self.problems = problems


# Criteria tables --------------------------------------------------------------------------------


def table_data(
    table: CriteriaTable,
    criteria: list[Criterion] | None = None,
    bands: list[Band] | None = None,
) -> TableData:
    """The table as plain rows, as it is stored (from its criteria and bands when loaded)."""
    if criteria is None:
        criteria = list(table.criteria.order_by("position"))
    if bands is None:
        bands = list(table.bands.order_by("position"))
    rows = [
        Row(
            code=c.code,
            title_vi=c.title_vi,
            title_en=c.title_en,
            max_points=c.max_points,
            kind=c.kind,
            evidence_required=c.evidence_required,
            guidance=c.guidance,
        )
        for c in sorted(criteria, key=lambda c: c.position)
    ]
    return TableData(
        rows=rows,
        scale=table.scale,
        bands=[
            BandRow(b.label, b.min_total, b.floor_percent)
            for b in sorted(bands, key=lambda b: b.position)
        ],
        tie_break=list(table.tie_break),
    )


def criteria_title(year: int) -> str:
    # The document's title is part of the adopted text: always in the official language.
    return f"Bảng tiêu chí chấm điểm thi đua năm {year}"


def _lock_table(block_year: BlockYear) -> CriteriaTable | None:
    return (
        CriteriaTable.objects.select_for_update(of=("self",))
        .select_related("block_year__block", "document")
        .filter(block_year=block_year)
        .first()
    )


def _refuse_when_locked(table: CriteriaTable | None) -> None:
    if table is not None and table.is_locked:
        raise DomainError(
            _("Self-assessment has opened: the criteria table is locked and cannot be changed.")
        )


@transaction.atomic
def replace_table(
    block_year: BlockYear, data: TableData, *, by: User, change_note: str
) -> CriteriaTable:
    """Write the whole table (rows, scale, bands, tie-break order) once it is valid, and put its
    text into the year's criteria document as a new version (back to draft when it was adopted).

    A file without bands or tie-break order keeps the table's own (or the defaults when new)."""
    check_not_archived(block_year)
    table = _lock_table(block_year)
    _refuse_when_locked(table)
    before = table_data(table) if table is not None else None
    if not data.has_bands:
        data.bands = before.bands if before and before.bands else default_bands(data.scale)
    if not data.has_tie_break:
        codes = {row.code for row in data.rows if not row.parent_code}
        kept = [code for code in (before.tie_break if before else []) if code in codes]
        data.tie_break = kept or default_tie_break(data.rows)
    problems = check_table(data)
    if problems:
        raise TableInvalid(problems)
    if table is None:
        table = CriteriaTable.objects.create(
            block_year=block_year, scale=data.scale, tie_break=data.tie_break
        )
    else:
        table.scale, table.tie_break = data.scale, data.tie_break
        table.save(update_fields=["scale", "tie_break", "updated_at"])
    write_criteria(table, data.rows)
    table.bands.all().delete()
    Band.objects.bulk_create(
        Band(
            table=table,
            position=i,
            label=b.label,
            min_total=b.min_total,
            floor_percent=b.floor_percent,
        )
        for i, b in enumerate(data.bands, start=1)
    )
    text = render_text(data)
    _sync_document(table, text, by=by, change_note=change_note)
    audit.record(
        "scoring.criteria.replaced",
        actor=by,
        obj=table,
        before=_summary(before) if before else None,
        after=_summary(data),
        reason=change_note,
    )
    return table


def _summary(data: TableData) -> dict[str, Any]:
    return {
        "rows": len(data.rows),
        "scale": format_points(data.scale),
        "bands": [
            f"{b.label} ≥{format_points(b.min_total)}/{format_points(b.floor_percent)}%"
            for b in data.bands
        ],
        "tie_break": data.tie_break,
        "text_sha256": hashlib.sha256(render_text(data).encode()).hexdigest(),
    }


def write_criteria(table: CriteriaTable, rows: list[Row]) -> None:
    """Replace the rows of a table, deriving each row's section, criterion group and depth."""
    table.criteria.all().delete()
    parents = {row.parent_code for row in rows if row.parent_code}
    by_code = {row.code: row for row in rows}

    def group_of(row: Row) -> Row:
        # A criterion is a section's direct child; a section without children is its own.
        parts = row.code.split(".")
        return by_code[".".join(parts[:2])] if len(parts) > 1 else row

    created: dict[str, Criterion] = {}
    for depth in sorted({row.depth for row in rows}):
        level = [
            Criterion(
                table=table,
                parent=created.get(row.parent_code),
                position=position,
                code=row.code,
                title_vi=row.title_vi,
                title_en=row.title_en,
                guidance=row.guidance,
                max_points=row.max_points,
                kind=row.kind,
                evidence_required=row.evidence_required,
                depth=row.depth,
                is_leaf=row.code not in parents,
                section_code=row.code.split(".")[0],
                group_code=group_of(row).code,
                group_max=group_of(row).max_points,
            )
            for position, row in enumerate(rows, start=1)
            if row.depth == depth
        ]
        for criterion in Criterion.objects.bulk_create(level):
            created[criterion.code] = criterion


def _sync_document(table: CriteriaTable, text: str, *, by: User, change_note: str) -> None:
    if table.document_id is None:
        document = documents.create_document(
            table.block_year,
            by=by,
            kind=Document.Kind.CRITERIA,
            title=criteria_title(table.block_year.year),
            body=text,
        )
        table.document = document
        table.save(update_fields=["document", "updated_at"])
        return
    assert table.document is not None
    latest = documents.latest_version(table.document)
    if latest is not None and latest.body == text:
        return
    documents.revise_document(
        table.document,
        by=by,
        change_note=change_note or _("The criteria table changed."),
        body=text,
    )


def import_table(block_year: BlockYear, uploaded: UploadedFile, *, by: User) -> CriteriaTable:
    """Import a whole table from an .xlsx or .csv file (see scoring.excel): every bad row is
    reported with its number, and nothing is saved unless every row is good."""
    check_not_archived(block_year)
    current = CriteriaTable.objects.filter(block_year=block_year).first()
    _refuse_when_locked(current)
    try:
        data = excel.read_table_file(uploaded, scale=current.scale if current else Decimal(100))
    except excel.ImportError_ as error:
        raise TableInvalid(error.problems) from error
    name = (uploaded.name or "")[:100]
    return replace_table(
        block_year, data, by=by, change_note=_("Imported from %(name)s") % {"name": name}
    )


@transaction.atomic
def copy_previous_table(block_year: BlockYear, *, by: User) -> CriteriaTable:
    """Start the year's table from the block's most recent earlier table."""
    check_not_archived(block_year)
    source = (
        CriteriaTable.objects.filter(
            block_year__block=block_year.block_id, block_year__year__lt=block_year.year
        )
        .order_by("-block_year__year")
        .first()
    )
    if source is None:
        raise DomainError(_("This block has no criteria table in an earlier year to copy."))
    return replace_table(
        block_year,
        table_data(source),
        by=by,
        change_note=_("Copied from %(year)s") % {"year": source.block_year.year},
    )


@transaction.atomic
def update_criterion(
    criterion: Criterion,
    *,
    by: User,
    title_vi: str,
    title_en: str,
    guidance: str,
    max_points: Decimal,
    evidence_required: bool,
) -> CriteriaTable:
    """Change one row; the whole table is checked again before anything is saved."""
    check_not_archived(criterion.table.block_year_id)
    table = criterion.table
    data = table_data(table)
    data.rows = [
        replace(
            row,
            title_vi=title_vi.strip(),
            title_en=title_en.strip(),
            guidance=guidance.strip(),
            max_points=max_points,
            evidence_required=evidence_required,
        )
        if row.code == criterion.code
        else row
        for row in data.rows
    ]
    return replace_table(
        table.block_year, data, by=by, change_note=_("%(code)s changed") % {"code": criterion.code}
    )


@transaction.atomic
def update_settings(
    table: CriteriaTable,
    *,
    by: User,
    scale: Decimal,
    tie_break: list[str],
    bands: list[BandRow],
    response_days: int,
) -> CriteriaTable:
    """Change the scale, the tie-break order, the bands and the time units have to answer."""
    check_not_archived(table.block_year_id)
    data = table_data(table)
    data.scale, data.tie_break, data.bands = scale, tie_break, bands
    result = replace_table(
        table.block_year, data, by=by, change_note=_("Scale, bands and tie-break order changed")
    )
    if result.response_days != response_days:
        audit.change(
            result, {"response_days": response_days}, by=by, action="scoring.settings.changed"
        )
    return result


# Opening self-assessment -------------------------------------------------------------------------


def covenant_in_force(block_year: BlockYear) -> bool:
    return Document.objects.filter(
        block_year=block_year, kind=Document.Kind.COVENANT, status=Document.Status.IN_FORCE
    ).exists()


def adopted_text_matches(table: CriteriaTable, data: TableData | None = None) -> bool:
    """Whether the criteria document is adopted with exactly the table's text (`data`: the
    table's rows when already loaded)."""
    document = table.document
    if document is None or document.status != Document.Status.ADOPTED:
        return False
    latest = documents.latest_version(document)
    # The body is compared, not the hash: covenants hashes a label that follows the language.
    return bool(
        latest is not None
        and latest.is_frozen
        and latest.body == render_text(data or table_data(table))
    )


def _people(
    units: Iterable[Any], roles: Iterable[str] = (UnitRole.Role.LEADER, UnitRole.Role.OFFICER)
) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, unit_roles__unit__in=list(units), unit_roles__role__in=list(roles)
    ).distinct()


@transaction.atomic
def open_self_assessment(
    table: CriteriaTable, *, by: User, deadline: datetime.date
) -> CriteriaTable:
    """Open self-assessment until a deadline: only once the year's covenant is in force and the
    criteria table is adopted. Each current member unit gets its sheet; the table is locked. The
    deadline becomes the year's self-assessment deadline too (one date wherever it is shown)."""
    check_not_archived(table.block_year_id)
    if deadline < timezone.localdate():
        raise DomainError(_("The deadline has already passed."), field="deadline")
    # The year first, then the table: the order in which a change of the year's deadline locks
    # them too.
    set_deadlines(table.block_year, by=by, self_assessment_deadline=deadline)
    table = (
        CriteriaTable.objects.select_for_update(of=("self",))
        .select_related("block_year__block", "document")
        .get(pk=table.pk)
    )
    block_year = table.block_year
    if table.is_locked:
        raise DomainError(_("Self-assessment is already open."))
    if not covenant_in_force(block_year):
        raise DomainError(
            _(
                "Scoring starts only when the year's covenant is in force: every member unit must"
                " sign it first."
            )
        )
    if not adopted_text_matches(table):
        raise DomainError(
            _(
                "Adopt the criteria table first (open it for comments if the block wishes, then"
                " adopt it); its adopted text must be the table as it stands."
            )
        )
    members = list(
        block_year.memberships.filter(left_on__isnull=True)
        .select_related("unit")
        .order_by("position")
    )
    if not members:
        raise DomainError(_("The block has no member units this year."))
    table.opened_at, table.opened_by, table.deadline = timezone.now(), by, deadline
    table.save(update_fields=["opened_at", "opened_by", "deadline", "updated_at"])
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(table=table, unit=m.unit, unit_name=m.unit_name, position=m.position)
        for m in members
    )
    leaves = list(table.criteria.filter(is_leaf=True))
    Score.objects.bulk_create(Score(sheet=sheet, criterion=c) for sheet in sheets for c in leaves)
    audit.record(
        "scoring.assessment.opened",
        actor=by,
        obj=table,
        after={"deadline": deadline.isoformat(), "units": len(sheets), "rows": len(leaves)},
    )
    mail.send_templated_mail(
        template="scoring_opened",
        recipients=_people(m.unit for m in members),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "deadline": deadline.strftime("%d/%m/%Y"),
            "path": reverse("scoring:assessment_overview", args=[block_year.pk]),
        },
    )
    return table


def follow_self_assessment_deadline(
    block_year: BlockYear, day: datetime.date | None, by: User
) -> None:
    """The opened self-assessment keeps the year's deadline until the ranking is published (a
    changed one is set through `blocks.services`, which calls this in its transaction)."""
    table = (
        CriteriaTable.objects.select_for_update()
        .filter(block_year=block_year, opened_at__isnull=False)
        .exclude(Exists(Ranking.objects.filter(table=OuterRef("pk"))))
        .first()
    )
    if table is None:
        return
    if day is None:
        raise DomainError(
            _("Self-assessment is open: its deadline cannot be removed."),
            field="self_assessment_deadline",
        )
    audit.change(table, {"deadline": day}, by=by, action="scoring.assessment.deadline_changed")


# The unit's sheet ---------------------------------------------------------------------------------


def _locked_sheet(sheet: ScoreSheet) -> ScoreSheet:
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("table__block_year__block", "unit")
        .get(pk=sheet.pk)
    )


def _works_in(user: User, unit: Unit | int | None, role: str | None = None) -> bool:
    if unit is None:
        return False
    roles = UnitRole.objects.filter(user=user, unit=unit)
    if role:
        roles = roles.filter(role=role)
    return roles.exists()


def _check_editable(sheet: ScoreSheet, by: User) -> None:
    if not _works_in(by, sheet.unit_id):
        raise DomainError(
            _("Only the people of %(unit)s fill in its sheet.") % {"unit": sheet.unit_name}
        )
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise DomainError(_("The sheet has been submitted; it can no longer be changed."))
    if not sheet.is_editable():
        until = sheet.open_until()
        raise DomainError(
            _("The deadline (%(date)s) has passed; ask the secretariat to reopen the sheet.")
            % {"date": until.strftime("%d/%m/%Y") if until else ""}
        )


def _check_points(points: Decimal | None, criterion: Criterion, field: str) -> None:
    if points is None:
        return
    if points < 0 or points > criterion.max_points:
        raise DomainError(
            _("%(code)s takes 0 to %(max)s points.")
            % {"code": criterion.code, "max": format_points(criterion.max_points)},
            field=field,
        )
    if points != points.quantize(Decimal("0.01")):
        raise DomainError(_("Use at most two decimals."), field=field)


@transaction.atomic
def save_self_score(score: Score, *, by: User, points: Decimal | None, explanation: str) -> Score:
    """An officer or leader of the unit saves a row of the draft (as they type)."""
    check_not_archived(score.sheet.table.block_year_id)
    sheet = _locked_sheet(score.sheet)
    score = Score.objects.select_related("criterion").get(pk=score.pk)
    _check_editable(sheet, by)
    _check_points(points, score.criterion, "self_points")
    _change(
        score,
        {"self_points": points, "explanation": explanation.strip()},
        by=by,
        action="scoring.score.saved",
    )
    return score


def _change(
    obj: Any, values: dict[str, Any], *, by: User, action: str, reason: str = ""
) -> list[str]:
    """`audit.change`, with a model's own checks turned into a message for the form."""
    try:
        return audit.change(obj, values, by=by, action=action, reason=reason)
    except ValidationError as error:
        field = next(iter(error.message_dict), None) if hasattr(error, "error_dict") else None
        raise DomainError(" ".join(error.messages), field=field) from error


class EvidenceRefused(DomainError):
    """Some of the files given together were refused: `problems` names each file and its
    reason, and none of the files was kept."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems), field="file")
        self.problems = problems


def add_evidence(score: Score, *, by: User, uploaded: UploadedFile) -> Evidence:
    """Attach one file (PDF, image or Office document) to a row of the draft."""
    return add_evidence_files(score, by=by, files=[uploaded])[0]


@transaction.atomic
def add_evidence_files(score: Score, *, by: User, files: Sequence[UploadedFile]) -> list[Evidence]:
    """Attach files given together to a row of the draft: all of them or, when any is refused,
    none (each refused file is named with its reason)."""
    check_not_archived(score.sheet.table.block_year_id)
    sheet = _locked_sheet(score.sheet)
    _check_editable(sheet, by)
    if not files:
        raise DomainError(_("Choose at least one file."), field="file")
    if score.evidence.count() + len(files) > MAX_EVIDENCE_PER_SCORE:
        raise DomainError(
            _("A row takes at most %(max)d files.") % {"max": MAX_EVIDENCE_PER_SCORE}, field="file"
        )
    checked, problems = [], []
    for uploaded in files:
        try:
            checked.append(validate_upload(uploaded, max_bytes=MAX_EVIDENCE_BYTES))
        except ValidationError as error:
            problems.append(f"{uploaded.name}: {' '.join(error.messages)}")
    if problems:
        raise EvidenceRefused(problems)
    added: list[Evidence] = []
    try:
        for uploaded, check in zip(files, checked, strict=True):
            uploaded.name = check.safe_name
            evidence = Evidence(
                score=score,
                name=check.safe_name,
                content_type=check.content_type,
                size=check.size,
                sha256=check.sha256,
                uploaded_by=by,
            )
            evidence.file.save(check.safe_name, uploaded, save=False)
            added.append(evidence)
            evidence.save()
            audit.record(
                "scoring.evidence.added",
                actor=by,
                obj=evidence,
                after={
                    "score": score.pk,
                    "name": evidence.name,
                    "sha256": evidence.sha256,
                    "size": evidence.size,
                },
            )
    except BaseException:
        # The rows roll back with the transaction; the files already written go with them.
        for evidence in added:
            evidence.file.delete(save=False)
        raise
    return added


@transaction.atomic
def remove_evidence(evidence: Evidence, *, by: User) -> None:
    """Remove a file from a draft row (the file stays on disk; the audit log names it)."""
    check_not_archived(evidence.score.sheet.table.block_year_id)
    sheet = _locked_sheet(evidence.score.sheet)
    _check_editable(sheet, by)
    audit.record(
        "scoring.evidence.removed",
        actor=by,
        obj=evidence,
        before={"score": evidence.score_id, "name": evidence.name, "sha256": evidence.sha256},
    )
    evidence.delete()


def evidence_needed(criteria: list[Criterion]) -> set[int]:
    """The scored rows that need evidence: flagged themselves or under a flagged row."""
    flagged = {c.code for c in criteria if c.evidence_required}
    needed = set()
    for criterion in criteria:
        parts = criterion.code.split(".")
        if criterion.is_leaf and any(
            ".".join(parts[:n]) in flagged for n in range(1, len(parts) + 1)
        ):
            needed.add(criterion.pk)
    return needed


def missing_in(rows: list[dict[str, Any]]) -> list[str]:
    """What keeps a sheet from being submitted, from its rows ({criterion, score,
    needs_evidence}): standard rows without points, and rows with points but without the
    evidence they require."""
    problems = []
    for row in rows:
        criterion, score = row["criterion"], row["score"]
        if score is None:
            continue
        if criterion.kind == Criterion.Kind.STANDARD and score.self_points is None:
            problems.append(_("%(code)s has no points yet.") % {"code": criterion.code})
        elif score.self_points and row["needs_evidence"] and not score.evidence.all():
            problems.append(_("%(code)s needs evidence.") % {"code": criterion.code})
    return problems


def missing_before_submit(sheet: ScoreSheet) -> list[str]:
    criteria = list(sheet.table.criteria.order_by("position"))
    scores = {s.criterion_id: s for s in sheet.scores.prefetch_related("evidence")}
    needs = evidence_needed(criteria)
    return missing_in(
        [
            {"criterion": c, "score": scores.get(c.pk), "needs_evidence": c.pk in needs}
            for c in criteria
        ]
    )


@transaction.atomic
def submit_sheet(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The unit's leader submits the sheet before the deadline; it then goes to review."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    if not _works_in(by, sheet.unit_id, UnitRole.Role.LEADER):
        raise DomainError(
            _("Only the leader of %(unit)s submits its sheet.") % {"unit": sheet.unit_name}
        )
    _check_editable(sheet, by)
    problems = missing_before_submit(sheet)
    if problems:
        raise DomainError(_("Not yet complete: %(problems)s") % {"problems": " ".join(problems)})
    _move(sheet, ScoreSheet.Status.SUBMITTED, by=by, submitted_at=timezone.now(), submitted_by=by)
    return sheet


def _move(sheet: ScoreSheet, status: str, *, by: User, reason: str = "", **extra: Any) -> None:
    if not sheet.can_move_to(status):
        raise DomainError(
            _("A sheet that is “%(status)s” cannot become “%(target)s”.")
            % {"status": sheet.get_status_display(), "target": ScoreSheet.Status(status).label}
        )
    fields = ["status", *extra]
    before = audit.snapshot(sheet, fields)
    sheet.status = status
    for name, value in extra.items():
        setattr(sheet, name, value)
    sheet.save(update_fields=fields)
    audit.record(
        f"scoring.sheet.{status}",
        actor=by,
        obj=sheet,
        before=before,
        after=audit.snapshot(sheet, fields),
        reason=reason,
    )


@transaction.atomic
def reopen_sheet(sheet: ScoreSheet, *, by: User, reason: str, until: datetime.date) -> ScoreSheet:
    """The secretariat reopens one unit's sheet until a date, with a reason (before review
    results are sent); the unit is told by e-mail."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    if not reason.strip():
        raise DomainError(_("Give the reason for reopening."), field="reason")
    if until < timezone.localdate():
        raise DomainError(_("The date has already passed."), field="until")
    if sheet.status not in (ScoreSheet.Status.DRAFT, ScoreSheet.Status.SUBMITTED):
        raise DomainError(
            _("Review results were already sent; the sheet can no longer be reopened.")
        )
    extra = {"reopened_until": until, "reopen_reason": reason.strip()}
    if sheet.status == ScoreSheet.Status.SUBMITTED:
        _move(sheet, ScoreSheet.Status.DRAFT, by=by, reason=reason.strip(), **extra)
    else:
        audit.change(sheet, extra, by=by, action="scoring.sheet.reopened", reason=reason.strip())
    mail.send_templated_mail(
        template="scoring_sheet_returned",
        recipients=_people([sheet.unit_id]),
        context={
            "unit": sheet.unit_name,
            "year": sheet.table.block_year.year,
            "until": until.strftime("%d/%m/%Y"),
            "reason": reason.strip(),
            "path": sheet.get_absolute_url(),
        },
    )
    return sheet


# Review -----------------------------------------------------------------------------------------


@transaction.atomic
def assign_reviewer(sheet: ScoreSheet, *, by: User, reviewer_unit: Unit | None) -> ScoreSheet:
    """The secretariat asks another member unit to review a sheet (None: the head and deputies)."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    if reviewer_unit is not None:
        if reviewer_unit.pk == sheet.unit_id:
            raise DomainError(_("A unit never reviews its own sheet."), field="reviewer_unit")
        if not Membership.objects.filter(
            block_year=sheet.table.block_year_id, unit=reviewer_unit, left_on__isnull=True
        ).exists():
            raise DomainError(_("Choose a member unit of the block."), field="reviewer_unit")
    if sheet.status == ScoreSheet.Status.FINAL:
        raise DomainError(_("The sheet is final."))
    _change(
        sheet, {"reviewer_unit": reviewer_unit}, by=by, action="scoring.sheet.reviewer_assigned"
    )
    return sheet


@transaction.atomic
def review_score(score: Score, *, by: User, points: Decimal | None, reason: str) -> Score:
    """A reviewer sets the reviewed points of a row. A score that differs from the unit's own
    needs a reason; empty points confirm the unit's own."""
    check_not_archived(score.sheet.table.block_year_id)
    sheet = _locked_sheet(score.sheet)
    score = Score.objects.select_related("criterion").get(pk=score.pk)
    if not reviews(by, sheet):
        raise DomainError(_("A unit never reviews its own sheet; this one is not yours to review."))
    if not sheet.is_reviewable:
        raise DomainError(_("The sheet is not under review."))
    _check_points(points, score.criterion, "reviewed_points")
    reason = reason.strip()
    if points is not None and points != score.self_points and not reason:
        raise DomainError(
            _("Say why %(code)s changes from %(own)s to %(new)s.")
            % {
                "code": score.criterion.code,
                "own": format_points(score.self_points or Decimal(0)),
                "new": format_points(points),
            },
            field="review_reason",
        )
    if points is None or points == score.self_points:
        points, reason = None, ""
    changed = _change(
        score,
        {"reviewed_points": points, "review_reason": reason},
        by=by,
        action="scoring.score.reviewed",
        reason=reason,
    )
    if changed:
        score.reviewed_by, score.reviewed_at = by, timezone.now()
        score.save(update_fields=["reviewed_by", "reviewed_at"])
    return score


@transaction.atomic
def send_review_results(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """Send the review back to the unit, which has `response_days` to accept or answer it."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    if not reviews(by, sheet):
        raise DomainError(_("A unit never reviews its own sheet; this one is not yours to review."))
    respond_by = timezone.localdate() + datetime.timedelta(days=sheet.table.response_days)
    _move(
        sheet, ScoreSheet.Status.RETURNED, by=by, returned_at=timezone.now(), respond_by=respond_by
    )
    changed = sheet.scores.filter(reviewed_points__isnull=False).count()
    mail.send_templated_mail(
        template="scoring_review_results",
        recipients=_people([sheet.unit_id]),
        context={
            "unit": sheet.unit_name,
            "year": sheet.table.block_year.year,
            "changed": changed,
            "respond_by": respond_by.strftime("%d/%m/%Y"),
            "path": sheet.get_absolute_url(),
        },
    )
    return sheet


def _check_unit_leader(sheet: ScoreSheet, by: User) -> None:
    if not _works_in(by, sheet.unit_id, UnitRole.Role.LEADER):
        raise DomainError(
            _("Only the leader of %(unit)s answers for it.") % {"unit": sheet.unit_name}
        )


@transaction.atomic
def accept_review(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The unit's leader accepts the review results."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    _check_unit_leader(sheet, by)
    _move(sheet, ScoreSheet.Status.ACCEPTED, by=by, responded_at=timezone.now())
    return sheet


@transaction.atomic
def respond_to_review(sheet: ScoreSheet, *, by: User, text: str) -> ScoreSheet:
    """The unit's leader answers the review results within the window; the secretariat settles."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    _check_unit_leader(sheet, by)
    if not text.strip():
        raise DomainError(_("Write the unit's answer."), field="text")
    if sheet.respond_by and timezone.localdate() > sheet.respond_by:
        raise DomainError(
            _("The time to answer ended on %(date)s.")
            % {"date": sheet.respond_by.strftime("%d/%m/%Y")}
        )
    _move(
        sheet,
        ScoreSheet.Status.RESPONDED,
        by=by,
        reason=text.strip(),
        response=text.strip(),
        responded_at=timezone.now(),
    )
    return sheet


@transaction.atomic
def finalise_sheet(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The secretariat makes the reviewed scores final: once the unit accepted or answered (and
    any answer was settled), or once its time to answer has passed."""
    check_not_archived(sheet.table.block_year_id)
    sheet = _locked_sheet(sheet)
    if _works_in(by, sheet.unit_id):
        raise DomainError(
            _("A unit never finalises its own sheet; another member of the secretariat does.")
        )
    if (
        sheet.status == ScoreSheet.Status.RETURNED
        and sheet.respond_by
        and timezone.localdate() <= sheet.respond_by
    ):
        raise DomainError(
            _("The unit may still answer until %(date)s.")
            % {"date": sheet.respond_by.strftime("%d/%m/%Y")}
        )
    _move(sheet, ScoreSheet.Status.FINAL, by=by, finalised_at=timezone.now(), finalised_by=by)
    return sheet


# Many sheets at once ------------------------------------------------------------------------------


def _each(
    sheets: Iterable[ScoreSheet],
    check: Callable[[ScoreSheet], str],
    act: Callable[[ScoreSheet], ScoreSheet],
    nothing: str,
) -> list[ScoreSheet]:
    """Lock each sheet, `check` it (a refusal, or ""), `act` on it; the first refusal, from the
    check or from `act`, names its unit and undoes the whole (the caller is atomic)."""
    sheets = list(sheets)
    if not sheets:
        raise DomainError(_("No sheet was chosen."))

    def checked(sheet: ScoreSheet) -> ScoreSheet:
        sheet = _locked_sheet(sheet)
        refusal = check(sheet)
        if refusal:
            raise DomainError(refusal)
        return act(sheet)

    return each_or_none(sheets, checked, name=lambda sheet: sheet.unit_name, nothing=nothing)


@transaction.atomic
def send_unchanged_review_results(sheets: Iterable[ScoreSheet], *, by: User) -> list[ScoreSheet]:
    """Send the review results of several sheets in which no reviewer changed a score, each
    through `send_review_results` (audited and mailed as one by one). All or none: a sheet whose
    results were sent meanwhile, or in which a score was changed since the list was shown, stops
    the whole and is named."""

    def check(sheet: ScoreSheet) -> str:
        if sheet.status != ScoreSheet.Status.SUBMITTED:
            return _("The sheet is no longer under review (%(status)s).") % {
                "status": sheet.get_status_display()
            }
        if sheet.scores.filter(reviewed_points__isnull=False).exists():
            return _("A reviewer changed a score; send its results from its own page.")
        return ""

    return _each(
        sheets,
        check,
        lambda sheet: send_review_results(sheet, by=by),
        _("Nothing was sent."),
    )


@transaction.atomic
def finalise_settled_sheets(sheets: Iterable[ScoreSheet], *, by: User) -> list[ScoreSheet]:
    """Make several settled sheets final (accepted by the unit, or whose time to answer has
    passed), each through `finalise_sheet` (audited as one by one). All or none: a sheet that is
    no longer settled (answered meanwhile, or already final) stops the whole and is named."""
    today = timezone.localdate()

    def check(sheet: ScoreSheet) -> str:
        if sheet.is_settled(today):
            return ""
        return _("The sheet is no longer ready to be made final (%(status)s).") % {
            "status": sheet.get_status_display()
        }

    return _each(
        sheets,
        check,
        lambda sheet: finalise_sheet(sheet, by=by),
        _("Nothing was made final."),
    )


# Ranking -----------------------------------------------------------------------------------------


def canonical_ranking(
    sections: list[dict[str, Any]], rows: list[dict[str, Any]], *, as_listed: bool = False
) -> str:
    """The published ranking as canonical JSON: what its SHA-256 is of. Rows go by rank, then
    unit: units tied for a vote share a rank, and the order they happen to be listed in (by
    sheet when computed, by name when read back) is no part of the ranking. `as_listed` keeps
    the order given, as rankings published before this rule were hashed."""
    plain = [
        {
            "rank": row["rank"],
            "unit": row["unit_id"],
            "unit_name": row["unit_name"],
            "sections": {
                code: format_points(value) for code, value in sorted(row["sections"].items())
            },
            "bonus": format_points(row["bonus"]),
            "deduction": format_points(row["deduction"]),
            "total": format_points(row["total"]),
            "band": row["band"],
            "tie": row["tie"],
        }
        for row in rows
    ]
    if not as_listed:
        plain.sort(key=lambda row: (row["rank"], row["unit"]))
    return json.dumps(
        {"sections": sections, "rows": plain},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def freeze_ranking(table: CriteriaTable, *, by: User, when: datetime.datetime) -> Ranking:
    """Compute the ranking in SQL and store it as published rows with their SHA-256."""
    check_not_archived(table.block_year_id)
    sections, rows = computed_rows(table)
    section_data = [s.as_dict() for s in sections]
    ranking = Ranking.objects.create(
        table=table,
        published_at=when,
        published_by=by,
        sha256=hashlib.sha256(canonical_ranking(section_data, rows).encode()).hexdigest(),
        sections=section_data,
    )
    RankingRow.objects.bulk_create(
        RankingRow(
            ranking=ranking,
            unit_id=row["unit_id"],
            unit_name=row["unit_name"],
            rank=row["rank"],
            standard=row["standard"],
            bonus=row["bonus"],
            deduction=row["deduction"],
            total=row["total"],
            sections={code: format_points(value) for code, value in row["sections"].items()},
            band=row["band"],
            tie=row["tie"],
        )
        for row in rows
    )
    audit.record(
        "scoring.ranking.published",
        actor=by,
        obj=ranking,
        after={"sha256": ranking.sha256, "leading": rows[0]["unit_name"] if rows else ""},
    )
    return ranking


@transaction.atomic
def publish_ranking(table: CriteriaTable, *, by: User) -> Ranking:
    """Publish the ranking once every sheet is final: the rows are frozen with their SHA-256."""
    check_not_archived(table.block_year_id)
    table = (
        CriteriaTable.objects.select_for_update(of=("self",))
        .select_related("block_year__block")
        .get(pk=table.pk)
    )
    if Ranking.objects.filter(table=table).exists():
        raise DomainError(_("The ranking is already published."))
    open_sheets = table.sheets.exclude(status=ScoreSheet.Status.FINAL).count()
    if not table.is_locked or open_sheets or not table.sheets.exists():
        raise DomainError(
            _("Every sheet must be final before the ranking is published (%(count)d not yet).")
            % {"count": open_sheets}
        )
    ranking = freeze_ranking(table, by=by, when=timezone.now())
    leading = ranking.rows.order_by("rank", "unit_name").values_list("unit_name", flat=True).first()
    block_year = table.block_year
    mail.send_templated_mail(
        template="scoring_ranking_published",
        recipients=_people(
            block_year.memberships.filter(left_on__isnull=True).values_list("unit", flat=True)
        ),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "leading": leading or "",
            "path": reverse("scoring:ranking_detail", args=[block_year.pk]),
        },
    )
    return ranking


def ranking_matches(ranking: Ranking, rows: list[dict[str, Any]] | None = None) -> bool:
    """Whether the stored rows (read again, unless given as `frozen_rows` made them) still hash
    to the published SHA-256."""
    from scoring.ranking import frozen_rows

    if rows is None:
        rows = frozen_rows(ranking.rows.all())
    # A ranking published before rows were put in order was hashed in the order its rows were
    # computed; read back by name, that order survives only where the names keep it.
    return ranking.sha256 in {
        hashlib.sha256(
            canonical_ranking(ranking.sections, rows, as_listed=as_listed).encode()
        ).hexdigest()
        for as_listed in (False, True)
    }


# Reminders ---------------------------------------------------------------------------------------


def send_assessment_reminders(*, today: datetime.date | None = None, days_before: int = 3) -> int:
    """Remind the people of units whose sheet is still a draft when the deadline is near; once a
    day per unit. Returns how many units were reminded."""
    today = today or timezone.localdate()
    due = ScoreSheet.objects.filter(
        status=ScoreSheet.Status.DRAFT,
        table__block_year__archived_at=None,
        table__deadline__gte=today,
        table__deadline__lte=today + datetime.timedelta(days=days_before),
    ).select_related("table__block_year__block")
    reminded = 0
    for sheet in due:
        with transaction.atomic():
            if not mail.claim_once(ReminderSent, sheet=sheet, sent_on=today):
                continue
            deadline = sheet.table.deadline
            mail.send_templated_mail(
                template="scoring_reminder",
                recipients=_people([sheet.unit_id]),
                context={
                    "unit": sheet.unit_name,
                    "block_name": sheet.table.block_year.block.name,
                    "deadline": deadline.strftime("%d/%m/%Y") if deadline else "",
                    "path": sheet.get_absolute_url(),
                },
            )
            reminded += 1
    return reminded
