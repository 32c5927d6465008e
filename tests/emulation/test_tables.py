"""The tables written in Python are the stock template's: every table of the project is
rendered on its real page both ways and compared, the whole page byte for byte but for the
indentation of the table bodies; and tables of every other shape django-tables2 allows (a
footer, no header, a pager with gaps, links, row attributes, a prefix) are compared on their
own."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import django_tables2 as dt
import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_tables2 import RequestConfig

from awards.models import Nomination
from blocks.models import Block
from emulation import tables
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    grow,
    make_published_ranking,
    make_sent_dossier,
)

STOCK = "django_tables2/bootstrap5-responsive.html"


TOKENS = [
    (r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""'),
    (r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""'),
    (r'nonce="[^"]+"', 'nonce=""'),
]


def bodies_flattened(html: str) -> str:
    """The page with the whitespace around and between the tags of each table body taken out
    (the stock template's indentation there is all that may differ), and without the tokens each request draws anew."""
    for pattern, blank in TOKENS:
        html = re.sub(pattern, blank, html)

    def flatten(body: re.Match[str]) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body.group(0))).strip()

    return re.sub(r"\s*<tbody.*?</tbody>\s*", flatten, html, flags=re.S)


def both_ways(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    fast = client.get(url)
    monkeypatch.setattr(tables, "TEMPLATE", STOCK)
    stock = client.get(url)
    monkeypatch.undo()
    assert fast.status_code == stock.status_code == 200
    # Rendered two different ways indeed: only the stock one goes through the template.
    assert STOCK not in [t.name for t in fast.templates]
    assert STOCK in [t.name for t in stock.templates]
    return fast.content.decode(), stock.content.decode()


def registry(world: World) -> list[tuple[str, str]]:
    grow(world)
    ceased = world.units[3]
    ceased.active_to = datetime.date(YEAR, 6, 30)
    ceased.save()
    blocks, units = reverse("blocks:block_list"), reverse("blocks:unit_list")
    return [
        ("staff", blocks),
        ("staff", blocks + "?sort=-member_count"),
        ("admin", blocks),
        ("staff", blocks + "?q=nothing-matches-this"),
        ("staff", units),
        ("admin", units + "?sort=-active_to"),
        ("staff", units + "?q=Ban"),
        ("admin", units + "?page=2&sort=kind"),
    ]


def ranking(world: World) -> list[tuple[str, str]]:
    make_published_ranking(world)
    url = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    return [("secretariat", url), ("leader", url + "?sort=-total")]


def council(world: World) -> list[tuple[str, str]]:
    nominations = make_sent_dossier(world)
    at_council_status(nominations[:1], Nomination.Status.APPROVED)
    args = [world.authority.pk, world.block_year.year]
    intake = reverse("awards:intake_list", args=args)
    return [
        ("staff", intake),
        ("staff", intake + "?sort=-status"),
        ("staff", reverse("awards:statistics", args=args)),
        ("staff", reverse("awards:statistics", args=args) + "?sort=-approval_rate"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("pages", [registry, ranking, council], ids=lambda f: f.__name__)
def test_every_table_page_is_the_stock_templates(
    world: World,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    pages: Callable[[World], list[tuple[str, str]]],
) -> None:
    compared = 0
    for role, url in pages(world):
        client.force_login(getattr(world, role))
        fast, stock = both_ways(client, url, monkeypatch)
        assert fast != stock  # the bodies' indentation
        assert bodies_flattened(fast) == bodies_flattened(stock), url
        assert "<tbody" in fast, f"{url} shows no table"
        compared += fast.count("<td")
    assert compared > 20


@pytest.mark.django_db
def test_an_empty_table_says_so_across_every_column(world: World, client: Client) -> None:
    client.force_login(world.staff)
    client.post("/language/", {"language": "en", "next": "/blocks/"})
    html = client.get(reverse("blocks:block_list") + "?q=nothing-matches-this").content.decode()
    assert '<tr><td colspan="6">No block matches.</td></tr>' in html


# Tables of other shapes, rendered on their own --------------------------------------------------


class Shapes(tables.Table):
    """Every kind of column and attribute the stock template has a branch for."""

    name = dt.Column(attrs={"th": {"id": "name"}, "td": {"class": "b a"}}, footer="Total")
    note = dt.Column(orderable=False, default="none", verbose_name=mark_safe("<i>Note</i>"))
    link = dt.Column(accessor="name", linkify=lambda record: f"/x/{record['n']}/")
    n = dt.Column(attrs={"tf": {"class": "text-end"}}, footer=lambda table: len(table.data))
    shown = dt.Column(accessor="n", empty_values=())
    local = dt.Column(accessor="amount", localize=True)
    row_number = dt.Column(accessor="n", orderable=False)
    asks_more = dt.Column(accessor="n", orderable=False)
    marked = dt.Column(
        accessor="n",
        attrs={
            "td": {"data-n": lambda value: value * 2},
            "tf": {"data-last": lambda record: record["n"]},
        },
        footer="…",
    )

    class Meta:
        attrs = {
            "id": "shapes",
            "class": "table-sm",
            "thead": {"class": "head"},
            "tbody": {"data-x": "1"},
            "tfoot": {"class": "foot"},
        }

    def render_shown(self, value: int, record: dict[str, Any], bound_column: Any) -> str:
        return format_html("<b>{}</b> {}", value, record["name"])

    def render_row_number(self, bound_row: Any) -> int:
        return int(bound_row.record["n"]) * 10

    def render_asks_more(self, value: Any, something_else: Any) -> str:
        return "never called"


class WithRowAttributes(Shapes):
    class Meta(Shapes.Meta):
        row_attrs = {"data-n": lambda record: record["n"]}


class Pinned(tables.Table):
    name = dt.Column()

    def get_top_pinned_data(self) -> list[dict[str, Any]]:
        return [{"name": "On top <1>"}]

    def get_bottom_pinned_data(self) -> list[dict[str, Any]]:
        return [{"name": "At the bottom"}]


class Headless(tables.Table):
    name = dt.Column()

    class Meta:
        show_header = False
        empty_text = "Nothing <here>"


def records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "n": n,
            "name": f"<Đơn vị> & {n:02}" if n % 3 else mark_safe(f"<b>{n}</b>"),
            "note": "" if n % 2 else f"note {n}",
            "amount": 1234.5 * n,
        }
        for n in range(count)
    ]


def rendered(table: tables.Table, path: str, per_page: int | None) -> str:
    request = RequestFactory().get(path)
    paginate: Any = {"per_page": per_page} if per_page else False
    RequestConfig(request, paginate=paginate).configure(table)
    page = Template("{% load django_tables2 %}<div>{% render_table table %}</div>")
    return page.render(Context({"table": table, "request": request}))


SHAPES = [
    (Shapes, 30, "/list/", 2),
    (Shapes, 30, "/list/?page=8&q=a&q=b%20c&sort=-n", 2),
    (Shapes, 30, "/list/?page=15&sort=note", 2),
    (Shapes, 30, "/list/?page=2", 10),
    (Shapes, 5, "/list/?sort=name", 10),
    (Shapes, 5, "/list/", None),
    (Shapes, 0, "/list/", 10),
    (WithRowAttributes, 7, "/list/?page=2", 3),
    (Pinned, 4, "/list/", None),
    (Pinned, 0, "/list/", None),
    (Headless, 0, "/list/", 10),
    (Headless, 3, "/list/", None),
]


@pytest.mark.parametrize(("table_class", "count", "path", "per_page"), SHAPES)
def test_tables_of_every_shape_are_the_stock_templates(
    table_class: type[tables.Table], count: int, path: str, per_page: int | None
) -> None:
    fast = rendered(table_class(records(count)), path, per_page)
    stock = rendered(table_class(records(count), template_name=STOCK), path, per_page)
    assert fast != stock or not count
    assert bodies_flattened(fast) == bodies_flattened(stock)


class Kinds(tables.Table):
    name = dt.Column()
    kind = dt.Column()


@pytest.mark.django_db
def test_rows_read_as_values_show_their_choices_as_stored(world: World) -> None:
    for data in (Block.objects.all(), Block.objects.values("name", "kind")):
        fast = rendered(Kinds(data), "/list/", None)
        assert bodies_flattened(fast) == bodies_flattened(
            rendered(Kinds(data, template_name=STOCK), "/list/", None)
        )
        assert ("<td >block</td>" in fast) is (not isinstance(data[0], Block))


def test_a_prefixed_table_keeps_the_other_tables_parameters() -> None:
    path = "/list/?other-sort=n&mine-page=2"
    fast = rendered(Shapes(records(9), prefix="mine-"), path, 2)
    stock = rendered(Shapes(records(9), prefix="mine-", template_name=STOCK), path, 2)
    assert 'href="?other-sort=n&amp;mine-page=3"' in fast
    assert bodies_flattened(fast) == bodies_flattened(stock)
