"""The admin edits award types (configuration, each change written to the audit log) and shows the rest read-only: every change of a
ballot, nomination, dossier or hand-over goes through `awards.services`.

Cast ballots, their choices and the voter rolls (the block's and the council's) are deliberately not
registered: what a unit or a council member chose is never shown anywhere, and the admin keeps a
history of the objects it shows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from awards.models import (
    ATTESTATIONS,
    INDIVIDUAL_ATTESTATIONS,
    AgendaItem,
    Awardee,
    AwardType,
    Ballot,
    BallotCandidate,
    BaseSalary,
    CapBase,
    CouncilSession,
    Decision,
    Dossier,
    Handover,
    Nomination,
    PastRecord,
    PersonProposal,
    PrizeRate,
    RuleVersion,
)
from emulation.admin import Audited


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AwardTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AwardType
        fields = [
            "code",
            "name_vi",
            "name_en",
            "level",
            "decided_by",
            "position",
            "candidates",
            "max_rank",
            "min_band",
            "max_per_block",
            "cap_percent",
            "prerequisite",
            "attestations",
            "quorum_numerator",
            "quorum_denominator",
            "approval_numerator",
            "approval_denominator",
            "approval_base",
            "approval_strict",
            "council_approval_numerator",
            "council_approval_denominator",
            "council_approval_strict",
            "legal_basis",
            "is_active",
        ]

    def clean_attestations(self) -> list[str]:
        codes = self.cleaned_data.get("attestations") or []
        if not isinstance(codes, list) or any(
            code not in {**ATTESTATIONS, **INDIVIDUAL_ATTESTATIONS} for code in codes
        ):
            raise forms.ValidationError(
                _("Give a list of these codes: %(codes)s.")
                % {"codes": ", ".join({**ATTESTATIONS, **INDIVIDUAL_ATTESTATIONS})}
            )
        return codes


@admin.register(AwardType)
class AwardTypeAdmin(Audited, admin.ModelAdmin):  # type: ignore[type-arg]
    form = AwardTypeForm
    list_display = ["name_vi", "code", "level", "candidates", "max_per_block", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name_vi", "name_en", "code"]
    ordering = ["position", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name_vi", "name_en", "level", "decided_by", "position"]}),
        (
            _("Who may be proposed"),
            {
                "fields": [
                    "candidates",
                    "max_rank",
                    "min_band",
                    "max_per_block",
                    "cap_percent",
                    "prerequisite",
                    "attestations",
                ]
            },
        ),
        (
            _("Ballot"),
            {
                "fields": [
                    ("quorum_numerator", "quorum_denominator"),
                    ("approval_numerator", "approval_denominator"),
                    "approval_base",
                    "approval_strict",
                ]
            },
        ),
        (
            _("Council vote"),
            {
                "fields": [
                    ("council_approval_numerator", "council_approval_denominator"),
                    "council_approval_strict",
                ]
            },
        ),
        (_("Legal basis and use"), {"fields": ["legal_basis", "is_active"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Ballots and nominations keep pointing at their award: retire one with "in use" instead.
        return False


class CandidateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = BallotCandidate
    fields = readonly_fields = (
        "unit_name",
        "rank",
        "total",
        "band",
        "approvals",
        "disapprovals",
        "elected",
        "outcome",
    )
    extra = 0
    can_delete = False


@admin.register(Ballot)
class BallotAdmin(ReadOnly):
    list_display = ["title", "block_year", "kind", "method", "status", "closes_on", "cast"]
    list_filter = ["status", "kind", "method"]
    list_select_related = ["block_year__block", "award_type"]
    search_fields = ["block_year__block__name", "award_type__name_vi"]
    exclude = ["minutes_scan"]
    inlines = [CandidateInline]


@admin.register(Nomination)
class NominationAdmin(ReadOnly):
    list_display = ["unit_name", "award_type", "block_year", "status", "report_approved_at"]
    list_filter = ["status", "award_type"]
    list_select_related = ["block_year__block", "award_type"]
    search_fields = ["unit_name", "block_year__block__name"]


@admin.register(PersonProposal)
class PersonProposalAdmin(ReadOnly):
    list_display = ["person_name", "unit", "award_type", "block_year", "withdrawn_at"]
    list_filter = ["award_type"]
    list_select_related = ["unit", "award_type", "block_year__block"]
    search_fields = ["person_name", "unit__name"]


@admin.register(Dossier)
class DossierAdmin(ReadOnly):
    list_display = ["block_year", "status", "letter_number", "submitted_at", "manifest_sha256"]
    list_filter = ["status"]
    list_select_related = ["block_year__block"]


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ["from_year", "to_year", "head", "status", "handover_on", "confirmed_at"]
    list_filter = ["status"]
    list_select_related = ["from_year__block", "to_year__block", "head"]


class AgendaItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgendaItem
    fields = readonly_fields = ("nomination", "approvals", "disapprovals", "outcome", "note")
    extra = 0
    can_delete = False


@admin.register(CouncilSession)
class CouncilSessionAdmin(ReadOnly):
    list_display = ["title", "authority", "year", "held_on", "method", "status", "cast"]
    list_filter = ["status", "method", "authority"]
    list_select_related = ["authority"]
    exclude = ["minutes_scan"]
    inlines = [AgendaItemInline]


class AwardeeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Awardee
    fields = readonly_fields = ("unit_name", "block_name", "certificate")
    extra = 0
    can_delete = False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["number", "authority", "year", "award_type", "kind", "status", "signed_on"]
    list_filter = ["status", "kind", "authority"]
    list_select_related = ["authority", "award_type"]
    search_fields = ["number"]
    inlines = [AwardeeInline]


@admin.register(RuleVersion)
class RuleVersionAdmin(Audited, admin.ModelAdmin):  # type: ignore[type-arg]
    """The dated versions of each authority's catalogue (docs/award-rules.md)."""

    list_display = ["award_type", "authority", "decree", "valid_from", "valid_until", "offered"]
    list_filter = ["decree", "offered", "authority"]
    list_select_related = ["award_type", "authority"]
    filter_horizontal = ["excludes"]


@admin.register(CapBase)
class CapBaseAdmin(ReadOnly):
    list_display = ["authority", "year", "leading_units", "rounding", "set_by", "set_at"]


@admin.register(PastRecord)
class PastRecordAdmin(ReadOnly):
    list_display = ["unit", "year", "award_type", "title", "result", "decision_number"]
    list_select_related = ["unit", "award_type"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(Audited, admin.ModelAdmin):  # type: ignore[type-arg]
    """The base salary is a dated setting: a new amount is a new row from its date."""

    list_display = ["effective_from", "amount", "legal_basis"]


@admin.register(PrizeRate)
class PrizeRateAdmin(Audited, admin.ModelAdmin):  # type: ignore[type-arg]
    """Each award's prize, in base salaries, from a date, with the article that sets it."""

    list_display = ["award_type", "coefficient", "effective_from", "legal_basis"]
    list_filter = ["award_type"]
