"""Issued documents: numbered in their body's register, rendered once, stored once, verifiable by
anyone through their code.

Apps issue their PDFs (signed covenant, minutes, proposal letter, decision) with
`issue_document`, and serve them from their own permission-checked views with `file_response`.
The public page /verify/<code>/ (emulation.verify) tells whether a copy matches.

Issuing is in two steps, so that no audited write ever waits on the renderer (the audit log's
head row, `AuditHead`, is locked by every audited write until its transaction ends):

1. `issue_document`, inside the caller's transaction: the number is drawn from (or checked
   against) the register, the document's HTML is rendered from the template with the audit
   chain's head at that moment printed on it (read without the head's lock, so no write waits
   on the template), and the row is saved as "pending" with its `documents.issued` event;
2. after that transaction commits (`transaction.on_commit`), `render_issued` lays the HTML out
   as a PDF/A file, has it signed (`emulation.signing.sign_issued`), stores it and records its
   SHA-256 in a `documents.rendered` event. One document is rendered at once after the commit;
   several (a decision's certificates) are rendered by background workers (django-tasks,
   `render_issued_document`).

Until then the document is "being prepared": its download and verification pages say so.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, connections, models, router, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django_tasks import task

from emulation import audit
from emulation.errors import DomainError
from emulation.models import (
    AuditEvent,
    AuditHead,
    DocumentRegister,
    IssuedDocument,
    User,
    new_verification_code,
    verify_url,
)
from emulation.pdf import html_to_pdf, qr_data_uri, render_html
from emulation.signing import sign_issued

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
CODE_ATTEMPTS = 5
ISSUED = "documents.issued"
RENDERED = "documents.rendered"
# Where the QR code of the document's address goes in its HTML until it is rendered: drawing it
# takes milliseconds, which the issuing transaction (holding the audit head) need not spend.
QR_PLACEHOLDER = "data:image/svg+xml;qr-of-the-verification-address"
PENDING = "pending"
READY = "ready"
# The hash of the chain's head is printed in full in the PDF's keywords and, this long, on the page:
# enough to tell a recomputed chain from the real one (`emulation.audit.read_heads` accepts it).
CHAIN_SHORT = 16

# How long the last renders took (seconds), for the benchmark.
RENDERS: list[float] = []
RENDERS_KEPT = 2000


class AlteredDocument(Exception):
    """An issued document's stored file, or its stored SHA-256, is not what was issued: it is
    never served (`emulation.middleware` answers with a page saying so)."""

    def __init__(self, issued: IssuedDocument, problem: str) -> None:
        super().__init__(f"Issued document {issued.code}: {problem}")
        self.issued = issued
        self.problem = problem


class DocumentPending(Exception):
    """An issued document whose PDF is still being prepared (`emulation.middleware` answers with
    a page saying so, and asking to come back shortly)."""

    def __init__(self, issued: IssuedDocument) -> None:
        super().__init__(f"Issued document {issued.code} is being prepared")
        self.issued = issued


class DuplicateNumber(DomainError):
    """The number typed for a document is already in its body's register for that year."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="number")


class RenderedInsideTransaction(RuntimeError):
    """A document was about to be rendered while a transaction (which may hold the audit head's
    lock) is open: rendering waits for the commit."""


_AS_OF: ContextVar[datetime.datetime | None] = ContextVar("issued_as_of", default=None)


@contextmanager
def issuing_as_of(moment: datetime.datetime) -> Iterator[None]:
    """Issue the documents of the block as of a past moment: the demo's history (last year's
    minutes, reports and letter) carries the dates of its own events, in order, not the day it
    was seeded. Only the demo does this; an office issues at the present moment."""
    token = _AS_OF.set(moment)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def issue_moment() -> datetime.datetime:
    """When the document being issued is issued: now, or the moment of `issuing_as_of`."""
    return _AS_OF.get() or timezone.now()


