"""A nomination's parts, through the services: the achievement report, its approval, the
attestations, attached documents, the eligibility check, and withdrawing. Each refusal leaves
nothing half-saved."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Nomination, NominationFile
from awards.models.dossiers import nomination_checklist
from awards.models.nominations import passes
from awards.services import dossiers
from emulation.errors import DomainError
from emulation.models import AuditEvent, IssuedDocument
from tests.factories import (
    REPORT_TEXT,
    World,
    complete_nomination,
    make_award_type,
    make_nominations,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def before(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.before is not None
    return event.before


def after(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.after is not None
    return event.after


@pytest.fixture
def own(world: World) -> Nomination:
    """Unit 3's nomination (its leader is `leader`, its officer `officer`), with unit 4's."""
    award = make_award_type()
    nominations = make_nominations(world, award.code, units=[world.units[2], world.units[3]])
    return next(n for n in nominations if n.unit_id == world.units[2].pk)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def reload(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_related("award_type", "report_document").get(pk=nomination.pk)


# The report ---------------------------------------------------------------------------------


def test_the_units_officer_writes_the_report_and_the_change_is_audited(
    world: World, own: Nomination
) -> None:
    changed = dossiers.save_report(own, by=world.officer, report_overview="  Đặc điểm đơn vị  ")
    own = reload(own)
    assert changed == ["report_overview"]
    assert own.report_overview == "Đặc điểm đơn vị"
    assert own.report_updated_at is not None
    [event] = events("awards.nomination.report_saved")
    assert event.actor == world.officer
    assert after(event)["report_overview"] == hashlib.sha256("Đặc điểm đơn vị".encode()).hexdigest()
    assert before(event)["approved"] is False


@pytest.mark.parametrize("role", ["secretariat", "admin", "staff", "leader2"])
def test_nobody_outside_the_unit_writes_its_report(
    world: World, own: Nomination, role: str
) -> None:
    person = world.user(role)
    assert person is not None
    with pytest.raises(DomainError, match="Only the people of Ban Tuyên giáo"):
        dossiers.save_report(own, by=person, report_overview="Viết hộ")
    assert reload(own).report_overview == ""
    assert not events("awards.nomination.report_saved")


def test_saving_the_same_text_again_changes_nothing(world: World, own: Nomination) -> None:
    dossiers.save_report(own, by=world.officer, **REPORT_TEXT)
    assert dossiers.save_report(own, by=world.leader, **REPORT_TEXT) == []
    assert len(events("awards.nomination.report_saved")) == 1


def test_changing_an_approved_report_withdraws_the_approval(world: World, own: Nomination) -> None:
    dossiers.save_report(own, by=world.officer, **REPORT_TEXT)
    issued = dossiers.approve_report(own, by=world.leader)
    dossiers.save_report(own, by=world.officer, report_results="Kết quả mới, cao hơn chỉ tiêu.")
    own = reload(own)
    assert not own.report_is_approved
    assert own.report_document is None and own.report_approved_by is None
    assert IssuedDocument.objects.filter(pk=issued.pk).exists()  # the issued one stays verifiable
    event = events("awards.nomination.report_saved")[-1]
    assert (before(event)["approved"], after(event)["approved"]) == (True, False)


def test_the_report_cannot_change_once_sent_to_the_council(world: World, own: Nomination) -> None:
    Nomination.objects.filter(pk=own.pk).update(status=Nomination.Status.SUBMITTED)
    with pytest.raises(DomainError, match="sent to the council"):
        dossiers.save_report(own, by=world.officer, report_overview="Sửa sau khi gửi")
    assert reload(own).report_overview == ""


def test_a_returned_nomination_takes_changes_again(world: World, own: Nomination) -> None:
    Nomination.objects.filter(pk=own.pk).update(
        status=Nomination.Status.RETURNED, return_reason="Bổ sung số liệu"
    )
    assert dossiers.save_report(own, by=world.officer, report_results="Số liệu bổ sung") == [
        "report_results"
    ]


def test_a_section_longer_than_its_limit_is_refused(world: World, own: Nomination) -> None:
    with pytest.raises(DomainError, match="at most 20000 characters") as refused:
        dossiers.save_report(own, by=world.officer, report_results="x" * 20001)
    assert refused.value.field == "report_results"
    assert reload(own).report_results == ""


def test_only_the_units_leader_approves_and_only_a_complete_report(
    world: World, own: Nomination
) -> None:
    dossiers.save_report(
        own, by=world.officer, report_overview="Đặc điểm", report_results="Kết quả"
    )
    with pytest.raises(DomainError, match=r"Still empty: II\.2"):
        dossiers.approve_report(own, by=world.leader)
    dossiers.save_report(own, by=world.officer, **REPORT_TEXT)
    for person in (world.officer, world.secretariat, world.admin, world.leader2):
        with pytest.raises(DomainError, match="Only the leader of Ban Tuyên giáo"):
            dossiers.approve_report(own, by=person)
    assert not IssuedDocument.objects.filter(kind="report").exists()
    assert not reload(own).report_is_approved

    issued = dossiers.approve_report(own, by=world.leader)
    own = reload(own)
    assert own.report_is_approved and own.report_approved_by == world.leader
    assert own.report_document == issued and issued.kind == "report"
    assert issued.metadata["nomination"] == own.pk
    assert Path(issued.file.path).read_bytes().startswith(b"%PDF")
    [event] = events("awards.nomination.report_approved")
    assert after(event) == {"approved": True, "document": issued.code}
    with pytest.raises(DomainError, match="already approved"):
        dossiers.approve_report(own, by=world.leader)
    assert IssuedDocument.objects.filter(kind="report").count() == 1


# Attestations and eligibility ---------------------------------------------------------------


def test_every_attestation_must_be_answered(world: World, own: Nomination) -> None:
    with pytest.raises(DomainError, match="Answer every attestation"):
        dossiers.attest(own, by=world.leader, answers={"no_discipline": True})
    with pytest.raises(DomainError, match="does not ask for"):
        dossiers.attest(
            own,
            by=world.leader,
            answers={"no_discipline": True, "no_inspection": True, "no_complaint": True, "x": True},
        )
    own = reload(own)
    assert own.attestations == {} and own.attested_at is None


def test_attesting_runs_the_eligibility_check_again(world: World, own: Nomination) -> None:
    assert not passes(own.eligibility)  # waiting for the attestations
    dossiers.attest(
        own,
        by=world.leader,
        answers={"no_discipline": True, "no_inspection": True, "no_complaint": True},
    )
    own = reload(own)
    assert passes(own.eligibility)
    assert own.attested_by == world.leader
    [event] = events("awards.nomination.attested")
    assert before(event)["passes"] is False and after(event)["passes"] is True


def test_a_unit_that_cannot_attest_does_not_pass(world: World, own: Nomination) -> None:
    dossiers.attest(
        own,
        by=world.leader,
        answers={"no_discipline": True, "no_inspection": False, "no_complaint": True},
    )
    own = reload(own)
    assert not passes(own.eligibility)
    failed = [r for r in own.eligibility if r["passed"] is False]
    assert [r["code"] for r in failed] == ["attest:no_inspection"]
    assert failed[0]["data"] == "The unit could not attest it."


def test_only_the_leader_attests(world: World, own: Nomination) -> None:
    for person in (world.officer, world.secretariat, world.admin):
        with pytest.raises(DomainError, match="Only the leader of Ban Tuyên giáo"):
            dossiers.attest(
                own,
                by=person,
                answers={"no_discipline": True, "no_inspection": True, "no_complaint": True},
            )
    assert reload(own).attestations == {}


def test_refreshing_the_check_after_a_withdrawal_lifts_the_per_block_limit(
    world: World,
) -> None:
    award = make_award_type("one-per-block", max_per_block=1, attestations=[])
    first, second = make_nominations(world, award.code, units=[world.units[2], world.units[3]])
    assert not passes(first.eligibility)  # the other one takes the only place
    dossiers.withdraw_nomination(second, by=world.secretariat, reason="Đơn vị xin rút")
    refreshed = dossiers.refresh_eligibility(first, by=world.secretariat)
    assert passes(reload(refreshed).eligibility)
    [event] = events("awards.nomination.eligibility_checked")
    assert before(event)["failed"] == ["per_block"] and after(event)["passes"] is True


# Attached documents -------------------------------------------------------------------------


def test_an_attached_document_is_checked_and_kept_with_its_hash(
    world: World, own: Nomination
) -> None:
    upload = SimpleUploadedFile("Quyết định khen thưởng.pdf", PDF, "application/pdf")
    attached = dossiers.add_file(own, by=world.officer, uploaded=upload, description="QĐ 2025")
    assert attached.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attached.size == len(PDF) and attached.content_type == "application/pdf"
    assert attached.name == "Quyết định khen thưởng.pdf"
    assert Path(attached.file.path).read_bytes() == PDF
    [event] = events("awards.nomination.file_added")
    assert after(event)["sha256"] == attached.sha256


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    world: World, own: Nomination, settings: Any
) -> None:
    fake = SimpleUploadedFile("bao-cao.pdf", b"#!/bin/sh\necho hi\n", "application/pdf")
    with pytest.raises(DomainError, match="not accepted") as refused:
        dossiers.add_file(own, by=world.officer, uploaded=fake)
    assert refused.value.field == "file"
    assert not NominationFile.objects.exists()
    media = Path(settings.MEDIA_ROOT) / "nominations"
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_only_the_units_people_attach_and_remove_while_it_is_editable(
    world: World, own: Nomination
) -> None:
    upload = SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    with pytest.raises(DomainError, match="Only the people of"):
        dossiers.add_file(own, by=world.secretariat, uploaded=upload)
    attached = dossiers.add_file(own, by=world.leader, uploaded=upload)
    with pytest.raises(DomainError, match="Only the people of"):
        dossiers.remove_file(attached, by=world.staff)
    Nomination.objects.filter(pk=own.pk).update(status=Nomination.Status.SUBMITTED)
    with pytest.raises(DomainError, match="sent to the council"):
        dossiers.remove_file(attached, by=world.officer)
    assert NominationFile.objects.filter(pk=attached.pk).exists()
    Nomination.objects.filter(pk=own.pk).update(status=Nomination.Status.DRAFT)
    dossiers.remove_file(attached, by=world.officer)
    assert not NominationFile.objects.exists()
    [event] = events("awards.nomination.file_removed")
    assert before(event)["sha256"] == attached.sha256


# Withdrawing ----------------------------------------------------------------------------------


def test_the_secretariat_withdraws_a_draft_nomination_with_a_reason(
    world: World, own: Nomination
) -> None:
    with pytest.raises(DomainError, match="Give the reason") as refused:
        dossiers.withdraw_nomination(own, by=world.secretariat, reason="  ")
    assert refused.value.field == "reason"
    assert Nomination.objects.filter(pk=own.pk).exists()
    dossiers.withdraw_nomination(own, by=world.secretariat, reason="Đơn vị xin rút")
    assert not Nomination.objects.filter(pk=own.pk).exists()
    [event] = events("awards.nomination.withdrawn")
    assert event.reason == "Đơn vị xin rút" and before(event)["unit"] == "Ban Tuyên giáo Tỉnh ủy"


def test_a_nomination_sent_to_the_council_cannot_be_withdrawn(
    world: World, own: Nomination
) -> None:
    Nomination.objects.filter(pk=own.pk).update(status=Nomination.Status.SUBMITTED)
    with pytest.raises(DomainError, match="not yet sent"):
        dossiers.withdraw_nomination(own, by=world.secretariat, reason="Muộn")
    assert Nomination.objects.filter(pk=own.pk).exists()


def test_a_complete_nomination_has_every_part_of_its_checklist(world: World) -> None:
    nomination = complete_nomination(make_nominations(world)[0])
    assert [item.done for item in nomination_checklist(nomination)] == [True] * 3
