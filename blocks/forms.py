from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blocks.models import (
    Authority,
    Block,
    BlockYear,
    Contribution,
    JointActivity,
    Membership,
    Person,
    Unit,
    UnitRole,
)
from emulation.forms import DateInput, Form, ModelForm, ModelMultipleChoiceField
from emulation.models import User

REASON_FIELD = {
    "label": _("Reason"),
    "max_length": 1000,
    "widget": forms.Textarea(attrs={"rows": 2}),
}


class BlockForm(ModelForm):
    class Meta:
        model = Block
        fields = ["authority", "name", "short_name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]


class UnitForm(ModelForm):
    class Meta:
        model = Unit
        fields = ["authority", "name", "short_name", "kind", "active_from", "active_to"]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("active_from"), data.get("active_to")
        if start and end and end < start:
            self.add_error("active_to", _("The end date cannot be before the start date."))
        return data


class UnitRenameForm(Form):
    name = forms.CharField(label=_("New name"), max_length=200)
    short_name = forms.CharField(label=_("New short name"), max_length=80)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    reason = forms.CharField(**REASON_FIELD)  # type: ignore[arg-type]


def _with_authority(unit: Unit) -> str:
    return f"{unit.name} ({unit.authority.short_name})"


class UnitMergeForm(Form):
    others = ModelMultipleChoiceField(
        label=_("Units merged with this one"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    into = forms.ModelChoiceField(
        label=_("Merge into an existing unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to create a new unit with the name below."),
    )
    name = forms.CharField(label=_("Name of the new unit"), max_length=200, required=False)
    short_name = forms.CharField(
        label=_("Short name of the new unit"), max_length=80, required=False
    )
    authority = forms.ModelChoiceField(
        label=_("Authority of the new unit"),
        queryset=Authority.objects.none(),
        required=False,
        help_text=_("Units of two authorities may merge (a merger of provinces)."),
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    reason = forms.CharField(**REASON_FIELD)  # type: ignore[arg-type]

    def __init__(
        self, *args: Any, unit: Unit, authorities: QuerySet[Authority], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Any active unit of an authority the person manages, whichever the unit's own is.
        candidates = (
            Unit.objects.filter(authority__in=authorities, active_to__isnull=True)
            .exclude(pk=unit.pk)
            .select_related("authority")
            .order_by("authority__name", "name")
        )
        self.fields["others"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["into"].queryset = candidates  # type: ignore[attr-defined]
        if len({a.pk for a in authorities}) > 1:
            # Units of several authorities are offered: each says whose it is.
            for name in ("others", "into"):
                self.fields[name].label_from_instance = _with_authority  # type: ignore[attr-defined]
        self.fields["authority"].queryset = authorities.filter(active_to__isnull=True)  # type: ignore[attr-defined]
        self.fields["authority"].initial = unit.authority_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("into") and not data.get("name"):
            self.add_error(
                "name", _("Name the new unit, or choose an existing unit to merge into.")
            )
        if data.get("into") and data.get("into") in (data.get("others") or []):
            self.add_error("into", _("A unit cannot be merged into itself."))
        return data


class AuthorityMergeForm(Form):
    authority = forms.ModelChoiceField(
        label=_("Authority merged"), queryset=Authority.objects.filter(active_to__isnull=True)
    )
    into = forms.ModelChoiceField(
        label=_("Into"),
        queryset=Authority.objects.filter(active_to__isnull=True),
        help_text=_("The authority that continues it: its units and blocks go on under this one."),
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    reason = forms.CharField(**REASON_FIELD)  # type: ignore[arg-type]


class UnitSplitForm(Form):
    parts = forms.CharField(
        label=_("New units"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One unit per line: full name | short name."),
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    reason = forms.CharField(**REASON_FIELD)  # type: ignore[arg-type]

    def clean_parts(self) -> list[tuple[str, str]]:
        parts = []
        for line in self.cleaned_data["parts"].splitlines():
            if not line.strip():
                continue
            name, _sep, short = line.partition("|")
            name, short = name.strip(), short.strip()
            if len(name) > 200 or len(short) > 80:
                raise forms.ValidationError(_("A name is too long: %(name)s") % {"name": name[:60]})
            parts.append((name, short or name))
        if len(parts) < 2:
            raise forms.ValidationError(_("A split needs at least two new units."))
        if len({name for name, _short in parts}) != len(parts):
            raise forms.ValidationError(_("Two new units have the same name."))
        return parts


class BlockYearForm(ModelForm):
    class Meta:
        model = BlockYear
        fields = ["theme", *BlockYear.DEADLINE_FIELDS]
        widgets = {name: DateInput() for name in BlockYear.DEADLINE_FIELDS}


class DeadlinesForm(ModelForm):
    """The deadlines the block's secretariat sets."""

    class Meta:
        model = BlockYear
        fields = list(BlockYear.SECRETARIAT_DEADLINES)
        widgets = {name: DateInput() for name in BlockYear.SECRETARIAT_DEADLINES}


class BlockYearCreateForm(BlockYearForm):
    copy_members = forms.BooleanField(
        label=_("Carry over last year's members"), required=False, initial=True
    )

    class Meta(BlockYearForm.Meta):
        fields = ["year", "theme", *BlockYear.DEADLINE_FIELDS]


class MembershipAddForm(Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    joined_on = forms.DateField(label=_("Member from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, block_year: BlockYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            authority=block_year.block.authority_id
        )


class MembershipEndForm(Form):
    left_on = forms.DateField(label=_("Leaves on"), widget=DateInput())
    reason = forms.CharField(**REASON_FIELD)  # type: ignore[arg-type]


class LeadershipForm(Form):
    head = forms.ModelChoiceField(
        label=_("Block head"),
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": _("The head must be a current member of the block.")},
    )
    deputies = ModelMultipleChoiceField(
        label=_("Deputy heads"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most two."),
        error_messages={
            "invalid_choice": _("A deputy must be a current member of the block."),
        },
    )
    reason = forms.CharField(**{**REASON_FIELD, "required": False})  # type: ignore[arg-type]

    def __init__(self, *args: Any, block_year: BlockYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Unit.objects.filter(
            memberships__block_year=block_year, memberships__left_on__isnull=True
        ).order_by("memberships__position")
        self.fields["head"].queryset = members  # type: ignore[attr-defined]
        self.fields["deputies"].queryset = members  # type: ignore[attr-defined]
        if not self.is_bound:
            roles = {m.unit_id: m.role for m in block_year.memberships.all()}
            self.initial["head"] = next(
                (u for u, r in roles.items() if r == Membership.Role.HEAD), None
            )
            self.initial["deputies"] = [u for u, r in roles.items() if r == Membership.Role.DEPUTY]


class PersonForm(Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        max_length=20,
        regex=r"^[0-9 +().-]+$",
        required=False,
        error_messages={"invalid": _("Enter a phone number with digits only.")},
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UnitRoleForm(Form):
    username = forms.CharField(label=_("Username of the person"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=UnitRole.Role.choices)
    title = forms.CharField(label=_("Position title"), max_length=150, required=False)

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        person = User.objects.filter(username__iexact=username, is_active=True).first()
        if person is not None and person.pk == self.by.pk:
            raise forms.ValidationError(
                _("No one can give a role to themselves. Ask another person who manages roles.")
            )
        if person is None:
            raise forms.ValidationError(
                _("No active account has the username “%(username)s”. Create the person first.")
                % {"username": username}
            )
        return person


class ActivityForm(ModelForm):
    class Meta:
        model = JointActivity
        fields = ["title", "date", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}


class ContributionForm(ModelForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": _("Only member units of the block can contribute.")},
    )

    class Meta:
        model = Contribution
        fields = ["unit", "books", "money_vnd", "participants", "note"]

    def __init__(self, *args: Any, activity: JointActivity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            memberships__block_year=activity.block_year_id
        ).order_by("memberships__position")


class UnitPersonForm(ModelForm):
    """Someone working at the unit, as its record (no account)."""

    class Meta:
        model = Person
        fields = ["full_name", "title", "code", "gender", "birth_year", "serving_since"]


class UnitPersonLeftForm(Form):
    left_on = forms.DateField(label=_("Left the unit on"), widget=DateInput())
    reason = forms.CharField(**{**REASON_FIELD, "required": False})  # type: ignore[arg-type]
