"""The council's confirmation of next year's head and deputies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import DateInput, Form


class HandoverConfirmForm(Form):
    handover_on = forms.DateField(
        label=_("Hand-over date"),
        widget=DateInput(),
        help_text=_(
            "From this day the new head and deputies run next year's block; a date already come"
            " hands over at once."
        ),
    )
