"""An issued document is hashed again before it is served: a stored file that is not the document
as issued (bytes added on disk, or a file swapped together with its stored SHA-256) is refused
with a clear page and an error in the log, and the public page confirms nothing about it."""

from __future__ import annotations

import datetime
import hashlib
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from covenants import services
from emulation.issued import AlteredDocument, file_response, issue_document
from emulation.models import IssuedDocument
from tests.factories import World, make_covenant, make_leaders, make_user


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def issue() -> IssuedDocument:
    return issue_document(
        kind="minutes",
        title="Biên bản họp bình xét năm 2026",
        issuer_name="Khối thi đua các cơ quan Đảng tỉnh",
        template_name="pdf/official_text.html",
        context={"place": "Quảng Trị", "date": datetime.date(2026, 12, 20), "paragraphs": ["A."]},
        by=make_user("clerk"),
    )


def append_to_file(document: IssuedDocument, extra: bytes) -> None:
    with Path(document.file.path).open("ab") as handle:
        handle.write(extra)


def replace_file_and_hash(document: IssuedDocument) -> bytes:
    """What an attacker with the disk and the database does: another PDF in the file's place,
    its SHA-256 and size written over the stored ones, bypassing the services."""
    forged = Path(document.file.path).read_bytes().replace(b"%PDF-", b"%PDF-", 1) + b"%forged\n"
    Path(document.file.path).write_bytes(forged)
    IssuedDocument.objects.filter(pk=document.pk).update(
        sha256=hashlib.sha256(forged).hexdigest(), size=len(forged)
    )
    return forged


def test_an_intact_document_is_served(db: None) -> None:
    document = issue()
    response = file_response(document, filename="a.pdf")
    assert b"".join(response.streaming_content) == Path(document.file.path).read_bytes()  # type: ignore[arg-type]


def test_bytes_appended_on_disk_are_refused_and_logged(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    document = issue()
    append_to_file(document, b"\n% appended\n")
    with (
        caplog.at_level(logging.ERROR, logger="emulation.issued"),
        pytest.raises(AlteredDocument) as refused,
    ):
        file_response(document, filename="a.pdf")
    assert "bytes do not match" in refused.value.problem
    assert document.code in caplog.text


def test_a_file_replaced_with_its_stored_hash_updated_is_still_refused(db: None) -> None:
    document = issue()
    replace_file_and_hash(document)
    document.refresh_from_db()
    with pytest.raises(AlteredDocument) as refused:
        file_response(document, filename="a.pdf")
    assert "audit log" in refused.value.problem


def test_a_missing_file_is_refused(db: None) -> None:
    document = issue()
    Path(document.file.path).unlink()
    with pytest.raises(AlteredDocument):
        file_response(document, filename="a.pdf")


def test_the_download_of_an_altered_covenant_answers_a_clear_409_page(
    as_user: Any, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    document = make_covenant(world, status="signing")
    for unit, leader in zip(world.units, make_leaders(world), strict=True):
        services.sign_covenant(document, unit, by=leader, password="demo12345")
    issued = IssuedDocument.objects.get()
    append_to_file(issued, b"\n% appended\n")
    client = as_user("member")
    client.cookies["language"] = "en"
    with caplog.at_level(logging.ERROR, logger="emulation.issued"):
        response = client.get(f"/documents/{document.pk}/pdf/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    # In the person's own language (theirs is Vietnamese; the cookie does not override it).
    said = "does not match its record" in page or "không khớp với hồ sơ" in page
    assert said and issued.display_code in page
    assert issued.code in caplog.text


@pytest.mark.parametrize("tamper", ["append", "replace"])
def test_the_public_page_confirms_nothing_about_an_altered_document(
    client: Client, db: None, tamper: str
) -> None:
    document = issue()
    if tamper == "append":
        append_to_file(document, b"\n% appended\n")
        copy = Path(document.file.path).read_bytes()
    else:
        copy = replace_file_and_hash(document)
    client.cookies["language"] = "en"
    response = client.post(
        f"/verify/{document.code}/",
        {"file": SimpleUploadedFile("copy.pdf", copy, "application/pdf")},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "does not match its record" in page
    assert "The file matches." not in page
