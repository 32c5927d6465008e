"""Demo scoring of the Quảng Trị Party agencies block.

Last year: the sample criteria table adopted, the sheets of the eight units that were members at
its end (the Mass Mobilisation Board merged into the Propaganda Board on 1 July) submitted,
reviewed (the Inspection Commission's I.1 cut from 20 to 18, with its reason), accepted and final,
and the ranking published: the Office of the Provincial Party Committee leads; the Propaganda and
Mass Mobilisation Board and the Party Committee of the provincial Party agencies tie on 93.5 and
section I settles it; the Internal Affairs Board reaches 94.5 but a criterion below the floor
keeps it out of "excellent".
This year: the same table adopted; from November, once the covenant is in force, self-assessment
open until the year's deadline.

Written directly (last year's dates are in the past, which the services rightly refuse) except
for the table itself, which goes through the import and adoption services.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blocks.models import BlockYear, Membership, UnitRole
from covenants import services as documents
from covenants.models import Document
from emulation import audit
from emulation.demo import Seeder, self_assessment_open
from emulation.models import User
from emulation.pdf import render_pdf
from scoring import services
from scoring.models import CriteriaTable, Evidence, Score, ScoreSheet

BLOCK = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"
SAMPLE = Path(__file__).resolve().parent / "data" / "criteria-party-agencies-sample.csv"

# Per unit at the year's end, in the block's order: points lost on standard rows, bonus and
# deduction points.
SCORES: list[tuple[dict[str, str], dict[str, str], dict[str, str]]] = [
    # Văn phòng Tỉnh ủy: 96 + 8 bonus = 104, leading.
    (
        {"I.1": "1", "I.3": "1", "II.2": "0.5", "III.2.a": "1", "III.4": "0.5"},
        {"IV.1": "3", "IV.2": "5"},
        {},
    ),
    # Ban Tổ chức: 94.5 + 2 = 96.5.
    (
        {"I.1": "2", "I.2": "1", "I.4": "0.5", "II.3": "0.5", "III.1": "1", "III.3": "0.5"},
        {"IV.1": "2"},
        {},
    ),
    # Ban Tuyên giáo và Dân vận: 94.5 − 1 = 93.5, section I 47.5 (wins the tie).
    (
        {"I.2": "1", "I.3": "1.5", "II.1": "1", "II.2": "0.5", "III.2.b": "1", "III.4": "0.5"},
        {},
        {"V.1": "1"},
    ),
    # Ban Nội chính: 94.5, but II.2 at 80% keeps it below "excellent".
    ({"I.1": "2", "I.2": "1", "II.2": "1", "III.1": "1", "III.4": "0.5"}, {}, {}),
    # Ủy ban Kiểm tra: 94 − 1 = 93 after review (I.1 cut from 20 to 18).
    ({"I.3": "1", "II.1": "1", "III.2.a": "1", "III.3": "0.5", "III.4": "0.5"}, {}, {"V.1": "1"}),
    # Đảng ủy các cơ quan Đảng tỉnh: 94.5 − 1 = 93.5, section I 46 (loses the tie).
    ({"I.1": "3", "I.4": "1", "II.3": "0.5", "III.1": "0.5", "III.3": "0.5"}, {}, {"V.1": "1"}),
    # Báo Quảng Trị: 90 + 2 − 2 = 90, I.2 at 80%.
    (
        {
            "I.1": "3",
            "I.2": "2",
            "I.3": "1",
            "II.1": "1",
            "III.1": "1",
            "III.2.b": "1",
            "III.4": "1",
        },
        {"IV.1": "2"},
        {"V.1": "2"},
    ),
    # Trường Chính trị Lê Duẩn: 86.
    (
        {
            "I.1": "4",
            "I.2": "2",
            "I.3": "2",
            "I.4": "1",
            "II.1": "2",
            "II.3": "1",
            "III.1": "1",
            "III.3": "1",
        },
        {},
        {},
    ),
]
REVIEWED = (
    "UBKTTU",  # the Inspection Commission, by its short name
    "I.1",
    Decimal(18),
    "Còn 01 chỉ tiêu chưa hoàn thành theo báo cáo tổng kết (trừ 2 điểm theo hướng dẫn).",
)


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class ScoringSeeder(Seeder):
    def seed(self) -> None:
        this_year = timezone.localdate().year
        years = {
            y.year: y
            for y in BlockYear.objects.filter(
                block__name=BLOCK, year__in=[this_year - 1, this_year]
            )
        }
        for year, block_year in sorted(years.items()):
            if CriteriaTable.objects.filter(block_year=block_year).exists():
                continue
            author = self.secretariat_officer(block_year)
            if author is None:
                continue
            table = self.adopted_table(block_year, author)
            if year < this_year:
                self.scored(block_year, table, author)
            elif self_assessment_open(year, timezone.localdate()):
                self.opened(block_year, table, author)

    def opened(self, block_year: BlockYear, table: CriteriaTable, author: User) -> None:
        """This year's self-assessment, open since November until the year's deadline (which the
        registry set ahead of today), once the covenant is in force."""
        deadline = block_year.self_assessment_deadline
        if (
            deadline is not None
            and Document.objects.filter(
                block_year=block_year,
                kind=Document.Kind.COVENANT,
                status=Document.Status.IN_FORCE,
            ).exists()
        ):
            services.open_self_assessment(table, by=author, deadline=deadline)
            self.created += 1

    def secretariat_officer(self, block_year: BlockYear) -> User | None:
        head = block_year.memberships.filter(role=Membership.Role.HEAD).first()
        if head is None:
            return None
        return User.objects.filter(
            unit_roles__unit=head.unit, unit_roles__role=UnitRole.Role.OFFICER
        ).first()

    def adopted_table(self, block_year: BlockYear, author: User) -> CriteriaTable:
        upload = SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes(), content_type="text/csv")
        table = services.import_table(block_year, upload, by=author)
        assert table.document is not None
        documents.adopt_document(table.document, by=author)
        self.created += 1
        return table

    def scored(self, block_year: BlockYear, table: CriteriaTable, author: User) -> None:
        year = block_year.year
        if not Document.objects.filter(
            block_year=block_year, kind=Document.Kind.COVENANT, status=Document.Status.IN_FORCE
        ).exists():
            return
        table.opened_at, table.opened_by = _aware(datetime.date(year, 11, 1)), author
        table.deadline = datetime.date(year, 11, 30)
        table.save(update_fields=["opened_at", "opened_by", "deadline"])
        # The members at the year's end: each has a sheet, as `open_self_assessment` gives them.
        members = list(
            block_year.memberships.filter(left_on__isnull=True)
            .select_related("unit")
            .order_by("position")
        )
        leaves = list(table.criteria.filter(is_leaf=True).order_by("position"))
        needs = services.evidence_needed(list(table.criteria.all()))
        leaders = {
            r.unit_id: r.user
            for r in UnitRole.objects.filter(
                unit__in=[m.unit_id for m in members], role=UnitRole.Role.LEADER
            ).select_related("user")
        }
        officers = {
            r.unit_id: r.user
            for r in UnitRole.objects.filter(
                unit__in=[m.unit_id for m in members], role=UnitRole.Role.OFFICER
            ).select_related("user")
        }
        for index, (membership, (lost, bonus, deduction)) in enumerate(
            zip(members, SCORES, strict=False)
        ):
            unit = membership.unit
            sheet = ScoreSheet.objects.create(
                table=table,
                unit=unit,
                unit_name=membership.unit_name,
                position=membership.position,
                status=ScoreSheet.Status.FINAL,
                submitted_at=_aware(datetime.date(year, 11, 25 + index % 4)),
                submitted_by=leaders.get(unit.pk),
                returned_at=_aware(datetime.date(year, 12, 5)),
                respond_by=datetime.date(year, 12, 10),
                responded_at=_aware(datetime.date(year, 12, 8)),
                finalised_at=_aware(datetime.date(year, 12, 12)),
                finalised_by=author,
            )
            scores = []
            for criterion in leaves:
                if criterion.kind == "standard":
                    points = criterion.max_points - Decimal(lost.get(criterion.code, "0"))
                    text = (
                        "Hoàn thành đầy đủ theo kế hoạch."
                        if points == criterion.max_points
                        else "Còn hạn chế, đã nêu trong báo cáo tổng kết."
                    )
                elif criterion.kind == "bonus":
                    points = Decimal(bonus.get(criterion.code, "0"))
                    text = "Có quyết định công nhận của cấp tỉnh." if points else ""
                else:
                    points = Decimal(deduction.get(criterion.code, "0"))
                    text = "Gửi chậm báo cáo sơ kết 6 tháng." if points else ""
                scores.append(
                    Score(sheet=sheet, criterion=criterion, self_points=points, explanation=text)
                )
            created = Score.objects.bulk_create(scores)
            uploader = officers.get(unit.pk) or author
            proved = [s for s in created if s.criterion_id in needs and s.self_points]
            if proved:
                # Units attach their year-end report to each criterion it proves: one report each.
                report = evidence_report(membership.unit_name, block_year, proved)
                for score in proved:
                    self.evidence(
                        score,
                        uploader,
                        f"minh-chung-{score.criterion.code}-{unit.short_name}.pdf",
                        report,
                    )
            self.created += 1 + len(created)
        self.review_change(table, author)
        services.freeze_ranking(table, by=author, when=_aware(datetime.date(year, 12, 20), 15))
        self.created += 1

    def evidence(self, score: Score, by: User, name: str, content: bytes) -> None:
        evidence = Evidence(
            score=score,
            name=name,
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=by,
        )
        evidence.file.save(name, ContentFile(content), save=False)
        evidence.save()

    def review_change(self, table: CriteriaTable, reviewer: User) -> None:
        unit, code, points, reason = REVIEWED
        sheet = table.sheets.get(unit__short_name=unit)
        score = sheet.scores.get(criterion__code=code)
        before = audit.snapshot(score, ["reviewed_points", "review_reason"])
        score.reviewed_points, score.review_reason = points, reason
        score.reviewed_by, score.reviewed_at = (
            reviewer,
            _aware(datetime.date(table.block_year.year, 12, 3)),
        )
        score.save(update_fields=["reviewed_points", "review_reason", "reviewed_by", "reviewed_at"])
        audit.record(
            "scoring.score.reviewed",
            actor=reviewer,
            obj=score,
            before=before,
            after=audit.snapshot(score, ["reviewed_points", "review_reason"]),
            reason=reason,
        )


def evidence_report(unit_name: str, block_year: BlockYear, scores: list[Score]) -> bytes:
    """A unit's year-end report as a real PDF, one section per criterion it is evidence for."""
    year = block_year.year
    return render_pdf(
        "pdf/official_text.html",
        {
            "issuer_name": unit_name.upper(),
            "place": "Quảng Trị",
            "date": datetime.date(year, 11, 20),
            "title": "BÁO CÁO",
            "summary": f"Kết quả thực hiện nhiệm vụ và phong trào thi đua năm {year}",
            "paragraphs": [
                f"{unit_name} báo cáo kết quả thực hiện các tiêu chí thi đua năm {year} của"
                f" {block_year.block.name}, làm minh chứng kèm theo bản tự chấm điểm.",
                "(Tài liệu của dữ liệu trình diễn.)",
            ],
            "sections": [
                {
                    "heading": f"{score.criterion.code}. {score.criterion.title_vi}",
                    "paragraphs": [
                        score.explanation or "Đã thực hiện theo kế hoạch của Khối.",
                        f"Điểm tự chấm: {score.self_points} điểm.",
                    ],
                }
                for score in scores
            ],
            "recipients": [f"Thường trực {block_year.block.name}", "Lưu: VT."],
        },
    )
