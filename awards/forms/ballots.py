"""Forms of the ballots: creating one, the ballot paper, a receipt check, paper counts, opening,
and the eligibility check's choice of award and unit."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, Ballot, BallotCandidate
from blocks.models import Unit
from emulation.forms import DateInput, Form, ModelMultipleChoiceField

AGREE, DISAGREE = "agree", "disagree"
RECEIPT_SHAPE = re.compile(r"^[A-Z0-9]{12}$")


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Refuses ids that are not 64-bit integers before they reach the database (SQLite overflows
    on them instead of finding no row)."""

    def to_python(self, value: Any) -> Any:
        text = str(value).strip() if value is not None else ""
        if text and (not text.isdigit() or int(text) >= 2**63):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


def _awards() -> QuerySet[AwardType]:
    return AwardType.objects.filter(is_active=True).order_by("position", "code")


class BallotCreateForm(Form):
    """What the ballot is for and who stands; the service checks the candidates against the
    rules and refuses with a reason."""

    kind = forms.ChoiceField(label=_("The ballot is to"), choices=Ballot.Kind.choices)
    award = forms.ModelChoiceField(
        label=_("Award"),
        queryset=AwardType.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=None,
        help_text=_("For nominations: the award the units are proposed for."),
    )
    method = forms.ChoiceField(
        label=_("Held"),
        choices=Ballot.Method.choices,
        initial=Ballot.Method.ONLINE,
        widget=forms.RadioSelect,
        help_text=_(
            "On paper at the meeting: the secretariat records the counts and the signed minutes"
            " afterwards."
        ),
    )
    seats = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("How many candidates can succeed. Empty: the award's number per block, or 1."),
    )
    closes_on = forms.DateField(label=_("Voting closes on"), required=False, widget=DateInput())
    units = ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = _awards()  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Ballot.Kind.NOMINATION and not data.get("award"):
            self.add_error("award", _("Choose the award the units are proposed for."))
        individual = data.get("kind") == Ballot.Kind.NOMINATION and (
            data.get("award") is not None and data["award"].for_individuals
        )
        if not individual and not data.get("units") and "units" not in self.errors:
            self.add_error("units", _("Tick at least one candidate."))
        return data


class VoteForm(Form):
    """The ballot paper: agree or disagree with each candidate, or tick up to the places."""

    confirm = forms.BooleanField(
        label=_("I cast my unit's ballot and understand that it cannot be changed afterwards."),
        required=True,
    )

    def __init__(
        self, *args: Any, ballot: Ballot, candidates: list[BallotCandidate], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        self.candidates = candidates
        fields: dict[str, forms.Field] = {}
        if ballot.mode == Ballot.Mode.APPROVE:
            for candidate in candidates:
                fields[f"candidate_{candidate.pk}"] = forms.ChoiceField(
                    label=candidate.name,
                    choices=[(AGREE, _("Agree")), (DISAGREE, _("Disagree"))],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Say whether you agree or disagree.")},
                )
        else:
            fields["chosen"] = forms.MultipleChoiceField(
                label=_("Your choice"),
                choices=[(str(c.pk), c.name) for c in candidates],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Tick at most %(n)d. A ballot with nobody ticked counts as cast, for no one."
                )
                % {"n": ballot.seats},
            )
        self.fields = {**fields, "confirm": self.fields["confirm"]}
        self._apply_styles()

    def clean_chosen(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("chosen") or []
        if len(chosen) > self.ballot.seats:
            raise forms.ValidationError(
                _("Choose at most %(n)d candidate(s).") % {"n": self.ballot.seats}
            )
        return chosen

    def choices(self) -> dict[int, bool]:
        """The ballot as the service takes it: {candidate id: agrees or is chosen}."""
        if self.ballot.mode == Ballot.Mode.APPROVE:
            return {c.pk: self.cleaned_data[f"candidate_{c.pk}"] == AGREE for c in self.candidates}
        chosen = {int(pk) for pk in self.cleaned_data.get("chosen") or []}
        return {c.pk: c.pk in chosen for c in self.candidates}

    def approve_rows(self) -> list[tuple[BallotCandidate, forms.BoundField]]:
        return [
            (c, self[f"candidate_{c.pk}"])
            for c in self.candidates
            if f"candidate_{c.pk}" in self.fields
        ]


class ReceiptForm(Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The code shown when your unit voted, such as ABCD-EFGH-JKLM."),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if not RECEIPT_SHAPE.match(code):
            raise forms.ValidationError(_("A receipt code has 12 letters and digits."))
        return code


class OpenForm(Form):
    closes_on = forms.DateField(
        label=_("Voting closes on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave as it is to keep the date set when the ballot was prepared."),
    )


class PaperForm(Form):
    """The counts of a ballot held on paper, as the signed minutes give them."""

    members = forms.IntegerField(label=_("Member units entitled to vote"), min_value=1)
    cast = forms.IntegerField(label=_("Ballots cast"), min_value=0)
    scan = forms.FileField(
        label=_("Scanned minutes signed at the meeting (PDF or image)"),
        error_messages={"required": _("Upload the scanned minutes signed at the meeting.")},
    )

    def __init__(
        self, *args: Any, ballot: Ballot, candidates: list[BallotCandidate], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        self.candidates = candidates
        approve = ballot.mode == Ballot.Mode.APPROVE
        for c in candidates:
            self.fields[f"agree_{c.pk}"] = forms.IntegerField(
                label=_("%(unit)s: agree") % {"unit": c.name}
                if approve
                else _("%(unit)s: votes") % {"unit": c.name},
                min_value=0,
            )
            if approve:
                self.fields[f"disagree_{c.pk}"] = forms.IntegerField(
                    label=_("%(unit)s: disagree") % {"unit": c.name}, min_value=0
                )
        self._apply_styles()

    def counts(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {
            c.pk: (data[f"agree_{c.pk}"], data.get(f"disagree_{c.pk}") or 0)
            for c in self.candidates
        }

    def count_rows(self) -> list[tuple[BallotCandidate, forms.BoundField, Any]]:
        return [
            (
                c,
                self[f"agree_{c.pk}"],
                self[f"disagree_{c.pk}"] if f"disagree_{c.pk}" in self.fields else None,
            )
            for c in self.candidates
        ]


class EligibilityForm(Form):
    award = forms.ModelChoiceField(
        label=_("Award"),
        queryset=AwardType.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Every member unit"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = _awards()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MeetingSignersForm(Form):
    """Who signs a meeting's minutes: the person who chaired it and its secretary, by name
    (minutes are signed by persons, not by a unit). Used for the block's deliberation meeting and
    for the council's sessions. Left blank, the names proposed (filled in) are used."""

    chair_name = forms.CharField(label=_("Chaired by (full name)"), max_length=150, required=False)
    secretary_name = forms.CharField(
        label=_("Secretary (full name)"), max_length=150, required=False
    )
