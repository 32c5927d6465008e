"""The site administrator's home says what needs their attention: late PDFs, failed background
tasks, an audit chain no longer time-stamped, locked accounts; and that all is well otherwise."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from emulation.issued import issue_document
from emulation.models import IssuedDocument, User
from tests.factories import World


@pytest.fixture
def admin_client(world: World, client: Client) -> Client:
    client.force_login(world.admin)
    return client


def section(client: Client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('id="site-state"')
    return text[start : text.index("</section>", start)]


def test_all_is_well_on_a_quiet_site(admin_client: Client, settings: Any) -> None:
    settings.AUDIT_TSA_URL = ""
    text = section(admin_client)
    assert "check-circle" in text
    assert "hourglass" not in text and "exclamation-octagon" not in text


def test_late_documents_failed_tasks_and_locked_accounts_are_named(
    admin_client: Client, world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.AUDIT_TSA_URL = "http://127.0.0.1:9/tsa"
    document = issue_document(
        kind="minutes",
        title="Biên bản",
        issuer_name="Khối",
        template_name="pdf/official_text.html",
        context={"paragraphs": ["Nội dung."]},
        by=world.admin,
    )
    IssuedDocument.objects.filter(pk=document.pk).update(
        state="pending", issued_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    DBTaskResult.objects.create(
        status="FAILED",
        task_path="emulation.issued.render_issued_document",
        args_kwargs={"args": [], "kwargs": {}},
        finished_at=timezone.now(),
        backend_name="default",
    )
    AccessAttempt.objects.create(
        username=world.leader.username,
        ip_address="203.0.113.5",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    text = section(admin_client)
    for mark in ("hourglass", "state__exact=pending", "status__exact=FAILED", "bi-lock"):
        assert mark in text, mark
    assert "stamp_audit_head" in text  # never time-stamped while an authority is configured
    assert "check-circle" not in text


def test_only_site_administrators_see_it(client: Client, world: World) -> None:
    people: list[User] = [world.staff, world.leader, world.secretariat]
    for person in people:
        client.force_login(person)
        assert 'id="site-state"' not in client.get("/").content.decode()
