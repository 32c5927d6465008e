from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from emulation.templatetags.vn import number, official_date, vnd
from emulation.text import nfc, search_key


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (datetime.date(2024, 3, 20), "ngày 20 tháng 3 năm 2024"),
        (datetime.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
        (datetime.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (datetime.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
        (datetime.date(2024, 10, 1), "ngày 01 tháng 10 năm 2024"),
    ],
)
def test_official_dates_follow_the_state_format(day: datetime.date, expected: str) -> None:
    assert official_date(day) == expected


def test_official_date_with_the_place_in_a_template() -> None:
    html = Template('{{ day|official_date:"Quảng Trị" }}').render(
        Context({"day": datetime.date(2024, 3, 20)})
    )
    assert html == "Quảng Trị, ngày 20 tháng 3 năm 2024"


def test_an_aware_datetime_is_dated_in_vietnam_time() -> None:
    late_utc = datetime.datetime(
        2024, 3, 4, 18, 30, tzinfo=datetime.UTC
    )  # 01:30 on the 5th in Hà Nội
    assert official_date(late_utc) == "ngày 05 tháng 3 năm 2024"


def test_numbers_and_money_are_grouped_the_vietnamese_way() -> None:
    with translation.override("vi"):
        assert number(33_800_000) == "33.800.000"
        assert vnd(33_800_000) == "33.800.000 ₫"
        assert number(1234.5, 1) == "1.234,5"
    with translation.override("en"):
        assert number(33_800_000) == "33,800,000"


def test_dates_are_shown_day_first() -> None:
    with translation.override("vi"):
        html = Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"day": datetime.date(2024, 3, 5)})
        )
    assert html == "05/03/2024"


def test_search_key_ignores_case_accents_and_the_letter_d() -> None:
    assert search_key("Ban Tuyên giáo Tỉnh ủy") == "ban tuyen giao tinh uy"
    assert search_key("ĐẢNG ỦY Khối") == "dang uy khoi"
    assert search_key("  Quảng   Trị ") == "quang tri"


def test_decomposed_text_is_composed() -> None:
    decomposed = "Qua\u0309ng Tri\u0323"
    assert nfc(decomposed) == "Quảng Trị"
    assert search_key(decomposed) == "quang tri"
