"""Who is who: authorities, units and their lineage, blocks, block years and people's roles."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emulation.roles import roles_of
from emulation.text import search_key

if TYPE_CHECKING:
    from emulation.models import User


class SearchKeyed(models.Model):
    """A model found by accent-free search: `search_key` is derived from `search_text()` at every
    save (a derived column, not logic: it keeps accent-free search on every database)."""

    search_key = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = search_key(self.search_text())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def search_text(self) -> str:
        raise NotImplementedError


class Authority(models.Model):
    """A body that forms blocks: a provincial council, or the central council above them."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        PROVINCIAL = "provincial", _("Provincial")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    # The code a spreadsheet import matches on (blank for authorities never imported).
    code = models.CharField(_("code"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    place = models.CharField(
        _("place name"), max_length=80, help_text=_("Written before the date on documents.")
    )
    active_to = models.DateField(
        _("ceased on"),
        null=True,
        blank=True,
        help_text=_("The last day, when the authority was merged into another (see its lineage)."),
    )
    emulation_regulation = models.CharField(
        _("the province's emulation regulation"),
        max_length=300,
        blank=True,
        help_text=_(
            "The decision that issued the province's regulation on emulation and commendation, as"
            " award decisions cite it, such as “Quyết định số 15/2024/QĐ-UBND ngày … của Ủy ban"
            " nhân dân tỉnh ban hành Quy chế thi đua, khen thưởng”."
        ),
    )
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_(
            "Council staff and members, and the leaders of this authority's units, must sign in"
            " with a code from an authenticator app."
        ),
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="authority_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AuthoritySuccession(models.Model):
    """An authority merged into another from a date (the 2025 reorganisation: 63 provinces became
    34). Its units and blocks went on under the successor; what it decided stays its own."""

    predecessor = models.OneToOneField(
        Authority,
        verbose_name=_("merged authority"),
        on_delete=models.PROTECT,
        related_name="succession",
    )
    successor = models.ForeignKey(
        Authority,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessions",
    )
    effective_date = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("merger of authorities")
        verbose_name_plural = _("mergers of authorities")
        ordering = ["effective_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="authority_succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class UnitQuerySet(models.QuerySet["Unit"]):
    def for_user(self, user: User) -> UnitQuerySet:
        """Units a person may see: their authority's as council, their own, and their blocks'."""
        if user.is_superuser:
            return self.all()
        roles = roles_of(user)
        return self.filter(
            Q(authority__in=roles.councils)
            | Q(pk__in=roles.units)
            | Q(pk__in=Membership.objects.filter(block_year__block__in=roles.blocks).values("unit"))
        )

    def search(self, text: str) -> UnitQuerySet:
        return self.filter(search_key__contains=search_key(text))

    def lineage_of(self, unit: Unit | int) -> UnitQuerySet:
        """The unit and every unit it continues, through merges and splits at any depth: whose
        years, ranks and awards its history shows. The successions are few (a province records
        tens in a reorganisation), so they are read in one query and walked here, rather than by
        one query per generation."""
        start = unit if isinstance(unit, int) else unit.pk
        parents: dict[int, list[int]] = {}
        for predecessor, successor in Succession.objects.values_list(
            "predecessor_id", "successor_id"
        ):
            parents.setdefault(successor, []).append(predecessor)
        found, todo = {start}, [start]
        while todo:
            for parent in parents.get(todo.pop(), []):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return self.filter(pk__in=found)


class Unit(SearchKeyed):
    """A member agency. Its name can change; `former_names` keep what it was called before."""

    class Kind(models.TextChoices):
        PARTY_AGENCY = "party_agency", _("Party agency")
        STATE_AGENCY = "state_agency", _("State agency")
        PUBLIC_SERVICE = "public_service", _("Public service unit")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
        ENTERPRISE = "enterprise", _("State enterprise")
        PROVINCE = "province", _("Province or city")
        COMMUNE = "commune", _("Commune or ward")

    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80)
    # The unit's code within its authority, which a spreadsheet import matches on.
    code = models.CharField(_("code"), max_length=40, blank=True)
    # The unit it belongs to (a centre under its department), when it has one.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        # Lists show units by name a page at a time: read in order, not sorted whole.
        indexes = [models.Index(fields=["name"], name="unit_by_name")]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="unit_name_unique"),
            models.UniqueConstraint(
                fields=["authority", "code"], condition=~Q(code=""), name="unit_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="unit_active_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blocks:unit_detail", args=[self.pk])

    def search_text(self) -> str:
        return f"{self.name} {self.short_name}"

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )

    def name_on(self, day: datetime.date) -> str:
        """The name the unit had on that day (uses prefetched `former_names` when present)."""
        for former in sorted(self.former_names.all(), key=lambda f: f.valid_until):
            if day <= former.valid_until:
                return former.name
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def serving(self) -> PersonQuerySet:
        """The people still working at their unit."""
        return self.filter(left_on__isnull=True)


class Person(SearchKeyed):
    """Someone who works at a unit, as the unit's record (not an account): whom the unit may
    propose for an award to an individual. The name and title are kept as they stand; a
    nomination copies them when it is made."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("position title"), max_length=200)
    # The person's code within the authority, which a spreadsheet import matches on.
    code = models.CharField(_("code"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    serving_since = models.PositiveSmallIntegerField(
        _("working at the unit since (year)"), null=True, blank=True
    )
    left_on = models.DateField(_("left the unit on"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["unit", "full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"], condition=~Q(code=""), name="person_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
                name="person_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def search_text(self) -> str:
        return f"{self.full_name} {self.title}"


class UnitName(models.Model):
    """A name a unit used until a day; written by `rename_unit`."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80)
    valid_until = models.DateField(_("used until"))

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_until"], name="unit_name_once_per_day")
        ]

    def __str__(self) -> str:
        return self.name


