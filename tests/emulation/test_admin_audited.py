"""The admin cannot bypass the record: every model it shows is either read-only there or its admin
writes an audit event for each addition, change and deletion (secrets never copied)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from blocks.models import Authority, Succession, Unit, UnitName
from emulation.admin import Audited
from emulation.models import AuditEvent, User
from tests.factories import World, make_unit


def read_only(model_admin: Any, request: Any) -> bool:
    return not (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request, None)
        or model_admin.has_delete_permission(request, None)
    )


def test_every_model_in_the_admin_is_read_only_or_audited(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    unguarded = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not read_only(model_admin, request) and not isinstance(model_admin, Audited)
    ]
    assert unguarded == []
    # The models whose admin may write: each of them audited (the list is pinned, so that a new
    # writable admin is a decision, not an accident).
    audited = sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not read_only(model_admin, request)
    )
    assert audited == [
        "auth.Group",
        "awards.AwardType",
        "awards.BaseSalary",  # dated: a new amount is a new row from its date
        "awards.PrizeRate",  # each award's prize in base salaries, dated, with its article
        "awards.RuleVersion",  # the dated versions of each authority's award catalogue
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "blocks.Authority",
        "blocks.Block",
        "blocks.Succession",
        "blocks.Unit",
        "emulation.User",
        "otp_static.StaticDevice",
        "otp_totp.TOTPDevice",
    ]


def form_data(page: Any) -> dict[str, Any]:
    """What the admin's change page would post back unchanged."""
    data: dict[str, Any] = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        data[form.add_prefix(name)] = value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = value
    return data


@pytest.fixture
def superuser(client: Client, world: World) -> Client:
    client.force_login(world.admin)
    return client


def test_changing_an_authority_in_the_admin_is_audited(superuser: Client, world: World) -> None:
    url = reverse("admin:blocks_authority_change", args=[world.authority.pk])
    data = form_data(superuser.get(url))
    data["short_name"] = "Tỉnh mới"
    data["require_two_factor"] = "on"
    assert superuser.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin.blocks.authority.changed")
    assert event.actor == world.admin
    assert event.object_id == str(world.authority.pk)
    assert event.before == {"short_name": world.authority.short_name, "require_two_factor": False}
    assert event.after == {"short_name": "Tỉnh mới", "require_two_factor": True}
    assert Authority.objects.get(pk=world.authority.pk).require_two_factor


def test_saving_an_unchanged_page_writes_nothing(superuser: Client, world: World) -> None:
    url = reverse("admin:blocks_authority_change", args=[world.authority.pk])
    before = AuditEvent.objects.count()
    assert superuser.post(url, form_data(superuser.get(url))).status_code == 302
    assert AuditEvent.objects.count() == before


def test_an_inline_added_in_the_admin_is_audited(superuser: Client, world: World) -> None:
    unit = world.units[0]
    url = reverse("admin:blocks_unit_change", args=[unit.pk])
    data = form_data(superuser.get(url))
    data.update(
        {
            "former_names-TOTAL_FORMS": "1",
            "former_names-0-name": "Tên cũ",
            "former_names-0-short_name": "TC",
            "former_names-0-valid_until": "2020-01-01",
        }
    )
    response = superuser.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    name = UnitName.objects.get(unit=unit)
    event = AuditEvent.objects.get(action="admin.blocks.unitname.added")
    assert event.object_id == str(name.pk) and event.after is not None
    assert event.after["name"] == "Tên cũ" and event.actor == world.admin


def test_a_deletion_in_the_admin_is_audited_one_by_one(superuser: Client, world: World) -> None:
    successor = make_unit(world.authority, "Đơn vị kế thừa")
    succession = Succession.objects.create(
        predecessor=world.units[0],
        successor=successor,
        kind="rename",
        effective_date=datetime.date(2026, 1, 1),
    )
    url = reverse("admin:blocks_succession_changelist")
    response = superuser.post(
        url, {"action": "delete_selected", "_selected_action": [succession.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Succession.objects.exists()
    event = AuditEvent.objects.get(action="admin.blocks.succession.deleted")
    assert event.object_id == str(succession.pk)
    assert event.before is not None and event.before["successor_id"] == successor.pk


def test_a_password_set_in_the_admin_is_audited_without_the_password(
    superuser: Client, world: World
) -> None:
    person = world.leader
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = superuser.post(
        url,
        {
            "password1": "Mật-khẩu-mới-2026",
            "password2": "Mật-khẩu-mới-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.emulation.user.password_changed")
    assert event.object_id == str(person.pk) and event.actor == world.admin
    stored = User.objects.get(pk=person.pk).password
    assert stored not in str(event.before) + str(event.after)


def test_a_group_added_in_the_admin_is_audited(superuser: Client) -> None:
    response = superuser.post(reverse("admin:auth_group_add"), {"name": "Thư ký"})
    assert response.status_code == 302
    group = Group.objects.get()
    event = AuditEvent.objects.get(action="admin.auth.group.added")
    assert event.object_id == str(group.pk) and event.after == {"id": group.pk, "name": "Thư ký"}


def test_a_unit_added_in_the_admin_is_audited(superuser: Client, world: World) -> None:
    page = superuser.get(reverse("admin:blocks_unit_add"))
    data = form_data(page)
    data.update(
        {
            "name": "Sở Khoa học và Công nghệ",
            "short_name": "Sở KH&CN",
            "kind": Unit._meta.get_field("kind").choices[0][0],  # type: ignore[index]
            "authority": world.authority.pk,
            "active_from": "2026-01-01",
        }
    )
    response = superuser.post(reverse("admin:blocks_unit_add"), data)
    assert response.status_code == 302, response.context["errors"]
    unit = Unit.objects.get(name="Sở Khoa học và Công nghệ")
    assert AuditEvent.objects.filter(action="admin.blocks.unit.added", object_id=str(unit.pk))
