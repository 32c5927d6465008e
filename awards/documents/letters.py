"""The dossier's issued documents: each nominee's achievement report and the block's proposal
letter (tờ trình), in the official format and in Vietnamese whoever issues them.

Both are rendered once and stored as issued documents (`emulation.issued`), with their
verification code and QR code printed on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone, translation

from awards import history
from awards.catalogue import decree_title_on
from awards.models import AwardType, BallotCandidate, Dossier, Nomination
from blocks.models import Membership, UnitRole
from covenants.models import Document
from emulation.issued import issue_date, issue_document
from emulation.models import IssuedDocument, User
from scoring.models import Ranking, RankingRow

PROPOSAL = "proposal"  # the kinds the kernel names (emulation.models.KIND_LABELS)
REPORT = "report"
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
DECREE = (
    "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của"
    " Luật Thi đua, khen thưởng"
)

# The sections of the decree's form of an achievement report for a collective.
REPORT_SECTIONS = [
    ("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", [("", "report_overview")]),
    (
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        [
            ("1. Kết quả thực hiện nhiệm vụ chính trị được giao", "report_results"),
            ("2. Các giải pháp, sáng kiến, đổi mới đã thực hiện", "report_measures"),
            (
                "3. Việc thực hiện các phong trào thi đua; công tác xây dựng Đảng và đoàn thể",
                "report_movements",
            ),
        ],
    ),
    ("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", [("", "report_awards")]),
]

# The sections of the decree's form of an achievement report for an individual (Decree 98/2023,
# Appendix I, form 02), over the same five fields.
INDIVIDUAL_REPORT_SECTIONS = [
    ("I. SƠ LƯỢC LÝ LỊCH", [("", "report_overview")]),
    (
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        [
            ("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận", "report_results"),
            ("2. Thành tích đạt được của cá nhân", "report_measures"),
            ("3. Các giải pháp, sáng kiến, đề tài đã áp dụng", "report_movements"),
        ],
    ),
    ("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", [("", "report_awards")]),
]
GENDERS_VI = {"female": "Nữ", "male": "Nam"}


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def sections_sha256(nomination: Nomination) -> str:
    """The SHA-256 of the report's text as approved (its sections, in canonical JSON)."""
    text = {name: getattr(nomination, name) for name in Nomination.REPORT_FIELDS}
    canonical = json.dumps(text, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def report_context(nomination: Nomination) -> dict[str, Any]:
    block_year = nomination.block_year
    approver = nomination.report_approved_by
    role = (
        UnitRole.objects.filter(
            user=approver, unit=nomination.unit_id, role=UnitRole.Role.LEADER
        ).first()
        if approver is not None
        else None
    )
    if nomination.person_id:
        return individual_report_context(nomination, role)
    titles, commendations = past_awards(nomination)
    head = block_year.memberships.filter(role=Membership.Role.HEAD).select_related("unit").first()
    return {
        "parent_body": block_year.block.name,
        "issuer_name": nomination.unit_name,
        "place": block_year.block.authority.place,
        "date": issue_date(),  # issued when approved
        "title": f"BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG {nomination.award_type.name_vi.upper()}",
        "summary": f"của {nomination.unit_name}",
        "nomination": nomination,
        "year": block_year.year,
        "sections": [
            (
                heading,
                [(sub, _paragraphs(getattr(nomination, name))) for sub, name in parts],
            )
            for heading, parts in REPORT_SECTIONS
        ],
        "results": results_by_year(nomination),
        "titles": titles,
        "commendations": commendations,
        # The proposing level confirms the report (the form's left signature): the block, through
        # its head unit, which sends the dossier to the council.
        "proposing_level": {
            "position": "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
            "body": f"Trưởng {block_year.block.name}",
            "unit": head.unit.name if head is not None else "",
        },
        "signature": {
            "capacity": "",
            "position": (role.title if role and role.title else "THỦ TRƯỞNG ĐƠN VỊ"),
            "note": "(Đã phê duyệt trên hệ thống)",
            "name": approver.get_full_name() if approver is not None else "",
        },
        "recipients": [],
    }


def individual_report_context(nomination: Nomination, role: UnitRole | None) -> dict[str, Any]:
    """The report in the decree's form for an individual: the person's particulars, the five
    sections under that form's headings; the leader of the person's unit confirms it (the
    form's left signature) and the person is the one reporting (its right)."""
    block_year = nomination.block_year
    approver = nomination.report_approved_by
    person = nomination.person
    particulars = [
        ("Họ và tên", nomination.person_name),
        ("Năm sinh", str(person.birth_year) if person and person.birth_year else ""),
        ("Giới tính", GENDERS_VI.get(person.gender, "") if person else ""),
        ("Đơn vị công tác", nomination.unit_name),
        ("Chức vụ", nomination.person_title),
        (
            "Công tác tại đơn vị từ năm",
            str(person.serving_since) if person and person.serving_since else "",
        ),
    ]
    return {
        "individual": True,
        "parent_body": block_year.block.name,
        "issuer_name": nomination.unit_name,
        "place": block_year.block.authority.place,
        "date": issue_date(),
        "title": f"BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG {nomination.award_type.name_vi.upper()}",
        "summary": f"Năm {block_year.year}",
        "nomination": nomination,
        "year": block_year.year,
        "particulars": [(label, value) for label, value in particulars if value],
        "sections": [
            (
                heading,
                [(sub, _paragraphs(getattr(nomination, name))) for sub, name in parts],
            )
            for heading, parts in INDIVIDUAL_REPORT_SECTIONS
        ],
        "proposing_level": {
            "position": "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ",
            "body": role.title if role and role.title else "",
            "unit": nomination.unit_name,
            "note": "(Đã phê duyệt trên hệ thống)",
            "name": approver.get_full_name() if approver is not None else "",
        },
        "signature": {
            "capacity": "",
            "position": "NGƯỜI BÁO CÁO THÀNH TÍCH",
            "note": "",
            "name": nomination.person_name,
        },
        "recipients": [],
    }


# The kinds of award the form lists apart: emulation titles, and forms of commendation.
TITLES = {"provincial-flag", "government-flag", "excellent-labour"}
YEARS_REPORTED = 5


RESULTS_VI = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "well": "Hoàn thành tốt nhiệm vụ",
    "done": "Hoàn thành nhiệm vụ",
    "not_done": "Không hoàn thành nhiệm vụ",
}


