"""The form of the Department of Home Affairs' submission: its number, date and signer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import DateInput, Form


class SubmissionForm(Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=40,
        help_text=_("As the Department's office registered it, such as 45/TTr-SNV."),
    )
    signed_on = forms.DateField(label=_("Dated"), widget=DateInput())
    signer_name = forms.CharField(
        label=_("Signed by"), max_length=150, help_text=_("The Director of the Department.")
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
