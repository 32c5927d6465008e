"""Nominations: a unit proposed for an award by its block, with its achievement report,
attestations, attached documents and the council's appraisal; the questions the dossier and the
council ask of one (is the report written, are the attestations given, does the eligibility check
pass); and the council's reads of them (`NominationQuerySet`: its list and its home)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models.ballots import Ballot
from awards.models.rules import AwardType
from blocks.models import Authority, BlockYear, CouncilRole, Person, Unit
from emulation.models import IssuedDocument, User
from emulation.roles import roles_of


@dataclass
class CouncilYear:
    """An emulation year on the council's home: its nominations with the council, and how many
    wait to be received, to be appraised, or are ready for a session."""

    year: int
    total: int = 0
    to_receive: int = 0
    to_appraise: int = 0
    ready: int = 0


@dataclass
class CouncilSeat:
    """An authority a person sits on the council of, with their roles there and its years."""

    authority: Authority
    roles: list[str]
    years: list[CouncilYear]

    @property
    def is_staff(self) -> bool:
        return "staff" in self.roles or "admin" in self.roles


class NominationQuerySet(models.QuerySet["Nomination"]):
    def in_dossier(self, block_year: BlockYear) -> NominationQuerySet:
        """The block year's nominations in the dossier's order, with `file_count`."""
        return (
            self.filter(block_year=block_year)
            .select_related("award_type")
            .annotate(file_count=Count("files"))
            .order_by("award_type__position", "award_type__code", "unit_name", "person_name", "pk")
        )

    def for_intake(self, authority: Authority, year: int) -> NominationQuerySet:
        """The nominations of the authority's blocks for the year that the council holds or
        returned (every status but draft), with what the council's list shows, and `sent_late`
        (sent after the block year's dossier deadline); only the columns the list shows are read
        (a nomination's eligibility and attestations are JSON the list does not parse)."""
        late = Q(block_year__dossier_deadline__isnull=False) & Q(
            sent_on__gt=F("block_year__dossier_deadline")
        )
        return (
            self.filter(block_year__block__authority=authority, block_year__year=year)
            .exclude(status=Nomination.Status.DRAFT)
            .select_related("block_year__block", "award_type")
            .only(
                "unit_name",
                "person",
                "person_name",
                "person_title",
                "status",
                "submitted_at",
                "block_year__year",
                "block_year__dossier_deadline",
                "block_year__block__name",
                "award_type__name_vi",
                "award_type__name_en",
                "award_type__position",
                "award_type__code",
            )
            .annotate(sent_on=TruncDate("submitted_at"))
            .annotate(sent_late=Case(When(late, then=Value(True)), default=Value(False)))
            .order_by(
                "block_year__block__name", "award_type__position", "unit_name", "person_name", "pk"
            )
        )

    def council_seats(self, user: User, today: datetime.date | None = None) -> list[CouncilSeat]:
        """The authorities a person sits on the council of (every one for a site administrator),
        each with the years whose nominations reached the council, counted in SQL, and this
        year: the council's home."""
        this_year = (today or timezone.localdate()).year
        if user.is_superuser:
            authorities = list(Authority.objects.order_by("name"))
            roles: dict[int, list[str]] = {a.pk: ["admin"] for a in authorities}
        else:
            held = roles_of(user)
            authorities = list(Authority.objects.filter(pk__in=held.councils).order_by("name"))
            roles = {
                a.pk: [
                    role
                    for role, seats in (
                        (CouncilRole.Role.MEMBER, held.member_of),
                        (CouncilRole.Role.STAFF, held.staff_of),
                    )
                    if a.pk in seats
                ]
                for a in authorities
            }
        if not authorities:
            return []
        counted = (
            self.filter(block_year__block__authority__in=[a.pk for a in authorities])
            .exclude(status=Nomination.Status.DRAFT)
            .values("block_year__block__authority", "block_year__year")
            .annotate(
                total=Count("pk"),
                to_receive=Count("pk", filter=Q(status=Nomination.Status.SUBMITTED)),
                to_appraise=Count("pk", filter=Q(status=Nomination.Status.RECEIVED)),
                ready=Count("pk", filter=Q(status=Nomination.Status.APPRAISED)),
            )
            .order_by("block_year__block__authority", "-block_year__year")
        )
        years: dict[int, dict[int, CouncilYear]] = {}
        for entry in counted:
            years.setdefault(entry["block_year__block__authority"], {})[
                entry["block_year__year"]
            ] = CouncilYear(
                entry["block_year__year"],
                entry["total"],
                entry["to_receive"],
                entry["to_appraise"],
                entry["ready"],
            )
        seats = []
        for authority in authorities:
            mine = years.get(authority.pk, {})
            mine.setdefault(this_year, CouncilYear(this_year))
            seats.append(
                CouncilSeat(
                    authority,
                    roles.get(authority.pk, []),
                    sorted(mine.values(), key=lambda y: -y.year),
                )
            )
        return seats


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
    # For an award to an individual: the person, and their name and title as they stood when
    # the block proposed them (`unit` is then the person's unit).
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    person_name = models.CharField(_("full name"), max_length=150, blank=True)
    person_title = models.CharField(_("position title"), max_length=200, blank=True)
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

    objects = NominationQuerySet.as_manager()

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
                fields=["block_year", "award_type", "unit"],
                condition=Q(person__isnull=True),
                name="nomination_once_per_award",
            ),
            models.UniqueConstraint(
                fields=["block_year", "award_type", "person"],
                condition=Q(person__isnull=False),
                name="nomination_of_a_person_once_per_award",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | ~Q(person_name=""),
                name="nomination_of_a_person_names_them",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="nomination_returned_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.award_type}"

    def get_absolute_url(self) -> str:
        return reverse("awards:nomination_detail", args=[self.pk])

    @property
    def name(self) -> str:
        """Who is nominated: the person with their title and unit, or the unit."""
        if self.person_id:
            return f"{self.person_name}, {self.person_title}, {self.unit_name}"
        return self.unit_name

    @property
    def of_a_person(self) -> bool:
        return self.person_id is not None

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


def passes(stored: list[dict[str, Any]]) -> bool:
    """Whether a stored eligibility check passes: every rule, and at least one was checked."""
    return bool(stored) and all(rule.get("passed") is True for rule in stored)


# The same five sections in the decree's form of an achievement report for an individual
# (Decree 98/2023, Appendix I, form 02): the model's labels name those of a collective.
INDIVIDUAL_SECTIONS: dict[str, Any] = {
    "report_overview": _(
        "I. Brief personal history (date of birth, home town, residence, qualifications)"
    ),
    "report_results": _("II.1. Powers and tasks assigned"),
    "report_measures": _("II.2. Achievements: results of the tasks assigned"),
    "report_movements": _("II.3. Solutions, initiatives and studies applied"),
    "report_awards": _("III. Emulation titles and awards received before"),
}


def section_label(name: str, *, individual: bool = False) -> str:
    """The heading of a section of the report, in the form for a collective (as the model names
    it) or for an individual."""
    if individual:
        return str(INDIVIDUAL_SECTIONS[name])
    model_field = Nomination._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return str(model_field.verbose_name)


def report_sections(nomination: Nomination) -> list[tuple[str, str]]:
    """The report's sections, each with its heading in the nominee's form and its text."""
    individual = nomination.of_a_person
    return [
        (section_label(name, individual=individual), getattr(nomination, name))
        for name in Nomination.REPORT_FIELDS
    ]


def missing_sections(nomination: Nomination) -> list[str]:
    """The labels of the report's sections still empty."""
    return [label for label, text in report_sections(nomination) if not str(text or "").strip()]


def missing_attestations(nomination: Nomination) -> list[str]:
    given = nomination.attestations or {}
    return [code for code in nomination.award_type.attestations if code not in given]
