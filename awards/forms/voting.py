"""Forms of the voting core shared by ballots and council sessions: naming the counting board, the
codes typed at the counting table, and the reason a vote is declared void or held again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from awards.models import Teller
from awards.services.voting import parse_code
from emulation.forms import Form, ModelMultipleChoiceField
from emulation.models import User


class BoardForm(Form):
    tellers = ModelMultipleChoiceField(
        label=_("Tellers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each teller receives a code once, before voting opens; the ballots can be counted"
            " only with the codes of as many tellers as required below."
        ),
    )
    threshold = forms.IntegerField(
        label=_("Codes needed to count"),
        min_value=1,
        max_value=99,
        initial=2,
        help_text=_("At least two, at most the number of tellers (such as 2 of 3)."),
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tellers"].queryset = people  # type: ignore[attr-defined]
        self.fields["tellers"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.full_name or user.username
        )


class CodesForm(Form):
    """One field per teller: each types their own code at the counting table."""

    def __init__(self, *args: Any, tellers: Sequence[Teller], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for teller in tellers:
            self.fields[f"code_{teller.position}"] = forms.CharField(
                label=_("Code of %(name)s") % {"name": teller.user.full_name or teller.user},
                required=False,
                max_length=40,
                widget=forms.PasswordInput(
                    attrs={
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "autocapitalize": "off",
                        "class": "font-monospace",  # a code of 26 characters, read back
                    }
                ),
            )
        self._apply_styles()  # the fields exist only now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):  # add_error takes the field out of the data
            if value and parse_code(value) is None:
                self.add_error(name, _("A teller's code has 26 letters and digits."))
        if not any(data.values()):
            raise forms.ValidationError(_("Type the tellers' codes."))
        return data

    def codes(self) -> list[str]:
        return [value for value in self.cleaned_data.values() if value]


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
