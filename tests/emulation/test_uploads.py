from __future__ import annotations

import hashlib
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from emulation.uploads import CheckedUpload, sanitise_filename, validate_upload
from tests.security import samples
from tests.security.samples import upload


def refused(name: str, content: bytes, **options: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, content), **options)  # type: ignore[arg-type]
    return caught.value


# What is accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind", "content_type"),
    [
        ("Biên bản họp.pdf", samples.pdf, "pdf", "application/pdf"),
        ("scan.png", samples.png, "image", "image/png"),
        ("ảnh.JPG", lambda: samples.pillow_image("JPEG"), "image", "image/jpeg"),
        ("ảnh.webp", lambda: samples.pillow_image("WEBP"), "image", "image/webp"),
        (
            "báo cáo.docx",
            samples.ooxml,
            "office",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "điểm.xlsx",
            samples.xlsx_from_openpyxl,
            "office",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "trình chiếu.pptx",
            lambda: samples.ooxml("pptx"),
            "office",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("cũ.doc", samples.ole, "office", "application/msword"),
        ("cũ.xls", samples.ole, "office", "application/vnd.ms-excel"),
    ],
)
def test_real_files_are_recognised_by_their_content(
    name: str, build: object, kind: str, content_type: str
) -> None:
    content = build()  # type: ignore[operator]
    checked = validate_upload(upload(name, content, "text/html"))
    assert isinstance(checked, CheckedUpload)
    assert (checked.kind, checked.content_type) == (kind, content_type)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_file_is_left_rewound_for_saving() -> None:
    content = samples.pdf()
    uploaded = upload("a.pdf", content)
    validate_upload(uploaded)
    assert uploaded.read() == content


def test_a_file_on_disk_is_checked_like_one_in_memory() -> None:
    content = samples.ooxml("xlsx")
    uploaded = TemporaryUploadedFile("điểm.xlsx", "application/octet-stream", len(content), None)
    uploaded.write(content)
    uploaded.seek(0)
    try:
        assert validate_upload(uploaded).kind == "office"
    finally:
        uploaded.close()


def test_a_name_without_extension_gets_the_one_its_content_has() -> None:
    assert validate_upload(upload("scan", samples.png())).safe_name == "scan.png"
    assert validate_upload(upload("...", samples.pdf())).safe_name == "file.pdf"


# What is refused --------------------------------------------------------------------------------


def test_an_empty_file_is_refused() -> None:
    assert refused("a.pdf", b"").code == "empty"


