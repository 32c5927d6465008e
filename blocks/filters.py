from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blocks.models import Authority, Block, Person, Unit
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


class BlockFilter(django_filters.FilterSet):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitFilter(django_filters.FilterSet):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitPersonFilter(django_filters.FilterSet):
    q = SearchFilter(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Name or title")})
    )
    serving = django_filters.BooleanFilter(
        label=_("Status"),
        field_name="left_on",
        lookup_expr="isnull",
        widget=forms.Select(
            choices=[("", _("Working and left")), ("true", _("Working")), ("false", _("Left"))]
        ),
    )

    class Meta:
        model = Person
        fields = ["q", "serving"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
