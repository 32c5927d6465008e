"""Criteria tables, the units' scoring sheets with their evidence, review, and the ranking.

A block year has one criteria table: a tree of sections (I), criteria (I.1) and sub-criteria
(I.1.a). Units score the leaves of the tree; every total above a leaf is a sum computed in SQL
(see `scoring.ranking`). The table is adopted through a covenants `Document` of kind "criteria"
and locked when self-assessment opens.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocks.models import BlockYear, Unit
from emulation.roles import Roles, roles_of

if TYPE_CHECKING:
    from emulation.models import User


class CriteriaTableQuerySet(models.QuerySet["CriteriaTable"]):
    def with_progress(self) -> CriteriaTableQuerySet:
        """Each table with its sheets counted (all, submitted, final), whether its ranking is
        published, the leading unit's name and how many units share first place."""
        rows = RankingRow.objects.filter(ranking__table=OuterRef("pk"))
        return self.annotate(
            sheet_count=Count("sheets"),
            submitted_count=Count("sheets", filter=~Q(sheets__status=ScoreSheet.Status.DRAFT)),
            final_count=Count("sheets", filter=Q(sheets__status=ScoreSheet.Status.FINAL)),
            published=Exists(Ranking.objects.filter(table=OuterRef("pk"))),
            leading=Subquery(rows.order_by("rank", "unit_name").values("unit_name")[:1]),
            first_places=Subquery(
                rows.filter(rank=1).values("ranking").annotate(n=Count("pk")).values("n")[:1]
            ),
        )


