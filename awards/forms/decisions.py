"""The form of an award decision: its number, date, signer and legal bases."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import DateInput, Form


class DecisionForm(Form):
    """What the staff write on the decision; the service checks the number's form and that it is
    free within the authority."""

    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=40,
        help_text=_("As the office registered it, such as 125/QĐ-UBND."),
    )
    signed_on = forms.DateField(label=_("Dated"), widget=DateInput())
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=150,
        required=False,
        help_text=_(
            "Printed above the name. Separate the capacity from the title with a slash, such as"
            " “KT. CHỦ TỊCH / PHÓ CHỦ TỊCH”."
        ),
    )
    legal_bases = forms.CharField(
        label=_("Legal bases"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line; each is printed as “Căn cứ …;”."),
    )
