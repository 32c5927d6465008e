"""Registers of issued documents: each issuing body numbers each kind of document per year, with
no blank and no double, or checks the number its own document system gave."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from emulation.errors import DomainError
from emulation.issued import DuplicateNumber, issue_document
from emulation.models import AuditEvent, DocumentRegister, IssuedDocument, User
from tests.concurrency import at_once
from tests.emulation.test_issued import pdf_text, stored_bytes
from tests.factories import make_user

BODY = "Khối thi đua các cơ quan Đảng tỉnh"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def issue(
    by: User | None, *, when: datetime.date = datetime.date(2026, 12, 20), **extra: Any
) -> IssuedDocument:
    arguments: dict[str, Any] = {
        "kind": "minutes",
        "title": "Biên bản họp bình xét",
        "issuer_name": BODY,
        "template_name": "pdf/official_text.html",
        "context": {"place": "Quảng Trị", "date": when, "paragraphs": ["Hội nghị đã bình xét."]},
        "by": by,
        **extra,
    }
    return issue_document(**arguments)


@pytest.mark.django_db
def test_numbers_run_from_one_per_body_kind_and_year_and_are_printed() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    first = issue(clerk, symbol="BB-KTĐ")
    second = issue(clerk, symbol="BB-KTĐ")
    other_kind = issue(clerk, symbol="BB-HĐTĐKT", kind="council_minutes")
    other_body = issue(clerk, symbol="BB-KTĐ", issuer_name="Khối thi đua các sở, ngành")
    next_year = issue(clerk, symbol="BB-KTĐ", when=datetime.date(2027, 1, 5))
    assert [first.number, second.number] == ["1/BB-KTĐ", "2/BB-KTĐ"]
    assert other_kind.number == "1/BB-HĐTĐKT"
    assert other_body.number == "1/BB-KTĐ"
    assert (next_year.number, next_year.register_year) == ("1/BB-KTĐ", 2027)
    assert (second.issuer_name, second.kind, second.register_year) == (BODY, "minutes", 2026)
    assert DocumentRegister.objects.get(issuer=BODY, kind="minutes", year=2026).last_number == 2
    assert "Số: 2/BB-KTĐ" in pdf_text(stored_bytes(second))
    event = AuditEvent.objects.get(action="documents.issued", object_id=str(second.pk))
    after: Any = event.after
    assert (after["number"], after["register_year"]) == ("2/BB-KTĐ", 2026)


@pytest.mark.django_db
def test_a_typed_number_is_checked_against_the_register() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    first = issue(clerk, number=" 05/TTr-KTĐ ", kind="proposal")
    assert first.number == "05/TTr-KTĐ"
    assert "Số: 05/TTr-KTĐ" in pdf_text(stored_bytes(first))
    with pytest.raises(DuplicateNumber) as refused:
        issue(clerk, number="05/TTr-KTĐ", kind="proposal")
    assert "05/TTr-KTĐ" in refused.value.message
    assert refused.value.field == "number"
    # Nothing half-saved: one document, one issue event.
    assert IssuedDocument.objects.filter(kind="proposal").count() == 1
    assert AuditEvent.objects.filter(action="documents.issued").count() == 1
    # Another year's register, or another body's, may hold the same number.
    assert issue(clerk, number="05/TTr-KTĐ", kind="proposal", when=datetime.date(2027, 2, 1)).pk
    assert issue(clerk, number="05/TTr-KTĐ", kind="proposal", issuer_name="Khối khác").pk


@pytest.mark.django_db
def test_a_blank_typed_number_is_refused() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    with pytest.raises(DomainError):
        issue(clerk, number="   ", kind="proposal")
    assert not IssuedDocument.objects.exists()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_documents_issued_at_once_get_two_numbers_with_no_gap() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    # The register's first number (its row created) and the next ones, each by two at once.
    results = at_once(2, lambda _i: issue(clerk, symbol="BB-KTĐ"), language=None)
    results += at_once(2, lambda _i: issue(clerk, symbol="BB-KTĐ"), language=None)
    assert all(isinstance(r, IssuedDocument) for r in results), results
    numbers = sorted(IssuedDocument.objects.values_list("number", flat=True))
    assert numbers == ["1/BB-KTĐ", "2/BB-KTĐ", "3/BB-KTĐ", "4/BB-KTĐ"]
    assert DocumentRegister.objects.get().last_number == 4


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_typed_number_at_once_is_issued_once() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    results = at_once(
        2, lambda _i: issue(clerk, number="07/TTr-KTĐ", kind="proposal"), language=None
    )
    issued = [r for r in results if isinstance(r, IssuedDocument)]
    refused = [r for r in results if isinstance(r, DuplicateNumber)]
    assert (len(issued), len(refused)) == (1, 1), results
    assert IssuedDocument.objects.filter(number="07/TTr-KTĐ").count() == 1
    assert AuditEvent.objects.filter(action="documents.issued").count() == 1
