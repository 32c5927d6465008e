"""The block's secret ballots: the ballot, its candidates, the voter roll, the anonymous ballot
papers and the reminders to vote.

Ballot secrecy (DESIGN §6): `BallotVoter` records *that* a unit voted; `CastBallot` and
`CastChoice` record *what* was chosen, with random keys and no timestamp, unit, person or order
that leads back to the voter. The receipt a voter is given is kept only as a hash on the cast
ballot, so it proves that the ballot was counted without saying whose it is. The cast ballots are
rewritten in random order when the ballot closes (`services.ballots.close_ballot`), so that not
even the order rows were stored in follows the order of voting.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards.models.rules import AwardType, Fractions
from awards.models.voting import BallotBox, HeldInABox
from blocks.models import BlockYear, Person, Unit


class Ballot(Fractions, HeldInABox):
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
        COUNTING = "counting", _("Voting closed, waiting for the counting board")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.OPEN, Status.CLOSED},  # closed directly from paper counts
        Status.OPEN: {Status.COUNTING, Status.CLOSED},  # closed at once when void
        Status.COUNTING: {Status.CLOSED},
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
    # An online ballot's box: its counting board, voter roll and sealed ballots.
    box = models.OneToOneField(
        BallotBox,
        verbose_name=_("ballot box"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballot",
    )

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

    @property
    def is_counting(self) -> bool:
        return self.status == self.Status.COUNTING


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
        VOID = "void", _("Void: not counted")

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="candidates"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="candidacies"
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    # On a ballot for an award to individuals: the person their unit proposed (`unit` is then
    # the person's unit), with the name and title as proposed.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    person_name = models.CharField(_("full name"), max_length=150, blank=True)
    person_title = models.CharField(_("position title"), max_length=200, blank=True)
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
            models.UniqueConstraint(
                fields=["ballot", "unit"],
                condition=Q(person__isnull=True),
                name="candidate_once_per_ballot",
            ),
            models.UniqueConstraint(
                fields=["ballot", "person"],
                condition=Q(person__isnull=False),
                name="person_candidate_once_per_ballot",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Who stands: the person (with their unit) or the unit."""
        if self.person_id:
            return f"{self.person_name} ({self.person_title}, {self.unit_name})"
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


def _random_key() -> uuid.UUID:
    """Random keys for the anonymous rows of the ballots held before the voting core (the
    migrations name this function)."""
    return uuid.uuid4()


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
