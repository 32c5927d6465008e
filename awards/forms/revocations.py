"""The form of a decision revoking an award: number, date, signer, ground and reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Revocation
from emulation.forms import DateInput, Form


class RevocationForm(Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=40,
        help_text=_("Of the revoking decision, as the office registered it, such as 310/QĐ-UBND."),
    )
    signed_on = forms.DateField(label=_("Dated"), widget=DateInput())
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    ground = forms.ChoiceField(
        label=_("Ground (Law on Emulation and Commendation, Chapter VII)"),
        choices=Revocation.Ground.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the revoking decision and kept in the audit log."),
    )
