from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from scoring.ranking import TIE_SHORT
from scoring.templatetags.scoring import points

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class PointsColumn(tables.Column):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(**kwargs)

    def render(self, value: Any) -> str:
        return points(value)


class RankingTable(tables.Table):
    """The ranking's rows (a list: the rank is computed over every unit before any filter).

    The columns give the headers and the orders; the template writes the rows, one template per
    row rather than one per cell, from each row's points by section in the columns' order."""

    rank = tables.Column(verbose_name=_("Rank"), attrs=NUMERIC)
    unit_name = tables.Column(verbose_name=_("Unit"))
    bonus = PointsColumn(verbose_name=_("Bonus"))
    deduction = PointsColumn(verbose_name=_("Deductions"))
    total = PointsColumn(verbose_name=_("Total"))
    band = tables.Column(verbose_name=_("Classification"))
    tie_label = tables.Column(verbose_name=_("Tie"), orderable=False)

    class Meta:
        template_name = "scoring/tables/ranking.html"
        attrs = {"class": "table table-hover align-middle table-cards ranking-cards"}
        order_by = "rank"
        empty_text = _("No unit matches.")
        sequence = ("rank", "unit_name", "...", "bonus", "deduction", "total", "band", "tie_label")

    def __init__(
        self, data: Any, *, block_year_id: int, sections: list[Any], **kwargs: Any
    ) -> None:
        self.block_year_id = block_year_id
        codes = [section.code for section in sections if section.kind == "standard"]
        extra = [
            (f"section_{code}", PointsColumn(verbose_name=code, accessor=f"sections__{code}"))
            for code in codes
        ]
        rows = [
            {
                **row,
                "section_points": [(code, row["sections"].get(code)) for code in codes],
                "tie_short": TIE_SHORT.get(row["tie"], ""),
            }
            for row in data
        ]
        super().__init__(rows, extra_columns=extra, **kwargs)
