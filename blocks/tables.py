from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from blocks.models import Block, Person, Unit

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


# The columns give the headers and the orders; each table's template writes its rows, one template
# per row rather than one per cell.


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
        template_name = "blocks/tables/blocks.html"
        order_by = "name"
        empty_text = _("No block matches.")


class UnitTable(tables.Table):
    name = tables.Column(verbose_name=_("Unit"), linkify=True)
    short_name = tables.Column(verbose_name=_("Short name"))
    kind = tables.Column(verbose_name=_("Kind"))
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority__short_name")
    block_name = tables.Column(verbose_name=_("Block this year"), default="—")
    active_to = tables.Column(verbose_name=_("Status"), order_by=("active_to",))

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "authority", "block_name", "active_to"]
        template_name = "blocks/tables/units.html"
        order_by = "name"
        empty_text = _("No unit matches.")


class UnitPersonTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"))
    title = tables.Column(verbose_name=_("Position title"))
    code = tables.Column(verbose_name=_("Code"))
    birth_year = tables.Column(verbose_name=_("Year of birth"), attrs=NUMERIC)
    serving_since = tables.Column(verbose_name=_("At the unit since"), attrs=NUMERIC)
    left_on = tables.Column(verbose_name=_("Status"), order_by=("left_on",))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = Person
        fields = ["full_name", "title", "code", "birth_year", "serving_since", "left_on"]
        template_name = "blocks/tables/unit_people.html"
        order_by = "full_name"
        empty_text = _("No person is recorded.")
