"""Digital signatures (PAdES) on issued documents, with pyHanko.

Three things happen here:

- **The issuing body signs at issue.** `sign_issued` is called by `emulation.issued` on every
  rendered PDF before its hash is taken and it is stored. It signs with the certificate configured
  for the document's issuer (`signer_for`: `DOCUMENT_SIGNERS[<issuer's name>]`, else the
  default `DOCUMENT_SIGNING_P12`), PAdES baseline B-B, or B-T with an RFC 3161 time-stamp when
  `DOCUMENT_TSA_URL` is set; the signature is an incremental update, so the rendered bytes are
  kept as they are and followed by the signature. No certificate configured: the PDF is issued as
  rendered. Certificates come from a PKCS#12 file or from a PKCS#11 token or HSM (pyHanko's
  `pkcs11` module, which needs the `python-pkcs11` package); each is loaded once per process.
- **A signer signs outside and uploads the signed file back** (`accept_signed_copy`): accepted
  only when the file begins with the issued file byte for byte, every signature added after it
  covers that whole issued file, is intact and valid, and its certificate chains to the roots the
  operator installed (`SIGNING_TRUST_ROOTS`); the copy, its SHA-256 and the signer's certificate
  and times are recorded (`DocumentSignature`) and audited.
- **Anyone checks the signatures of a copy** (`describe_signatures`, on `/verify/<code>/`).

Decree 30/2020/NĐ-CP on clerical work (Art. 5) gives an electronic document the legal value of
the original when it is digitally signed by the competent person and by the issuing body; Decree
130/2018/NĐ-CP (digital signatures and their certification) asks that a signature be made while
its certificate is valid and be checkable with the certificate's public key. See
docs/signatures.md.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from emulation import audit, timestamps

if TYPE_CHECKING:
    from emulation.models import DocumentSignature, IssuedDocument, User

logger = logging.getLogger(__name__)

ISSUER_FIELD = "IssuerSignature"
ACCEPTED = "documents.signed_copy.accepted"
MAX_SIGNED_MB = 20
# Each signature costs a validation: a file from anyone is read only up to this many.
MAX_SIGNATURES = 20
# Changes a signer's tool may append after its signature without touching what was signed:
# validation data (DSS) and document time-stamps.
HARMLESS_AFTER_SIGNING = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}


class SigningNotConfigured(Exception):
    """A certificate is configured but cannot be used (file missing, wrong passphrase, no
    python-pkcs11): issuing must not go on unsigned as if nothing were configured."""


# The certificates -----------------------------------------------------------------------------


def signer_config(document: IssuedDocument) -> dict[str, Any] | None:
    """The certificate configured for the document's issuer, else the default one, else None."""
    per_issuer = settings.DOCUMENT_SIGNERS or {}
    config = per_issuer.get(document.issuer_name)
    if config:
        return dict(config)
    if settings.DOCUMENT_SIGNING_P12:
        return {
            "p12": settings.DOCUMENT_SIGNING_P12,
            "password": settings.DOCUMENT_SIGNING_P12_PASSWORD,
        }
    return None


