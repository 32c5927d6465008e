from __future__ import annotations

import datetime
from typing import Any

from blocks.models import Membership
from tests.factories import World, archive, make_unit, registry_snapshot


def url(world: World) -> str:
    return f"/years/{world.block_year.pk}/members/add/"


def test_a_unit_joins_from_a_date_typed_day_first(as_user: Any, world: World) -> None:
    newcomer = make_unit(world.authority, "Ban Nội chính Tỉnh ủy")
    response = as_user("staff").post(
        url(world), {"unit": newcomer.pk, "joined_on": "15/03/2026", "note": ""}
    )
    assert response.status_code == 302
    assert Membership.objects.get(unit=newcomer).joined_on == datetime.date(2026, 3, 15)


def test_a_unit_added_twice_gets_a_clear_message_and_nothing_changes(
    as_user: Any, world: World
) -> None:
    before = registry_snapshot()
    response = as_user("staff").post(
        url(world), {"unit": world.units[1].pk, "joined_on": "15/03/2026"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["unit"]
    assert "Ban Tổ chức Tỉnh ủy" in errors[0]
    assert registry_snapshot() == before


def test_a_date_in_another_format_or_year_is_refused(as_user: Any, world: World) -> None:
    newcomer = make_unit(world.authority)
    client = as_user("staff")
    before = registry_snapshot()
    for bad in ["2026/03/15", "31/02/2026", "hôm nay", "15/03/2025", ""]:
        response = client.post(url(world), {"unit": newcomer.pk, "joined_on": bad})
        assert response.status_code == 200, bad
        assert "joined_on" in response.context["form"].errors, bad
    assert registry_snapshot() == before


def test_a_unit_of_another_province_cannot_be_chosen(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = as_user("staff").post(
        url(world), {"unit": world.other_unit.pk, "joined_on": "15/03/2026"}
    )
    assert "unit" in response.context["form"].errors
    assert registry_snapshot() == before


def test_not_even_the_site_administrator_adds_a_member_to_an_archived_year(
    as_user: Any, world: World
) -> None:
    newcomer = make_unit(world.authority)
    archive(world)
    before = registry_snapshot()
    client = as_user("admin")
    assert client.get(url(world)).status_code == 403
    response = client.post(url(world), {"unit": newcomer.pk, "joined_on": "15/03/2026"})
    assert response.status_code == 403
    assert registry_snapshot() == before
