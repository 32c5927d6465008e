"""RFC 3161 time-stamps of the audit chain's head, from a local authority on 127.0.0.1."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from django.core.management import CommandError, call_command
from django.db import connection

from emulation import audit, timestamps
from emulation.models import AuditEvent, AuditHead, AuditTimestamp
from tests.factories import make_authority, make_user
from tests.pki import (
    Identity,
    TSAServer,
    dummy_timestamper,
    issue,
    local_tsa,
    make_ca,
    unused_local_url,
)


@pytest.fixture(scope="module")
def root() -> Identity:
    return make_ca("Audit Test Root CA")


@pytest.fixture(scope="module")
def tsa_identity(root: Identity) -> Identity:
    return issue(root, "Audit Test TSA", time_stamping=True)


@pytest.fixture
def tsa(settings: Any, root: Identity, tsa_identity: Identity) -> Iterator[TSAServer]:
    with local_tsa(tsa_identity, root) as server:
        settings.AUDIT_TSA_URL = server.url
        yield server


@pytest.fixture
def trusted(settings: Any, tmp_path: Path, root: Identity) -> None:
    settings.AUDIT_TSA_TRUST_ROOTS = str(root.write_pem(tmp_path / "root.pem"))


@pytest.fixture
def events(db: None) -> list[AuditEvent]:
    actor = make_user("actor")
    authority = make_authority()
    return [
        audit.record("test.created", actor=actor, obj=authority, after={"name": "A"}),
        audit.record("test.changed", actor=actor, obj=authority, after={"x": 2}, reason="r"),
        audit.record("test.closed", actor=actor, obj=authority, reason="đóng"),
    ]


def _rewrite_from(event: AuditEvent, *, actor_label: str) -> None:
    """What an attacker with the database does: re-attribute one event, recompute its hash and
    every later one, and move the head to the new end."""
    rows = list(AuditEvent.objects.filter(seq__gte=event.seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=event.seq - 1).hash if event.seq > 1 else ""
    for row in rows:
        if row.pk == event.pk:
            row.actor_label = actor_label
        row.prev_hash = prev
        row.hash = row.compute_hash()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE emulation_auditevent SET actor_label = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [row.actor_label, row.prev_hash, row.hash, row.pk],
            )
        prev = row.hash
    AuditHead.objects.filter(id=1).update(last_hash=prev)


def test_the_head_is_time_stamped_over_rfc_3161_and_the_token_stored(
    events: list[AuditEvent], tsa: TSAServer, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("stamp_audit_head")

    stamp = AuditTimestamp.objects.get()
    assert (stamp.seq, stamp.chain_hash) == (events[-1].seq, events[-1].hash)
    assert "Audit Test TSA" in stamp.tsa_name
    token = cms.ContentInfo.load(bytes(stamp.token))
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    message = f"emulation-audit-head:v1:{stamp.seq}:{stamp.chain_hash}".encode()
    assert tst_info["message_imprint"]["hashed_message"].native == hashlib.sha256(message).digest()
    assert tst_info["gen_time"].native == stamp.gen_time
    assert tsa.requests == 1
    recorded = AuditEvent.objects.get(action=timestamps.STAMPED).after
    assert isinstance(recorded, dict)
    assert recorded["seq"] == events[-1].seq
    assert recorded["token_sha256"] == hashlib.sha256(bytes(stamp.token)).hexdigest()
    assert f"event #{events[-1].seq}" in capsys.readouterr().out


def test_an_unmoved_head_is_not_stamped_again_but_a_moved_one_is(
    events: list[AuditEvent], tsa: TSAServer, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("stamp_audit_head")
    call_command("stamp_audit_head")
    assert AuditTimestamp.objects.count() == 1
    assert "has not moved" in capsys.readouterr().out

    later = audit.record("test.more", actor=None, label="system")
    call_command("stamp_audit_head")
    assert list(AuditTimestamp.objects.order_by("seq").values_list("seq", flat=True)) == [
        events[-1].seq,
        later.seq,
    ]


def test_an_empty_chain_is_not_stamped(db: None, tsa: TSAServer) -> None:
    call_command("stamp_audit_head")
    assert not AuditTimestamp.objects.exists()


def test_an_unreachable_authority_is_named_and_nothing_is_stored(
    events: list[AuditEvent], settings: Any
) -> None:
    settings.AUDIT_TSA_URL = unused_local_url()
    settings.AUDIT_TSA_TIMEOUT = 2
    with pytest.raises(CommandError, match=r"gave no time-stamp.*Nothing was stored"):
        call_command("stamp_audit_head")
    assert not AuditTimestamp.objects.exists()
    assert not AuditEvent.objects.filter(action=timestamps.STAMPED).exists()


def test_stamping_without_an_authority_configured_says_what_to_set(
    events: list[AuditEvent], settings: Any
) -> None:
    settings.AUDIT_TSA_URL = ""
    with pytest.raises(CommandError, match="AUDIT_TSA_URL"):
        call_command("stamp_audit_head")


def test_verify_audit_checks_the_chain_against_its_time_stamps(
    events: list[AuditEvent], tsa: TSAServer, trusted: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("stamp_audit_head")
    audit.record("test.after", actor=None, label="system")
    call_command("stamp_audit_head")

    call_command("verify_audit")
    assert "against 2 anchors" in capsys.readouterr().out


def test_a_chain_rewritten_after_a_stamp_is_caught_by_the_token(
    events: list[AuditEvent], tsa: TSAServer, trusted: None
) -> None:
    call_command("stamp_audit_head")
    call_command("verify_audit")

    _rewrite_from(events[1], actor_label="someone else")

    with pytest.raises(CommandError, match=r"event #3 .*time-stamp of event #3.*rewritten"):
        call_command("verify_audit")


def test_a_chain_cut_back_after_a_stamp_is_caught_by_the_token(
    events: list[AuditEvent], tsa: TSAServer
) -> None:
    call_command("stamp_audit_head")
    stamped_at = AuditTimestamp.objects.get().seq
    AuditEvent.objects.filter(seq__gte=stamped_at).delete()
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    AuditHead.objects.filter(id=1).update(last_seq=last.seq, last_hash=last.hash)

    with pytest.raises(CommandError, match=rf"event #{stamped_at} is missing.*cut"):
        call_command("verify_audit")


def test_a_token_moved_to_a_rewritten_head_fails_its_imprint(
    events: list[AuditEvent], tsa: TSAServer
) -> None:
    call_command("stamp_audit_head")
    _rewrite_from(events[1], actor_label="someone else")
    AuditTimestamp.objects.update(chain_hash=AuditEvent.objects.get(seq=3).hash)

    with pytest.raises(CommandError, match="time-stamps another head"):
        call_command("verify_audit")


def test_an_altered_token_fails_its_signature(events: list[AuditEvent], tsa: TSAServer) -> None:
    call_command("stamp_audit_head")
    stamp = AuditTimestamp.objects.get()
    token = cms.ContentInfo.load(bytes(stamp.token))
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    # Move the token's time by a year, keeping everything else.
    der = bytes(stamp.token)
    old = tst_info["gen_time"].dump()
    new = old.replace(old[2:6], str(int(old[2:6]) + 1).encode())
    assert der.count(old) == 1
    AuditTimestamp.objects.update(token=der.replace(old, new))

    with pytest.raises(CommandError, match=r"event #3 .*signature is not valid"):
        call_command("verify_audit")


def test_a_token_from_an_authority_outside_the_trust_roots_is_refused(
    events: list[AuditEvent], root: Identity, trusted: None
) -> None:
    rogue_root = make_ca("Rogue Root CA")
    rogue = issue(rogue_root, "Rogue TSA", time_stamping=True)
    stamp = timestamps.stamp_head(stamper=dummy_timestamper(rogue, rogue_root))
    assert stamp is not None

    with pytest.raises(CommandError, match="not signed by a trusted time-stamping authority"):
        call_command("verify_audit")


def test_garbage_in_place_of_a_token_is_named(events: list[AuditEvent], tsa: TSAServer) -> None:
    call_command("stamp_audit_head")
    AuditTimestamp.objects.update(token=b"\x30\x03\x02\x01\x01")

    with pytest.raises(CommandError, match="cannot be read as a time-stamp"):
        call_command("verify_audit")


def test_a_deleted_token_is_caught_by_its_stamp_event(
    events: list[AuditEvent], tsa: TSAServer
) -> None:
    call_command("stamp_audit_head")
    AuditTimestamp.objects.all().delete()

    with pytest.raises(CommandError, match="is no longer stored"):
        call_command("verify_audit")
