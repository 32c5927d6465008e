"""Markup the pages repeat many times, written in Python rather than through the template engine.

Django draws every form widget, and every option of a select, by rendering a small template: a
few hundred microseconds for a list page's filters, several milliseconds for a sheet of inputs.
`FormRenderer` writes the common widgets (inputs, text areas, selects and their options) the way
Django's own templates do, character for character (the renderer strips what a template writes;
an option's line end, included in its select, stays; tests/emulation/test_rendering.py renders
every kind both ways), and leaves every other template to Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

WIDGETS = "django/forms/widgets/"
# Each of these templates is, or only includes, input.html.
INPUTS = [
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
SELECT_OPTION = WIDGETS + "select_option.html"


def show(value: Any) -> str:
    """What `{{ value }}` writes: local time, localised numbers and dates, escaped."""
    if isinstance(value, str):  # most values: text, or markup already made safe
        return value if isinstance(value, SafeData) else escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() gives a whole number without grouping
    return str(conditional_escape(localize(template_localtime(value))))


def _as_text(value: Any) -> str:
    """What `{{ value|stringformat:'s' }}` writes (the filter keeps markup that was safe)."""
    text = "%s" % value  # noqa: UP031 - the filter's own formatting
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {show(name)}" if value is True else f' {show(name)}="{_as_text(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_as_text(widget["value"])}"'
    return (
        f'<input type="{show(widget["type"])}" name="{show(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = show(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{show(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{show(option['label'])}</option>"
    )


class FormRenderer(DjangoTemplates):
    """Django's default form renderer, with the common widgets written directly."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _DIRECT.get(template_name)
        if write is None:
            return super().render(template_name, context, request)
        return mark_safe(write(self, context["widget"]))

    def _select(self, widget: dict[str, Any]) -> str:
        parts = [f'<select name="{show(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{show(group_name)}">')
            for option in options:
                # Included, not rendered on its own: the template file's line end stays.
                parts.append("\n  ")
                if option["template_name"] == SELECT_OPTION:
                    parts.append(_option(option) + "\n")
                else:
                    template = self.get_template(option["template_name"])
                    parts.append(template.render({"widget": option}))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


_DIRECT: dict[str, Callable[[FormRenderer, dict[str, Any]], str | SafeString]] = {
    **{f"{WIDGETS}{name}.html": lambda _renderer, widget: _input(widget) for name in INPUTS},
    f"{WIDGETS}textarea.html": lambda _renderer, widget: _textarea(widget),
    f"{WIDGETS}select.html": FormRenderer._select,
    SELECT_OPTION: lambda _renderer, widget: _option(widget),
}
