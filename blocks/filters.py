from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blocks.models import Authority, Block, Unit
from emulation.text import nfc, search_key


class SearchFilter(django_filters.CharFilter):
    """Case- and accent-insensitive search on the stored search key ("quang tri" finds "Quảng Trị")."""

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        key = search_key(nfc(value or ""))
        return qs.filter(search_key__contains=key) if key else qs


def _styled(filterset: django_filters.FilterSet) -> None:
    for field in filterset.form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = css


class RegistryFilter(django_filters.FilterSet):
    """A registry list's filters: the authorities offered are those of the rows the person may
    see (`authorities`, which also checks the one chosen)."""

    def __init__(
        self, *args: Any, authorities: QuerySet[Authority] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if authorities is not None:
            self.filters["authority"].queryset = authorities
        _styled(self)

    def offer_authorities(self, choices: list[tuple[int, str]]) -> None:
        """Show these (id, name) as the authorities to choose from, in this order: the same as
        `authorities` gives, read by the list's own count, so that showing the form does not read
        them again. A chosen authority is still checked against `authorities`."""
        field: Any = self.form.fields["authority"]
        field.widget.choices = [("", field.empty_label), *choices]


class BlockFilter(RegistryFilter):
    q = SearchFilter(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Name of the block")})
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority"), queryset=Authority.objects.all(), empty_label=_("All authorities")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Block.Kind.choices, empty_label=_("Blocks and clusters")
    )

    class Meta:
        model = Block
        fields = ["q", "authority", "kind"]


class UnitFilter(RegistryFilter):
    q = SearchFilter(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Name or short name")})
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority"), queryset=Authority.objects.all(), empty_label=_("All authorities")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Unit.Kind.choices, empty_label=_("All kinds")
    )
    active = django_filters.BooleanFilter(
        label=_("Status"),
        field_name="active_to",
        lookup_expr="isnull",
        widget=forms.Select(
            choices=[("", _("Active and ceased")), ("true", _("Active")), ("false", _("Ceased"))]
        ),
    )

    class Meta:
        model = Unit
        fields = ["q", "authority", "kind", "active"]
