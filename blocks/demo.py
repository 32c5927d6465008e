"""Demo data of the registry: the authorities, blocks and units of the seed reports, two years
each, the book drive and the demo accounts (password `demo12345`). Run by `seed_demo`; safe to run
again: it creates what is missing and changes nothing that exists."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from blocks import services
from blocks.models import (
    Authority,
    AuthoritySuccession,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Person,
    Succession,
    Unit,
    UnitName,
    UnitRole,
)
from emulation.demo import Seeder, current_deadlines
from emulation.models import User

PASSWORD = "demo12345"
THEME = "Đoàn kết - Sáng tạo - Kỷ cương - Phát triển - Tăng tốc - Hiệu quả"

QT_PARTY_UNITS = [
    ("Văn phòng Tỉnh ủy", "VPTU"),
    ("Ban Tổ chức Tỉnh ủy", "BTCTU"),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGTU"),
    ("Ban Dân vận Tỉnh ủy", "BDVTU"),
    ("Ban Nội chính Tỉnh ủy", "BNCTU"),
    ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU"),
    ("Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "ĐUK"),
    ("Báo Quảng Trị", "BQT"),
    ("Trường Chính trị Lê Duẩn", "TCTLD"),
]
LEADERS = [
    ("Nguyễn Văn Hùng", "Chánh Văn phòng Tỉnh ủy"),
    ("Trần Thị Thu Hà", "Trưởng Ban Tổ chức Tỉnh ủy"),
    ("Lê Quang Minh", "Trưởng Ban Tuyên giáo Tỉnh ủy"),
    ("Phạm Thị Lan", "Trưởng Ban Dân vận Tỉnh ủy"),
    ("Hoàng Đức Thắng", "Trưởng Ban Nội chính Tỉnh ủy"),
    ("Võ Văn Bình", "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy"),
    ("Đặng Thị Hương", "Bí thư Đảng ủy Khối"),
    ("Bùi Văn Toàn", "Tổng Biên tập Báo Quảng Trị"),
    ("Ngô Thị Mai", "Hiệu trưởng Trường Chính trị Lê Duẩn"),
]
# The Party agencies as the merged province of Quảng Trị has them from 1 July 2025 (docs/demo.md
# gives the sources): the Mass Mobilisation Board merged into the Propaganda Board, renamed the
# Propaganda and Mass Mobilisation Board, and the Party Committee of the provincial agencies and
# enterprises renamed the Party Committee of the provincial Party agencies. The boards' own merger
# came earlier in 2025 on a day not confirmed; the demo records both changes on 1 July 2025.
PARTY_REORGANISED = datetime.date(2025, 7, 1)
QUANG_TRI_COUNCIL = "Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị"
PROPAGANDA = "Ban Tuyên giáo Tỉnh ủy"
MASS_MOBILISATION = "Ban Dân vận Tỉnh ủy"
PARTY_COMMITTEE = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
REORGANISED: dict[str, tuple[str, str, str, str]] = {
    # former name: (new name, new short name, the leader's new title, reason)
    PROPAGANDA: (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "BTGDVTU",
        "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Hợp nhất Ban Tuyên giáo Tỉnh ủy và Ban Dân vận Tỉnh ủy thành Ban Tuyên giáo và Dân vận"
        " Tỉnh ủy; Tỉnh ủy Quảng Trị công bố các cơ quan chuyên trách tham mưu, giúp việc ngày"
        " 01/07/2025 (tienphong.vn, 01/07/2025).",
    ),
    PARTY_COMMITTEE: (
        "Đảng ủy các cơ quan Đảng tỉnh",
        "ĐUCCQĐ",
        "Bí thư Đảng ủy các cơ quan Đảng tỉnh",
        "Đảng bộ các cơ quan Đảng tỉnh Quảng Trị thành lập ngày 01/07/2025 trên cơ sở hợp nhất"
        " Đảng bộ các cơ quan Đảng tỉnh Quảng Bình và Quảng Trị (tienphong.vn, 01/07/2025).",
    ),
}
MERGER_REASON = (
    "Ban Dân vận Tỉnh ủy hợp nhất vào Ban Tuyên giáo Tỉnh ủy, nay là Ban Tuyên giáo và Dân vận"
    " Tỉnh ủy, từ 01/07/2025 (tienphong.vn, 01/07/2025)."
)
OFFICERS = [
    "Nguyễn Thị Hoa",
    "Trần Văn Long",
    "Lê Thị Ngọc",
    "Phạm Văn Tài",
    "Hoàng Thị Yến",
    "Võ Thị Thanh",
    "Đặng Văn Nam",
    "Bùi Thị Thảo",
    "Ngô Văn Phúc",
]
QT_CENTRE_UNITS = [
    ("Trung tâm Khuyến nông tỉnh Quảng Trị", "TTKN"),
    ("Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", "TTNS"),
    ("Trung tâm Dịch vụ nông nghiệp", "TTDVNN"),
    ("Ban Quản lý Khu bảo tồn thiên nhiên Đakrông", "BQL KBT Đakrông"),
    ("Ban Quản lý rừng phòng hộ Hướng Hóa - Đakrông", "BQLRPH HH-ĐK"),
    ("Ban Quản lý các cảng cá và khu neo đậu tránh trú bão", "BQL cảng cá"),
]
# The book drive of the seed report: 641 books and 33.8 million đồng in all.
BOOK_DRIVE = [
    (150, 8_000_000, 12),
    (120, 6_500_000, 10),
    (110, 6_000_000, 9),
    (96, 5_000_000, 8),
    (85, 4_300_000, 7),
    (80, 4_000_000, 6),
]
NT_PARTY_UNITS = [
    ("Văn phòng Tỉnh ủy Ninh Thuận", "VPTU NT"),
    ("Ban Tổ chức Tỉnh ủy Ninh Thuận", "BTCTU NT"),
    ("Ban Tuyên giáo Tỉnh ủy Ninh Thuận", "BTGTU NT"),
    ("Ban Dân vận Tỉnh ủy Ninh Thuận", "BDVTU NT"),
    ("Ban Nội chính Tỉnh ủy Ninh Thuận", "BNCTU NT"),
    ("Ủy ban Kiểm tra Tỉnh ủy Ninh Thuận", "UBKTTU NT"),
    ("Báo Ninh Thuận", "BNT"),
    ("Trường Chính trị tỉnh Ninh Thuận", "TCT NT"),
]
# The North-Central provinces as they are now (docs/demo.md gives the sources): Quảng Bình
# merged into Quảng Trị on 1 July 2025, and Thừa Thiên Huế became the city of Huế on 1 January
# 2025. Ninh Thuận merged into Khánh Hòa on 1 July 2025.
PROVINCES = [
    ("Tỉnh Thanh Hóa", "Thanh Hóa"),
    ("Tỉnh Nghệ An", "Nghệ An"),
    ("Tỉnh Hà Tĩnh", "Hà Tĩnh"),
    ("Tỉnh Quảng Trị", "Quảng Trị"),
    ("Thành phố Huế", "Huế"),
]
QUANG_BINH = ("Tỉnh Quảng Bình", "Quảng Bình")
HUE_BEFORE = ("Tỉnh Thừa Thiên Huế", "Thừa Thiên Huế")
PROVINCES_MERGED = datetime.date(2025, 7, 1)
HUE_RENAMED = datetime.date(2025, 1, 1)
COUNCIL_MEMBERS = [
    ("Lê Văn Quang", "Phó Chủ tịch UBND tỉnh, Chủ tịch Hội đồng"),
    ("Nguyễn Thị Thủy", "Giám đốc Sở Nội vụ, Phó Chủ tịch Hội đồng"),
    ("Trần Minh Đức", "Ủy viên Hội đồng"),
    ("Phan Thị Hằng", "Ủy viên Hội đồng"),
    ("Hồ Văn Sơn", "Ủy viên Hội đồng"),
]


# People of the units (the units' records, not accounts): short name of the unit -> (code, full
# name, title, gender, year of birth, at the unit since).
PEOPLE: dict[str, list[tuple[str, str, str, str, int, int]]] = {
    "VPTU": [
        ("VP-01", "Phan Văn Khánh", "Phó Chánh Văn phòng Tỉnh ủy", "male", 1978, 2005),
        ("VP-02", "Đoàn Thị Thu Trang", "Trưởng phòng Tổng hợp", "female", 1984, 2009),
    ],
    "BTGTU": [
        ("BTG-01", "Nguyễn Thị Minh Thư", "Trưởng phòng Tuyên truyền", "female", 1982, 2008),
        ("BTG-02", "Hồ Văn Dũng", "Chuyên viên phòng Lý luận chính trị", "male", 1990, 2016),
    ],
    "BQT": [
        ("BQT-01", "Trương Công Phúc", "Trưởng phòng Phóng viên", "male", 1985, 2009),
        ("BQT-02", "Lê Thị Thanh Nhàn", "Phóng viên", "female", 1993, 2017),
    ],
}


class RegistrySeeder(Seeder):
    _hash = ""

    @classmethod
    def demo_password_hash(cls) -> str:
        # Hashing is slow on purpose; the demo accounts share one password, so hash it once.
        if not cls._hash:
            cls._hash = make_password(PASSWORD)
        return cls._hash

    def person(self, username: str, full_name: str, **extra: Any) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, full_name=full_name, email=f"{username}@example.vn", **extra
            )
            user.password = self.demo_password_hash()
            user.save()
            self.created += 1
        return user

    def units(self, authority: Authority, rows: list[tuple[str, str]], kind: str) -> list[Unit]:
        # A unit renamed since (by the reorganisation below) is found by its former name.
        return [
            renamed(authority, name)
            or self.get(Unit, {"short_name": short, "kind": kind}, authority=authority, name=name)
            for name, short in rows
        ]

    def year(
        self,
        block: Block,
        year: int,
        units: list[Unit],
        head: int,
        deputies: list[int],
        theme: str = "",
    ) -> BlockYear:
        today = timezone.localdate()
        # Past years kept their usual deadlines; the current one is where a block is today.
        deadlines = (
            current_deadlines(year, today)
            if year >= today.year
            else {
                "signing_deadline": datetime.date(year, 3, 31),
                "self_assessment_deadline": datetime.date(year, 11, 30),
                "review_deadline": datetime.date(year, 12, 15),
                "ballot_deadline": datetime.date(year, 12, 31),
                "dossier_deadline": datetime.date(year + 1, 3, 15),
            }
        )
        block_year = self.get(BlockYear, {"theme": theme, **deadlines}, block=block, year=year)
        if block_year.memberships.exists():
            return block_year
        roles = {head: Membership.Role.HEAD, **{d: Membership.Role.DEPUTY for d in deputies}}
        for position, unit in enumerate(units, start=1):
            self.get(
                Membership,
                {
                    "role": roles.get(position - 1, Membership.Role.MEMBER),
                    "position": position,
                    "joined_on": datetime.date(year, 1, 1),
                },
                block_year=block_year,
                unit=unit,
            )
        return block_year

    # The data -------------------------------------------------------------------------------

    def seed(self) -> None:
        this_year = timezone.localdate().year
        last_year = this_year - 1

        central = self.get(
            Authority,
            {
                "short_name": "HĐTĐKT Trung ương",
                "level": Authority.Level.CENTRAL,
                "place": "Hà Nội",
            },
            name="Hội đồng Thi đua - Khen thưởng Trung ương",
        )
        quang_tri = self.get(
            Authority,
            {
                "short_name": "HĐTĐKT Quảng Trị",
                "level": Authority.Level.PROVINCIAL,
                "parent": central,
                "place": "Quảng Trị",
            },
            name=QUANG_TRI_COUNCIL,
        )
        ninh_thuan = self.get(
            Authority,
            {
                "short_name": "HĐTĐKT Ninh Thuận",
                "level": Authority.Level.PROVINCIAL,
                "parent": central,
                "place": "Ninh Thuận",
            },
            name="Hội đồng Thi đua - Khen thưởng tỉnh Ninh Thuận",
        )
        khanh_hoa = self.get(
            Authority,
            {
                "short_name": "HĐTĐKT Khánh Hòa",
                "level": Authority.Level.PROVINCIAL,
                "parent": central,
                "place": "Khánh Hòa",
            },
            name="Hội đồng Thi đua - Khen thưởng tỉnh Khánh Hòa",
        )
        quang_binh = self.get(
            Authority,
            {
                "short_name": "HĐTĐKT Quảng Bình",
                "level": Authority.Level.PROVINCIAL,
                "parent": central,
                "place": "Quảng Bình",
            },
            name="Hội đồng Thi đua - Khen thưởng tỉnh Quảng Bình",
        )
        # The 2025 reorganisation: two provinces merged into others on 1 July 2025.
        self.merged(quang_binh, into=quang_tri)
        self.merged(ninh_thuan, into=khanh_hoa)

        # Quảng Trị, Party agencies block: unit 1 heads this year with unit 2 as deputy. The Mass
        # Mobilisation Board is a member until it merged into the Propaganda Board on 1 July 2025
        # (recorded by `reorganise_party_agencies`, after last year's covenant was signed).
        qt_party = self.units(quang_tri, QT_PARTY_UNITS, Unit.Kind.PARTY_AGENCY)
        block = self.get(
            Block,
            {
                "short_name": "Khối Đảng",
                "kind": Block.Kind.BLOCK,
                "description": "Các cơ quan tham mưu, giúp việc Tỉnh ủy và đơn vị sự nghiệp của Tỉnh ủy.",
            },
            authority=quang_tri,
            name="Khối thi đua các cơ quan Đảng tỉnh Quảng Trị",
        )
        self.year(
            block, last_year, party_units(qt_party, last_year), head=2, deputies=[0], theme=THEME
        )
        self.year(
            block, this_year, party_units(qt_party, this_year), head=0, deputies=[1], theme=THEME
        )

        # Quảng Trị, the Department's centres and boards, with the book drive of last year.
        centres = self.units(quang_tri, QT_CENTRE_UNITS, Unit.Kind.PUBLIC_SERVICE)
        centre_block = self.get(
            Block,
            {"short_name": "Khối Trung tâm, Ban", "kind": Block.Kind.BLOCK},
            authority=quang_tri,
            name="Khối thi đua các Trung tâm, Ban thuộc Sở Nông nghiệp và Môi trường",
        )
        previous = self.year(centre_block, last_year, centres, head=0, deputies=[3])
        self.year(centre_block, this_year, centres, head=3, deputies=[1, 4])
        drive = self.get(
            JointActivity,
            {
                "date": datetime.date(last_year, 9, 5),
                "description": "Quyên góp sách, tủ sách tặng Trường THCS Hướng Phùng và Trường PTDTNT"
                " Đakrông; quà tặng trị giá hơn 46,8 triệu đồng.",
            },
            block_year=previous,
            title="Tặng tủ sách cho trường vùng khó khăn",
        )
        for unit, (books, money, people) in zip(centres, BOOK_DRIVE, strict=True):
            self.get(
                Contribution,
                {"books": books, "money_vnd": money, "participants": people},
                activity=drive,
                unit=unit,
            )
        self.get(
            JointActivity,
            {
                "date": datetime.date(last_year, 10, 20),
                "description": "Giải cầu lông giao hữu giữa các đơn vị trong Khối.",
            },
            block_year=previous,
            title="Giải cầu lông Khối thi đua",
        )

        # Ninh Thuận, Party agencies block: its years until the province merged into Khánh Hòa
        # (its block and history went on under Khánh Hòa, which the demo does not seed further).
        nt_party = self.units(ninh_thuan, NT_PARTY_UNITS, Unit.Kind.PARTY_AGENCY)
        nt_block = self.get(
            Block,
            {"short_name": "Khối Đảng Ninh Thuận", "kind": Block.Kind.BLOCK},
            authority=khanh_hoa,
            name="Khối thi đua các cơ quan Đảng tỉnh Ninh Thuận",
        )
        last_day = PROVINCES_MERGED - datetime.timedelta(days=1)
        for unit in nt_party:
            self.ceased(unit, last_day)
        if last_year <= last_day.year:
            nt_year = self.year(nt_block, last_year, nt_party, head=0, deputies=[2])
            if last_year == last_day.year:
                nt_year.memberships.filter(left_on=None).update(
                    left_on=last_day, note="Tỉnh Ninh Thuận hợp nhất vào tỉnh Khánh Hòa"
                )

        # The North-Central provinces cluster under the central council, as it is now, with
        # Quảng Bình (merged into Quảng Trị) and Thừa Thiên Huế (now the city of Huế) before.
        provinces = self.units(central, PROVINCES, Unit.Kind.PROVINCE)
        quang_binh_unit = self.units(central, [QUANG_BINH], Unit.Kind.PROVINCE)[0]
        self.ceased(quang_binh_unit, last_day, successor=provinces[3], on=PROVINCES_MERGED)
        self.get(
            UnitName,
            {"name": HUE_BEFORE[0], "short_name": HUE_BEFORE[1]},
            unit=provinces[4],
            valid_until=HUE_RENAMED - datetime.timedelta(days=1),
        )
        cluster = self.get(
            Block,
            {"short_name": "Cụm Bắc Trung Bộ", "kind": Block.Kind.CLUSTER},
            authority=central,
            name="Cụm thi đua các tỉnh Bắc Trung Bộ",
        )
        if last_year == last_day.year:
            # Quảng Bình took part until it merged into Quảng Trị.
            before = [*provinces[:3], quang_binh_unit, *provinces[3:]]
            cluster_year = self.year(cluster, last_year, before, head=4, deputies=[5])
            cluster_year.memberships.filter(unit=quang_binh_unit, left_on=None).update(
                left_on=last_day, note="Hợp nhất vào tỉnh Quảng Trị từ 01/07/2025"
            )
        else:
            self.year(cluster, last_year, provinces, head=3, deputies=[4])
        self.year(cluster, this_year, provinces, head=4, deputies=[2])

        self.accounts(quang_tri, qt_party)
        self.people(qt_party)

    def merged(self, authority: Authority, *, into: Authority) -> None:
        """The authority ceased the day before the provinces merged, continued by `into`."""
        self.get(
            AuthoritySuccession,
            {
                "successor": into,
                "effective_date": PROVINCES_MERGED,
                "note": "Nghị quyết số 202/2025/QH15 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh",
            },
            predecessor=authority,
        )
        if authority.active_to is None:
            authority.active_to = PROVINCES_MERGED - datetime.timedelta(days=1)
            authority.save(update_fields=["active_to"])

    def ceased(
        self,
        unit: Unit,
        last_day: datetime.date,
        *,
        successor: Unit | None = None,
        on: datetime.date | None = None,
    ) -> None:
        if unit.active_to is None:
            unit.active_to = last_day
            unit.save(update_fields=["active_to"])
        if successor is not None and on is not None:
            self.get(
                Succession,
                {"kind": Succession.Kind.MERGE, "effective_date": on},
                predecessor=unit,
                successor=successor,
            )

    def accounts(self, quang_tri: Authority, units: list[Unit]) -> None:
        admin = self.person("admin", "Quản trị hệ thống", is_staff=True, is_superuser=True)
        del admin
        staff = self.person("bantdkt", "Nguyễn Thị Kim Oanh")
        self.get(
            CouncilRole,
            {"title": "Chuyên viên Ban Thi đua - Khen thưởng"},
            user=staff,
            authority=quang_tri,
            role=CouncilRole.Role.STAFF,
        )
        for number, (name, title) in enumerate(COUNCIL_MEMBERS, start=1):
            member = self.person(f"hoidong{number}", name)
            self.get(
                CouncilRole,
                {"title": title},
                user=member,
                authority=quang_tri,
                role=CouncilRole.Role.MEMBER,
            )
        for number, (unit, (leader_name, title), officer_name) in enumerate(
            zip(units, LEADERS, OFFICERS, strict=True), start=1
        ):
            leader = self.person(f"lanhdao{number}", leader_name)
            officer = self.person(f"canbo{number}", officer_name)
            if unit.active_to is not None:
                continue  # its people's roles ended with it (the Mass Mobilisation Board)
            self.get(UnitRole, {"title": title}, user=leader, unit=unit, role=UnitRole.Role.LEADER)
            self.get(
                UnitRole,
                {"title": "Cán bộ phụ trách thi đua"},
                user=officer,
                unit=unit,
                role=UnitRole.Role.OFFICER,
            )

    def people(self, units: list[Unit]) -> None:
        """A few people on the units' records: whom they may propose for an award to an
        individual."""
        # By the short names of the seed list: a unit renamed since keeps its place in it.
        by_short = {short: unit for unit, (_name, short) in zip(units, QT_PARTY_UNITS, strict=True)}
        for short, rows in PEOPLE.items():
            for code, full_name, title, gender, born, since in rows:
                self.get(
                    Person,
                    {
                        "full_name": full_name,
                        "title": title,
                        "gender": gender,
                        "birth_year": born,
                        "serving_since": since,
                    },
                    unit=by_short[short],
                    code=code,
                )


def renamed(authority: Authority, former_name: str) -> Unit | None:
    """The unit of `authority` that was called `former_name` before a rename, if any."""
    return Unit.objects.filter(authority=authority, former_names__name=former_name).first()


def party_units(units: list[Unit], year: int) -> list[Unit]:
    """The Quảng Trị Party agencies block's units from the start of `year`: all nine until the
    reorganisation's year, then without the Mass Mobilisation Board (merged into another)."""
    if year <= PARTY_REORGANISED.year:
        return units
    return [
        u
        for u, (name, _short) in zip(units, QT_PARTY_UNITS, strict=True)
        if name != MASS_MOBILISATION
    ]


