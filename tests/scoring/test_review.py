"""Review: side by side, a reason for every change, never by the unit itself; the unit accepts or
answers within its window; the secretariat finalises. Every change is in the audit log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from emulation.errors import DomainError
from emulation.models import AuditEvent
from scoring import services
from scoring.models import CriteriaTable, Score, ScoreSheet
from tests.factories import World, fill_sheet, make_user, open_assessment

S = ScoreSheet.Status


@pytest.fixture
def submitted(world: World) -> ScoreSheet:
    """Unit 3's sheet, complete and submitted by its leader."""
    table = open_assessment(world)
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.officer, {"I.1": "19.5", "IV.1": "5"})
    services.submit_sheet(sheet, by=world.leader)
    return ScoreSheet.objects.select_related("table__block_year", "unit").get(pk=sheet.pk)


def score(sheet: ScoreSheet, code: str) -> Score:
    return sheet.scores.select_related("criterion").get(criterion__code=code)


def test_a_unit_never_reviews_its_own_sheet(world: World, submitted: ScoreSheet) -> None:
    for person in (world.leader, world.officer):
        with pytest.raises(DomainError, match="never reviews its own"):
            services.review_score(score(submitted, "I.1"), by=person, points=Decimal(20), reason="")
        with pytest.raises(DomainError, match="never reviews its own"):
            services.send_review_results(submitted, by=person)


def test_the_head_units_people_do_not_review_the_head_units_sheet(
    world: World, submitted: ScoreSheet
) -> None:
    head_sheet = submitted.table.sheets.get(unit=world.units[0])
    fill_sheet(head_sheet, world.secretariat, evidence=False)
    ScoreSheet.objects.filter(pk=head_sheet.pk).update(status=S.SUBMITTED)
    head_sheet.refresh_from_db()
    with pytest.raises(DomainError, match="never reviews its own"):
        services.review_score(
            score(head_sheet, "I.2"), by=world.secretariat, points=Decimal(9), reason="Thiếu"
        )
    services.review_score(
        score(head_sheet, "I.2"), by=world.staff, points=Decimal(9), reason="Thiếu minh chứng"
    )


def test_an_assigned_cross_reviewer_reviews_but_never_its_own_unit(
    world: World, submitted: ScoreSheet
) -> None:
    with pytest.raises(DomainError, match="never reviews its own"):
        services.assign_reviewer(submitted, by=world.secretariat, reviewer_unit=world.units[2])
    with pytest.raises(DomainError, match="never reviews its own"):
        services.review_score(
            score(submitted, "I.1"), by=world.leader2, points=Decimal(18), reason="Chưa đủ"
        )
    services.assign_reviewer(submitted, by=world.secretariat, reviewer_unit=world.units[3])
    submitted.refresh_from_db()
    services.review_score(
        score(submitted, "I.1"), by=world.leader2, points=Decimal(18), reason="Chưa đủ"
    )
    assert score(submitted, "I.1").reviewed_points == 18


