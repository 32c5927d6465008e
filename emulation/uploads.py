"""Checking an uploaded file before it is stored: scanned pages, evidence, dossiers.

The content decides what a file is, never its name or the browser's word: a PDF starts with
`%PDF-`, an Office document is a ZIP holding the right main part (or a legacy OLE compound file),
an image is a PNG, JPEG or WebP that Pillow can read. A name whose extension says otherwise is
refused. ZIP-based files are opened entry by entry with a budget, so a decompression bomb is
refused before anyone (the server or a reader's office suite) expands it. The stored name is
sanitised: no folders, no control or direction-changing characters, no names Windows reserves;
Vietnamese letters stay.

Storing the file and serving it (through a permission-checked view, with `Content-Disposition:
attachment` and `X-Content-Type-Options: nosniff`) belong to the app that owns the file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = ("pdf", "image", "office")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Images: more pixels than a 600 dpi A3 scan is not a photograph of a page but an attack.
MAX_IMAGE_PIXELS = 80_000_000
# ZIP-based Office files: what expanding them may cost at most.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_CONTENT_TYPES_XML = 1024 * 1024
MAX_NAME_LENGTH = 150

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    """What a checked file is: the name to store it under, its real type, size and SHA-256."""

    safe_name: str
    content_type: str
    size: int
    sha256: str
    kind: str


@dataclass(frozen=True)
class _Format:
    kind: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is added when a name has none


PDF = _Format("pdf", "PDF", "application/pdf", (".pdf",))
PNG = _Format("image", "PNG", "image/png", (".png",))
JPEG = _Format("image", "JPEG", "image/jpeg", (".jpg", ".jpeg", ".jpe"))
WEBP = _Format("image", "WebP", "image/webp", (".webp",))
DOCX = _Format(
    "office",
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = _Format(
    "office",
    "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = _Format(
    "office",
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
DOC = _Format("office", "Word 97-2003", "application/msword", (".doc",))
XLS = _Format("office", "Excel 97-2003", "application/vnd.ms-excel", (".xls",))

# The main part of each OOXML document: its content type in [Content_Types].xml, and its path.
_OOXML = [
    (DOCX, b"wordprocessingml.document.main+xml", "word/document.xml"),
    (XLSX, b"spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
    (PPTX, b"presentationml.presentation.main+xml", "ppt/presentation.xml"),
]
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

_ACCEPTED = {
    "pdf": gettext_lazy("a PDF"),
    "image": gettext_lazy("an image (PNG, JPEG or WebP)"),
    "office": gettext_lazy("a Word, Excel or PowerPoint document"),
}

# Names Windows will not open or save, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')


def validate_upload(
    uploaded: UploadedFile,
    *,
    kinds: Iterable[str] = KINDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CheckedUpload:
    """Check an uploaded file and say what it is; raise `ValidationError` with a message a person
    can act on when it is empty, too large, not one of `kinds`, named for another type, damaged,
    or a decompression bomb. The file is left rewound, ready to be saved."""
    allowed = tuple(kinds)
    unknown = set(allowed) - set(KINDS)
    if unknown or not allowed:
        raise ValueError(f"unknown upload kinds: {sorted(unknown) or 'none'}")

    declared = uploaded.size or 0
    if declared > max_bytes:
        raise _too_large(max_bytes)
    size, digest, head = _measure(uploaded, max_bytes)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")

    name, extension = _split_name(uploaded.name or "")
    fmt = _sniff(uploaded, head, extension, allowed, size)
    if fmt.kind not in allowed:
        raise _not_accepted(allowed)
    if extension and extension not in fmt.extensions:
        raise ValidationError(
            _(
                "The file name ends in %(extension)s, but the file is %(label)s. Rename it"
                " correctly, or upload the file you meant."
            ),
            code="extension_mismatch",
            params={"extension": extension, "label": fmt.label},
        )
    if fmt.kind == "image":
        _check_image(uploaded, fmt)
    uploaded.seek(0)
    return CheckedUpload(
        safe_name=_safe_name(name, extension or fmt.extensions[0]),
        content_type=fmt.content_type,
        size=size,
        sha256=digest,
        kind=fmt.kind,
    )


def sanitise_filename(name: str) -> str:
    """A file name safe to store and to offer for download (see `validate_upload`)."""
    stem, extension = _split_name(name)
    return _safe_name(stem, extension)


# Reading ------------------------------------------------------------------------------------


def _measure(uploaded: UploadedFile, max_bytes: int) -> tuple[int, str, bytes]:
    """Read the whole file once: its real size, SHA-256 and first bytes."""
    uploaded.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded.chunks(_CHUNK):
        if len(head) < 64:
            head = (head + chunk)[:64]
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        digest.update(chunk)
    uploaded.seek(0)
    return size, digest.hexdigest(), head


def _sniff(
    uploaded: UploadedFile, head: bytes, extension: str, allowed: tuple[str, ...], size: int
) -> _Format:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise ValidationError(
            _("GIF images are not accepted. Save the image as PNG or JPEG and upload it again."),
            code="gif",
        )
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(uploaded, allowed, size)
    if head.startswith(_OLE_MAGIC):
        # A compound file could be a Word or Excel 97-2003 file (or anything else of that age);
        # only its name can tell which, so it must carry one of the two.
        for fmt in (DOC, XLS):
            if extension in fmt.extensions:
                return fmt
        if "office" not in allowed:
            raise _not_accepted(allowed)
        raise ValidationError(
            _(
                "This looks like an old (97-2003) Office file. Name it .doc or .xls, or save it"
                " as .docx or .xlsx and upload it again."
            ),
            code="ole_unnamed",
        )
    raise _not_accepted(allowed)


def _office_zip(uploaded: UploadedFile, allowed: tuple[str, ...], size: int) -> _Format:
    """A ZIP is accepted only as a Word, Excel or PowerPoint document without macros, and only
    when expanding it is affordable: every entry is read (so sizes that lie fail their CRC)."""
    if "office" not in allowed:
        raise _not_accepted(allowed)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            _check_zip_budget(entries, size)
            names = {entry.filename for entry in entries}
            fmt = _ooxml_format(archive, names)
            _read_all(archive, entries)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ValidationError(
            _("The file is damaged or incomplete; it could not be opened."), code="damaged"
        ) from exc
    finally:
        uploaded.seek(0)
    return fmt


def _check_zip_budget(entries: list[zipfile.ZipInfo], archive_size: int) -> None:
    bomb = ValidationError(
        _(
            "The file would expand to far more than its size (a compression bomb) and is not"
            " accepted."
        ),
        code="zip_bomb",
    )
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    expanded = sum(entry.file_size for entry in entries)
    if expanded > MAX_ZIP_UNCOMPRESSED or expanded > MAX_ZIP_RATIO * max(archive_size, 1):
        raise bomb
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise ValidationError(
                _("The document is password-protected. Remove the password and upload it again."),
                code="encrypted",
            )
        path = entry.filename.replace("\\", "/")
        if path.startswith("/") or ".." in path.split("/") or ":" in path:
            raise ValidationError(
                _("The file is damaged or incomplete; it could not be opened."), code="zip_paths"
            )


def _ooxml_format(archive: zipfile.ZipFile, names: set[str]) -> _Format:
    not_office = ValidationError(
        _(
            "ZIP archives are not accepted. Upload the documents one by one as PDF, image or"
            " Office files."
        ),
        code="zip",
    )
    if "[Content_Types].xml" not in names:
        raise not_office
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MAX_CONTENT_TYPES_XML:
        raise not_office
    content_types = archive.read(info)
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        b"macroEnabled" in content_types
    ):
        raise ValidationError(
            _(
                "Documents with macros are not accepted. Save it as a plain .docx, .xlsx or"
                " .pptx and upload it again."
            ),
            code="macros",
        )
    for fmt, main_type, main_part in _OOXML:
        if main_type in content_types and main_part in names:
            return fmt
    raise not_office


def _read_all(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    budget = MAX_ZIP_UNCOMPRESSED
    for entry in entries:
        if entry.is_dir():
            continue
        with archive.open(entry) as member:
            while chunk := member.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise zipfile.BadZipFile("expands beyond the budget")


def _check_image(uploaded: UploadedFile, fmt: _Format) -> None:
    from PIL import Image, UnidentifiedImageError

    pillow_format = {"PNG": "PNG", "JPEG": "JPEG", "WebP": "WEBP"}[fmt.label]
    file: IO[bytes] = uploaded  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("The image is damaged or incomplete; it could not be opened."), code="damaged"
        ) from exc
    finally:
        uploaded.seek(0)


# Names --------------------------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    """The cleaned stem and the lower-case extension (".pdf"; "" when there is none)."""
    text = unicodedata.normalize("NFC", str(name))
    text = re.split(r"[/\\]", text)[-1]
    # Control characters, and format characters such as U+202E that flip "fdp.exe" to "exe.pdf".
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
    text = _UNSAFE_CHARS.sub("_", text)
    text = " ".join(text.split())
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem.strip(" .") or not re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
        return text, ""
    return stem, f".{extension.lower()}"


def _safe_name(stem: str, extension: str) -> str:
    stem = stem.strip(" .-_") or "file"
    if stem.split(".")[0].lower() in _RESERVED:
        stem = f"_{stem}"
    room = MAX_NAME_LENGTH - len(extension)
    return stem[:room].rstrip(" .") + extension


# Messages -----------------------------------------------------------------------------------


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is too large; the limit is %(limit)s."),
        code="too_large",
        params={"limit": filesizeformat(max_bytes)},
    )


def _not_accepted(allowed: tuple[str, ...]) -> ValidationError:
    choices = format_lazy(", ".join(["{}"] * len(allowed)), *(_ACCEPTED[k] for k in allowed))
    return ValidationError(
        _("This kind of file is not accepted. Upload %(choices)s."),
        code="type",
        params={"choices": choices},
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "The image has too many pixels; the limit is %(limit)s megapixels. Scan or save it at"
            " a lower resolution and upload it again."
        ),
        code="too_many_pixels",
        params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
    )