class CriteriaTable(models.Model):
    """The year's criteria table, its scale, classification bands and tie-break order.

    Self-assessment opens on the table (`opened_at`, `deadline`): from then on it is locked.
    """

    block_year = models.OneToOneField(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.PROTECT,
        related_name="criteria_table",
    )
    scale = models.DecimalField(
        _("scale"),
        default=Decimal(100),
        help_text=_("What the standard sections add up to: usually 100 points."),
        max_digits=7,
        decimal_places=2,
    )
    tie_break = models.JSONField(
        _("tie-break order"),
        default=list,
        blank=True,
        help_text=_("Codes of the sections whose higher subtotal settles a tie, in order."),
    )
    document = models.OneToOneField(
        "covenants.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria_table",
    )
    opened_at = models.DateTimeField(_("self-assessment opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("self-assessment deadline"), null=True, blank=True)
    response_days = models.PositiveSmallIntegerField(
        _("days to respond to the review"),
        default=5,
        help_text=_("How long a unit has to accept or answer its review results."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CriteriaTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria table")
        verbose_name_plural = _("criteria tables")
        constraints = [
            models.CheckConstraint(condition=Q(scale__gt=0), name="criteria_table_scale_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Criteria table %(year)s") % {"year": self.block_year})

    def get_absolute_url(self) -> str:
        return reverse("scoring:criteria_detail", args=[self.block_year_id])

    @property
    def is_locked(self) -> bool:
        """Locked once self-assessment is open: scores refer to its rows."""
        return self.opened_at is not None

    def is_past_deadline(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.deadline is not None and today > self.deadline


class Criterion(models.Model):
    """One row of the tree. `section_code`, `group_code`, `group_max`, `depth` and `is_leaf` are
    derived from the codes when the table is written (see `services.write_criteria`), so that
    subtotals and floors are plain GROUP BYs."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        BONUS = "bonus", _("Bonus")
        DEDUCTION = "deduction", _("Deduction")

    table = models.ForeignKey(
        CriteriaTable, verbose_name=_("table"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    guidance = models.TextField(_("guidance"), blank=True, max_length=5000)
    max_points = models.DecimalField(
        _("maximum points"),
        help_text=_("For a bonus or deduction row: the most it can add or take away."),
        max_digits=7,
        decimal_places=2,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    is_leaf = models.BooleanField(_("scored directly"), default=True)
    section_code = models.CharField(_("section"), max_length=20)
    group_code = models.CharField(_("criterion"), max_length=20)
    group_max = models.DecimalField(_("maximum of the criterion"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_code_once"),
            models.UniqueConstraint(fields=["table", "position"], name="criterion_position_once"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title_vi}"

    @property
    def is_section(self) -> bool:
        return self.depth == 0

    @property
    def sign(self) -> int:
        return -1 if self.kind == self.Kind.DEDUCTION else 1


class Band(models.Model):
    """A classification: at least `min_total` points and no criterion below `floor_percent` of
    its maximum. Bands are tried from the highest threshold down; the first that fits applies."""

    table = models.ForeignKey(
        CriteriaTable, verbose_name=_("table"), on_delete=models.CASCADE, related_name="bands"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("classification"), max_length=150)
    min_total = models.DecimalField(_("at least (points)"), max_digits=7, decimal_places=2)
    floor_percent = models.DecimalField(
        _("no criterion below (% of its maximum)"), max_digits=5, decimal_places=2
    )

    class Meta:
        verbose_name = _("classification band")
        verbose_name_plural = _("classification bands")
        ordering = ["table", "-min_total", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="band_position_once"),
            models.CheckConstraint(
                condition=Q(floor_percent__gte=0) & Q(floor_percent__lte=100),
                name="band_floor_is_a_percentage",
            ),
            models.CheckConstraint(condition=Q(min_total__gte=0), name="band_min_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label


class ScoreSheetQuerySet(models.QuerySet["ScoreSheet"]):
    def for_user(self, user: User) -> ScoreSheetQuerySet:
        """Sheets a person may see: their own unit's; every sheet of a year they run as secretariat
        or oversee as council; the sheets their unit was asked to review; and, once the year's
        ranking is published, every sheet of a block they belong to."""
        if user.is_superuser:
            return self.all()
        roles = roles_of(user)
        return self.filter(
            Q(table__block_year__block__authority__in=roles.councils)
            | Q(unit__in=roles.units)
            | Q(reviewer_unit__in=roles.units)
            | Q(table__block_year__in=roles.secretariat_years)
            | Q(table__ranking__isnull=False, table__block_year__in=roles.years)
        )

    def unpublished_for(self, roles: Roles) -> ScoreSheetQuerySet:
        """The sheets of opened, unpublished tables that the person fills in, answers for,
        reviews or runs as secretariat, with their year and block."""
        return self.filter(
            Q(unit__in=roles.units)
            | Q(reviewer_unit__in=roles.units)
            | Q(table__block_year__in=roles.secretariat_years),
            table__opened_at__isnull=False,
            table__ranking__isnull=True,
        ).select_related("table__block_year__block")

    def with_review_changes(self) -> ScoreSheetQuerySet:
        """Each sheet with `changed`: whether a reviewer changed any of its scores."""
        return self.annotate(
            changed=Exists(
                Score.objects.filter(sheet=OuterRef("pk"), reviewed_points__isnull=False)
            )
        )


class ScoreSheet(models.Model):
    """One unit's scores for the year: drafted and submitted by the unit, reviewed, returned to
    the unit to accept or answer, then finalised by the secretariat."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Submitted, under review")
        RETURNED = "returned", _("Review results sent")
        ACCEPTED = "accepted", _("Accepted by the unit")
        RESPONDED = "responded", _("Answered by the unit")
        FINAL = "final", _("Final")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT, Status.RETURNED},
        Status.RETURNED: {Status.ACCEPTED, Status.RESPONDED, Status.FINAL},
        Status.ACCEPTED: {Status.FINAL},
        Status.RESPONDED: {Status.FINAL},
        Status.FINAL: set(),
    }
    # Reviewers may change scores while the sheet is under review, and again to settle an answer.
    REVIEWABLE: ClassVar[set[str]] = {Status.SUBMITTED, Status.RESPONDED}

    table = models.ForeignKey(
        CriteriaTable,
        verbose_name=_("criteria table"),
        on_delete=models.PROTECT,
        related_name="sheets",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="score_sheets"
    )
    unit_name = models.CharField(_("unit name in that year"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reviewer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("cross-reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sheets_to_review",
        help_text=_("Empty: the head and deputies review."),
    )
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("results sent at"), null=True, blank=True)
    respond_by = models.DateField(_("answer by"), null=True, blank=True)
    response = models.TextField(_("the unit's answer"), blank=True, max_length=5000)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        ordering = ["table", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["table", "unit"], name="sheet_once_per_unit"),
            models.CheckConstraint(
                condition=Q(reviewer_unit__isnull=True) | ~Q(reviewer_unit=F("unit")),
                name="sheet_never_reviewed_by_its_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} – {self.table.block_year}"

    def get_absolute_url(self) -> str:
        return reverse("scoring:sheet_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def open_until(self) -> datetime.date | None:
        """The last day the unit may change its draft: the deadline, or a later reopening."""
        dates = [d for d in (self.table.deadline, self.reopened_until) if d is not None]
        return max(dates) if dates else None

    def is_editable(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        until = self.open_until()
        return self.status == self.Status.DRAFT and (until is None or today <= until)

    def is_settled(self, today: datetime.date | None = None) -> bool:
        """Ready to be made final without a decision of the secretariat: the unit accepted the
        review results, or its time to answer them has passed (an answer is settled one by one)."""
        today = today or timezone.localdate()
        if self.status == self.Status.ACCEPTED:
            return True
        return bool(
            self.status == self.Status.RETURNED and self.respond_by and self.respond_by < today
        )

    @property
    def is_reviewable(self) -> bool:
        return self.status in self.REVIEWABLE


class Score(models.Model):
    """A unit's points on one scored row: its own, and the reviewer's when they differ."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    self_points = models.DecimalField(
        _("self-assessed points"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    explanation = models.TextField(_("explanation"), blank=True, max_length=5000)
    reviewed_points = models.DecimalField(
        _("reviewed points"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    review_reason = models.TextField(_("reason for the change"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(self_points__isnull=True) | Q(self_points__gte=0),
                name="score_self_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_points__isnull=True) | Q(reviewed_points__gte=0),
                name="score_reviewed_not_negative",
            ),
            # A reviewer who changes a score says why.
            models.CheckConstraint(
                condition=Q(reviewed_points__isnull=True)
                | Q(reviewed_points=F("self_points"))
                | ~Q(review_reason=""),
                name="score_change_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} – {self.criterion.code}"

    @property
    def final_points(self) -> Decimal:
        if self.reviewed_points is not None:
            return self.reviewed_points
        return self.self_points if self.self_points is not None else Decimal(0)

    @property
    def is_changed(self) -> bool:
        return self.reviewed_points is not None and self.reviewed_points != self.self_points


class Evidence(models.Model):
    """A file proving a score. Served only through `scoring:evidence_download`."""

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/")
    name = models.CharField(_("file name"), max_length=160)
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
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Ranking(models.Model):
    """The published ranking of a year: frozen rows and the SHA-256 of their canonical form.

    It exists only once published; before that the ranking is computed on demand.
    """

    table = models.OneToOneField(
        CriteriaTable,
        verbose_name=_("criteria table"),
        on_delete=models.PROTECT,
        related_name="ranking",
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sections = models.JSONField(_("sections"), default=list)

    class Meta:
        verbose_name = _("published ranking")
        verbose_name_plural = _("published rankings")

    def __str__(self) -> str:
        return str(_("Ranking %(year)s") % {"year": self.table.block_year})

    def get_absolute_url(self) -> str:
        return reverse("scoring:ranking_detail", args=[self.table.block_year_id])


class RankingRow(models.Model):
    """One unit's line of a published ranking, as it was published."""

    class Tie(models.TextChoices):
        NONE = "", _("No tie")
        BROKEN = "broken", _("Tie broken by the tie-break order")
        VOTE = "vote", _("Tie to settle by a vote")

    ranking = models.ForeignKey(
        Ranking, verbose_name=_("ranking"), on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ranking_rows"
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))
    standard = models.DecimalField(_("standard points"), max_digits=7, decimal_places=2)
    bonus = models.DecimalField(_("bonus"), max_digits=7, decimal_places=2)
    deduction = models.DecimalField(_("deductions"), max_digits=7, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    sections = models.JSONField(_("section subtotals"), default=dict)
    band = models.CharField(_("classification"), max_length=150, blank=True)
    tie = models.CharField(_("tie"), max_length=8, choices=Tie.choices, blank=True, default="")

    class Meta:
        verbose_name = _("ranking row")
        verbose_name_plural = _("ranking rows")
        ordering = ["ranking", "rank", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "unit"], name="ranking_row_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit_name}"


class ReminderSent(models.Model):
    """That a unit was reminded of the self-assessment deadline on a day (once a day at most)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "sent_on"], name="assessment_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet} – {self.sent_on}"
