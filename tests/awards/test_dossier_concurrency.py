"""Clicking twice, or two people at the same moment, on PostgreSQL: a report is approved once, a
dossier is created once and sent once."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from awards.documents import ballot_minutes
from awards.models import Dossier, Nomination
from awards.services import dossiers
from emulation import audit
from emulation.errors import DomainError
from emulation.models import AuditEvent, IssuedDocument
from tests.factories import REPORT_TEXT, World, make_complete_dossier, make_nominations, make_world
from tests.security.test_concurrency import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and true parallel transactions need PostgreSQL (SQLite has one writer)",
)

THREADS = 4


def before(event: AuditEvent) -> dict[str, Any]:
    assert event.before is not None
    return event.before


def after(event: AuditEvent) -> dict[str, Any]:
    assert event.after is not None
    return event.after


@pytest.fixture
def world(transactional_db: None) -> World:
    # A transactional test empties the tables afterwards, the award types seeded by the
    # migration included: they are seeded again the same way.
    seeded = importlib.import_module("awards.migrations.0002_default_award_types")
    seeded.create(apps, None)
    return make_world()


def test_a_report_approved_at_once_is_approved_and_issued_once(world: World) -> None:
    nomination = make_nominations(world)[0]
    leader = nomination.unit.roles.get(role="leader").user
    dossiers.save_report(nomination, by=leader, **REPORT_TEXT)
    results = at_once(lambda i: dossiers.approve_report(nomination, by=leader), THREADS)
    issued = [r for r in results if isinstance(r, IssuedDocument)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(issued), len(refused)) == (1, THREADS - 1), results
    assert Nomination.objects.get(pk=nomination.pk).report_document == issued[0]
    assert AuditEvent.objects.filter(action="awards.nomination.report_approved").count() == 1
    assert audit.verify_chain() is None


def test_letters_issued_at_once_are_issued_one_after_the_other(world: World) -> None:
    make_nominations(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)

    def issue(i: int) -> Any:
        return dossiers.issue_proposal_letter(
            world.block_year,
            by=world.secretariat,
            number=f"0{i}/TTr-KTĐ",
            signer_name="Nguyễn Văn An",
            signer_title="",
        )

    results = at_once(issue, THREADS)
    assert all(isinstance(r, IssuedDocument) for r in results), results
    dossier = Dossier.objects.get()
    events = list(AuditEvent.objects.filter(action="awards.dossier.letter_issued").order_by("seq"))
    assert len(events) == THREADS
    # Each replaced the one before it, and the dossier keeps the last.
    assert [before(e)["letter"] for e in events[1:]] == [after(e)["letter"] for e in events[:-1]]
    assert dossier.proposal_letter is not None
    assert dossier.proposal_letter.code == after(events[-1])["letter"]


def test_a_dossier_sent_at_once_is_sent_once(world: World) -> None:
    make_complete_dossier(world)
    results = at_once(
        lambda i: dossiers.submit_dossier(world.block_year, by=world.secretariat), THREADS
    )
    sent = [r for r in results if isinstance(r, Dossier)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(sent), len(refused)) == (1, THREADS - 1), results
    assert AuditEvent.objects.filter(action="awards.dossier.submitted").count() == 1
    assert Dossier.objects.get().manifest_sha256 == sent[0].manifest_sha256
