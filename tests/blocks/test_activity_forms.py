from __future__ import annotations

from typing import Any

from blocks.models import Contribution, JointActivity
from tests.factories import World, registry_snapshot


def test_the_secretariat_records_an_activity_and_contributions(as_user: Any, world: World) -> None:
    client = as_user("secretariat")
    response = client.post(
        f"/years/{world.block_year.pk}/activities/new/",
        {"title": "Giải cầu lông", "date": "20/10/2026", "description": ""},
    )
    activity = JointActivity.objects.get(title="Giải cầu lông")
    assert response["Location"] == activity.get_absolute_url()
    client.post(
        f"/activities/{activity.pk}/contributions/",
        {"unit": world.units[1].pk, "books": "0", "money_vnd": "2000000", "participants": "8"},
    )
    client.post(
        f"/activities/{activity.pk}/contributions/",
        {"unit": world.units[2].pk, "books": "0", "money_vnd": "1500000", "participants": "6"},
    )
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "3.500.000 ₫" in page
    assert '<div class="stat" data-total="participants">14</div>' in page


def test_bad_figures_are_refused_and_nothing_is_saved(as_user: Any, world: World) -> None:
    client = as_user("secretariat")
    url = f"/activities/{world.activity.pk}/contributions/"
    before = registry_snapshot()
    for figures in [
        {"books": "-1"},
        {"money_vnd": "1.000.000"},
        {"money_vnd": "9" * 20},
        {"participants": "mười"},
    ]:
        data = {
            "unit": world.units[1].pk,
            "books": "0",
            "money_vnd": "0",
            "participants": "0",
            **figures,
        }
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors, figures
    outsider_unit = client.post(
        url, {"unit": world.other_unit.pk, "books": "1", "money_vnd": "0", "participants": "0"}
    )
    assert "unit" in outsider_unit.context["form"].errors
    assert registry_snapshot() == before


def test_recording_a_unit_again_corrects_its_figures(as_user: Any, world: World) -> None:
    client = as_user("secretariat")
    url = f"/activities/{world.activity.pk}/contributions/"
    client.post(
        url,
        {"unit": world.units[0].pk, "books": "120", "money_vnd": "5000000", "participants": "0"},
    )
    assert Contribution.objects.get(activity=world.activity, unit=world.units[0]).books == 120
    assert Contribution.objects.filter(activity=world.activity).count() == 1
    form = client.get(url, {"unit": world.units[0].pk}).context["form"]
    assert form.initial["books"] == 120


def test_an_activity_needs_a_title_and_a_real_date(as_user: Any, world: World) -> None:
    before = registry_snapshot()
    response = as_user("secretariat").post(
        f"/years/{world.block_year.pk}/activities/new/", {"title": " ", "date": "32/13/2026"}
    )
    assert {"title", "date"} <= set(response.context["form"].errors)
    assert registry_snapshot() == before
