"""Prize money: the base salary (mức lương cơ sở) as a dated setting, and each award's coefficient
(a multiple of it), both with the dates they apply from.

Decree 98/2023/NĐ-CP, Art. 53 (as reported by news.laodong.vn): the money is reckoned on the base
salary in force on the day the award is decided, and, once multiplied, rounded up to tens of
thousands of đồng. The coefficients of each award (Decree 98/2023, then Decree 152/2025) could not
be confirmed from the texts at hand: the council's staff enter them, with the article they cite,
in the admin; until they do, a decision says "according to the law" instead of an amount.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_CEILING, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.rules import AwardType

ROUNDING = Decimal(10_000)  # Decree 98/2023, Art. 53(2): rounded up to tens of thousands of đồng


class Dated(models.QuerySet):  # type: ignore[type-arg]
    def on(self, day: datetime.date) -> Dated:
        """The rows in force on the day, the latest first."""
        return self.filter(effective_from__lte=day).order_by("-effective_from", "-pk")


class BaseSalary(models.Model):
    """The base salary from a date (2,340,000 đồng a month from 1 July 2024, Decree 73/2024/NĐ-CP)."""

    amount = models.PositiveIntegerField(_("amount (đồng a month)"))
    effective_from = models.DateField(_("in force from"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)

    objects = Dated.as_manager()

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="base_salary_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount:,} ({self.effective_from:%d/%m/%Y})"


class PrizeRate(models.Model):
    """How many base salaries a collective receives with an award, from a date."""

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="prize_rates"
    )
    coefficient = models.DecimalField(
        _("coefficient (times the base salary)"), max_digits=5, decimal_places=2
    )
    effective_from = models.DateField(_("in force from"))
    legal_basis = models.CharField(
        _("legal basis"), max_length=200, help_text=_("The decree and article that set it.")
    )

    objects = Dated.as_manager()

    class Meta:
        verbose_name = _("prize rate")
        verbose_name_plural = _("prize rates")
        ordering = ["award_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["award_type", "effective_from"], name="prize_rate_once_per_date"
            ),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="prize_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.award_type} × {self.coefficient}"


def prize_amount(coefficient: Decimal, base_salary: int) -> int:
    """Coefficient × base salary, rounded up to tens of thousands of đồng."""
    raw = Decimal(coefficient) * base_salary
    return int((raw / ROUNDING).to_integral_value(rounding=ROUND_CEILING) * ROUNDING)


def prize_on(award: AwardType, day: datetime.date) -> tuple[Decimal, int, int] | None:
    """(coefficient, base salary, amount) for a collective awarded on the day, or None when the
    coefficient or the base salary in force is not recorded (two queries)."""
    rate = PrizeRate.objects.filter(award_type=award).on(day).first()
    base = BaseSalary.objects.on(day).first()
    if rate is None or base is None:
        return None
    return rate.coefficient, base.amount, prize_amount(rate.coefficient, base.amount)
