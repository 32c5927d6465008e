"""Demo documents of the Quảng Trị Party agencies block: last year's adopted and its covenant signed
by all nine units (on 20 March) with the PDF issued; this year's adopted, and its covenant signed
the same way by its eight units once 20 March is past, or else open for signing until the year's
deadline. Between the two the registry records the reorganisation of 1 July 2025 (the Mass
Mobilisation Board merged into the Propaganda Board, renamed), so that each year's signatures
carry the names and titles of their day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from blocks.demo import PARTY_REORGANISED, QT_PARTY_UNITS, reorganise_party_agencies
from blocks.models import BlockYear, Membership, Unit, UnitRole
from covenants.models import Document, DocumentVersion, Registration, Signature
from emulation import law
from emulation.demo import Seeder, covenant_signed
from emulation.models import User

BLOCK = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"

RULES = """Chương I. Quy định chung
Điều 1. Khối thi đua gồm các cơ quan tham mưu, giúp việc Tỉnh ủy và đơn vị sự nghiệp của Tỉnh ủy.
Điều 2. Hoạt động của Khối theo nguyên tắc tự nguyện, tự giác, công khai, đoàn kết, hợp tác và cùng phát triển.
Chương II. Tổ chức và hoạt động
Điều 3. Trưởng khối, Phó trưởng khối luân phiên hằng năm, do các đơn vị thành viên bầu tại hội nghị tổng kết.
Điều 4. Khối họp sơ kết 6 tháng và tổng kết năm; đơn vị Trưởng khối làm thường trực.
Điều 5. Việc chấm điểm, bình xét thi đua thực hiện theo bảng tiêu chí được Khối thống nhất; bỏ phiếu kín khi bình xét."""

PLAN = """1. Tháng 01 – 3: xây dựng và thông qua quy chế, kế hoạch, bảng tiêu chí; ký kết giao ước thi đua.
2. Tháng 6 – 7: sơ kết 6 tháng; tổ chức hoạt động chung của Khối.
3. Tháng 11 – 12: các đơn vị tự chấm điểm; Trưởng khối, Phó trưởng khối chấm điểm lại.
4. Tháng 12: tổng kết, bình xét, suy tôn đơn vị dẫn đầu; đề nghị khen thưởng."""

PREAMBLE = """Thực hiện Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành; căn cứ Quy chế hoạt động của Khối, các đơn vị thành viên Khối thi đua các cơ quan Đảng tỉnh thống nhất ký kết giao ước thi đua năm {year} với các nội dung sau."""

COMMITMENTS = """1. Hoàn thành xuất sắc nhiệm vụ chính trị, chuyên môn được giao; nâng cao chất lượng tham mưu cho Tỉnh ủy.
2. Xây dựng tổ chức đảng, cơ quan, đoàn thể trong sạch, vững mạnh; thực hiện tốt quy chế dân chủ, văn hóa công sở.
3. Thực hành tiết kiệm, chống lãng phí; đẩy mạnh cải cách hành chính và chuyển đổi số.
4. Tham gia đầy đủ các hoạt động chung của Khối; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến."""

TARGETS = """100% đơn vị hoàn thành tốt nhiệm vụ trở lên
Đề nghị 01 đơn vị được tặng Cờ thi đua của Chính phủ
Ít nhất 02 đơn vị được đề nghị tặng Cờ thi đua của UBND tỉnh
100% cán bộ, đảng viên hoàn thành nhiệm vụ"""

MOVEMENTS = """Cả nước chung tay xây dựng nông thôn mới
Vì người nghèo – Không để ai bị bỏ lại phía sau
Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở
Cả nước thi đua xây dựng xã hội học tập"""

LEGAL_BASES = """Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022
{decree}
Chỉ thị số 34-CT/TW ngày 07 tháng 4 năm 2014 của Bộ Chính trị về tiếp tục đổi mới công tác thi đua, khen thưởng"""


def legal_bases(day: datetime.date) -> str:
    """The bases as of the day the covenant is adopted: the decree detailing the Law then in
    force (Decree 98/2023/NĐ-CP until 30 June 2025, Decree 152/2025/NĐ-CP from 1 July 2025)."""
    return LEGAL_BASES.format(decree=law.decree_title_on(day))


# Each unit's registration, in the order of the units' names before the reorganisation.
REGISTRATIONS = dict(
    zip(
        [name for name, _short in QT_PARTY_UNITS],
        [
            (
                "Hoàn thành xuất sắc nhiệm vụ\nTham mưu 100% văn bản đúng hạn",
                ["excellent", "provincial_flag"],
            ),
            (
                "Hoàn thành xuất sắc nhiệm vụ\nThẩm định 100% hồ sơ nhân sự đúng quy trình",
                ["excellent", "chairman_certificate"],
            ),
            (
                "Hoàn thành xuất sắc nhiệm vụ\nTổ chức tốt công tác tuyên truyền các ngày lễ lớn",
                ["excellent", "labour_collective"],
            ),
            ("Hoàn thành tốt nhiệm vụ trở lên", ["labour_collective"]),
            ("Hoàn thành tốt nhiệm vụ trở lên", ["labour_collective"]),
            ("Hoàn thành xuất sắc nhiệm vụ", ["excellent", "chairman_certificate"]),
            ("Hoàn thành tốt nhiệm vụ trở lên", ["labour_collective"]),
            (
                "Hoàn thành xuất sắc nhiệm vụ\nPhát hành báo đúng kỳ, không có sai sót",
                ["excellent", "chairman_certificate"],
            ),
            ("Hoàn thành tốt nhiệm vụ trở lên\nĐào tạo đạt 100% kế hoạch", ["labour_collective"]),
        ],
        strict=True,
    )
)


def registration_of(unit: Unit) -> tuple[str, list[str]] | None:
    """The unit's registration, found by its name before the reorganisation."""
    return REGISTRATIONS.get(unit.name_on(PARTY_REORGANISED - datetime.timedelta(days=1)))


