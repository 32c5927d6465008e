"""A unit's proposal of one of its people to the block for an award to an individual: the
block's secret ballot on that award then puts every proposed person before the member units, and
those it carries become nominations like a unit's (DOMAIN §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.rules import AwardType
from blocks.models import BlockYear, Person, Unit


class PersonProposalQuerySet(models.QuerySet["PersonProposal"]):
    def standing(self) -> PersonProposalQuerySet:
        """The proposals not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class PersonProposal(models.Model):
    """A person a member unit proposes to its block for an award to an individual, with what
    the unit says of them; the name and title are copied as they stood."""

    block_year = models.ForeignKey(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.PROTECT,
        related_name="person_proposals",
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="person_proposals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="proposals"
    )
    person_name = models.CharField(_("full name"), max_length=150)
    person_title = models.CharField(_("position title"), max_length=200)
    summary = models.TextField(_("achievements in brief"), max_length=4000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=500, blank=True)

    objects = PersonProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal of a person")
        verbose_name_plural = _("proposals of people")
        ordering = ["block_year", "award_type__position", "unit__name", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year", "award_type", "person"],
                condition=Q(withdrawn_at__isnull=True),
                name="person_proposed_once_per_award",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="person_proposal_withdrawn_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.unit})"
