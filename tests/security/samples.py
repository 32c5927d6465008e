"""Real files built in memory, for tests that upload things: PDFs, images, Office documents, and
hostile variants (decompression bombs, lying archives, disguised types)."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from binascii import unhexlify

from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import TOTP


def totp_code(key: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding `key` shows now (or that many 30 s steps later)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(text: str = "Biên bản") -> bytes:
    """A small, valid one-page PDF."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 4, height: int = 3, *, rows: int | None = None) -> bytes:
    """A greyscale PNG built by hand. `rows` writes only that many rows of pixels, so a header
    can claim a huge image while the file stays tiny."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height if rows is None else rows))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def pillow_image(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is rewritten to claim another size."""
    data = bytearray(pillow_image("JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def gif() -> bytes:
    return pillow_image("GIF")


CONTENT_TYPES = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def ooxml(kind: str = "docx", *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package of that kind (docx, xlsx, pptx, docm)."""
    part, content_type = CONTENT_TYPES[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{part}"/>'
            "</Relationships>",
        )
        archive.writestr(part, '<?xml version="1.0"?><document>Báo cáo thành tích</document>')
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def xlsx_from_openpyxl() -> bytes:
    """A workbook as Excel would save it, through openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Tiêu chí", "Điểm"])
    sheet.append(["Hoàn thành nhiệm vụ", 9.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ole(size: int = 4096) -> bytes:
    """The start of a legacy (97-2003) Office compound file."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * (size - 8)


def docx_bomb(expanded_mb: int) -> bytes:
    """A document whose main part is `expanded_mb` MB of zeros: a few hundred KB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES["docx"][1].join(["<Types>", "</Types>"])
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(expanded_mb):
                member.write(block)
    return out.getvalue()


def lying_docx(real_size: int = 2 * 1024 * 1024, claimed_size: int = 1000) -> bytes:
    """A document whose archive claims a part is `claimed_size` bytes while it expands to more."""
    data = bytearray(ooxml("docx", extra={"word/media/blob.bin": b"\x00" * real_size}))
    name = b"word/media/blob.bin"
    # The uncompressed size sits at byte 22 of a local header (name at 30), and at byte 24 of a
    # central directory entry (name at 46).
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, claimed_size)
            at = data.find(signature, at + 4)
    return bytes(data)


def zip_with_entries(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES["docx"][1])
        archive.writestr("word/document.xml", "<document/>")
        for n in range(count):
            archive.writestr(f"word/parts/{n}.xml", "")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ho-so/bao-cao.txt", "Báo cáo")
    return out.getvalue()
