"""The council's appraisal of a nomination: the checklist and the notes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.services.intake import APPRAISAL_CHECKLIST
from emulation.forms import Form

NOTES_MAX = 5000


# The name of the submit button that ticks every item of the checklist at once.
ALL_CHECKED = "all_checked"


class AppraisalForm(Form):
    """One box per item of the checklist (none required here: the service says which are still
    open, and that the nomination should be returned instead), and the notes."""

    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was checked and how; kept with the appraisal."),
    )

    def checklist(self) -> dict[str, bool]:
        """The ticked items: all of them when the person pressed "Every item checked" (one click
        rather than a box per item)."""
        every = self.data.get(ALL_CHECKED) == "1"
        return {code: every or bool(self.cleaned_data.get(code)) for code in APPRAISAL_CHECKLIST}


# The boxes come first, in the checklist's order.
AppraisalForm.base_fields = {
    **{
        code: forms.BooleanField(label=label, required=False)
        for code, label in APPRAISAL_CHECKLIST.items()
    },
    **AppraisalForm.base_fields,
}
