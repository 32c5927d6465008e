"""Demo ballots, nominations, dossier and hand-over of the Quảng Trị Party agencies block.

Last year (ranking published by the scoring demo on 20 December): at the year-end summary
conference on 26 December the eight member units voted online, and every ballot closed with its
results: the Office of the Provincial Party Committee acclaimed as the leading unit and proposed
for the provincial flag; the Organisation and Propaganda Boards (second and fourth in the ranking,
both "excellent"; the Internal Affairs Board, third, is not) proposed for the Chairman's
certificate of merit, and of two people their units proposed for the Chairman's certificate for
individuals (one of the Propaganda Board, one of the provincial newspaper) the first, whom all eight
units approved (the second had three); the Office elected head for this year and the Organisation Board deputy,
which the council confirmed (hand-over on 1 January). Each nominee's achievement report is
written, approved and attested, the minutes and proposal letter are issued and the dossier was
sent to the council before its deadline of 15 March.
This year: nothing yet (the ranking is not published).

The ballots are created by the service, which picks and orders the candidates from the ranking;
their votes and counts are written directly with last year's dates (the services rightly refuse a
closing day in the past), counted by the same rule (`ballots.decide`); what follows a closed
ballot — nominations, next year's hand-over — goes through the services.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from typing import Any

from django.utils import timezone

from awards.documents import ballot_minutes
from awards.models import (
    AwardType,
    Ballot,
    BallotBox,
    BallotCandidate,
    Dossier,
    Handover,
    Nomination,
    PersonProposal,
    RollEntry,
)
from awards.services import (
    after_ballot,
    ballots,
    catalogue,
    dossiers,
    handover,
    proposals,
    voting,
)
from blocks.models import BlockYear, CouncilRole, Membership, Person, Unit, UnitRole
from emulation import audit
from emulation.demo import Seeder
from emulation.issued import issuing_as_of
from emulation.models import IssuedDocument, User
from scoring.models import Ranking

BLOCK = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"
OFFICE = "Văn phòng Tỉnh ủy"
ORGANISATION = "Ban Tổ chức Tỉnh ủy"
PROPAGANDA = "Ban Tuyên giáo và Dân vận Tỉnh ủy"  # its name since 1 July 2025 (blocks/demo.py)
PRESS = "Báo Quảng Trị"
INDIVIDUAL = "chairman-certificate-individual"
# The people two units proposed for the Chairman's certificate for individuals, by their code on
# the unit's records (blocks.demo), with what the unit said of them; and how many of the eight
# units agreed in the ballot (five are needed: more than half).
PROPOSED: dict[str, tuple[str, str, int]] = {
    PROPAGANDA: (
        "BTG-01",
        "Chủ trì tham mưu tuyên truyền kỷ niệm các ngày lễ lớn của tỉnh; hai sáng kiến được Hội"
        " đồng sáng kiến cơ sở công nhận; hoàn thành xuất sắc nhiệm vụ hai năm liền.",
        8,
    ),
    PRESS: (
        "BQT-01",
        "Chỉ đạo loạt bài về sắp xếp đơn vị hành chính đạt giải Báo chí tỉnh; hoàn thành xuất"
        " sắc nhiệm vụ năm nay.",
        3,
    ),
}
LETTER_NUMBER = "05/TTr-KTĐ"

# The achievement reports, in the sections of the decree's form (short, as a demo).
REPORTS: dict[str, dict[str, str]] = {
    OFFICE: {
        "report_overview": "Văn phòng Tỉnh ủy là cơ quan tham mưu, giúp việc Ban Chấp hành,"
        " Ban Thường vụ, Thường trực Tỉnh ủy; có 6 phòng và 52 cán bộ, công chức, người lao động;"
        " Đảng bộ cơ quan có 4 chi bộ trực thuộc.",
        "report_results": "Tham mưu tổ chức thành công các hội nghị Tỉnh ủy; 100% văn bản được"
        " thẩm định đúng quy trình và ban hành đúng hạn; vận hành hệ thống văn bản điện tử liên"
        " thông đến cấp xã; bảo đảm tuyệt đối an toàn cơ mật.",
        "report_measures": "Đổi mới phương thức tham mưu theo hướng số hóa; áp dụng chữ ký số"
        " cho 100% văn bản đi; xây dựng quy trình phối hợp giữa các phòng theo ISO 9001:2015.",
        "report_movements": "Thực hiện tốt phong trào “Cán bộ, công chức, viên chức thi đua thực"
        " hiện văn hóa công sở”; Đảng bộ cơ quan hoàn thành xuất sắc nhiệm vụ; Công đoàn, Đoàn"
        " thanh niên vững mạnh; đóng góp 15 triệu đồng cho Quỹ “Vì người nghèo”.",
        "report_awards": "Năm trước: Tập thể lao động xuất sắc; Bằng khen của Chủ tịch Ủy ban"
        " nhân dân tỉnh.",
    },
    ORGANISATION: {
        "report_overview": "Ban Tổ chức Tỉnh ủy tham mưu về công tác tổ chức xây dựng Đảng, cán"
        " bộ, đảng viên; có 5 phòng chuyên môn và 31 cán bộ, công chức.",
        "report_results": "Tham mưu hoàn thành sắp xếp tổ chức bộ máy của hệ thống chính trị"
        " đúng tiến độ; thẩm định 100% hồ sơ nhân sự đúng quy trình; phát triển 1.250 đảng viên"
        " mới trong toàn tỉnh, vượt 4% chỉ tiêu.",
        "report_measures": "Số hóa hồ sơ đảng viên; hướng dẫn kịp thời cơ sở khi sắp xếp đơn vị"
        " hành chính; tăng cường kiểm tra, giám sát công tác cán bộ.",
        "report_movements": "Chi bộ đạt “Hoàn thành xuất sắc nhiệm vụ”; tham gia đầy đủ các hoạt"
        " động của Khối; hưởng ứng phong trào “Cả nước chung tay xây dựng nông thôn mới”.",
        "report_awards": "Năm trước: Tập thể lao động xuất sắc.",
    },
    PROPAGANDA: {
        "report_overview": "Ban Tuyên giáo và Dân vận Tỉnh ủy tham mưu về công tác tư tưởng, lý"
        " luận, báo chí, khoa giáo và công tác dân vận; hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh"
        " ủy từ ngày 01/07/2025; có 6 phòng và 38 cán bộ, công chức; năm trước là đơn vị Trưởng khối.",
        "report_results": "Tham mưu tuyên truyền các ngày lễ lớn và sự kiện quan trọng của đất"
        " nước, của tỉnh; định hướng thông tin kịp thời trên báo chí và mạng xã hội; tổ chức"
        " thành công Hội thi báo cáo viên giỏi cấp tỉnh.",
        "report_measures": "Xây dựng mạng lưới cộng tác viên dư luận xã hội đến cơ sở; ứng dụng"
        " phần mềm theo dõi dư luận xã hội; điều hành tốt các hoạt động chung của Khối.",
        "report_movements": "Chủ trì phong trào “Cả nước thi đua xây dựng xã hội học tập” trong"
        " Khối; Đảng bộ, đoàn thể cơ quan hoàn thành tốt nhiệm vụ.",
        "report_awards": "Năm trước: Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân"
        " tỉnh năm 2023.",
    },
}


# The achievement report of the person the block proposed (sections as the unit's, short).
PERSON_REPORTS: dict[str, dict[str, str]] = {
    # In the sections of the decree's form for an individual (awards.models.nominations).
    "Nguyễn Thị Minh Thư": {
        "report_overview": "Sinh năm 1982; nữ; Trưởng phòng Tuyên truyền, Ban Tuyên giáo và Dân"
        " vận Tỉnh ủy (trước ngày 01/7/2025 là Ban Tuyên giáo Tỉnh ủy); công tác tại Ban từ năm"
        " 2008; trình độ chuyên môn: Thạc sĩ Báo chí; lý luận chính trị: Cao cấp.",
        "report_results": "Phụ trách phòng Tuyên truyền; tham mưu công tác tuyên truyền các ngày"
        " lễ lớn, các sự kiện chính trị của tỉnh và định hướng thông tin cho các cơ quan báo chí.",
        "report_measures": "Chủ trì tham mưu kế hoạch tuyên truyền kỷ niệm các ngày lễ lớn và"
        " việc hợp nhất tỉnh; phòng hoàn thành 100% nhiệm vụ đúng tiến độ, không có việc quá hạn.",
        "report_movements": "Sáng kiến “Bản tin định hướng tuyên truyền điện tử hằng tuần” và"
        " “Mạng lưới cộng tác viên dư luận xã hội trên nền tảng số”, được công nhận cấp cơ sở;"
        " tích cực tham gia các phong trào thi đua của Khối và của cơ quan.",
        "report_awards": "Hoàn thành xuất sắc nhiệm vụ hai năm liền (2024, 2025); Chiến sĩ thi đua"
        " cơ sở năm 2024.",
    },
}


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# Entered by the council's staff for the years before the app: (years back, result, award, decision
# number). The Office completed its tasks excellently five years running and had the Chairman's
# certificate three years back.
PAST: dict[str, list[tuple[int, str, str, str]]] = {
    OFFICE: [
        (5, "excellent", "", ""),
        (4, "excellent", "", ""),
        (3, "excellent", "chairman-certificate", "512/QĐ-UBND"),
        (2, "excellent", "", ""),
        (1, "well", "", ""),
    ],
    ORGANISATION: [(2, "well", "", ""), (1, "well", "excellent-labour", "498/QĐ-UBND")],
}


class AwardsSeeder(Seeder):
    def seed(self) -> None:
        last_year = timezone.localdate().year - 1
        block_year = (
            BlockYear.objects.filter(block__name=BLOCK, year=last_year)
            .select_related("block__authority")
            .first()
        )
        if block_year is None or not Ranking.objects.filter(table__block_year=block_year).exists():
            return
        if Ballot.objects.filter(block_year=block_year).exists():
            return  # seeded before
        members = list(
            block_year.memberships.filter(left_on__isnull=True)
            .select_related("unit")
            .order_by("position")
        )
        head = next(m for m in members if m.role == Membership.Role.HEAD)
        secretary = User.objects.filter(
            unit_roles__unit=head.unit, unit_roles__role=UnitRole.Role.OFFICER
        ).first()
        leaders = {
            role.unit_id: role.user
            for role in UnitRole.objects.filter(
                unit__in=[m.unit_id for m in members], role=UnitRole.Role.LEADER
            ).select_related("user")
        }
        staff = User.objects.filter(
            council_roles__authority=block_year.block.authority,
            council_roles__role=CouncilRole.Role.STAFF,
        ).first()
        if secretary is None or staff is None or len(leaders) < len(members):
            return
        units = {m.unit.name: m.unit for m in members}
        voters = [(m.unit, leaders[m.unit_id]) for m in members]
        day = datetime.date(last_year, 12, 26)
        self.history(block_year, staff, units)
        self.proposals(block_year, leaders, units, day)
        self.ballots(block_year, secretary, voters, units, day)
        self.handover(block_year, staff)
        self.dossier(block_year, secretary, leaders)

    # The years before the app -------------------------------------------------------------------

    def history(self, block_year: BlockYear, staff: User, units: dict[str, Unit]) -> None:
        """What the council's staff entered for the years before the app, and the base of the
        Government flag's 20 per cent: the province organises 14 blocks and clusters."""
        year = block_year.year
        catalogue.set_cap_base(
            block_year.block.authority,
            year,
            leading_units=14,
            rounding="floor",
            note="14 khối, cụm thi đua do UBND tỉnh tổ chức",
            by=staff,
        )
        for unit_name, entries in PAST.items():
            for back, result, award, number in entries:
                catalogue.add_past_record(
                    units[unit_name],
                    year=year - back,
                    result=result,
                    award_type=AwardType.objects.get(code=award) if award else None,
                    decision_number=number,
                    decision_date=datetime.date(year - back + 1, 3, 20) if number else None,
                    issuer="Chủ tịch UBND tỉnh Quảng Trị" if number else "",
                    by=staff,
                )
                self.created += 1

    # People proposed ----------------------------------------------------------------------------

    def proposals(
        self,
        block_year: BlockYear,
        leaders: dict[int, User],
        units: dict[str, Unit],
        day: datetime.date,
    ) -> None:
        """Two units proposed one of their people each for the Chairman's certificate for
        individuals, a week before the ballots (through the service, then dated)."""
        award = AwardType.objects.filter(code=INDIVIDUAL).first()
        if award is None:
            return
        for unit_name, (code, summary, _votes) in PROPOSED.items():
            unit = units.get(unit_name)
            person = Person.objects.filter(unit=unit, code=code).first() if unit else None
            if unit is None or person is None:
                continue
            proposal = proposals.propose_person(
                block_year, award, person, by=leaders[unit.pk], summary=summary
            )
            PersonProposal.objects.filter(pk=proposal.pk).update(
                proposed_at=_aware(day - datetime.timedelta(days=7), 9)
            )
            self.created += 1

    # Ballots ------------------------------------------------------------------------------------

    def ballots(
        self,
        block_year: BlockYear,
        secretary: User,
        voters: list[tuple[Unit, User]],
        units: dict[str, Unit],
        day: datetime.date,
    ) -> None:
        awards = {a.code: a for a in AwardType.objects.all()}
        office, organisation, propaganda = units[OFFICE], units[ORGANISATION], units[PROPAGANDA]
        n = len(voters)
        # (kind, award, candidates or None for the rule's own, votes: candidate unit -> agree)
        plan: list[tuple[str, AwardType | None, list[Unit] | None, dict[Unit, int]]] = [
            (Ballot.Kind.ACCLAIM, None, None, {office: n}),
            (Ballot.Kind.NOMINATION, awards["provincial-flag"], None, {office: n - 1}),
            (
                Ballot.Kind.NOMINATION,
                awards["chairman-certificate"],
                [organisation, propaganda],
                {organisation: n, propaganda: n - 2},
            ),
            # The people their units proposed stand (the candidates are not chosen).
            (
                Ballot.Kind.NOMINATION,
                awards.get(INDIVIDUAL),
                None,
                {units[name]: votes for name, (_c, _s, votes) in PROPOSED.items() if name in units},
            ),
            (Ballot.Kind.HEAD, None, None, {office: n - 2, organisation: 2}),
            (Ballot.Kind.DEPUTY, None, None, {organisation: n - 1, propaganda: 1}),
        ]
        for hour, (kind, award, candidates, votes) in enumerate(plan, start=8):
            if kind == Ballot.Kind.NOMINATION and award is None:
                continue  # no award to individuals in the catalogue
            if (
                award is not None
                and award.for_individuals
                and not PersonProposal.objects.standing()
                .filter(block_year=block_year, award_type=award)
                .exists()
            ):
                continue
            ballot = ballots.create_ballot(
                block_year, by=secretary, kind=kind, award=award, units=candidates
            )
            ballot.closes_on = day
            ballot.save(update_fields=["closes_on"])
            Ballot.objects.filter(pk=ballot.pk).update(
                created_at=_aware(day - datetime.timedelta(days=3), 15)
            )
            self.held(ballot, secretary, voters, votes, _aware(day, hour))

    def held(
        self,
        ballot: Ballot,
        secretary: User,
        voters: list[tuple[Unit, User]],
        votes: dict[Unit, int],
        opened: datetime.datetime,
    ) -> None:
        """Every unit voted online within the hour; `votes` says how many agreed with (or chose)
        each candidate, the others disagreed (or chose nobody)."""
        candidates = list(ballot.candidates.order_by("position"))
        by_unit = {c.unit_id: c for c in candidates}
        papers: list[dict[int, bool]] = []
        for index in range(len(voters)):
            if ballot.mode == Ballot.Mode.APPROVE:
                papers.append({c.pk: index < votes.get(c.unit, 0) for c in candidates})
            else:
                # The first voters choose the first candidate named in `votes`, and so on.
                chosen: dict[int, bool] = {}
                start = 0
                for unit, count in votes.items():
                    if start <= index < start + count:
                        chosen[by_unit[unit.pk].pk] = True
                    start += count
                papers.append(chosen)
        random.SystemRandom().shuffle(papers)
        ballot.status = Ballot.Status.OPEN
        ballot.opened_at, ballot.opened_by = opened, secretary
        ballot.members = len(voters)
        ballot.save(update_fields=["status", "opened_at", "opened_by", "members"])
        # Held through the voting core as online: each teller receives a code, every leader's
        # ballot is sealed to the box, and two tellers' codes count it; then dated as held.
        box = ballot.box
        assert box is not None
        tellers = list(box.tellers.select_related("user").order_by("position"))
        codes = [voting.seat(box, teller.user) for teller in tellers]
        voting.open_box(box)
        options = sorted(c.pk for c in candidates)
        for (unit, leader), paper in zip(voters, papers, strict=True):
            voting.cast(box, by=leader, unit=unit, choices=paper, options=options)
        voting.stop(box, quorum=True)
        counts, _cast, _given = voting.count(box, codes=codes[: box.threshold], options=options)
        counted_at = opened + datetime.timedelta(minutes=50)
        BallotBox.objects.filter(pk=box.pk).update(opened_at=opened, counted_at=counted_at)
        box.tellers.update(seated_at=opened - datetime.timedelta(hours=1))
        box.tellers.exclude(counted_at=None).update(counted_at=counted_at)
        for position, (unit, _leader) in enumerate(voters):
            RollEntry.objects.filter(box=box, unit=unit).update(
                voted_at=opened + datetime.timedelta(minutes=5 + 4 * position)
            )
        outcome = ballots.decide(ballot, counts, len(papers))
        for candidate in candidates:
            candidate.approvals, candidate.disapprovals = counts[candidate.pk]
            candidate.elected, candidate.outcome = outcome[candidate.pk]
        BallotCandidate.objects.bulk_update(
            candidates, ["approvals", "disapprovals", "elected", "outcome"]
        )
        ballot.status = Ballot.Status.CLOSED
        ballot.closed_at, ballot.closed_by = opened + datetime.timedelta(minutes=50), secretary
        ballot.cast = len(papers)
        ballot.quorum_reached = ballot.quorum_met(ballot.cast, ballot.members)
        results = ballots.results_of(ballot)
        canonical = json.dumps(
            {
                "ballot": ballot.pk,
                "members": ballot.members,
                "cast": ballot.cast,
                "results": results,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        ballot.results_sha256 = hashlib.sha256(canonical.encode()).hexdigest()
        ballot.save(
            update_fields=[
                "status",
                "closed_at",
                "closed_by",
                "cast",
                "quorum_reached",
                "results_sha256",
            ]
        )
        audit.record(
            "awards.ballot.closed",
            actor=secretary,
            obj=ballot,
            after={
                "status": ballot.status,
                "members": ballot.members,
                "cast": ballot.cast,
                "quorum": ballot.quorum_reached,
                "results": results,
                "sha256": ballot.results_sha256,
            },
        )
        self.created += 1 + len(candidates) + 2 * len(papers)
        after_ballot.ballot_closed(ballot, by=secretary)

    # The dossier --------------------------------------------------------------------------------

    def dossier(self, block_year: BlockYear, secretary: User, leaders: dict[int, User]) -> None:
        """Reports written by each unit's officer, approved and attested by its leader, minutes and
        proposal letter issued (all through the services), then the dossier sent on 5 March,
        before its deadline: that last step is written directly, as the deadline has passed."""
        year = block_year.year
        nominations = list(
            Nomination.objects.filter(block_year=block_year).select_related("unit", "award_type")
        )
        if not nominations or Dossier.objects.filter(block_year=block_year).exists():
            return
        for nomination in nominations:
            writer = User.objects.filter(
                unit_roles__unit=nomination.unit, unit_roles__role=UnitRole.Role.OFFICER
            ).first()
            leader = leaders[nomination.unit_id]
            report = (
                PERSON_REPORTS.get(nomination.person_name, {})
                if nomination.person_id
                else REPORTS[nomination.unit.name]
            )
            dossiers.save_report(nomination, by=writer or leader, **report)
            dossiers.attest(
                nomination,
                by=leader,
                answers={code: True for code in nomination.award_type.attestations},
            )
            # Each document carries the date of its own step (the dates `backdate` gives them):
            # reports in January, the minutes after the ballots, the letter in early March,
            # before the council's decision (awards.council_demo, 25 March).
            with issuing_as_of(_aware(datetime.date(year + 1, 1, 9), 9)):
                dossiers.approve_report(nomination, by=leader)
        with issuing_as_of(_aware(datetime.date(year, 12, 26), 16)):
            ballot_minutes.issue_minutes(block_year, by=secretary)
        head_leader = leaders[block_year.memberships.get(role=Membership.Role.HEAD).unit_id]
        head_title = (
            UnitRole.objects.filter(user=head_leader, role=UnitRole.Role.LEADER)
            .values_list("title", flat=True)
            .first()
        )
        with issuing_as_of(_aware(datetime.date(year + 1, 1, 1) + datetime.timedelta(days=59), 9)):
            dossiers.issue_proposal_letter(
                block_year,
                by=secretary,
                number=LETTER_NUMBER,
                signer_name=head_leader.full_name,
                signer_title=f"{head_title or 'Thủ trưởng đơn vị'}, Trưởng Khối thi đua",
            )
        self.backdate(block_year, datetime.date(year + 1, 1, 1))
        self.submitted(block_year, secretary, _aware(datetime.date(year + 1, 3, 5), 10))

    def backdate(self, block_year: BlockYear, new_year: datetime.date) -> None:
        """Dates of last year's winter, after the ballots of 26 December."""
        closed = _aware(datetime.date(block_year.year, 12, 26), 13)
        reports = [_aware(new_year + datetime.timedelta(days=d), 9) for d in (5, 8)]
        nominations = Nomination.objects.filter(block_year=block_year)
        nominations.update(created_at=closed)
        for nomination in nominations:
            Nomination.objects.filter(pk=nomination.pk).update(
                report_updated_at=reports[0],
                report_approved_at=reports[1],
                attested_at=reports[1],
                eligibility_checked_at=reports[1],
            )
            if nomination.report_document_id is not None:
                IssuedDocument.objects.filter(pk=nomination.report_document_id).update(
                    issued_at=reports[1]
                )
        dossier = Dossier.objects.get(block_year=block_year)
        for document, day in [
            (dossier.minutes_id, _aware(datetime.date(block_year.year, 12, 26), 16)),
            (dossier.proposal_letter_id, _aware(new_year + datetime.timedelta(days=59), 9)),
        ]:
            IssuedDocument.objects.filter(pk__in=[document]).update(issued_at=day)

    def submitted(self, block_year: BlockYear, by: User, when: datetime.datetime) -> None:
        """The dossier as `dossiers.submit_dossier` sends it: every document with its SHA-256 in
        a manifest hashed as a whole; the nominations sent with it."""
        dossier = Dossier.objects.select_related("proposal_letter", "minutes").get(
            block_year=block_year
        )
        assert dossier.proposal_letter is not None and dossier.minutes is not None

        def entry(part: str, document: IssuedDocument, **extra: Any) -> dict[str, Any]:
            return {
                "part": part,
                "title": document.title,
                "code": document.code,
                "sha256": document.sha256,
                "size": document.size,
                **extra,
            }

        nominations = list(
            Nomination.objects.filter(block_year=block_year)
            .select_related("award_type", "report_document")
            .order_by("award_type__position", "award_type__code", "unit_name", "pk")
        )
        documents = [
            entry("proposal_letter", dossier.proposal_letter),
            entry("minutes", dossier.minutes),
        ]
        for nomination in nominations:
            assert nomination.report_document is not None
            documents.append(
                entry(
                    "achievement_report",
                    nomination.report_document,
                    nomination=nomination.pk,
                    unit=nomination.unit_name,
                    award=nomination.award_type.code,
                )
            )
        manifest = {
            "block_year": {
                "id": block_year.pk,
                "block": block_year.block.name,
                "year": block_year.year,
            },
            "submitted_at": when.isoformat(),
            "documents": documents,
        }
        dossier.manifest = manifest
        dossier.manifest_sha256 = dossiers.manifest_sha256(manifest)
        dossier.status = Dossier.Status.SUBMITTED
        dossier.submitted_at, dossier.submitted_by = when, by
        dossier.save(
            update_fields=["manifest", "manifest_sha256", "status", "submitted_at", "submitted_by"]
        )
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
            status=Nomination.Status.SUBMITTED, submitted_at=when
        )
        audit.record(
            "awards.dossier.submitted",
            actor=by,
            obj=dossier,
            before={"status": Dossier.Status.DRAFT},
            after={
                "status": Dossier.Status.SUBMITTED,
                "manifest_sha256": dossier.manifest_sha256,
                "documents": len(documents),
                "nominations": [n.pk for n in nominations],
            },
        )
        self.created += 1 + len(nominations)

    # Hand-over ----------------------------------------------------------------------------------

    def handover(self, block_year: BlockYear, staff: User) -> None:
        prepared = Handover.objects.filter(from_year=block_year).first()
        if prepared is None or prepared.status != Handover.Status.PENDING:
            return
        handover.confirm_handover(
            prepared, by=staff, handover_on=datetime.date(block_year.year + 1, 1, 1)
        )
        Handover.objects.filter(pk=prepared.pk).update(
            confirmed_at=_aware(datetime.date(block_year.year, 12, 29), 14)
        )
        self.created += 1
