"""Scoring's share of `manage.py benchmark` (emulation.benchmark): per block year a criteria
table of 60 rows, last years' sheets final and rankings published, this year's sheets of the
scoring block being filled in; the scoring pages, and the self-assessment deadline rush.
Registered in ScoringConfig.ready().

The rush: every member unit's leader saves the last empty row of the unit's sheet (an htmx post,
as the sheet sends it) and submits the sheet, all at once. Afterwards every sheet must be
submitted once, with the row saved.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from blocks.benchmark import RegistryData, head_of, leaders_of, registry_of, role_holder, unit_roles
from blocks.models import BlockYear, Membership, UnitRole
from emulation.audit import verify_chain
from emulation.benchmark.data import Cast, DataStep, analyze, aware
from emulation.benchmark.load import close_sessions
from emulation.benchmark.pages import Page
from emulation.benchmark.scenarios import (
    HTMX,
    Post,
    Storm,
    Transport,
    doubled,
    repeat_and_shuffle,
    sessions_for,
    timing,
)
from emulation.models import AuditEvent
from scoring.models import Band, CriteriaTable, Criterion, Ranking, RankingRow, Score, ScoreSheet
from scoring.services import freeze_ranking


@dataclass(frozen=True)
class CriterionRow:
    code: str
    title: str
    max_points: Decimal
    kind: str
    is_leaf: bool = True

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def parent(self) -> str:
        return self.code.rpartition(".")[0]

    @property
    def group(self) -> str:
        """The criterion the row counts under: a section's direct child (or the section)."""
        return ".".join(self.code.split(".")[:2])


def _criteria_rows() -> list[CriterionRow]:
    """Sixty rows shaped like `scoring/data/criteria-party-agencies-sample.csv`, 51 of them
    scored: three standard sections making 100 points (one with sub-criteria), a bonus section
    and a deduction section."""
    standard, bonus, deduction = (k.value for k in Criterion.Kind)
    rows = [
        CriterionRow("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", Decimal(50), standard, False)
    ]
    rows += [
        CriterionRow(
            f"I.{i}", f"{TASKS[(i - 1) % len(TASKS)]} (nội dung {i})", Decimal(5), standard
        )
        for i in range(1, 11)
    ]
    rows.append(
        CriterionRow("II", "Xây dựng Đảng, đoàn thể vững mạnh", Decimal(20), standard, False)
    )
    for i in range(1, 5):
        rows.append(
            CriterionRow(
                f"II.{i}",
                f"Tổ chức, đoàn thể vững mạnh (nội dung {i})",
                Decimal(5),
                standard,
                False,
            )
        )
        rows += [
            CriterionRow(
                f"II.{i}.{part}", f"Đạt yêu cầu {part} của nội dung {i}", Decimal("2.5"), standard
            )
            for part in "ab"
        ]
    rows.append(
        CriterionRow(
            "III",
            "Công tác thi đua, khen thưởng và hoạt động của Khối",
            Decimal(30),
            standard,
            False,
        )
    )
    rows += [
        CriterionRow(
            f"III.{i}", f"Tham gia hoạt động chung của Khối (nội dung {i})", Decimal(3), standard
        )
        for i in range(1, 11)
    ]
    rows.append(CriterionRow("IV", "Điểm thưởng", Decimal(10), bonus, False))
    rows += [
        CriterionRow(
            f"IV.{i}", f"Mô hình, sáng kiến được công nhận (nội dung {i})", Decimal(2), bonus
        )
        for i in range(1, 11)
    ]
    rows.append(CriterionRow("V", "Điểm trừ", Decimal(10), deduction, False))
    rows += [
        CriterionRow(f"V.{i}", f"Vi phạm, chậm trễ (nội dung {i})", Decimal(2), deduction)
        for i in range(1, 14)
    ]
    return rows


TASKS = [
    "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm",
    "Tham mưu, đề xuất với cấp ủy, chính quyền có chất lượng",
    "Cải cách hành chính, ứng dụng công nghệ thông tin, chuyển đổi số",
    "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng",
]
CRITERIA = _criteria_rows()
CRITERIA_BY_CODE = {row.code: row for row in CRITERIA}
LEAVES = sum(row.is_leaf for row in CRITERIA)
BANDS = [
    ("Hoàn thành xuất sắc nhiệm vụ", Decimal(95), Decimal(80)),
    ("Hoàn thành tốt nhiệm vụ", Decimal(85), Decimal(50)),
    ("Hoàn thành nhiệm vụ", Decimal(50), Decimal(0)),
]
RUSH_CODE = "III.10"  # left empty in this year's drafts: the row the deadline rush saves
RUSH_POINTS = Decimal("2.5")
REVIEWED_POSITION = 4  # this year's sheet already submitted, for the review page
TABLES_PER_BATCH = 200  # criteria, sheets and scores are written this many tables at a time