def test_a_file_over_the_limit_is_refused_with_the_limit() -> None:
    error = refused("a.pdf", samples.pdf() + b"\n" * 2000, max_bytes=1024)
    assert error.code == "too_large"
    assert "1.0" in str(error.messages[0]) or "1,0" in str(error.messages[0])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", samples.pdf()),
        ("scan.pdf", samples.png()),
        ("scan.jpeg", samples.png()),
        ("bảng.xlsx", samples.ooxml("docx")),
        ("văn bản.docx", samples.xlsx_from_openpyxl()),
        ("cũ.docx", samples.ole()),
    ],
)
def test_a_name_that_contradicts_the_content_is_refused(name: str, content: bytes) -> None:
    assert refused(name, content).code in {"extension_mismatch", "ole_unnamed"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("trang.pdf", b"<html><script>alert(1)</script></html>"),
        ("polyglot.pdf", b"<html>" + samples.pdf()),
        ("ghi chú.txt", "Báo cáo".encode()),
        ("script.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_content_of_other_kinds_is_refused_whatever_its_name(name: str, content: bytes) -> None:
    assert refused(name, content).code == "type"


def test_gif_images_are_refused_with_a_way_out() -> None:
    error = refused("ảnh.gif", samples.gif())
    assert error.code == "gif"
    assert "PNG" in error.messages[0]


def test_only_the_kinds_asked_for_are_accepted() -> None:
    assert refused("scan.png", samples.png(), kinds=("pdf",)).code == "type"
    assert refused("a.docx", samples.ooxml(), kinds=("pdf", "image")).code == "type"
    assert validate_upload(upload("a.png", samples.png()), kinds=("image",)).kind == "image"


def test_an_old_office_file_must_say_what_it_is() -> None:
    assert refused("cũ", samples.ole()).code == "ole_unnamed"


def test_a_plain_zip_archive_is_refused() -> None:
    assert refused("hồ sơ.zip", samples.plain_zip()).code == "zip"


def test_documents_with_macros_are_refused() -> None:
    assert refused("a.docm", samples.ooxml("docm")).code == "macros"
    with_vba = samples.ooxml("docx", extra={"word/vbaProject.bin": b"\x00" * 64})
    assert refused("a.docx", with_vba).code == "macros"


def test_an_archive_entry_that_climbs_out_of_its_folder_is_refused() -> None:
    hostile = samples.ooxml("docx", extra={"../../etc/cron.d/x": b"* * * * * root sh"})
    assert refused("a.docx", hostile).code == "zip_paths"


def test_a_damaged_document_is_refused() -> None:
    content = samples.ooxml("docx")
    assert refused("a.docx", content[: len(content) // 2]).code == "damaged"


# Decompression bombs --------------------------------------------------------------------------


def test_a_document_expanding_beyond_100_mb_is_refused() -> None:
    bomb = samples.docx_bomb(expanded_mb=101)
    assert len(bomb) < 1024 * 1024
    assert refused("a.docx", bomb).code == "zip_bomb"


def test_a_document_that_expands_a_hundred_times_its_size_is_refused() -> None:
    assert refused("a.docx", samples.docx_bomb(expanded_mb=5)).code == "zip_bomb"


def test_an_archive_with_too_many_entries_is_refused() -> None:
    assert refused("a.docx", samples.zip_with_entries(5_001)).code == "zip_bomb"


def test_an_archive_that_lies_about_its_sizes_is_refused() -> None:
    assert refused("a.docx", samples.lying_docx()).code == "damaged"


def test_an_image_claiming_too_many_pixels_is_refused() -> None:
    # 10,000 × 9,000 = 90 megapixels, in a file of a few hundred bytes.
    assert refused("scan.png", samples.png(10_000, 9_000, rows=1)).code == "too_many_pixels"
    # So large that Pillow itself calls it a decompression bomb.
    assert refused("scan.png", samples.png(30_000, 30_000, rows=1)).code == "too_many_pixels"
    assert refused("scan.jpg", samples.jpeg_claiming(12_000, 12_000)).code == "too_many_pixels"


def test_a_truncated_image_is_refused() -> None:
    content = samples.png(64, 64)
    assert refused("scan.png", content[:60]).code == "damaged"


# Names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Lan\\Báo cáo.pdf", "Báo cáo.pdf"),
        (unicodedata.normalize("NFD", "Quảng Trị.pdf"), "Quảng Trị.pdf"),
        ("bien\x00ban\x1f.pdf", "bienban.pdf"),
        ("hoa-don\u202efdp.pdf", "hoa-donfdp.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1.pdf", "_lpt1.pdf"),
        ('a<b>:c?"d|e*.pdf', "a_b__c__d_e.pdf"),
        ("  .an   tệp  .PDF", "an tệp.pdf"),
        ("...", "file"),
        ("-rf.pdf", "rf.pdf"),
    ],
)
def test_file_names_are_made_safe_and_keep_vietnamese_letters(typed: str, stored: str) -> None:
    assert sanitise_filename(typed) == stored


def test_a_long_name_is_cut_to_150_characters_keeping_its_extension() -> None:
    name = sanitise_filename("Báo cáo thành tích " * 20 + ".docx")
    assert len(name) <= 150
    assert name.endswith(".docx")
    assert unicodedata.is_normalized("NFC", name)


def test_the_checked_name_is_the_safe_one() -> None:
    checked = validate_upload(upload("../Tờ trình\u202e.pdf", samples.pdf()))
    assert checked.safe_name == "Tờ trình.pdf"