def issue_date() -> datetime.date:
    """The date of issue printed on a document (the issuer's local date)."""
    return timezone.localdate(issue_moment())


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
    number: str = "",
    symbol: str = "",
    year: int | None = None,
    background: bool = False,
) -> IssuedDocument:
    """Issue a document: number it, render its HTML once, with its verification code, address
    and QR code printed on it, and the audit chain's head at that moment (its event number and
    hash: an anchor of the chain outside the database); save it, pending, and record
    `documents.issued` in the audit log. Its PDF is made after the caller's transaction commits
    (see the module's docstring); `background` has it made by a worker (for many documents).

    The number: `symbol` ("BB-KTĐ") draws the next one from the register of `issuer_name` for
    `kind` and `year` ("12/BB-KTĐ"); `number` is one given by the body's own document system,
    refused (`DuplicateNumber`) when that register already holds it. `year` is the register's
    year: by default the year of the date printed on the document (`context["date"]`), or of
    its issue. The number is in the template's context as `number`.

    `context` goes to the template (`title` and `issuer_name` are there unless it overrides them);
    `metadata` is kept with the record and shown on the verification page (its "signatories", a
    list of {"unit", "signer", "signed_at", "method", "hash"}, as a table). `subject` is the object
    the document was issued for.

    A caller that records audit events of its own in the same transaction prepares the document
    first (`prepare_document`) and issues it after them (`Prepared.issue`): the rendering then
    happens before the transaction takes the audit head's lock, which it holds until the commit.
    """
    with transaction.atomic():
        return prepare_document(
            kind=kind,
            title=title,
            issuer_name=issuer_name,
            template_name=template_name,
            context=context,
            by=by,
            subject=subject,
            metadata=metadata,
            number=number,
            symbol=symbol,
            year=year,
            background=background,
        ).issue()


@dataclass
class Prepared:
    """A document numbered and rendered, not yet saved nor recorded (`prepare_document`)."""

    document: IssuedDocument
    by: User | None
    background: bool

    def issue(self) -> IssuedDocument:
        """Save the document, pending, and record its issue; its PDF is made after the commit."""
        document = self.document
        try:
            with transaction.atomic():
                document.save(force_insert=True)
        except IntegrityError as error:
            if document.number and _number_taken(document):
                raise _duplicate(document) from error
            raise
        audit.record(
            ISSUED,
            actor=self.by,
            obj=document,
            after={
                "code": document.code,
                "kind": document.kind,
                "number": document.number,
                "register_year": document.register_year,
                "chain_seq": document.chain_seq,
                "chain_hash": document.chain_hash,
            },
        )
        transaction.on_commit(AfterIssue(document, background=self.background))
        return document


