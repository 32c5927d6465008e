"""The registry lists offer the authorities of the rows a person may see, and page through
exactly those rows, filtered or not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from blocks.models import Block, Unit
from tests.factories import World, grow

pytestmark = pytest.mark.django_db


def authority_options(html: str) -> list[str]:
    select = re.search(r'<select name="authority".*?</select>', html, flags=re.S)
    assert select is not None
    return re.findall(r"<option value=\"[^\"]*\"[^>]*>([^<]*)</option>", select.group(0))


def rows(html: str) -> int:
    body = re.search(r"<tbody.*?</tbody>", html, flags=re.S)
    assert body is not None
    return body.group(0).count("<tr class=")


def last_page(html: str) -> int:
    return max([1, *(int(n) for n in re.findall(r'href="\?page=(\d+)"', html))])


def test_a_council_offers_its_own_authority_only(as_user: Any, world: World) -> None:
    for name in ("blocks:block_list", "blocks:unit_list"):
        html = as_user("staff").get(reverse(name)).content.decode()
        assert authority_options(html) == ["Tất cả cấp quản lý", world.authority.name], name


def test_a_unit_leader_is_offered_the_authority_of_the_blocks_they_are_in(
    as_user: Any, world: World
) -> None:
    html = as_user("outsider").get(reverse("blocks:block_list")).content.decode()
    assert authority_options(html)[1:] == [world.other_authority.name]


def test_the_site_administrator_is_offered_every_authority_with_blocks(
    as_user: Any, world: World
) -> None:
    html = as_user("admin").get(reverse("blocks:block_list")).content.decode()
    names = sorted(Block.objects.values_list("authority__name", flat=True).distinct())
    assert sorted(authority_options(html)[1:]) == names
    assert len(names) == 2


def test_a_chosen_authority_stays_selected(as_user: Any, world: World) -> None:
    html = (
        as_user("admin")
        .get(reverse("blocks:block_list"), {"authority": world.other_authority.pk})
        .content.decode()
    )
    assert f'<option value="{world.other_authority.pk}" selected>' in html


def test_the_pager_counts_the_rows_one_may_see(as_user: Any, world: World) -> None:
    grow(world, blocks=5)
    client = as_user("staff")
    url = reverse("blocks:unit_list")
    total = Unit.objects.for_user(world.staff).count()
    assert 25 < total <= 50
    assert last_page(client.get(url).content.decode()) == 2
    assert rows(client.get(url, {"page": 2}).content.decode()) == total - 25


def test_the_pager_counts_the_rows_a_filter_leaves(as_user: Any, world: World) -> None:
    grow(world, blocks=5)
    client = as_user("staff")
    url = reverse("blocks:unit_list")
    Unit.objects.filter(pk__in=[u.pk for u in world.units[:2]]).update(kind=Unit.Kind.ENTERPRISE)
    html = client.get(url, {"kind": Unit.Kind.ENTERPRISE}).content.decode()
    assert rows(html) == 2 and last_page(html) == 1
    html = client.get(url, {"kind": Unit.Kind.PARTY_AGENCY, "page": 2}).content.decode()
    shown = Unit.objects.for_user(world.staff).filter(kind=Unit.Kind.PARTY_AGENCY).count()
    assert shown > 25 and rows(html) == shown - 25
