"""Each authority's award catalogue, in dated versions (docs/award-rules.md).

- `RuleVersion`: the rules of one award in one authority's catalogue while one legal text is in
  force (Decree 98/2023/NĐ-CP until 30 June 2025, Decree 152/2025/NĐ-CP from 1 July 2025), each
  rule with the article it rests on (`citations`) and whether that article could be confirmed.
  A year is judged by the version in force on 31 December of that year (`awards.catalogue`).
- `CapBase`: the number of leading units the council counts, for a year, under the Government
  flag's 20 per cent (letter 5007/BNV-TĐKT), and how the share is rounded.
- `PastRecord`: an award or a year's result from before the app, entered by council staff with
  its decision number, so that multi-year conditions and a unit's history reach back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.rules import AwardType
from blocks.models import Authority, Unit


class RuleVersion(models.Model):
    """The rules of an award in an authority's catalogue for a period; data, not code."""

    class Decree(models.TextChoices):
        D98 = "98/2023", _("Decree 98/2023/NĐ-CP")
        D152 = "152/2025", _("Decree 152/2025/NĐ-CP")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.CASCADE,
        related_name="award_rule_versions",
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="versions"
    )
    decree = models.CharField(_("decree in force"), max_length=10, choices=Decree.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    offered = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Not ticked: the authority does not offer this award in this period."),
    )
    candidates = models.CharField(
        _("who may be a candidate"), max_length=8, choices=AwardType.Candidates.choices
    )
    max_rank = models.PositiveSmallIntegerField(_("ranked at most"), null=True, blank=True)
    min_band = models.PositiveSmallIntegerField(
        _("classified at least (band)"), null=True, blank=True
    )
    max_per_block = models.PositiveSmallIntegerField(_("most per block"), null=True, blank=True)
    cap_percent = models.PositiveSmallIntegerField(
        _("at most this many per cent of the leading units"), null=True, blank=True
    )
    prerequisite = models.ForeignKey(
        AwardType,
        verbose_name=_("also proposed for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requires_acclaim = models.BooleanField(_("the block's ballot acclaims the unit"), default=False)
    excludes = models.ManyToManyField(
        AwardType,
        verbose_name=_("not for the same achievement as"),
        blank=True,
        related_name="+",
        help_text=_("One achievement, one award: a unit proposed for one of these the same year"),
    )
    years_well = models.PositiveSmallIntegerField(
        _("consecutive earlier years completing tasks well"), null=True, blank=True
    )
    earlier_award = models.ForeignKey(
        AwardType,
        verbose_name=_("received earlier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attestations = models.JSONField(_("attestations the unit gives"), default=list, blank=True)
    citations = models.JSONField(
        _("articles cited"),
        default=dict,
        blank=True,
        help_text=_(
            "Per rule: the article, and whether its text was confirmed"
            ' ({"leading": {"article": "…", "confirmed": true}}).'
        ),
    )

    class Meta:
        verbose_name = _("award rule version")
        verbose_name_plural = _("award rule versions")
        ordering = ["authority", "award_type__position", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "award_type", "valid_from"], name="rule_version_once"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="rule_version_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type} – {self.label}"

    @property
    def label(self) -> str:
        until = self.valid_until.strftime("%d/%m/%Y") if self.valid_until else "…"
        return f"{self.get_decree_display()} ({self.valid_from:%d/%m/%Y} – {until})"


class CapBase(models.Model):
    """How many leading units the authority counts for a year, and the rounding of a share."""

    class Rounding(models.TextChoices):
        FLOOR = "floor", _("rounded down")
        HALF_UP = "half_up", _("rounded half up")

    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.CASCADE, related_name="cap_bases"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    leading_units = models.PositiveSmallIntegerField(_("leading units of all blocks and clusters"))
    rounding = models.CharField(
        _("rounding"), max_length=8, choices=Rounding.choices, default=Rounding.FLOOR
    )
    note = models.CharField(_("where the number comes from"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("base of the 20 per cent")
        verbose_name_plural = _("bases of the 20 per cent")
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="cap_base_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.leading_units}"


class PastRecord(models.Model):
    """An award, or a year's result, from before the app: entered by council staff."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Completed tasks excellently")
        WELL = "well", _("Completed tasks well")
        DONE = "done", _("Completed tasks")
        NOT_DONE = "not_done", _("Did not complete tasks")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="past_records"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="past_records",
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("For an award not in the catalogue.")
    )
    result = models.CharField(
        _("result of the year"), max_length=10, choices=Result.choices, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True)
    decision_date = models.DateField(_("decision dated"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("past award or result")
        verbose_name_plural = _("past awards and results")
        ordering = ["unit", "-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(award_type__isnull=True, title="", result=""),
                name="past_record_says_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.name}"

    @property
    def name(self) -> str:
        if self.award_type_id:
            return str(self.award_type)
        return self.title or str(self.get_result_display())

    @property
    def well_or_better(self) -> bool:
        return self.result in (self.Result.EXCELLENT, self.Result.WELL)