def _result_vi(entry: history.ResultEntry) -> str:
    if entry.entered:
        return RESULTS_VI.get(entry.result, entry.result)
    return f"Xếp thứ {entry.rank} trong Khối, xếp loại “{entry.band or '—'}”"


def results_by_year(nomination: Nomination) -> list[dict[str, Any]]:
    """The form's table of results by year: this year's ranking in the block, and the results
    of the years before it from the unit's history (`awards.history`)."""
    year = nomination.block_year.year
    found = history.of_unit(nomination.unit_id)
    rows = []
    for each in range(year - YEARS_REPORTED + 1, year + 1):
        words = [_result_vi(r) for r in found.results if r.year == each]
        rows.append({"year": each, "result": "; ".join(words) or "—"})
    return rows


def past_awards(nomination: Nomination) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The emulation titles and the forms of commendation the unit received in earlier years,
    with the number, date and issuer of each decision."""
    found = history.of_unit(nomination.unit_id)
    codes = dict(AwardType.objects.values_list("pk", "code"))
    titles: list[dict[str, Any]] = []
    commendations: list[dict[str, Any]] = []
    for entry in found.awards:
        if entry.year >= nomination.block_year.year:
            continue
        decision = ", ".join(
            part
            for part in (
                f"Quyết định số {entry.decision_number}" if entry.decision_number else "",
                f"ngày {entry.decision_date:%d/%m/%Y}" if entry.decision_date else "",
                entry.issuer,
            )
            if part
        )
        row = {"year": entry.year, "name": entry.name, "decision": decision or "—"}
        is_title = codes.get(entry.award_id or 0) in TITLES or entry.name.startswith(
            ("Cờ thi đua", "Tập thể lao động")
        )
        (titles if is_title else commendations).append(row)
    return titles, commendations


def issue_achievement_report(nomination: Nomination, *, by: User) -> IssuedDocument:
    """Render and store the approved achievement report of one nominee."""
    with translation.override("vi"):
        context = report_context(nomination)
        return issue_document(
            kind=REPORT,
            title=(
                f"Báo cáo thành tích năm {nomination.block_year.year} của"
                f" {nomination.name} ({nomination.award_type.name_vi})"
            ),
            issuer_name=nomination.unit_name,
            template_name="awards/achievement_report_pdf.html",
            context=context,
            by=by,
            subject=nomination,
            metadata={
                "nomination": nomination.pk,
                "unit": nomination.unit_name,
                **(
                    {"person": nomination.person_name, "title": nomination.person_title}
                    if nomination.person_id
                    else {}
                ),
                "award": nomination.award_type.code,
                "version_sha256": sections_sha256(nomination),
            },
        )


# The proposal letter --------------------------------------------------------------------------


def _votes(nominations: list[Nomination]) -> dict[tuple[int, int, int], BallotCandidate]:
    ballots = {n.ballot_id for n in nominations if n.ballot_id}
    candidates = BallotCandidate.objects.filter(ballot__in=ballots).select_related("ballot")
    return {(c.ballot_id, c.unit_id, c.person_id or 0): c for c in candidates}


def _number(value: Any) -> str:
    """Points written the Vietnamese way: 97,5 (no trailing zeros)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