class Succession(models.Model):
    """Lineage: a predecessor unit continues in a successor from a date (merge or split)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("predecessor"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="predecessions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        ordering = ["effective_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class BlockQuerySet(models.QuerySet["Block"]):
    def for_user(self, user: User) -> BlockQuerySet:
        """Blocks a person may see: their authority's as council, and those their units are in."""
        if user.is_superuser:
            return self.all()
        roles = roles_of(user)
        return self.filter(Q(authority__in=roles.councils) | Q(pk__in=roles.blocks))

    def managed_by(self, user: User) -> BlockQuerySet:
        if user.is_superuser:
            return self.all()
        roles = roles_of(user)
        return self.filter(authority__in=roles.staff_of)

    def without_year(self, authorities: Iterable[int], year: int) -> BlockQuerySet:
        """The authorities' blocks that have no block year `year` yet."""
        return self.filter(authority__in=authorities).exclude(years__year=year).order_by("name")


class Block(SearchKeyed):
    """An emulation block (units of similar functions) or cluster (units of one territory)."""

    class Kind(models.TextChoices):
        BLOCK = "block", _("Emulation block")
        CLUSTER = "cluster", _("Emulation cluster")

    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="blocks"
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    # The block's code within its authority, which a spreadsheet import matches on.
    code = models.CharField(_("code"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.BLOCK)
    description = models.TextField(_("description"), blank=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="block_by_name")]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="block_name_unique"),
            models.UniqueConstraint(
                fields=["authority", "code"], condition=~Q(code=""), name="block_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blocks:block_detail", args=[self.pk])

    def search_text(self) -> str:
        return f"{self.name} {self.short_name}"


class BlockYearQuerySet(models.QuerySet["BlockYear"]):
    def for_user(self, user: User) -> BlockYearQuerySet:
        """Years of the blocks a person may see."""
        if user.is_superuser:
            return self.all()
        roles = roles_of(user)
        return self.filter(Q(block__authority__in=roles.councils) | Q(block__in=roles.blocks))

    def of_councils(self, authorities: Iterable[int], year: int) -> BlockYearQuerySet:
        """The authorities' blocks in `year`, with their current members counted and the name of
        their head (None when the year has none)."""
        head = Membership.objects.filter(block_year=OuterRef("pk"), role=Membership.Role.HEAD)
        return (
            self.filter(block__authority__in=authorities, year=year)
            .select_related("block__authority")
            .annotate(
                member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
                head_name=Subquery(head.values("unit__name")[:1]),
            )
            .order_by("block__authority__name", "block__name")
        )


