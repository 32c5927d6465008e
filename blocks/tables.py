"""The registry's lists: blocks and units, with what each row shows beyond the model's own fields
counted in SQL."""

from __future__ import annotations

import functools
from typing import Any

import django_tables2 as tables
from django.db import connection
from django.db.models import CharField, F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from blocks.dashboard import url_maker
from blocks.models import Block, BlockYear, Membership, Unit
from emulation.tables import Table

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class BlockTable(Table):
    name = tables.Column(verbose_name=_("Block"))
    kind = tables.Column(verbose_name=_("Kind"))
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority_name")
    head_name = tables.Column(verbose_name=_("Head this year"), default="—")
    member_count = tables.Column(verbose_name=_("Members this year"), attrs=NUMERIC)
    year_count = tables.Column(verbose_name=_("Years"), attrs=NUMERIC)

    class Meta:
        model = Block
        fields = ["name", "kind", "authority", "head_name", "member_count", "year_count"]
        order_by = "name"
        empty_text = _("No block matches.")

    @cached_property
    def block_url(self) -> Any:
        return url_maker("blocks:block_detail")

    def render_name(self, value: str, record: Block) -> SafeString:
        # The block's page, as `linkify` would link it, the address reversed once per table.
        return format_html('<a href="{}">{}</a>', self.block_url(record.pk), value)

    def value_name(self, value: str) -> str:
        return value


class UnitTable(Table):
    name = tables.Column(verbose_name=_("Unit"))
    short_name = tables.Column(verbose_name=_("Short name"))
    kind = tables.Column(verbose_name=_("Kind"))
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority_name")
    block_name = tables.Column(verbose_name=_("Block this year"), default="—")
    active_to = tables.Column(
        verbose_name=_("Status"), default=_("Active"), order_by=("active_to",)
    )

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "authority", "block_name", "active_to"]
        order_by = "name"
        empty_text = _("No unit matches.")

    @cached_property
    def unit_url(self) -> Any:
        return url_maker("blocks:unit_detail")

    def render_name(self, value: str, record: Unit) -> SafeString:
        # The unit's page, as `linkify` would link it, the address reversed once per table.
        return format_html('<a href="{}">{}</a>', self.unit_url(record.pk), value)

    def value_name(self, value: str) -> str:
        return value

    def render_active_to(self, value: Any) -> str:
        return format_html(
            '<span class="badge text-bg-secondary">{} {}</span>',
            _("Ceased"),
            value.strftime("%d/%m/%Y"),
        )

    def value_active_to(self, value: Any) -> str:
        return value.isoformat() if value else ""


# What the rows show beyond the models' own fields ------------------------------------------------
#
# Subqueries written once per process from the tables' names: as ORM subqueries (an OuterRef in
# a queryset nested in another) they cost more Python to resolve and compile than the database
# takes to answer them. Each refers to the listed table by its name, which it keeps in the
# list's query (these querysets are listed, never nested in another query).


@functools.cache
def _block_sql() -> tuple[str, str, str]:
    block = f"{connection.ops.quote_name(Block._meta.db_table)}.id"
    membership, block_year = Membership._meta.db_table, BlockYear._meta.db_table
    this_year = (
        f"FROM {membership} m INNER JOIN {block_year} y ON y.id = m.block_year_id"
        f" WHERE y.block_id = {block} AND y.year = %s"
    )
    head = (
        f"(SELECT u.name FROM {membership} m"
        f" INNER JOIN {block_year} y ON y.id = m.block_year_id"
        f" INNER JOIN {Unit._meta.db_table} u ON u.id = m.unit_id"
        f" WHERE y.block_id = {block} AND y.year = %s AND m.role = %s"
        " ORDER BY m.position, m.id LIMIT 1)"
    )
    members = f"(SELECT COUNT(*) {this_year} AND m.left_on IS NULL)"
    years = f"(SELECT COUNT(*) FROM {block_year} y WHERE y.block_id = {block})"
    return head, members, years


def with_block_columns(blocks: QuerySet[Block], year: int) -> QuerySet[Block]:
    """The blocks with what `BlockTable` shows: the authority's short name, the year's head, its
    members still in the block, and the block's number of years (a count in SQL, not
    Count("years"): an aggregate grouped every visible block with its years before the page of
    25 was cut, docs/performance.md)."""
    head, members, years = _block_sql()
    return blocks.annotate(
        authority_name=F("authority__short_name"),
        head_name=RawSQL(head, (year, Membership.Role.HEAD), output_field=CharField()),
        member_count=RawSQL(members, (year,), output_field=IntegerField()),
        year_count=RawSQL(years, (), output_field=IntegerField()),
    )


@functools.cache
def _unit_sql() -> str:
    unit = f"{connection.ops.quote_name(Unit._meta.db_table)}.id"
    return (
        f"(SELECT b.name FROM {Membership._meta.db_table} m"
        f" INNER JOIN {BlockYear._meta.db_table} y ON y.id = m.block_year_id"
        f" INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id"
        f" WHERE m.unit_id = {unit} AND y.year = %s AND m.left_on IS NULL"
        " ORDER BY m.position, m.id LIMIT 1)"
    )


def with_unit_columns(units: QuerySet[Unit], year: int) -> QuerySet[Unit]:
    """The units with what `UnitTable` shows: the authority's short name and the block the unit
    is in this year (the first, as memberships are ordered, if it is in two)."""
    return units.annotate(
        authority_name=F("authority__short_name"),
        block_name=RawSQL(_unit_sql(), (year,), output_field=CharField()),
    )
