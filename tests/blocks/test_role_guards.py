"""No one makes themselves a voter: a role is never given to oneself, the council's people hold
no role in the units of the authority they serve, every grant is dated and audited, and the
unit's leaders hear of it. Each test tries one way round the rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from blocks import services
from blocks.models import CouncilRole, UnitRole
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import World, make_user, registry_snapshot


def test_council_staff_cannot_make_themselves_a_units_leader(world: World) -> None:
    with pytest.raises(DomainError, match="tự giao vai trò cho chính mình") as refused:
        services.assign_unit_role(world.units[2], world.staff, by=world.staff, role="leader")
    assert refused.value.field == "username"
    assert not UnitRole.objects.filter(user=world.staff).exists()


def test_not_even_the_site_administrator_gives_themselves_a_role(world: World) -> None:
    with pytest.raises(DomainError, match="tự giao vai trò cho chính mình"):
        services.assign_unit_role(world.units[1], world.admin, by=world.admin, role="officer")
    with pytest.raises(DomainError, match="tự giao vai trò cho chính mình"):
        services.assign_council_role(
            world.authority, world.admin, by=world.admin, role=CouncilRole.Role.MEMBER
        )
    assert not UnitRole.objects.filter(user=world.admin).exists()
    assert not CouncilRole.objects.filter(user=world.admin).exists()


def test_a_leader_cannot_seat_themselves_on_a_council(world: World) -> None:
    with pytest.raises(DomainError, match="tự giao vai trò cho chính mình"):
        services.assign_council_role(
            world.other_authority, world.leader, by=world.leader, role=CouncilRole.Role.STAFF
        )
    assert not CouncilRole.objects.filter(user=world.leader).exists()


def test_council_staff_are_not_given_a_unit_role_in_the_authority_they_serve(
    world: World,
) -> None:
    with pytest.raises(
        DomainError, match="không thể đồng thời giữ vai trò trong một đơn vị"
    ) as refused:
        services.assign_unit_role(world.units[2], world.staff, by=world.admin, role="leader")
    assert refused.value.field == "username"
    assert not UnitRole.objects.filter(user=world.staff).exists()


def test_council_members_are_not_given_a_unit_role_in_the_authority_they_serve(
    world: World,
) -> None:
    for role in UnitRole.Role:
        with pytest.raises(DomainError, match="không thể đồng thời giữ vai trò trong một đơn vị"):
            services.assign_unit_role(world.units[3], world.member, by=world.staff, role=role)
    assert not UnitRole.objects.filter(user=world.member).exists()


def test_a_units_leader_is_not_seated_on_the_council_of_its_authority(world: World) -> None:
    for role in CouncilRole.Role:
        with pytest.raises(DomainError, match="đang giữ vai trò trong một đơn vị thuộc"):
            services.assign_council_role(world.authority, world.leader, by=world.admin, role=role)
    with pytest.raises(DomainError, match="đang giữ vai trò trong một đơn vị thuộc"):
        services.assign_council_role(
            world.authority, world.officer, by=world.admin, role=CouncilRole.Role.STAFF
        )
    assert not CouncilRole.objects.filter(user__in=[world.leader, world.officer]).exists()


def test_the_line_is_drawn_at_the_authority_the_council_serves(world: World) -> None:
    # A council member of one province may lead a unit of another authority, and a leader of
    # another province's unit may sit on this council.
    services.assign_unit_role(world.other_unit, world.member, by=world.admin, role="officer")
    services.assign_council_role(
        world.authority, world.outsider, by=world.admin, role=CouncilRole.Role.MEMBER
    )
    assert UnitRole.objects.filter(user=world.member, unit=world.other_unit).exists()
    assert CouncilRole.objects.filter(user=world.outsider, authority=world.authority).exists()


def test_a_child_authoritys_unit_is_not_the_parents_unit(world: World) -> None:
    central = world.other_authority
    world.authority.parent = central
    world.authority.save(update_fields=["parent"])
    services.assign_council_role(central, world.leader, by=world.admin, role="member")
    assert CouncilRole.objects.filter(user=world.leader, authority=central).exists()


def test_refusals_change_nothing_and_record_nothing(world: World) -> None:
    before = registry_snapshot(), AuditEvent.objects.count()
    with pytest.raises(DomainError):
        services.assign_unit_role(world.units[2], world.staff, by=world.staff, role="leader")
    with pytest.raises(DomainError):
        services.assign_unit_role(world.units[2], world.member, by=world.staff, role="leader")
    assert (registry_snapshot(), AuditEvent.objects.count()) == before


def test_granting_and_removing_are_audited(world: World) -> None:
    person = make_user("moi", full_name="Trần Văn Mới")
    role = services.assign_unit_role(world.units[1], person, by=world.staff, role="leader")
    seat = services.assign_council_role(
        world.other_authority, make_user("hd"), by=world.admin, role="member"
    )
    granted = AuditEvent.objects.get(action="blocks.unitrole.assigned")
    assert granted.actor == world.staff and granted.object_id == str(role.pk)
    assert granted.after == {
        "user": person.pk,
        "unit": world.units[1].pk,
        "role": "leader",
        "title": "",
    }
    assert AuditEvent.objects.get(action="blocks.councilrole.assigned").object_id == str(seat.pk)
    services.remove_unit_role(role, by=world.staff, reason="Nhầm người")
    removed = AuditEvent.objects.get(action="blocks.unitrole.removed")
    assert removed.actor == world.staff and removed.reason == "Nhầm người"


def test_the_form_refuses_the_person_acting(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        f"/units/{world.units[2].pk}/roles/add/", {"username": "STAFF", "role": "leader"}
    )
    assert response.status_code == 200
    assert "tự giao vai trò cho chính mình" in response.context["form"].errors["username"][0]
    assert not UnitRole.objects.filter(user=world.staff).exists()


def test_the_form_shows_the_councils_line_on_the_username(as_user: Any, world: World) -> None:
    response = as_user("staff").post(
        f"/units/{world.units[2].pk}/roles/add/", {"username": "member", "role": "leader"}
    )
    assert response.status_code == 200
    assert (
        "không thể đồng thời giữ vai trò trong một đơn vị"
        in response.context["form"].errors["username"][0]
    )
    assert not UnitRole.objects.filter(user=world.member).exists()


def test_a_role_records_when_it_was_given(world: World) -> None:
    person = make_user("moi", full_name="Trần Văn Mới")
    before = timezone.now()
    role = services.assign_unit_role(world.units[1], person, by=world.staff, role="leader")
    role.refresh_from_db()
    assert before <= role.granted_at <= timezone.now()


def test_the_units_leaders_hear_of_a_new_role_but_the_new_person_does_not(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    unit = world.units[2]  # led by world.leader
    world.leader.email = "truongban@example.vn"
    world.leader.save()
    person = make_user("moi", full_name="Trần Văn Mới", email="moi@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_unit_role(
            unit, person, by=world.staff, role="leader", title="Phó Trưởng ban"
        )
    assert [m.to for m in mailoutbox] == [["truongban@example.vn"]]
    body = mailoutbox[0].body
    assert "Trần Văn Mới" in body and unit.name in body and "Phó Trưởng ban" in body
    assert "Cán bộ Ban Thi đua" in body  # who gave it
    assert unit.get_absolute_url() in body


def test_the_units_leaders_hear_when_a_role_is_removed(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    world.leader.email = "truongban@example.vn"
    world.leader.save()
    world.officer.email = "canbo@example.vn"
    world.officer.save()
    role = world.officer.unit_roles.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_unit_role(role, by=world.staff)
    assert [m.to for m in mailoutbox] == [["truongban@example.vn"]]
    assert world.officer.get_full_name() in mailoutbox[0].body


def test_a_refused_grant_sends_no_mail(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    world.leader.email = "truongban@example.vn"
    world.leader.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.assign_unit_role(world.units[2], world.member, by=world.staff, role="leader")
    assert mailoutbox == []


@pytest.mark.parametrize("model", ["unitrole", "councilrole"])
def test_the_admin_shows_roles_but_cannot_add_change_or_delete_them(
    model: str, world: World, client: Any
) -> None:
    client.force_login(world.admin)
    role = world.leader.unit_roles.get() if model == "unitrole" else world.staff.council_roles.get()
    assert client.get(reverse(f"admin:blocks_{model}_changelist")).status_code == 200
    before = registry_snapshot(), UnitRole.objects.count(), CouncilRole.objects.count()
    assert client.get(reverse(f"admin:blocks_{model}_add")).status_code == 403
    add = {"user": world.admin.pk, "unit": world.units[1].pk, "authority": world.authority.pk}
    assert (
        client.post(reverse(f"admin:blocks_{model}_add"), {**add, "role": "leader"}).status_code
        == 403
    )
    change = reverse(f"admin:blocks_{model}_change", args=[role.pk])
    assert client.post(change, {**add, "role": "member"}).status_code == 403
    delete = reverse(f"admin:blocks_{model}_delete", args=[role.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert (registry_snapshot(), UnitRole.objects.count(), CouncilRole.objects.count()) == before


def test_the_units_page_in_the_admin_adds_no_roles(world: World, client: Any) -> None:
    client.force_login(world.admin)
    unit = world.units[1]
    page = client.get(reverse("admin:blocks_unit_change", args=[unit.pk])).content.decode()
    assert "roles-0-user" not in page
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "authority": unit.authority_id,
        "active_from": "",
        "active_to": "",
        "former_names-TOTAL_FORMS": "0",
        "former_names-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-0-user": world.admin.pk,
        "roles-0-role": "leader",
        "roles-0-title": "",
    }
    client.post(reverse("admin:blocks_unit_change", args=[unit.pk]), data)
    assert not UnitRole.objects.filter(user=world.admin).exists()