def signer_for(document: IssuedDocument) -> Signer | None:
    """pyHanko's signer for the document's issuer (loaded once per process), or None."""
    config = signer_config(document)
    if config is None:
        return None
    if config.get("pkcs11"):
        token = config["pkcs11"]
        return _pkcs11_signer(
            str(token["lib"]),
            str(token.get("token") or ""),
            str(token.get("pin") or ""),
            str(token.get("cert") or ""),
            str(token.get("key") or token.get("cert") or ""),
        )
    return _p12_signer(str(config["p12"]), str(config.get("password") or ""))


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's `SimpleSigner`, keeping its private key parsed: the original parses it again
    for every signature, twice per document (the size estimate, then the signature), which costs
    about 80 ms for an RSA key (the key's consistency checks). RSA (PKCS#1 v1.5) and ECDSA sign
    with the kept key; any other mechanism goes through pyHanko unchanged."""

    _private_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = (
                mechanism.signature_algo
            )  # "rsassa_pkcs1v15" for "sha256_rsa", as pyHanko reads it
        except ValueError:
            name = mechanism["algorithm"].native
        if self._private_key is None:
            self._private_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )
        key = self._private_key
        if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


@functools.cache
def _p12_signer(path: str, password: str) -> Signer:
    try:
        data = Path(path).read_bytes()
        loaded = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode() if password else None
        )
        return _LoadedKeySigner(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(
            f"The signing certificate {path} cannot be loaded (check the file and its "
            f"passphrase): {error}"
        ) from error


@functools.cache
def _pkcs11_signer(lib: str, token: str, pin: str, cert: str, key: str) -> Signer:
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11
    except ImportError as error:
        raise SigningNotConfigured(
            "A PKCS#11 token is configured, but the python-pkcs11 package is not installed."
        ) from error
    try:
        # The session stays open for the life of the process: opening one and logging in to the
        # token takes longer than a signature.
        session = pkcs11.open_pkcs11_session(
            lib, token_criteria=TokenCriteria(label=token or None), user_pin=pin or None
        )
        return pkcs11.PKCS11Signer(session, cert_label=cert or None, key_label=key or None)
    except Exception as error:  # the module's own errors, whatever the token's maker
        raise SigningNotConfigured(
            f"The PKCS#11 token {token or '(first)'} in {lib} cannot be used: {error}"
        ) from error


@functools.cache
def _timestamper(url: str) -> TimeStamper:
    # One client per authority, kept: pyHanko caches in it the size of the authority's tokens.
    return timestamps.timestamper(url)


def document_timestamper() -> TimeStamper | None:
    url = settings.DOCUMENT_TSA_URL
    return _timestamper(url) if url else None


# Signing at issue -----------------------------------------------------------------------------


def sign_issued(pdf: bytes, document: IssuedDocument) -> bytes:
    """The PDF signed with the certificate of `document`'s issuer, or as given when none is
    configured. PAdES (ETSI.CAdES.detached), SHA-256, an invisible approval signature named
    `IssuerSignature` with the reason and place from the settings and the issuing body as
    signer's name; time-stamped when `DOCUMENT_TSA_URL` is set (when the authority cannot be
    reached, signed without a time-stamp and the error logged)."""
    signer = signer_for(document)
    if signer is None:
        return pdf
    meta = signers.PdfSignatureMetadata(
        field_name=ISSUER_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=settings.DOCUMENT_SIGNING_REASON or None,
        location=settings.DOCUMENT_SIGNING_LOCATION or None,
        name=document.issuer_name or None,
    )
    stamper = document_timestamper()
    if stamper is not None:
        try:
            return _sign(pdf, meta, signer, stamper)
        except (TimestampRequestError, OSError) as error:
            # The authority is out of reach: the document is still signed (PAdES B-B, the
            # signing time as the server's clock says), rather than not issued at all.
            logger.error(
                "Issued document %s signed without a time-stamp: %s (%s).",
                document.code,
                error,
                error.__cause__,
            )
    return _sign(pdf, meta, signer, None)


def _sign(
    pdf: bytes,
    meta: signers.PdfSignatureMetadata,
    signer: Signer,
    stamper: TimeStamper | None,
) -> bytes:
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    key = (id(signer), id(stamper))
    output = timestamps.off_the_event_loop(
        lambda: pdf_signer.sign_pdf(writer, bytes_reserved=_reserved.get(key))
    )
    signed = bytes(output.getbuffer())
    if key not in _reserved:
        _reserved[key] = _reserve_like(signed)
    return signed


# The room kept in the file for the signature (hex digits), per signer and authority: pyHanko
# estimates it by signing once more in a dry run, and adds half as much again for time-stamp
# tokens whose length varies; the room measured on the first document is kept and the dry run
# skipped afterwards.
_reserved: dict[tuple[int, int], int] = {}


def _reserve_like(signed: bytes) -> int:
    reader = PdfFileReader(BytesIO(signed), strict=False)
    embedded = reader.embedded_signatures[-1]
    return 2 * len(embedded.sig_object.raw_get("/Contents").original_bytes)


# Reading signatures ---------------------------------------------------------------------------


def signing_trust_roots() -> list[x509.Certificate]:
    return timestamps.read_certificates(settings.SIGNING_TRUST_ROOTS)


def _validation_contexts(
    roots: list[x509.Certificate],
) -> tuple[ValidationContext, ValidationContext]:
    """For signers: the installed roots; for time-stamps: those and the audit authority's.
    Nothing is fetched from a network (no OCSP, no CRL download): revocation is checked only
    from what the file carries."""
    signer = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    try:
        tsa_roots = timestamps.tsa_trust_roots()
    except (OSError, ValueError):
        tsa_roots = []
    stamps = ValidationContext(trust_roots=list(roots) + tsa_roots, allow_fetching=False)
    return signer, stamps


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF, as the verification page shows it."""

    field: str
    signer: str
    subject: str
    issuer: str
    serial: str
    fingerprint: str
    signed_at: datetime | None
    timestamp_at: datetime | None
    timestamp_authority: str
    timestamp_trusted: bool
    intact: bool
    trusted: bool
    covers_issued: bool
    unchanged_after: bool
    covered_to: int

    @property
    def sound(self) -> bool:
        return self.intact and self.trusted and self.unchanged_after


def _covered_to(signature: EmbeddedPdfSignature) -> tuple[int, int]:
    """(where the signature's hole begins, where its signed bytes end): the signature covers
    [0, first) and its revision ends at `end`."""
    byte_range = [int(value) for value in signature.byte_range]
    return byte_range[1], byte_range[2] + byte_range[3]


