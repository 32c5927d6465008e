"""django-tables2 tables written in one pass in Python.

The stock template renders each cell through a bound row (an accessor walk, a signature
inspection of the render method) and four template tags: about a tenth of a millisecond a cell,
most of a list page's time once it shows a few hundred cells; its header and pager cost a
template render of their own (with the context processors run again) and a tag per link.
`Table` keeps everything django-tables2 gives (columns, sorting, pagination, `value_*` for
exports) and writes the whole table itself, as `django_tables2/bootstrap5-responsive.html`
writes it, character for character: the wrapper, the header with its sort links, the footer and
the pager. Only the body differs, and only in its whitespace: it is written without the
template's indentation. How each column makes its cell is worked out once per render, then
every row is a few calls and one join (tests/emulation/test_tables.py renders every table both
ways and compares them).

A column this shortcut does not know how to make (a localised or link column, a many-to-many
one, attributes computed per cell) is made by django-tables2 itself, cell by cell.

A list page that has counted its rows already (an unfiltered list, counted with the filter's
choices or its summary) gives the pager that count: `CountedPaginator`, when `narrowed` says no
filter takes rows out.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db.models.query import ModelIterable
from django.utils.encoding import force_str
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django_filters.constants import EMPTY_VALUES
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import Accessor, AttributeDict, signature

from emulation.rendering import show

# A cell from (record, bound row or None): the row is made only for columns that ask for it.
Cell = Callable[[Any, Any], Any]

# The page around the table: `{{ table.html }}`.
TEMPLATE = "emulation/table.html"

ROW_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")

# What `{% querystring_replace %}` says when the context has no request.
NO_REQUEST = (
    "Tag {% querystring_replace %} requires django.template.context_processors.request to be "
    "in the template configuration in settings.TEMPLATES[]OPTIONS.context_processors) in order "
    "for the included template tags to function correctly."
)


class Table(tables.Table):
    """A django-tables2 table rendered with `emulation/table.html` (all of it from `html`)."""

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["template_name"] = kwargs.get("template_name") or TEMPLATE
        super().__init__(data, *args, **kwargs)

    def html(self) -> SafeString:
        """The table as `django_tables2/bootstrap5-responsive.html` writes it (its body without
        the indentation, its last line end left to `emulation/table.html`), its links made from
        the request `{% render_table %}` renders it for (else the one `RequestConfig` gave)."""
        context = getattr(self, "context", None)
        request = context.get("request") if context is not None else None
        request = request or getattr(self, "request", None)
        columns = list(self.columns)
        parts = [
            '\n\n\n<div class="table-container table-responsive">\n    \n        \n        <table ',
            _table_attrs(self.attrs),
            ">\n            \n            ",
        ]
        if self.show_header:
            parts.append(self._thead(columns, request))
        parts.append("\n            \n            ")
        parts.append(self.tbody(columns))
        parts.append("\n            \n            ")
        if self.has_footer():
            parts.append(self._tfoot(columns))
        parts.append("\n            \n        </table>\n    \n    \n\n    \n        \n        ")
        page = getattr(self, "page", None)
        if page and self.paginator.num_pages > 1:
            parts.append(self._pagination(page, request))
        parts.append("\n    \n    \n</div>\n")  # the template's own line end follows
        return mark_safe("".join(parts))

    def _thead(self, columns: list[Any], request: Any) -> str:
        field = self.prefixed_order_by_field
        parts = [f"\n                <thead {_attrs_html(self.attrs.get('thead'))}>\n"]
        parts.append("                <tr>\n                ")
        for column in columns:
            parts.append(f'\n                    <th {column.attrs["th"].as_html()} scope="col">\n')
            header = show(column.header)
            if column.orderable:
                link = _querystring(request, field, column.order_by_alias.next)
                parts.append(
                    f'                        \n                            <a href="{link}">'
                )
                parts.append(f"{header}</a>\n                        \n")
            else:
                parts.append(f"                        \n                            {header}\n")
                parts.append("                        \n")
            parts.append("                    </th>\n                ")
        parts.append("\n                </tr>\n                </thead>\n            ")
        return "".join(parts)

    def _tfoot(self, columns: list[Any]) -> str:
        parts = [f"\n            <tfoot {_attrs_html(self.attrs.get('tfoot'))}>\n"]
        parts.append("                <tr>\n                ")
        for column in columns:
            parts.append(f"\n                    <td {column.attrs['tf'].as_html()}>")
            parts.append(f"{show(column.footer)}</td>\n                ")
        parts.append("\n                </tr>\n            </tfoot>\n            ")
        return "".join(parts)

    def _pagination(self, page: Any, request: Any) -> str:
        field = self.prefixed_page_field
        parts = [
            '\n        <nav aria-label="Table navigation">\n'
            '            <ul class="pagination justify-content-center">\n            '
        ]
        if page.has_previous():
            link = _querystring(request, field, page.previous_page_number())
            parts.append(
                "\n                \n"
                '                <li class="previous page-item">\n'
                f'                    <a href="{link}" class="page-link">\n'
                '                        <span aria-hidden="true">&laquo;</span>\n'
                f"                        {escape(gettext('previous'))}\n"
                "                    </a>\n"
                "                </li>\n"
                "                \n            "
            )
        parts.append("\n            ")
        if page.has_previous() or page.has_next():
            parts.append("\n            \n            ")
            for number in table_page_range(page, self.paginator):
                active = " active" if page.number == number else ""
                href = "" if number == "..." else f'href="{_querystring(request, field, number)}"'
                parts.append(
                    f'\n                <li class="page-item{active}">\n'
                    f'                    <a class="page-link" {href}>\n'
                    f"                        {show(number)}\n"
                    "                    </a>\n"
                    "                </li>\n            "
                )
            parts.append("\n            \n            ")
        parts.append("\n            ")
        if page.has_next():
            link = _querystring(request, field, page.next_page_number())
            parts.append(
                "\n                \n"
                '                <li class="next page-item">\n'
                f'                    <a href="{link}" class="page-link">\n'
                f"                        {escape(gettext('next'))}\n"
                '                        <span aria-hidden="true">&raquo;</span>\n'
                "                    </a>\n"
                "                </li>\n"
                "                \n            "
            )
        parts.append("\n            </ul>\n        </nav>\n        ")
        return "".join(parts)

    def tbody(self, columns: list[Any] | None = None) -> SafeString:
        """The body, row after row (as the stock template's, without its indentation)."""
        columns = list(self.columns) if columns is None else columns
        makers = [_cell_maker(self, column) for column in columns]
        # A cell's attributes are written once per column, or per cell where they are computed
        # from the cell (as the stock template does, after the cell).
        cells = [
            (column, None if _computed_td(self, column) else _td(column), cell)
            for column, (cell, _row) in zip(columns, makers, strict=True)
        ]
        rows_needed = bool(self.row_attrs) or any(row for _cell, row in makers)
        plain_numbers = not settings.USE_THOUSAND_SEPARATOR
        parts: list[str] = [format_html("<tbody {}>", _attrs_html(self.attrs.get("tbody")))]
        rows = 0
        record = row = None
        for rows, (record, row) in enumerate(self._records(rows_needed), start=1):
            parts.append(_PLAIN_ROW[rows % 2] if row is None else f"<tr {row.attrs.as_html()}>")
            for column, td, cell in cells:
                value = cell(record, row)
                if td is None:
                    column.current_value, column.current_record = value, record
                    td = f"<td {column.attrs['td'].as_html()}>"
                parts.append(td)
                kind = type(value)
                # `show(value)`, with what nearly every cell holds answered first: markup made
                # safe, text, and whole numbers (written as they are unless grouped).
                if kind is SafeString:
                    parts.append(value)
                elif kind is str:
                    parts.append(html.escape(value))  # what django.utils.html.escape writes
                elif kind is int and plain_numbers:
                    parts.append(str(value))
                else:
                    parts.append(show(value))
                parts.append("</td>")
            parts.append("</tr>")
        if rows:
            # Left on the columns as the stock template leaves them, for the footer's attributes.
            for column, _td_html, cell in cells:
                column.current_value, column.current_record = cell(record, row), record
        elif self.empty_text:
            parts.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
            )
        parts.append("</tbody>")
        return mark_safe("".join(parts))

    def _records(self, rows_needed: bool) -> Iterable[tuple[Any, BoundRow | None]]:
        """The records of the page, each with its bound row when a cell or the row's attributes
        need one (pinned rows always have one)."""
        bound = self.paginated_rows
        pinned = any(data is not None for data in bound.pinned_data.values())
        if rows_needed or pinned:
            return ((row.record, row) for row in bound)
        return ((record, None) for record in bound.data)


