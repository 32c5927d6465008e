"""Someone with write access to the database edits history behind the application's back;
`manage.py verify_audit` exits non-zero and names the first event that no longer fits.

tests/emulation/test_audit.py covers an altered reason, a forged hash, and removed events; these
cases change what was recorded about real registry changes, who made them, when, and in what order.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.management import ManagementUtility
from django.db import connection

from blocks import services
from emulation.models import AuditEvent, AuditHead
from tests.factories import World


def verify_audit(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `manage.py verify_audit` as the command line does: its exit code and its output."""
    try:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    except SystemExit as exit:
        code = int(exit.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def set_json(event: AuditEvent, column: str, value: Any) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql(
        f"UPDATE emulation_auditevent SET {column} = {cast} WHERE id = %s",
        [json.dumps(value), event.pk],
    )


@pytest.fixture
def history(world: World) -> list[AuditEvent]:
    """Real registry changes, each recorded by its service."""
    unit = world.units[3]
    services.rename_unit(
        unit,
        by=world.staff,
        name="Báo và Phát thanh, Truyền hình Quảng Trị",
        short_name="BPTTH",
        effective_date=datetime.date(2026, 3, 1),
        reason="Hợp nhất theo Quyết định 123/QĐ-UBND",
    )
    services.set_leadership(
        world.block_year, by=world.staff, head=world.units[1], deputies=[world.units[0]]
    )
    services.record_contribution(
        world.activity, world.units[2], by=world.secretariat, books=50, money_vnd=2_000_000
    )
    return list(AuditEvent.objects.order_by("seq"))


def test_untouched_history_verifies(history: list[AuditEvent], capsys: Any) -> None:
    code, output = verify_audit(capsys)
    assert code == 0, output
    assert f"{len(history)} events verified" in output


def test_a_unit_name_changed_inside_a_recorded_rename_is_caught(
    history: list[AuditEvent], capsys: Any
) -> None:
    rename = next(e for e in history if e.action == "blocks.unit.renamed")
    set_json(rename, "after", {**(rename.after or {}), "name": "Một tên khác"})
    code, output = verify_audit(capsys)
    assert code == 1
    assert f"event #{rename.seq} (id {rename.pk})" in output
    assert "does not match its hash" in output


def test_a_recorded_leadership_change_rewritten_is_caught(
    history: list[AuditEvent], capsys: Any, world: World
) -> None:
    event = next(e for e in history if e.action == "blocks.blockyear.leadership_set")
    set_json(event, "after", {"head": world.units[3].pk, "deputies": []})
    code, output = verify_audit(capsys)
    assert (code, f"event #{event.seq} (id {event.pk})" in output) == (1, True)


def test_a_change_attributed_to_someone_else_is_caught(
    history: list[AuditEvent], capsys: Any, world: World
) -> None:
    event = history[-1]
    sql(
        "UPDATE emulation_auditevent SET actor_id = %s, actor_label = %s WHERE id = %s",
        [world.leader.pk, world.leader.username, event.pk],
    )
    code, output = verify_audit(capsys)
    assert (code, f"event #{event.seq} (id {event.pk})" in output) == (1, True)


def test_a_backdated_event_is_caught(history: list[AuditEvent], capsys: Any) -> None:
    event = history[1]
    sql(
        "UPDATE emulation_auditevent SET created_at = %s WHERE id = %s",
        [event.created_at - datetime.timedelta(days=30), event.pk],
    )
    code, output = verify_audit(capsys)
    assert (code, f"event #{event.seq} (id {event.pk})" in output) == (1, True)


def test_two_events_swapped_in_order_are_caught(history: list[AuditEvent], capsys: Any) -> None:
    first, second = history[0], history[1]
    sql("UPDATE emulation_auditevent SET seq = %s WHERE id = %s", [10_000, first.pk])
    sql("UPDATE emulation_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
    sql("UPDATE emulation_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
    code, output = verify_audit(capsys)
    assert code == 1
    assert f"event #{first.seq} (id {second.pk})" in output, "the event now in first place"


def test_a_rewritten_end_of_the_chain_is_caught(history: list[AuditEvent], capsys: Any) -> None:
    AuditHead.objects.update(last_hash="0" * 64)
    code, output = verify_audit(capsys)
    assert code == 1
    assert "end of the chain" in output
