"""The public verification page: anyone sees what was issued and checks a copy against it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from emulation.issued import issue_document
from emulation.models import IssuedDocument
from tests.factories import make_user


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    # The messages are asserted in English, the source language; the layout is the same in both.
    client.cookies["language"] = "en"


@pytest.fixture
def issued(db: None) -> IssuedDocument:
    clerk = make_user("clerk", full_name="Nguyễn Thị Văn Thư")
    return issue_document(
        kind="covenant",
        title="Giao ước thi đua năm 2026",
        issuer_name="Khối thi đua các cơ quan Đảng tỉnh Quảng Trị",
        template_name="pdf/official_text.html",
        context={
            "place": "Quảng Trị",
            "date": datetime.date(2026, 3, 20),
            "paragraphs": ["Nội dung."],
        },
        by=clerk,
        metadata={
            "signatories": [
                {
                    "unit": "Ban Tuyên giáo Tỉnh ủy",
                    "signer": "Trần Văn Ký",
                    "signed_at": "2026-03-20T09:15:00+07:00",
                    "method": "Trực tuyến",
                    "hash": "3f9a0c1d",
                }
            ],
            "version_hash": "ab" * 32,
        },
    )


def stored(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def check(
    client: Client, document: IssuedDocument, content: bytes | None, name: str = "copy.pdf"
) -> str:
    data = {} if content is None else {"file": SimpleUploadedFile(name, content, "application/pdf")}
    response = client.post(f"/verify/{document.code}/", data)
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_sees_what_was_issued_without_signing_in(
    client: Client, issued: IssuedDocument
) -> None:
    page = client.get(f"/verify/{issued.code}/").content.decode()
    assert "Giao ước thi đua năm 2026" in page
    assert "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị" in page
    assert "Nguyễn Thị Văn Thư" in page
    assert issued.sha256 in page
    assert "ab" * 32 in page
    assert issued.display_code in page
    # The signatories, with the time of signing in Vietnam's time zone.
    assert "Ban Tuyên giáo Tỉnh ủy" in page and "Trần Văn Ký" in page
    assert "09:15 20/03/2026" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_page_never_offers_the_file_itself(client: Client, issued: IssuedDocument) -> None:
    page = client.get(f"/verify/{issued.code}/").content.decode()
    assert issued.code in str(issued.file.name)
    assert str(issued.file.name) not in page
    assert "/media/" not in page


def test_the_identical_file_matches(client: Client, issued: IssuedDocument) -> None:
    page = check(client, issued, stored(issued))
    assert 'data-result="match"' in page
    assert "The file matches." in page


def test_a_file_with_one_byte_changed_does_not_match(
    client: Client, issued: IssuedDocument
) -> None:
    altered = bytearray(stored(issued))
    altered[-20] ^= 0x20
    page = check(client, issued, bytes(altered))
    assert 'data-result="mismatch"' in page
    assert 'data-result="match"' not in page


def test_a_missing_file_is_asked_for(client: Client, issued: IssuedDocument) -> None:
    page = check(client, issued, None)
    assert "Choose the PDF file you want to check." in page
    assert "data-result" not in page


def test_an_empty_file_is_refused_with_a_message(client: Client, issued: IssuedDocument) -> None:
    page = check(client, issued, b"")
    assert "The file you chose is empty." in page
    assert "data-result" not in page


def test_a_file_over_20_mb_is_refused_with_a_message(
    client: Client, issued: IssuedDocument
) -> None:
    page = check(client, issued, b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    assert "The file is larger than 20 MB" in page
    assert "data-result" not in page


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(
    client: Client, issued: IssuedDocument
) -> None:
    page = check(client, issued, b"PK\x03\x04 a word document", name="copy.docx")
    assert "This is not a PDF file." in page
    assert "data-result" not in page


def test_an_unknown_code_is_not_found(client: Client, issued: IssuedDocument) -> None:
    response = client.get("/verify/ZZZZZZZZZZ/")
    assert response.status_code == 404
    assert "No document was issued with this code" in response.content.decode()
    assert client.post("/verify/ZZZZZZZZZZ/", {}).status_code == 404


@pytest.mark.parametrize("typed", ["{lower}", "{lower_spaced}", "{dashed}", " {code} "])
def test_the_code_may_be_typed_in_any_case_with_spaces_or_dashes(
    client: Client, issued: IssuedDocument, typed: str
) -> None:
    code = issued.code
    path = typed.format(
        code=code,
        lower=code.lower(),
        lower_spaced=f"{code[:5].lower()} {code[5:].lower()}",
        dashed=issued.display_code,
    )
    response = client.get(f"/verify/{path}/")
    assert response.status_code == 200
    assert issued.sha256 in response.content.decode()


def test_the_address_printed_on_the_document_leads_to_its_page(
    client: Client, issued: IssuedDocument, settings: Any
) -> None:
    assert issued.get_verify_url() == f"{settings.SITE_URL}/verify/{issued.code}/"
    response = client.get(issued.get_verify_url().removeprefix(settings.SITE_URL))
    assert response.status_code == 200
