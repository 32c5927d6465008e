"""Prize money from base-salary multiples: the base salary a dated setting, each award's
coefficient dated, rounded up to tens of thousands of đồng (Decree 98/2023, Art. 53), and the
decision's Article 2 and annex with the amount per awardee and the total, read back from the PDF."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from awards.models import AwardType, BaseSalary, PrizeRate
from awards.models.money import prize_amount, prize_on
from tests.awards.matrix_decisions import SIGNED_ON, issued
from tests.awards.test_decisions_documents import squeezed, text_of
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_the_base_salary_of_1_july_2024_is_recorded() -> None:
    base = BaseSalary.objects.on(datetime.date(2025, 1, 1)).get()
    assert (base.amount, base.effective_from) == (2_340_000, datetime.date(2024, 7, 1))
    assert not BaseSalary.objects.on(datetime.date(2024, 6, 30)).exists()


@pytest.mark.parametrize(
    ("coefficient", "base", "amount"),
    [
        (Decimal("1.0"), 2_340_000, 2_340_000),
        (Decimal("1.5"), 2_340_000, 3_510_000),
        (Decimal("0.3"), 2_340_000, 710_000),  # 702,000 rounded up to tens of thousands
        (Decimal("2.05"), 1_800_000, 3_690_000),
    ],
)
def test_the_amount_is_rounded_up_to_tens_of_thousands(
    coefficient: Decimal, base: int, amount: int
) -> None:
    assert prize_amount(coefficient, base) == amount


def test_the_rate_and_base_in_force_on_the_decisions_day_apply() -> None:
    award = AwardType.objects.get(code="chairman-certificate")
    assert prize_on(award, datetime.date(2026, 3, 5)) is None  # no coefficient recorded yet
    PrizeRate.objects.create(
        award_type=award,
        coefficient=Decimal("2.0"),
        effective_from=datetime.date(2024, 1, 1),
        legal_basis="Nghị định số 98/2023/NĐ-CP",
    )
    PrizeRate.objects.create(
        award_type=award,
        coefficient=Decimal("3.0"),
        effective_from=datetime.date(2025, 7, 1),
        legal_basis="Nghị định số 152/2025/NĐ-CP",
    )
    BaseSalary.objects.create(
        amount=2_530_000, effective_from=datetime.date(2026, 7, 1), legal_basis="(test)"
    )
    assert prize_on(award, datetime.date(2025, 6, 30)) == (Decimal("2.0"), 2_340_000, 4_680_000)
    assert prize_on(award, datetime.date(2026, 3, 5)) == (Decimal("3.0"), 2_340_000, 7_020_000)
    assert prize_on(award, datetime.date(2026, 7, 1)) == (Decimal("3.0"), 2_530_000, 7_590_000)


def test_the_decision_states_the_amount_per_awardee_and_the_total(world: World) -> None:
    award = AwardType.objects.get(code="chairman-certificate")
    PrizeRate.objects.create(
        award_type=award,
        coefficient=Decimal("1.5"),
        effective_from=datetime.date(2024, 1, 1),
        legal_basis="(entered by the council)",
    )
    decision = issued(world, units=[world.units[0], world.units[1], world.units[3]])
    assert decision.signed_on == SIGNED_ON
    assert decision.document is not None
    text = text_of(decision.document)
    assert "bằng 1,5 lần mức lương cơ sở (2.340.000 đồng), là 3.510.000 đồng" in text
    assert "tổng số tiền thưởng là 10.530.000 đồng" in text
    annex = squeezed(text[text.index("DANH SÁCH") :])
    assert annex.count("3.510.000") == 3 and "Tổngcộng10.530.000" in annex
    assert "theo quy định của pháp luật" not in text


def test_without_a_coefficient_the_decision_says_according_to_the_law(world: World) -> None:
    decision = issued(world)
    assert decision.document is not None
    text = text_of(decision.document)
    assert "tiền thưởng theo quy định của pháp luật về thi đua, khen thưởng" in text
    assert "Tiền thưởng (đồng)" not in text
