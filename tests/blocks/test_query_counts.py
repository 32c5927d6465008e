"""Every list and detail page runs the same number of queries however much data there is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import World, grow

# page name -> (role, url arguments, pinned query count)
PAGES: dict[str, tuple[str, Callable[[World], list[Any]], int]] = {
    "home": ("secretariat", lambda w: [], 15),  # with the years to propose people in
    "blocks:block_list": ("staff", lambda w: [], 6),
    "blocks:block_detail": ("staff", lambda w: [w.block.pk], 7),
    "blocks:blockyear_detail": ("staff", lambda w: [w.block_year.pk], 11),
    "blocks:unit_list": ("staff", lambda w: [], 6),
    # Two more than before: the lineage (the years of the units it continues are shown with its
    # own) and each year's published rank (scoring's, one query for every year).
    "blocks:unit_detail": ("staff", lambda w: [w.units[0].pk], 11),
    "blocks:activity_detail": ("secretariat", lambda w: [w.activity.pk], 6),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_data(
    name: str, world: World, client: Any, count_queries: Any
) -> None:
    role, args, pinned = PAGES[name]
    client.force_login(world.user(role))
    url = reverse(name, args=args(world))

    def load() -> None:
        assert client.get(url).status_code == 200

    load()  # warm the session and caches once
    small = count_queries(load)
    grow(world)
    large = count_queries(load)
    assert (small, large) == (pinned, pinned), f"{name}: {small} queries small, {large} large"
