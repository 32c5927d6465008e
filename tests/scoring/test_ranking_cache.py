"""A published ranking is read once and then served from the cache, under its SHA-256: the same
page, fewer queries; a ranking altered behind the application's back is never served from it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from emulation.models import User
from scoring import services
from scoring.models import CriteriaTable, Ranking, RankingRow, Score, ScoreSheet
from tests.factories import YEAR, World, make_block_year, open_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world: World) -> Ranking:
    table: CriteriaTable = open_assessment(world)
    for i, unit in enumerate(world.units):
        Score.objects.filter(sheet__unit=unit, criterion__code="I.1").update(
            self_points=Decimal(10 + i)
        )
    ScoreSheet.objects.update(status=ScoreSheet.Status.FINAL)
    return services.publish_ranking(table, by=world.secretariat)


def url(world: World, **query: str) -> str:
    address = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page(client: Client, address: str) -> str:
    """The page without what changes on every request (the CSRF token and the CSP nonce)."""
    html = client.get(address).content.decode()
    return re.sub(r'nonce="[^"]*"|[A-Za-z0-9]{64}', "", html)


def names_in_order(html: str, world: World) -> list[str]:
    table = html[html.index('<div id="results">') :]
    return sorted((u.name for u in world.units), key=lambda name: table.index(f">{name}<"))


def test_a_published_ranking_reads_the_same_from_the_cache_in_fewer_queries(
    world: World, published: Ranking, client: Client, count_queries: Any
) -> None:
    client.force_login(world.leader)
    client.get(reverse("home"))  # the session's first request checks two-factor sign-in
    first = page(client, url(world))
    queries = count_queries(lambda: client.get(url(world)))
    assert page(client, url(world)) == first
    assert "rows match their hash" in first
    assert queries == 4  # session, user, roles, block year with its ranking: no rows, no bands


def test_each_order_is_cached_on_its_own_and_a_filter_is_never_served_from_the_cache(
    world: World, published: Ranking, client: Client
) -> None:
    client.force_login(world.leader)
    by_rank = names_in_order(page(client, url(world)), world)
    by_rank_again = names_in_order(page(client, url(world)), world)
    backwards = names_in_order(page(client, url(world, sort="-unit_name")), world)
    backwards_again = names_in_order(page(client, url(world, sort="-unit_name")), world)
    assert by_rank == by_rank_again == [u.name for u in world.units[::-1]]
    assert backwards == backwards_again == sorted(backwards, reverse=True)
    searched = page(client, url(world, q="bao"))
    assert f">{world.units[3].name}<" in searched
    assert f">{world.units[0].name}<" not in searched


def test_the_cached_table_is_in_each_readers_language(
    world: World, published: Ranking, client: Client
) -> None:
    client.force_login(world.leader)
    assert ">Rank<" in page(client, url(world))
    User.objects.filter(pk=world.member.pk).update(preferred_language="vi")
    client.force_login(world.member)
    vietnamese = page(client, url(world))
    assert ">Rank<" not in vietnamese and ">Hạng<" in vietnamese


def test_a_changed_hash_is_not_masked_by_the_cache(
    world: World, published: Ranking, client: Client
) -> None:
    client.force_login(world.leader)
    assert "rows match their hash" in page(client, url(world))
    Ranking.objects.filter(pk=published.pk).update(sha256="0" * 64)
    assert "rows do not match their hash" in page(client, url(world))


def test_rows_changed_before_they_were_cached_are_read_afresh_every_time(
    world: World, published: Ranking, client: Client, count_queries: Any
) -> None:
    RankingRow.objects.filter(ranking=published, unit=world.units[0]).update(total=Decimal(99))
    client.force_login(world.leader)
    client.get(reverse("home"))
    assert "rows do not match their hash" in page(client, url(world))
    assert count_queries(lambda: client.get(url(world))) == 6  # the rows, read again
    assert "rows do not match their hash" in page(client, url(world))


def test_two_years_with_the_same_ranking_each_link_to_their_own_units_pages(
    world: World, published: Ranking, client: Client
) -> None:
    earlier = make_block_year(world.block, world.units, year=YEAR - 1, head=world.units[1])
    twin = Ranking.objects.create(
        table=CriteriaTable.objects.create(block_year=earlier),
        published_at=published.published_at,
        published_by=world.secretariat,
        sha256=published.sha256,
        sections=published.sections,
    )
    rows = list(published.rows.all())
    for row in rows:
        row.pk, row.ranking = None, twin
    RankingRow.objects.bulk_create(rows)
    client.force_login(world.leader)
    this_year = page(client, url(world))
    last_year = page(client, reverse("scoring:ranking_detail", args=[earlier.pk]))
    assert "rows match their hash" in last_year
    for year, html in ((world.block_year, this_year), (earlier, last_year)):
        for unit in world.units:
            assert reverse("scoring:ranking_unit", args=[year.pk, unit.pk]) in html


@pytest.fixture
def redis_cache() -> Iterator[Callable[[], int]]:
    """The cache in Redis (127.0.0.1:6379, as on the project's machines), under a prefix of this
    test's own that is removed after it; skipped where no server answers."""
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/1")
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    location = "redis://127.0.0.1:6379/1"
    try:
        with override_settings(
            CACHES={"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": prefix}}
        ):
            yield lambda: len(list(server.scan_iter(f"{prefix}:*")))
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


def test_a_published_ranking_reads_the_same_from_a_redis_cache(
    world: World,
    published: Ranking,
    client: Client,
    count_queries: Any,
    redis_cache: Callable[[], int],
) -> None:
    client.force_login(world.leader)
    client.get(reverse("home"))
    first = page(client, url(world))
    assert count_queries(lambda: client.get(url(world))) == 4
    assert page(client, url(world)) == first
    assert redis_cache() >= 2  # the rows and the table, at least
