"""The year's documents (rules, plan, covenant, criteria), their versions, the consultation on
them, the units' registration of targets, and the signatures on the covenant."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blocks.models import BlockYear, Unit


class DocumentQuerySet(models.QuerySet["Document"]):
    def with_pending_count(self) -> DocumentQuerySet:
        """Each document with the number of its comments awaiting an answer (`pending_comments`)."""
        return self.annotate(
            pending_comments=Count(
                "versions__comments", filter=Q(versions__comments__answer=Comment.Answer.PENDING)
            )
        )

    def ready_for_comments(self) -> DocumentQuerySet:
        """Drafts with a text, which may be put to the member units for comments."""
        return self.filter(status=Document.Status.DRAFT).filter(
            Exists(DocumentVersion.objects.filter(document=OuterRef("pk")))
        )

    def ready_to_adopt(self) -> DocumentQuerySet:
        """Drafts and documents under consultation with a text and every comment answered."""
        pending = Comment.objects.filter(
            version__document=OuterRef("pk"), answer=Comment.Answer.PENDING
        )
        return self.filter(
            Q(status=Document.Status.DRAFT) | Q(status=Document.Status.CONSULTATION),
            Exists(DocumentVersion.objects.filter(document=OuterRef("pk"))),
            ~Exists(pending),
        )

    def with_signature_count(self) -> DocumentQuerySet:
        """Each document with the number of signatures on its latest version (`signatures`)."""
        latest = (
            DocumentVersion.objects.filter(document=OuterRef(OuterRef("pk")))
            .order_by("-number")
            .values("pk")[:1]
        )
        signed = (
            Signature.objects.filter(version=Subquery(latest))
            .order_by()
            .values("version")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(signatures=Coalesce(Subquery(signed), 0))

    def with_signatures_of(self, units: Iterable[int]) -> DocumentQuerySet:
        """Each document with how many of `units` signed its latest version (`signed_by_units`)."""
        latest = (
            DocumentVersion.objects.filter(document=OuterRef(OuterRef("pk")))
            .order_by("-number")
            .values("pk")[:1]
        )
        signed = (
            Signature.objects.filter(version=Subquery(latest), unit__in=list(units))
            .order_by()
            .values("version")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(signed_by_units=Coalesce(Subquery(signed), 0))


class Document(models.Model):
    """One document of a block year; its text lives in numbered versions."""

    class Kind(models.TextChoices):
        RULES = "rules", _("Operating rules")
        PLAN = "plan", _("Work plan")
        COVENANT = "covenant", _("Emulation covenant")
        CRITERIA = "criteria", _("Criteria table")
        OTHER = "other", _("Other document")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("Open for comments")
        ADOPTED = "adopted", _("Adopted")
        SIGNING = "signing", _("Open for signing")
        IN_FORCE = "in_force", _("In force")

    # The moves each status allows; services check them, nothing else changes `status`.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.CONSULTATION, Status.ADOPTED},
        Status.CONSULTATION: {Status.DRAFT, Status.ADOPTED},
        Status.ADOPTED: {Status.SIGNING, Status.DRAFT},
        Status.SIGNING: {Status.IN_FORCE, Status.DRAFT},
        Status.IN_FORCE: {Status.DRAFT},
    }

    block_year = models.ForeignKey(
        BlockYear, verbose_name=_("block year"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    consultation_until = models.DateField(_("comments until"), null=True, blank=True)
    signing_deadline = models.DateField(_("signing deadline"), null=True, blank=True)
    in_force_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("version in force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["block_year", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year"],
                condition=Q(kind="covenant"),
                name="document_one_covenant_per_year",
            ),
            models.UniqueConstraint(
                fields=["block_year"],
                condition=Q(kind="criteria"),
                name="document_one_criteria_table_per_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("covenants:document_detail", args=[self.pk])

    @property
    def is_covenant(self) -> bool:
        return self.kind == self.Kind.COVENANT

    def can_move_to(self, status: str) -> bool:
        if status in (self.Status.SIGNING, self.Status.IN_FORCE) and not self.is_covenant:
            return False
        return status in self.TRANSITIONS.get(self.status, set())


class DocumentVersion(models.Model):
    """The text of a document at one moment. Frozen (hashed) when adopted; never edited after."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    preamble = models.TextField(_("preamble"), blank=True)
    body = models.TextField(_("content"), blank=True)
    targets = models.TextField(
        _("quantified targets"), blank=True, help_text=_("One target per line.")
    )
    movements = models.TextField(
        _("emulation movements"), blank=True, help_text=_("One movement per line.")
    )
    legal_bases = models.TextField(_("legal bases"), blank=True, help_text=_("One per line."))
    theme = models.CharField(_("theme or motto"), max_length=300, blank=True)
    change_note = models.CharField(_("change note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)

    CONTENT_FIELDS = ("preamble", "body", "targets", "movements", "legal_bases", "theme")

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} – v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return bool(self.sha256)

    def canonical_text(self) -> str:
        """The exact text a signature binds: every part, labelled, in a fixed order."""
        # The kind's code, not its label: the hash must not depend on the reader's language.
        parts = [f"{self.document.kind}: {self.document.title}"]
        for name in self.CONTENT_FIELDS:
            value = getattr(self, name).replace("\r\n", "\n").strip()
            parts.append(f"[{name}]\n{value}")
        return "\n\n".join(parts)

    def compute_sha256(self) -> str:
        return hashlib.sha256(self.canonical_text().encode()).hexdigest()

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class Comment(models.Model):
    """A member unit's comment on a version under consultation, and the secretariat's answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NOTED = "noted", _("Noted")

    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="document_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    answer = models.CharField(
        _("answer"), max_length=16, choices=Answer.choices, default=Answer.PENDING
    )
    answer_text = models.TextField(_("answer and reason"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} – {self.text[:40]}"


class Registration(models.Model):
    """A unit's registration of targets for the year (đăng ký thi đua)."""

    class Aim(models.TextChoices):
        EXCELLENT = "excellent", _("Complete tasks excellently")
        LABOUR_COLLECTIVE = "labour_collective", _("Excellent Labour Collective")
        CHAIRMAN_CERTIFICATE = "chairman_certificate", _("Chairman's Certificate of Merit")
        PROVINCIAL_FLAG = "provincial_flag", _("Provincial Emulation Flag")
        PM_CERTIFICATE = "pm_certificate", _("Prime Minister's Certificate of Merit")
        GOVERNMENT_FLAG = "government_flag", _("Government Emulation Flag")

    block_year = models.ForeignKey(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="registrations"
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft copied from last year")
        SUBMITTED = "submitted", _("Registered, awaiting the council")
        APPROVED = "approved", _("Approved by the council")
        RETURNED = "returned", _("Returned by the council")

    targets = models.TextField(_("targets"), max_length=5000, help_text=_("One target per line."))
    aims = models.JSONField(_("titles and awards aimed for"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_reason = models.TextField(_("council's reason"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registration of targets")
        verbose_name_plural = _("registrations of targets")
        ordering = ["block_year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year", "unit"], name="registration_once_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.block_year}"

    def aim_labels(self) -> list[str]:
        labels = dict(self.Aim.choices)
        return [str(labels.get(aim, aim)) for aim in self.aims]

    def target_lines(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]


class Signature(models.Model):
    """A unit's signature on one version of the covenant, bound to that version's SHA-256."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("Online, password re-entered")
        PASSWORD_TOTP = "password_totp", _("Online, password and authenticator code")
        PAPER = "paper", _("On paper, scan recorded")

    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="signatures"
    )
    unit_name = models.CharField(_("unit name when signed"), max_length=200)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    sha256 = models.CharField(_("SHA-256 of the signed text"), max_length=64)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scan = models.FileField(_("scanned page"), upload_to="signatures/%Y/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="signature_once_per_unit"),
            models.CheckConstraint(
                condition=~Q(method="paper") | ~Q(scan=""), name="signature_paper_has_scan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} – {self.version}"

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


class SigningReminder(models.Model):
    """That a unit was reminded on a day, so a reminder is never sent twice in a day."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "unit", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} – {self.unit} – {self.sent_on}"
