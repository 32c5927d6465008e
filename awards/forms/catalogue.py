"""Forms for what council staff enter for the award rules (`awards.services.catalogue`)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, CapBase, PastRecord
from emulation.forms import DateInput, Form


class CapBaseForm(Form):
    leading_units = forms.IntegerField(
        label=_("Leading units of all blocks and clusters the province organises"),
        min_value=0,
        max_value=1000,
        help_text=_(
            "Letter 5007/BNV-TĐKT counts the leading unit of every block and cluster the"
            " province organises, including those that do not use this app."
        ),
    )
    rounding = forms.ChoiceField(
        label=_("Rounding of the share"),
        choices=CapBase.Rounding.choices,
        help_text=_(
            "The letter's text on rounding could not be confirmed: rounding down is the"
            " province's choice unless its regulation says otherwise."
        ),
    )
    note = forms.CharField(label=_("Where the number comes from"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)


class PastRecordForm(Form):
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    award_type = forms.ModelChoiceField(
        label=_("Award"), queryset=AwardType.objects.all(), required=False
    )
    title = forms.CharField(
        label=_("Other title"),
        max_length=200,
        required=False,
        help_text=_("For an award not in the list."),
    )
    result = forms.ChoiceField(
        label=_("Result of the year"),
        choices=[("", "—"), *PastRecord.Result.choices],
        required=False,
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=40, required=False)
    decision_date = forms.DateField(label=_("Decision dated"), required=False, widget=DateInput())
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = datetime.date.today().year - 1
