"""Issuing a document: rendered once with its code, stored once with its SHA-256, audited."""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import secrets
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.template import TemplateDoesNotExist
from django.utils import timezone
from pypdf import PdfReader

from emulation import audit
from emulation.issued import file_response, issue_document, matches
from emulation.models import AuditEvent, IssuedDocument, User
from tests.factories import make_authority, make_user


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://thidua.example.gov.vn"
    return tmp_path


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", full_name="Cán bộ Văn phòng")


def issue(by: User | None, **extra: Any) -> IssuedDocument:
    arguments: dict[str, Any] = {
        "kind": "minutes",
        "title": "Biên bản họp bình xét năm 2026",
        "issuer_name": "Khối thi đua các cơ quan Đảng tỉnh",
        "template_name": "pdf/official_text.html",
        "context": {
            "place": "Quảng Trị",
            "date": datetime.date(2026, 12, 20),
            "paragraphs": ["Hội nghị đã bình xét và bỏ phiếu kín."],
        },
        "by": by,
        **extra,
    }
    return issue_document(**arguments)


def stored_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text().split()) for p in pages))


def test_the_stored_file_is_the_pdf_whose_sha256_is_recorded(clerk: User, media: Path) -> None:
    document = issue(clerk)
    data = stored_bytes(document)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(data) == document.size
    year = timezone.localtime(document.issued_at).year
    assert document.file.name == f"issued/{year}/{document.code}.pdf"
    assert (media / document.file.name).is_file()


def test_the_pdf_carries_its_verification_code_and_address(clerk: User) -> None:
    document = issue(clerk)
    text = pdf_text(stored_bytes(document))
    assert f"Mã xác thực: {document.display_code}" in text
    assert f"https://thidua.example.gov.vn/verify/{document.code}/" in text
    assert "BIÊN BẢN HỌP BÌNH XÉT NĂM 2026" in text


def test_the_record_says_what_was_issued_by_whom_and_for_what(clerk: User) -> None:
    authority = make_authority()
    signatories = [{"unit": "Văn phòng Tỉnh ủy", "signer": "Lê Văn A", "signed_at": "x"}]
    document = issue(clerk, subject=authority, metadata={"signatories": signatories})
    document.refresh_from_db()
    assert (document.kind, document.issued_by, document.issuer_name) == (
        "minutes",
        clerk,
        "Khối thi đua các cơ quan Đảng tỉnh",
    )
    assert (document.subject_type, document.subject_id) == ("blocks.authority", str(authority.pk))
    assert document.metadata == {"signatories": signatories}


def test_issuing_is_recorded_in_the_audit_log(clerk: User) -> None:
    document = issue(clerk)
    event = AuditEvent.objects.get(action="documents.issued")
    assert event.actor == clerk
    assert (event.object_type, event.object_id) == ("emulation.issueddocument", str(document.pk))
    assert event.after == {
        "code": document.code,
        "kind": "minutes",
        "number": "",
        "register_year": None,
        "chain_seq": document.chain_seq,
        "chain_hash": document.chain_hash,
    }
    # Its file's SHA-256 is recorded by a second event, once the PDF is made after the commit.
    rendered = AuditEvent.objects.get(action="documents.rendered")
    assert rendered.seq > event.seq
    assert (rendered.object_type, rendered.object_id) == event_key(event)
    assert rendered.after == {
        "code": document.code,
        "sha256": document.sha256,
        "size": document.size,
    }
    assert audit.verify_chain() is None


def event_key(event: AuditEvent) -> tuple[str, str]:
    return (event.object_type, event.object_id)


def test_codes_are_ten_unambiguous_capitals_and_digits_and_never_repeat(clerk: User) -> None:
    codes = [issue(clerk).code for _ in range(3)]
    assert len(set(codes)) == 3
    for code in codes:
        assert len(code) == 10
        assert set(code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def test_a_code_already_taken_is_drawn_again(clerk: User, monkeypatch: Any) -> None:
    taken = issue(clerk)
    draws = itertools.chain(taken.code, "B" * 10)
    monkeypatch.setattr(secrets, "choice", lambda alphabet: next(draws))
    assert issue(clerk).code == "BBBBBBBBBB"


def test_nothing_is_stored_when_the_document_cannot_be_rendered(clerk: User, media: Path) -> None:
    with pytest.raises(TemplateDoesNotExist):
        issue(clerk, template_name="pdf/no_such_template.html")
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.issued").exists()
    assert not any(media.rglob("*.pdf"))


def test_a_copy_matches_only_when_it_is_the_same_file_byte_for_byte(clerk: User) -> None:
    document = issue(clerk)
    data = stored_bytes(document)
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0x01
    assert matches(document, ContentFile(data))
    assert matches(document, io.BytesIO(data))
    assert not matches(document, ContentFile(bytes(altered)))
    assert not matches(document, ContentFile(data[:-1]))
    assert not matches(document, ContentFile(data + b"\n"))


def test_the_download_is_a_pdf_attachment_the_browser_may_not_sniff(clerk: User) -> None:
    document = issue(clerk)
    response = file_response(document, filename="Biên bản họp.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf"
        in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == stored_bytes(document)  # type: ignore[arg-type]
