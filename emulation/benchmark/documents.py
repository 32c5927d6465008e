"""A decision for hundreds of awardees, issued as the pipeline issues it (`emulation.issued`): the
decision and one certificate per awardee numbered, their HTML rendered and their rows and audit
events committed in one transaction (the request), then their PDFs made by background workers
(`manage.py db_worker` processes, django-tasks' database backend) while a storm of audited
writes runs; the audit head's holding time is measured meanwhile (`lockhold`).

Targets (issue 20): the request answers within 1 s; every certificate is ready within
0.35 s × awardees ÷ workers; the audit lock is held at most 20 ms at the 95th percentile.
The data it makes (documents, their files, tasks) is removed afterwards; the audit events stay,
as in any benchmark database.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction

from emulation import audit
from emulation.benchmark.lockhold import AuditLockMeter
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User

REQUEST_TARGET_S = 1.0
CERTIFICATE_TARGET_S = 0.35  # per certificate and worker
LOCK_TARGET_MS = 20.0
KIND = "benchmark_certificate"
ISSUER = "ỦY BAN NHÂN DÂN TỈNH BENCHMARK"
STORM_THREADS = 4
STORM_WRITES = 50


def _certificate_context(index: int) -> dict[str, Any]:
    return {
        "issuer_name": ISSUER,
        "chairman": f"CHỦ TỊCH {ISSUER}",
        "heading": "BẰNG KHEN",
        "award": {"name_vi": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"},
        "unit_name": f"Đơn vị thứ {index + 1}",
        "block_name": "Khối thi đua benchmark",
        "year": 2026,
        "number": "999/QĐ-UBND",
        "signed_on": datetime.date(2027, 1, 15),
        "place": "Benchmark",
        "signature": {"capacity": "KT. CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "name": "Hoàng Nam"},
    }


def _issue(by: User, awardees: int) -> list[int]:
    """The request's work: an audited change, the decision and its certificates issued."""
    with transaction.atomic():
        audit.record("benchmark.decision.issued", actor=by, after={"awardees": awardees})
        documents = [
            issue_document(
                kind=f"{KIND}_decision",
                title="Quyết định (benchmark)",
                issuer_name=ISSUER,
                template_name="pdf/official_text.html",
                context={
                    "date": datetime.date(2027, 1, 15),
                    "paragraphs": [f"{i + 1}. Đơn vị thứ {i + 1}" for i in range(awardees)],
                },
                by=by,
                background=True,
            )
        ]
        documents += [
            issue_document(
                kind=KIND,
                title=f"Bằng khen (benchmark) {index + 1}",
                issuer_name=ISSUER,
                template_name="awards/certificate_pdf.html",
                context=_certificate_context(index),
                by=by,
                background=True,
            )
            for index in range(awardees)
        ]
    return [document.pk for document in documents]


def _workers(count: int) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    return [
        subprocess.Popen(
            [*command, "--worker-id", f"benchmark-{index}"],
            cwd=Path(settings.BASE_DIR),
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for index in range(count)
    ]


def _storm(by: User, stop: threading.Event, meter_writes: list[float]) -> None:
    """Audited writes, one after another, until told to stop (a signing storm's shape: lock the
    head, record, commit)."""
    try:
        for _ in range(STORM_WRITES):
            if stop.is_set():
                break
            started = time.perf_counter()
            with transaction.atomic():
                audit.record("benchmark.signed", actor=by, after={"at": started})
            meter_writes.append((time.perf_counter() - started) * 1000)
    finally:
        connections.close_all()


def run(awardees: int, workers: int) -> dict[str, Any]:
    """Issue the decision, have the workers render it, and measure; see the module's docstring."""
    if connection.in_atomic_block:
        return {"status": "skipped (inside a transaction: the workers could not see its data)"}
    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
        return {"status": "skipped (the tasks backend is not the database's)"}
    by, _created = User.objects.get_or_create(
        username="benchmark-decision", defaults={"full_name": "Benchmark"}
    )
    pks: list[int] = []
    try:
        with AuditLockMeter() as meter:
            started = time.perf_counter()
            pks = _issue(by, awardees)
            request_s = time.perf_counter() - started
            request_meter = meter.summary()
            processes = _workers(workers)
            stop = threading.Event()
            writes: list[float] = []
            storm = [
                threading.Thread(target=_storm, args=(by, stop, writes))
                for _ in range(STORM_THREADS)
            ]
            storm_meter = AuditLockMeter()
            with storm_meter:
                for thread in storm:
                    thread.start()
                pending = IssuedDocument.objects.filter(pk__in=pks, state="pending")
                while pending.exists():
                    if all(p.poll() is not None for p in processes):
                        break
                    time.sleep(0.05)
                ready_s = time.perf_counter() - started - request_s
                stop.set()
                for thread in storm:
                    thread.join()
            for process in processes:
                process.wait(timeout=60)
        left = IssuedDocument.objects.filter(pk__in=pks, state="pending").count()
        target_ready = CERTIFICATE_TARGET_S * awardees / workers
        lock = storm_meter.summary()
        return {
            "awardees": awardees,
            "workers": workers,
            "request_s": round(request_s, 3),
            "request_target_s": REQUEST_TARGET_S,
            "request_audit_lock": request_meter,
            "ready_s": round(ready_s, 2),
            "ready_target_s": round(target_ready, 2),
            "not_ready": left,
            "storm_writes": len(writes),
            "audit_lock_during_rendering": lock,
            "audit_lock_target_p95_ms": LOCK_TARGET_MS,
            "met": bool(
                request_s <= REQUEST_TARGET_S
                and ready_s <= target_ready
                and not left
                and (lock["p95_ms"] or 0) <= LOCK_TARGET_MS
            ),
        }
    finally:
        for document in IssuedDocument.objects.filter(pk__in=pks):
            if document.file:
                default_storage.delete(str(document.file.name))
        IssuedDocument.objects.filter(pk__in=pks).delete()