def test_the_database_refuses_a_unit_as_its_own_reviewer(
    world: World, submitted: ScoreSheet
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.filter(pk=submitted.pk).update(reviewer_unit=world.units[2])


def test_a_changed_score_needs_a_reason_and_is_audited_with_before_after_and_reason(
    world: World, submitted: ScoreSheet
) -> None:
    row = score(submitted, "I.1")
    with pytest.raises(DomainError, match=r"Say why I\.1 changes from 19\.5 to 17"):
        services.review_score(row, by=world.secretariat, points=Decimal(17), reason="  ")
    services.review_score(row, by=world.secretariat, points=Decimal(17), reason="Thiếu 1 chỉ tiêu")
    row.refresh_from_db()
    assert (row.reviewed_points, row.review_reason, row.reviewed_by) == (
        Decimal(17),
        "Thiếu 1 chỉ tiêu",
        world.secretariat,
    )
    event = AuditEvent.objects.get(action="scoring.score.reviewed")
    assert event.before == {"reviewed_points": None, "review_reason": ""}
    assert event.after == {"reviewed_points": "17", "review_reason": "Thiếu 1 chỉ tiêu"}
    assert event.reason == "Thiếu 1 chỉ tiêu" and event.actor == world.secretariat


def test_the_database_refuses_a_changed_score_without_a_reason(submitted: ScoreSheet) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(sheet=submitted, criterion__code="I.2").update(
            reviewed_points=1, review_reason=""
        )


def test_confirming_the_units_own_points_needs_no_reason(
    world: World, submitted: ScoreSheet
) -> None:
    row = score(submitted, "I.1")
    services.review_score(row, by=world.secretariat, points=Decimal("19.5"), reason="")
    row.refresh_from_db()
    assert row.reviewed_points is None and row.final_points == Decimal("19.5")


def test_the_side_by_side_page_autosaves_a_review_and_shows_both_totals(
    world: World, submitted: ScoreSheet, client: Any
) -> None:
    client.force_login(world.secretariat)
    page = client.get(reverse("scoring:sheet_review", args=[submitted.pk])).content.decode()
    assert 'name="reviewed_points"' in page and "I.1.pdf" in page
    row = score(submitted, "I.2")
    response = client.post(
        reverse("scoring:score_review", args=[row.pk]),
        {"reviewed_points": "7,5", "review_reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "Say why I.2 changes from 10 to 7.5" in response.content.decode()
    response = client.post(
        reverse("scoring:score_review", args=[row.pk]),
        {"reviewed_points": "7,5", "review_reason": "Chất lượng tham mưu chưa cao"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert (
        "data-final-total" in body
        and 'data-total="104.5' in body
        and 'data-final-total="102' in body
    )


def test_results_go_back_to_the_unit_which_accepts_them_and_the_secretariat_finalises(
    world: World,
    submitted: ScoreSheet,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    world.leader.email = "truongban@example.vn"
    world.leader.save(update_fields=["email"])
    services.review_score(
        score(submitted, "I.1"), by=world.secretariat, points=Decimal(18), reason="Thiếu 1 chỉ tiêu"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.send_review_results(submitted, by=world.secretariat)
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    assert submitted.respond_by == timezone.localdate() + datetime.timedelta(days=5)
    assert [m.to for m in mailoutbox] == [["truongban@example.vn"]]
    with pytest.raises(DomainError, match="may still answer"):
        services.finalise_sheet(submitted, by=world.secretariat)
    with pytest.raises(DomainError, match="Only the leader"):
        services.accept_review(submitted, by=world.officer)
    services.accept_review(submitted, by=world.leader)
    with pytest.raises(DomainError, match="never finalises its own"):
        services.finalise_sheet(submitted, by=world.leader)
    services.finalise_sheet(submitted, by=world.secretariat)
    submitted.refresh_from_db()
    assert submitted.status == S.FINAL
    with pytest.raises(DomainError, match="not under review"):
        services.review_score(
            score(submitted, "I.2"), by=world.secretariat, points=Decimal(1), reason="x"
        )


def test_an_answer_is_settled_by_the_secretariat_before_finalising(
    world: World, submitted: ScoreSheet
) -> None:
    services.review_score(
        score(submitted, "I.1"), by=world.secretariat, points=Decimal(16), reason="Thiếu 2 chỉ tiêu"
    )
    services.send_review_results(submitted, by=world.secretariat)
    services.respond_to_review(
        submitted, by=world.leader, text="Chỉ tiêu thứ hai đã hoàn thành, xem phụ lục 2."
    )
    submitted.refresh_from_db()
    assert submitted.status == S.RESPONDED
    services.review_score(
        score(submitted, "I.1"),
        by=world.secretariat,
        points=Decimal(18),
        reason="Chấp nhận phụ lục 2",
    )
    services.finalise_sheet(submitted, by=world.secretariat)
    assert score(submitted, "I.1").final_points == 18
    assert (
        AuditEvent.objects.filter(action="scoring.sheet.responded")
        .get()
        .reason.startswith("Chỉ tiêu thứ hai")
    )


def test_after_the_window_the_unit_can_no_longer_answer_and_the_sheet_can_be_finalised(
    world: World, submitted: ScoreSheet
) -> None:
    services.send_review_results(submitted, by=world.secretariat)
    ScoreSheet.objects.filter(pk=submitted.pk).update(
        respond_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    submitted.refresh_from_db()
    with pytest.raises(DomainError, match="time to answer ended"):
        services.respond_to_review(submitted, by=world.leader, text="Xin xem lại")
    services.finalise_sheet(submitted, by=world.secretariat)
    assert ScoreSheet.objects.get(pk=submitted.pk).status == S.FINAL


def test_review_results_are_not_reopened(world: World, submitted: ScoreSheet) -> None:
    services.send_review_results(submitted, by=world.secretariat)
    with pytest.raises(DomainError, match="can no longer be reopened"):
        services.reopen_sheet(
            submitted, by=world.secretariat, reason="Sửa", until=timezone.localdate()
        )


def test_the_unit_sees_reviewed_scores_only_once_the_results_are_sent(
    world: World, submitted: ScoreSheet, client: Any
) -> None:
    services.review_score(
        score(submitted, "I.1"), by=world.secretariat, points=Decimal(17), reason="Lý do riêng"
    )
    client.force_login(world.officer)
    assert "Lý do riêng" not in client.get(submitted.get_absolute_url()).content.decode()
    services.send_review_results(submitted, by=world.secretariat)
    assert "Lý do riêng" in client.get(submitted.get_absolute_url()).content.decode()


def test_a_council_member_sees_the_sheet_but_cannot_review_it(
    world: World, submitted: ScoreSheet, client: Any
) -> None:
    client.force_login(world.member)
    assert client.get(submitted.get_absolute_url()).status_code == 200
    assert client.get(reverse("scoring:sheet_review", args=[submitted.pk])).status_code == 403
    stranger = make_user()
    client.force_login(stranger)
    assert client.get(submitted.get_absolute_url()).status_code == 404
    assert CriteriaTable.objects.count() == 1