def sheet_points(unit_id: int, criterion: Criterion) -> Decimal:
    """A unit's points on a row, varied by unit so that totals, bands and ranks differ."""
    turn = unit_id * 7 + criterion.position * 3
    if criterion.kind == Criterion.Kind.STANDARD:
        return criterion.max_points - (Decimal("0.5") if turn % 4 == 0 else Decimal(0))
    if criterion.kind == Criterion.Kind.BONUS:
        return Decimal(1) if turn % 5 == 0 else Decimal(0)
    return Decimal(1) if turn % 13 == 0 else Decimal(0)


class ScoringData(DataStep):
    """Per block year the criteria table (`CRITERIA`, locked), bands and tie-break order. Last
    years: every member's sheet final with a score on every scored row, and the ranking
    computed by `scoring.ranking` and published. This year, in the scoring block only:
    self-assessment open, every sheet a draft filled in but for `RUSH_CODE`, and one sheet
    (`REVIEWED_POSITION`) submitted for review."""

    counted = [CriteriaTable, Criterion, ScoreSheet, Score, Ranking, RankingRow]

    def generate(self) -> None:
        found = self.step(RegistryData)
        block_years, members = found.block_years, found.members
        this_year = self.today.year
        officers = {role.unit_id: role.user_id for role in unit_roles(UnitRole.Role.OFFICER)}
        leaders = {role.unit_id: role.user_id for role in unit_roles(UnitRole.Role.LEADER)}
        now = timezone.now()
        tables = []
        for block_year in block_years:
            head = head_of(members[block_year.pk])
            past = block_year.year < this_year
            scoring = not past and block_year.block_id == found.scoring_block_id
            tables.append(
                CriteriaTable(
                    block_year=block_year,
                    tie_break=["I", "III"],
                    opened_at=aware(datetime.date(block_year.year, 11, 1))
                    if past
                    else (now if scoring else None),
                    opened_by_id=officers[head.unit_id] if past or scoring else None,
                    deadline=datetime.date(block_year.year, 11, 30)
                    if past
                    else (self.today + datetime.timedelta(days=14) if scoring else None),
                )
            )
        tables = self.insert(tables)
        self.insert(
            [
                Band(table=table, position=i, label=label, min_total=total, floor_percent=floor)
                for table in tables
                for i, (label, total, floor) in enumerate(BANDS, start=1)
            ]
        )
        for start in range(0, len(tables), TABLES_PER_BATCH):
            chunk = tables[start : start + TABLES_PER_BATCH]
            leaves = self._criteria(chunk)
            sheets = self._sheets(chunk, members, leaders, officers)
            self._scores(sheets, leaves)
        for name in ("scoring_criterion", "scoring_scoresheet", "scoring_score"):
            self.logged(name)
        # The ranking's query plans on the tables just filled: without statistics PostgreSQL
        # scans every score for each ranking (0.5 s each at country scale instead of ~20 ms).
        with self.timed("ANALYZE (scoring)"):
            analyze(CriteriaTable, Criterion, ScoreSheet, Score)
        self.logged("ANALYZE (scoring)")
        past_tables = (
            CriteriaTable.objects.filter(block_year__year__lt=this_year)
            .select_related("block_year__block", "opened_by")
            .order_by("pk")
        )
        with self.timed("scoring_ranking (published)") as timing:
            for table in past_tables:
                year, by = table.block_year.year, table.opened_by
                assert by is not None
                # Through the service: its SQL ranks, classifies and hashes the published rows.
                freeze_ranking(table, by=by, when=aware(datetime.date(year, 12, 20), 15))
                timing.rows += 1
        self.logged("scoring_ranking (published)")

    def _criteria(self, tables: list[CriteriaTable]) -> dict[int, list[Criterion]]:
        """The criteria of the tables, written level by level (a row's parent first); returns
        each table's scored rows."""
        created: dict[tuple[int, str], Criterion] = {}
        leaves: dict[int, list[Criterion]] = defaultdict(list)
        for depth in (0, 1, 2):
            level = [
                Criterion(
                    table=table,
                    parent=created.get((table.pk, row.parent)) if row.parent else None,
                    position=position,
                    code=row.code,
                    title_vi=row.title,
                    max_points=row.max_points,
                    kind=row.kind,
                    depth=row.depth,
                    is_leaf=row.is_leaf,
                    section_code=row.code.split(".")[0],
                    group_code=row.group,
                    group_max=CRITERIA_BY_CODE[row.group].max_points,
                )
                for table in tables
                for position, row in enumerate(CRITERIA, start=1)
                if row.depth == depth
            ]
            for criterion in self.insert(level, quiet=True):
                created[criterion.table_id, criterion.code] = criterion
                if criterion.is_leaf:
                    leaves[criterion.table_id].append(criterion)
        return leaves

    def _sheets(
        self,
        tables: list[CriteriaTable],
        members: dict[int, list[Membership]],
        leaders: dict[int, int],
        officers: dict[int, int],
    ) -> list[ScoreSheet]:
        rows = []
        for table in tables:
            if table.opened_at is None:
                continue
            year = table.block_year.year
            year_members = members[table.block_year_id]
            head = head_of(year_members)
            for membership in year_members:
                unit, leader = membership.unit, leaders[membership.unit_id]
                sheet = ScoreSheet(
                    table=table,
                    unit=unit,
                    unit_name=unit.name,
                    position=membership.position,
                )
                if table.block_year.year < self.today.year:
                    sheet.status = ScoreSheet.Status.FINAL
                    sheet.submitted_at = aware(datetime.date(year, 11, 25))
                    sheet.submitted_by_id = leader
                    sheet.returned_at = aware(datetime.date(year, 12, 5))
                    sheet.respond_by = datetime.date(year, 12, 10)
                    sheet.finalised_at = aware(datetime.date(year, 12, 12))
                    sheet.finalised_by_id = officers[head.unit_id]
                elif membership.position == REVIEWED_POSITION:
                    sheet.status = ScoreSheet.Status.SUBMITTED
                    sheet.submitted_at = timezone.now()
                    sheet.submitted_by_id = leader
                rows.append(sheet)
        return self.insert(rows, quiet=True)

    def _scores(self, sheets: list[ScoreSheet], leaves: dict[int, list[Criterion]]) -> None:
        rows = []
        for sheet in sheets:
            for criterion in leaves[sheet.table_id]:
                points: Decimal | None = sheet_points(sheet.unit_id, criterion)
                if criterion.code == RUSH_CODE and sheet.status == ScoreSheet.Status.DRAFT:
                    points = None  # the row every unit saves in the deadline rush
                rows.append(Score(sheet=sheet, criterion=criterion, self_points=points))
        self.insert(rows, quiet=True)

    @classmethod
    def find(cls, cast: Cast) -> ScoringCast:
        scoring_year = registry_of(cast).scoring_year
        sheets = ScoreSheet.objects.filter(table__block_year=scoring_year)
        members = list(scoring_year.memberships.select_related("unit").order_by("position"))
        cast.users.update(
            {
                "officer": role_holder(members[2].unit, UnitRole.Role.OFFICER),
                "reviewer": role_holder(members[0].unit, UnitRole.Role.OFFICER),
            }
        )
        return ScoringCast(
            sheet=sheets.get(unit=members[2].unit),
            review_sheet=sheets.get(position=REVIEWED_POSITION),
        )


