"""The dossier: its checklist item by item, the proposal letter, and sending it to the council as
one package with a manifest of SHA-256 hashes, before the deadline."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.documents import ballot_minutes
from awards.models import AwardType, Ballot, Dossier, Nomination
from awards.models.nominations import passes
from awards.services import ballots, dossiers
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import (
    REPORT_TEXT,
    World,
    complete_nomination,
    make_complete_dossier,
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


def checklist(world: World) -> dict[str, bool]:
    """Each item by its label (prefixed with the nominee's name for a nominee's items)."""
    return {
        (f"{item.group}: " if item.group else "") + item.label: item.done
        for item in Dossier.objects.state_of(world.block_year).items
    }


def issue_letter(world: World, number: str = "05/TTr-KTĐ") -> Any:
    return dossiers.issue_proposal_letter(
        world.block_year,
        by=world.secretariat,
        number=number,
        signer_name="Nguyễn Văn An",
        signer_title="Chánh Văn phòng Tỉnh ủy",
    )


MINUTES = "Minutes of the deliberation meeting issued"
NO_BALLOT = "No ballot open or in preparation"
SOME = "At least one nomination"
LETTER = "Proposal letter issued, listing every nominee"
AWARD = "Chairman's Certificate of Merit"


def test_an_empty_year_lists_what_the_dossier_lacks(world: World) -> None:
    assert checklist(world) == {MINUTES: False, NO_BALLOT: True, SOME: False, LETTER: False}


def test_the_checklist_follows_the_dossier_item_by_item(world: World) -> None:
    nominations = make_nominations(world)
    names = [n.unit_name for n in nominations]
    items = checklist(world)
    assert items[MINUTES] is False and items[SOME] is True and items[LETTER] is False
    for name in names:
        assert items[f"{name} – {AWARD}: Achievement report approved by the unit's leader"] is False
        assert items[f"{name} – {AWARD}: Attestations given"] is False
        assert items[f"{name} – {AWARD}: Eligibility check passes"] is False

    first = nominations[0]
    leader = first.unit.roles.get(role="leader").user
    dossiers.save_report(first, by=leader, **REPORT_TEXT)
    dossiers.approve_report(first, by=leader)
    items = checklist(world)
    assert items[f"{names[0]} – {AWARD}: Achievement report approved by the unit's leader"]
    assert not items[f"{names[0]} – {AWARD}: Attestations given"]
    dossiers.attest(first, by=leader, answers=dict.fromkeys(first.award_type.attestations, True))
    items = checklist(world)
    assert items[f"{names[0]} – {AWARD}: Attestations given"]
    assert items[f"{names[0]} – {AWARD}: Eligibility check passes"]

    for nomination in nominations[1:]:
        complete_nomination(nomination)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert checklist(world)[MINUTES] and not checklist(world)[LETTER]
    issue_letter(world)
    state = Dossier.objects.state_of(world.block_year)
    assert state.complete and state.done == len(state.items) == 4 + 3 * len(nominations)


def test_a_ballot_left_open_keeps_the_dossier_incomplete(world: World) -> None:
    make_complete_dossier(world)
    ballots.create_ballot(world.block_year, by=world.secretariat, kind=Ballot.Kind.HEAD)
    items = checklist(world)
    assert items[NO_BALLOT] is False
    with pytest.raises(DomainError, match="No ballot open or in preparation"):
        dossiers.submit_dossier(world.block_year, by=world.secretariat)


def test_the_letter_must_be_issued_again_when_a_nomination_changes(world: World) -> None:
    nominations = make_complete_dossier(world)
    assert checklist(world)[LETTER]
    dossiers.withdraw_nomination(nominations[0], by=world.secretariat, reason="Đơn vị xin rút")
    [letter] = [i for i in Dossier.objects.state_of(world.block_year).items if i.label == LETTER]
    assert not letter.done and "issue it again" in letter.detail
    issue_letter(world, "06/TTr-KTĐ")
    assert checklist(world)[LETTER]


def test_the_letter_must_be_issued_again_after_new_minutes(world: World) -> None:
    make_complete_dossier(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    [letter] = [i for i in Dossier.objects.state_of(world.block_year).items if i.label == LETTER]
    assert not letter.done and "minutes were issued again" in letter.detail


def test_minutes_issued_before_a_later_ballot_must_be_issued_again(world: World) -> None:
    make_nominations(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert checklist(world)[MINUTES]
    make_nominations(world, "pm-certificate")
    [item] = [i for i in Dossier.objects.state_of(world.block_year).items if i.label == MINUTES]
    assert not item.done and "issue them again" in item.detail


def test_the_letter_needs_the_minutes_and_closed_ballots_first(world: World) -> None:
    with pytest.raises(DomainError, match="no nomination"):
        issue_letter(world)
    make_nominations(world)
    with pytest.raises(DomainError, match="Issue the minutes"):
        issue_letter(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    ballots.create_ballot(world.block_year, by=world.secretariat, kind=Ballot.Kind.HEAD)
    with pytest.raises(DomainError, match="still open or in preparation"):
        issue_letter(world)
    assert Dossier.objects.get().proposal_letter is None


def test_the_letter_needs_a_number_and_a_signer(world: World) -> None:
    make_nominations(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    with pytest.raises(DomainError) as refused:
        issue_letter(world, number="  ")
    assert refused.value.field == "number"
    with pytest.raises(DomainError) as refused:
        dossiers.issue_proposal_letter(
            world.block_year, by=world.secretariat, number="05", signer_name="", signer_title=""
        )
    assert refused.value.field == "signer_name"


def test_issuing_the_letter_again_replaces_it_and_records_both(world: World) -> None:
    make_complete_dossier(world)
    first = Dossier.objects.get().proposal_letter
    assert first is not None
    second = issue_letter(world, "07/TTr-KTĐ")
    dossier = Dossier.objects.get()
    assert dossier.proposal_letter == second and dossier.letter_number == "07/TTr-KTĐ"
    events = AuditEvent.objects.filter(action="awards.dossier.letter_issued").order_by("seq")
    assert [after(e)["letter"] for e in events] == [first.code, second.code]
    assert before(events.last()) == {"letter": first.code}


# Sending ----------------------------------------------------------------------------------------


def test_an_incomplete_dossier_is_refused_and_nothing_changes(world: World) -> None:
    nominations = make_nominations(world)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    with pytest.raises(DomainError, match="not complete") as refused:
        dossiers.submit_dossier(world.block_year, by=world.secretariat)
    assert "Proposal letter issued" in refused.value.message
    assert f"{nominations[0].unit_name} – {AWARD}: Achievement report" in refused.value.message
    dossier = Dossier.objects.get()
    assert dossier.status == Dossier.Status.DRAFT and dossier.manifest == {}
    assert set(Nomination.objects.values_list("status", flat=True)) == {"draft"}
    assert not AuditEvent.objects.filter(action="awards.dossier.submitted").exists()


def test_the_dossier_is_refused_after_its_deadline(world: World) -> None:
    make_complete_dossier(world)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    world.block_year.dossier_deadline = yesterday
    world.block_year.save(update_fields=["dossier_deadline"])
    with pytest.raises(DomainError, match=yesterday.strftime("%d/%m/%Y")):
        dossiers.submit_dossier(world.block_year, by=world.secretariat)
    assert Dossier.objects.get().status == Dossier.Status.DRAFT


def test_the_dossier_is_accepted_on_its_last_day(world: World) -> None:
    make_complete_dossier(world)
    world.block_year.dossier_deadline = timezone.localdate()
    world.block_year.save(update_fields=["dossier_deadline"])
    assert dossiers.submit_dossier(world.block_year, by=world.secretariat).status == "submitted"


def test_sending_packs_every_part_with_hashes_that_match_the_stored_files(
    world: World,
) -> None:
    nominations = make_complete_dossier(world)
    attached = dossiers.add_file(
        nominations[0],
        by=nominations[0].unit.roles.get(role="leader").user,
        uploaded=SimpleUploadedFile("QĐ khen thưởng 2025.pdf", PDF, "application/pdf"),
        description="Quyết định khen thưởng năm 2025",
    )
    dossier = dossiers.submit_dossier(world.block_year, by=world.secretariat)
    manifest = dossier.manifest
    parts = [d["part"] for d in manifest["documents"]]
    assert parts.count("proposal_letter") == 1 and parts.count("minutes") == 1
    assert parts.count("achievement_report") == len(nominations)
    assert parts.count("attachment") == 1
    assert manifest["block_year"]["year"] == world.block_year.year
    letter, minutes_ = dossier.proposal_letter, dossier.minutes
    assert dossier.submitted_at is not None and letter is not None and minutes_ is not None
    assert manifest["submitted_at"] == dossier.submitted_at.isoformat()

    reports = [n.report_document for n in _reloaded(nominations) if n.report_document]
    stored = {
        letter.code: letter.file.path,
        minutes_.code: minutes_.file.path,
        **{report.code: report.file.path for report in reports},
    }
    for entry in manifest["documents"]:
        path = stored[entry["code"]] if "code" in entry else attached.file.path
        content = Path(path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), entry["title"]
        assert entry["size"] == len(content)
    canonical = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert dossier.manifest_sha256 == hashlib.sha256(canonical.encode()).hexdigest()

    assert dossier.status == Dossier.Status.SUBMITTED and dossier.submitted_by == world.secretariat
    assert set(Nomination.objects.values_list("status", flat=True)) == {"submitted"}
    assert all(n.submitted_at == dossier.submitted_at for n in _reloaded(nominations))
    event = AuditEvent.objects.get(action="awards.dossier.submitted")
    assert after(event)["manifest_sha256"] == dossier.manifest_sha256


def _reloaded(nominations: list[Nomination]) -> list[Nomination]:
    return list(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).select_related(
            "report_document"
        )
    )


def test_a_dossier_is_sent_once(world: World) -> None:
    make_complete_dossier(world)
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    with pytest.raises(DomainError, match="was sent to the council on"):
        dossiers.submit_dossier(world.block_year, by=world.secretariat)
    with pytest.raises(DomainError, match="was sent to the council on"):
        issue_letter(world)
    assert AuditEvent.objects.filter(action="awards.dossier.submitted").count() == 1


def test_a_stored_file_altered_since_upload_stops_the_package(world: World) -> None:
    nominations = make_complete_dossier(world)
    attached = dossiers.add_file(
        nominations[0],
        by=nominations[0].unit.roles.get(role="leader").user,
        uploaded=SimpleUploadedFile("bang-khen.pdf", PDF, "application/pdf"),
    )
    Path(attached.file.path).write_bytes(PDF + b"% altered\n")
    with pytest.raises(DomainError, match=r"bang-khen\.pdf no longer matches"):
        dossiers.submit_dossier(world.block_year, by=world.secretariat)
    assert Dossier.objects.get().status == Dossier.Status.DRAFT


def test_the_rules_are_checked_again_when_the_dossier_is_sent(world: World) -> None:
    """A rule that stopped being met since the last check (here: the award now allows fewer
    proposals per block) stops the package."""
    make_complete_dossier(world)
    AwardType.objects.filter(code="chairman-certificate").update(max_per_block=1)
    with pytest.raises(DomainError, match="Eligibility check passes"):
        dossiers.submit_dossier(world.block_year, by=world.secretariat)
    stored = Nomination.objects.first()
    assert stored is not None and passes(stored.eligibility)  # nothing half-saved


def test_sending_tells_the_council_staff(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    world.staff.email, world.member.email = "staff@example.vn", "member@example.vn"
    world.staff.save(update_fields=["email"])
    world.member.save(update_fields=["email"])
    nominations = make_complete_dossier(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossiers.submit_dossier(world.block_year, by=world.secretariat)
    [message] = mailoutbox
    assert message.to == ["staff@example.vn"]
    assert "Nomination dossier of" in message.subject
    assert dossier.manifest_sha256 in message.body
    for nomination in nominations:
        assert nomination.unit_name in message.body
