from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blocks.models import Unit
from covenants.models import Comment, Document, DocumentVersion, Registration
from emulation.forms import DateInput, Form

TEXTAREA = {"rows": 6}


class ContentForm(Form):
    """The text of a version. Which parts are shown depends on the document's kind."""

    preamble = forms.CharField(
        label=_("Preamble"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    body = forms.CharField(
        label=_("Content"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    targets = forms.CharField(
        label=_("Quantified targets"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line, e.g. “every unit completes its tasks well or better”."),
    )
    movements = forms.CharField(
        label=_("Emulation movements responded to"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line."),
    )
    legal_bases = forms.CharField(
        label=_("Legal bases"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line."),
    )
    theme = forms.CharField(label=_("Theme or motto"), required=False, max_length=300)

    COVENANT_ONLY = ("preamble", "targets", "movements", "legal_bases", "theme")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != Document.Kind.COVENANT:
            for name in self.COVENANT_ONLY:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        content = [name for name in self.fields if name in DocumentVersion.CONTENT_FIELDS]
        if not any((data.get(name) or "").strip() for name in content):
            raise forms.ValidationError(_("Write the text of the document."))
        return data


class DocumentCreateForm(ContentForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    field_order = ["title"]


class RevisionForm(ContentForm):
    change_note = forms.CharField(label=_("What changed"), max_length=500)
    field_order = ["change_note"]


class DateForm(Form):
    """One date, named as the service names it (so its refusals land on the field)."""

    def __init__(self, *args: Any, name: str, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[name] = forms.DateField(label=label, widget=DateInput())
        self._apply_styles()


class CommentForm(Form):
    unit = forms.ModelChoiceField(label=_("On behalf of"), queryset=Unit.objects.none())
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


class AnswerForm(Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[c for c in Comment.Answer.choices if c[0] != Comment.Answer.PENDING],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Answer and reason"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining."),
    )


class RegistrationForm(Form):
    targets = forms.CharField(
        label=_("Our targets for the year"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line."),
    )
    aims = forms.MultipleChoiceField(
        label=_("Titles and awards we aim for"),
        choices=Registration.Aim.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SignForm(Form):
    unit = forms.ModelChoiceField(label=_("Sign for"), queryset=Unit.objects.none())
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )
    code = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(
        label=_("I have read the covenant and sign it on behalf of my unit."), required=True
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if units.count() == 1:
            self.fields["unit"].initial = units.first()
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


class PaperSignatureForm(Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(label=_("Position title"), max_length=150, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    scan = forms.FileField(label=_("Scanned signed page (PDF or image)"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