class CountedPaginator(Paginator):
    """A pager told how many rows there are (`count`), by a query the page runs anyway, instead of
    counting them again (`RequestConfig(request, paginate={"paginator_class": CountedPaginator,
    "count": n})`)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # what the cached property would have counted


def narrowed(filterset: Any) -> bool:
    """Whether a django-filter FilterSet takes rows out of its queryset: a value is chosen for
    one of its filters (or one is not understood, which the page then shows as an error). When
    it does not, the rows are all of the queryset's, which a page may have counted already."""
    if not filterset.form.is_valid():
        return True
    return any(value not in EMPTY_VALUES for value in filterset.form.cleaned_data.values())


# django-tables2 counts rows from 0 and calls the first "even".
_PLAIN_ROW = ('<tr class="odd">', '<tr class="even">')


def _table_attrs(attrs: AttributeDict) -> str:
    """`{% render_attrs table.attrs class="table" %}`."""
    merged = AttributeDict({"class": "table"})
    merged.update(attrs)
    return str(merged.as_html())


def _attrs_html(attrs: Any) -> str:
    """`{{ attrs.as_html }}`: nothing when the attributes cannot write themselves."""
    as_html = getattr(attrs, "as_html", None)
    return str(as_html()) if callable(as_html) else ""


def _querystring(request: Any, key: str, value: Any) -> str:
    """`{% querystring_replace key=value %}`: the request's query string with `key` set."""
    if request is None:
        raise ImproperlyConfigured(NO_REQUEST)
    params = dict(request.GET)
    if key not in ("", None):
        params[key] = value
    return str(escape("?" + urlencode(params, doseq=True)))


