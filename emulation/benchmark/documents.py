"""A decision for hundreds of awardees, issued as `awards.services.decisions.issue_decision` issues
one: the request numbers and records the decision alone (its HTML rendered, its row and audit
event committed) and leaves the certificates to a background task, which issues them one
transaction each (`issue_benchmark_certificates`, as `issue_certificates_of`); every PDF is made
by background workers (`manage.py db_worker` processes, django-tasks' database backend) while a
storm of audited writes runs; the audit head's holding time is measured meanwhile (`lockhold`).

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
from django.utils import timezone
from django_tasks import task

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
        "decision_number": "999/QĐ-UBND",
        "signed_on": datetime.date(2027, 1, 15),
        "place": "Benchmark",
        "signature": {"capacity": "KT. CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "name": "Hoàng Nam"},
    }


def _issue(by: User, awardees: int) -> int:
    """The request's work, as `issue_decision`'s: an audited change and the decision issued; the
    certificates are left to a task enqueued once this commits."""
    with transaction.atomic():
        decision = issue_document(
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
        audit.record("benchmark.decision.issued", actor=by, after={"awardees": awardees})
        transaction.on_commit(
            lambda: issue_benchmark_certificates.enqueue(user_id=by.pk, awardees=awardees)
        )
    return decision.pk


@task()
def issue_benchmark_certificates(*, user_id: int, awardees: int) -> None:
    """The certificates, one transaction each, as `awards.services.decisions.issue_certificates_of`
    issues a decision's: each holds the audit head for one certificate only."""
    by = User.objects.get(pk=user_id)
    for index in range(awardees):
        with transaction.atomic():
            issue_document(
                kind=KIND,
                title=f"Bằng khen (benchmark) {index + 1}",
                issuer_name=ISSUER,
                template_name="awards/certificate_pdf.html",
                context=_certificate_context(index),
                by=by,
                background=True,
            )


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
    since = timezone.now()
    ours = IssuedDocument.objects.filter(kind__startswith=KIND, issued_at__gte=since)
    try:
        with AuditLockMeter() as meter:
            started = time.perf_counter()
            _issue(by, awardees)
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
                while ours.count() < awardees + 1 or ours.filter(state="pending").exists():
                    if all(p.poll() is not None for p in processes):
                        break
                    time.sleep(0.05)
                ready_s = time.perf_counter() - started - request_s
                stop.set()
                for thread in storm:
                    thread.join()
            for process in processes:
                process.wait(timeout=60)
        left = awardees + 1 - ours.exclude(state="pending").count()
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
        for document in ours:
            if document.file:
                default_storage.delete(str(document.file.name))
        ours.delete()
