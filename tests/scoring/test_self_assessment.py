"""Opening self-assessment, filling in the sheet (as typed, with a comma), evidence, deadlines,
submitting and reopening."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from covenants import services as documents
from emulation.errors import DomainError
from emulation.models import AuditEvent
from scoring import services
from scoring.models import CriteriaTable, Evidence, Score, ScoreSheet
from tests.factories import (
    World,
    fill_sheet,
    make_covenant,
    make_covenant_in_force,
    make_criteria_table,
    open_assessment,
)

S = ScoreSheet.Status


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def own_sheet(world: World, table: CriteriaTable) -> ScoreSheet:
    return table.sheets.select_related("table").get(unit=world.units[2])


def test_scoring_waits_until_the_covenant_is_in_force(world: World) -> None:
    make_covenant(world, status="signing")
    table = make_criteria_table(world)
    with pytest.raises(DomainError, match="covenant is in force"):
        services.open_self_assessment(table, by=world.secretariat, deadline=later(10))
    assert not ScoreSheet.objects.exists()


def test_scoring_waits_until_the_criteria_table_is_adopted(world: World) -> None:
    make_covenant_in_force(world)
    table = make_criteria_table(world, adopted=False)
    documents.open_consultation(table.document, by=world.secretariat, until=later(5))
    with pytest.raises(DomainError, match="Adopt the criteria table first"):
        services.open_self_assessment(table, by=world.secretariat, deadline=later(10))


def test_opening_gives_every_member_a_sheet_locks_the_table_and_tells_the_units(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    make_covenant_in_force(world)
    table = make_criteria_table(world)
    for person in (world.leader, world.officer, world.outsider):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.open_self_assessment(table, by=world.secretariat, deadline=later(10))
    table.refresh_from_db()
    assert table.is_locked and table.deadline == later(10)
    assert table.sheets.count() == 4
    assert Score.objects.filter(sheet__table=table).count() == 4 * 16  # 16 scored rows each
    recipients = {address for message in mailoutbox for address in message.to}
    assert recipients == {"leader@example.vn", "officer@example.vn"}
    assert later(10).strftime("%d/%m/%Y") in mailoutbox[0].subject
    assert AuditEvent.objects.filter(action="scoring.assessment.opened").count() == 1


def test_a_deadline_in_the_past_is_refused(world: World) -> None:
    make_covenant_in_force(world)
    table = make_criteria_table(world)
    with pytest.raises(DomainError, match="already passed"):
        services.open_self_assessment(table, by=world.secretariat, deadline=later(-1))


def htmx_save(client: Any, score: Score, points: str, explanation: str = "") -> Any:
    return client.post(
        reverse("scoring:score_save", args=[score.pk]),
        {"self_points": points, "explanation": explanation},
        HTTP_HX_REQUEST="true",
    )


def test_an_officer_types_points_with_a_comma_and_the_totals_follow(
    world: World, client: Any
) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    score = sheet.scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    response = htmx_save(client, score, "18,5", "Đạt 19/20 chỉ tiêu")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="sheet-totals" class="card mb-3" data-hx-swap-oob="true"' in body
    assert 'data-total="18.5' in body
    score.refresh_from_db()
    assert (score.self_points, score.explanation) == (Decimal("18.5"), "Đạt 19/20 chỉ tiêu")
    event = AuditEvent.objects.get(action="scoring.score.saved")
    assert (event.before, event.after) == (
        {"self_points": None, "explanation": ""},
        {"self_points": "18.50", "explanation": "Đạt 19/20 chỉ tiêu"},
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("20,5", "I.1 takes 0 to 20 points."),
        ("-1", "Points cannot be negative."),
        ("8,555", "Use at most two decimals."),
        ("mười", "is not a number of points"),
        ("1e3", "is not a number of points"),
    ],
)
def test_points_outside_the_row_are_refused_and_nothing_changes(
    world: World, client: Any, typed: str, message: str
) -> None:
    table = open_assessment(world)
    score = own_sheet(world, table).scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    response = htmx_save(client, score, typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    score.refresh_from_db()
    assert score.self_points is None


def test_without_htmx_a_row_is_saved_and_the_sheet_shown_again(world: World, client: Any) -> None:
    table = open_assessment(world)
    score = own_sheet(world, table).scores.get(criterion__code="I.2")
    client.force_login(world.leader)
    response = client.post(reverse("scoring:score_save", args=[score.pk]), {"self_points": "9,25"})
    assert response.status_code == 302 and response["Location"].endswith(f"#row-{score.pk}")
    score.refresh_from_db()
    assert score.self_points == Decimal("9.25")


def test_people_of_another_unit_cannot_fill_in_a_sheet(world: World) -> None:
    table = open_assessment(world)
    score = own_sheet(world, table).scores.get(criterion__code="I.1")
    with pytest.raises(DomainError, match="Only the people of"):
        services.save_self_score(score, by=world.leader2, points=Decimal(5), explanation="")


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf"
    )


def test_evidence_is_checked_stored_with_its_hash_and_served_only_as_a_download(
    world: World, client: Any
) -> None:
    table = open_assessment(world)
    score = own_sheet(world, table).scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    response = client.post(
        reverse("scoring:evidence_upload", args=[score.pk]), {"file": pdf("Báo cáo.pdf")}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert len(evidence.sha256) == 64 and evidence.content_type == "application/pdf"
    download = client.get(reverse("scoring:evidence_download", args=[evidence.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.outsider)
    assert client.get(reverse("scoring:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_file_that_is_not_evidence_is_refused_with_its_reason(world: World, client: Any) -> None:
    table = open_assessment(world)
    score = own_sheet(world, table).scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("scoring:evidence_upload", args=[score.pk]), {"file": fake}, follow=True
    )
    assert "This kind of file is not accepted" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_leader_submits_a_complete_sheet_before_the_deadline(world: World) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    fill_sheet(sheet, world.officer, {"I.1": "18,5".replace(",", ".")})
    with pytest.raises(DomainError, match="Only the leader"):
        services.submit_sheet(sheet, by=world.officer)
    services.submit_sheet(sheet, by=world.leader)
    sheet.refresh_from_db()
    assert sheet.status == S.SUBMITTED and sheet.submitted_by == world.leader
    with pytest.raises(DomainError, match="submitted"):
        services.save_self_score(
            sheet.scores.get(criterion__code="I.2"),
            by=world.officer,
            points=Decimal(1),
            explanation="",
        )


def test_an_incomplete_sheet_cannot_be_submitted_and_says_what_is_missing(world: World) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    fill_sheet(sheet, world.officer, evidence=False)
    services.save_self_score(
        sheet.scores.get(criterion__code="II.3"), by=world.officer, points=None, explanation=""
    )
    with pytest.raises(DomainError) as refused:
        services.submit_sheet(sheet, by=world.leader)
    assert "II.3 has no points yet." in refused.value.message
    assert "I.1 needs evidence." in refused.value.message
    assert "III.2.a" not in refused.value.message  # no evidence required there


def test_after_the_deadline_nothing_changes_until_the_secretariat_reopens_the_unit(
    world: World,
) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    score = sheet.scores.get(criterion__code="I.2")
    CriteriaTable.objects.filter(pk=table.pk).update(deadline=later(-1))
    sheet = ScoreSheet.objects.select_related("table").get(pk=sheet.pk)
    with pytest.raises(DomainError, match="deadline"):
        services.save_self_score(score, by=world.officer, points=Decimal(5), explanation="")
    with pytest.raises(DomainError, match="reason"):
        services.reopen_sheet(sheet, by=world.secretariat, reason=" ", until=later(2))
    services.reopen_sheet(
        sheet, by=world.secretariat, reason="Bổ sung minh chứng I.1", until=later(2)
    )
    services.save_self_score(score, by=world.officer, points=Decimal(5), explanation="")
    assert Score.objects.get(pk=score.pk).self_points == 5
    event = AuditEvent.objects.get(action="scoring.sheet.reopened")
    assert event.reason == "Bổ sung minh chứng I.1"
    other = table.sheets.get(unit=world.units[3]).scores.get(criterion__code="I.2")
    with pytest.raises(DomainError, match="deadline"):
        services.save_self_score(other, by=world.leader2, points=Decimal(5), explanation="")


def test_reopening_a_submitted_sheet_returns_it_to_the_unit(world: World) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    fill_sheet(sheet, world.officer)
    services.submit_sheet(sheet, by=world.leader)
    services.reopen_sheet(sheet, by=world.secretariat, reason="Sai số liệu II.1", until=later(3))
    sheet.refresh_from_db()
    assert sheet.status == S.DRAFT and sheet.reopened_until == later(3)
    assert AuditEvent.objects.filter(
        action="scoring.sheet.draft", reason="Sai số liệu II.1"
    ).exists()


def test_a_sheet_page_shows_the_unit_its_inputs_and_other_people_the_values(
    world: World, client: Any
) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    services.save_self_score(
        sheet.scores.get(criterion__code="I.1"),
        by=world.officer,
        points=Decimal("8.5"),
        explanation="",
    )
    world.officer.preferred_language = "vi"
    world.officer.save(update_fields=["preferred_language"])
    client.force_login(world.officer)
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert 'name="self_points"' in page and 'value="8,5"' in page  # Vietnamese: a comma
    client.force_login(world.member)
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert 'name="self_points"' not in page and ">8.5<" in page  # English: a dot
