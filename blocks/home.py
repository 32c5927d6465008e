"""What the home page shows about the registry: a person's units and blocks, and what to do.

It also reads, once per request, what the person is (`roles_of`, one query): every home
section filters with these plain lists of ids instead of repeating the same nested subqueries,
which cost more to build and compile than to run. The section itself adds one query for anyone
on a council: its blocks (for staff, also those without a head or a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from blocks.dashboard import url_maker
from blocks.models import Authority, Block, BlockYear, CouncilRole, Membership, Unit, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.models import User
from emulation.sql import Columns, fetch, marks

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
    """The person's roles, read on the first call of a request (one query) and kept on the
    request for the other home sections."""
    roles: Roles | None = getattr(request, "_home_roles", None)
    if roles is None:
        roles = read_roles(request.user)
        request._home_roles = roles
    return roles


_ROLE = Columns(UnitRole, "r", "id", "unit", "role", "title")
_UNIT = Columns(Unit, "u", "id", "name")
_MEMBERSHIP = Columns(Membership, "m", "id", "block_year", "unit", "role", "position", "left_on")
_YEAR = Columns(BlockYear, "y", "id", "block", "year", "signing_deadline")
_BLOCK = Columns(Block, "b", "id", "name")
_COUNCIL_ROLE = Columns(CouncilRole, "r", "id", "authority", "role", "title")
_AUTHORITY = Columns(Authority, "a", "id", "name")
_UNIT_ROW = (_ROLE, _UNIT, _MEMBERSHIP, _YEAR, _BLOCK)
_BLANKS = ", ".join(["NULL"] * sum(c.width for c in (_MEMBERSHIP, _YEAR, _BLOCK)))

# One statement for all of a person's roles: each unit role with its unit and that unit's
# memberships (one row per membership, or one with empty membership columns), then each council
# role with its authority in the same columns. Sorted as the models' orderings, less the person:
# the unit roles by unit name and role, the council roles by level, authority name and role
# (ORDER BY the columns' numbers: kind, level, name, role, then the unit or authority). The
# memberships are sorted in Python, by year and id.
_ROLES_SQL = f"""
SELECT 'unit', {", ".join(c.sql for c in _UNIT_ROW)}, NULL
FROM {UnitRole._meta.db_table} r
INNER JOIN {Unit._meta.db_table} u ON u.id = r.unit_id
LEFT JOIN (
    {Membership._meta.db_table} m
    INNER JOIN {BlockYear._meta.db_table} y ON y.id = m.block_year_id
    INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id
) ON m.unit_id = r.unit_id AND (m.left_on IS NULL OR y.year IN (%s, %s))
WHERE r.user_id = %s
UNION ALL
SELECT 'council', {_COUNCIL_ROLE.sql}, {_AUTHORITY.sql}, {_BLANKS}, a.level
FROM {CouncilRole._meta.db_table} r
INNER JOIN {Authority._meta.db_table} a ON a.id = r.authority_id
WHERE r.user_id = %s
ORDER BY 1, {2 + sum(c.width for c in _UNIT_ROW)}, 7, 4, 3"""


def read_roles(user: User) -> Roles:
    """The person's unit roles, their units' memberships (current ones, and any of last year and
    this year) and council roles: one query."""
    year = timezone.localdate().year
    unit_roles: dict[int, UnitRole] = {}
    memberships: dict[int, Membership] = {}
    council_roles: list[CouncilRole] = []
    for row in fetch(_ROLES_SQL, [year - 1, year, user.pk, user.pk]):
        if row[0] == "council":
            role = _COUNCIL_ROLE.instance(row, 1)
            role.authority = _AUTHORITY.instance(row, 1 + _COUNCIL_ROLE.width)
            council_roles.append(role)
            continue
        unit_role = unit_roles.get(row[1])
        if unit_role is None:
            unit_role = unit_roles[row[1]] = _ROLE.instance(row, 1)
            unit_role.unit = _UNIT.instance(row, 1 + _ROLE.width)
        at = 1 + _ROLE.width + _UNIT.width
        # A unit's memberships come once per role the person has in it.
        if row[at] is not None and row[at] not in memberships:
            membership = memberships[row[at]] = _MEMBERSHIP.instance(row, at)
            membership.unit = unit_role.unit
            at += _MEMBERSHIP.width
            membership.block_year = _YEAR.instance(row, at)
            membership.block_year.block = _BLOCK.instance(row, at + _YEAR.width)
    return Roles(
        year,
        list(unit_roles.values()),
        council_roles,
        sorted(memberships.values(), key=lambda m: (-m.block_year.year, m.pk)),
    )


# Each block of the councils' authorities by name, with this year's year (or none), its current
# members, its head's name (or none) and its place by authority and block name.
_COUNCIL_BLOCKS_SQL = f"""
SELECT b.id, b.name, b.authority_id, a.short_name, y.id,
    (SELECT COUNT(*) FROM {Membership._meta.db_table} m
        WHERE m.block_year_id = y.id AND m.left_on IS NULL),
    (SELECT u.name FROM {Membership._meta.db_table} m
        INNER JOIN {Unit._meta.db_table} u ON u.id = m.unit_id
        WHERE m.block_year_id = y.id AND m.role = %s ORDER BY m.position, m.id LIMIT 1),
    ROW_NUMBER() OVER (ORDER BY a.name, b.name)
FROM {Block._meta.db_table} b
INNER JOIN {Authority._meta.db_table} a ON a.id = b.authority_id
LEFT JOIN {BlockYear._meta.db_table} y ON y.block_id = b.id AND y.year = %s
WHERE b.authority_id IN ({{authorities}})
ORDER BY b.name"""


def _council_blocks(
    roles: Roles, year: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The blocks of the person's councils, in one query: for the councils they are staff of,
    this year's block years without a head and the blocks without a year yet (by block name);
    for all their councils, this year's block years with their head and member count (by
    authority and block name)."""
    authorities = sorted({r.authority_id for r in roles.council_roles})
    staff_of = set(roles.staff_of)
    year_url = url_maker("blocks:blockyear_detail")
    rows = fetch(
        _COUNCIL_BLOCKS_SQL.format(authorities=marks(authorities)),
        [Membership.Role.HEAD.value, year, *authorities],
    )
    staff_rows = [row for row in rows if row[2] in staff_of]
    missing_year = [{"pk": row[0], "name": row[1]} for row in staff_rows if row[4] is None]
    headless = [
        {"pk": row[4], "block_name": row[1], "year": year}
        for row in staff_rows
        if row[4] is not None and row[6] is None
    ]
    council_years = [
        {
            "pk": year_pk,
            "block__name": name,
            "block__authority__short_name": short_name,
            "member_count": members,
            "head_name": head,
            "url": year_url(year_pk),
        }
        for _pk, name, _authority, short_name, year_pk, members, head, _order in sorted(
            (row for row in rows if row[4] is not None), key=lambda row: row[7]
        )
    ]
    return headless, missing_year, council_years


def my_blocks(request: AuthedRequest) -> Section | None:
    user = request.user
    roles = roles_of(request)
    year = roles.year
    if not (roles.unit_roles or roles.council_roles or user.is_superuser):
        return None
    headless, missing_year, council_years = (
        _council_blocks(roles, year) if roles.council_roles else ([], [], [])
    )
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
