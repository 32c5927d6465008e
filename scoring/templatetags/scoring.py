"""Points as people read and type them: "8,5" in Vietnamese, "8.5" in English, no trailing zeros."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


def _places(value: Decimal) -> int:
    value = Decimal(value).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return 0
    return 1 if value * 10 == (value * 10).to_integral_value() else 2


@register.filter
def points(value: Decimal | int | float | None) -> str:
    """For reading: grouped, with only the decimals it has."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return formats.number_format(
        number, decimal_pos=_places(number), use_l10n=True, force_grouping=True
    )


@register.filter
def points_input(value: Decimal | int | float | None) -> str:
    """For an input field: never grouped, so "1000" is not typed back as "1.000"."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return formats.number_format(number, decimal_pos=_places(number), use_l10n=True)
