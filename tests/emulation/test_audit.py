from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from emulation import audit
from emulation.models import AuditEvent
from tests.factories import make_authority, make_user


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    actor = make_user("actor")
    authority = make_authority()
    return [
        audit.record("test.created", actor=actor, obj=authority, after={"name": authority.name}),
        audit.record(
            "test.changed",
            actor=actor,
            obj=authority,
            before={"x": 1},
            after={"x": 2},
            reason="sửa",
        ),
        audit.record("test.changed", actor=None, label="system", after={"nested": {"b": [1, 2]}}),
        audit.record("test.closed", actor=actor, obj=authority, reason="đóng"),
    ]


def test_events_are_chained_each_to_the_one_before(chain: list[AuditEvent]) -> None:
    assert chain[0].prev_hash == ""
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1


def test_an_intact_chain_verifies(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("verify_audit")
    assert "4 events verified" in capsys.readouterr().out


def _raw_update(event: AuditEvent, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE emulation_auditevent SET {column} = %s WHERE id = %s", [value, event.pk]
        )


def test_an_altered_reason_is_caught_at_that_event(chain: list[AuditEvent]) -> None:
    _raw_update(chain[1], "reason", "lý do khác")
    with pytest.raises(CommandError, match=rf"event #2 \(id {chain[1].pk}\)"):
        call_command("verify_audit")


def test_an_altered_value_recomputed_with_its_own_hash_breaks_the_next_link(
    chain: list[AuditEvent],
) -> None:
    event = AuditEvent.objects.get(pk=chain[1].pk)
    event.reason = "giả mạo"
    forged = event.compute_hash()
    _raw_update(event, "reason", "giả mạo")
    _raw_update(event, "hash", forged)
    with pytest.raises(CommandError, match=rf"event #3 \(id {chain[2].pk}\)"):
        call_command("verify_audit")


def test_a_removed_event_in_the_middle_is_caught(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).delete()
    with pytest.raises(CommandError, match=r"event #2 .*missing"):
        call_command("verify_audit")


def test_a_removed_last_event_is_caught(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    with pytest.raises(CommandError, match=r"event #4 .*missing"):
        call_command("verify_audit")


def test_an_empty_log_verifies(db: None) -> None:
    call_command("verify_audit")


def test_change_records_only_the_fields_that_changed(db: None) -> None:
    actor = make_user()
    authority = make_authority(short_name="Cũ")
    changed = audit.change(
        authority, {"short_name": "Mới", "place": authority.place}, by=actor, action="test.edit"
    )
    assert changed == ["short_name"]
    event = AuditEvent.objects.get(action="test.edit")
    assert (event.before, event.after) == ({"short_name": "Cũ"}, {"short_name": "Mới"})
    assert audit.change(authority, {"short_name": "Mới"}, by=actor, action="test.edit") == []
    assert AuditEvent.objects.filter(action="test.edit").count() == 1
