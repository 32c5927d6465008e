"""Two clicks at the same instant give one signature and a clear message (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from covenants import services
from covenants.models import Signature
from emulation.audit import verify_chain
from emulation.errors import DomainError
from tests.concurrency import at_once
from tests.factories import make_covenant, make_leaders, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


def test_simultaneous_clicks_give_exactly_one_signature(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    document = make_covenant(world, status="signing")
    results = at_once(
        4,
        lambda _i: services.sign_covenant(
            document, world.units[2], by=world.leader, password="demo12345"
        ),
        language=None,
    )
    signatures = [r for r in results if isinstance(r, Signature)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert (len(signatures), len(refusals)) == (1, 3), results
    assert all("already signed" in r.message or "đã ký" in r.message for r in refusals)
    assert Signature.objects.count() == 1
    assert verify_chain() is None


def test_every_unit_signing_at_once_brings_the_covenant_into_force_once(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    document = make_covenant(world, status="signing")
    leaders = make_leaders(world)
    results = at_once(
        len(leaders),
        lambda i: services.sign_covenant(
            document, world.units[i], by=leaders[i], password="demo12345"
        ),
        language=None,
    )
    assert all(isinstance(r, Signature) for r in results), results
    document.refresh_from_db()
    assert document.status == "in_force"
    from emulation.models import IssuedDocument

    assert IssuedDocument.objects.filter(kind="covenant").count() == 1
    assert verify_chain() is None
