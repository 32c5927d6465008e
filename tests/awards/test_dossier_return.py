"""The council returns a nomination with a reason; the block fixes it and sends it again, and the
audit log says what changed since it was returned."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Dossier, Nomination
from awards.services import dossiers
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests.factories import World, make_complete_dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def before(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.before is not None
    return event.before


def after(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.after is not None
    return event.after


REASON = "Thiếu quyết định khen thưởng năm trước."


@pytest.fixture
def sent(world: World) -> list[Nomination]:
    nominations = make_complete_dossier(world)
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    return list(Nomination.objects.filter(pk__in=[n.pk for n in nominations]).order_by("pk"))


def leader_of(nomination: Nomination) -> User:
    return nomination.unit.roles.get(role="leader").user


def test_council_staff_return_a_nomination_with_the_reason(
    world: World, sent: list[Nomination]
) -> None:
    with pytest.raises(DomainError, match="Say why") as refused:
        dossiers.return_nomination(sent[0], by=world.staff, reason=" ")
    assert refused.value.field == "reason"
    returned = dossiers.return_nomination(sent[0], by=world.staff, reason=f"  {REASON} ")
    returned.refresh_from_db()
    assert returned.status == Nomination.Status.RETURNED
    assert returned.return_reason == REASON and returned.returned_by == world.staff
    event = AuditEvent.objects.get(action="awards.nomination.returned")
    assert event.reason == REASON
    assert (before(event)["status"], after(event)["status"]) == ("submitted", "returned")
    with pytest.raises(DomainError, match="Only a nomination sent to the council"):
        dossiers.return_nomination(returned, by=world.staff, reason="Lần nữa")


def test_a_draft_nomination_cannot_be_returned(world: World) -> None:
    nominations = make_complete_dossier(world)
    with pytest.raises(DomainError, match="Only a nomination sent to the council"):
        dossiers.return_nomination(nominations[0], by=world.staff, reason=REASON)
    assert Nomination.objects.get(pk=nominations[0].pk).status == "draft"


def test_returning_tells_the_secretariat_and_the_unit(
    world: World,
    sent: list[Nomination],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    nominee = next(n for n in sent if n.unit_id == world.units[3].pk)  # leader2's unit
    for person in (world.secretariat, world.leader2, world.leader, world.officer):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.return_nomination(nominee, by=world.staff, reason=REASON)
    # The head unit's officer and the nominee's leader; not the people of unrelated units.
    assert sorted(m.to[0] for m in mailoutbox) == ["leader2@example.vn", "secretariat@example.vn"]
    message = mailoutbox[0]
    assert message.subject.strip() == "The council returned the nomination of Báo Quảng Trị"
    assert REASON in message.body
    assert f"/nominations/{nominee.pk}/" in message.body


def test_nothing_changed_is_not_sent_again(world: World, sent: list[Nomination]) -> None:
    dossiers.return_nomination(sent[0], by=world.staff, reason=REASON)
    with pytest.raises(DomainError, match="Nothing changed since the council returned it"):
        dossiers.resubmit_nomination(sent[0], by=world.secretariat)
    assert Nomination.objects.get(pk=sent[0].pk).status == Nomination.Status.RETURNED


def test_an_incomplete_nomination_is_not_sent_again(world: World, sent: list[Nomination]) -> None:
    nomination = sent[0]
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    dossiers.save_report(nomination, by=leader_of(nomination), report_awards="Bổ sung QĐ.")
    with pytest.raises(DomainError, match="Achievement report approved"):
        dossiers.resubmit_nomination(nomination, by=world.secretariat)
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.RETURNED


def test_only_a_returned_nomination_is_sent_again(world: World, sent: list[Nomination]) -> None:
    with pytest.raises(DomainError, match="Only a nomination the council returned"):
        dossiers.resubmit_nomination(sent[0], by=world.secretariat)


def test_sending_again_records_what_changed_and_updates_the_manifest(
    world: World, sent: list[Nomination]
) -> None:
    nomination, other = sent[0], sent[1]
    leader = leader_of(nomination)
    dossier = Dossier.objects.get()
    first_sha = dossier.manifest_sha256
    other_entries = [d for d in dossier.manifest["documents"] if d.get("nomination") == other.pk]
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)

    dossiers.save_report(nomination, by=leader, report_awards="Năm 2025: Bằng khen (QĐ 125).")
    report = dossiers.approve_report(nomination, by=leader)
    attached = dossiers.add_file(
        nomination,
        by=leader,
        uploaded=SimpleUploadedFile("QĐ 125.pdf", PDF, "application/pdf"),
        description="Quyết định số 125/QĐ-UBND",
    )
    dossiers.resubmit_nomination(nomination, by=world.secretariat)

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    event = AuditEvent.objects.get(action="awards.nomination.resubmitted")
    assert after(event)["changed"] == [
        f"achievement_report:{report.sha256}",
        f"added:QĐ 125.pdf:{attached.sha256}",
    ]
    assert before(event)["manifest_sha256"] == first_sha
    assert before(event)["return_reason"] == REASON

    dossier.refresh_from_db()
    assert dossier.manifest_sha256 != first_sha
    assert dossier.manifest_sha256 == dossiers.manifest_sha256(dossier.manifest)
    assert after(event)["manifest_sha256"] == dossier.manifest_sha256
    mine = [d for d in dossier.manifest["documents"] if d.get("nomination") == nomination.pk]
    assert {d["sha256"] for d in mine} == {report.sha256, attached.sha256}
    assert hashlib.sha256(Path(attached.file.path).read_bytes()).hexdigest() == attached.sha256
    # The other nominations' entries are untouched.
    assert [d for d in dossier.manifest["documents"] if d.get("nomination") == other.pk] == (
        other_entries
    )


def test_a_removed_document_and_new_attestations_count_as_changes(world: World) -> None:
    nominations = make_complete_dossier(world)
    nomination = nominations[0]
    leader = leader_of(nomination)
    old = dossiers.add_file(
        nomination, by=leader, uploaded=SimpleUploadedFile("cu.pdf", PDF, "application/pdf")
    )
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    dossiers.remove_file(old, by=leader)
    dossiers.attest(
        nomination, by=leader, answers=dict.fromkeys(nomination.award_type.attestations, True)
    )
    dossiers.resubmit_nomination(nomination, by=world.secretariat)
    event = AuditEvent.objects.get(action="awards.nomination.resubmitted")
    assert after(event)["changed"] == [f"removed:cu.pdf:{old.sha256}", "attestations"]


def test_sending_again_tells_the_council_staff(
    world: World,
    sent: list[Nomination],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    world.staff.email = "staff@example.vn"
    world.staff.save(update_fields=["email"])
    nomination = sent[0]
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    leader = leader_of(nomination)
    dossiers.add_file(
        nomination, by=leader, uploaded=SimpleUploadedFile("moi.pdf", PDF, "application/pdf")
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.resubmit_nomination(nomination, by=world.secretariat)
    [message] = mailoutbox
    assert message.to == ["staff@example.vn"]
    assert f"The nomination of {nomination.unit_name} was sent again" in message.subject
