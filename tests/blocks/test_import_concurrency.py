"""Two clicks on "Confirm" at the same instant, and two staff confirming the same file staged
twice: the province is imported once (PostgreSQL: row locks across transactions are real only
there)."""

from __future__ import annotations

import pytest
from django.db import connection

from blocks.imports import staging
from blocks.models import CouncilRole, Membership, StagedImport, Unit
from emulation.audit import verify_chain
from emulation.errors import DomainError
from emulation.models import User
from tests.blocks.import_files import province
from tests.concurrency import at_once
from tests.factories import make_user, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_one_staged_file_import_it_once() -> None:
    world = make_world()
    staged = staging.stage_import(
        world.authority, by=world.staff, name="tinh.xlsx", content=province()
    )
    results = at_once(
        2, lambda i: staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    done = [r for r in results if isinstance(r, dict)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "already imported" in refused[0].message
    assert Unit.objects.filter(code="QT-U1").count() == 1
    assert User.objects.filter(username__startswith="qtuser").count() == 4
    assert Membership.objects.filter(unit__code="QT-U1").count() == 1
    assert verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_the_same_file_staged_twice_and_confirmed_at_once_creates_once() -> None:
    world = make_world()
    second = make_user("staff2", full_name="Cán bộ thứ hai")
    CouncilRole.objects.create(user=second, authority=world.authority, role=CouncilRole.Role.STAFF)
    people = [world.staff, second]
    staged = [
        staging.stage_import(world.authority, by=person, name="tinh.xlsx", content=province())
        for person in people
    ]
    results = at_once(
        2,
        lambda i: staging.confirm_import(staged[i], by=people[i], sha256=staged[i].sha256),
    )
    assert all(isinstance(r, dict) for r in results), results
    counts = sorted((r["created"], r["unchanged"]) for r in results)  # type: ignore[index]
    assert counts == [(0, 18), (18, 0)]
    assert Unit.objects.filter(code="QT-U1").count() == 1
    assert StagedImport.objects.filter(status=StagedImport.Status.CONFIRMED).count() == 2
    assert verify_chain() is None
