"""A unit's page lists its years in blocks with its published rank in each, in a fixed number of
queries however many years it has; ranks of years a person cannot see are not shown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blocks.models import BlockYear, Membership, Unit
from emulation.models import User
from tests.factories import World, make_block, make_published_ranking


def years_on_page(client: Client, world: World, unit_index: int = 0) -> str:
    response = client.get(reverse("blocks:unit_detail", args=[world.units[unit_index].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_unit_page_shows_its_rank_in_a_published_year(world: World, client: Client) -> None:
    make_published_ranking(world)
    client.force_login(world.staff)
    page = years_on_page(client, world, 0)
    url = reverse("scoring:ranking_unit", args=[world.block_year.pk, world.units[0].pk])
    assert f'href="{url}" class="unit-rank" data-rank="1" data-of="4"' in page


def test_a_year_without_a_published_ranking_shows_no_rank(world: World, client: Client) -> None:
    make_published_ranking(world)
    other_block = make_block(world.authority, "Khối thứ hai")
    earlier = BlockYear.objects.create(block=other_block, year=2025)
    Membership.objects.create(block_year=earlier, unit=world.units[0], joined_on=earlier.first_day)
    client.force_login(world.staff)
    page = years_on_page(client, world, 0)
    assert 'data-year="2025"' in page and 'data-year="2026"' in page
    assert page.count('class="unit-rank"') == 1


def test_no_rank_column_before_any_ranking_is_published(world: World, client: Client) -> None:
    client.force_login(world.staff)
    page = years_on_page(client, world, 0)
    assert 'class="unit-rank"' not in page and 'data-year="2026"' in page


def published(block_year: BlockYear, rows: list[tuple[Unit, int, str]], by: User) -> None:
    """A published ranking written directly: (unit, rank, total) rows."""
    from scoring.models import CriteriaTable, Ranking, RankingRow

    ranking = Ranking.objects.create(
        table=CriteriaTable.objects.create(block_year=block_year),
        published_at=timezone.now(),
        published_by=by,
        sha256="0" * 64,
    )
    for unit, rank, total in rows:
        RankingRow.objects.create(
            ranking=ranking,
            unit=unit,
            unit_name=unit.name,
            rank=rank,
            standard=Decimal(total),
            bonus=0,
            deduction=0,
            total=Decimal(total),
        )


def test_ranks_of_years_a_person_cannot_see_are_not_shown(world: World, client: Client) -> None:
    """Unit 1 of Quảng Trị was also in a Ninh Thuận cluster in 2025: Quảng Trị's staff see its
    rank in their own block only, and the Ninh Thuận leader who shares that cluster sees its
    rank there only."""
    published(world.block_year, [(world.units[0], 1, "98")], world.staff)
    cluster_year = BlockYear.objects.create(block=world.other_block, year=2025)
    for unit in (world.units[0], world.other_unit):
        Membership.objects.create(block_year=cluster_year, unit=unit, joined_on=date(2025, 1, 1))
    published(
        cluster_year, [(world.other_unit, 1, "97"), (world.units[0], 2, "90")], world.outsider
    )
    client.force_login(world.staff)
    page = years_on_page(client, world, 0)
    assert 'data-rank="1" data-of="1"' in page and 'data-rank="2"' not in page
    client.force_login(world.outsider)
    page = years_on_page(client, world, 0)
    assert 'data-rank="2" data-of="2"' in page and 'data-rank="1"' not in page


def test_the_unit_page_queries_do_not_grow_with_its_years(
    world: World, client: Client, count_queries: Any
) -> None:
    make_published_ranking(world)
    client.force_login(world.staff)
    url = reverse("blocks:unit_detail", args=[world.units[0].pk])

    def load() -> None:
        assert client.get(url).status_code == 200

    load()
    one_year = count_queries(load)
    for year in (2023, 2024, 2025):
        block_year = BlockYear.objects.create(block=world.block, year=year)
        Membership.objects.create(
            block_year=block_year, unit=world.units[0], joined_on=block_year.first_day
        )
    assert count_queries(load) == one_year
