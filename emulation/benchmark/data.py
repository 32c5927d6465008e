"""Benchmark data: one province, or the whole country, written with bulk inserts.

Every name and short name is derived from a number, so a later run (`--reuse-data`) finds the
same objects again (`Cast.find`). Every account has the password `PASSWORD`, hashed once.

The generator writes only into an empty database or one holding an earlier benchmark's data
(recognised by the central authority's short name, `BENCH-<scale>`), which it flushes first: the
benchmark needs a database of its own.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import math
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from awards.council_models import (
    AgendaItem,
    Awardee,
    CouncilSession,
    CouncilVoter,
    Decision,
)
from awards.models import (
    AwardType,
    Ballot,
    BallotCandidate,
    BallotVoter,
    CastBallot,
    CastChoice,
    Nomination,
)
from awards.services import ballots as ballot_results
from awards.services import sessions as session_results
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
from covenants import demo as texts
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.models import IssuedDocument, User, new_verification_code
from emulation.text import search_key
from scoring.models import Band, CriteriaTable, Criterion, Ranking, RankingRow, Score, ScoreSheet
from scoring.services import freeze_ranking

M = TypeVar("M", bound=models.Model)

PASSWORD = "bench-ky-giao-uoc-2026"  # every generated account's, on a benchmark database
MARKER = "BENCH-"
BATCH = 2000
CENTRAL = "Hội đồng Thi đua - Khen thưởng Trung ương"


class BenchmarkError(Exception):
    """The benchmark cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Scale:
    name: str
    blocks: int
    units: int
    years: int
    criteria: int
    blocks_per_authority: int = 30

    @property
    def authorities(self) -> int:
        return math.ceil(self.blocks / self.blocks_per_authority)


SCALES = {
    "province": Scale("province", blocks=30, units=400, years=3, criteria=60),
    "country": Scale("country", blocks=1000, units=10_000, years=3, criteria=60),
    # For the test: small enough for seconds, with a past year so that a covenant is in force,
    # and the three blocks of one authority that the pages and storms use.
    "tiny": Scale("tiny", blocks=3, units=18, years=2, criteria=60),
}
PUBLIC_SCALES = ("province", "country")

# Rows that wait for apps not written yet; each app that lands adds its generator here.
PENDING_ROWS: dict[str, str] = {}

# The blocks of the first authority that the pages and storms use, by their index in it: the
# measured block (covenant open for signing this year; last year ranked, balloted, proposed),
# the block of the one-block signing storm, and the block whose self-assessment is open this
# year (its covenant in force, as scoring requires).
MEASURED, STORM, SCORING = 0, 1, 2


@dataclass(frozen=True)
class CriterionRow:
    code: str
    title: str
    max_points: Decimal
    kind: str
    is_leaf: bool = True

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def parent(self) -> str:
        return self.code.rpartition(".")[0]

    @property
    def group(self) -> str:
        """The criterion the row counts under: a section's direct child (or the section)."""
        return ".".join(self.code.split(".")[:2])


def _criteria_rows() -> list[CriterionRow]:
    """Sixty rows shaped like `scoring/data/criteria-party-agencies-sample.csv`, 51 of them
    scored: three standard sections making 100 points (one with sub-criteria), a bonus section
    and a deduction section."""
    standard, bonus, deduction = (k.value for k in Criterion.Kind)
    rows = [
        CriterionRow("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", Decimal(50), standard, False)
    ]
    rows += [
        CriterionRow(
            f"I.{i}", f"{TASKS[(i - 1) % len(TASKS)]} (nội dung {i})", Decimal(5), standard
        )
        for i in range(1, 11)
    ]
    rows.append(
        CriterionRow("II", "Xây dựng Đảng, đoàn thể vững mạnh", Decimal(20), standard, False)
    )
    for i in range(1, 5):
        rows.append(
            CriterionRow(
                f"II.{i}",
                f"Tổ chức, đoàn thể vững mạnh (nội dung {i})",
                Decimal(5),
                standard,
                False,
            )
        )
        rows += [
            CriterionRow(
                f"II.{i}.{part}", f"Đạt yêu cầu {part} của nội dung {i}", Decimal("2.5"), standard
            )
            for part in "ab"
        ]
    rows.append(
        CriterionRow(
            "III",
            "Công tác thi đua, khen thưởng và hoạt động của Khối",
            Decimal(30),
            standard,
            False,
        )
    )
    rows += [
        CriterionRow(
            f"III.{i}", f"Tham gia hoạt động chung của Khối (nội dung {i})", Decimal(3), standard
        )
        for i in range(1, 11)
    ]
    rows.append(CriterionRow("IV", "Điểm thưởng", Decimal(10), bonus, False))
    rows += [
        CriterionRow(
            f"IV.{i}", f"Mô hình, sáng kiến được công nhận (nội dung {i})", Decimal(2), bonus
        )
        for i in range(1, 11)
    ]
    rows.append(CriterionRow("V", "Điểm trừ", Decimal(10), deduction, False))
    rows += [
        CriterionRow(f"V.{i}", f"Vi phạm, chậm trễ (nội dung {i})", Decimal(2), deduction)
        for i in range(1, 14)
    ]
    return rows


