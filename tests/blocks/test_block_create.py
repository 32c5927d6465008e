from __future__ import annotations

from typing import Any

from blocks.models import Block
from emulation.models import AuditEvent
from tests.factories import World, registry_snapshot


def _post(client: Any, world: World, **data: Any) -> Any:
    values = {
        "authority": world.authority.pk,
        "name": "Khối thi đua các sở, ngành",
        "short_name": "Khối Sở",
        "kind": "block",
        "description": "",
    }
    return client.post("/blocks/new/", {**values, **data})


def test_staff_create_a_block_of_their_authority(as_user: Any, world: World) -> None:
    response = _post(as_user("staff"), world)
    block = Block.objects.get(name="Khối thi đua các sở, ngành")
    assert response.status_code == 302 and response["Location"] == block.get_absolute_url()
    assert AuditEvent.objects.filter(
        action="blocks.block.created", object_id=str(block.pk)
    ).exists()


def test_a_blank_name_is_refused_with_a_message_and_nothing_is_saved(
    as_user: Any, world: World
) -> None:
    before = registry_snapshot()
    response = _post(as_user("staff"), world, name="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "invalid-feedback" in response.content.decode()
    assert registry_snapshot() == before


def test_an_oversized_name_is_refused(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = _post(as_user("staff"), world, name="K" * 201)
    assert "name" in response.context["form"].errors
    assert registry_snapshot() == before


def test_decomposed_vietnamese_is_stored_composed_and_found_by_search(
    as_user: Any, world: World
) -> None:
    client = as_user("staff")
    _post(client, world, name="Khô\u0301i thi đua ca\u0301c sơ\u0309")
    block = Block.objects.get(short_name="Khối Sở")
    assert block.name == "Khối thi đua các sở"
    assert block.name in client.get("/blocks/", {"q": "khoi thi dua cac so"}).content.decode()


def test_the_same_name_twice_in_one_authority_is_refused_clearly(
    as_user: Any, world: World
) -> None:
    before = registry_snapshot()
    response = _post(as_user("staff"), world, name=world.block.name)
    assert response.status_code == 200
    assert "đã tồn tại" in response.context["form"].non_field_errors()[0]
    assert registry_snapshot() == before


def test_staff_cannot_create_a_block_for_another_authority(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = _post(as_user("staff"), world, authority=world.other_authority.pk)
    assert "authority" in response.context["form"].errors
    assert registry_snapshot() == before