def prepare_document(
    *,
    kind: str,
    title: str,
    issuer_name: str,
    template_name: str,
    context: Mapping[str, Any],
    by: User | None,
    subject: models.Model | None = None,
    metadata: Mapping[str, Any] | None = None,
    number: str = "",
    symbol: str = "",
    year: int | None = None,
    background: bool = False,
) -> Prepared:
    """The first half of `issue_document`, inside the caller's transaction: the number drawn
    from (or checked against) the register, and the HTML rendered with the chain's head as last
    recorded, read without taking the head's lock (any recorded head is an anchor of the chain:
    the one this transaction left, or the last committed one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A document is prepared inside the transaction that issues it.")
    code = _unused_code()
    url = verify_url(code)
    issued_at = issue_moment()
    printed = context.get("date")
    register_year = year or (
        printed.year if isinstance(printed, datetime.date) else timezone.localtime(issued_at).year
    )
    document = IssuedDocument(
        code=code,
        kind=kind,
        title=title,
        issuer_name=issuer_name,
        issued_by=by if by is not None and by.pk else None,
        issued_at=issued_at,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        metadata=dict(metadata or {}),
        state=PENDING,
    )
    if symbol or number:
        document.register_year = register_year
        document.number = (
            _next_number(issuer_name, kind, register_year, symbol)
            if symbol
            else _free_number(issuer_name, kind, register_year, number.strip())
        )
    head = AuditHead.objects.filter(id=1).first()
    document.chain_seq = head.last_seq if head is not None else 0
    document.chain_hash = head.last_hash if head is not None else ""
    document.source_html = render_html(
        template_name,
        {
            "title": title,
            "issuer_name": issuer_name,
            **context,
            **({"number": document.number} if document.number else {}),
            "verification": {
                "code": document.display_code,
                "url": url,
                # Drawn by the renderer, out of the caller's transaction (see render_issued).
                "qr": QR_PLACEHOLDER,
                "chain": {
                    "seq": document.chain_seq,
                    "hash": document.chain_hash,
                    "short": document.chain_hash[:CHAIN_SHORT],
                },
            },
        },
    )
    return Prepared(document, by, background)


@task()
def render_issued_document(document_id: int) -> None:
    """Make the PDF of an issued document after its issue was committed, in a background worker
    (`manage.py db_worker`; in-process in tests)."""
    render_issued(document_id)


class AfterIssue:
    """What `issue_document` leaves for after the commit: render the document at once, or have
    a background worker render it."""

    # Work that makes documents after a commit (the tests run it when the code's own outermost
    # transaction ends: tests/conftest.py).
    makes_documents = True

    def __init__(self, document: IssuedDocument, *, background: bool) -> None:
        self.document = document
        self.background = background

    def __call__(self) -> None:
        if self.background:
            result = render_issued_document.enqueue(self.document.pk)
            if result.is_finished:  # a backend that runs tasks at once (the tests')
                self.document.refresh_from_db()
            return
        rendered = render_issued(self.document.pk)
        if rendered is not None:  # the caller's object tells it is ready, as the row does
            for name in ("state", "sha256", "size", "file", "source_html"):
                setattr(self.document, name, getattr(rendered, name))


def _next_number(issuer: str, kind: str, year: int, symbol: str) -> str:
    """The next number of the register, drawn under the lock of its row (created at its first
    number; two first numbers at once meet on its unique constraint, and the loser reads it)."""
    register, _created = DocumentRegister.objects.select_for_update().get_or_create(
        issuer=issuer, kind=kind, year=year
    )
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return f"{register.last_number}/{symbol}"


def _free_number(issuer: str, kind: str, year: int, number: str) -> str:
    probe = IssuedDocument(issuer_name=issuer, kind=kind, register_year=year, number=number)
    if not number:
        raise DomainError(gettext("Give the document's number."), field="number")
    if _number_taken(probe):
        raise _duplicate(probe)
    return number


def _number_taken(document: IssuedDocument) -> bool:
    return IssuedDocument.objects.filter(
        issuer_name=document.issuer_name,
        kind=document.kind,
        register_year=document.register_year,
        number=document.number,
    ).exists()


def _duplicate(document: IssuedDocument) -> DuplicateNumber:
    return DuplicateNumber(
        gettext(
            "Number %(number)s is already in the register of %(issuer)s for %(year)s: give the "
            "number of this document in the body's register."
        )
        % {
            "number": document.number,
            "issuer": document.issuer_name,
            "year": document.register_year,
        }
    )


def check_holds_no_transaction(using: str | None = None) -> None:
    """Raise unless the connection is outside any transaction of the code (the atomic blocks a
    test case wraps each test in are not the code's: Django marks them `_from_testcase`, and
    treats them the same way for durable blocks)."""
    connection = connections[using or router.db_for_write(IssuedDocument)]
    if connection.in_atomic_block and not all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    ):
        raise RenderedInsideTransaction(
            "Issued documents are rendered after the transaction that issued them commits."
        )


def render_issued(pk: int, *, in_transaction: bool = False) -> IssuedDocument | None:
    """Make the PDF of a pending document: lay out its HTML (PDF/A), sign it, store it with its
    SHA-256, and record that hash in the audit log (a short transaction of its own). Nothing is
    done for a document already rendered (a retried task, two workers). `in_transaction` lets a
    job that has the database to itself (the benchmark's data generator) render inside its own
    transaction; nothing else may."""
    if not in_transaction:
        check_holds_no_transaction()
    document = IssuedDocument.objects.filter(pk=pk, state=PENDING).first()
    if document is None:
        return None
    started = time.perf_counter()
    qr = escape(qr_data_uri(verify_url(document.code)))  # as the template would have printed it
    html = document.source_html.replace(QR_PLACEHOLDER, qr)
    pdf = sign_issued(html_to_pdf(html), document)
    RENDERS.append(time.perf_counter() - started)
    del RENDERS[:-RENDERS_KEPT]
    sha256 = hashlib.sha256(pdf).hexdigest()
    document.file.save(f"{document.code}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            done = IssuedDocument.objects.filter(pk=pk, state=PENDING).update(
                state=READY, sha256=sha256, size=len(pdf), file=document.file.name, source_html=""
            )
            if done:
                audit.record(
                    RENDERED,
                    actor=None,
                    obj=document,
                    after={"code": document.code, "sha256": sha256, "size": len(pdf)},
                )
    except BaseException:
        document.file.delete(save=False)
        raise
    if not done:  # another worker stored it first
        document.file.delete(save=False)
        return None
    document.refresh_from_db()
    return document


def render_pending(*, limit: int | None = None) -> int:
    """Render the documents still pending (after a worker was stopped mid-way); how many."""
    pks = list(
        IssuedDocument.objects.filter(state=PENDING).order_by("pk").values_list("pk", flat=True)
    )
    count = 0
    for pk in pks[:limit]:
        if render_issued(pk) is not None:
            count += 1
    return count


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
    """The SHA-256 the audit log recorded when the document's PDF was stored (its
    `documents.rendered` event; before rendering was moved after the issue, its
    `documents.issued` event carried it). None when no event records one."""
    event = (
        AuditEvent.objects.filter(
            action__in=[RENDERED, ISSUED],
            after__has_key="sha256",
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
    hash to it. A document still being prepared has no file yet, and nothing wrong with it."""
    if not issued.is_ready:
        return None
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
    hashed first, and a file that is not the document as issued is refused (`AlteredDocument`);
    one still being prepared raises `DocumentPending`."""
    if not issued.is_ready:
        raise DocumentPending(issued)
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
