"""Several people acting on the same thing at the same moment, on PostgreSQL: nothing is lost and
nothing is doubled. Each thread has its own database connection, as each web worker would."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from blocks import services
from blocks.models import Membership
from emulation import audit, otp
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import YEAR, World, make_unit, make_user, make_world
from tests.security.samples import totp_code as code_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and true parallel transactions need PostgreSQL (SQLite has one writer)",
)

THREADS = 8
# Only a deadlock takes this long, however busy the machine: the limits stop a stuck run, they do
# not time the work.
HANG_SECONDS = 600


def at_once(action: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """Run `action(i)` in `count` threads released together; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=HANG_SECONDS)
            results[i] = action(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HANG_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def test_the_same_unit_added_at_once_becomes_a_member_exactly_once(world: World) -> None:
    newcomer = make_unit(world.authority, "Ủy ban Kiểm tra Tỉnh ủy")
    results = at_once(
        lambda i: services.add_member(
            world.block_year, newcomer, by=world.staff, joined_on=datetime.date(YEAR, 3, 1)
        )
    )
    added = [r for r in results if isinstance(r, Membership)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(added), len(refused)) == (1, THREADS - 1), results
    assert Membership.objects.filter(block_year=world.block_year, unit=newcomer).count() == 1
    assert AuditEvent.objects.filter(action="blocks.membership.added").count() == 1
    assert audit.verify_chain() is None


def test_heads_named_at_once_leave_exactly_one_head(world: World) -> None:
    candidates = world.units

    def name_head(i: int) -> Any:
        head = candidates[i % len(candidates)]
        return services.set_leadership(world.block_year, by=world.staff, head=head, deputies=[])

    results = at_once(name_head)
    assert not [r for r in results if isinstance(r, Exception)], results
    heads = Membership.objects.filter(block_year=world.block_year, role=Membership.Role.HEAD)
    assert heads.count() == 1
    assert not Membership.objects.filter(
        block_year=world.block_year, role=Membership.Role.DEPUTY
    ).exists()
    last = AuditEvent.objects.filter(action="blocks.blockyear.leadership_set").order_by("-seq")
    if last.exists():
        assert last[0].after == {"head": heads.get().unit_id, "deputies": []}
    assert audit.verify_chain() is None


def test_audit_events_written_at_once_form_one_unbroken_chain(world: World) -> None:
    per_thread = 15

    def write(i: int) -> int:
        for n in range(per_thread):
            audit.record("test.concurrent", actor=world.staff, after={"thread": i, "n": n})
        return i

    results = at_once(write)
    assert results == list(range(THREADS)), results
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * per_thread + 1)), "no gaps and no duplicates"
    assert audit.verify_chain() is None


def test_a_backup_code_typed_twice_at_once_signs_in_once(world: World) -> None:
    person = make_user("lanhdao9")
    key = otp.new_secret()
    codes = otp.enable_two_factor(person, key=key, code=code_for(key))
    accepted = at_once(lambda i: otp.verify_code(person, codes[0]))
    assert accepted.count(True) == 1, accepted
    replayed = code_for(key, steps_ahead=1)
    accepted = at_once(lambda i: otp.verify_code(person, replayed))
    assert accepted.count(True) == 1, accepted
