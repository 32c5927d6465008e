"""The kernel's models: the person, the append-only audit log and the documents issued as PDFs."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from emulation.roles import Roles, read_roles


class User(AbstractUser):
    """A person who signs in. One full name, as Vietnamese names are not split into first and last."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @cached_property
    def roles(self) -> Roles:
        """The person's units, blocks, councils and secretariat years (`emulation.roles`), read
        once for this object: within a request, once for the request."""
        return read_roles(self)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Site administrators hold every permission, except where a rule of the project says no
        to everyone (an archived year is read-only even for them): for them, such a rule is asked
        directly, so that the pages they see offer only what they may do."""
        if self.is_active and self.is_superuser and rules.perm_exists(perm):
            return bool(rules.has_perm(perm, self, obj))
        return super().has_perm(perm, obj)


class AuditHead(models.Model):
    """The single row that ends the audit chain; locking it serialises writers of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")
        ]

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class AuditEvent(models.Model):
    """One state change: who, when, what, before and after, why. Rows form a SHA-256 hash chain."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def content(self) -> dict[str, Any]:
        """What the hash covers: every stored field but the hash itself."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "ip": self.ip,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


# Verification codes are read off paper and typed by people: no 0/O or 1/I to confuse.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


# How the verification page names the kinds of document the apps issue; another kind shows as is.
KIND_LABELS = {
    "covenant": _("Covenant"),
    "minutes": _("Minutes"),
    "proposal": _("Proposal letter"),
    "decision": _("Award decision"),
    "certificate": _("Certificate"),
    "report": _("Achievement report"),
    "moha_proposal": _("Proposal to the Ministry of Home Affairs"),
    "council_minutes": _("Minutes of the council session"),
    "submission": _("Submission of the Department of Home Affairs"),
    "revocation": _("Decision revoking an award"),
}


def new_verification_code() -> str:
    """A random code of 10 characters from an unambiguous alphabet (50 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """The code as stored, from what a person typed: any case, with spaces, dashes or dots."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())


def issued_file_path(instance: IssuedDocument, filename: str) -> str:
    """issued/<year>/<code>.pdf, the year as the issuer sees it (Asia/Ho_Chi_Minh)."""
    return f"issued/{timezone.localtime(instance.issued_at):%Y}/{instance.code}.pdf"


class IssuedDocument(models.Model):
    """A PDF as it was issued: stored once, with its SHA-256 and the code printed on it, so that
    anyone holding a copy can check it at /verify/<code>/. Rows are never changed or deleted."""

    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    issuer_name = models.CharField(_("issued by (body)"), max_length=300)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    file = models.FileField(
        _("file"), upload_to=issued_file_path, max_length=200, blank=True, editable=False
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    subject_type = models.CharField(_("issued for (type)"), max_length=80, blank=True)
    subject_id = models.CharField(_("issued for (id)"), max_length=64, blank=True)
    metadata = models.JSONField(_("details"), default=dict, blank=True)
    # The end of the audit chain when the document was issued, printed on it: an anchor of the
    # chain outside the database (see `emulation.audit.check_anchors`). Null on documents issued
    # before heads were printed.
    chain_seq = models.PositiveBigIntegerField(
        _("audit chain head (event)"), null=True, blank=True, editable=False
    )
    chain_hash = models.CharField(
        _("audit chain head (hash)"), max_length=64, blank=True, editable=False
    )
    # The number in the issuing body's register (`DocumentRegister`) of this kind of document for
    # `register_year`, as printed ("12/BB-KTĐ"); blank for a kind that carries none.
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    register_year = models.PositiveSmallIntegerField(
        _("register year"), null=True, blank=True, editable=False
    )
    # Issued (its row, number and audit event committed) before its PDF exists: the PDF is
    # rendered after the commit (`emulation.issued.render_issued`), and its SHA-256 recorded then.
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=[("pending", _("Being prepared")), ("ready", _("Ready"))],
        default="ready",
        editable=False,
    )
    # The document's HTML as rendered at its issue, kept until its PDF is made from it.
    source_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending")
                | models.Q(models.lookups.Exact(Length("sha256"), 64)),
                name="issued_document_sha256_length",
            ),
            models.UniqueConstraint(
                fields=["issuer_name", "kind", "register_year", "number"],
                condition=~models.Q(number=""),
                name="issued_document_number_unique_in_register",
            ),
            models.CheckConstraint(
                condition=models.lookups.GreaterThanOrEqual(Length("code"), CODE_LENGTH),
                name="issued_document_code_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("verify", args=[self.code])

    def get_verify_url(self) -> str:
        """The absolute address printed on the document (its host is the SITE_URL setting)."""
        return verify_url(self.code)

    @property
    def display_code(self) -> str:
        """The code as printed, in two groups for reading aloud: "ABCDE-FGHJK"."""
        half = (len(self.code) + 1) // 2
        return f"{self.code[:half]}-{self.code[half:]}"

    @property
    def is_ready(self) -> bool:
        """Whether its PDF has been rendered and stored (it can be downloaded and checked)."""
        return self.state == "ready"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def version_hash(self) -> str:
        """The SHA-256 of the text that was signed, when the issuing app recorded one."""
        value = self.metadata.get("version_hash") or self.metadata.get("version_sha256") or ""
        return str(value)

    def signatories(self) -> list[dict[str, Any]]:
        """The signatures recorded in the metadata, with their times as datetimes for display."""
        rows = []
        for entry in self.metadata.get("signatories") or []:
            if not isinstance(entry, dict):
                continue
            signed_at = entry.get("signed_at")
            parsed = parse_datetime(signed_at) if isinstance(signed_at, str) else None
            rows.append({**entry, "signed_at": parsed or signed_at})
        return rows

    def mail_context(self) -> dict[str, Any]:
        """What e-mail templates need to speak of this document; JSON-safe, for background mail."""
        return {
            "title": self.title,
            "kind": self.kind,
            "issuer_name": self.issuer_name,
            "code": self.display_code,
            "verify_url": self.get_verify_url(),
            "issued_at": self.issued_at.isoformat(),
        }


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('verify', args=[code])}"