def nominee_rows(nominations: list[Nomination]) -> list[dict[str, Any]]:
    """The nominees grouped by award, each with its place in the ranking and its votes; the
    groups of collectives come first, then those of individuals (`individual`), whose rows give
    the person's name, title and unit and their votes (a person has no place in the ranking)."""
    votes = _votes(nominations)
    block_years = {n.block_year_id for n in nominations}
    ranking = {
        row.unit_id: row
        for row in RankingRow.objects.filter(ranking__table__block_year__in=block_years)
    }
    groups: dict[tuple[bool, int], dict[str, Any]] = {}
    for nomination in nominations:
        individual = nomination.person_id is not None
        group = groups.setdefault(
            (individual, nomination.award_type_id),
            {"award": nomination.award_type, "individual": individual, "rows": []},
        )
        candidate = votes.get(
            (nomination.ballot_id or 0, nomination.unit_id, nomination.person_id or 0)
        )
        row = None if individual else ranking.get(nomination.unit_id)
        rank = candidate.rank if candidate and candidate.rank else (row.rank if row else None)
        total = (
            candidate.total
            if candidate and candidate.total is not None
            else (row.total if row else None)
        )
        band = candidate.band if candidate and candidate.band else (row.band if row else "")
        cast = candidate.ballot.cast if candidate else None
        group["rows"].append(
            {
                "unit": nomination.unit_name,
                "person": nomination.person_name,
                "title": nomination.person_title,
                "rank": rank or "",
                "total": _number(total),
                "band": band,
                "votes": f"{candidate.approvals}/{cast}"
                if candidate and candidate.approvals is not None and cast
                else "",
            }
        )
    ordered = sorted(groups.values(), key=lambda g: g["individual"])  # stable: award order kept
    for group in ordered:
        group["rows"].sort(key=lambda row: (row["rank"] or 999, row["unit"], row["person"]))
    return ordered


def _head(dossier: Dossier) -> Membership | None:
    return (
        dossier.block_year.memberships.filter(role=Membership.Role.HEAD, left_on__isnull=True)
        .select_related("unit")
        .first()
    )


