"""Template filters for Vietnamese official writing and numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone

register = template.Library()


def official_date(value: datetime.date | datetime.datetime | None, place: str = "") -> str:
    """ "ngày 05 tháng 3 năm 2024" (Decree 30/2020: a leading zero only for days below 10 and
    for months 1 and 2), optionally preceded by the place: "Quảng Trị, ngày ..."."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text


register.filter("official_date", official_date)


@register.filter
def number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """A number grouped the way the current language writes it ("33.800.000" in Vietnamese)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def vnd(value: int | Decimal | None) -> str:
    """An amount of money in đồng: "33.800.000 ₫"."""
    if value is None or value == "":
        return ""
    return f"{number(value)} ₫"
