"""The council's statistics over the years: participation, the cycle's progress, proposals and
awards per year, the chart, the award-by-year table and the workbook."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from awards import trends
from awards.models import Nomination
from tests.awards.test_statistics import decide, second_block
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    make_block_year,
    make_published_ranking,
    make_sent_dossier,
)

pytestmark = pytest.mark.django_db
N = Nomination.Status


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_each_year_is_counted_on_its_own(world: World) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    at_council_status([second], N.REJECTED)
    decide(world, [first])
    make_block_year(world.block, world.units[:3], year=YEAR + 1, head=world.units[0])
    trend = trends.trends(world.authority)
    this, following = trend.years
    assert (this.year, this.blocks, this.members, this.sent, this.awarded) == (YEAR, 1, 4, 3, 1)
    assert (following.year, following.blocks, following.members, following.sent) == (
        YEAR + 1,
        1,
        3,
        0,
    )
    assert trend.award_rows() == [{"award": first.award_type.name, "counts": [1, 0]}]
    # Another province's block is not counted.
    assert {row.year for row in trends.trends(world.other_authority).years} == {YEAR}
    assert trends.trends(world.other_authority).years[0].members == 1


def test_the_cycle_s_progress_is_counted(world: World) -> None:
    make_published_ranking(world)
    (row,) = trends.trends(world.authority).years
    assert row.rankings == 1
    assert row.sheets_final == len(world.units)


def test_the_page_shows_table_chart_and_workbook(world: World, client: Any) -> None:
    first, *_rest = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    decide(world, [first])
    client.force_login(world.member)
    page = client.get(reverse("awards:trends", args=[world.authority.pk])).content.decode()
    assert 'id="chart-years-title"' in page and 'id="by-year"' in page
    assert escape(first.award_type.name) in page
    response = client.get(reverse("awards:trends_xlsx", args=[world.authority.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["By year", "Awards by year"]
    by_year = list(book["By year"].iter_rows(values_only=True))
    assert by_year[0][0] == "Year" and by_year[1][0] == YEAR
    assert by_year[1][6:] == (3, 1)
    awards = list(book["Awards by year"].iter_rows(values_only=True))
    assert awards[1] == (first.award_type.name, 1)


def test_the_page_runs_a_fixed_number_of_queries(
    world: World, client: Any, count_queries: Any
) -> None:
    first, *_rest = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    decide(world, [first])
    client.force_login(world.staff)
    url = reverse("awards:trends", args=[world.authority.pk])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for index in range(3):
        second_block(world, [N.APPROVED, N.AWARDED, N.RECEIVED], f"Khối {index}")
    make_block_year(world.block, world.units, year=YEAR + 1, head=world.units[0])
    large = count_queries(lambda: client.get(url))
    assert small == large == 12
