"""Plain factory functions and the named personas every test speaks of."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from blocks.models import (
    Authority,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Person,
    Unit,
    UnitRole,
)
from emulation.models import User
from tests import counting

_seq = itertools.count(1)
YEAR = 2026


def make_user(username: str | None = None, *, full_name: str = "", **extra: object) -> User:
    username = username or f"user{next(_seq)}"
    user = User(username=username, full_name=full_name or f"Người dùng {username}", **extra)
    user.set_password("demo12345")
    user.save()
    return user


def fresh(user: User) -> User:
    """The person as their next request reads them: their roles are read once per user object
    (`emulation.roles`), so a check after a change of roles asks a fresh one."""
    return User.objects.get(pk=user.pk)


def make_authority(name: str = "", **extra: object) -> Authority:
    n = next(_seq)
    defaults: dict[str, object] = {
        "short_name": f"HĐ {n}",
        "level": Authority.Level.PROVINCIAL,
        "place": "Quảng Trị",
    }
    return Authority.objects.create(name=name or f"Hội đồng TĐKT số {n}", **{**defaults, **extra})


def make_unit(authority: Authority, name: str = "", **extra: object) -> Unit:
    n = next(_seq)
    defaults: dict[str, object] = {"short_name": f"ĐV{n}", "kind": Unit.Kind.PARTY_AGENCY}
    return Unit.objects.create(
        authority=authority, name=name or f"Đơn vị số {n}", **{**defaults, **extra}
    )


def make_person(unit: Unit, full_name: str = "", **extra: object) -> Person:
    """Someone working at the unit, as the unit's record (no account)."""
    defaults: dict[str, object] = {
        "full_name": full_name or f"Nguyễn Văn {next(_seq)}",
        "title": "Chuyên viên",
        "serving_since": 2015,
    }
    return Person.objects.create(unit=unit, **{**defaults, **extra})


def make_block(authority: Authority, name: str = "", **extra: object) -> Block:
    n = next(_seq)
    return Block.objects.create(authority=authority, name=name or f"Khối thi đua số {n}", **extra)


def make_block_year(
    block: Block,
    units: list[Unit],
    *,
    year: int = YEAR,
    head: Unit | None = None,
    deputies: tuple[Unit, ...] = (),
) -> BlockYear:
    block_year = BlockYear.objects.create(block=block, year=year, theme="Đoàn kết - Sáng tạo")
    for position, unit in enumerate(units, start=1):
        role = Membership.Role.MEMBER
        if unit == head:
            role = Membership.Role.HEAD
        elif unit in deputies:
            role = Membership.Role.DEPUTY
        Membership.objects.create(
            block_year=block_year,
            unit=unit,
            role=role,
            position=position,
            joined_on=datetime.date(year, 1, 1),
        )
    return block_year


def make_activity(block_year: BlockYear, *contributions: tuple[Unit, int, int]) -> JointActivity:
    activity = JointActivity.objects.create(
        block_year=block_year, title="Tặng tủ sách", date=datetime.date(block_year.year, 9, 5)
    )
    for unit, books, money in contributions:
        Contribution.objects.create(activity=activity, unit=unit, books=books, money_vnd=money)
    return activity


