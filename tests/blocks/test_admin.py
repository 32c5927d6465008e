"""The registry in the admin: a block year, its members and its joint activities are shown
read-only, so that no one, not even the site administrator, changes a year (or undoes its
archiving) past the services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from blocks.models import BlockYear, JointActivity
from tests.factories import World, archive, registry_snapshot


def test_a_year_is_shown_but_not_changed_in_the_admin(world: World, client: Any) -> None:
    archived = archive(world)
    client.force_login(world.admin)
    url = reverse("admin:blocks_blockyear_change", args=[archived.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="theme"' not in page.content.decode()
    before = registry_snapshot()
    response = client.post(url, {"block": world.block.pk, "year": 2026, "archived_at": ""})
    assert response.status_code == 403
    assert BlockYear.objects.get(pk=archived.pk).archived_at == archived.archived_at
    assert client.get(reverse("admin:blocks_blockyear_add")).status_code == 403
    delete = reverse("admin:blocks_blockyear_delete", args=[archived.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert registry_snapshot() == before


def test_joint_activities_are_shown_but_not_changed_in_the_admin(world: World, client: Any) -> None:
    client.force_login(world.admin)
    url = reverse("admin:blocks_jointactivity_change", args=[world.activity.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Khác", "date": "01/05/2026"})
    assert response.status_code == 403
    assert JointActivity.objects.get().title == world.activity.title


def test_units_are_still_edited_in_the_admin(world: World, client: Any) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("admin:blocks_unit_change", args=[world.units[2].pk]))
    assert 'name="name"' in page.content.decode()