@dataclass(frozen=True)
class ScoringCast:
    """The sheets that the pages use."""

    sheet: ScoreSheet  # a draft in the scoring year, of a member neither head nor deputy
    review_sheet: ScoreSheet  # a sheet of the scoring year submitted for review


def scoring_of(cast: Cast) -> ScoringCast:
    return cast.part(ScoringCast)


PAGES = [
    Page("scoring_sheet", "officer",
         lambda c: reverse("scoring:sheet_detail", args=[scoring_of(c).sheet.pk]),
         "scoring sheet, a draft being filled in (51 scored rows)"),
    Page("review", "reviewer",
         lambda c: reverse("scoring:sheet_review", args=[scoring_of(c).review_sheet.pk]),
         "review page of a submitted sheet"),
    Page("ranking", "leader",
         lambda c: reverse("scoring:ranking_detail", args=[registry_of(c).last_year.pk]),
         "last year's published ranking", published=True),
    Page("ranking_live", "reviewer",
         lambda c: reverse("scoring:ranking_detail", args=[registry_of(c).scoring_year.pk]),
         "this year's ranking, computed in SQL while sheets are open"),
]  # fmt: skip


# The self-assessment deadline rush ----------------------------------------------------------


def reset_sheets(block_year_id: int, *, as_generated: bool) -> None:
    """Every sheet of the year a draft with the rush row empty; `as_generated` puts back the
    one sheet the generator submitted for review."""
    sheets = ScoreSheet.objects.filter(table__block_year=block_year_id)
    sheets.update(status=ScoreSheet.Status.DRAFT, submitted_at=None, submitted_by=None)
    Score.objects.filter(sheet__in=sheets, criterion__code=RUSH_CODE).update(
        self_points=None, explanation=""
    )
    if as_generated:
        reviewed = sheets.get(position=REVIEWED_POSITION)
        leader = UnitRole.objects.get(unit=reviewed.unit_id, role=UnitRole.Role.LEADER)
        sheets.filter(pk=reviewed.pk).update(
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=leader.user_id,
        )
        Score.objects.filter(sheet=reviewed, criterion__code=RUSH_CODE).update(
            self_points=RUSH_POINTS
        )


