"""The admin shows scoring records read-only: every change goes through `scoring.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scoring.models import (
    Band,
    CriteriaTable,
    Criterion,
    Evidence,
    Ranking,
    RankingRow,
    Score,
    ScoreSheet,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Criterion
    fields = readonly_fields = ("code", "title_vi", "max_points", "kind", "evidence_required")
    extra = 0
    can_delete = False


class BandInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Band
    fields = readonly_fields = ("label", "min_total", "floor_percent")
    extra = 0
    can_delete = False


@admin.register(CriteriaTable)
class CriteriaTableAdmin(ReadOnly):
    list_display = ["block_year", "scale", "opened_at", "deadline"]
    list_select_related = ["block_year__block"]
    inlines = [CriterionInline, BandInline]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnly):
    list_display = ["unit_name", "table", "status", "submitted_at", "finalised_at"]
    list_filter = ["status"]
    list_select_related = ["table__block_year__block"]
    search_fields = ["unit_name"]


@admin.register(Score)
class ScoreAdmin(ReadOnly):
    list_display = ["sheet", "criterion", "self_points", "reviewed_points"]
    list_select_related = ["sheet__table__block_year__block", "criterion"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly):
    list_display = ["name", "score", "size", "sha256", "uploaded_at"]
    list_select_related = ["score__sheet__table__block_year__block", "score__criterion"]


class RankingRowInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RankingRow
    fields = readonly_fields = ("rank", "unit_name", "total", "band", "tie")
    extra = 0
    can_delete = False


@admin.register(Ranking)
class RankingAdmin(ReadOnly):
    list_display = ["table", "published_at", "sha256"]
    inlines = [RankingRowInline]