@dataclass
class World:
    """One province with a block of four units, and another province with a block of its own."""

    authority: Authority
    other_authority: Authority
    block: Block
    block_year: BlockYear
    units: list[Unit]
    other_block: Block
    other_unit: Unit
    activity: JointActivity
    admin: User
    staff: User
    member: User
    secretariat: User
    leader: User
    leader2: User
    officer: User
    outsider: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def make_world() -> World:
    authority = make_authority("Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị")
    other = make_authority("Hội đồng Thi đua - Khen thưởng tỉnh Ninh Thuận", place="Ninh Thuận")
    units = [
        make_unit(authority, "Văn phòng Tỉnh ủy", short_name="VPTU"),
        make_unit(authority, "Ban Tổ chức Tỉnh ủy", short_name="BTCTU"),
        make_unit(authority, "Ban Tuyên giáo Tỉnh ủy", short_name="BTGTU"),
        make_unit(authority, "Báo Quảng Trị", short_name="BQT"),
    ]
    block = make_block(authority, "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị")
    block_year = make_block_year(block, units, head=units[0], deputies=(units[1],))
    other_unit = make_unit(other, "Báo Ninh Thuận")
    other_block = make_block(other, "Khối thi đua các cơ quan Đảng tỉnh Ninh Thuận")
    make_block_year(other_block, [other_unit], head=other_unit)
    activity = make_activity(block_year, (units[0], 100, 5_000_000))

    staff = make_user("staff", full_name="Cán bộ Ban Thi đua")
    CouncilRole.objects.create(user=staff, authority=authority, role=CouncilRole.Role.STAFF)
    member = make_user("member", full_name="Ủy viên Hội đồng")
    CouncilRole.objects.create(user=member, authority=authority, role=CouncilRole.Role.MEMBER)
    secretariat = make_user("secretariat", full_name="Cán bộ Văn phòng")
    UnitRole.objects.create(user=secretariat, unit=units[0], role=UnitRole.Role.OFFICER)
    leader = make_user("leader", full_name="Trưởng Ban Tuyên giáo")
    UnitRole.objects.create(user=leader, unit=units[2], role=UnitRole.Role.LEADER)
    leader2 = make_user("leader2", full_name="Tổng Biên tập")
    UnitRole.objects.create(user=leader2, unit=units[3], role=UnitRole.Role.LEADER)
    officer = make_user("officer", full_name="Cán bộ Ban Tuyên giáo")
    UnitRole.objects.create(user=officer, unit=units[2], role=UnitRole.Role.OFFICER)
    outsider = make_user("outsider", full_name="Lãnh đạo Báo Ninh Thuận")
    UnitRole.objects.create(user=outsider, unit=other_unit, role=UnitRole.Role.LEADER)
    admin = make_user("admin", is_superuser=True, is_staff=True)
    return World(
        authority=authority,
        other_authority=other,
        block=block,
        block_year=block_year,
        units=units,
        other_block=other_block,
        other_unit=other_unit,
        activity=activity,
        admin=admin,
        staff=staff,
        member=member,
        secretariat=secretariat,
        leader=leader,
        leader2=leader2,
        officer=officer,
        outsider=outsider,
    )


def rows(*app_labels: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the apps' tables (their many-to-many tables included), to compare what a
    test changed."""
    from django.apps import apps

    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in app_labels
    }


def archive(world: World) -> BlockYear:
    """The world's year archived directly, as the council leaves it (archiving itself is tested
    on its own)."""
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        archived_at=timezone.now(), archived_by=world.staff
    )
    return BlockYear.objects.select_related("block__authority").get(pk=world.block_year.pk)


def grow(world: World, blocks: int = 3, units_per_block: int = 6) -> None:
    """More of everything in the world's province, to show that page queries do not grow with it."""
    for _ in range(blocks):
        units = [make_unit(world.authority) for _ in range(units_per_block)]
        block = make_block(world.authority)
        make_block_year(block, units, year=YEAR - 1, head=units[1], deputies=(units[2],))
        make_block_year(block, units, head=units[0], deputies=(units[1], units[2]))
    for unit in world.units:
        UnitRole.objects.create(user=make_user(), unit=unit, role=UnitRole.Role.OFFICER)
    extra = make_unit(world.authority)
    Membership.objects.create(
        block_year=world.block_year, unit=extra, position=9, joined_on=datetime.date(YEAR, 2, 1)
    )
    make_activity(
        world.block_year, (world.units[1], 5, 10), (world.units[2], 6, 20), (extra, 7, 30)
    )
    previous = make_block_year(world.block, world.units, year=YEAR - 1, head=world.units[1])
    make_activity(previous, (world.units[0], 1, 1))


