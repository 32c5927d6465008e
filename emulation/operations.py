"""What a site administrator watches on the home page: documents whose PDF is late (the
background workers are not running), background tasks that failed, the audit chain's last
time-stamp by an outside authority, and accounts locked after wrong passwords. Each comes with
what to do about it."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from emulation.accounts import lockouts
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.models import AuditTimestamp, IssuedDocument

# A document still without its PDF after this long is waiting for a worker that is not running.
LATE = datetime.timedelta(minutes=10)
FAILED_WITHIN = datetime.timedelta(days=7)
# `stamp_audit_head` runs daily (README): a last stamp older than this means it stopped.
STAMP_EVERY = datetime.timedelta(days=2)


def site_state(request: AuthedRequest) -> Section | None:
    if not request.user.is_superuser:
        return None
    now = timezone.now()
    late = IssuedDocument.objects.filter(state="pending", issued_at__lt=now - LATE).count()
    failed = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=now - FAILED_WITHIN
    ).count()
    stamp = AuditTimestamp.objects.order_by("-gen_time").only("gen_time", "seq").first()
    stamping = bool(settings.AUDIT_TSA_URL)
    context: dict[str, Any] = {
        "late": late,
        "late_minutes": int(LATE.total_seconds() // 60),
        "failed": failed,
        "failed_days": FAILED_WITHIN.days,
        "stamping": stamping,
        "stamp": stamp,
        "stamp_overdue": stamping and (stamp is None or stamp.gen_time < now - STAMP_EVERY),
        "locked": len(lockouts()),
    }
    context["all_well"] = not (late or failed or context["stamp_overdue"] or context["locked"])
    return Section("emulation/_home_site.html", context, order=5)
