"""The council's sessions (DOMAIN §6): a session with its agenda of appraised nominations, the
members present and the quorum, and the members' secret votes.

Council votes keep the secrecy of block ballots (DESIGN §6): `CouncilVoter` records *that* a
member voted; `CouncilCastBallot` and `CouncilCastChoice` record *what* was chosen, under random
keys, with no timestamp, person or order that leads back, and are rewritten in random order after
every vote. The receipt is kept only as a hash.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from awards.models.nominations import Nomination
from awards.models.voting import BallotBox, HeldInABox
from blocks.models import Authority
from emulation.models import IssuedDocument


class CouncilSession(HeldInABox):
    """A meeting of an authority's Emulation-Commendation Council that votes on an agenda of
    nominations for one emulation year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Agenda being prepared")
        OPEN = "open", _("Voting")
        COUNTING = "counting", _("Voting closed, waiting for the counting board")
        CLOSED = "closed", _("Closed")

    class Method(models.TextChoices):
        ONLINE = "online", _("Secret ballot online")
        PAPER = "paper", _("Paper ballot, counts recorded by the staff")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.OPEN, Status.CLOSED},
        Status.OPEN: {Status.COUNTING, Status.CLOSED},
        Status.COUNTING: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="council_sessions",
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    method = models.CharField(
        _("how members vote"), max_length=8, choices=Method.choices, default=Method.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum (numerator)"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum (denominator)"), default=3)
    # The council's size when voting opened (or the counts were recorded), and who was present.
    council_size = models.PositiveSmallIntegerField(_("council members"), null=True, blank=True)
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members present"),
        blank=True,
        related_name="council_sessions_attended",
    )
    cast = models.PositiveSmallIntegerField(_("ballots cast"), null=True, blank=True)
    quorum_reached = models.BooleanField(_("quorum reached"), null=True, blank=True)
    opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    results_sha256 = models.CharField(_("SHA-256 of the results"), max_length=64, blank=True)
    minutes = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("session minutes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes_scan = models.FileField(
        _("scanned minutes of the paper count"),
        upload_to="council-sessions/%Y/",
        max_length=200,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # An online session's box: its counting board, voter roll and sealed ballots.
    box = models.OneToOneField(
        BallotBox,
        verbose_name=_("ballot box"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session",
    )

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["authority", "-year", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(quorum_numerator__lte=F("quorum_denominator")),
                name="council_session_quorum_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:session_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator or 1)

    def quorum_met(self, present: int, size: int) -> bool:
        return size > 0 and Fraction(present, size) >= self.quorum

    def quorum_needed(self, size: int) -> int:
        """The fewest members present that make the quorum (2/3 of 13 is 9)."""
        for present in range(size + 1):
            if self.quorum_met(present, size):
                return present
        return size + 1


class AgendaItem(models.Model):
    """A nomination on a session's agenda, its approval rule (copied from the award type when it
    was added) and, once the session closes, its counts and outcome."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved: too few votes")
        CAPPED = "capped", _("Not approved: over the authority's cap")
        NO_QUORUM = "no_quorum", _("Not decided: no quorum")
        VOID = "void", _("Not decided: the vote is void")

    session = models.ForeignKey(
        CouncilSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="items"
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    approval_numerator = models.PositiveSmallIntegerField(_("approval (numerator)"), default=1)
    approval_denominator = models.PositiveSmallIntegerField(_("approval (denominator)"), default=2)
    approval_strict = models.BooleanField(_("strictly more than the share"), default=True)
    approvals = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    disapprovals = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # The outcome explained in words, kept in both languages when the session closes (the
    # minutes are in Vietnamese; each reader sees their own language).
    note = models.CharField(_("explanation"), max_length=500, blank=True)
    note_en = models.CharField(_("explanation (English)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nomination"], name="agenda_item_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(approval_denominator__gt=0)
                & Q(approval_numerator__lte=F("approval_denominator")),
                name="agenda_item_approval_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.nomination)

    @property
    def approval(self) -> Fraction:
        return Fraction(self.approval_numerator, self.approval_denominator or 1)

    @property
    def explanation(self) -> str:
        english = (get_language() or "vi").startswith("en")
        return self.note_en if english and self.note_en else self.note

    def approved(self, votes: int, present: int) -> bool:
        """Whether `votes` of the `present` members approve (the share counts those present)."""
        if present <= 0:
            return False
        share = Fraction(votes, present)
        return share > self.approval if self.approval_strict else share >= self.approval

    def votes_needed(self, present: int) -> int:
        for votes in range(present + 1):
            if self.approved(votes, present):
                return votes
        return present + 1

    def approval_words(self) -> str:
        more = _("more than") if self.approval_strict else _("at least")
        return f"{more} {self.approval_numerator}/{self.approval_denominator} " + str(
            _("of the members present")
        )