def _td(column: Any) -> str:
    return f"<td {column.attrs['td'].as_html()}>"


def _cell_maker(table: Table, column: Any) -> tuple[Cell, bool]:
    """How this column's cell is made from a record (and its bound row), decided once; and
    whether it needs the bound row."""
    name = column.name
    if not _simple(table, column):
        return (lambda _record, row: row.get_cell(name)), True
    accessor = Accessor(column.accessor)
    resolve = _resolver(accessor)
    empty = column.column.empty_values
    default = column.default
    render = column.render
    link = column.link
    labels = _choice_labels(table, accessor)
    wanted, takes_any = _signature(render)
    if takes_any:
        wanted = ROW_ARGUMENTS
    # django-tables2 does not call a render method asking for what it cannot give.
    unknown = any(arg not in ROW_ARGUMENTS for arg in wanted)
    plain = getattr(render, "__func__", None) is tables.Column.render  # the value itself
    given_names = ROW_ARGUMENTS if link else wanted
    fixed = {"column": column.column, "bound_column": column, "table": table}
    fixed = {arg: fixed[arg] for arg in given_names if arg in fixed}
    wants_value, wants_record = "value" in given_names, "record" in given_names
    wants_row = "bound_row" in given_names

    def cell(record: Any, row: BoundRow | None) -> Any:
        value = resolve(record)
        if labels is not None:
            value = labels.get(value, value)
        if value in empty:
            return default
        if plain and not link:
            return value
        given = dict(fixed)
        if wants_value:
            given["value"] = value
        if wants_record:
            given["record"] = record
        if wants_row:
            given["bound_row"] = row
        if plain:
            content = value
        elif unknown:
            content = None
        elif link and not takes_any:
            content = render(**{arg: given[arg] for arg in wanted})
        else:
            content = render(**given)
        return link(content, **given) if link else content

    return cell, wants_row


_MISSING = object()


# What each render method asks for, by function: inspecting it cost more than a row.
_SIGNATURES: weakref.WeakKeyDictionary[Any, dict[bool, tuple[tuple[str, ...], str | None]]] = (
    weakref.WeakKeyDictionary()
)


def _signature(render: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """django-tables2's `signature(render)`, worked out once per function (a bound method asks
    for what its function does, but its instance)."""
    function = getattr(render, "__func__", render)
    bound = function is not render
    try:
        known = _SIGNATURES.setdefault(function, {})
    except TypeError:  # not weakly referable: ask every time
        return signature(render)
    if bound not in known:
        known[bound] = signature(render)
    return known[bound]


def _simple(table: Table, column: Any) -> bool:
    """Whether the shortcut makes this column's cells as django-tables2 would."""
    if column.localize is not None or isinstance(column.column, (BaseLinkColumn, ManyToManyColumn)):
        return False
    return not _computed_td(table, column)


def _computed_td(table: Table, column: Any) -> bool:
    """Whether the column's cell attributes are computed from each cell."""
    raw = {**table.attrs, **column.column.attrs}
    td = raw.get("td", raw.get("cell", {}))
    return any(callable(value) for value in td.values())


def _resolver(accessor: Accessor) -> Callable[[Any], Any]:
    """`accessor.resolve(record)`, or None where it fails, as django-tables2 finds a cell's
    value. Attributes of plain objects (model instances: nearly every cell) are read directly;
    anything else (a dictionary, an item lookup, something to call) goes through the accessor."""
    bits = tuple(accessor.bits)

    def slow(record: Any) -> Any:
        try:
            return accessor.resolve(record)
        except Exception:
            return None

    def resolve(record: Any) -> Any:
        if type(record) is dict:
            found = record.get(accessor, _MISSING)
            return slow(record) if found is _MISSING else found
        current = record
        for bit in bits:
            if hasattr(type(current), "__getitem__"):
                return slow(record)
            try:
                current = getattr(current, bit)
            except Exception:
                return slow(record)
            if callable(current):
                return slow(record)
            if current is None:
                return None
        return current

    return resolve


def _choice_labels(table: Table, accessor: Accessor) -> dict[Any, str] | None:
    """For a model field with choices, what `get_FOO_display()` shows for each value, in the
    language of this render; None for any other column. Looked up once per table, not per cell:
    the model method hashes every (lazy) label of the field on every call."""
    model = getattr(table.data, "model", None)
    if model is None:
        return None
    # Rows of `values()` are not model instances: django-tables2 shows their values as stored.
    if getattr(getattr(table.data, "data", None), "_iterable_class", ModelIterable) is not (
        ModelIterable
    ):
        return None
    try:
        field = accessor.get_field(model)
    except Exception:
        return None
    if not getattr(field, "choices", None):
        return None
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}
