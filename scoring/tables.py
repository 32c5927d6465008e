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
    """The ranking's rows (a list: the rank is computed over every unit before any filter)."""

    rank = tables.Column(verbose_name=_("Rank"), attrs=NUMERIC)
    unit_name = tables.TemplateColumn(
        template_name="scoring/tables/_unit_name.html",
        extra_context=lambda table: {"block_year_id": table.block_year_id},
        verbose_name=_("Unit"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    bonus = PointsColumn(verbose_name=_("Bonus"))
    deduction = PointsColumn(verbose_name=_("Deductions"))
    total = PointsColumn(verbose_name=_("Total"))
    band = tables.Column(
        verbose_name=_("Classification"), default="—", attrs={"td": {"class": "col-band"}}
    )
    tie_label = tables.TemplateColumn(
        template_name="scoring/tables/_tie.html",
        extra_context=lambda record: {"short": TIE_SHORT.get(record["tie"], "")},
        verbose_name=_("Tie"),
        default="",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )

    class Meta:
        order_by = "rank"
        empty_text = _("No unit matches.")
        sequence = ("rank", "unit_name", "...", "bonus", "deduction", "total", "band", "tie_label")

    def __init__(
        self, data: Any, *, block_year_id: int, sections: list[Any], **kwargs: Any
    ) -> None:
        self.block_year_id = block_year_id
        extra = [
            (
                f"section_{section.code}",
                PointsColumn(verbose_name=section.code, accessor=f"sections__{section.code}"),
            )
            for section in sections
            if section.kind == "standard"
        ]
        super().__init__(data, extra_columns=extra, **kwargs)
