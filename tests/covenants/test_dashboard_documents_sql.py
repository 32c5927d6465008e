"""The documents steps' state, read in one hand-written statement (`covenants.dashboard._state`),
is what the three queries it replaced read: the year's documents in order with their comments
awaiting an answer, the signatures of the covenant's latest version, and the year's
registrations; and a year without documents still counts its registrations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from blocks.models import BlockYear
from covenants.dashboard import _state
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from tests.factories import World, make_covenant


def queryset_state(block_year: BlockYear) -> dict[str, Any]:
    """What the former queries of the steps read (kept here as they were)."""
    documents = list(
        block_year.documents.annotate(
            pending=Count("versions__comments", filter=Q(versions__comments__answer="pending"))
        )
    )
    signed = {}
    for document in documents:
        latest = document.versions.order_by("-number").values("pk")[:1]
        signed[document.pk] = Signature.objects.filter(version=latest).count()
    return {
        "documents": [(d.pk, d.kind, d.status, d.pending, signed[d.pk]) for d in documents],  # type: ignore[attr-defined]
        "registered": Registration.objects.filter(block_year=block_year).count(),
    }


def sql_state(block_year: BlockYear) -> dict[str, Any]:
    fresh = BlockYear.objects.get(pk=block_year.pk)  # nothing cached
    state = _state(fresh)
    assert all(d.block_year is fresh for d in state.documents)  # as the related manager gives
    return {
        "documents": [
            (d.pk, d.kind, d.status, d.pending, d.signed)  # type: ignore[attr-defined]
            for d in state.documents
        ],
        "registered": state.registered,
    }


def comment(version: DocumentVersion, world: World, answer: str) -> None:
    Comment.objects.create(
        version=version, unit=world.units[1], author=world.secretariat, text="Ý kiến", answer=answer
    )


def sign(version: DocumentVersion, world: World, count: int) -> None:
    for unit in world.units[:count]:
        Signature.objects.create(
            version=version,
            unit=unit,
            unit_name=unit.name,
            signer=world.leader,
            signer_name="Trưởng Ban",
            signed_at=timezone.now(),
            method=Signature.Method.PASSWORD,
            sha256="0" * 64,
        )


def test_a_year_without_documents_still_counts_its_registrations(world: World) -> None:
    for unit in world.units[:2]:
        Registration.objects.create(
            block_year=world.block_year, unit=unit, targets="Hoàn thành", registered_by=world.leader
        )
    expected = queryset_state(world.block_year)
    assert expected == {"documents": [], "registered": 2}
    assert sql_state(world.block_year) == expected


def test_documents_comments_signatures_and_registrations_are_read_as_before(world: World) -> None:
    covenant = make_covenant(world, status="signing")
    first = covenant.versions.get()
    second = DocumentVersion.objects.create(document=covenant, number=2, created_by=world.staff)
    comment(first, world, Comment.Answer.PENDING)
    comment(first, world, Comment.Answer.ACCEPTED)
    comment(second, world, Comment.Answer.PENDING)
    comment(second, world, Comment.Answer.PENDING)
    sign(first, world, 4)  # an earlier version's signatures are not the latest's
    sign(second, world, 3)
    plan = Document.objects.create(
        block_year=world.block_year, kind=Document.Kind.PLAN, title="Kế hoạch"
    )
    plan_version = DocumentVersion.objects.create(document=plan, number=1, created_by=world.staff)
    comment(plan_version, world, Comment.Answer.NOTED)
    Document.objects.create(block_year=world.block_year, kind=Document.Kind.RULES, title="Quy chế")
    for unit in world.units[:3]:
        Registration.objects.create(
            block_year=world.block_year, unit=unit, targets="Hoàn thành", registered_by=world.leader
        )
    expected = queryset_state(world.block_year)
    assert [
        (kind, pending, signed) for _pk, kind, _s, pending, signed in expected["documents"]
    ] == [
        (Document.Kind.COVENANT, 3, 3),
        (Document.Kind.PLAN, 0, 0),
        (Document.Kind.RULES, 0, 0),
    ]
    assert expected["registered"] == 3
    assert sql_state(world.block_year) == expected
