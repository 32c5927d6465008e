"""The secretariat sends every unchanged review result, and finalises every settled sheet, with
one confirmation: each sheet goes through the same service as one by one (audited and mailed as
such), all or none, and a second click changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emulation.errors import DomainError
from emulation.models import AuditEvent
from scoring import services
from scoring.models import CriteriaTable, ScoreSheet
from tests.factories import World, open_assessment

S = ScoreSheet.Status


@pytest.fixture
def table(world: World) -> CriteriaTable:
    """Every unit's sheet submitted (unit 1 is the secretariat's own)."""
    table = open_assessment(world)
    ScoreSheet.objects.filter(table=table).update(status=S.SUBMITTED)
    return table


def sheet_of(table: CriteriaTable, world: World, index: int) -> ScoreSheet:
    return table.sheets.select_related("unit").get(unit=world.units[index])


def statuses(table: CriteriaTable) -> list[str]:
    return list(table.sheets.order_by("position").values_list("status", flat=True))


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def listed(response: Any) -> list[int]:
    """The sheets a confirmation page lists (the ids its form sends back)."""
    html = response.content.decode()
    return sorted(int(chunk.split('"', 1)[0]) for chunk in html.split('name="item" value="')[1:])


def test_the_list_offers_to_send_the_unchanged_results_of_the_others_sheets(
    world: World, table: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    page = client.get(reverse("scoring:assessment_overview", args=[world.block_year.pk]))
    assert "Send the unchanged results of 3 sheets" in page.content.decode()
    client.force_login(world.leader)
    page = client.get(reverse("scoring:assessment_overview", args=[world.block_year.pk]))
    assert "Send the unchanged results" not in page.content.decode()


def test_the_confirmation_lists_only_unchanged_sheets_not_the_own_unit_nor_a_cross_reviewers(
    world: World, table: CriteriaTable, client: Any
) -> None:
    changed = sheet_of(table, world, 1)
    score = changed.scores.select_related("criterion").get(criterion__code="I.2")
    services.review_score(score, by=world.secretariat, points=Decimal(1), reason="Thiếu")
    given = sheet_of(table, world, 3)
    services.assign_reviewer(given, by=world.secretariat, reviewer_unit=world.units[2])
    client.force_login(world.secretariat)
    page = client.get(reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk]))
    assert page.status_code == 200
    assert listed(page) == [sheet_of(table, world, 2).pk]
    assert "within 5 days" in page.content.decode()


def test_one_confirmation_sends_every_listed_sheet_each_audited_and_mailed(
    world: World,
    table: CriteriaTable,
    client: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    for leader, email in (
        (world.leader, "donvi3@example.vn"),
        (world.leader2, "donvi4@example.vn"),
    ):
        leader.email = email
        leader.save(update_fields=["email"])
    client.force_login(world.secretariat)
    url = reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk])
    ids = listed(client.get(url))
    assert len(ids) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"item": ids}, follow=True)
    assert "The review results of 3 sheets were sent" in response.content.decode()
    assert statuses(table) == [S.SUBMITTED, S.RETURNED, S.RETURNED, S.RETURNED]
    assert events("scoring.sheet.returned") == 3
    respond_by = timezone.localdate() + datetime.timedelta(days=5)
    assert set(table.sheets.filter(pk__in=ids).values_list("respond_by", flat=True)) == {respond_by}
    # Only the leaders of units 3 and 4 have addresses; each is told about their own sheet.
    assert sorted(m.to[0] for m in mailoutbox) == ["donvi3@example.vn", "donvi4@example.vn"]


def test_a_second_click_sends_nothing_more(world: World, table: CriteriaTable, client: Any) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk])
    ids = listed(client.get(url))
    client.post(url, {"item": ids})
    response = client.post(url, {"item": ids}, follow=True)
    assert "no longer under review" in response.content.decode()
    assert "Nothing was sent." in response.content.decode()
    assert events("scoring.sheet.returned") == 3


def test_a_score_changed_after_the_list_was_shown_stops_the_whole_and_names_the_unit(
    world: World, table: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk])
    ids = listed(client.get(url))
    late = sheet_of(table, world, 3)
    score = late.scores.select_related("criterion").get(criterion__code="I.2")
    services.review_score(score, by=world.staff, points=Decimal(1), reason="Thiếu minh chứng")
    response = client.post(url, {"item": ids}, follow=True)
    assert f"{late.unit_name}: A reviewer changed a score" in response.content.decode()
    assert statuses(table) == [S.SUBMITTED] * 4
    assert events("scoring.sheet.returned") == 0


def test_the_own_units_sheet_is_refused_even_when_posted(
    world: World, table: CriteriaTable
) -> None:
    own = sheet_of(table, world, 0)
    with pytest.raises(DomainError, match=f"{own.unit_name}: A unit never reviews its own"):
        services.send_unchanged_review_results(
            [sheet_of(table, world, 2), own], by=world.secretariat
        )
    assert statuses(table) == [S.SUBMITTED] * 4


def test_nothing_chosen_is_refused(world: World, table: CriteriaTable, client: Any) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk])
    response = client.post(url, {"item": ["x", ""]}, follow=True)
    assert "No sheet was chosen." in response.content.decode()


@pytest.fixture
def returned(world: World, table: CriteriaTable) -> CriteriaTable:
    """Unit 2 accepted; unit 3's time to answer has passed; unit 4 may still answer."""
    services.send_unchanged_review_results(
        [sheet_of(table, world, i) for i in (1, 2, 3)], by=world.secretariat
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ScoreSheet.objects.filter(pk=sheet_of(table, world, 1).pk).update(status=S.ACCEPTED)
    ScoreSheet.objects.filter(pk=sheet_of(table, world, 2).pk).update(respond_by=yesterday)
    return table


def test_one_confirmation_finalises_the_accepted_and_the_lapsed_sheets_only(
    world: World, returned: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    overview = client.get(reverse("scoring:assessment_overview", args=[world.block_year.pk]))
    assert "Finalise 2 settled sheets" in overview.content.decode()
    url = reverse("scoring:assessment_finalise_settled", args=[world.block_year.pk])
    ids = listed(client.get(url))
    assert ids == sorted(sheet_of(returned, world, i).pk for i in (1, 2))
    response = client.post(url, {"item": ids}, follow=True)
    assert "2 sheets are final." in response.content.decode()
    assert statuses(returned) == [S.SUBMITTED, S.FINAL, S.FINAL, S.RETURNED]
    assert events("scoring.sheet.final") == 2
    again = client.post(url, {"item": ids}, follow=True)
    assert "no longer ready to be made final" in again.content.decode()
    assert events("scoring.sheet.final") == 2


def test_a_sheet_answered_meanwhile_is_not_finalised_with_the_others(
    world: World, returned: CriteriaTable
) -> None:
    waiting = sheet_of(returned, world, 3)
    with pytest.raises(DomainError, match=f"{waiting.unit_name}: The sheet is no longer ready"):
        services.finalise_settled_sheets(
            [sheet_of(returned, world, 1), waiting], by=world.secretariat
        )
    assert statuses(returned) == [S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.RETURNED]
    assert events("scoring.sheet.final") == 0
