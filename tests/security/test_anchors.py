"""The audit chain anchored outside the database: every issued document prints the chain's head at
its issue, the public results page shows the latest, and `verify_audit` checks the chain against
those heads and files of saved heads. Someone with write access to the database who rewrites one
event and recomputes every later hash and the head, or cuts the last events and moves the head
back, leaves a chain that verifies on its own; the anchors catch both."""

from __future__ import annotations

import datetime
import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from blocks import services
from emulation.audit import verify_chain
from emulation.issued import issue_document
from emulation.models import AuditEvent, AuditHead, IssuedDocument
from tests.factories import World


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def verify_audit(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """The command's exit code (1 when it fails) and what it says. Called in-process, for the
    command line's runner closes the database connection (and with it the test's transaction)."""
    out = io.StringIO()
    try:
        call_command("verify_audit", *extra, stdout=out, stderr=out)
    except CommandError as error:
        return 1, str(error)
    return 0, out.getvalue()


def some_changes(world: World, n: int) -> None:
    for number in range(n):
        services.update_unit(world.units[number % 3], by=world.staff, short_name=f"ĐV {number}")


def issue(world: World) -> IssuedDocument:
    return issue_document(
        kind="minutes",
        title="Biên bản",
        issuer_name="Khối thi đua",
        template_name="pdf/official_text.html",
        context={"place": "Quảng Trị", "date": datetime.date(2026, 12, 20), "paragraphs": ["A."]},
        by=world.secretariat,
    )


def recompute_from(seq: int) -> None:
    """What the attacker does after editing event `seq` (or removing the events after it): every
    later hash recomputed, and the head moved to the new end, bypassing the application."""
    previous = AuditEvent.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or ""
    last = None
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = previous
        event.hash = event.compute_hash()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        previous = event.hash
        last = event
    if last is None:
        last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    AuditHead.objects.filter(id=1).update(last_seq=last.seq, last_hash=last.hash)


def reattribute(event: AuditEvent, actor_label: str) -> None:
    AuditEvent.objects.filter(pk=event.pk).update(actor=None, actor_label=actor_label)
    recompute_from(event.seq)


def cut_after(seq: int) -> None:
    AuditEvent.objects.filter(seq__gt=seq).delete()
    recompute_from(seq + 1)


def test_an_issued_document_prints_and_stores_the_chain_head(world: World) -> None:
    some_changes(world, 2)
    head = AuditHead.objects.get()
    document = issue(world)
    assert (document.chain_seq, document.chain_hash) == (head.last_seq, head.last_hash)
    reader = PdfReader(io.BytesIO(Path(document.file.path).read_bytes()))
    text = unicodedata.normalize("NFC", " ".join(page.extract_text() for page in reader.pages))
    assert f"Nhật ký: #{head.last_seq} {head.last_hash[:16]}" in " ".join(text.split())
    assert reader.metadata is not None
    assert reader.metadata["/Keywords"] == f"audit-chain-head {head.last_seq} {head.last_hash}"
    event = AuditEvent.objects.get(action="documents.issued")
    assert event.after is not None
    assert (event.after["chain_seq"], event.after["chain_hash"]) == (head.last_seq, head.last_hash)


def test_an_untouched_chain_agrees_with_every_anchor(world: World, capsys: Any) -> None:
    some_changes(world, 3)
    issue(world)
    some_changes(world, 2)
    code, output = verify_audit(capsys)
    assert code == 0 and "against 1 anchors" in output


def test_a_reattributed_event_with_every_later_hash_recomputed_is_caught(
    world: World, capsys: Any
) -> None:
    some_changes(world, 3)
    document = issue(world)
    some_changes(world, 2)
    victim = AuditEvent.objects.filter(action="blocks.unit.changed").order_by("seq")[1]
    reattribute(victim, "someone-else")
    assert verify_chain() is None  # the chain alone no longer tells
    code, output = verify_audit(capsys)
    assert code == 1
    assert f"broken at event #{document.chain_seq}" in output
    assert f"issued document {document.code}" in output
    assert "were rewritten" in output


def test_the_last_events_cut_and_the_head_moved_back_are_caught(world: World, capsys: Any) -> None:
    some_changes(world, 3)
    document = issue(world)
    assert document.chain_seq is not None
    cut_after(document.chain_seq - 2)
    assert verify_chain() is None
    code, output = verify_audit(capsys)
    assert code == 1
    assert f"event #{document.chain_seq} is missing" in output
    assert document.code in output


def test_a_file_of_saved_heads_catches_a_cut_with_the_documents_gone_too(
    world: World, client: Client, capsys: Any, tmp_path: Path
) -> None:
    """The attacker removes the issued documents as well; a head saved from the public page (or
    copied from a printed document) is still outside their reach."""
    some_changes(world, 4)
    page = client.get("/results/").content.decode()
    head = AuditHead.objects.get()
    shown = f"#{head.last_seq} {head.last_hash}"
    assert shown in page
    heads = tmp_path / "heads.txt"
    heads.write_text(f"// saved from /results/\n{shown}\n", encoding="utf-8")
    assert verify_audit(capsys, "--heads", str(heads))[0] == 0
    cut_after(head.last_seq - 2)
    assert verify_chain() is None
    code, output = verify_audit(capsys, "--heads", str(heads))
    assert code == 1
    assert f"event #{head.last_seq} is missing" in output and "heads.txt, line 2" in output


def test_a_short_printed_hash_is_enough_to_catch_a_recomputed_chain(
    world: World, capsys: Any, tmp_path: Path
) -> None:
    some_changes(world, 4)
    head = AuditHead.objects.get()
    heads = tmp_path / "heads.txt"
    heads.write_text(f"{head.last_seq} {head.last_hash[:16]}\n", encoding="utf-8")
    assert verify_audit(capsys, "--heads", str(heads))[0] == 0
    reattribute(AuditEvent.objects.get(seq=2), "someone-else")
    code, output = verify_audit(capsys, "--heads", str(heads))
    assert code == 1 and f"broken at event #{head.last_seq}" in output


@pytest.mark.parametrize("line", ["12", "12 xyz", "twelve 0123456789abcdef", "12 0123abc"])
def test_an_unreadable_heads_file_is_refused_with_its_line(
    world: World, capsys: Any, tmp_path: Path, line: str
) -> None:
    heads = tmp_path / "heads.txt"
    heads.write_text(f"\n{line}\n", encoding="utf-8")
    code, output = verify_audit(capsys, "--heads", str(heads))
    assert code == 1 and "heads.txt, line 2" in output