def _report(
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    issued_size: int | None,
) -> SignatureReport:
    cert = status.signing_cert
    subject = cert.subject.native
    stamp = status.timestamp_validity
    hole, end = _covered_to(signature)
    return SignatureReport(
        field=str(signature.field_name or ""),
        signer=str(subject.get("common_name") or cert.subject.human_friendly),
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "X"),
        fingerprint=cert.sha256.hex(),
        signed_at=status.signer_reported_dt,
        timestamp_at=stamp.timestamp if stamp is not None else None,
        timestamp_authority=(stamp.signing_cert.subject.human_friendly if stamp else ""),
        timestamp_trusted=bool(stamp is not None and stamp.intact and stamp.trusted),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_issued=issued_size is not None and hole >= issued_size,
        unchanged_after=status.modification_level in HARMLESS_AFTER_SIGNING
        and status.docmdp_ok is not False,
        covered_to=end,
    )


def read_signatures(
    data: bytes, *, issued_size: int | None = None, roots: list[x509.Certificate] | None = None
) -> list[SignatureReport]:
    """Every signature of a PDF, validated with pyHanko against `roots` (default: the installed
    `SIGNING_TRUST_ROOTS`). Raises ValueError when the file cannot be read as a PDF."""
    if roots is None:
        try:
            roots = signing_trust_roots()
        except (OSError, ValueError):
            logger.exception("The signing trust roots cannot be read.")
            roots = []
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # a file from anyone: whatever the parser trips on, it is unread
        raise ValueError(str(error) or type(error).__name__) from error
    if len(embedded) > MAX_SIGNATURES:
        raise ValueError(f"more than {MAX_SIGNATURES} signatures")
    signer_context, stamp_context = _validation_contexts(roots)
    reports = []
    for signature in embedded:
        try:
            status = timestamps.off_the_event_loop(
                functools.partial(
                    validate_pdf_signature,
                    signature,
                    signer_validation_context=signer_context,
                    ts_validation_context=stamp_context,
                )
            )
            reports.append(_report(signature, status, issued_size))
        except Exception as error:  # as above: a malformed signature is reported, not a 500
            name = signature.field_name
            raise ValueError(f"signature {name}: {error or type(error).__name__}") from error
    return reports


def describe_signatures(data: bytes, document: IssuedDocument) -> list[SignatureReport] | None:
    """The signatures of an uploaded copy for the verification page, or None when the file
    cannot be read as a PDF."""
    try:
        return read_signatures(data, issued_size=document.size)
    except ValueError:
        return None


# Signed copies uploaded back ------------------------------------------------------------------


class SignedCopyRefused(Exception):
    """An uploaded signed copy cannot be accepted; the message says why, for the person."""


def named_signer_ids(document: IssuedDocument) -> set[int]:
    """The people the issuing app named as signers of the document: `metadata["signer_ids"]`,
    and the `signer_id` of each entry of `metadata["signatories"]`."""
    ids: set[int] = set()
    metadata = document.metadata if isinstance(document.metadata, dict) else {}
    for value in metadata.get("signer_ids") or []:
        if isinstance(value, int):
            ids.add(value)
    for entry in metadata.get("signatories") or []:
        if isinstance(entry, dict) and isinstance(entry.get("signer_id"), int):
            ids.add(entry["signer_id"])
    return ids