class AuditTimestamp(models.Model):
    """An RFC 3161 time-stamp token over the audit chain's head (event `seq` had hash
    `chain_hash`), from the authority named in `AUDIT_TSA_URL`: an anchor of the chain that no one
    with access to the database can forge. Rows are never changed or deleted.

    The token's message imprint is the SHA-256 of `emulation.timestamps.head_message(seq, hash)`.
    """

    seq = models.PositiveBigIntegerField(_("audit chain head (event)"), editable=False)
    chain_hash = models.CharField(_("audit chain head (hash)"), max_length=64, editable=False)
    token = models.BinaryField(_("time-stamp token (DER)"), editable=False)
    gen_time = models.DateTimeField(_("time-stamped at"), editable=False)
    tsa_name = models.CharField(_("time-stamping authority"), max_length=300, editable=False)
    tsa_serial = models.CharField(
        _("authority's certificate serial"), max_length=100, editable=False
    )
    created_at = models.DateTimeField(_("stored at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("audit time-stamp")
        verbose_name_plural = _("audit time-stamps")
        ordering = ["-seq", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seq", "chain_hash"], name="audit_timestamp_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.gen_time:%Y-%m-%d %H:%M:%S} {self.tsa_name}"


def signed_copy_path(instance: DocumentSignature, filename: str) -> str:
    """signed/<year>/<code>-<first 16 hex digits of its SHA-256>.pdf."""
    when = timezone.localtime(instance.uploaded_at)
    return f"signed/{when:%Y}/{instance.document.code}-{instance.sha256[:16]}.pdf"


class DocumentSignature(models.Model):
    """An issued document signed outside the application with the signer's own certificate and
    uploaded back: accepted only when its signed revision holds the issued file byte for byte and
    its certificate chains to the installed trust roots (`emulation.signing.accept_signed_copy`).
    The signed file is stored with its SHA-256; rows are never changed or deleted."""

    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("issued document"),
        on_delete=models.PROTECT,
        related_name="signed_copies",
    )
    file = models.FileField(_("file"), upload_to=signed_copy_path, max_length=200, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    signer_name = models.CharField(_("signer"), max_length=300, editable=False)
    certificate_subject = models.CharField(
        _("certificate subject"), max_length=1000, editable=False
    )
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=1000, editable=False)
    certificate_serial = models.CharField(_("certificate serial"), max_length=100, editable=False)
    certificate_sha256 = models.CharField(
        _("certificate fingerprint (SHA-256)"), max_length=64, editable=False
    )
    signed_at = models.DateTimeField(_("signing time"), null=True, blank=True, editable=False)
    timestamp_at = models.DateTimeField(_("time-stamp"), null=True, blank=True, editable=False)
    timestamp_authority = models.CharField(
        _("time-stamping authority"), max_length=300, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), editable=False)

    class Meta:
        verbose_name = _("signed copy")
        verbose_name_plural = _("signed copies")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "sha256"], name="signed_copy_once"),
            models.CheckConstraint(
                condition=models.lookups.Exact(Length("sha256"), 64),
                name="signed_copy_sha256_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.display_code} {self.signer_name}"


# Registers of issued documents ----------------------------------------------------------------


class DocumentRegister(models.Model):
    """An issuing body's register of one kind of document for one year ("sổ đăng ký văn bản
    đi"): numbers run from 1 each year (Decree 30/2020/NĐ-CP, Art. 15 and Appendix III). The row
    is locked while a number is drawn, so that two documents issued at once never share one and
    none is skipped."""

    issuer = models.CharField(_("issuing body"), max_length=300)
    kind = models.CharField(_("kind"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year"], name="document_register_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.kind} {self.year}: {self.last_number}"
