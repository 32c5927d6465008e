"""A reviewer who changes a score types the points, then the reason: the row asks for the reason
while they type the points, and shows an error only once they were in the reason box, or saved,
and left it empty."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from scoring.models import Score, ScoreSheet
from tests.factories import World, fill_sheet, open_assessment


@pytest.fixture
def row(world: World) -> Score:
    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer, evidence=False)
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=ScoreSheet.Status.SUBMITTED)
    return sheet.scores.get(criterion__code="I.2")


def send(client: Any, row: Score, trigger: str, reason: str = "") -> str:
    response = client.post(
        reverse("scoring:score_review", args=[row.pk]),
        {"reviewed_points": "7,5", "review_reason": reason},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER=trigger,
    )
    assert response.status_code == 200
    return response.content.decode()


def status_of(body: str) -> str:
    """The row's status, without the totals sent along out of band."""
    return body.split('id="sheet-totals"', 1)[0]


def test_typing_new_points_asks_for_the_reason_without_an_error(
    world: World, row: Score, client: Any
) -> None:
    client.force_login(world.secretariat)
    status = status_of(send(client, row, f"reviewed-{row.pk}"))
    assert "Say why I.2 changes from 10 to 7.5" in status
    assert "The new points are recorded with the reason." in status
    assert 'role="alert"' not in status and "text-danger" not in status
    row.refresh_from_db()
    assert row.reviewed_points is None


def test_leaving_the_reason_box_empty_is_an_error(world: World, row: Score, client: Any) -> None:
    client.force_login(world.secretariat)
    status = status_of(send(client, row, f"reason-{row.pk}"))
    assert 'role="alert"' in status and "Say why I.2 changes from 10 to 7.5" in status


def test_saving_without_a_reason_is_an_error(world: World, row: Score, client: Any) -> None:
    client.force_login(world.secretariat)
    response = client.post(
        reverse("scoring:score_review", args=[row.pk]),
        {"reviewed_points": "7,5", "review_reason": ""},
        follow=True,
    )
    assert "I.2: Say why I.2 changes from 10 to 7.5" in response.content.decode()


def test_the_reason_typed_next_saves_the_points(world: World, row: Score, client: Any) -> None:
    client.force_login(world.secretariat)
    send(client, row, f"reviewed-{row.pk}")
    status = status_of(send(client, row, f"reason-{row.pk}", reason="Thiếu minh chứng"))
    assert "Saved" in status
    row.refresh_from_db()
    assert (row.reviewed_points, row.review_reason) == (Decimal("7.5"), "Thiếu minh chứng")


def test_the_review_page_names_each_box_for_the_row_status(
    world: World, row: Score, client: Any
) -> None:
    client.force_login(world.secretariat)
    page = client.get(reverse("scoring:sheet_review", args=[row.sheet_id])).content.decode()
    assert f'id="reviewed-{row.pk}"' in page and f'id="reason-{row.pk}"' in page
