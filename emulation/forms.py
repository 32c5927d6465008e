"""Form foundations: Bootstrap classes on every widget and NFC-normalised text on every field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from emulation.errors import DomainError
from emulation.text import nfc


class StyledFormMixin:
    """Give widgets Bootstrap's classes and normalise typed text to NFC before validation, so
    "Quảng Trị" typed in decomposed form is stored and compared like any other."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._apply_styles()

    def _apply_styles(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                # Lists of choices are drawn one input at a time by the form template.
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
                widget.attrs.setdefault("inputmode", "numeric")
            if isinstance(field, forms.CharField) and field.max_length:
                widget.attrs.setdefault("maxlength", str(field.max_length))

    def full_clean(self) -> None:
        data = getattr(self, "data", None)
        if data is not None and hasattr(data, "lists"):
            normalised = data.copy()
            for key, values in data.lists():
                normalised.setlist(key, [nfc(v) if isinstance(v, str) else v for v in values])
            self.data = normalised
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


class Form(StyledFormMixin, forms.Form):
    pass


class ModelForm(StyledFormMixin, forms.ModelForm):
    """Model forms here gather and check input (the model's constraints included); the service
    saves, so a form is never `save()`d."""


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class PasswordForm(StyledFormMixin, PasswordChangeForm):
    """Changing one's password: the current one, typed again, counts toward the sign-in lockout
    like any password re-entered (emulation.lockout)."""

    request: Any = None

    def clean_old_password(self) -> str:
        from emulation import lockout

        old_password: str = self.cleaned_data["old_password"]
        try:
            lockout.confirm_password(
                self.user, old_password, request=self.request, field="old_password"
            )
        except DomainError as error:
            raise forms.ValidationError(error.message, code="password_incorrect") from None
        return old_password


class DateInput(forms.DateInput):
    """A date typed the Vietnamese way, dd/mm/yyyy."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def run_form(request: Any, form: forms.BaseForm, action: Any, success_message: str) -> Any | None:
    """On a valid POST, run `action(cleaned_data)`: its result on success (with a message), or None
    with the domain's refusal shown on the form. Nothing is saved when the action refuses."""
    from django.contrib import messages

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as error:
        form.add_domain_error(error)  # type: ignore[attr-defined]
        return None
    messages.success(request, success_message)
    return result


def post_data(request: Any) -> Any:
    """The submitted data on POST (even when empty, so the form reports what is missing)."""
    return request.POST if request.method == "POST" else None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not 64-bit integers as invalid choices, before they reach the
    database (SQLite overflows on them instead of finding no row)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk).strip()
            if not text.isdigit() or int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]
