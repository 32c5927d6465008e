"""The achievement report in the decree's form for a collective: the results by year, the
emulation titles and forms of commendation received earlier with their decisions, and the
confirmation of the proposing level."""

from __future__ import annotations

import datetime

import pytest

from awards.models import AwardType, Nomination
from awards.services import catalogue
from tests.awards.test_letters import squeezed, text_of
from tests.factories import World, make_complete_dossier

pytestmark = pytest.mark.django_db


def test_the_report_follows_the_form_with_the_units_history(world: World) -> None:
    for unit in world.units:
        catalogue.add_past_record(
            unit,
            year=2024,
            result="excellent",
            award_type=AwardType.objects.get(code="chairman-certificate"),
            decision_number="512/QĐ-UBND",
            decision_date=datetime.date(2025, 3, 20),
            issuer="Chủ tịch UBND tỉnh Quảng Trị",
            by=world.staff,
        )
        catalogue.add_past_record(
            unit,
            year=2023,
            title="Tập thể lao động xuất sắc",
            decision_number="77/QĐ-UBND",
            by=world.staff,
        )
        catalogue.add_past_record(unit, year=2025, result="well", by=world.staff)
    nominations = make_complete_dossier(world)
    nomination = Nomination.objects.select_related("report_document").get(pk=nominations[0].pk)
    assert nomination.report_document is not None
    text = squeezed(text_of(nomination.report_document))
    for words in (
        "Kết quả thực hiện nhiệm vụ qua các năm",
        "1. Danh hiệu thi đua",
        "2. Hình thức khen thưởng",
        "Quyết định số 512/QĐ-UBND, ngày 20/03/2025, Chủ tịch UBND tỉnh Quảng Trị",
        "Quyết định số 77/QĐ-UBND",
        "2024Hoàn thành xuất sắc nhiệm vụ",
        "2025Hoàn thành tốt nhiệm vụ",
        "2022—2023—",
        "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
        f"Trưởng {world.block.name}",
    ):
        assert squeezed(words) in text, words
    assert "2026Xếpthứ" in text  # the year's own ranking in the block
