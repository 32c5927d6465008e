"""The benchmark's meter of how long transactions hold the audit head: from the granted lock to
the commit; a transaction rolled back is not counted; one that writes nothing audited neither."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from emulation import audit
from emulation.benchmark.lockhold import AuditLockMeter


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks no row: SELECT … FOR UPDATE is dropped"
)
@pytest.mark.django_db(transaction=True)
def test_the_meter_counts_each_committed_audited_transaction_from_its_lock() -> None:
    with AuditLockMeter() as meter:
        with transaction.atomic():
            time.sleep(0.05)  # before the lock: not held yet
            audit.record("test.first", actor=None)
            audit.record("test.second", actor=None)  # the same transaction: counted once
            time.sleep(0.03)
        with transaction.atomic():
            audit.record("test.quick", actor=None)
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record("test.undone", actor=None)
            raise RuntimeError
        with transaction.atomic():
            pass
    assert len(meter.held_ms) == 2
    slow, quick = meter.held_ms
    assert 30 <= slow < 50 + 30
    assert quick < slow
    summary = meter.summary()
    assert summary["transactions"] == 2 and summary["max_ms"] == round(slow, 2)
    # Once left, it watches nothing.
    with transaction.atomic():
        audit.record("test.after", actor=None)
    assert len(meter.held_ms) == 2