def reorganise_party_agencies(seeder: Seeder) -> None:
    """Record Quảng Trị's Party agencies as they are from 1 July 2025 (see `REORGANISED`), through
    the registry's services and as the council's staff: the renames (each leader's title follows),
    then the merger, which ends the Mass Mobilisation Board's memberships open that day (2025's)
    and with it its people's roles. Does nothing once recorded.

    The covenant demo calls it once the covenants of the years up to 2025 are signed and before
    those of the years after, so each signature keeps the names and titles of its day."""
    staff = User.objects.filter(username="bantdkt").first()
    authority = Authority.objects.filter(name=QUANG_TRI_COUNCIL).first()
    if staff is None or authority is None:
        return
    for former, (name, short_name, title, reason) in REORGANISED.items():
        unit = Unit.objects.filter(authority=authority, name=former).first()
        if unit is None:
            continue  # renamed before (or never seeded)
        services.rename_unit(
            unit,
            by=staff,
            name=name,
            short_name=short_name,
            effective_date=PARTY_REORGANISED,
            reason=reason,
        )
        leaders = UnitRole.objects.filter(unit=unit, role=UnitRole.Role.LEADER)
        for role in list(leaders.select_related("user")):
            # A role's title is given with the role: the leader is named again under the new one.
            services.remove_unit_role(role, by=staff, reason=reason)
            services.assign_unit_role(
                unit, role.user, by=staff, role=UnitRole.Role.LEADER, title=title
            )
        seeder.created += 1
    board = Unit.objects.filter(authority=authority, name=REORGANISED[PROPAGANDA][0]).first()
    merged = Unit.objects.filter(
        authority=authority, name=MASS_MOBILISATION, active_to__isnull=True
    ).first()
    if board is None or merged is None:
        return
    services.merge_units(
        [merged], into=board, by=staff, effective_date=PARTY_REORGANISED, reason=MERGER_REASON
    )
    # The leader's role first: no one is then left in the unit to be told of the officer's.
    for role in list(UnitRole.objects.filter(unit=merged).order_by("role")):
        services.remove_unit_role(role, by=staff, reason=MERGER_REASON)
    seeder.created += 1
