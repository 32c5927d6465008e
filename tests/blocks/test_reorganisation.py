"""The 2025 reorganisation on screen: a province merged into another, agencies of two provinces
merged into one, and the successor's page keeping its predecessors' years."""

from __future__ import annotations

from typing import Any

from blocks.models import Authority, Unit
from emulation.models import AuditEvent
from tests.factories import World


def test_the_administrator_merges_a_province_into_another(as_user: Any, world: World) -> None:
    page = as_user("admin").get("/units/")
    assert 'href="/authorities/merge/"' in page.content.decode()
    assert 'href="/authorities/merge/"' not in as_user("staff").get("/units/").content.decode()
    response = as_user("admin").post(
        "/authorities/merge/",
        {
            "authority": world.other_authority.pk,
            "into": world.authority.pk,
            "effective_date": "01/07/2025",
            "reason": "Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh",
        },
    )
    assert response.status_code == 302
    assert Authority.objects.get(pk=world.other_authority.pk).active_to is not None
    assert Unit.objects.get(pk=world.other_unit.pk).authority_id == world.authority.pk


def test_a_merger_into_itself_is_refused_with_nothing_changed(as_user: Any, world: World) -> None:
    response = as_user("admin").post(
        "/authorities/merge/",
        {
            "authority": world.authority.pk,
            "into": world.authority.pk,
            "effective_date": "01/07/2025",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AuditEvent.objects.filter(action="blocks.authority.merged").exists()


def test_the_merge_form_offers_units_of_every_authority_the_person_manages(
    as_user: Any, world: World
) -> None:
    offered = as_user("admin").get(f"/units/{world.units[3].pk}/merge/").context["form"]
    assert world.other_unit in offered.fields["others"].queryset
    offered = as_user("staff").get(f"/units/{world.units[3].pk}/merge/").context["form"]
    assert world.other_unit not in offered.fields["others"].queryset
    assert world.units[2] in offered.fields["others"].queryset


def test_the_successor_s_page_shows_its_predecessors_years(as_user: Any, world: World) -> None:
    response = as_user("admin").post(
        f"/units/{world.units[3].pk}/merge/",
        {
            "others": [world.other_unit.pk],
            "name": "Báo và Phát thanh, Truyền hình Quảng Trị",
            "short_name": "BPTTH",
            "authority": world.authority.pk,
            "effective_date": "01/07/2026",
            "reason": "Sáp nhập tỉnh",
        },
    )
    successor = Unit.objects.get(name="Báo và Phát thanh, Truyền hình Quảng Trị")
    assert response["Location"] == successor.get_absolute_url()
    page = as_user("admin").get(successor.get_absolute_url()).content.decode()
    # Its own seat in the Quảng Trị block, and the years of both units it continues.
    assert page.count(world.block.name) == 2
    assert world.other_block.name in page
    assert world.other_unit.short_name in page and world.units[3].short_name in page