TASKS = [
    "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm",
    "Tham mưu, đề xuất với cấp ủy, chính quyền có chất lượng",
    "Cải cách hành chính, ứng dụng công nghệ thông tin, chuyển đổi số",
    "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng",
]
CRITERIA = _criteria_rows()
CRITERIA_BY_CODE = {row.code: row for row in CRITERIA}
LEAVES = sum(row.is_leaf for row in CRITERIA)
BANDS = [
    ("Hoàn thành xuất sắc nhiệm vụ", Decimal(95), Decimal(80)),
    ("Hoàn thành tốt nhiệm vụ", Decimal(85), Decimal(50)),
    ("Hoàn thành nhiệm vụ", Decimal(50), Decimal(0)),
]
RUSH_CODE = "III.10"  # left empty in this year's drafts: the row the deadline rush saves
RUSH_POINTS = Decimal("2.5")
REVIEWED_POSITION = 4  # this year's sheet already submitted, for the review page
TABLES_PER_BATCH = 200  # criteria, sheets and scores are written this many tables at a time
FLAG, CERTIFICATE, OPEN_AWARD = "provincial-flag", "chairman-certificate", "excellent-labour"
INTAKE_STATUSES = [
    Nomination.Status.SUBMITTED,
    Nomination.Status.RECEIVED,
    Nomination.Status.APPRAISED,
    Nomination.Status.RETURNED,
]


def sheet_points(unit_id: int, criterion: Criterion) -> Decimal:
    """A unit's points on a row, varied by unit so that totals, bands and ranks differ."""
    turn = unit_id * 7 + criterion.position * 3
    if criterion.kind == Criterion.Kind.STANDARD:
        return criterion.max_points - (Decimal("0.5") if turn % 4 == 0 else Decimal(0))
    if criterion.kind == Criterion.Kind.BONUS:
        return Decimal(1) if turn % 5 == 0 else Decimal(0)
    return Decimal(1) if turn % 13 == 0 else Decimal(0)


def ensure_award_types() -> None:
    """The award types a migration writes (gone after an earlier benchmark's flush)."""
    if not AwardType.objects.exists():
        importlib.import_module("awards.migrations.0002_default_award_types").create(apps, None)


def uuid_bytes() -> bytes:
    return uuid.uuid4().bytes


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


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
AIMS = [["excellent", "provincial_flag"], ["labour_collective"], ["excellent"]]


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


ADMIN_USERNAME = "bench-admin"


@dataclass
class TableTiming:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Generation:
    """How long each table took, in the order written."""

    scale: str
    tables: dict[str, TableTiming] = field(default_factory=dict)
    seconds: float = 0.0
    pending: dict[str, str] = field(default_factory=lambda: dict(PENDING_ROWS))

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "rows": self.rows,
            "tables": {
                name: {"rows": t.rows, "seconds": round(t.seconds, 2)}
                for name, t in self.tables.items()
            },
            "pending": self.pending,
        }


def benchmark_scale() -> str | None:
    """The scale of the benchmark data in the database, if it holds some."""
    marker = (
        Authority.objects.filter(level=Authority.Level.CENTRAL, short_name__startswith=MARKER)
        .values_list("short_name", flat=True)
        .first()
    )
    return marker.removeprefix(MARKER) if marker else None


def wipe() -> None:
    """Empty a database that holds only benchmark data (refusing any other)."""
    generated = Q(short_name__startswith=MARKER) | Q(parent__short_name__startswith=MARKER)
    marked = benchmark_scale() is not None
    if Authority.objects.exclude(generated).exists() or (not marked and User.objects.exists()):
        raise BenchmarkError(
            "This database holds data that the benchmark did not generate. Give the "
            "benchmark a database of its own (DATABASE_URL=.../emulation_bench)."
        )
    if not marked:
        return
    for name in IssuedDocument.objects.values_list("file", flat=True).distinct():
        default_storage.delete(name)
    call_command("flush", interactive=False, verbosity=0)


