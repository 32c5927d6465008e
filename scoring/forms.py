from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blocks.models import Unit
from emulation.forms import DateInput, Form
from scoring.criteria import MAX_BANDS, BandRow, parse_points, parse_tie_break


class PointsField(forms.Field):
    """Points typed the Vietnamese way ("8,5") or with a dot ("8.5"); at most two decimals."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "12"})

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 12:
            raise forms.ValidationError(
                _("That is far too long for a number of points."), code="invalid"
            )
        try:
            return parse_points(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


class ImportForm(Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx) or CSV file"),
        help_text=_(
            "Columns: code, title_vi, title_en, max_points, kind, evidence_required, guidance_vi."
        ),
    )


class CriterionForm(Form):
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=500)
    title_en = forms.CharField(label=_("Title (English)"), max_length=500, required=False)
    guidance = forms.CharField(
        label=_("Guidance"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_points = PointsField(label=_("Maximum points"))
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)


class SettingsForm(Form):
    """The scale, the tie-break order, the time to answer, and the bands as numbered fields."""

    scale = PointsField(label=_("Scale"), help_text=_("What the standard sections add up to."))
    tie_break = forms.CharField(
        label=_("Tie-break order"),
        max_length=200,
        required=False,
        help_text=_("Section codes, highest priority first, e.g. “I, II, III”."),
    )
    response_days = forms.IntegerField(
        label=_("Days a unit has to answer its review"), min_value=1, max_value=60
    )

    def __init__(self, *args: Any, bands: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.band_count = min(max(bands + 1, 4), MAX_BANDS)
        for i in range(1, self.band_count + 1):
            self.fields[f"band_{i}_label"] = forms.CharField(
                label=_("Band %(n)d: classification") % {"n": i}, max_length=150, required=False
            )
            self.fields[f"band_{i}_min"] = PointsField(label=_("from (points)"), required=False)
            self.fields[f"band_{i}_floor"] = PointsField(
                label=_("no criterion below (%)"), required=False
            )
        self._apply_styles()

    def clean_tie_break(self) -> list[str]:
        return parse_tie_break(self.cleaned_data.get("tie_break") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bands = []
        for i in range(1, self.band_count + 1):
            label = (data.get(f"band_{i}_label") or "").strip()
            low, floor = data.get(f"band_{i}_min"), data.get(f"band_{i}_floor")
            if not label and low is None and floor is None:
                continue
            if not label or low is None or floor is None:
                self.add_error(
                    f"band_{i}_label", _("Give the band a name, a threshold and a floor.")
                )
                continue
            bands.append(BandRow(label, low, floor))
        data["bands"] = bands
        return data


class DeadlineForm(Form):
    deadline = forms.DateField(label=_("Self-assessment deadline"), widget=DateInput())


class ScoreForm(Form):
    self_points = PointsField(label=_("Points"), required=False)
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(Form):
    reviewed_points = PointsField(label=_("Reviewed points"), required=False)
    review_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files chosen together; cleans to the list of them."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(file, initial) for file in files if file] or [single(None, initial)]


class EvidenceForm(Form):
    file = MultipleFileField(
        label=_(
            "Evidence files (PDF, image or Office document, up to 20 MB each and 25 MB at a time)"
        )
    )


class ReopenForm(Form):
    until = forms.DateField(label=_("Open again until"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewerForm(Form):
    reviewer_unit = forms.ModelChoiceField(
        label=_("Cross-reviewer"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The head and deputies"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer_unit"].queryset = units  # type: ignore[attr-defined]


class ResponseForm(Form):
    text = forms.CharField(
        label=_("The unit's answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class RankingFilterForm(Form):
    """Filters over the ranking's rows. The rank is computed over every unit first, so filtering
    shows fewer rows without changing anyone's rank."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    band = forms.ChoiceField(label=_("Classification"), required=False)
    tie = forms.ChoiceField(
        label=_("Ties"),
        required=False,
        choices=[
            ("", _("All units")),
            ("any", _("Tied units only")),
            ("vote", _("Ties to settle by a vote")),
        ],
    )

    def __init__(self, *args: Any, bands: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [("", _("All classifications")), *[(b, b) for b in bands]]  # type: ignore[attr-defined]


class ExplainForm(Form):
    a = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    b = forms.TypedChoiceField(label=_("compared with"), coerce=int)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = units  # type: ignore[attr-defined]
        self.fields["b"].choices = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Choose two different units."))
        return data
