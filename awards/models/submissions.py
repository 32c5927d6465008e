"""The Department of Home Affairs' submission (Tờ trình của Sở Nội vụ) to the Chairman of the
People's Committee: after the council's vote and before the decision, the Director of the
Department proposes the units the council approved. The decision then opens with "Theo đề nghị
của Giám đốc Sở Nội vụ tại Tờ trình số …" (`services.decisions.default_legal_bases`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.models.nominations import Nomination
from blocks.models import Authority
from emulation.models import IssuedDocument


class Submission(models.Model):
    """A numbered submission for one authority and year, listing the nominations the council
    approved that no earlier submission listed; issued as a PDF when it is recorded."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="submissions"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    number = models.CharField(
        _("number and symbol"), max_length=40, help_text=_("Such as 45/TTr-SNV.")
    )
    signed_on = models.DateField(_("dated"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    nominations = models.ManyToManyField(
        Nomination, verbose_name=_("nominations"), related_name="submissions"
    )
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
        verbose_name = _("submission of the Department of Home Affairs")
        verbose_name_plural = _("submissions of the Department of Home Affairs")
        ordering = ["authority", "-year", "signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"], name="submission_number_unique_per_authority"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("awards:submission_detail", args=[self.pk])
