"""Filters of the council's list of nominations."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, Nomination
from awards.services.intake import COUNCIL_STATUSES
from blocks.models import Authority, Block
from emulation.text import nfc, search_key


class UnitSearchFilter(django_filters.CharFilter):
    """Case- and accent-insensitive search on the stored search key of the unit or of the
    nominated person."""

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        key = search_key(nfc(value or ""))
        if not key:
            return qs
        return qs.filter(Q(unit__search_key__contains=key) | Q(person__search_key__contains=key))


class IntakeFilter(django_filters.FilterSet):
    """Block, award, status, sent on time or late, and the unit's name."""

    q = UnitSearchFilter(
        label=_("Unit"), widget=forms.TextInput(attrs={"placeholder": _("Name of the unit")})
    )
    block = django_filters.ModelChoiceFilter(
        label=_("Block"),
        field_name="block_year__block",
        queryset=Block.objects.none(),
        empty_label=_("All blocks"),
    )
    award_type = django_filters.ModelChoiceFilter(
        label=_("Award"), queryset=AwardType.objects.all(), empty_label=_("All awards")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s, Nomination.Status(s).label) for s in COUNCIL_STATUSES],
        empty_label=_("All statuses"),
    )
    sent = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[("late", _("Sent after the deadline")), ("on_time", _("Sent by the deadline"))],
        empty_label=_("On time or late"),
        method="filter_sent",
    )

    class Meta:
        model = Nomination
        fields = ["q", "block", "award_type", "status", "sent"]

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["block"].queryset = Block.objects.filter(authority=authority).order_by("name")
        self.form.fields["block"].queryset = self.filters["block"].queryset  # type: ignore[attr-defined]
        for form_field in self.form.fields.values():
            css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
            form_field.widget.attrs["class"] = css

    def filter_sent(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "late":
            return qs.filter(sent_late=True)
        if value == "on_time":
            return qs.filter(sent_late=False)
        return qs
