"""The tables' bodies written in Python are the stock template's, cell for cell: every table of
the project is rendered on its real page both ways and compared."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination
from emulation import tables
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    grow,
    make_published_ranking,
    make_sent_dossier,
)

pytestmark = pytest.mark.django_db

STOCK = "django_tables2/bootstrap5-responsive.html"


def bodies(html: str) -> list[str]:
    """Each table body of the page, with the whitespace between tags taken out (the stock
    template's indentation is all that may differ)."""
    found = re.findall(r"<tbody.*?</tbody>", html, flags=re.S)
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip() for body in found]


def both_ways(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = client.get(url)
    monkeypatch.setattr(tables, "TEMPLATE", STOCK)
    stock = client.get(url)
    monkeypatch.undo()
    assert fast.status_code == stock.status_code == 200
    # Rendered two different ways indeed: only the stock template indents its body.
    assert fast.content != stock.content
    return bodies(fast.content.decode()), bodies(stock.content.decode())


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


@pytest.mark.parametrize("pages", [registry, ranking, council], ids=lambda f: f.__name__)
def test_every_table_body_is_the_stock_templates(
    world: World,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    pages: Callable[[World], list[tuple[str, str]]],
) -> None:
    compared = 0
    for role, url in pages(world):
        client.force_login(getattr(world, role))
        fast, stock = both_ways(client, url, monkeypatch)
        assert fast == stock, url
        assert fast, f"{url} shows no table"
        compared += sum(body.count("<td") for body in fast)
    assert compared > 20


def test_an_empty_table_says_so_across_every_column(world: World, client: Client) -> None:
    client.force_login(world.staff)
    client.post("/language/", {"language": "en", "next": "/blocks/"})
    html = client.get(reverse("blocks:block_list") + "?q=nothing-matches-this").content.decode()
    assert '<tr><td colspan="6">No block matches.</td></tr>' in html