def self_assessment_rush(block_year: BlockYear, transport: Transport) -> dict[str, Any]:
    """Every member unit's leader saves the last empty row of the sheet (as htmx does) and
    submits the sheet, all at once; then count the scores and the submissions."""
    reset_sheets(block_year.pk, as_generated=False)
    leaders = leaders_of(block_year.pk)
    sheets = {
        sheet.unit_id: sheet
        for sheet in ScoreSheet.objects.filter(table__block_year=block_year).only("pk", "unit")
    }
    rows = dict(
        Score.objects.filter(sheet__in=sheets.values(), criterion__code=RUSH_CODE).values_list(
            "sheet", "pk"
        )
    )
    points = f"{RUSH_POINTS}".replace(".", ",")  # typed the Vietnamese way
    sessions = sessions_for(list(leaders.values()))
    plan = repeat_and_shuffle(list(sheets))
    runs = [
        [
            Post(
                reverse("scoring:score_save", args=[rows[sheets[unit].pk]]),
                {"self_points": points, "explanation": "Hoàn thành đúng hạn."},
                sessions[leaders[unit].pk],
                HTMX,
            ),
            Post(
                reverse("scoring:sheet_submit", args=[sheets[unit].pk]),
                {},
                sessions[leaders[unit].pk],
            ),
        ]
        for unit in plan
    ]
    seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    try:
        start = time.perf_counter()
        replies = transport.post_all(runs)
        seconds = time.perf_counter() - start
        failures: Counter[str] = Counter(
            reply.error or f"HTTP {reply.status}"
            for pair in replies
            for reply in pair
            if reply.status not in (200, 302)
        )
        submitted = set(
            ScoreSheet.objects.filter(
                pk__in=[s.pk for s in sheets.values()], status=ScoreSheet.Status.SUBMITTED
            ).values_list("unit", flat=True)
        )
        saved = set(
            Score.objects.filter(pk__in=rows.values(), self_points=RUSH_POINTS).values_list(
                "sheet__unit", flat=True
            )
        )
        per_row = Counter(
            Score.objects.filter(sheet__in=sheets.values()).values_list("sheet", "criterion")
        )
        submissions = Counter(
            AuditEvent.objects.filter(
                seq__gt=seq,
                action=f"scoring.sheet.{ScoreSheet.Status.SUBMITTED}",
                object_id__in=[str(s.pk) for s in sheets.values()],
            ).values_list("object_id", flat=True)
        )
        latencies = [reply.ms for pair in replies for reply in pair if reply.status in (200, 302)]
        chain_break = verify_chain()
        result = {
            "note": f"{len(submitted)} submitted, {len(saved)} rows saved, {len(plan) - len(sheets)} "
            f"repeats, audit chain {'intact' if chain_break is None else 'BROKEN'}",
            "throughput_per_s": round(len(submitted) / seconds, 2) if seconds else None,
            "errors": sum(failures.values()),
            "lost": len(set(sheets) - (submitted & saved)),
            "duplicates": doubled(per_row, submissions),
            "units": len(sheets),
            "requests": 2 * len(plan),
            **timing(seconds, latencies),
            "audit_chain_intact": chain_break is None,
            "failures": dict(failures),
        }
    finally:
        close_sessions(sessions.values())
        reset_sheets(block_year.pk, as_generated=True)
    return result


STORMS = [
    Storm(
        "self_assessment_rush",
        "every unit of a block saves its last row and submits its sheet at once",
        lambda c, t: self_assessment_rush(registry_of(c).scoring_year, t),
    ),
]
