from __future__ import annotations

import datetime
from typing import Any

from blocks.models import BlockYear
from tests.factories import World, registry_snapshot


def test_opening_the_next_year_suggests_it_and_carries_the_members(
    as_user: Any, world: World
) -> None:
    client = as_user("staff")
    form = client.get(f"/blocks/{world.block.pk}/years/new/").context["form"]
    assert form.initial["year"] == 2027
    response = client.post(
        f"/blocks/{world.block.pk}/years/new/",
        {"year": "2027", "theme": "Mới", "copy_members": "on"},
    )
    year = BlockYear.objects.get(block=world.block, year=2027)
    assert response["Location"] == year.get_absolute_url()
    assert year.memberships.count() == 4


def test_an_implausible_or_repeated_year_is_refused(as_user: Any, world: World) -> None:
    client = as_user("staff")
    before = registry_snapshot()
    for value in ["1990", "abc", "2026", ""]:
        response = client.post(f"/blocks/{world.block.pk}/years/new/", {"year": value})
        assert response.status_code == 200 and response.context["form"].errors, value
    assert registry_snapshot() == before


def test_deadlines_are_typed_day_first(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        f"/years/{world.block_year.pk}/edit/",
        {
            "theme": "Đoàn kết",
            "signing_deadline": "31/03/2026",
            "self_assessment_deadline": "30/11/2026",
        },
    )
    assert response.status_code == 302
    world.block_year.refresh_from_db()
    assert world.block_year.signing_deadline == datetime.date(2026, 3, 31)


def test_a_deadline_years_away_is_refused(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = as_user("staff").post(
        f"/years/{world.block_year.pk}/edit/", {"theme": "", "signing_deadline": "31/03/2030"}
    )
    assert "signing_deadline" in response.context["form"].errors
    assert registry_snapshot() == before
