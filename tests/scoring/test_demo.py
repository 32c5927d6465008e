"""The demo: last year scored, reviewed and ranked; this year's table adopted, not yet open."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from covenants.models import Document
from emulation.demo import self_assessment_open
from emulation.models import AuditEvent
from scoring import services
from scoring.models import CriteriaTable, Evidence, Ranking, Score, ScoreSheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
QT_PARTY = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"


def table_of(year: int) -> CriteriaTable:
    return CriteriaTable.objects.get(block_year__block__name=QT_PARTY, block_year__year=year)


def test_last_years_ranking_is_published_with_the_office_leading() -> None:
    table = table_of(timezone.localdate().year - 1)
    ranking = Ranking.objects.get(table=table)
    rows = list(
        ranking.rows.order_by("rank", "unit_name").values_list("rank", "unit_name", "total", "tie")
    )
    assert rows[0] == (1, "Văn phòng Tỉnh ủy", Decimal(104), "")
    # The eight members at the year's end: the Mass Mobilisation Board merged on 1 July.
    assert len(rows) == 8 and services.ranking_matches(ranking)
    # The Propaganda and Mass Mobilisation Board and the Party Committee of the provincial Party
    # agencies tie on 93.5; section I settles it.
    assert rows[3:5] == [
        (4, "Ban Tuyên giáo và Dân vận Tỉnh ủy", Decimal("93.5"), "broken"),
        (5, "Đảng ủy các cơ quan Đảng tỉnh", Decimal("93.5"), "broken"),
    ]
    assert set(table.sheets.values_list("status", flat=True)) == {ScoreSheet.Status.FINAL}


def test_last_year_has_a_reviewed_change_with_its_reason_in_the_audit_log() -> None:
    table = table_of(timezone.localdate().year - 1)
    changed = Score.objects.get(sheet__table=table, reviewed_points__isnull=False)
    assert (changed.self_points, changed.reviewed_points) == (Decimal(20), Decimal(18))
    assert changed.sheet.unit_name == "Ủy ban Kiểm tra Tỉnh ủy"
    assert changed.review_reason
    event = AuditEvent.objects.get(action="scoring.score.reviewed")
    assert event.reason == changed.review_reason
    assert Evidence.objects.filter(score__sheet__table=table).exists()


def test_the_demo_evidence_files_are_real_reports_of_their_units() -> None:
    table = table_of(timezone.localdate().year - 1)
    for evidence in Evidence.objects.filter(score__sheet__table=table).select_related(
        "score__sheet", "score__criterion"
    )[:3]:
        content = evidence.file.read()
        assert hashlib.sha256(content).hexdigest() == evidence.sha256
        reader = PdfReader(io.BytesIO(content))
        # Names are kept on one line with no-break spaces; read them as spaces.
        text = " ".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")
        assert evidence.score.sheet.unit_name.upper() in text
        assert evidence.score.criterion.code in text


def test_this_years_table_is_the_adopted_sample_open_from_november() -> None:
    today = timezone.localdate()
    table = table_of(today.year)
    assert table.criteria.count() == 22
    assert table.document is not None and table.document.status == Document.Status.ADOPTED
    assert services.adopted_text_matches(table)
    # Whatever the day the demo is made, the year is where a block is on that day: from November
    # the self-assessment is open, every unit has its sheet, and the deadline is still ahead.
    assert table.is_locked == self_assessment_open(today.year, today)
    year = table.block_year
    assert year.self_assessment_deadline is not None
    if table.is_locked:
        assert year.self_assessment_deadline > today
        assert table.sheets.count() == year.memberships.filter(left_on__isnull=True).count()
        assert not table.sheets.exclude(status=ScoreSheet.Status.DRAFT).exists()
    deadlines = [getattr(year, field) for field in year.DEADLINE_FIELDS]
    assert deadlines == sorted(deadlines)


def test_seeding_again_changes_nothing() -> None:
    counts = [m.objects.count() for m in (CriteriaTable, ScoreSheet, Score, Ranking, AuditEvent)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [
        m.objects.count() for m in (CriteriaTable, ScoreSheet, Score, Ranking, AuditEvent)
    ] == counts