class Generator:
    """Writes a scale's data: authorities, units, blocks and their years with members, head and
    deputies, people and roles, documents with versions and comments, registrations, last
    years' covenants signed by every unit and issued, this year's open for signing, and one
    joint activity per year."""

    def __init__(self, scale: Scale, *, log: Callable[[str], None] = lambda line: None) -> None:
        if scale.years < 2:
            raise BenchmarkError("The benchmark needs at least two years (one in force).")
        if min(scale.blocks, scale.blocks_per_authority) <= SCORING:
            raise BenchmarkError(f"The benchmark needs at least {SCORING + 1} blocks.")
        self.scale = scale
        self.log = log
        self.report = Generation(scale.name)
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - scale.years + 1, self.today.year + 1))
        self.password = make_password(PASSWORD)  # once: hashing is slow on purpose

    @contextmanager
    def _timed(self, table: str) -> Iterator[TableTiming]:
        timing = self.report.tables.setdefault(table, TableTiming())
        start = time.perf_counter()
        yield timing
        timing.seconds += time.perf_counter() - start

    def _insert(
        self, objects: Sequence[M], table: str | None = None, *, quiet: bool = False
    ) -> list[M]:
        if not objects:
            return []
        model = type(objects[0])
        name = table or model._meta.db_table
        with self._timed(name) as timing:
            created = model._default_manager.bulk_create(objects, batch_size=BATCH)
            timing.rows += len(created)
        if not quiet:
            self._logged(name)
        return created

    def _logged(self, name: str) -> None:
        timing = self.report.tables[name]
        self.log(f"  {name:<32} {timing.rows:>8} rows {timing.seconds:7.2f} s")

    @transaction.atomic
    def run(self) -> Generation:
        start = time.perf_counter()
        scale = self.scale
        self.log(f"Generating {scale.name}: {scale.blocks} blocks, {scale.units} units, "
                 f"{scale.years} years")  # fmt: skip
        authorities = self.authorities()
        blocks = self.blocks(authorities)
        units = self.units(blocks)
        people = self.people(authorities, units)
        self.measured_block_id = blocks[MEASURED].pk
        self.scoring_block_id = blocks[SCORING].pk
        block_years = self.block_years(blocks)
        members = self.memberships(block_years, units)
        self.documents(block_years, members, people)
        self.activities(block_years, members)
        self.issue(block_years, members, people)
        self.scoring(block_years, members)
        self.awards(block_years, members)
        # Fresh statistics, as autovacuum would gather them on a live database: without them
        # the planner misjudges every table the bulk inserts just filled.
        with self._timed("ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.log(f"  {'ANALYZE':<32} {'':>8}      {self.report.tables['ANALYZE'].seconds:7.2f} s")
        self.report.seconds = time.perf_counter() - start
        for name, reason in PENDING_ROWS.items():
            self.log(f"  {name:<32} pending: {reason}")
        return self.report

    # The registry --------------------------------------------------------------------------

    def authorities(self) -> list[Authority]:
        central = Authority(
            name=CENTRAL,
            short_name=f"{MARKER}{self.scale.name}",
            level=Authority.Level.CENTRAL,
            place="Hà Nội",
        )
        self._insert([central])
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
        return self._insert(provinces)

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
        return self._insert(blocks)

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
        units = self._insert(units)
        renamed_until = datetime.date(self.years[0] - 1, 12, 31)
        self._insert(
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

    def people(self, authorities: list[Authority], units: list[Unit]) -> dict[str, list[User]]:
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
        created = self._insert([*admin, *staff, *council, *leaders, *officers])
        n_a, n_u = len(authorities), len(units)
        staff = created[1 : 1 + n_a]
        council = created[1 + n_a : 1 + 6 * n_a]
        leaders = created[1 + 6 * n_a : 1 + 6 * n_a + n_u]
        officers = created[1 + 6 * n_a + n_u :]
        self._insert(
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
        self._insert(
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

    def block_years(self, blocks: list[Block]) -> list[BlockYear]:
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
        return self._insert(rows)

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
        for membership in self._insert(rows):
            by_year[membership.block_year_id].append(membership)
        return by_year

    # Documents, registrations and signatures ---------------------------------------------

    def documents(
        self,
        block_years: list[BlockYear],
        members: dict[int, list[Membership]],
        people: dict[str, list[User]],
    ) -> None:
        officers = {role.unit_id: role.user_id for role in self._roles(UnitRole.Role.OFFICER)}
        leaders = {
            role.unit_id: (role.user_id, role.title) for role in self._roles(UnitRole.Role.LEADER)
        }
        names = {user.pk: user.full_name for user in people["leaders"]}
        this_year = self.today.year
        documents = []
        for block_year in block_years:
            year = block_year.year
            # This year's covenant is open for signing, except in the block that is already
            # scoring (scoring starts once the covenant is in force).
            current = year == this_year and block_year.block_id != self.scoring_block_id
            documents += [
                Document(
                    block_year=block_year,
                    kind=Document.Kind.RULES,
                    title=f"Quy chế hoạt động của Khối năm {year}",
                    status=Document.Status.ADOPTED,
                    consultation_until=datetime.date(year, 2, 20),
                ),
                Document(
                    block_year=block_year,
                    kind=Document.Kind.PLAN,
                    title=f"Kế hoạch hoạt động của Khối năm {year}",
                    status=Document.Status.ADOPTED,
                    consultation_until=datetime.date(year, 2, 20),
                ),
                Document(
                    block_year=block_year,
                    kind=Document.Kind.COVENANT,
                    title=f"Giao ước thi đua năm {year}",
                    status=Document.Status.SIGNING if current else Document.Status.IN_FORCE,
                    consultation_until=datetime.date(year, 2, 20),
                    signing_deadline=block_year.signing_deadline,
                ),
            ]
        documents = self._insert(documents)
        versions = []
        for document in documents:
            block_year = document.block_year
            head = next(m for m in members[block_year.pk] if m.role == Membership.Role.HEAD)
            author = officers[head.unit_id]
            if document.kind == Document.Kind.COVENANT:
                content = {
                    "preamble": texts.PREAMBLE.format(year=block_year.year),
                    "body": texts.COMMITMENTS,
                    "targets": texts.TARGETS,
                    "movements": texts.MOVEMENTS,
                    "legal_bases": texts.LEGAL_BASES,
                    "theme": block_year.theme,
                }
                draft = DocumentVersion(
                    document=document,
                    number=1,
                    created_by_id=author,
                    change_note="Dự thảo lấy ý kiến",
                    **content,
                )
                versions.append(draft)
                content["body"] += "\n5. Chia sẻ kinh nghiệm, giúp đỡ nhau cùng tiến bộ."
                number, note = 2, "Tiếp thu ý kiến các đơn vị"
            else:
                body = texts.RULES if document.kind == Document.Kind.RULES else texts.PLAN
                content, number, note = {"body": body}, 1, "Dự thảo lần 1"
            version = DocumentVersion(
                document=document, number=number, created_by_id=author, change_note=note, **content
            )
            version.sha256 = version.compute_sha256()
            versions.append(version)
        versions = self._insert(versions)
        with self._timed("covenants_document"):
            # The version in force of last years' covenants, in one statement.
            Document.objects.filter(status=Document.Status.IN_FORCE).update(
                in_force_version=models.Subquery(
                    DocumentVersion.objects.filter(document=models.OuterRef("pk"), number=2).values(
                        "pk"
                    )[:1]
                )
            )
        self._comments(versions, members, officers)
        self._registrations(block_years, members, officers)
        self._signatures(versions, members, leaders, names)

    def _roles(self, role: str) -> models.QuerySet[UnitRole]:
        return UnitRole.objects.filter(role=role).only("unit_id", "user_id", "title")

    def _comments(
        self,
        versions: list[DocumentVersion],
        members: dict[int, list[Membership]],
        officers: dict[int, int],
    ) -> None:
        answered_at = timezone.now()
        rows = []
        for version in versions:
            document = version.document
            if document.kind != Document.Kind.COVENANT or version.number != 1:
                continue
            year_members = members[document.block_year_id]
            head = next(m for m in year_members if m.role == Membership.Role.HEAD)
            for membership in year_members[1:3]:
                rows.append(
                    Comment(
                        version=version,
                        unit_id=membership.unit_id,
                        author_id=officers[membership.unit_id],
                        text="Đề nghị bổ sung nội dung chia sẻ kinh nghiệm giữa các đơn vị.",
                        answer=Comment.Answer.ACCEPTED,
                        answer_text="Tiếp thu, bổ sung vào mục 5.",
                        answered_by_id=officers[head.unit_id],
                        answered_at=answered_at,
                    )
                )
        self._insert(rows)

    def _registrations(
        self,
        block_years: list[BlockYear],
        members: dict[int, list[Membership]],
        officers: dict[int, int],
    ) -> None:
        rows = [
            Registration(
                block_year=block_year,
                unit_id=membership.unit_id,
                targets="Hoàn thành xuất sắc nhiệm vụ\nTham mưu 100% văn bản đúng hạn",
                aims=AIMS[membership.position % len(AIMS)],
                registered_by_id=officers[membership.unit_id],
            )
            for block_year in block_years
            for membership in members[block_year.pk]
        ]
        self._insert(rows)

    def _signatures(
        self,
        versions: list[DocumentVersion],
        members: dict[int, list[Membership]],
        leaders: dict[int, tuple[int, str]],
        names: dict[int, str],
    ) -> None:
        unit_names = dict(Unit.objects.values_list("pk", "name"))
        rows = []
        for version in versions:
            document = version.document
            if document.status != Document.Status.IN_FORCE or version.number != 2:
                continue
            year = document.block_year.year
            signed_at = timezone.make_aware(datetime.datetime(year, 3, 20, 9, 0))
            for minute, membership in enumerate(members[document.block_year_id]):
                signer, title = leaders[membership.unit_id]
                rows.append(
                    Signature(
                        version=version,
                        unit_id=membership.unit_id,
                        unit_name=unit_names[membership.unit_id],
                        signer_id=signer,
                        signer_name=names[signer],
                        signer_title=title,
                        signed_at=signed_at + datetime.timedelta(minutes=minute),
                        method=Signature.Method.PASSWORD,
                        sha256=version.sha256,
                        ip="10.0.0.1",
                        user_agent="Hội nghị ký kết giao ước",
                    )
                )
        self._insert(rows)

    def activities(
        self, block_years: list[BlockYear], members: dict[int, list[Membership]]
    ) -> None:
        activities = self._insert(
            [
                JointActivity(
                    block_year=block_year,
                    title="Tặng tủ sách cho trường vùng khó",
                    date=datetime.date(block_year.year, 9, 5),
                )
                for block_year in block_years
            ]
        )
        self._insert(
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

    # Issued covenants ----------------------------------------------------------------------

    def issue(
        self,
        block_years: list[BlockYear],
        members: dict[int, list[Membership]],
        people: dict[str, list[User]],
    ) -> None:
        """Last year's covenant of the pages' block is rendered and issued for real (it is the
        one downloaded and verified); the other covenants in force get issued-document rows
        that share its stored file, since rendering two thousand PDFs would take half an hour
        and the pages only look rows up by code and by version."""
        from covenants.pdf import issue_covenant

        cast_block = Block.objects.get(
            authority__name=authority_name(0), short_name=block_short_name(0, 0)
        )
        last_year = self.today.year - 1
        in_force = list(
            Document.objects.filter(status=Document.Status.IN_FORCE)
            .select_related("block_year__block__authority", "in_force_version")
            .order_by("pk")
        )
        real = next(
            d
            for d in in_force
            if d.block_year.block_id == cast_block.pk and d.block_year.year == last_year
        )
        assert real.in_force_version is not None
        head = next(m for m in members[real.block_year_id] if m.role == Membership.Role.HEAD)
        signer = User.objects.get(unit_roles__unit=head.unit_id, unit_roles__role="leader")
        with self._timed("emulation_issueddocument (PDF)") as timing:
            issued = issue_covenant(real, real.in_force_version, by=signer)
            timing.rows += 1
        self.log(f"  {'covenant PDF rendered and issued':<32} {1:>8} rows {timing.seconds:7.2f} s")
        codes = {issued.code}
        rows = []
        for document in in_force:
            if document.pk == real.pk:
                continue
            code = new_verification_code()
            while code in codes:
                code = new_verification_code()
            codes.add(code)
            version = document.in_force_version
            assert version is not None
            rows.append(
                IssuedDocument(
                    code=code,
                    kind="covenant",
                    title=f"{document.title} (v{version.number})",
                    issuer_name=document.block_year.block.name,
                    issued_by=signer,
                    issued_at=timezone.make_aware(
                        datetime.datetime(document.block_year.year, 3, 20, 12, 0)
                    ),
                    sha256=issued.sha256,
                    file=issued.file.name,
                    size=issued.size,
                    subject_type=DocumentVersion._meta.label_lower,
                    subject_id=str(version.pk),
                    metadata={"signatories": [], "version_sha256": version.sha256},
                )
            )
        self._insert(rows)

    # Scoring ---------------------------------------------------------------------------------

    def scoring(self, block_years: list[BlockYear], members: dict[int, list[Membership]]) -> None:
        """Per block year the criteria table (`CRITERIA`, locked), bands and tie-break order. Last
        years: every member's sheet final with a score on every scored row, and the ranking
        computed by `scoring.ranking` and published. This year, in the scoring block only:
        self-assessment open, every sheet a draft filled in but for `RUSH_CODE`, and one sheet
        (`REVIEWED_POSITION`) submitted for review."""
        this_year = self.today.year
        officers = {role.unit_id: role.user_id for role in self._roles(UnitRole.Role.OFFICER)}
        leaders = {role.unit_id: role.user_id for role in self._roles(UnitRole.Role.LEADER)}
        now = timezone.now()
        tables = []
        for block_year in block_years:
            head = next(m for m in members[block_year.pk] if m.role == Membership.Role.HEAD)
            past = block_year.year < this_year
            scoring = not past and block_year.block_id == self.scoring_block_id
            tables.append(
                CriteriaTable(
                    block_year=block_year,
                    tie_break=["I", "III"],
                    opened_at=_aware(datetime.date(block_year.year, 11, 1))
                    if past
                    else (now if scoring else None),
                    opened_by_id=officers[head.unit_id] if past or scoring else None,
                    deadline=datetime.date(block_year.year, 11, 30)
                    if past
                    else (self.today + datetime.timedelta(days=14) if scoring else None),
                )
            )
        tables = self._insert(tables)
        self._insert(
            [
                Band(table=table, position=i, label=label, min_total=total, floor_percent=floor)
                for table in tables
                for i, (label, total, floor) in enumerate(BANDS, start=1)
            ]
        )
        for start in range(0, len(tables), TABLES_PER_BATCH):
            chunk = tables[start : start + TABLES_PER_BATCH]
            leaves = self._criteria(chunk)
            sheets = self._sheets(chunk, members, leaders, officers)
            self._scores(sheets, leaves)
        for name in ("scoring_criterion", "scoring_scoresheet", "scoring_score"):
            self._logged(name)
        # The ranking's query plans on the tables just filled: without statistics PostgreSQL
        # scans every score for each ranking (0.5 s each at country scale instead of ~20 ms).
        with self._timed("ANALYZE (scoring)"), connection.cursor() as cursor:
            for model in (CriteriaTable, Criterion, ScoreSheet, Score):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self._logged("ANALYZE (scoring)")
        past_tables = (
            CriteriaTable.objects.filter(block_year__year__lt=this_year)
            .select_related("block_year__block", "opened_by")
            .order_by("pk")
        )
        with self._timed("scoring_ranking (published)") as timing:
            for table in past_tables:
                year, by = table.block_year.year, table.opened_by
                assert by is not None
                # Through the service: its SQL ranks, classifies and hashes the published rows.
                freeze_ranking(table, by=by, when=_aware(datetime.date(year, 12, 20), 15))
                timing.rows += 1
        self._logged("scoring_ranking (published)")

    def _criteria(self, tables: list[CriteriaTable]) -> dict[int, list[Criterion]]:
        """The criteria of the tables, written level by level (a row's parent first); returns
        each table's scored rows."""
        created: dict[tuple[int, str], Criterion] = {}
        leaves: dict[int, list[Criterion]] = defaultdict(list)
        for depth in (0, 1, 2):
            level = [
                Criterion(
                    table=table,
                    parent=created.get((table.pk, row.parent)) if row.parent else None,
                    position=position,
                    code=row.code,
                    title_vi=row.title,
                    max_points=row.max_points,
                    kind=row.kind,
                    depth=row.depth,
                    is_leaf=row.is_leaf,
                    section_code=row.code.split(".")[0],
                    group_code=row.group,
                    group_max=CRITERIA_BY_CODE[row.group].max_points,
                )
                for table in tables
                for position, row in enumerate(CRITERIA, start=1)
                if row.depth == depth
            ]
            for criterion in self._insert(level, quiet=True):
                created[criterion.table_id, criterion.code] = criterion
                if criterion.is_leaf:
                    leaves[criterion.table_id].append(criterion)
        return leaves

    def _sheets(
        self,
        tables: list[CriteriaTable],
        members: dict[int, list[Membership]],
        leaders: dict[int, int],
        officers: dict[int, int],
    ) -> list[ScoreSheet]:
        rows = []
        for table in tables:
            if table.opened_at is None:
                continue
            year = table.block_year.year
            year_members = members[table.block_year_id]
            head = next(m for m in year_members if m.role == Membership.Role.HEAD)
            for membership in year_members:
                unit, leader = membership.unit, leaders[membership.unit_id]
                sheet = ScoreSheet(
                    table=table,
                    unit=unit,
                    unit_name=unit.name,
                    position=membership.position,
                )
                if table.block_year.year < self.today.year:
                    sheet.status = ScoreSheet.Status.FINAL
                    sheet.submitted_at = _aware(datetime.date(year, 11, 25))
                    sheet.submitted_by_id = leader
                    sheet.returned_at = _aware(datetime.date(year, 12, 5))
                    sheet.respond_by = datetime.date(year, 12, 10)
                    sheet.finalised_at = _aware(datetime.date(year, 12, 12))
                    sheet.finalised_by_id = officers[head.unit_id]
                elif membership.position == REVIEWED_POSITION:
                    sheet.status = ScoreSheet.Status.SUBMITTED
                    sheet.submitted_at = timezone.now()
                    sheet.submitted_by_id = leader
                rows.append(sheet)
        return self._insert(rows, quiet=True)

    def _scores(self, sheets: list[ScoreSheet], leaves: dict[int, list[Criterion]]) -> None:
        rows = []
        for sheet in sheets:
            for criterion in leaves[sheet.table_id]:
                points: Decimal | None = sheet_points(sheet.unit_id, criterion)
                if criterion.code == RUSH_CODE and sheet.status == ScoreSheet.Status.DRAFT:
                    points = None  # the row every unit saves in the deadline rush
                rows.append(Score(sheet=sheet, criterion=criterion, self_points=points))
        self._insert(rows, quiet=True)

    # Awards ----------------------------------------------------------------------------------

    def awards(self, block_years: list[BlockYear], members: dict[int, list[Membership]]) -> None:
        """Last year's awards. Every block proposes its leading unit for the provincial flag and
        its second for the chairman's certificate; each authority's council received them (the
        certificates at every stage of intake), approved the flags in a closed session and
        published the decision. The measured block held its ballots for real (closed, every unit
        voting) and has a nomination ballot still open for the voting storm: ballots need a
        published ranking, which only last year has."""
        ensure_award_types()
        awards = {a.code: a for a in AwardType.objects.all()}
        flag, certificate = awards[FLAG], awards[CERTIFICATE]
        last_year = self.today.year - 1
        last = {by.pk: by for by in block_years if by.year == last_year}
        officers = {role.unit_id: role.user_id for role in self._roles(UnitRole.Role.OFFICER)}
        leaders = {role.unit_id: role.user_id for role in self._roles(UnitRole.Role.LEADER)}
        staff = dict(
            CouncilRole.objects.filter(role=CouncilRole.Role.STAFF).values_list(
                "authority_id", "user_id"
            )
        )
        # Each block year's published rows, best first (as primary keys, then loaded once).
        ranked: dict[int, list[int]] = defaultdict(list)
        for block_year_id, row in (
            RankingRow.objects.filter(ranking__table__block_year__in=list(last))
            .order_by("ranking__table__block_year", "rank", "unit_name")
            .values_list("ranking__table__block_year", "pk")
        ):
            ranked[block_year_id].append(row)
        rows_by_pk = RankingRow.objects.in_bulk([pk for pks in ranked.values() for pk in pks])
        measured = next(by for by in last.values() if by.block_id == self.measured_block_id)
        ballots = self._ballots(measured, members, ranked, rows_by_pk, awards, officers, leaders)
        submitted = _aware(datetime.date(last_year + 1, 1, 10))
        nominations = []
        for index, block_year in enumerate(last.values()):
            authority_staff = staff[block_year.block.authority_id]
            first, second = (rows_by_pk[pk] for pk in ranked[block_year.pk][:2])
            for award, ranked_row in ((flag, first), (certificate, second)):
                status = (
                    Nomination.Status.AWARDED
                    if award is flag
                    else INTAKE_STATUSES[index % len(INTAKE_STATUSES)]
                )
                nomination = Nomination(
                    block_year=block_year,
                    award_type=award,
                    unit_id=ranked_row.unit_id,
                    unit_name=ranked_row.unit_name,
                    ballot=ballots.get((block_year.pk, award.code)),
                    status=status,
                    attestations={code: True for code in award.attestations},
                    attested_by_id=leaders[ranked_row.unit_id],
                    attested_at=submitted,
                    report_overview="Đơn vị hoàn thành xuất sắc nhiệm vụ chính trị được giao.",
                    report_results="Hoàn thành 100% chỉ tiêu, nhiệm vụ năm.",
                    report_updated_at=submitted,
                    report_approved_by_id=leaders[ranked_row.unit_id],
                    report_approved_at=submitted,
                    submitted_at=submitted,
                )
                if status == Nomination.Status.RETURNED:
                    nomination.returned_at, nomination.returned_by_id = submitted, authority_staff
                    nomination.return_reason = "Thiếu báo cáo thành tích có xác nhận của cấp trên."
                elif status != Nomination.Status.SUBMITTED:
                    nomination.received_at, nomination.received_by_id = submitted, authority_staff
                if status in (Nomination.Status.APPRAISED, Nomination.Status.AWARDED):
                    nomination.appraised_at, nomination.appraised_by_id = submitted, authority_staff
                nominations.append(nomination)
        nominations = self._insert(nominations)
        self._council(last_year, [n for n in nominations if n.award_type_id == flag.pk], staff)

    def _ballots(
        self,
        block_year: BlockYear,
        members: dict[int, list[Membership]],
        ranked: dict[int, list[int]],
        rows_by_pk: dict[int, RankingRow],
        awards: dict[str, AwardType],
        officers: dict[int, int],
        leaders: dict[int, int],
    ) -> dict[tuple[int, str], Ballot]:
        """The measured block's ballots of last year: the leading unit acclaimed and proposed for
        the flag, the second proposed for the certificate (closed, every unit voting for), and
        a nomination ballot for the collective award still open (the voting storm's)."""
        year_members = members[block_year.pk]
        head = next(m for m in year_members if m.role == Membership.Role.HEAD)
        secretariat = officers[head.unit_id]
        rows = [rows_by_pk[pk] for pk in ranked[block_year.pk]]
        closed_at = _aware(datetime.date(block_year.year, 12, 18))
        n = len(year_members)
        plans = [
            (Ballot.Kind.ACCLAIM, None, rows[:1]),
            (Ballot.Kind.NOMINATION, awards[FLAG], rows[:1]),
            (Ballot.Kind.NOMINATION, awards[CERTIFICATE], rows[1:2]),
            (Ballot.Kind.NOMINATION, awards[OPEN_AWARD], rows[:3]),
        ]
        ballots = []
        for kind, award, _candidates in plans:
            is_open = award is not None and award.code == OPEN_AWARD
            rules: dict[str, Any] = {}
            if award is not None:
                rules = {
                    field: getattr(award, field)
                    for field in (
                        "quorum_numerator",
                        "quorum_denominator",
                        "approval_numerator",
                        "approval_denominator",
                        "approval_base",
                        "approval_strict",
                    )
                }
            ballots.append(
                Ballot(
                    block_year=block_year,
                    kind=kind,
                    award_type=award,
                    mode=Ballot.Mode.APPROVE,
                    seats=max(len(_candidates), 1),
                    status=Ballot.Status.OPEN if is_open else Ballot.Status.CLOSED,
                    closes_on=self.today + datetime.timedelta(days=30)
                    if is_open
                    else block_year.ballot_deadline,
                    created_by_id=secretariat,
                    opened_at=timezone.now() if is_open else closed_at,
                    opened_by_id=secretariat,
                    members=n,
                    closed_at=None if is_open else closed_at,
                    closed_by_id=None if is_open else secretariat,
                    cast=None if is_open else n,
                    quorum_reached=None if is_open else True,
                    **rules,
                )
            )
        ballots = self._insert(ballots)
        candidates = self._insert(
            [
                BallotCandidate(
                    ballot=ballot,
                    unit_id=row.unit_id,
                    unit_name=row.unit_name,
                    position=position,
                    rank=row.rank,
                    total=row.total,
                    band=row.band,
                    approvals=None if ballot.is_open else n,
                    disapprovals=None if ballot.is_open else 0,
                    elected=None if ballot.is_open else True,
                    outcome="" if ballot.is_open else BallotCandidate.Outcome.SUCCEEDED,
                )
                for ballot, (_kind, _award, chosen) in zip(ballots, plans, strict=True)
                for position, row in enumerate(chosen)
            ]
        )
        closed = [ballot for ballot in ballots if not ballot.is_open]
        # Closed as the service closes a ballot: with the SHA-256 of its results.
        for ballot in closed:
            mine = [c for c in candidates if c.ballot_id == ballot.pk]
            ballot.results_sha256 = ballot_results.results_sha256(
                ballot, ballot_results.results_of(ballot, mine)
            )
        Ballot.objects.bulk_update(closed, ["results_sha256"])
        self._insert(
            [
                BallotVoter(
                    ballot=ballot,
                    unit_id=m.unit_id,
                    voted_by_id=leaders[m.unit_id],
                    voted_at=closed_at - datetime.timedelta(hours=1, minutes=i),
                )
                for ballot in closed
                for i, m in enumerate(year_members)
            ]
        )
        papers = self._insert(
            [
                CastBallot(ballot=ballot, receipt_sha256=hashlib.sha256(uuid_bytes()).hexdigest())
                for ballot in closed
                for _m in year_members
            ]
        )
        self._insert(
            [
                CastChoice(cast_ballot=paper, candidate=candidate, approve=True)
                for paper in papers
                for candidate in candidates
                if candidate.ballot_id == paper.ballot_id
            ]
        )
        return {
            (block_year.pk, ballot.award_type.code): ballot
            for ballot in closed
            if ballot.award_type is not None
        }

    def _council(self, year: int, flags: list[Nomination], staff: dict[int, int]) -> None:
        """Per authority a closed session that approved every flag nomination, and the published
        decision awarding them."""
        by_authority: dict[int, list[Nomination]] = defaultdict(list)
        for nomination in flags:
            by_authority[nomination.block_year.block.authority_id].append(nomination)
        council = defaultdict(list)
        for authority_id, user_id in CouncilRole.objects.filter(
            role=CouncilRole.Role.MEMBER
        ).values_list("authority_id", "user_id"):
            council[authority_id].append(user_id)
        held = _aware(datetime.date(year + 1, 1, 20))
        sessions = self._insert(
            [
                CouncilSession(
                    authority_id=authority_id,
                    year=year,
                    title=f"Phiên họp xét khen thưởng năm {year}",
                    held_on=held.date(),
                    place="Hội trường Ủy ban nhân dân tỉnh",
                    status=CouncilSession.Status.CLOSED,
                    council_size=len(council[authority_id]),
                    cast=len(council[authority_id]),
                    quorum_reached=True,
                    opened_at=held,
                    closed_at=held + datetime.timedelta(hours=2),
                    closed_by_id=staff[authority_id],
                    created_by_id=staff[authority_id],
                )
                for authority_id in by_authority
            ]
        )
        present = CouncilSession.present.through
        self._insert(
            [
                present(councilsession_id=session.pk, user_id=user_id)
                for session in sessions
                for user_id in council[session.authority_id]
            ],
            "awards_councilsession_present",
        )
        self._insert(
            [
                CouncilVoter(session=session, user_id=user_id, voted_at=held)
                for session in sessions
                for user_id in council[session.authority_id]
            ]
        )
        self._insert(
            [
                AgendaItem(
                    session=session,
                    nomination=nomination,
                    position=position,
                    approval_numerator=nomination.award_type.council_approval_numerator,
                    approval_denominator=nomination.award_type.council_approval_denominator,
                    approval_strict=nomination.award_type.council_approval_strict,
                    approvals=len(council[session.authority_id]),
                    disapprovals=0,
                    outcome=AgendaItem.Outcome.APPROVED,
                )
                for session in sessions
                for position, nomination in enumerate(by_authority[session.authority_id])
            ]
        )
        # Closed as the service closes a session: with the SHA-256 of its results.
        items = AgendaItem.objects.select_related(
            "nomination__award_type", "nomination__block_year__block"
        ).order_by("position", "pk")
        for session in sessions:
            session.results_sha256 = session_results.results_sha256(
                session, session_results.results_of(session, items.filter(session=session))
            )
        CouncilSession.objects.bulk_update(sessions, ["results_sha256"])
        signed = datetime.date(year + 1, 1, 25)
        decisions = self._insert(
            [
                Decision(
                    authority_id=session.authority_id,
                    year=year,
                    award_type=by_authority[session.authority_id][0].award_type,
                    kind=Decision.Kind.DECISION,
                    status=Decision.Status.PUBLISHED,
                    number=f"{100 + i}/QĐ-UBND",
                    signed_on=signed,
                    signer_name=person_name(i),
                    signer_title="Chủ tịch Ủy ban nhân dân tỉnh",
                    legal_bases="Luật Thi đua, khen thưởng số 06/2022/QH15",
                    issued_at=_aware(signed),
                    issued_by_id=staff[session.authority_id],
                    published_at=_aware(signed, 15),
                    published_by_id=staff[session.authority_id],
                    created_by_id=staff[session.authority_id],
                )
                for i, session in enumerate(sessions)
            ]
        )
        self._insert(
            [
                Awardee(
                    decision=decision,
                    nomination=nomination,
                    position=position,
                    unit_name=nomination.unit_name,
                    block_name=nomination.block_year.block.name,
                )
                for decision in decisions
                for position, nomination in enumerate(by_authority[decision.authority_id])
            ]
        )
        # Issued as a decision is: with its document. The rows share the stored file of the
        # covenant issued for real (rendering each would take a second), each under a SHA-256 of
        # its own, as distinct documents have.
        stored = IssuedDocument.objects.order_by("pk").first()
        assert stored is not None
        codes = set(IssuedDocument.objects.values_list("code", flat=True))
        documents = []
        for decision in decisions:
            code = new_verification_code()
            while code in codes:
                code = new_verification_code()
            codes.add(code)
            documents.append(
                IssuedDocument(
                    code=code,
                    kind="decision",
                    title=f"Quyết định số {decision.number} năm {decision.year}",
                    issuer_name="Ủy ban nhân dân tỉnh",
                    issued_by_id=decision.issued_by_id,
                    issued_at=_aware(signed),
                    sha256=hashlib.sha256(f"decision {decision.pk}".encode()).hexdigest(),
                    file=stored.file.name,
                    size=stored.size,
                    subject_type=Decision._meta.label_lower,
                    subject_id=str(decision.pk),
                )
            )
        for decision, document in zip(decisions, self._insert(documents), strict=True):
            decision.document = document
        Decision.objects.bulk_update(decisions, ["document"])


@dataclass(frozen=True)
class Cast:
    """The objects and people the pages and storms use, found again by their derived names."""

    scale: str
    authority: Authority
    block: Block
    block_year: BlockYear  # this year's, its covenant open for signing
    last_year: BlockYear  # last year's, its covenant in force and issued
    unit: Unit  # a member that is neither head nor deputy
    covenant: Document
    in_force: Document
    issued: IssuedDocument
    storm_block: Block
    scoring_year: BlockYear  # this year's of the scoring block, self-assessment open
    sheet: ScoreSheet  # a draft in the scoring year, of a member neither head nor deputy
    review_sheet: ScoreSheet  # a sheet of the scoring year submitted for review
    ballot: Ballot  # last year's, open: the voting storm's
    closed_ballot: Ballot  # last year's flag nomination, closed and counted
    session: CouncilSession  # last year's, closed
    users: dict[str, User]

    @classmethod
    def find(cls, scale: str) -> Cast:
        this_year = timezone.localdate().year
        authority = Authority.objects.get(name=authority_name(0))
        blocks = Block.objects.filter(authority=authority)
        block = blocks.get(short_name=block_short_name(0, MEASURED))
        storm_block = blocks.get(short_name=block_short_name(0, STORM))
        scoring_year = BlockYear.objects.get(
            block__in=blocks.filter(short_name=block_short_name(0, SCORING)), year=this_year
        )
        block_year = BlockYear.objects.get(block=block, year=this_year)
        last_year = BlockYear.objects.get(block=block, year=this_year - 1)
        members = list(block_year.memberships.select_related("unit").order_by("position"))
        head, plain = members[0], members[2]
        covenant = block_year.documents.get(kind=Document.Kind.COVENANT)
        in_force = last_year.documents.get(kind=Document.Kind.COVENANT)
        issued = IssuedDocument.objects.get(
            subject_type=DocumentVersion._meta.label_lower,
            subject_id=str(in_force.in_force_version_id),
        )

        def role_holder(unit: Unit, role: str) -> User:
            return User.objects.get(unit_roles__unit=unit, unit_roles__role=role)

        sheets = ScoreSheet.objects.filter(table__block_year=scoring_year)
        scoring_members = list(scoring_year.memberships.select_related("unit").order_by("position"))
        ballots = Ballot.objects.filter(block_year=last_year, kind=Ballot.Kind.NOMINATION)
        users = {
            "admin": User.objects.get(username=ADMIN_USERNAME),
            "staff": User.objects.get(username=staff_username(0)),
            "leader": role_holder(plain.unit, UnitRole.Role.LEADER),
            "secretariat": role_holder(head.unit, UnitRole.Role.OFFICER),
            "officer": role_holder(scoring_members[2].unit, UnitRole.Role.OFFICER),
            "reviewer": role_holder(scoring_members[0].unit, UnitRole.Role.OFFICER),
        }
        return cls(
            scale=scale,
            authority=authority,
            block=block,
            block_year=block_year,
            last_year=last_year,
            unit=plain.unit,
            covenant=covenant,
            in_force=in_force,
            issued=issued,
            storm_block=storm_block,
            scoring_year=scoring_year,
            sheet=sheets.get(unit=scoring_members[2].unit),
            review_sheet=sheets.get(position=REVIEWED_POSITION),
            ballot=ballots.get(status=Ballot.Status.OPEN),
            closed_ballot=ballots.get(award_type__code=FLAG),
            session=CouncilSession.objects.get(authority=authority, year=last_year.year),
            users=users,
        )


def table_counts() -> dict[str, int]:
    """Rows in the benchmark's tables (shown with the results, to say what was measured)."""
    counted: list[type[models.Model]] = [
        Authority, Block, BlockYear, Unit, Membership, User, UnitRole, Document,
        DocumentVersion, Registration, Signature, Contribution, IssuedDocument,
        CriteriaTable, Criterion, ScoreSheet, Score, Ranking, RankingRow, Ballot, BallotVoter,
        CastBallot, Nomination, CouncilSession, Decision,
    ]  # fmt: skip
    return {model._meta.db_table: model._default_manager.count() for model in counted}
