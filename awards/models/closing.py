"""What a block year records it will not do, so that it can be closed: a ballot not held (or a
void one not held again), no proposals this year, a returned nomination not sent again.

A year is archived only when nothing can still happen in it (`services.archive.archive_checks`):
every ballot it held is counted, or void and waived; the ballots every year needs (acclaiming
the leading unit, settling a tie for first place, electing next year's head) are held or waived;
every nomination is decided, withdrawn, or returned and closed; the dossier is sent, or the year
records that it proposes nobody. Each waiver says why and who recorded it; the audit log keeps it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.nominations import Nomination
from awards.models.rules import AwardType
from blocks.models import BlockYear


class Waiver(models.Model):
    """One thing the year will not do, with its reason."""

    class What(models.TextChoices):
        ACCLAIM = "acclaim", _("No ballot to acclaim the leading unit")
        TIE = "tie", _("No ballot to settle the tie for first place")
        HEAD = "head", _("No election of next year's head")
        DEPUTY = "deputy", _("No election of next year's deputy heads")
        NOMINATION = "nomination", _("The void nomination ballot is not held again")
        PROPOSALS = "proposals", _("No proposals this year")
        RETURNED = "returned", _("The returned nomination is not sent again")

    BALLOT_KINDS = frozenset({"acclaim", "tie", "head", "deputy", "nomination"})

    block_year = models.ForeignKey(
        BlockYear, verbose_name=_("block year"), on_delete=models.PROTECT, related_name="waivers"
    )
    what = models.CharField(_("what is not done"), max_length=12, choices=What.choices)
    award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("nomination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closure",
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        ordering = ["block_year", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year", "what"],
                condition=Q(award_type__isnull=True, nomination__isnull=True),
                name="waiver_once_per_year",
            ),
            models.UniqueConstraint(
                fields=["block_year", "what", "award_type"],
                condition=Q(award_type__isnull=False),
                name="waiver_once_per_award",
            ),
            models.CheckConstraint(
                condition=~Q(what="nomination") | Q(award_type__isnull=False),
                name="waiver_nomination_names_an_award",
            ),
            models.CheckConstraint(
                condition=Q(what="returned", nomination__isnull=False)
                | Q(~Q(what="returned"), nomination__isnull=True),
                name="waiver_returned_names_a_nomination",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="waiver_gives_a_reason"),
        ]

    def __str__(self) -> str:
        return str(self.get_what_display())
