"""A unit's proposal of one of its people for an award to an individual, and its withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType
from blocks.models import Person
from emulation.forms import Form


class ProposalForm(Form):
    award = forms.ModelChoiceField(
        label=_("Award"), queryset=AwardType.objects.none(), to_field_name="code", empty_label=None
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        help_text=_(
            "The people of your unit still working there. Someone missing? Add them to"
            " the unit's people first."
        ),
    )
    summary = forms.CharField(
        label=_("Achievements in brief"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the person achieved this year, as the unit's review records it."),
    )

    def __init__(
        self, *args: Any, awards: QuerySet[AwardType], people: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.full_name} – {p.title} ({p.unit.name})"
        )


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Why the proposal is withdrawn"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
