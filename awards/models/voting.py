"""The voting core shared by the block's ballots and the council's sessions (docs/ballot-secrecy.md):
a ballot box with its public key, the counting board that holds its private key in shares, the
voter roll, and the sealed ballots.

Nothing here links a voter to a choice in clear: the roll says *that* a unit or member voted; a
sealed ballot is a ciphertext only the board can open together, and once counted it is emptied,
keeping only the hash of its receipt so that a voter can check it was counted. The private key is
never stored: it is rebuilt in memory from the tellers' shares at the counting table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocks.models import Unit


class BallotBox(models.Model):
    """The box of one online vote: a block's ballot or a council session's vote."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Counting board being seated")
        OPEN = "open", _("Open for voting")
        COUNTING = "counting", _("Waiting for the counting board")
        COUNTED = "counted", _("Counted")
        VOID = "void", _("Void")

    class Void(models.TextChoices):
        NO_QUORUM = "no_quorum", _("Void: quorum not reached")
        SHARES_LOST = "shares_lost", _("Void: the counting board could not open the box")
        LEGACY = "legacy", _("Void: held before ballots were sealed")

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    # Receipts are hashed within this scope (kept from the ballots held before the core).
    receipt_scope = models.CharField(_("receipt scope"), max_length=40)
    public_key = models.BinaryField(_("public key"), max_length=32, null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(_("codes needed to count"), default=2)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    void = models.CharField(_("void"), max_length=12, choices=Void.choices, blank=True)
    void_reason = models.TextField(_("why it is void"), blank=True)

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=1), name="box_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_scope} ({self.get_state_display()})"

    @property
    def is_void(self) -> bool:
        return self.state == self.State.VOID


class HeldInABox(models.Model):
    """What a block's ballot and a council session share as votes of the core: an online one has
    a `box` (each model names it, for its own way back from the box), and a void one may be held
    again, saying why."""

    rerun_of = models.ForeignKey(
        "self",
        verbose_name=_("held again after"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reruns",
    )
    rerun_reason = models.TextField(_("why it is held again"), blank=True)

    box: models.OneToOneField[BallotBox | None, BallotBox | None]

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        """Closed without a count: no quorum, or the board could not open the box (needs
        `box`); on paper, closed short of quorum."""
        if self.box is not None:
            return self.box.is_void
        return (
            getattr(self, "status", "") == "closed"
            and getattr(self, "quorum_reached", None) is False
        )


class Teller(models.Model):
    """A member of the counting board (Ban kiểm phiếu) and the share of the box's key sealed to
    the code they were shown once when seated (only the code's public key is kept)."""

    box = models.ForeignKey(
        BallotBox, verbose_name=_("ballot box"), on_delete=models.CASCADE, related_name="tellers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teller"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    public_key = models.BinaryField(max_length=32, null=True, blank=True)
    seated_at = models.DateTimeField(_("received their code at"), null=True, blank=True)
    sealed_share = models.BinaryField(null=True, blank=True)
    counted_at = models.DateTimeField(_("gave their code at"), null=True, blank=True)

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("counting board")
        ordering = ["box", "position"]
        constraints = [
            models.UniqueConstraint(fields=["box", "user"], name="teller_once_per_box"),
            models.UniqueConstraint(fields=["box", "position"], name="teller_position_once"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_seated(self) -> bool:
        return self.seated_at is not None


class RollEntry(models.Model):
    """That a unit (block ballot) or a member (council vote) voted, by whom and when; never what
    they chose."""

    box = models.ForeignKey(
        BallotBox, verbose_name=_("ballot box"), on_delete=models.CASCADE, related_name="roll"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    voted_at = models.DateTimeField(_("voted at"))

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        ordering = ["box", "unit__name", "voted_by__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["box", "unit"], condition=Q(unit__isnull=False), name="roll_unit_once"
            ),
            models.UniqueConstraint(
                fields=["box", "voted_by"], condition=Q(unit__isnull=True), name="roll_member_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.voted_by)


def _random_key() -> uuid.UUID:
    return uuid.uuid4()


class SealedBallot(models.Model):
    """One ballot paper in the box: a random key, the ciphertext only the board can open, and the
    hash of the voter's receipt. Emptied (`sealed` cleared) when counted or destroyed."""

    id = models.UUIDField(primary_key=True, default=_random_key, editable=False)
    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="ballots")
    sealed = models.BinaryField(null=True, blank=True)
    receipt_sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self) -> str:
        return str(_("Sealed ballot"))
