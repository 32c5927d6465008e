"""The registry's share of `manage.py benchmark` (emulation.benchmark): authorities, blocks,
units, people and their roles, block years with their members, and joint activities; the
registry's pages. Registered in BlocksConfig.ready().

The blocks of the first authority that the pages and storms use are found by their index in it:
the measured block (covenant open for signing this year; last year ranked, balloted, proposed),
the block of the one-block signing storm, and the block whose self-assessment is open this year
(its covenant in force, as scoring requires).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blocks.models import (
    Authority,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Unit,
    UnitName,
    UnitRole,
)
from emulation.benchmark.data import MARKER, PASSWORD, BenchmarkError, Cast, DataStep, Generator
from emulation.benchmark.pages import Page
from emulation.models import User
from emulation.text import search_key

CENTRAL = "Hội đồng Thi đua - Khen thưởng Trung ương"
MEASURED, STORM, SCORING = 0, 1, 2

PROVINCES = [
    "Quảng Trị", "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên",
    "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]  # fmt: skip
BLOCK_KINDS = [
    "các cơ quan Đảng", "các sở, ngành kinh tế", "văn hóa – xã hội", "nội chính",
    "các đoàn thể", "doanh nghiệp nhà nước",
]  # fmt: skip
AGENCIES = [
    ("Văn phòng Tỉnh ủy", Unit.Kind.PARTY_AGENCY),
    ("Ban Tổ chức Tỉnh ủy", Unit.Kind.PARTY_AGENCY),
    ("Ban Tuyên giáo và Dân vận", Unit.Kind.PARTY_AGENCY),
    ("Ủy ban Kiểm tra Tỉnh ủy", Unit.Kind.PARTY_AGENCY),
    ("Sở Giáo dục và Đào tạo", Unit.Kind.STATE_AGENCY),
    ("Sở Y tế", Unit.Kind.STATE_AGENCY),
    ("Sở Tài chính", Unit.Kind.STATE_AGENCY),
    ("Sở Nội vụ", Unit.Kind.STATE_AGENCY),
    ("Sở Tư pháp", Unit.Kind.STATE_AGENCY),
    ("Sở Xây dựng", Unit.Kind.STATE_AGENCY),
    ("Sở Công Thương", Unit.Kind.STATE_AGENCY),
    ("Sở Nông nghiệp và Môi trường", Unit.Kind.STATE_AGENCY),
    ("Sở Văn hóa, Thể thao và Du lịch", Unit.Kind.STATE_AGENCY),
    ("Sở Khoa học và Công nghệ", Unit.Kind.STATE_AGENCY),
    ("Báo và Phát thanh, Truyền hình", Unit.Kind.PUBLIC_SERVICE),
    ("Bệnh viện Đa khoa", Unit.Kind.PUBLIC_SERVICE),
    ("Trường Chính trị", Unit.Kind.PUBLIC_SERVICE),
    ("Hội Nông dân", Unit.Kind.MASS_ORGANISATION),
    ("Hội Liên hiệp Phụ nữ", Unit.Kind.MASS_ORGANISATION),
    ("Tỉnh đoàn", Unit.Kind.MASS_ORGANISATION),
    ("Công ty Xổ số kiến thiết", Unit.Kind.ENTERPRISE),
    ("Ủy ban nhân dân phường", Unit.Kind.COMMUNE),
]
# The unit-search page looks for this; it matches one agency in len(AGENCIES).
SEARCH_TEXT = "giao duc"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh"]
ADMIN_USERNAME = "bench-admin"


def person_name(n: int) -> str:
    return f"{FAMILY[n % 11]} {MIDDLE[n // 11 % 9]} {GIVEN[n // 99 % 11]}"


def province(a: int) -> str:
    base = PROVINCES[a % len(PROVINCES)]
    return base if a < len(PROVINCES) else f"{base} {a // len(PROVINCES) + 1}"


def authority_name(a: int) -> str:
    return f"Hội đồng Thi đua - Khen thưởng tỉnh {province(a)}"


def block_short_name(a: int, j: int) -> str:
    return f"K{a + 1:02d}.{j + 1:02d}"


def unit_short_name(u: int) -> str:
    return f"DV{u + 1:05d}"


def leader_username(u: int) -> str:
    return f"ld{u + 1:05d}"


def officer_username(u: int) -> str:
    return f"cb{u + 1:05d}"


def staff_username(a: int) -> str:
    return f"bantdkt{a + 1:02d}"


def unit_roles(role: str) -> models.QuerySet[UnitRole]:
    return UnitRole.objects.filter(role=role).only("unit_id", "user_id", "title")


def leaders_of(block_year_id: int) -> dict[int, User]:
    """The leader of each current member unit of a block year, by unit."""
    return {
        role.unit_id: role.user
        for role in UnitRole.objects.filter(
            unit__memberships__block_year=block_year_id,
            unit__memberships__left_on__isnull=True,
            role=UnitRole.Role.LEADER,
        ).select_related("user")
    }


def head_of(members: list[Membership]) -> Membership:
    return next(m for m in members if m.role == Membership.Role.HEAD)


class RegistryData(DataStep):
    """Authorities, blocks, units (one in 20 with a former name), people and their roles, block
    years with every unit of the block as member, a rotating head and a deputy, and one joint
    activity per year with a contribution per unit."""

    counted = [Authority, Block, BlockYear, Unit, Membership, User, UnitRole, Contribution]

    def __init__(self, generator: Generator) -> None:
        super().__init__(generator)
        if min(self.scale.blocks, self.scale.blocks_per_authority) <= SCORING:
            raise BenchmarkError(f"The benchmark needs at least {SCORING + 1} blocks.")
        self.password = make_password(PASSWORD)  # once: hashing is slow on purpose

    def generate(self) -> None:
        authorities = self.authorities()
        blocks = self.blocks(authorities)
        units = self.units(blocks)
        self.people = self.make_people(authorities, units)
        self.measured_block_id = blocks[MEASURED].pk
        self.scoring_block_id = blocks[SCORING].pk
        self.block_years = self.make_block_years(blocks)
        self.members = self.memberships(self.block_years, units)
        self.activities(self.block_years, self.members)

    @classmethod
    def found_scale(cls) -> str | None:
        """The central authority's short name marks the data: `BENCH-<scale>`."""
        marker = (
            Authority.objects.filter(level=Authority.Level.CENTRAL, short_name__startswith=MARKER)
            .values_list("short_name", flat=True)
            .first()
        )
        return marker.removeprefix(MARKER) if marker else None

    @classmethod
    def holds_other_data(cls) -> bool:
        generated = Q(short_name__startswith=MARKER) | Q(parent__short_name__startswith=MARKER)
        return Authority.objects.exclude(generated).exists()

    def authorities(self) -> list[Authority]:
        central = Authority(
            name=CENTRAL,
            short_name=f"{MARKER}{self.scale.name}",
            level=Authority.Level.CENTRAL,
            place="Hà Nội",
        )
        self.insert([central])
        provinces = [
            Authority(
                name=authority_name(a),
                short_name=f"HĐTĐKT {province(a)}",
                level=Authority.Level.PROVINCIAL,
                parent=central,
                place=province(a),
            )
            for a in range(self.scale.authorities)
        ]
        return self.insert(provinces)

    def blocks(self, authorities: list[Authority]) -> list[Block]:
        per = self.scale.blocks_per_authority
        blocks = []
        for b in range(self.scale.blocks):
            a, j = divmod(b, per)
            authority = authorities[a]
            name = f"Khối thi đua {BLOCK_KINDS[j % len(BLOCK_KINDS)]} {province(a)} số {j + 1:02d}"
            short = block_short_name(a, j)
            blocks.append(
                Block(
                    authority=authority,
                    name=name,
                    short_name=short,
                    description="Khối được tạo cho phép đo hiệu năng.",
                    search_key=search_key(f"{name} {short}"),  # bulk_create skips save()
                )
            )
        return self.insert(blocks)

    def _block_of(self, u: int) -> int:
        return u * self.scale.blocks // self.scale.units

    def units(self, blocks: list[Block]) -> list[Unit]:
        units = []
        for u in range(self.scale.units):
            block = blocks[self._block_of(u)]
            agency, kind = AGENCIES[u % len(AGENCIES)]
            name = f"{agency} – {unit_short_name(u)}"
            short = unit_short_name(u)
            units.append(
                Unit(
                    authority_id=block.authority_id,
                    name=name,
                    short_name=short,
                    kind=kind,
                    active_from=datetime.date(2000 + u % 20, 1, 1),
                    search_key=search_key(f"{name} {short}"),
                )
            )
        units = self.insert(units)
        renamed_until = datetime.date(self.years[0] - 1, 12, 31)
        self.insert(
            [
                UnitName(
                    unit=unit,
                    name=f"{unit.name} (tên cũ)",
                    short_name=unit.short_name,
                    valid_until=renamed_until,
                )
                for unit in units[::20]
            ]
        )
        return units

    def make_people(self, authorities: list[Authority], units: list[Unit]) -> dict[str, list[User]]:
        """A site administrator, council staff and 5 council members per authority, a leader and
        an officer per unit (one password hashed once)."""

        def user(username: str, n: int, **extra: Any) -> User:
            return User(
                username=username,
                full_name=person_name(n),
                email=f"{username}@bench.invalid",
                password=self.password,
                **extra,
            )

        admin = [user(ADMIN_USERNAME, 0, is_superuser=True, is_staff=True)]
        staff = [user(staff_username(a), a + 1) for a in range(len(authorities))]
        council = [
            user(f"hoidong{a + 1:02d}-{i + 1}", 7 * a + i)
            for a in range(len(authorities))
            for i in range(5)
        ]
        leaders = [user(leader_username(u), 3 * u + 1) for u in range(len(units))]
        officers = [user(officer_username(u), 3 * u + 2) for u in range(len(units))]
        created = self.insert([*admin, *staff, *council, *leaders, *officers])
        n_a, n_u = len(authorities), len(units)
        staff = created[1 : 1 + n_a]
        council = created[1 + n_a : 1 + 6 * n_a]
        leaders = created[1 + 6 * n_a : 1 + 6 * n_a + n_u]
        officers = created[1 + 6 * n_a + n_u :]
        self.insert(
            [
                CouncilRole(user=person, authority=authority, role=CouncilRole.Role.STAFF)
                for person, authority in zip(staff, authorities, strict=True)
            ]
            + [
                CouncilRole(
                    user=person, authority=authorities[i // 5], role=CouncilRole.Role.MEMBER
                )
                for i, person in enumerate(council)
            ]
        )
        self.insert(
            [
                UnitRole(user=person, unit=unit, role=UnitRole.Role.LEADER, title="Thủ trưởng")
                for person, unit in zip(leaders, units, strict=True)
            ]
            + [
                UnitRole(user=person, unit=unit, role=UnitRole.Role.OFFICER, title="Chuyên viên")
                for person, unit in zip(officers, units, strict=True)
            ]
        )
        return {"leaders": leaders, "officers": officers}

    def make_block_years(self, blocks: list[Block]) -> list[BlockYear]:
        this_year = self.today.year
        rows = []
        for block in blocks:
            for year in self.years:
                current = year == this_year
                rows.append(
                    BlockYear(
                        block=block,
                        year=year,
                        theme="Đoàn kết, sáng tạo, phát triển",
                        signing_deadline=self.today + datetime.timedelta(days=30)
                        if current
                        else datetime.date(year, 3, 31),
                        self_assessment_deadline=datetime.date(year, 11, 30),
                        review_deadline=datetime.date(year, 12, 10),
                        ballot_deadline=datetime.date(year, 12, 20),
                        dossier_deadline=datetime.date(year + 1, 1, 15),
                    )
                )
        return self.insert(rows)

    def memberships(
        self, block_years: list[BlockYear], units: list[Unit]
    ) -> dict[int, list[Membership]]:
        """Each unit is in its block every year; the head rotates (position 1 this year)."""
        by_block: dict[int, list[Unit]] = defaultdict(list)
        for u, unit in enumerate(units):
            by_block[self._block_of(u)].append(unit)
        block_index: dict[int, int] = {}
        rows = []
        for block_year in block_years:
            index = block_index.setdefault(block_year.block_id, len(block_index))
            members = by_block[index]
            turn = self.today.year - block_year.year
            head = members[turn % len(members)]
            deputy = members[(turn + 1) % len(members)] if len(members) > 2 else None
            for position, unit in enumerate(members, start=1):
                role = Membership.Role.MEMBER
                if unit is head:
                    role = Membership.Role.HEAD
                elif unit is deputy:
                    role = Membership.Role.DEPUTY
                rows.append(
                    Membership(
                        block_year=block_year,
                        unit=unit,
                        role=role,
                        position=position,
                        joined_on=datetime.date(block_year.year, 1, 1),
                    )
                )
        by_year: dict[int, list[Membership]] = defaultdict(list)
        for membership in self.insert(rows):
            by_year[membership.block_year_id].append(membership)
        return by_year

    def activities(
        self, block_years: list[BlockYear], members: dict[int, list[Membership]]
    ) -> None:
        activities = self.insert(
            [
                JointActivity(
                    block_year=block_year,
                    title="Tặng tủ sách cho trường vùng khó",
                    date=datetime.date(block_year.year, 9, 5),
                )
                for block_year in block_years
            ]
        )
        self.insert(
            [
                Contribution(
                    activity=activity,
                    unit_id=membership.unit_id,
                    books=10 + i,
                    money_vnd=1_000_000 * (i + 1),
                    participants=5 + i,
                )
                for activity in activities
                for i, membership in enumerate(members[activity.block_year_id])
            ]
        )

    @classmethod
    def find(cls, cast: Cast) -> RegistryCast:
        this_year = timezone.localdate().year
        authority = Authority.objects.get(name=authority_name(0))
        blocks = Block.objects.filter(authority=authority)
        block = blocks.get(short_name=block_short_name(0, MEASURED))
        block_year = BlockYear.objects.get(block=block, year=this_year)
        members = list(block_year.memberships.select_related("unit").order_by("position"))
        head, plain = members[0], members[2]
        cast.users.update(
            {
                "admin": User.objects.get(username=ADMIN_USERNAME),
                "staff": User.objects.get(username=staff_username(0)),
                "leader": role_holder(plain.unit, UnitRole.Role.LEADER),
                "secretariat": role_holder(head.unit, UnitRole.Role.OFFICER),
            }
        )
        return RegistryCast(
            authority=authority,
            block=block,
            block_year=block_year,
            last_year=BlockYear.objects.get(block=block, year=this_year - 1),
            unit=plain.unit,
            storm_block=blocks.get(short_name=block_short_name(0, STORM)),
            scoring_year=BlockYear.objects.get(
                block__in=blocks.filter(short_name=block_short_name(0, SCORING)), year=this_year
            ),
        )


def role_holder(unit: Unit, role: str) -> User:
    return User.objects.get(unit_roles__unit=unit, unit_roles__role=role)


@dataclass(frozen=True)
class RegistryCast:
    """The registry's objects that the pages and storms use."""

    authority: Authority
    block: Block
    block_year: BlockYear  # this year's, its covenant open for signing
    last_year: BlockYear  # last year's, its covenant in force and issued
    unit: Unit  # a member that is neither head nor deputy
    storm_block: Block
    scoring_year: BlockYear  # this year's of the scoring block, self-assessment open


def registry_of(cast: Cast) -> RegistryCast:
    return cast.part(RegistryCast)


PAGES = [
    Page("home", "leader", lambda c: reverse("home"), "home page of a unit leader"),
    Page("home_staff", "staff", lambda c: reverse("home"), "home page of council staff"),
    Page("block_list", "staff", lambda c: reverse("blocks:block_list"), "blocks list"),
    Page("block_list_admin", "admin", lambda c: reverse("blocks:block_list"),
         "blocks list, every block (site administrator)"),
    Page("blockyear_dashboard", "staff",
         lambda c: reverse("blocks:blockyear_detail", args=[registry_of(c).block_year.pk]),
         "block-year dashboard"),
    Page("unit_list", "staff", lambda c: reverse("blocks:unit_list"), "unit list"),
    Page("unit_list_admin", "admin", lambda c: reverse("blocks:unit_list"),
         "unit list, every unit (site administrator)"),
    Page("unit_search", "staff",
         lambda c: reverse("blocks:unit_list") + "?q=" + SEARCH_TEXT.replace(" ", "+"),
         "unit list searched by name"),
    Page("unit_detail", "staff",
         lambda c: reverse("blocks:unit_detail", args=[registry_of(c).unit.pk]), "unit page"),
]  # fmt: skip
