"""The document's statuses and the moves each allows, as a table."""

from __future__ import annotations

import pytest

from covenants.models import Document

S = Document.Status
ALL = [S.DRAFT, S.CONSULTATION, S.ADOPTED, S.SIGNING, S.IN_FORCE]

ALLOWED_FOR_COVENANT = {
    (S.DRAFT, S.CONSULTATION),
    (S.DRAFT, S.ADOPTED),
    (S.CONSULTATION, S.DRAFT),
    (S.CONSULTATION, S.ADOPTED),
    (S.ADOPTED, S.SIGNING),
    (S.ADOPTED, S.DRAFT),
    (S.SIGNING, S.IN_FORCE),
    (S.SIGNING, S.DRAFT),
    (S.IN_FORCE, S.DRAFT),
}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_a_covenant_moves_only_as_the_table_says(source: str, target: str) -> None:
    document = Document(kind=Document.Kind.COVENANT, status=source)
    assert document.can_move_to(target) == ((source, target) in ALLOWED_FOR_COVENANT)


@pytest.mark.parametrize(
    "kind", [Document.Kind.RULES, Document.Kind.PLAN, Document.Kind.CRITERIA, Document.Kind.OTHER]
)
@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_other_documents_are_never_signed(kind: str, source: str, target: str) -> None:
    document = Document(kind=kind, status=source)
    expected = (source, target) in ALLOWED_FOR_COVENANT and target not in (S.SIGNING, S.IN_FORCE)
    assert document.can_move_to(target) == expected
