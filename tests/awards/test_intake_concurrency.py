"""Two council staff receive the same nomination at the same moment, on PostgreSQL: it is
received once, one `received` event is recorded, and the other person is told, not shown an
error page."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from awards.models import Nomination
from awards.services import intake
from blocks.models import CouncilRole
from emulation import audit
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import World, make_sent_dossier, make_user, make_world
from tests.security.test_concurrency import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and true parallel transactions need PostgreSQL (SQLite has one writer)",
)


@pytest.fixture
def world(transactional_db: None) -> World:
    # A transactional test empties the tables afterwards, the award types seeded by the
    # migration included: they are seeded again the same way.
    seeded = importlib.import_module("awards.migrations.0002_default_award_types")
    seeded.create(apps, None)
    return make_world()


def test_two_staff_receiving_at_once_receive_the_nomination_once(world: World) -> None:
    nomination = make_sent_dossier(world)[0]
    second = make_user("staff2", full_name="Cán bộ thứ hai")
    CouncilRole.objects.create(user=second, authority=world.authority, role="staff")
    people = [world.staff, second]

    def receive(i: int) -> Any:
        with translation.override("en"):  # each thread starts in the default language
            return intake.receive_nomination(nomination, by=people[i])

    results = at_once(receive, 2)
    received = [r for r in results if isinstance(r, Nomination)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(received), len(refused)) == (1, 1), results
    assert "already received" in refused[0].message
    assert AuditEvent.objects.filter(action="awards.nomination.received").count() == 1
    stored = Nomination.objects.get(pk=nomination.pk)
    assert stored.status == "received" and stored.received_by == received[0].received_by
    assert audit.verify_chain() is None


def test_two_staff_posting_at_once_get_no_error_page(world: World) -> None:
    nomination = make_sent_dossier(world)[0]
    second = make_user("staff2", full_name="Cán bộ thứ hai")
    CouncilRole.objects.create(user=second, authority=world.authority, role="staff")
    people = [world.staff, second]
    address = reverse("awards:intake_receive", args=[nomination.pk])

    def post(i: int) -> Any:
        client = Client()
        client.force_login(people[i])
        response = client.post(address)
        return response.status_code, response.headers.get("Location")

    detail = reverse("awards:intake_detail", args=[nomination.pk])
    assert at_once(post, 2) == [(302, detail), (302, detail)]
    assert AuditEvent.objects.filter(action="awards.nomination.received").count() == 1
