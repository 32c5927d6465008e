"""Forms of the nominations and the dossier: the achievement report, the attestations, attached
documents, the proposal letter, and reasons for returning or withdrawing a nomination."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination, attestation_text
from awards.models.nominations import section_label
from emulation.forms import Form, ModelForm

# What the decree's form of an achievement report for a collective asks in each section.
REPORT_HELP = {
    "report_overview": _(
        "The unit's characteristics: how it is organised, its staff, its functions and tasks, and"
        " the conditions it worked in during the year (advantages and difficulties)."
    ),
    "report_results": _(
        "What the unit achieved in its main political and professional tasks during the year,"
        " with figures against the targets it registered and the covenant's commitments."
    ),
    "report_measures": _(
        "The solutions, initiatives and innovations that led to those results: reforms,"
        " digital transformation, new working methods, and their effect."
    ),
    "report_movements": _(
        "How the unit carried out the emulation movements, the block's joint activities, Party"
        " building and the work of its mass organisations; care for the staff's lives."
    ),
    "report_awards": _(
        "Emulation titles and forms of commendation received in earlier years: the title, the"
        " year, and the number and date of the decision."
    ),
}

# What the decree's form of an achievement report for an individual asks in each section.
INDIVIDUAL_REPORT_HELP = {
    "report_overview": _(
        "The person's date of birth, home town, place of residence, Party, government and mass"
        " organisation positions, professional qualifications, academic titles and degrees."
    ),
    "report_results": _(
        "The powers and tasks the person was assigned or took on during the year (the post, the"
        " field of work, the people they lead)."
    ),
    "report_measures": _(
        "What the person achieved in those tasks during the year, with figures against the"
        " targets, and the results of the unit or part they lead."
    ),
    "report_movements": _(
        "The solutions, initiatives, studies and new working methods the person applied, where"
        " they were recognised, and their effect; their part in the emulation movements."
    ),
    "report_awards": _(
        "Emulation titles and forms of commendation the person received in earlier years: the"
        " title, the year, and the number and date of the decision."
    ),
}


class ReportForm(ModelForm):
    """The five sections of the achievement report; a draft may leave some empty (the leader
    approves it only when every section is written). A person's nomination is written in the
    decree's form for an individual: the same five fields, under that form's headings."""

    class Meta:
        model = Nomination
        fields = list(Nomination.REPORT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in Nomination.REPORT_FIELDS}
        help_texts = REPORT_HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.person_id:
            for name in Nomination.REPORT_FIELDS:
                self.fields[name].label = section_label(name, individual=True)
                self.fields[name].help_text = INDIVIDUAL_REPORT_HELP[name]


YES_NO = [("yes", _("Yes, the unit attests this")), ("no", _("No, the unit cannot attest this"))]


class AttestForm(Form):
    """One yes-or-no answer for each attestation the award asks for."""

    def __init__(
        self, *args: Any, codes: list[str], individual: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[code] = forms.ChoiceField(
                label=attestation_text(code, individual=individual),
                choices=YES_NO,
                widget=forms.RadioSelect,
            )
        self._apply_styles()

    def answers(self) -> dict[str, bool]:
        return {code: value == "yes" for code, value in self.cleaned_data.items()}


class FileForm(Form):
    file = forms.FileField(
        label=_("Document (PDF, image or Office document, up to 20 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.doc,.xls"}
        ),
    )
    description = forms.CharField(
        label=_("What it is"),
        max_length=300,
        required=False,
        help_text=_("For example: the decision on last year's award, a certificate, a photo."),
    )


class ProposalLetterForm(Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=40,
        help_text=_("As registered by the head unit's office, such as 05/TTr-KTĐ."),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=150,
        required=False,
        help_text=_("Printed above the name, such as “Chánh Văn phòng Tỉnh ủy”."),
    )


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
