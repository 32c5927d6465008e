from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from blocks.models import Block, Unit

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class BlockTable(tables.Table):
    name = tables.Column(verbose_name=_("Block"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority__short_name")
    head_name = tables.Column(verbose_name=_("Head this year"), default="—")
    member_count = tables.Column(verbose_name=_("Members this year"), attrs=NUMERIC)
    year_count = tables.Column(verbose_name=_("Years"), attrs=NUMERIC)

    class Meta:
        model = Block
        fields = ["name", "kind", "authority", "head_name", "member_count", "year_count"]
        order_by = "name"
        empty_text = _("No block matches.")


class UnitTable(tables.Table):
    name = tables.Column(verbose_name=_("Unit"), linkify=True)
    short_name = tables.Column(verbose_name=_("Short name"))
    kind = tables.Column(verbose_name=_("Kind"))
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority__short_name")
    block_name = tables.Column(verbose_name=_("Block this year"), default="—")
    active_to = tables.TemplateColumn(
        template_name="blocks/tables/_unit_status.html",
        verbose_name=_("Status"),
        default=_("Active"),
        order_by=("active_to",),
    )

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "authority", "block_name", "active_to"]
        order_by = "name"
        empty_text = _("No unit matches.")

    def value_active_to(self, value: Any) -> str:
        return value.isoformat() if value else ""
