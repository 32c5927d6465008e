"""The form renderer writes the common widgets character for character as Django's templates do:
every kind of widget, with awkward values, is rendered both ways and compared."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from blocks.filters import BlockFilter, UnitFilter
from emulation.rendering import FormRenderer
from tests.factories import World

AWKWARD = 'Ban "Dân vận" <Tỉnh ủy> & Mặt trận'


class EveryWidget(forms.Form):
    text = forms.CharField(
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Name of the block"), "autofocus": False}),
    )
    empty_text = forms.CharField(required=False)
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.25", "min": 0}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput)
    ticked = forms.BooleanField(required=False)
    unticked = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("", _("All kinds")), ("a", AWKWARD), (3, "ba")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Khối", [("1", "Một"), ("2", AWKWARD)]), ("Cụm", [("3", "Ba")])]
    )
    several = forms.MultipleChoiceField(choices=[("1", "Một"), ("2", "Hai"), ("3", "Ba")])
    yes_no = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    upload = forms.FileField(required=False)
    disabled = forms.CharField(disabled=True, required=False)


DATA = {
    "text": AWKWARD,
    "empty_text": "",
    "number": "12.50",
    "day": "2026-11-21",
    "email": "van.phong@quangtri.gov.vn",
    "password": "secret",
    "hidden": mark_safe("<b>kept</b>"),
    "ticked": "on",
    "notes": AWKWARD + "\n  second line",
    "kind": "a",
    "grouped": "2",
    "several": ["1", "3"],
    "yes_no": "true",
    "radio": "y",
    "boxes": ["x"],
}

INITIAL = {"number": Decimal("7.75"), "day": datetime.date(2026, 3, 5), "kind": 3}


def both_ways(make: Any) -> tuple[str, str]:
    fast, stock = make(FormRenderer()), make(DjangoTemplates())
    assert fast.renderer.__class__ is FormRenderer and stock.renderer.__class__ is DjangoTemplates
    return fast.as_div(), stock.as_div()


@pytest.mark.parametrize(
    "make",
    [
        lambda renderer: EveryWidget(DATA, renderer=renderer),
        lambda renderer: EveryWidget(initial=INITIAL, renderer=renderer),
        lambda renderer: EveryWidget({}, renderer=renderer),
    ],
    ids=["bound", "initial", "invalid"],
)
def test_every_widget_is_written_as_djangos_templates_write_it(make: Any) -> None:
    fast, stock = both_ways(make)
    assert fast == stock
    assert "<select" in fast and "<textarea" in fast and 'type="checkbox"' in fast


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_list_filters_are_written_as_djangos_templates_write_them(
    world: World, language: str, settings: Any
) -> None:
    from django.utils import translation

    data = {"q": AWKWARD, "authority": str(world.authority.pk), "kind": "block", "active": "true"}
    with translation.override(language):
        for filterset in (BlockFilter, UnitFilter):
            forms_ = [filterset(data).form, filterset({}).form]
            for form in forms_:
                fast = str(form.renderer.__class__ is FormRenderer and form.as_div())
                form.renderer = DjangoTemplates()
                assert fast == form.as_div()


def test_the_project_renders_forms_with_it() -> None:
    assert isinstance(EveryWidget().renderer, FormRenderer)


SHOWN = [
    0,
    7,
    -12,
    1234567,
    True,
    False,
    None,
    Decimal("95.50"),
    Decimal("-0.25"),
    1.5,
    datetime.date(2026, 11, 21),
    datetime.datetime(2026, 11, 21, 8, 30, tzinfo=datetime.UTC),
    AWKWARD,
    mark_safe("<b>đậm</b>"),
    _("All kinds"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("thousands", [False, True])
def test_show_writes_what_the_template_engine_writes(
    language: str, thousands: bool, settings: Any
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from emulation.rendering import show

    settings.USE_THOUSAND_SEPARATOR = thousands
    template = Template("{{ value }}")
    with translation.override(language):
        for value in SHOWN:
            assert show(value) == template.render(Context({"value": value})), value
