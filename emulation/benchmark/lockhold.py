"""How long transactions hold the audit log's head row (`AuditHead`), measured in this process.

Every audited write locks that single row (`emulation.audit.record`, SELECT … FOR UPDATE) and
holds it until its transaction ends, so its holding time is what every other audited write may
wait. `AuditLockMeter` watches the SQL of every connection opened while it is active: the first
lock of the row in a transaction starts the clock once granted, the commit stops it
(`transaction.on_commit`); a transaction rolled back is not counted. PostgreSQL only: Django
drops FOR UPDATE on SQLite (which locks the whole database), so nothing is seen there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from emulation.models import AuditHead

HEAD_TABLE = AuditHead._meta.db_table


class AuditLockMeter:
    """A context manager: the milliseconds each committed transaction held the head row."""

    def __init__(self) -> None:
        self.held_ms: list[float] = []
        self._lock = threading.Lock()
        self._started: dict[int, tuple[int, float]] = {}  # connection → (its outer block, start)
        self._wrapped: list[BaseDatabaseWrapper] = []

    def __enter__(self) -> AuditLockMeter:
        connection_created.connect(self._on_connection, weak=False)
        for connection in connections.all(initialized_only=True):
            self._wrap(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection_created.disconnect(self._on_connection)
        for connection in self._wrapped:
            if self._watch in connection.execute_wrappers:
                connection.execute_wrappers.remove(self._watch)
        self._wrapped.clear()

    def _on_connection(self, sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
        self._wrap(connection)

    def _wrap(self, connection: BaseDatabaseWrapper) -> None:
        if self._watch not in connection.execute_wrappers:
            connection.execute_wrappers.append(self._watch)
            self._wrapped.append(connection)

    def _watch(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        result = execute(sql, params, many, context)
        connection = context["connection"]
        if (
            connection.in_atomic_block
            and HEAD_TABLE in sql
            and "FOR UPDATE" in sql.upper()
            and connection.atomic_blocks
        ):
            # The lock is held from the moment the query returns (the wait for it is not
            # holding it) until the commit.
            outer = id(connection.atomic_blocks[0])
            key = id(connection)
            known = self._started.get(key)
            if known is None or known[0] != outer:
                started = time.perf_counter()
                self._started[key] = (outer, started)
                transaction.on_commit(
                    lambda: self._committed(key, outer, started), using=connection.alias
                )
        return result

    def _committed(self, key: int, outer: int, started: float) -> None:
        held = (time.perf_counter() - started) * 1000
        with self._lock:
            self.held_ms.append(held)
        if self._started.get(key) == (outer, started):
            del self._started[key]

    def summary(self) -> dict[str, Any]:
        """The count, median, 95th percentile and longest holding time, in milliseconds."""
        values = sorted(self.held_ms)
        if not values:
            return {"transactions": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}

        def at(share: float) -> float:
            return round(values[min(len(values) - 1, int(share * len(values)))], 2)

        return {
            "transactions": len(values),
            "p50_ms": at(0.5),
            "p95_ms": at(0.95),
            "max_ms": round(values[-1], 2),
        }
