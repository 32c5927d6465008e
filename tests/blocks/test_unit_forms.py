"""Unit screens: create, edit, rename, merge, split, and people's roles."""

from __future__ import annotations

import datetime
from typing import Any

from blocks.models import Succession, Unit, UnitRole
from tests.factories import World, make_user, registry_snapshot


def test_staff_create_a_unit(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        "/units/new/",
        {
            "authority": world.authority.pk,
            "name": "Sở Nội vụ",
            "short_name": "SNV",
            "kind": "state_agency",
            "active_from": "01/07/2025",
        },
    )
    unit = Unit.objects.get(name="Sở Nội vụ")
    assert response["Location"] == unit.get_absolute_url()
    assert unit.active_from == datetime.date(2025, 7, 1)


def test_a_unit_that_ends_before_it_starts_is_refused(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = as_user("staff").post(
        "/units/new/",
        {
            "authority": world.authority.pk,
            "name": "Sở X",
            "short_name": "X",
            "kind": "state_agency",
            "active_from": "01/07/2025",
            "active_to": "30/06/2025",
        },
    )
    assert "active_to" in response.context["form"].errors
    assert registry_snapshot() == before


def test_editing_a_unit_keeps_its_own_name_valid(as_user: Any, world: World) -> None:
    unit = world.units[3]
    response = as_user("staff").post(
        f"/units/{unit.pk}/edit/",
        {
            "authority": world.authority.pk,
            "name": unit.name,
            "short_name": "Báo QT",
            "kind": unit.kind,
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.short_name == "Báo QT"


def test_renaming_from_the_screen_keeps_the_history(as_user: Any, world: World) -> None:
    unit = world.units[2]
    client = as_user("staff")
    client.post(
        f"/units/{unit.pk}/rename/",
        {
            "name": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "short_name": "BTGDV",
            "effective_date": "01/07/2026",
            "reason": "Sắp xếp",
        },
    )
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in page
    assert "Ban Tuyên giáo Tỉnh ủy" in page  # the former name, in the lineage
    assert "30/06/2026" in page


def test_merging_needs_a_name_or_a_target(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = as_user("staff").post(
        f"/units/{world.units[2].pk}/merge/",
        {"others": [world.units[3].pk], "effective_date": "01/07/2026", "reason": "x"},
    )
    assert "name" in response.context["form"].errors
    assert registry_snapshot() == before


def test_merging_from_the_screen(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        f"/units/{world.units[2].pk}/merge/",
        {
            "others": [world.units[3].pk],
            "name": "Ban Tuyên giáo - Báo chí",
            "short_name": "BTGBC",
            "effective_date": "01/07/2026",
            "reason": "Sắp xếp",
        },
    )
    successor = Unit.objects.get(name="Ban Tuyên giáo - Báo chí")
    assert response["Location"] == successor.get_absolute_url()
    assert Succession.objects.filter(successor=successor).count() == 2


def test_a_split_needs_two_distinct_new_units(as_user: Any, world: World) -> None:
    url = f"/units/{world.units[3].pk}/split/"
    client = as_user("staff")
    before = registry_snapshot()
    for parts in ["Một đơn vị | A", "Tên A | A\nTên A | B", "", "X" * 201 + " | Y\nZ | Z"]:
        response = client.post(url, {"parts": parts, "effective_date": "01/09/2026", "reason": "x"})
        assert "parts" in response.context["form"].errors, parts
    assert registry_snapshot() == before
    ok = client.post(
        url,
        {"parts": "Báo điện tử | BĐT\nTạp chí | TC", "effective_date": "01/09/2026", "reason": "x"},
    )
    assert ok.status_code == 302
    assert Unit.objects.filter(name__in=["Báo điện tử", "Tạp chí"]).count() == 2


def test_assigning_a_person_by_username(as_user: Any, world: World) -> None:
    person = make_user("canbomoi", full_name="Trần Văn Mới")
    client = as_user("staff")
    response = client.post(
        f"/units/{world.units[3].pk}/roles/add/",
        {"username": "CanBoMoi", "role": "officer", "title": ""},
    )
    assert response.status_code == 302
    assert UnitRole.objects.filter(user=person, unit=world.units[3], role="officer").exists()
    again = client.post(
        f"/units/{world.units[3].pk}/roles/add/", {"username": "canbomoi", "role": "officer"}
    )
    assert again.status_code == 200 and again.context["form"].errors


def test_an_unknown_username_gets_a_clear_message(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        f"/units/{world.units[3].pk}/roles/add/", {"username": "khongco", "role": "leader"}
    )
    assert "khongco" in response.context["form"].errors["username"][0]


def test_removing_a_role_asks_first_then_removes(as_user: Any, world: World) -> None:
    role = world.leader.unit_roles.get()
    client = as_user("staff")
    assert client.get(f"/unit-roles/{role.pk}/remove/").status_code == 200
    assert UnitRole.objects.filter(pk=role.pk).exists()
    client.post(f"/unit-roles/{role.pk}/remove/", {"reason": "Nghỉ hưu"})
    assert not UnitRole.objects.filter(pk=role.pk).exists()


def test_a_new_account_needs_a_strong_matching_password(as_user: Any, world: World) -> None:
    client = as_user("staff")
    data = {
        "username": "lanhdaomoi",
        "full_name": "Lê Văn Mới",
        "email": "",
        "phone": "0912 345 678",
    }
    before = registry_snapshot()
    weak = client.post("/people/new/", {**data, "password1": "123", "password2": "123"})
    assert "password1" in weak.context["form"].errors
    differ = client.post(
        "/people/new/", {**data, "password1": "Rat-kho-doan-2026", "password2": "Khac-2026-xyz"}
    )
    assert "password2" in differ.context["form"].errors
    bad_name = client.post(
        "/people/new/",
        {
            **data,
            "username": "tên có dấu cách",
            "password1": "Rat-kho-doan-2026",
            "password2": "Rat-kho-doan-2026",
        },
    )
    assert "username" in bad_name.context["form"].errors
    assert registry_snapshot() == before
    ok = client.post(
        "/people/new/", {**data, "password1": "Rat-kho-doan-2026", "password2": "Rat-kho-doan-2026"}
    )
    assert ok.status_code == 302
