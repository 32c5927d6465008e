"""How the year ends: the council's award decisions with their awardees (and certificates), and
the hand-over of the block to the head and deputies it elected for next year."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.models.nominations import Nomination
from awards.models.rules import AwardType
from blocks.models import Authority, BlockYear, Unit
from emulation.models import IssuedDocument


class Decision(models.Model):
    """The award decision for one award type and year (or, for Government-level awards, the
    province's proposal to the Ministry of Home Affairs), issued as a PDF and then published."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Award decision")
        PROPOSAL = "proposal", _("Proposal to the Ministry of Home Affairs")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PUBLISHED = "published", _("Published")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.ISSUED},
        Status.ISSUED: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }

    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="decisions"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(
        _("number and symbol"), max_length=40, help_text=_("Such as 125/QĐ-UBND.")
    )
    signed_on = models.DateField(_("dated"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    legal_bases = models.TextField(
        _("legal bases"), max_length=5000, help_text=_("One per line, as they open the decision.")
    )
    submission = models.ForeignKey(
        "awards.Submission",
        verbose_name=_("submission of the Department of Home Affairs"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["authority", "-year", "award_type__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"], name="decision_number_unique_per_authority"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("awards:decision_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class AwardeeQuerySet(models.QuerySet["Awardee"]):
    def in_force(self) -> AwardeeQuerySet:
        """The awards no later decision revoked."""
        return self.filter(revocation__isnull=True)

    def revoked(self) -> AwardeeQuerySet:
        return self.filter(revocation__isnull=False)


class Awardee(models.Model):
    """A unit the decision awards (or proposes), with the names as they stood, and its
    certificate once issued; a later decision may revoke the award (`Revocation`)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="awardees"
    )
    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="awardee"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    unit_name = models.CharField(_("unit"), max_length=200)
    # For an award to an individual: the name and title as the decision prints them.
    person_name = models.CharField(_("full name"), max_length=150, blank=True)
    person_title = models.CharField(_("position title"), max_length=200, blank=True)
    block_name = models.CharField(_("block"), max_length=200)
    certificate = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AwardeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("awardee")
        verbose_name_plural = _("awardees")
        ordering = ["decision", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Who is awarded: the person with their title and unit, or the unit."""
        if self.person_name:
            return f"{self.person_name}, {self.person_title}, {self.unit_name}"
        return self.unit_name


class Handover(models.Model):
    """Next year's head and deputies as the block elected them, until the council confirms them
    and the hand-over date comes (then the secretariat moves to the new head)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the council's confirmation")
        CONFIRMED = "confirmed", _("Confirmed by the council")
        DONE = "done", _("Handed over")

    from_year = models.OneToOneField(
        BlockYear, verbose_name=_("elected in"), on_delete=models.PROTECT, related_name="handover"
    )
    to_year = models.OneToOneField(
        BlockYear, verbose_name=_("for"), on_delete=models.PROTECT, related_name="handed_over"
    )
    head = models.ForeignKey(
        Unit, verbose_name=_("head"), on_delete=models.PROTECT, related_name="+"
    )
    deputies = models.ManyToManyField(Unit, verbose_name=_("deputy heads"), related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    handover_on = models.DateField(_("hand-over date"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.from_year} → {self.to_year}"


class Revocation(models.Model):
    """A later decision revoking one award (Law 06/2022/QH15, Chapter VII "Xử lý vi phạm": the
    decision is cancelled, the award's object and money recovered), with its ground and reason,
    issued as a PDF. An award is revoked once; the revocation itself is never undone here."""

    class Ground(models.TextChoices):
        FRAUD = "fraud", _("Achievements declared fraudulently")
        FALSE_RECORDS = "false_records", _("False information or forged papers in the dossier")
        UNLAWFUL_REVIEW = "unlawful_review", _("Appraised, reviewed or proposed against the law")
        FOUND_UNFIT = (
            "found_unfit",
            _("A competent authority found the standard was not met during the period"),
        )

    awardee = models.OneToOneField(
        Awardee, verbose_name=_("award"), on_delete=models.PROTECT, related_name="revocation"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(
        _("number and symbol"), max_length=40, help_text=_("Such as 310/QĐ-UBND.")
    )
    signed_on = models.DateField(_("dated"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    reason = models.TextField(_("reason"))
    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        ordering = ["signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"], name="revocation_number_unique_per_authority"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="revocation_has_a_reason"),
        ]

    def __str__(self) -> str:
        return self.number
