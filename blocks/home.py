"""What the home page shows about the registry: a person's units and blocks, and what to do.

It also reads, once per request, what the person is (`roles_of`, three queries): every home
section filters with these plain lists of ids instead of repeating the same nested subqueries,
which cost more to build and compile than to run. The section itself adds one query for council
staff (their blocks without a head or a year) and one for anyone on a council (its blocks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from blocks.dashboard import url_maker
from blocks.models import Block, BlockYear, CouncilRole, Membership, Unit, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.models import User

LEADING = (Membership.Role.HEAD, Membership.Role.DEPUTY)


@dataclass
class Roles:
    """A person's roles: their units, their councils and their units' memberships.

    `memberships` holds every current membership of the person's units (any year) and every
    membership of last year and this year (also those the unit left), with `block_year__block`;
    ordered by year, newest first.
    """

    year: int
    unit_roles: list[UnitRole]
    council_roles: list[CouncilRole]
    memberships: list[Membership]
    units: dict[int, Unit] = field(init=False)
    led: list[int] = field(init=False)  # the units the person leads
    officer_of: list[int] = field(init=False)  # the units the person is emulation officer of
    running: list[int] = field(init=False)  # block years a unit of theirs heads or deputises now
    voting: list[int] = field(init=False)  # block years a unit they lead is a current member of
    staff_of: list[int] = field(init=False)  # authorities whose council staff they are
    member_of: list[int] = field(init=False)  # authorities whose council they sit on

    def __post_init__(self) -> None:
        self.units = {role.unit_id: role.unit for role in self.unit_roles}
        self.led = sorted({r.unit_id for r in self.unit_roles if r.role == UnitRole.Role.LEADER})
        self.officer_of = sorted(
            {r.unit_id for r in self.unit_roles if r.role == UnitRole.Role.OFFICER}
        )
        current = [m for m in self.memberships if m.left_on is None]
        self.running = sorted({m.block_year_id for m in current if m.role in LEADING})
        led = set(self.led)
        self.voting = sorted({m.block_year_id for m in current if m.unit_id in led})
        self.staff_of = sorted(
            {r.authority_id for r in self.council_roles if r.role == CouncilRole.Role.STAFF}
        )
        self.member_of = sorted(
            {r.authority_id for r in self.council_roles if r.role == CouncilRole.Role.MEMBER}
        )

    @property
    def unit_ids(self) -> list[int]:
        return sorted(self.units)


def roles_of(request: Any) -> Roles:
    """The person's roles, read on the first call of a request (three queries, two when the
    person has no unit) and kept on the request for the other home sections."""
    roles: Roles | None = getattr(request, "_home_roles", None)
    if roles is None:
        roles = read_roles(request.user)
        request._home_roles = roles
    return roles


def read_roles(user: User) -> Roles:
    year = timezone.localdate().year
    # The models' orderings without their last key, the person (the same on every row).
    unit_roles = list(
        UnitRole.objects.filter(user=user).select_related("unit").order_by("unit__name", "role")
    )
    memberships = (
        list(
            Membership.objects.filter(
                Q(left_on__isnull=True) | Q(block_year__year__in=[year - 1, year]),
                unit__in=sorted({r.unit_id for r in unit_roles}),
            )
            .select_related("block_year__block")
            .order_by("-block_year__year", "pk")
        )
        if unit_roles
        else []
    )
    units = {r.unit_id: r.unit for r in unit_roles}
    for membership in memberships:
        membership.unit = units[membership.unit_id]
    council_roles = list(
        CouncilRole.objects.filter(user=user)
        .select_related("authority")
        .order_by("authority__level", "authority__name", "role")
    )
    return Roles(year, unit_roles, council_roles, memberships)


def _staff_work(staff_of: list[int], year: int) -> tuple[list[dict[str, Any]], list[Block]]:
    """For council staff, in one query over their blocks (by name): this year's block years
    without a head, and the blocks without a year yet."""
    blocks = list(
        Block.objects.filter(authority__in=staff_of)
        .annotate(
            this_year=FilteredRelation("years", condition=Q(years__year=year)),
            year_pk=F("this_year__pk"),
            has_head=Exists(
                Membership.objects.filter(
                    block_year=OuterRef("this_year__pk"), role=Membership.Role.HEAD
                )
            ),
        )
        .order_by("name")
    )
    headless = [
        {"pk": b.year_pk, "block_name": b.name, "year": year}  # type: ignore[attr-defined]
        for b in blocks
        if b.year_pk is not None and not b.has_head  # type: ignore[attr-defined]
    ]
    return headless, [b for b in blocks if b.year_pk is None]  # type: ignore[attr-defined]


def _council_years(roles: Roles, year: int) -> list[dict[str, Any]]:
    """This year's blocks of the person's councils, with their head and member count."""
    year_url = url_maker("blocks:blockyear_detail")
    rows = (
        BlockYear.objects.filter(
            block__authority__in=sorted({r.authority_id for r in roles.council_roles}), year=year
        )
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
            head_name=Subquery(
                Membership.objects.filter(
                    block_year=OuterRef("pk"), role=Membership.Role.HEAD
                ).values("unit__name")[:1]
            ),
        )
        .order_by("block__authority__name", "block__name")
        .values("pk", "block__name", "block__authority__short_name", "member_count", "head_name")
    )
    return [{**row, "url": year_url(row["pk"])} for row in rows]


def my_blocks(request: AuthedRequest) -> Section | None:
    user = request.user
    roles = roles_of(request)
    year = roles.year
    staff_of = roles.staff_of
    if not (roles.unit_roles or roles.council_roles or user.is_superuser):
        return None
    headless, missing_year = _staff_work(staff_of, year) if staff_of else ([], [])
    council_years = _council_years(roles, year) if roles.council_roles else []
    year_url = url_maker("blocks:blockyear_detail")
    unit_url = url_maker("blocks:unit_detail")
    membership_roles = dict(Membership.Role.choices)
    cards = []
    for role in roles.unit_roles:
        memberships = [
            {
                "url": year_url(m.block_year_id),
                "label": f"{m.block_year.block.name} – {m.block_year.year}",
                "role": "" if m.role == Membership.Role.MEMBER else membership_roles[m.role],
                "left_on": m.left_on,
            }
            for m in roles.memberships
            if m.unit_id == role.unit_id and m.block_year.year in (year - 1, year)
        ]
        cards.append(
            {
                "url": unit_url(role.unit_id),
                "name": role.unit.name,
                "role": role.get_role_display(),
                "title": role.title,
                "memberships": memberships,
            }
        )
    return Section(
        "blocks/_home.html",
        {
            "year": year,
            "unit_roles": cards,
            "council_roles": roles.council_roles,
            "headless": headless,
            "missing_year": missing_year,
            "council_years": council_years,
        },
        order=10,
    )
