"""Award types and the rules for proposing them (DOMAIN §5): who may be a candidate, the caps,
the attestations a unit gives, and the quorum and approval shares (`Fractions`) that a block's
ballot copies from its award type."""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# What a unit declares before it may be proposed (Decree 152/2025: no award while the candidate is
# under discipline, inspection or complaint review).
ATTESTATIONS = {
    "no_discipline": _("The unit and its leaders are not under disciplinary action."),
    "no_inspection": _("The unit is not under inspection or investigation."),
    "no_complaint": _("No complaint or denunciation about the unit is being reviewed."),
}

# What a unit declares of one of its people proposed for an award to an individual: the same
# codes say other things of a person (Law 06/2022/QH15 Art. 74(1)(d): excellent completion of
# tasks in the years before, with initiatives; no award while under discipline).
INDIVIDUAL_ATTESTATIONS = {
    "tasks_excellent_years": _(
        "The person completed their tasks excellently in each of the years the award requires,"
        " with the initiatives it requires, as the unit's reviews record."
    ),
    "no_discipline": _("The person is not under disciplinary action."),
    "no_inspection": _("The person is not under inspection or investigation."),
    "no_complaint": _("No complaint or denunciation about the person is being reviewed."),
}


def attestation_text(code: str, *, individual: bool = False) -> str:
    """What an attestation code declares, of a unit or of a person."""
    texts = INDIVIDUAL_ATTESTATIONS if individual else ATTESTATIONS
    return str(texts.get(code, code))


class Fractions(models.Model):
    """Quorum and approval share as exact fractions (2/3 of 9 members is 6, not 5.99)."""

    class Base(models.TextChoices):
        MEMBERS = "members", _("of all member units")
        CAST = "cast", _("of the ballots cast")

    quorum_numerator = models.PositiveSmallIntegerField(_("quorum (numerator)"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum (denominator)"), default=3)
    approval_numerator = models.PositiveSmallIntegerField(_("approval (numerator)"), default=1)
    approval_denominator = models.PositiveSmallIntegerField(_("approval (denominator)"), default=2)
    approval_base = models.CharField(
        _("approval counted"), max_length=8, choices=Base.choices, default=Base.MEMBERS
    )
    approval_strict = models.BooleanField(
        _("strictly more than the share"),
        default=True,
        help_text=_("Ticked: more than half; not ticked: at least the share (such as 2/3)."),
    )

    class Meta:
        abstract = True

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator or 1)

    @property
    def approval(self) -> Fraction:
        return Fraction(self.approval_numerator, self.approval_denominator or 1)

    def quorum_met(self, cast: int, members: int) -> bool:
        return members > 0 and Fraction(cast, members) >= self.quorum

    def approval_base_count(self, cast: int, members: int) -> int:
        return members if self.approval_base == self.Base.MEMBERS else cast

    def approved(self, votes: int, cast: int, members: int) -> bool:
        base = self.approval_base_count(cast, members)
        if base <= 0:
            return False
        share = Fraction(votes, base)
        return share > self.approval if self.approval_strict else share >= self.approval

    def votes_needed(self, cast: int, members: int) -> int:
        """The fewest approvals that pass, for the explanation shown with the results."""
        base = self.approval_base_count(cast, members)
        for votes in range(base + 1):
            if self.approved(votes, cast, members):
                return votes
        return base + 1

    def approval_words(self) -> str:
        more = _("more than") if self.approval_strict else _("at least")
        return f"{more} {self.approval_numerator}/{self.approval_denominator} " + str(
            self.Base(self.approval_base).label
        )

    def quorum_words(self) -> str:
        return str(
            _("at least %(n)d/%(d)d of the member units vote")
            % {"n": self.quorum_numerator, "d": self.quorum_denominator}
        )


class AwardType(Fractions):
    """An award or title and the rules for proposing it (DOMAIN §5); data, not code."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial")
        GOVERNMENT = "government", _("Government")

    class Candidates(models.TextChoices):
        LEADING = "leading", _("The block's leading unit only")
        RANKED = "ranked", _("Units ranked within the first places")
        MEMBERS = "members", _("Any member unit")
        PROPOSED = "proposed", _("People their units propose")

    class Subject(models.TextChoices):
        COLLECTIVE = "collective", _("A collective (a unit)")
        INDIVIDUAL = "individual", _("An individual")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    subject = models.CharField(
        _("awarded to"), max_length=10, choices=Subject.choices, default=Subject.COLLECTIVE
    )
    decided_by = models.CharField(_("decided by"), max_length=200)
    candidates = models.CharField(
        _("who may be a candidate"), max_length=8, choices=Candidates.choices
    )
    max_rank = models.PositiveSmallIntegerField(
        _("ranked at most"),
        null=True,
        blank=True,
        help_text=_("For “units ranked within the first places”: the last place that qualifies."),
    )
    min_band = models.PositiveSmallIntegerField(
        _("classified at least (band)"),
        null=True,
        blank=True,
        help_text=_("1 is the year's highest classification, 2 the next one, and so on."),
    )
    max_per_block = models.PositiveSmallIntegerField(_("most per block"), null=True, blank=True)
    cap_percent = models.PositiveSmallIntegerField(
        _("at most this many per cent of the authority's leading units"),
        null=True,
        blank=True,
        help_text=_(
            "The Government flag: proposals at most 20 per cent of the blocks' leading units."
        ),
    )
    prerequisite = models.ForeignKey(
        "self",
        verbose_name=_("also proposed for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attestations = models.JSONField(
        _("attestations the unit gives"),
        default=list,
        blank=True,
        help_text=_("Codes: no_discipline, no_inspection, no_complaint."),
    )
    legal_basis = models.TextField(_("legal basis"), max_length=2000)
    # How the council approves a proposal for this award: a share of the council members present
    # who vote (the block's share above is for the block's ballot).
    council_approval_numerator = models.PositiveSmallIntegerField(
        _("council approval (numerator)"), default=1
    )
    council_approval_denominator = models.PositiveSmallIntegerField(
        _("council approval (denominator)"), default=2
    )
    council_approval_strict = models.BooleanField(
        _("council: strictly more than the share"), default=True
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(approval_denominator__gt=0)
                & Q(quorum_numerator__lte=F("quorum_denominator"))
                & Q(approval_numerator__lte=F("approval_denominator")),
                name="award_type_fractions_valid",
            ),
            models.CheckConstraint(
                condition=~Q(candidates="ranked") | Q(max_rank__gte=1),
                name="award_type_ranked_needs_a_rank",
            ),
            models.CheckConstraint(
                condition=Q(cap_percent__isnull=True) | Q(cap_percent__lte=100),
                name="award_type_cap_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(council_approval_denominator__gt=0)
                & Q(council_approval_numerator__lte=F("council_approval_denominator")),
                name="award_type_council_fraction_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.localized(self.name_vi, self.name_en)

    @property
    def for_individuals(self) -> bool:
        return self.subject == self.Subject.INDIVIDUAL

    @staticmethod
    def localized(name_vi: str, name_en: str) -> str:
        return name_en if (get_language() or "vi").startswith("en") else name_vi
