"""What a block year records it will not do: one open item and the reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.services.closing import OpenItem
from emulation.forms import Form


class WaiverForm(Form):
    item = forms.ChoiceField(label=_("What will not be done"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the year's records and in the audit log."),
    )

    def __init__(self, *args: Any, items: list[OpenItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(item.key, item.text) for item in items]
