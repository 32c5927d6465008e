"""The registry in the admin. Authorities, units and blocks are edited here, each change written to
the audit log (`Audited`); mergers of authorities, a block year, its
members, its joint activities and people's roles are shown read-only, for they change only
through `blocks.services`, which refuses to change an archived year, refuses a role given to
oneself or across the council's line, tells the unit's leaders and writes the audit log."""

from django.contrib import admin

from blocks.models import (
    Authority,
    AuthoritySuccession,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Person,
    Succession,
    Unit,
    UnitName,
    UnitRole,
)
from emulation.admin import Audited, ReadOnly


@admin.register(Authority)
class AuthorityAdmin(Audited, admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "parent", "require_two_factor", "active_to"]
    list_filter = ["level", "require_two_factor"]
    # An authority ceases only by a merger (`blocks.services.merge_authorities`, which moves its
    # units and blocks too), from the units page.
    readonly_fields = ["active_to"]


@admin.register(AuthoritySuccession)
class AuthoritySuccessionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_date"]


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


class UnitRoleInline(ReadOnly, admin.TabularInline):
    model = UnitRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(Audited, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "authority", "active_from", "active_to"]
    list_filter = ["authority", "kind"]
    search_fields = ["name", "short_name", "search_key"]
    inlines = [UnitNameInline, UnitRoleInline]


@admin.register(Succession)
class SuccessionAdmin(Audited, admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_date"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(Block)
class BlockAdmin(Audited, admin.ModelAdmin):
    list_display = ["name", "kind", "authority"]
    list_filter = ["authority", "kind"]
    search_fields = ["name", "search_key"]


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(BlockYear)
class BlockYearAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["block", "year", "theme", "archived_at"]
    list_filter = ["year", "block__authority"]
    inlines = [MembershipInline]


@admin.register(CouncilRole)
class CouncilRoleAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "authority", "role", "title"]
    list_filter = ["authority", "role"]
    autocomplete_fields = ["user"]


@admin.register(UnitRole)
class UnitRoleAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "unit", "role", "title", "granted_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "unit"]


class ContributionInline(ReadOnly, admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(JointActivity)
class JointActivityAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "date", "block_year"]
    inlines = [ContributionInline]


@admin.register(Person)
class PersonAdmin(ReadOnly, admin.ModelAdmin):
    """The units' records of their people, kept on the unit's People page (audited there)."""

    list_display = ["full_name", "title", "unit", "code", "left_on"]
    search_fields = ["search_key", "code"]
    autocomplete_fields = ["unit"]
