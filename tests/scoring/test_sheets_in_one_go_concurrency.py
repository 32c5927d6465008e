"""A double click on "Send the results" or "Finalise" for many sheets, on PostgreSQL: the two
requests run at the same moment, the sheets change once, one event per sheet is recorded, and
neither click ends on an error page."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from emulation import audit
from emulation.models import AuditEvent
from scoring.models import CriteriaTable, ScoreSheet
from tests.factories import World, make_world, open_assessment
from tests.security.test_concurrency import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and true parallel transactions need PostgreSQL (SQLite has one writer)",
)

S = ScoreSheet.Status


@pytest.fixture
def world(transactional_db: None) -> World:
    # A transactional test empties the tables afterwards, the award types seeded by the
    # migration included: they are seeded again the same way.
    seeded = importlib.import_module("awards.migrations.0002_default_award_types")
    seeded.create(apps, None)
    return make_world()


@pytest.fixture
def table(world: World) -> CriteriaTable:
    table = open_assessment(world)
    table.sheets.update(status=S.SUBMITTED)
    return table


def double_click(world: World, url: str, ids: list[int]) -> list[Any]:
    def post(i: int) -> Any:
        client = Client()
        client.force_login(world.secretariat)
        response = client.post(url, {"item": ids})
        return response.status_code, response.headers.get("Location")

    return at_once(post, 2)


def test_a_double_click_sends_each_sheets_results_once(world: World, table: CriteriaTable) -> None:
    ids = list(table.sheets.exclude(unit=world.units[0]).values_list("pk", flat=True))
    url = reverse("scoring:assessment_send_unchanged", args=[world.block_year.pk])
    overview = reverse("scoring:assessment_overview", args=[world.block_year.pk])
    assert double_click(world, url, ids) == [(302, overview), (302, overview)]
    assert set(table.sheets.filter(pk__in=ids).values_list("status", flat=True)) == {S.RETURNED}
    assert AuditEvent.objects.filter(action="scoring.sheet.returned").count() == len(ids)
    assert audit.verify_chain() is None


def test_a_double_click_finalises_each_sheet_once(world: World, table: CriteriaTable) -> None:
    ids = list(table.sheets.exclude(unit=world.units[0]).values_list("pk", flat=True))
    lapsed = timezone.localdate() - datetime.timedelta(days=1)
    table.sheets.filter(pk__in=ids).update(status=S.RETURNED, respond_by=lapsed)
    url = reverse("scoring:assessment_finalise_settled", args=[world.block_year.pk])
    overview = reverse("scoring:assessment_overview", args=[world.block_year.pk])
    assert double_click(world, url, ids) == [(302, overview), (302, overview)]
    assert set(table.sheets.filter(pk__in=ids).values_list("status", flat=True)) == {S.FINAL}
    assert AuditEvent.objects.filter(action="scoring.sheet.final").count() == len(ids)
    assert audit.verify_chain() is None