def may_upload_signed(user: Any, document: IssuedDocument) -> bool:
    """Who may bring a signed copy back: the person who issued the document, or a person its
    issuing app named as a signer. Nobody else, the site administrator included."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return document.issued_by_id == user.pk or user.pk in named_signer_ids(document)


def check_signed_copy(document: IssuedDocument, data: bytes) -> SignatureReport:
    """The signature a signer added to the issued document, when the copy may be accepted;
    otherwise `SignedCopyRefused` saying why. Rules, in order: a PDF; beginning with the issued
    file byte for byte; at least one signature added after it; every added signature covering
    the whole issued file, intact, valid, by a certificate chaining to the installed roots, and
    nothing but validation data changed after it."""
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise SignedCopyRefused(_("This is not a PDF file. Upload the signed PDF."))
    if len(data) <= document.size or hashlib.sha256(data[: document.size]).hexdigest() != (
        document.sha256
    ):
        if hashlib.sha256(data).hexdigest() == document.sha256:
            raise SignedCopyRefused(
                _(
                    "This is the document as issued, with no signature added. Sign it, then upload it."
                )
            )
        raise SignedCopyRefused(
            _(
                "This file is not a signed copy of this document: it does not contain the issued "
                "file unchanged. Sign the PDF downloaded from this site, without saving it "
                "another way first."
            )
        )
    try:
        roots = signing_trust_roots()
    except (OSError, ValueError) as error:
        logger.error("The signing trust roots cannot be read: %s", error)
        roots = []
    if not roots:
        raise SignedCopyRefused(
            _("No trusted certificate authority is installed, so no signed copy can be accepted.")
        )
    try:
        reports = read_signatures(data, issued_size=document.size, roots=roots)
    except ValueError as error:
        raise SignedCopyRefused(
            _("The file cannot be read as a signed PDF (%(error)s).") % {"error": error}
        ) from error
    added = [report for report in reports if report.covered_to > document.size]
    if not added:
        raise SignedCopyRefused(
            _(
                "The file carries no signature added to the issued document. Sign it, then upload it."
            )
        )
    for report in added:
        if not report.covers_issued:
            raise SignedCopyRefused(
                _("The signature of %(signer)s does not cover the whole issued document.")
                % {"signer": report.signer}
            )
        if not report.intact:
            raise SignedCopyRefused(
                _(
                    "The signature of %(signer)s is not valid: the signed file was changed after "
                    "it was signed."
                )
                % {"signer": report.signer}
            )
        if not report.unchanged_after:
            raise SignedCopyRefused(
                _("The file was changed after %(signer)s signed it.") % {"signer": report.signer}
            )
        if not report.trusted:
            raise SignedCopyRefused(
                _(
                    "The certificate of %(signer)s (issued by %(issuer)s) does not chain to a "
                    "certificate authority installed here."
                )
                % {"signer": report.signer, "issuer": report.issuer}
            )
    return max(added, key=lambda report: report.covered_to)


def accept_signed_copy(document: IssuedDocument, data: bytes, *, by: User) -> DocumentSignature:
    """Check a signed copy (`check_signed_copy`), store it with its SHA-256 and the signer's
    certificate and times, and record `documents.signed_copy.accepted`. The same file twice is
    refused; nothing is stored when anything fails."""
    from emulation.models import DocumentSignature, IssuedDocument

    if not may_upload_signed(by, document):
        raise SignedCopyRefused(_("You may not upload a signed copy of this document."))
    if len(data) > MAX_SIGNED_MB * 1024 * 1024:
        raise SignedCopyRefused(_("The file is larger than %(size)d MB.") % {"size": MAX_SIGNED_MB})
    report = check_signed_copy(document, data)
    digest = hashlib.sha256(data).hexdigest()
    copy = DocumentSignature(
        document=document,
        sha256=digest,
        size=len(data),
        signer_name=report.signer[:300],
        certificate_subject=report.subject[:1000],
        certificate_issuer=report.issuer[:1000],
        certificate_serial=report.serial[:100],
        certificate_sha256=report.fingerprint,
        signed_at=report.signed_at,
        timestamp_at=report.timestamp_at,
        timestamp_authority=report.timestamp_authority[:300],
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            # One upload of a document at a time: a double click waits here, then finds the copy.
            IssuedDocument.objects.select_for_update().filter(pk=document.pk).first()
            if DocumentSignature.objects.filter(document=document, sha256=digest).exists():
                raise SignedCopyRefused(_("This signed copy was already accepted."))
            copy.file.save(f"{document.code}.pdf", ContentFile(data), save=False)
            copy.save(force_insert=True)
            audit.record(
                ACCEPTED,
                actor=by,
                obj=copy,
                after={
                    "document": document.code,
                    "sha256": digest,
                    "signer": copy.signer_name,
                    "certificate_serial": copy.certificate_serial,
                    "certificate_sha256": copy.certificate_sha256,
                    "signed_at": copy.signed_at.isoformat() if copy.signed_at else None,
                    "timestamp_at": copy.timestamp_at.isoformat() if copy.timestamp_at else None,
                },
            )
    except IntegrityError as error:
        if copy.file.name:
            copy.file.delete(save=False)
        raise SignedCopyRefused(_("This signed copy was already accepted.")) from error
    except BaseException:
        if copy.file.name:
            copy.file.delete(save=False)
        raise
    return copy


def signed_copy_problem(copy: DocumentSignature) -> str | None:
    """What is wrong with a stored signed copy, or None: its acceptance must be in the audit log
    with this SHA-256 (a row written around the application has none), and the stored file's
    bytes must hash to it."""
    from emulation.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action=ACCEPTED, object_type=copy._meta.label_lower, object_id=str(copy.pk)
        )
        .only("after")
        .first()
    )
    if event is None or not isinstance(event.after, dict):
        return "the audit log has no record of its acceptance"
    if event.after.get("sha256") != copy.sha256:
        return "its stored SHA-256 differs from the one recorded in the audit log"
    try:
        with copy.file.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, ValueError):
        return "its stored file cannot be read"
    if digest != copy.sha256:
        return "its stored file's bytes do not match its SHA-256"
    return None
