"""Award types and their rules, the block's secret ballots, nominations and their dossier.

Ballot secrecy (DESIGN §6): `BallotVoter` records *that* a unit voted; `CastBallot` and
`CastChoice` record *what* was chosen, with random keys and no timestamp, unit, person or order
that leads back to the voter. The receipt a voter is given is kept only as a hash on the cast
ballot, so it proves that the ballot was counted without saying whose it is. The cast ballots are
rewritten in random order when the ballot closes (`services.ballots.close_ballot`), so that not
even the order rows were stored in follows the order of voting.
"""

from __future__ import annotations

import uuid
from fractions import Fraction
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from blocks.models import BlockYear, Unit
from emulation.models import IssuedDocument

# What a unit declares before it may be proposed (Decree 152/2025: no award while the candidate is
# under discipline, inspection or complaint review).
ATTESTATIONS = {
    "no_discipline": _("The unit and its leaders are not under disciplinary action."),
    "no_inspection": _("The unit is not under inspection or investigation."),
    "no_complaint": _("No complaint or denunciation about the unit is being reviewed."),
}


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

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
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

    @staticmethod
    def localized(name_vi: str, name_en: str) -> str:
        return name_en if (get_language() or "vi").startswith("en") else name_vi


class Ballot(Fractions):
    """A secret ballot of the block's member units in a year.

    Quorum and approval share are copied from the award type when the ballot is created, so that
    a later change of the rules does not change a ballot already held.
    """

    class Kind(models.TextChoices):
        ACCLAIM = "acclaim", _("Acclaim the leading unit")
        NOMINATION = "nomination", _("Nominations for an award")
        TIE = "tie", _("Break a tie in the ranking")
        HEAD = "head", _("Elect next year's head")
        DEPUTY = "deputy", _("Elect next year's deputy heads")

    class Mode(models.TextChoices):
        APPROVE = "approve", _("Agree or disagree with each candidate")
        CHOOSE = "choose", _("Choose up to the number of places")

    class Method(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper at the meeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.OPEN, Status.CLOSED},  # closed directly from paper counts
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    block_year = models.ForeignKey(
        BlockYear, verbose_name=_("block year"), on_delete=models.PROTECT, related_name="ballots"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    mode = models.CharField(_("how to vote"), max_length=8, choices=Mode.choices)
    seats = models.PositiveSmallIntegerField(
        _("places"), default=1, help_text=_("How many candidates can be chosen or succeed.")
    )
    method = models.CharField(
        _("held"), max_length=8, choices=Method.choices, default=Method.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    closes_on = models.DateField(_("voting closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.PositiveSmallIntegerField(
        _("member units entitled to vote"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cast = models.PositiveSmallIntegerField(_("ballots cast"), null=True, blank=True)
    quorum_reached = models.BooleanField(_("quorum reached"), null=True, blank=True)
    results_sha256 = models.CharField(_("SHA-256 of the results"), max_length=64, blank=True)
    minutes_scan = models.FileField(
        _("scanned minutes"), upload_to="ballots/%Y/", blank=True, max_length=200
    )
    minutes_scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["block_year", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="nomination") | Q(award_type__isnull=False),
                name="ballot_nomination_names_an_award",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="ballot_at_least_one_place"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:ballot_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """What the ballot decides, in the reader's language (needs `block_year` and
        `award_type`: select them with the ballot)."""
        award = self.award_type.name if self.award_type is not None else ""
        return ballot_title(self.kind, self.block_year.year, award)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


def ballot_title(kind: str, year: int, award: str = "") -> str:
    """The title of a ballot of this kind in a block year, in the reader's language."""
    if kind == Ballot.Kind.NOMINATION:
        return gettext("Propose units for the %(award)s (%(year)d)") % {
            "award": award,
            "year": year,
        }
    titles: dict[str, tuple[str, int]] = {
        Ballot.Kind.ACCLAIM: (gettext("Acclaim the leading unit of %(year)d"), year),
        Ballot.Kind.TIE: (gettext("Settle the tie for first place in %(year)d"), year),
        Ballot.Kind.HEAD: (gettext("Elect the head of the block for %(year)d"), year + 1),
        Ballot.Kind.DEPUTY: (gettext("Elect the deputy heads for %(year)d"), year + 1),
    }
    text, shown = titles.get(kind, ("%(year)d", year))
    return text % {"year": shown}


class BallotCandidate(models.Model):
    """A unit on the ballot, with what the ranking said of it; the counts exist once closed."""

    class Outcome(models.TextChoices):
        NONE = "", _("Not counted yet")
        SUCCEEDED = "succeeded", _("Succeeded")
        OUTSIDE = "outside", _("Enough votes, but tied or outside the places")
        SHORT = "short", _("Not enough votes")
        NO_QUORUM = "no_quorum", _("No quorum")

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="candidates"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="candidacies"
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("classification"), max_length=150, blank=True)
    approvals = models.PositiveSmallIntegerField(_("agree"), null=True, blank=True)
    disapprovals = models.PositiveSmallIntegerField(_("disagree"), null=True, blank=True)
    elected = models.BooleanField(_("succeeded"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["ballot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "unit"], name="candidate_once_per_ballot")
        ]

    def __str__(self) -> str:
        return self.unit_name

    @property
    def outcome_note(self) -> str:
        """The outcome with its numbers, in the reader's language (uses `ballot`)."""
        ballot = self.ballot
        cast, members, agree = ballot.cast or 0, ballot.members or 0, self.approvals or 0
        needed = ballot.votes_needed(cast, members)
        if self.outcome == self.Outcome.NO_QUORUM:
            return gettext("No quorum: %(cast)d of %(members)d units voted, %(quorum)s needed.") % {
                "cast": cast,
                "members": members,
                "quorum": f"{ballot.quorum_numerator}/{ballot.quorum_denominator}",
            }
        if self.outcome == self.Outcome.SUCCEEDED:
            return gettext("Succeeded with %(agree)d votes (%(needed)d needed).") % {
                "agree": agree,
                "needed": needed,
            }
        if self.outcome == self.Outcome.OUTSIDE:
            return gettext("Enough votes, but tied or outside the %(seats)d place(s).") % {
                "seats": ballot.seats
            }
        if self.outcome == self.Outcome.SHORT:
            return gettext("Not enough votes: %(agree)d, %(needed)d needed.") % {
                "agree": agree,
                "needed": needed,
            }
        return ""


class BallotVoter(models.Model):
    """That a member unit voted (by whom and when). What it chose is not here, nor linked."""

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="voters"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
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
        ordering = ["ballot", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["ballot", "unit"], name="one_vote_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.ballot}"


def _random_key() -> uuid.UUID:
    return uuid.uuid4()


class CastBallot(models.Model):
    """One anonymous ballot paper: a random key, the ballot, and the hash of its receipt."""

    id = models.UUIDField(primary_key=True, default=_random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="cast_ballots")
    receipt_sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("cast ballot")
        verbose_name_plural = _("cast ballots")

    def __str__(self) -> str:
        return str(_("Anonymous ballot"))


class CastChoice(models.Model):
    """What one anonymous ballot said of one candidate."""

    id = models.UUIDField(primary_key=True, default=_random_key, editable=False)
    cast_ballot = models.ForeignKey(CastBallot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(BallotCandidate, on_delete=models.CASCADE, related_name="choices")
    approve = models.BooleanField()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["cast_ballot", "candidate"], name="choice_once_per_candidate"
            )
        ]

    def __str__(self) -> str:
        return str(_("Anonymous choice"))


class Nomination(models.Model):
    """A unit proposed for an award by its block, with the parts of its dossier."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Sent to the council")
        RETURNED = "returned", _("Returned by the council")
        RECEIVED = "received", _("Received by the council")
        APPRAISED = "appraised", _("Appraised")
        SCHEDULED = "scheduled", _("On a council session's agenda")
        APPROVED = "approved", _("Approved by the council")
        REJECTED = "rejected", _("Not approved by the council")
        AWARDED = "awarded", _("Awarded")

    # The block's part ends at SUBMITTED; the council's begins there (DOMAIN §6): it receives,
    # appraises, puts on a session's agenda, and the session approves or not; a decision awards.
    # A session that lacks its quorum puts its items back to APPRAISED.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RECEIVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.RECEIVED: {Status.APPRAISED, Status.RETURNED},
        Status.APPRAISED: {Status.APPRAISED, Status.SCHEDULED, Status.RETURNED},
        Status.SCHEDULED: {Status.APPRAISED, Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.AWARDED},
        Status.REJECTED: set(),
        Status.AWARDED: set(),
    }
    # Statuses in which the council holds the nomination (sent and not returned).
    WITH_COUNCIL: ClassVar[tuple[str, ...]] = (
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.APPRAISED,
        Status.SCHEDULED,
        Status.APPROVED,
        Status.REJECTED,
        Status.AWARDED,
    )

    block_year = models.ForeignKey(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="nominations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="nominations"
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    ballot = models.ForeignKey(
        Ballot,
        verbose_name=_("ballot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    eligibility = models.JSONField(_("eligibility check"), default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    attestations = models.JSONField(_("attestations"), default=dict, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attested_at = models.DateTimeField(_("attested at"), null=True, blank=True)
    # The achievement report, in the sections of the decree's form for a collective.
    report_overview = models.TextField(
        _("I. Characteristics and tasks of the unit"), blank=True, max_length=20000
    )
    report_results = models.TextField(
        _("II.1. Results of the year's tasks"), blank=True, max_length=20000
    )
    report_measures = models.TextField(
        _("II.2. Solutions and innovations that led to them"), blank=True, max_length=20000
    )
    report_movements = models.TextField(
        _("II.3. Emulation movements, Party and mass organisation work"),
        blank=True,
        max_length=20000,
    )
    report_awards = models.TextField(
        _("III. Emulation titles and awards received before"), blank=True, max_length=20000
    )
    report_updated_at = models.DateTimeField(_("report updated at"), null=True, blank=True)
    report_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_approved_at = models.DateTimeField(_("report approved at"), null=True, blank=True)
    report_document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("issued achievement report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for returning"), blank=True, max_length=5000)
    # The council's appraisal (thẩm định): its checklist {code: bool}, notes, and the eligibility
    # check run again on the data of the day.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appraisal = models.JSONField(_("appraisal checklist"), default=dict, blank=True)
    appraisal_notes = models.TextField(_("appraisal notes"), blank=True, max_length=5000)
    appraisal_eligibility = models.JSONField(
        _("eligibility at appraisal"), default=list, blank=True
    )
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    REPORT_FIELDS: ClassVar[tuple[str, ...]] = (
        "report_overview",
        "report_results",
        "report_measures",
        "report_movements",
        "report_awards",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["block_year", "award_type__position", "unit_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year", "award_type", "unit"], name="nomination_once_per_award"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="nomination_returned_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} – {self.award_type}"

    def get_absolute_url(self) -> str:
        return reverse("awards:nomination_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def report_is_approved(self) -> bool:
        return self.report_approved_at is not None

    @property
    def is_with_council(self) -> bool:
        return self.status in self.WITH_COUNCIL


class NominationFile(models.Model):
    """A related document attached to a nomination (served through a permission-checked view)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to="nominations/%Y/", max_length=200)
    name = models.CharField(_("file name"), max_length=160)
    description = models.CharField(_("what it is"), max_length=300, blank=True)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Dossier(models.Model):
    """The block's package for the council: proposal letter, minutes, and every nomination."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Sent to the council")

    block_year = models.OneToOneField(
        BlockYear, verbose_name=_("block year"), on_delete=models.PROTECT, related_name="dossier"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    letter_number = models.CharField(_("number of the proposal letter"), max_length=40, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    proposal_letter = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("proposal letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("minutes of the deliberation meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("nomination dossier")
        verbose_name_plural = _("nomination dossiers")

    def __str__(self) -> str:
        return str(_("Nomination dossier %(year)s") % {"year": self.block_year})

    def get_absolute_url(self) -> str:
        return reverse("awards:dossier_detail", args=[self.block_year_id])


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


class BallotReminder(models.Model):
    """That a unit was reminded to vote on a day (once a day at most)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "unit", "sent_on"], name="ballot_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.sent_on}"


# The council's part of the year (sessions, secret votes, decisions) lives in its own module; it is
# imported here so that Django finds its models, after the models it refers to.
from awards.council_models import (  # noqa: E402
    AgendaItem,
    Awardee,
    CouncilCastBallot,
    CouncilCastChoice,
    CouncilSession,
    CouncilVoter,
    Decision,
)

__all__ = [
    "ATTESTATIONS",
    "AgendaItem",
    "AwardType",
    "Awardee",
    "Ballot",
    "BallotCandidate",
    "BallotReminder",
    "BallotVoter",
    "CastBallot",
    "CastChoice",
    "CouncilCastBallot",
    "CouncilCastChoice",
    "CouncilSession",
    "CouncilVoter",
    "Decision",
    "Dossier",
    "Fractions",
    "Handover",
    "Nomination",
    "NominationFile",
    "ballot_title",
]