def letter_context(
    dossier: Dossier,
    nominations: list[Nomination],
    *,
    number: str,
    signer_name: str,
    signer_title: str,
) -> dict[str, Any]:
    block_year = dossier.block_year
    block = block_year.block
    authority = block.authority
    head = _head(dossier)
    rules = (
        Document.objects.filter(
            block_year=block_year,
            kind=Document.Kind.RULES,
            status__in=[Document.Status.ADOPTED, Document.Status.IN_FORCE],
        )
        .order_by("-pk")
        .first()
    )
    published = Ranking.objects.filter(table__block_year=block_year).first()
    minutes = dossier.minutes
    groups = nominee_rows(nominations)
    # The decree detailing the Law in force on the letter's date (Decree 98/2023 until 30 June
    # 2025, Decree 152/2025 after: `awards.catalogue`).
    basis = [LAW, decree_title_on(issue_date())]
    basis.append(
        f"{rules.title} của {block.name}" if rules else f"Quy chế hoạt động của {block.name}"
    )
    if published is not None:
        day = timezone.localdate(published.published_at).strftime("%d/%m/%Y")
        basis.append(
            f"kết quả chấm điểm, xếp hạng thi đua năm {block_year.year} của {block.name}"
            f" (công bố ngày {day})"
        )
    if minutes is not None:
        basis.append(f"{minutes.title} (mã xác thực {minutes.display_code})")
    return {
        "parent_body": block.name,
        "issuer_name": head.unit.name if head else block.name,
        "number": number,
        "place": authority.place,
        "date": issue_date(),
        "title": "TỜ TRÌNH",
        "summary": f"Về việc đề nghị khen thưởng năm {block_year.year}",
        "addressee": authority.name,
        "block_name": block.name,
        "year": block_year.year,
        "basis": basis,
        "groups": groups,
        "collective_groups": [g for g in groups if not g["individual"]],
        "individual_groups": [g for g in groups if g["individual"]],
        "count": sum(1 for n in nominations if n.person_id is None),
        "people": sum(1 for n in nominations if n.person_id is not None),
        "minutes": minutes,
        "signature": {
            "capacity": f"TM. {block.name}",
            "position": signer_title or "TRƯỞNG KHỐI",
            "note": "",
            "name": signer_name,
        },
        "recipients": [
            "Như trên",
            "Các đơn vị thành viên Khối",
            f"Lưu: {head.unit.short_name or head.unit.name}" if head else "Lưu: Khối",
        ],
    }


def issue_proposal_letter(
    dossier: Dossier,
    nominations: Iterable[Nomination],
    *,
    by: User,
    number: str,
    signer_name: str,
    signer_title: str,
    key: list[list[Any]],
) -> IssuedDocument:
    """Render and store the proposal letter; `key` (the nominations it lists) goes into its
    metadata, so that the dossier can tell when the letter no longer matches."""
    nominations = list(nominations)
    block_year = dossier.block_year
    with translation.override("vi"):
        context = letter_context(
            dossier,
            nominations,
            number=number,
            signer_name=signer_name,
            signer_title=signer_title,
        )
        return issue_document(
            kind=PROPOSAL,
            title=f"Tờ trình số {number} về việc đề nghị khen thưởng năm {block_year.year}",
            issuer_name=block_year.block.name,
            template_name="awards/proposal_letter_pdf.html",
            context=context,
            number=number,
            by=by,
            subject=block_year,
            metadata={
                "number": number,
                "nominations": key,
                "nominees": [
                    {
                        "unit": n.unit_name,
                        **(
                            {"person": n.person_name, "title": n.person_title}
                            if n.person_id
                            else {}
                        ),
                        "award": n.award_type.name_vi,
                    }
                    for n in nominations
                ],
                "minutes_code": dossier.minutes.code if dossier.minutes else "",
            },
        )
