"""Drafting, versions, consultation and adoption of the year's documents."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from covenants import services
from covenants.models import Comment, Document, DocumentVersion
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import COVENANT_TEXT, World, make_block_year, make_covenant


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_a_document_starts_as_a_draft_with_its_first_version(world: World) -> None:
    document = make_covenant(world)
    assert document.status == Document.Status.DRAFT
    version = document.versions.get()
    assert (version.number, version.is_frozen) == (1, False)
    assert version.targets.startswith("100%")


def test_a_year_has_one_covenant(world: World) -> None:
    make_covenant(world)
    with pytest.raises(DomainError, match="already has a document of that kind"):
        services.create_document(
            world.block_year, by=world.secretariat, kind="covenant", title="Khác", body="x"
        )


def test_a_revision_is_a_new_version_with_a_change_note(world: World) -> None:
    document = make_covenant(world)
    with pytest.raises(DomainError, match="Nothing was changed"):
        services.revise_document(document, by=world.secretariat, change_note="x", **COVENANT_TEXT)
    with pytest.raises(DomainError, match="what changed"):
        services.revise_document(
            document, by=world.secretariat, change_note=" ", **{**COVENANT_TEXT, "body": "Mới"}
        )
    version = services.revise_document(
        document, by=world.secretariat, change_note="Bổ sung", **{**COVENANT_TEXT, "body": "Mới"}
    )
    assert version.number == 2
    assert document.versions.get(number=1).body == COVENANT_TEXT["body"]


def test_comments_come_from_member_units_while_open(world: World) -> None:
    document = make_covenant(world)
    with pytest.raises(DomainError, match="not open for comments"):
        services.add_comment(document, world.units[2], by=world.leader, text="Góp ý")
    services.open_consultation(
        document, by=world.secretariat, until=timezone.localdate() + datetime.timedelta(days=7)
    )
    comment = services.add_comment(
        document, world.units[2], by=world.leader, text="Đề nghị bổ sung chỉ tiêu"
    )
    assert comment.version.number == 1
    with pytest.raises(DomainError, match="own unit"):
        services.add_comment(document, world.units[3], by=world.leader, text="x")
    with pytest.raises(DomainError, match="own unit"):
        services.add_comment(document, world.units[2], by=world.outsider, text="x")


def test_a_closed_consultation_takes_no_more_comments(world: World) -> None:
    document = make_covenant(world)
    services.open_consultation(document, by=world.secretariat, until=timezone.localdate())
    Document.objects.filter(pk=document.pk).update(
        consultation_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="not open for comments"):
        services.add_comment(document, world.units[2], by=world.leader, text="Muộn")


def test_declining_needs_a_reason_and_adoption_needs_every_answer(world: World) -> None:
    document = make_covenant(world)
    services.open_consultation(
        document, by=world.secretariat, until=timezone.localdate() + datetime.timedelta(days=7)
    )
    comment = services.add_comment(document, world.units[2], by=world.leader, text="Bỏ chỉ tiêu 2")
    with pytest.raises(DomainError, match="Answer every comment"):
        services.adopt_document(document, by=world.secretariat)
    with pytest.raises(DomainError, match="reason for declining"):
        services.answer_comment(
            comment, by=world.secretariat, answer=Comment.Answer.DECLINED, text=""
        )
    services.answer_comment(
        comment, by=world.secretariat, answer=Comment.Answer.DECLINED, text="Chỉ tiêu bắt buộc"
    )
    services.adopt_document(document, by=world.secretariat)
    document.refresh_from_db()
    version = document.versions.get()
    assert document.status == Document.Status.ADOPTED
    assert version.sha256 == version.compute_sha256() and len(version.sha256) == 64
    assert (
        AuditEvent.objects.filter(action="covenants.comment.answered").get().after["answer"]  # type: ignore[index]
        == "declined"
    )


def test_the_hash_binds_every_part_of_the_text(world: World) -> None:
    version = make_covenant(world, status="adopted").versions.get()
    original = version.sha256
    for field in DocumentVersion.CONTENT_FIELDS:
        changed = DocumentVersion(
            document=version.document,
            **{f: getattr(version, f) for f in DocumentVersion.CONTENT_FIELDS},
        )
        setattr(changed, field, getattr(version, field) + ".")
        assert changed.compute_sha256() != original, field


def test_a_new_year_starts_from_a_copy_of_last_years_documents(world: World) -> None:
    make_covenant(world, status="adopted")
    services.create_document(
        world.block_year,
        by=world.secretariat,
        kind="rules",
        title="Quy chế hoạt động năm 2026",
        body="Điều 1.",
    )
    next_year = make_block_year(world.block, world.units, year=2027, head=world.units[0])
    copied = services.copy_last_years_documents(next_year, by=world.secretariat)
    assert sorted(d.title for d in copied) == [
        "Giao ước thi đua năm 2027",
        "Quy chế hoạt động năm 2027",
    ]
    assert all(d.status == Document.Status.DRAFT for d in copied)
    covenant = next(d for d in copied if d.kind == "covenant")
    assert covenant.versions.get().targets == COVENANT_TEXT["targets"]
    with pytest.raises(DomainError, match="already been copied"):
        services.copy_last_years_documents(next_year, by=world.secretariat)


def test_a_year_with_no_earlier_year_cannot_copy(world: World) -> None:
    with pytest.raises(DomainError, match="no earlier year"):
        services.copy_last_years_documents(world.block_year, by=world.secretariat)


def test_the_signed_text_and_its_hash_do_not_depend_on_the_readers_language(world: World) -> None:
    version = make_covenant(world, status="adopted").versions.get()
    with translation.override("vi"):
        in_vietnamese = version.compute_sha256()
    with translation.override("en"):
        in_english = version.compute_sha256()
    assert in_vietnamese == in_english == version.sha256
