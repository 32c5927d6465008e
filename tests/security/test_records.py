"""Records checked against their history: someone with write access to the database rewrites a
signature, a final score, a published ranking or an issued document directly (the audit chain
untouched); `manage.py verify_records` names each record that no longer agrees with its event."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from covenants import services as covenants
from covenants.models import Signature
from emulation.audit import verify_chain
from emulation.models import IssuedDocument
from scoring import services as scoring
from scoring.models import Ranking, RankingRow, Score
from tests.factories import World, finalise_all, make_covenant, make_leaders, open_assessment


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def verify_records() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def signed(world: World) -> list[Signature]:
    document = make_covenant(world, status="signing")
    for unit, leader in zip(world.units, make_leaders(world), strict=True):
        covenants.sign_covenant(document, unit, by=leader, password="demo12345")
    return list(Signature.objects.order_by("pk"))


@pytest.fixture
def published(world: World) -> Ranking:
    table = open_assessment(world)
    finalise_all(world, table)
    return scoring.publish_ranking(table, by=world.secretariat)


def test_untouched_signatures_and_documents_agree_with_their_history(
    world: World, signed: list[Signature]
) -> None:
    assert IssuedDocument.objects.exists()
    assert verify_records() == (0, "Every checked record agrees with the audit log.\n")


def test_untouched_scores_and_rankings_agree_with_their_history(
    world: World, published: Ranking
) -> None:
    assert Score.objects.filter(sheet__status="final", self_points__gt=0).exists()
    assert verify_records() == (0, "Every checked record agrees with the audit log.\n")


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("signer", "other", "its signer is"),
        ("method", "password_totp", "its method is 'password_totp'"),
        ("ip", "203.0.113.9", "its IP address is '203.0.113.9'"),
    ],
)
def test_a_rewritten_signature_is_named(
    world: World, signed: list[Signature], field: str, value: Any, named: str
) -> None:
    victim = signed[1]
    if value == "other":
        value = world.secretariat
    Signature.objects.filter(pk=victim.pk).update(**{field: value})
    assert verify_chain() is None
    code, output = verify_records()
    assert code == 1
    assert f"covenants.signature {victim.pk} ({victim.unit_name}" in output and named in output
    assert "1 records disagree" in output


def test_a_final_score_multiplied_by_five_is_named(world: World, published: Ranking) -> None:
    score = Score.objects.filter(sheet__status="final", self_points__gt=0).first()
    assert score is not None and score.self_points is not None
    Score.objects.filter(pk=score.pk).update(self_points=score.self_points * 5)
    code, output = verify_records()
    assert code == 1 and f"scoring.score {score.pk} " in output
    assert f"self points is Decimal('{score.self_points * 5}')" in output


def test_reviewed_points_no_event_recorded_are_named(world: World, published: Ranking) -> None:
    score = Score.objects.filter(sheet__status="final").first()
    assert score is not None
    Score.objects.filter(pk=score.pk).update(
        reviewed_points=Decimal("0.5"), review_reason="Sửa lại"
    )
    code, output = verify_records()
    assert code == 1 and "no audit event records its reviewed points" in output


def test_a_rewritten_ranking_is_named(world: World, published: Ranking) -> None:
    row = published.rows.order_by("rank").last()
    assert row is not None
    RankingRow.objects.filter(pk=row.pk).update(total=row.total * 5)
    code, output = verify_records()
    assert code == 1
    assert f"scoring.ranking {published.pk} " in output and "no longer hash" in output


def test_a_ranking_rehashed_after_its_rows_were_rewritten_is_named(
    world: World, published: Ranking
) -> None:
    Ranking.objects.filter(pk=published.pk).update(sha256="f" * 64)
    code, output = verify_records()
    assert code == 1 and "differs from the one recorded at its publication" in output


def test_an_issued_document_replaced_with_its_hash_updated_is_named(
    world: World, signed: list[Signature]
) -> None:
    document = IssuedDocument.objects.get()
    forged = Path(document.file.path).read_bytes() + b"%forged\n"
    Path(document.file.path).write_bytes(forged)
    IssuedDocument.objects.filter(pk=document.pk).update(
        sha256=hashlib.sha256(forged).hexdigest(), size=len(forged)
    )
    code, output = verify_records()
    assert code == 1
    assert f"emulation.issueddocument {document.pk} ({document.code})" in output
    assert "recorded in the audit log" in output


def test_an_issued_file_changed_on_disk_is_named(world: World, signed: list[Signature]) -> None:
    document = IssuedDocument.objects.get()
    with Path(document.file.path).open("ab") as handle:
        handle.write(b"\n")
    code, output = verify_records()
    assert code == 1 and document.code in output and "bytes do not match" in output
