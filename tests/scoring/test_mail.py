"""The e-mails of scoring: opened, reminder, sheet returned, review results, ranking published."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoring import services
from scoring.models import CriteriaTable, ScoreSheet
from tests.factories import World, fill_sheet, make_published_ranking, open_assessment


@pytest.fixture
def addressed(world: World) -> World:
    for person in (world.leader, world.officer, world.leader2, world.secretariat):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    return world


def sent_to(mailoutbox: list[Any]) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mailoutbox)


def test_reopening_a_sheet_tells_its_unit_why(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    table = open_assessment(addressed)
    sheet = table.sheets.get(unit=addressed.units[2])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_sheet(
            sheet, by=addressed.secretariat, reason="Bổ sung minh chứng", until=timezone.localdate()
        )
    assert [m.to[0] for m in mailoutbox] == ["leader@example.vn", "officer@example.vn"] or sorted(
        m.to[0] for m in mailoutbox
    ) == ["leader@example.vn", "officer@example.vn"]
    assert "Bổ sung minh chứng" in mailoutbox[0].body
    assert "reopened" in mailoutbox[0].subject


def test_sending_review_results_tells_the_unit_how_many_scores_changed(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from decimal import Decimal

    table = open_assessment(addressed)
    sheet = table.sheets.get(unit=addressed.units[2])
    fill_sheet(sheet, addressed.officer)
    services.submit_sheet(sheet, by=addressed.leader)
    score = sheet.scores.get(criterion__code="I.3")
    services.review_score(
        score, by=addressed.secretariat, points=Decimal(8), reason="Chưa số hóa hồ sơ"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_review_results(sheet, by=addressed.secretariat)
    assert sorted(m.to[0] for m in mailoutbox) == ["leader@example.vn", "officer@example.vn"]
    assert "1 score was changed" in mailoutbox[0].body


def test_publishing_tells_every_member_unit_who_leads(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_published_ranking(addressed)
    published = [m for m in mailoutbox if "published" in m.subject]
    assert sorted(m.to[0] for m in published) == sorted(
        ["leader@example.vn", "officer@example.vn", "leader2@example.vn", "secretariat@example.vn"]
    )
    assert "The leading unit is" in published[0].body


def test_units_with_a_draft_are_reminded_once_a_day_before_the_deadline(
    addressed: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    table = open_assessment(addressed)
    CriteriaTable.objects.filter(pk=table.pk).update(
        deadline=timezone.localdate() + datetime.timedelta(days=2)
    )
    ScoreSheet.objects.filter(unit=addressed.units[3]).update(status=ScoreSheet.Status.SUBMITTED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_assessment_reminders", "--days", "3", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert services.send_assessment_reminders(days_before=3) == 0  # not twice a day
    assert sorted(m.to[0] for m in mailoutbox) == [
        "leader@example.vn",
        "officer@example.vn",
        "secretariat@example.vn",
    ]