class DocumentSeeder(Seeder):
    def seed(self) -> None:
        this_year = timezone.localdate().year
        for block_year in BlockYear.objects.filter(
            block__name=BLOCK, year__in=[this_year - 1, this_year]
        ).order_by("year"):
            if block_year.year > PARTY_REORGANISED.year:
                reorganise_party_agencies(self)
            if block_year.documents.exists():
                continue
            # Signed at the March conference: last year's, and this year's once it is past.
            self.year(block_year, past=covenant_signed(block_year.year, timezone.localdate()))
        reorganise_party_agencies(self)  # after last year's covenant when it is 2025's

    def year(self, block_year: BlockYear, *, past: bool) -> None:
        members = list(block_year.memberships.select_related("unit").order_by("position"))
        head = next(m for m in members if m.role == Membership.Role.HEAD)
        author = User.objects.filter(
            unit_roles__unit=head.unit, unit_roles__role=UnitRole.Role.OFFICER
        ).first()
        if author is None:
            return
        year = block_year.year
        adopted_on = datetime.date(year, 3, 5)
        for kind, title, content in [
            (Document.Kind.RULES, f"Quy chế hoạt động của Khối năm {year}", {"body": RULES}),
            (Document.Kind.PLAN, f"Kế hoạch hoạt động của Khối năm {year}", {"body": PLAN}),
            (
                Document.Kind.COVENANT,
                f"Giao ước thi đua năm {year}",
                {
                    "preamble": PREAMBLE.format(year=year),
                    "body": COMMITMENTS,
                    "targets": TARGETS,
                    "movements": MOVEMENTS,
                    "legal_bases": legal_bases(adopted_on),
                    "theme": block_year.theme,
                },
            ),
        ]:
            document = self.get(
                Document,
                {
                    "title": title,
                    "status": Document.Status.ADOPTED,
                    "consultation_until": adopted_on,
                },
                block_year=block_year,
                kind=kind,
            )
            version = DocumentVersion(
                document=document,
                number=1,
                created_by=author,
                change_note="Dự thảo lần 1",
                **content,
            )
            version.sha256 = version.compute_sha256()
            version.save()
            self.created += 1
        for membership in members:
            registration = registration_of(membership.unit)
            if registration is None:
                continue
            targets, aims = registration
            self.get(
                Registration,
                {"targets": targets, "aims": aims, "registered_by": author},
                block_year=block_year,
                unit=membership.unit,
            )
        covenant = block_year.documents.get(kind=Document.Kind.COVENANT)
        version = covenant.versions.get()
        if not past:
            # Open for signing until the year's deadline (one date wherever it is shown, as
            # `open_signing` keeps it), which the registry set ahead of today.
            covenant.status = Document.Status.SIGNING
            covenant.signing_deadline = block_year.signing_deadline
            covenant.save(update_fields=["status", "signing_deadline"])
            return
        # Last year: signed by every unit at the signing conference of 20 March.
        signed_at = timezone.make_aware(datetime.datetime(year, 3, 20, 9, 0))
        for minute, membership in enumerate(members):
            role = (
                UnitRole.objects.filter(unit=membership.unit, role=UnitRole.Role.LEADER)
                .select_related("user")
                .first()
            )
            self.get(
                Signature,
                {
                    "unit_name": membership.unit.name,
                    "signer": role.user if role else None,
                    "signer_name": role.user.get_full_name() if role else "Lãnh đạo đơn vị",
                    "signer_title": role.title if role else "",
                    "signed_at": signed_at + datetime.timedelta(minutes=minute),
                    "method": Signature.Method.PASSWORD,
                    "sha256": version.sha256,
                    "ip": "10.0.0.1",
                    "user_agent": "Hội nghị ký kết giao ước",
                },
                version=version,
                unit=membership.unit,
            )
        covenant.status = Document.Status.IN_FORCE
        covenant.signing_deadline = datetime.date(year, 3, 31)
        covenant.in_force_version = version
        covenant.save(update_fields=["status", "signing_deadline", "in_force_version"])
        from covenants.pdf import issue_covenant

        issue_covenant(covenant, version, by=author)
        self.created += 1
