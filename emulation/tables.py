"""django-tables2 tables whose body is written in one pass in Python.

The stock template renders each cell through a bound row (an accessor walk, a signature
inspection of the render method) and four template tags: about a tenth of a millisecond a cell,
most of a list page's time once it shows a few hundred cells. `Table` keeps everything
django-tables2 gives (columns, sorting, pagination, `value_*` for exports, the header and the
pager) and replaces only the body: how each column makes its cell is worked out once per render,
then every row is a few calls and one join. The HTML is the stock body's
(tests/emulation/test_tables.py renders every table both ways and compares them).

A column this shortcut does not know how to make (a localised or link column, a many-to-many
one, attributes computed per cell) is made by django-tables2 itself, cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, AttributeDict, signature

from emulation.rendering import show

Cell = Callable[[BoundRow], Any]

# The page around the table: django-tables2's Bootstrap 5 table with this module's body.
TEMPLATE = "emulation/table.html"

ROW_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


class Table(tables.Table):
    """A django-tables2 table rendered with `emulation/table.html` (its body from `tbody`)."""

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["template_name"] = kwargs.get("template_name") or TEMPLATE
        super().__init__(data, *args, **kwargs)

    def tbody(self) -> SafeString:
        columns = list(self.columns)
        cells = [(_td(column), _cell_maker(self, column)) for column in columns]
        parts: list[str] = [format_html("<tbody {}>", _attrs_html(self.attrs.get("tbody")))]
        rows = 0
        for rows, row in enumerate(self.paginated_rows, start=1):
            parts.append(f"<tr {row.attrs.as_html()}>" if self.row_attrs else _PLAIN_ROW[rows % 2])
            for td, cell in cells:
                parts.append(td)
                parts.append(show(cell(row)))
                parts.append("</td>")
            parts.append("</tr>")
        if not rows and self.empty_text:
            parts.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
            )
        parts.append("</tbody>")
        return mark_safe("".join(parts))


# django-tables2 counts rows from 0 and calls the first "even".
_PLAIN_ROW = ('<tr class="odd">', '<tr class="even">')


def _attrs_html(attrs: Any) -> str:
    return attrs.as_html() if isinstance(attrs, AttributeDict) else ""


def _td(column: Any) -> str:
    return f"<td {column.attrs['td'].as_html()}>"


def _cell_maker(table: Table, column: Any) -> Cell:
    """How this column's cell is made from a row, decided once."""
    name = column.name
    if not _simple(table, column):
        return lambda row: row.get_cell(name)
    accessor = Accessor(column.accessor)
    empty = column.column.empty_values
    default = column.default
    render = column.render
    link = column.link
    wanted, takes_any = signature(render)
    unknown = not takes_any and any(arg not in ROW_ARGUMENTS for arg in wanted)
    labels = _choice_labels(table, accessor)

    def cell(row: BoundRow) -> Any:
        record = row.record
        value = _value(record, accessor, labels)
        if value in empty:
            return default
        given = {
            "value": value,
            "record": record,
            "column": column.column,
            "bound_column": column,
            "bound_row": row,
            "table": table,
        }
        if unknown:
            content = None
        else:
            content = render(**(given if takes_any else {arg: given[arg] for arg in wanted}))
        return link(content, **given) if link else content

    return cell


def _simple(table: Table, column: Any) -> bool:
    """Whether the shortcut makes this column's cells as django-tables2 would."""
    if column.localize is not None or isinstance(column.column, (BaseLinkColumn, ManyToManyColumn)):
        return False
    raw = {**table.attrs, **column.column.attrs}
    td = raw.get("td", raw.get("cell", {}))
    return not any(callable(value) for value in td.values())


def _choice_labels(table: Table, accessor: Accessor) -> dict[Any, str] | None:
    """For a model field with choices, what `get_FOO_display()` shows for each value, in the
    language of this render; None for any other column. Looked up once per table, not per cell:
    the model method hashes every (lazy) label of the field on every call."""
    model = getattr(table.data, "model", None)
    if model is None:
        return None
    try:
        field = accessor.get_field(model)
    except Exception:
        return None
    if not getattr(field, "choices", None):
        return None
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


def _value(record: Any, accessor: Accessor, labels: dict[Any, str] | None) -> Any:
    """The cell's value, as django-tables2 finds it: the label of a field with choices (what
    `get_FOO_display()` gives), else the accessor's value; nothing when the accessor fails."""
    try:
        value = accessor.resolve(record)
    except Exception:
        return None
    if labels is not None:
        return labels.get(value, value)
    return value
