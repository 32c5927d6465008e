"""Forms of the council sessions: a new session, its agenda and attendance, a member's vote, a
receipt check and the counts of a paper vote."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from awards.forms.ballots import AGREE, DISAGREE, ReceiptForm
from awards.models import AgendaItem, CouncilSession, Nomination
from emulation.forms import DateInput, Form, ModelMultipleChoiceField
from emulation.models import User

QUORUM_SHAPE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")


class SessionCreateForm(Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    method = forms.ChoiceField(
        label=_("How members vote"),
        choices=CouncilSession.Method.choices,
        initial=CouncilSession.Method.ONLINE,
        widget=forms.RadioSelect,
        help_text=_(
            "On paper at the meeting: the staff record the counts (and may upload the scanned"
            " minutes) afterwards."
        ),
    )
    quorum = forms.CharField(
        label=_("Quorum"),
        max_length=5,
        initial="2/3",
        help_text=_("The share of the council's members who must take part, such as 2/3."),
    )

    def clean_quorum(self) -> tuple[int, int]:
        match = QUORUM_SHAPE.match(self.cleaned_data["quorum"])
        if not match:
            raise forms.ValidationError(_("Write the quorum as a fraction such as 2/3."))
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if not 0 < numerator <= denominator:
            raise forms.ValidationError(_("The quorum is a fraction such as 2/3, at most 1."))
        return numerator, denominator


class AgendaForm(Form):
    """Appraised nominations of the authority and year to put on the agenda."""

    nominations = ModelMultipleChoiceField(
        label=_("Appraised nominations"),
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one nomination.")},
    )

    def __init__(self, *args: Any, nominations: QuerySet[Nomination], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = nominations  # type: ignore[attr-defined]


class RemoveItemForm(Form):
    item = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class AttendanceForm(Form):
    members = ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.full_name or user.username
        )


class SessionVoteForm(Form):
    """A member's ballot: agree or disagree on every item of the agenda."""

    confirm = forms.BooleanField(
        label=_("I cast my vote and understand that it cannot be changed afterwards."),
        required=True,
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        fields: dict[str, forms.Field] = {
            f"item_{item.pk}": forms.ChoiceField(
                label=item.nomination.unit_name,
                choices=[(AGREE, _("Agree")), (DISAGREE, _("Disagree"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Say whether you agree or disagree.")},
            )
            for item in items
        }
        self.fields = {**fields, "confirm": self.fields["confirm"]}
        self._apply_styles()

    def choices(self) -> dict[int, bool]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] == AGREE for item in self.items}

    def rows(self) -> list[tuple[AgendaItem, forms.BoundField]]:
        return [(item, self[f"item_{item.pk}"]) for item in self.items]


class SessionReceiptForm(ReceiptForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The code shown when you voted, such as ABCD-EFGH-JKLM.")


class PaperCountsForm(Form):
    """The counts of a vote held on paper, as the minutes signed at the meeting give them."""

    present = forms.IntegerField(label=_("Members present who voted"), min_value=0, max_value=1000)
    scan = forms.FileField(
        label=_("Scanned minutes signed at the meeting (PDF or image)"), required=False
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = item.nomination.unit_name
            self.fields[f"agree_{item.pk}"] = forms.IntegerField(
                label=_("%(unit)s: agree") % {"unit": name}, min_value=0, max_value=1000
            )
            self.fields[f"disagree_{item.pk}"] = forms.IntegerField(
                label=_("%(unit)s: disagree") % {"unit": name}, min_value=0, max_value=1000
            )
        self._apply_styles()

    def counts(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {
            item.pk: (data[f"agree_{item.pk}"], data[f"disagree_{item.pk}"]) for item in self.items
        }

    def rows(self) -> list[tuple[AgendaItem, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"agree_{item.pk}"], self[f"disagree_{item.pk}"]) for item in self.items
        ]