def registry_snapshot() -> dict[str, int]:
    """Row counts of everything a registry form could change, and of the audit log."""
    from emulation.models import AuditEvent

    models = [
        Authority,
        Unit,
        Block,
        BlockYear,
        Membership,
        UnitRole,
        CouncilRole,
        JointActivity,
        Contribution,
        User,
        AuditEvent,
    ]
    return {m.__name__: m._default_manager.count() for m in models}


COVENANT_TEXT = {
    "preamble": "Các đơn vị thành viên thống nhất ký kết giao ước thi đua.",
    "body": "1. Hoàn thành xuất sắc nhiệm vụ chính trị.\n2. Xây dựng cơ quan vững mạnh.",
    "targets": "100% đơn vị hoàn thành tốt nhiệm vụ trở lên\n01 đơn vị đề nghị tặng Cờ thi đua của Chính phủ",
    "movements": "Cả nước chung tay xây dựng nông thôn mới",
    "legal_bases": "Luật Thi đua, khen thưởng số 06/2022/QH15",
    "theme": "Đoàn kết - Sáng tạo",
}


def make_covenant(world: World, *, status: str = "draft") -> Any:
    """The world's covenant, written by the secretariat and taken as far as `status`."""
    from covenants import services
    from covenants.models import Document

    document = services.create_document(
        world.block_year,
        by=world.secretariat,
        kind=Document.Kind.COVENANT,
        title="Giao ước thi đua năm 2026",
        **COVENANT_TEXT,
    )
    order = ["draft", "adopted", "signing"]
    if order.index(status) >= 1:
        services.adopt_document(document, by=world.secretariat)
    if order.index(status) >= 2:
        services.open_signing(
            document,
            by=world.secretariat,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
    document.refresh_from_db()
    return document


def make_leaders(world: World) -> list[User]:
    """A leader for every member unit that has none (the world has leaders for units 3 and 4)."""
    leaders = []
    for unit in world.units:
        role = UnitRole.objects.filter(unit=unit, role=UnitRole.Role.LEADER).first()
        if role is None:
            role = UnitRole.objects.create(user=make_user(), unit=unit, role=UnitRole.Role.LEADER)
        leaders.append(role.user)
    return leaders


# Scoring ------------------------------------------------------------------------------------

SAMPLE_CRITERIA = "scoring/data/criteria-party-agencies-sample.csv"


def make_covenant_in_force(world: World) -> Any:
    """The world's covenant, adopted and in force (as if every unit had signed; no PDF is made)."""
    from covenants.models import Document

    document = make_covenant(world, status="adopted")
    Document.objects.filter(pk=document.pk).update(status=Document.Status.IN_FORCE)
    document.refresh_from_db()
    return document


def make_criteria_table(world: World, *, adopted: bool = True, csv: bytes | None = None) -> Any:
    """The sample criteria table imported by the secretariat for the world's year (and adopted)."""
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from covenants import services as documents
    from scoring import services

    content = (
        csv
        if csv is not None
        else (Path(__file__).resolve().parents[1] / SAMPLE_CRITERIA).read_bytes()
    )
    upload = SimpleUploadedFile("tieu-chi.csv", content, content_type="text/csv")
    table = services.import_table(world.block_year, upload, by=world.secretariat)
    if adopted:
        assert table.document is not None
        documents.adopt_document(table.document, by=world.secretariat)
    table.refresh_from_db()
    return table


def open_assessment(world: World, *, days: int = 14) -> Any:
    """Covenant in force, sample table adopted, self-assessment open for `days` more days."""
    from scoring import services

    make_covenant_in_force(world)
    table = make_criteria_table(world)
    services.open_self_assessment(
        table, by=world.secretariat, deadline=timezone.localdate() + datetime.timedelta(days=days)
    )
    table.refresh_from_db()
    return table


def fill_sheet(
    sheet: Any, by: User, points: dict[str, Any] | None = None, *, evidence: bool = True
) -> None:
    """Give every row of a sheet its maximum (or `points[code]`; bonus and deduction rows 0),
    with one PDF on each row that needs evidence."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    points = points or {}
    needs = services.evidence_needed(list(sheet.table.criteria.all()))
    for score in sheet.scores.select_related("criterion").order_by("criterion__position"):
        criterion = score.criterion
        default = criterion.max_points if criterion.kind == "standard" else Decimal(0)
        value = Decimal(str(points.get(criterion.code, default)))
        services.save_self_score(score, by=by, points=value, explanation="Hoàn thành")
        if evidence and value and criterion.pk in needs:
            pdf = SimpleUploadedFile(
                f"{criterion.code}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            )
            services.add_evidence(score, by=by, uploaded=pdf)


def finalise_all(world: World, table: Any, scores: dict[int, dict[str, Any]] | None = None) -> None:
    """Every member unit fills in (with `scores[unit index]`), submits, is reviewed, accepts and
    is finalised (by the secretariat, or council staff for the head unit's own sheet)."""
    from scoring import services

    leaders = make_leaders(world)
    scores = scores or {}
    for index, (unit, leader) in enumerate(zip(world.units, leaders, strict=True)):
        sheet = table.sheets.get(unit=unit)
        fill_sheet(sheet, leader, scores.get(index), evidence=True)
        services.submit_sheet(sheet, by=leader)
        reviewer = world.staff if unit == world.units[0] else world.secretariat
        services.send_review_results(sheet, by=reviewer)
        services.accept_review(sheet, by=leader)
        services.finalise_sheet(sheet, by=reviewer)


def make_published_ranking(world: World) -> Any:
    """Self-assessment open, every sheet final with every unit on full marks (unit 1 with a
    bonus of 5, unit 3 with I.1 at 15), and the ranking published by the secretariat. Written
    directly, for speed."""
    from decimal import Decimal

    from scoring import services
    from scoring.models import Criterion, Score, ScoreSheet

    table = open_assessment(world)
    for criterion in Criterion.objects.filter(table=table, is_leaf=True):
        points = criterion.max_points if criterion.kind == "standard" else Decimal(0)
        Score.objects.filter(criterion=criterion).update(self_points=points)
    Score.objects.filter(sheet__unit=world.units[0], criterion__code="IV.1").update(self_points=5)
    Score.objects.filter(sheet__unit=world.units[2], criterion__code="I.1").update(self_points=15)
    ScoreSheet.objects.filter(table=table).update(status=ScoreSheet.Status.FINAL)
    services.publish_ranking(table, by=world.secretariat)
    table.refresh_from_db()
    return table


# Awards: elections and the hand-over ---------------------------------------------------------


def make_election(world: World, kind: str = "head", *elected: Unit) -> Any:
    """A closed online election of next year's head (or deputies, `kind="deputy"`) in which every
    member unit's leader chose `elected` (unit 3 by default); the ranking is published first when
    it is not yet."""
    from awards.services import ballots
    from scoring.models import Ranking

    if not Ranking.objects.filter(table__block_year=world.block_year).exists():
        make_published_ranking(world)
    leaders = make_leaders(world)
    chosen = list(elected) or [world.units[2]]
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind=kind, seats=len(chosen)
    )
    counting.open_ballot(ballot, by=world.secretariat)
    picks = {c.pk: True for c in ballot.candidates.filter(unit__in=chosen)}
    for leader in leaders:
        ballots.cast_vote(ballot, by=leader, choices=picks)
    counting.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    return ballot


# Awards: nominations and the dossier --------------------------------------------------------

REPORT_TEXT = {
    "report_overview": "Đơn vị có 25 cán bộ, công chức; tham mưu cho Tỉnh ủy về công tác văn phòng.",
    "report_results": "Hoàn thành 100% nhiệm vụ được giao, đúng tiến độ và chất lượng.",
    "report_measures": "Số hóa toàn bộ hồ sơ lưu trữ; áp dụng chữ ký số trong điều hành.",
    "report_movements": "Tham gia đầy đủ các phong trào thi đua và hoạt động chung của Khối.",
    "report_awards": "Năm 2025: Bằng khen của Chủ tịch UBND tỉnh (Quyết định số 125/QĐ-UBND).",
}


def make_award_type(code: str = "block-merit", **extra: object) -> Any:
    """An award any member unit may be proposed for (no ranking rule), with every attestation:
    award types are data, and this one lets any persona's unit be nominated."""
    from awards.models import ATTESTATIONS, AwardType

    defaults: dict[str, object] = {
        "name_vi": "Giấy khen của Khối thi đua",
        "name_en": "Block's Certificate of Merit",
        "level": AwardType.Level.PROVINCIAL,
        "decided_by": "Trưởng khối",
        "candidates": AwardType.Candidates.MEMBERS,
        "attestations": list(ATTESTATIONS),
        "legal_basis": "Quy chế hoạt động của Khối thi đua",
        "position": 60,
    }
    return AwardType.objects.create(code=code, **{**defaults, **extra})


def make_nominations(
    world: World, award_code: str = "chairman-certificate", units: list[Unit] | None = None
) -> list[Any]:
    """A closed nomination ballot for an award in which every member unit's leader agreed to
    every candidate (the suggested ones, or `units`): the nominations it created. The ranking is
    published first when it is not yet."""
    from awards.models import AwardType, Ballot, Nomination
    from awards.services import ballots
    from scoring.models import Ranking

    if not Ranking.objects.filter(table__block_year=world.block_year).exists():
        make_published_ranking(world)
    leaders = make_leaders(world)
    award = AwardType.objects.get(code=award_code)
    ballot = ballots.create_ballot(
        world.block_year,
        by=world.secretariat,
        kind=Ballot.Kind.NOMINATION,
        award=award,
        units=units,
        seats=len(units) if units else None,
    )
    counting.open_ballot(ballot, by=world.secretariat)
    agree = {c.pk: True for c in ballot.candidates.all()}
    for leader in leaders:
        ballots.cast_vote(ballot, by=leader, choices=agree)
    counting.close_ballot(ballot, by=world.secretariat)
    return list(Nomination.objects.filter(ballot=ballot).order_by("unit_name"))


def complete_nomination(nomination: Any) -> Any:
    """The unit's people write every section of the report; its leader approves it and attests
    everything the award asks for."""
    from awards.services import dossiers

    role = UnitRole.objects.filter(unit=nomination.unit_id, role=UnitRole.Role.LEADER).first()
    assert role is not None, "the unit needs a leader (make_leaders)"
    dossiers.save_report(nomination, by=role.user, **REPORT_TEXT)
    dossiers.approve_report(nomination, by=role.user)
    dossiers.attest(
        nomination, by=role.user, answers=dict.fromkeys(nomination.award_type.attestations, True)
    )
    nomination.refresh_from_db()
    return nomination


def make_complete_dossier(world: World) -> list[Any]:
    """Nominations for the Chairman's certificate (units 1, 2 and 4), each complete, the minutes
    and the proposal letter issued: a dossier ready to be sent. Its nominations."""
    from awards.documents import ballot_minutes
    from awards.services import dossiers

    nominations = [complete_nomination(n) for n in make_nominations(world)]
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    dossiers.issue_proposal_letter(
        world.block_year,
        by=world.secretariat,
        number="05/TTr-KTĐ",
        signer_name="Nguyễn Văn An",
        signer_title="Chánh Văn phòng Tỉnh ủy",
    )
    return nominations


# Awards: ballots ----------------------------------------------------------------------------


def make_ballot(
    world: World,
    kind: str = "nomination",
    award_code: str = "chairman-certificate",
    *,
    method: str = "online",
    opened: bool = True,
    units: list[Unit] | None = None,
    seats: int | None = None,
) -> Any:
    """A ballot prepared by the secretariat (and opened, for an online one) on the published
    ranking, which is published first when it is not yet."""
    from awards.models import AwardType
    from awards.services import ballots
    from scoring.models import Ranking

    if not Ranking.objects.filter(table__block_year=world.block_year).exists():
        make_published_ranking(world)
    award = AwardType.objects.get(code=award_code) if kind == "nomination" else None
    if method == "online":
        make_leaders(world)  # they vote, and three of them count
    ballot = ballots.create_ballot(
        world.block_year,
        by=world.secretariat,
        kind=kind,
        award=award,
        units=units,
        seats=seats,
        method=method,
    )
    if opened and method == "online":
        ballot = counting.open_ballot(ballot, by=world.secretariat)
    return ballot


def make_closed_ballot(world: World, **options: Any) -> Any:
    """An online ballot in which every member unit's leader agreed to (or chose) every candidate,
    closed and counted by the secretariat."""
    from awards.services import ballots

    ballot = make_ballot(world, **options)
    candidates = list(ballot.candidates.all())
    chosen = candidates[: ballot.seats] if ballot.mode == "choose" else candidates
    for leader in make_leaders(world):
        ballots.cast_vote(ballot, by=leader, choices={c.pk: True for c in chosen})
    ballot = counting.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    return ballot


def make_first_place_tie(world: World) -> Any:
    """A published ranking in which units 1, 2 and 4 tie for first place on full marks, with
    nothing in the tie-break order to separate them (unit 3 is last): the block settles it by a
    vote."""
    from decimal import Decimal

    from scoring import services
    from scoring.models import Criterion, Score, ScoreSheet

    table = open_assessment(world)
    for criterion in Criterion.objects.filter(table=table, is_leaf=True):
        points = criterion.max_points if criterion.kind == "standard" else Decimal(0)
        Score.objects.filter(criterion=criterion).update(self_points=points)
    Score.objects.filter(sheet__unit=world.units[2], criterion__code="I.1").update(self_points=15)
    ScoreSheet.objects.filter(table=table).update(status=ScoreSheet.Status.FINAL)
    services.publish_ranking(table, by=world.secretariat)
    table.refresh_from_db()
    return table


# Awards: the council ---------------------------------------------------------------------------


def make_sent_dossier(world: World) -> list[Any]:
    """`make_complete_dossier`, sent to the council: its nominations, now "sent"."""
    from awards.services import dossiers

    nominations = make_complete_dossier(world)
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    for nomination in nominations:
        nomination.refresh_from_db()
    return nominations


def at_council_status(nominations: list[Any], status: str) -> list[Any]:
    """Test set-up only: put nominations at a council status directly (the services that move
    them there are tested on their own)."""
    from awards.models import Nomination

    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(status=status)
    for nomination in nominations:
        nomination.refresh_from_db()
    return nominations


def make_council_members(world: World, count: int) -> list[User]:
    """`count` more members of the world's council (the world has one: `world.member`)."""
    members = []
    for number in range(1, count + 1):
        user = make_user(f"council{number}", full_name=f"Ủy viên Hội đồng {number}")
        CouncilRole.objects.create(
            user=user, authority=world.authority, role=CouncilRole.Role.MEMBER
        )
        members.append(user)
    return members


def make_person_nomination(
    world: World,
    award: Any,
    person: Person,
    *,
    status: str = "draft",
    ballot: Any = None,
) -> Any:
    """A nomination of a person of a member unit for an award to individuals, written directly
    (as a ballot on the award would make it): the unit is the person's, the name and title as
    they stand."""
    from awards.models import Nomination

    return Nomination.objects.create(
        block_year=world.block_year,
        award_type=award,
        unit=person.unit,
        unit_name=person.unit.name,
        person=person,
        person_name=person.full_name,
        person_title=person.title,
        ballot=ballot,
        status=status,
    )
