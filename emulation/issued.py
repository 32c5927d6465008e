"""Issued documents: rendered once, stored once, verifiable by anyone through their code.

Apps issue their PDFs (signed covenant, minutes, proposal letter, decision) with
`issue_document`, and serve them from their own permission-checked views with `file_response`.
The public page /verify/<code>/ (emulation.verify) tells whether a copy matches.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone

from emulation import audit
from emulation.models import (
    AuditEvent,
    AuditHead,
    IssuedDocument,
    User,
    new_verification_code,
    verify_url,
)
from emulation.pdf import qr_data_uri, render_pdf

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
CODE_ATTEMPTS = 5
ISSUED = "documents.issued"
# The hash of the chain's head is printed in full in the PDF's keywords and, this long, on the page:
# enough to tell a recomputed chain from the real one (`emulation.audit.read_heads` accepts it).
CHAIN_SHORT = 16


class AlteredDocument(Exception):
    """An issued document's stored file, or its stored SHA-256, is not what was issued: it is
    never served (`emulation.middleware` answers with a page saying so)."""

    def __init__(self, issued: IssuedDocument, problem: str) -> None:
        super().__init__(f"Issued document {issued.code}: {problem}")
        self.issued = issued
        self.problem = problem


def issue_document(
    *,
    kind: str,
    title: str,
    issuer_name: str,
    template_name: str,
    context: Mapping[str, Any],
    by: User | None,
    subject: models.Model | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> IssuedDocument:
    """Render the PDF once, with its verification code, address and QR code printed on it, and the
    audit chain's head at that moment (its event number and hash: an anchor of the chain outside
    the database); store the file, its SHA-256 and the head; record `documents.issued` in the
    audit log.

    `context` goes to the template (`title` and `issuer_name` are there unless it overrides them);
    `metadata` is kept with the record and shown on the verification page (its "signatories", a
    list of {"unit", "signer", "signed_at", "method", "hash"}, as a table). `subject` is the object
    the document was issued for.
    """
    code = _unused_code()
    url = verify_url(code)
    head = AuditHead.objects.filter(id=1).first()
    document = IssuedDocument(
        code=code,
        kind=kind,
        title=title,
        issuer_name=issuer_name,
        issued_by=by if by is not None and by.pk else None,
        issued_at=timezone.now(),
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        metadata=dict(metadata or {}),
        chain_seq=head.last_seq if head is not None else 0,
        chain_hash=head.last_hash if head is not None else "",
    )
    pdf = render_pdf(
        template_name,
        {
            "title": title,
            "issuer_name": issuer_name,
            **context,
            "verification": {
                "code": document.display_code,
                "url": url,
                "qr": qr_data_uri(url),
                "chain": {
                    "seq": document.chain_seq,
                    "hash": document.chain_hash,
                    "short": document.chain_hash[:CHAIN_SHORT],
                },
            },
        },
    )
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    # The file is written first and removed again when the row cannot be saved. (Should the
    # caller's own transaction roll back later, the file stays behind, unreferenced and harmless.)
    document.file.save(f"{code}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            audit.record(
                "documents.issued",
                actor=by,
                obj=document,
                after={
                    "code": code,
                    "sha256": document.sha256,
                    "kind": kind,
                    "chain_seq": document.chain_seq,
                    "chain_hash": document.chain_hash,
                },
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def _unused_code() -> str:
    """A code no issued document has, drawn again in the unlikely case it is taken (2^50 codes).
    It is printed on the document, so it is chosen before rendering; the unique constraint
    guards against two processes drawing the same code at the same moment."""
    for _attempt in range(CODE_ATTEMPTS):
        code = new_verification_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not draw an unused verification code.")


def _chunks(uploaded: File | IO[bytes]) -> Iterator[bytes]:
    if isinstance(uploaded, File):
        if uploaded.closed:
            uploaded.open("rb")
        yield from uploaded.chunks(CHUNK_SIZE)
        return
    if uploaded.seekable():
        uploaded.seek(0)
    while chunk := uploaded.read(CHUNK_SIZE):
        yield chunk


def sha256_of(uploaded: File | IO[bytes]) -> str:
    """The SHA-256 of a file, read in chunks (an uploaded copy may be large)."""
    digest = hashlib.sha256()
    for chunk in _chunks(uploaded):
        digest.update(chunk)
    return digest.hexdigest()


def matches(issued: IssuedDocument, uploaded_file: File | IO[bytes]) -> bool:
    """Whether a file is byte for byte the document as issued (its SHA-256 is the stored one)."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size != issued.size:
        return False
    return sha256_of(uploaded_file) == issued.sha256


def recorded_sha256(issued: IssuedDocument) -> str | None:
    """The SHA-256 the audit log recorded when the document was issued (None when no event of its
    issue is found: documents are issued only by `issue_document`, which always records one)."""
    event = (
        AuditEvent.objects.filter(
            action=ISSUED,
            object_type=IssuedDocument._meta.label_lower,
            object_id=str(issued.pk),
        )
        .order_by("seq")
        .only("after")
        .first()
    )
    if event is None or not isinstance(event.after, dict):
        return None
    value = event.after.get("sha256")
    return value if isinstance(value, str) else None


def problem_with(issued: IssuedDocument) -> str | None:
    """What is wrong with an issued document as stored, or None when it is intact: its stored
    SHA-256 must be the one its issue recorded in the audit log, and the stored file's bytes must
    hash to it."""
    recorded = recorded_sha256(issued)
    if recorded is not None and recorded != issued.sha256:
        return "its stored SHA-256 differs from the one recorded in the audit log at its issue"
    try:
        with issued.file.open("rb") as handle:
            actual = sha256_of(handle)
    except (OSError, ValueError):
        return "its stored file cannot be read"
    if actual != issued.sha256:
        return "its stored file's bytes do not match its SHA-256"
    return None


def check_intact(issued: IssuedDocument) -> None:
    """Raise `AlteredDocument` (and log an error) unless the document is intact."""
    problem = problem_with(issued)
    if problem is not None:
        logger.error("Issued document %s (id %s) refused: %s.", issued.code, issued.pk, problem)
        raise AlteredDocument(issued, problem)


def file_response(issued: IssuedDocument, *, filename: str) -> FileResponse:
    """The stored PDF as a download, for an app's own permission-checked view; its bytes are
    hashed first, and a file that is not the document as issued is refused (`AlteredDocument`)."""
    check_intact(issued)
    response = FileResponse(
        issued.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