class BlockYear(models.Model):
    """A block in one year: its members, head and deputies, theme and deadlines."""

    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    theme = models.CharField(_("theme or motto"), max_length=300, blank=True)
    signing_deadline = models.DateField(_("covenant signing deadline"), null=True, blank=True)
    self_assessment_deadline = models.DateField(
        _("self-assessment deadline"), null=True, blank=True
    )
    review_deadline = models.DateField(_("review deadline"), null=True, blank=True)
    ballot_deadline = models.DateField(_("ballot deadline"), null=True, blank=True)
    dossier_deadline = models.DateField(_("nomination dossier deadline"), null=True, blank=True)
    # Once the council has published the year's decisions the year can be archived: read-only.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = BlockYearQuerySet.as_manager()

    DEADLINE_FIELDS = (
        "signing_deadline",
        "self_assessment_deadline",
        "review_deadline",
        "ballot_deadline",
        "dossier_deadline",
    )

    class Meta:
        verbose_name = _("block year")
        verbose_name_plural = _("block years")
        ordering = ["block", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["block", "year"], name="block_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="block_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} – {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("blocks:blockyear_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    # The deadlines the block's secretariat sets; the nomination dossier's is the council's.
    SECRETARIAT_DEADLINES = (
        "signing_deadline",
        "self_assessment_deadline",
        "review_deadline",
        "ballot_deadline",
    )

    def coming_deadline(
        self, field: str, *, days: int = 30, today: datetime.date | None = None
    ) -> datetime.date:
        """The year's deadline when it is still ahead, else the day `days` from today: what a
        form proposes, never a day already past."""
        today = today or timezone.localdate()
        day: datetime.date | None = getattr(self, field)
        return day if day is not None and day >= today else today + datetime.timedelta(days=days)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, day: datetime.date | None = None) -> MembershipQuerySet:
        """Memberships that have not ended (by `day`, when given)."""
        if day is None:
            return self.filter(left_on__isnull=True)
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)

    def leading(self) -> MembershipQuerySet:
        return self.filter(role__in=[Membership.Role.HEAD, Membership.Role.DEPUTY])


class Membership(models.Model):
    """A unit in a block year, from `joined_on` until `left_on`; the head and deputies are members."""

    class Role(models.TextChoices):
        HEAD = "head", _("Block head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")

    block_year = models.ForeignKey(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "unit"], name="membership_once_per_year"),
            models.UniqueConstraint(
                fields=["block_year"], condition=Q(role="head"), name="membership_one_head"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.block_year}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def unit_name(self) -> str:
        """The unit's name as it was in that year (or on the day it left)."""
        day = min(self.left_on or self.block_year.last_day, self.block_year.last_day)
        return self.unit.name_on(day)


class UnitRole(models.Model):
    """A person's role in a unit: the leader signs and votes, officers prepare the work."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        OFFICER = "officer", _("Emulation officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="unit_roles",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    title = models.CharField(_("position title"), max_length=150, blank=True)
    # A leader named while a ballot is open does not vote in it: the ballot compares its opening
    # time with this one. Roles that existed before this field was added carry the time of the
    # migration that added it, not the day they were really given.
    granted_at = models.DateTimeField(
        _("granted at"),
        default=timezone.now,
        editable=False,
        help_text=_(
            "When the role was given; for roles given before such times were kept, the day keeping began."
        ),
    )

    class Meta:
        verbose_name = _("unit role")
        verbose_name_plural = _("unit roles")
        ordering = ["unit", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unit_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class CouncilRole(models.Model):
    """A person's role in an authority's council: staff run it, members vote."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Council staff")
        MEMBER = "member", _("Council member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="council_roles",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.CASCADE,
        related_name="council_roles",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    title = models.CharField(_("position title"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("council role")
        verbose_name_plural = _("council roles")
        ordering = ["authority", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "role"], name="council_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.authority}"


class JointActivityQuerySet(models.QuerySet["JointActivity"]):
    def with_totals(self) -> JointActivityQuerySet:
        return self.annotate(
            total_books=Sum("contributions__books", default=0),
            total_money=Sum("contributions__money_vnd", default=0),
            total_participants=Sum("contributions__participants", default=0),
        )


class JointActivity(models.Model):
    """A joint activity of a block year (a book drive, a tournament, a charity visit)."""

    block_year = models.ForeignKey(
        BlockYear, verbose_name=_("block year"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)

    objects = JointActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blocks:activity_detail", args=[self.pk])


class Contribution(models.Model):
    """What one unit gave to a joint activity."""

    activity = models.ForeignKey(
        JointActivity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contributions"
    )
    books = models.PositiveIntegerField(
        _("books"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    money_vnd = models.PositiveBigIntegerField(
        _("money (VND)"), default=0, validators=[MaxValueValidator(10**13)]
    )
    participants = models.PositiveIntegerField(
        _("participants"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "unit"], name="contribution_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.activity}"


class StagedImport(models.Model):
    """A spreadsheet uploaded for import, kept between its preview and its confirmation.

    The file is kept as uploaded with its SHA-256; confirming checks both again, so what is saved
    is exactly what was previewed. A staged import is confirmed (or discarded) once."""

    class Status(models.TextChoices):
        STAGED = "staged", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.CASCADE,
        related_name="staged_imports",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.STAGED
    )
    # What the preview counted ({"created": n, "changed": n, "unchanged": n, "problems": n}),
    # then what the confirmed import did.
    summary = models.JSONField(_("summary"), default=dict)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staged import")
        verbose_name_plural = _("staged imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("blocks:import_preview", args=[self.pk])
