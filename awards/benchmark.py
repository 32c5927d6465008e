"""The awards' share of `manage.py benchmark` (emulation.benchmark): last year's ballots,
nominations, council sessions and decisions; the ballot and council pages and the public
results, and the voting storm. Registered in AwardsConfig.ready().

The voting storm: every member unit's leader casts the unit's secret ballot on the open ballot
at once, sealed in a box opened as the voting core opens one (its counting board seated). Afterwards
the voter roll must hold one row per unit, the box as many ballots; and the storm's p95 is held to
three times one vote's time alone, measured first on a fresh box.

Closing a ballot: 16 member units vote through the service, then closing and counting (the box's
key rebuilt from the tellers' codes, every ballot decrypted) is timed, to be under a second; all
of it rolled back.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import statistics
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from awards.forms.ballots import AGREE
from awards.models import (
    AgendaItem,
    Awardee,
    AwardType,
    Ballot,
    BallotBox,
    BallotCandidate,
    CouncilSession,
    Decision,
    Nomination,
    RollEntry,
    SealedBallot,
)
from awards.services import ballots as ballot_results
from awards.services import sessions as session_results
from awards.services import voting
from blocks.benchmark import RegistryData, head_of, leaders_of, person_name, registry_of, unit_roles
from blocks.models import BlockYear, CouncilRole, Membership, Unit, UnitRole
from emulation.audit import verify_chain
from emulation.benchmark.data import Cast, DataStep, aware
from emulation.benchmark.load import close_sessions, percentile
from emulation.benchmark.pages import ANONYMOUS, Page
from emulation.benchmark.scenarios import (
    Post,
    Storm,
    Transport,
    doubled,
    repeat_and_shuffle,
    sessions_for,
    timing,
)
from emulation.models import IssuedDocument, User, new_verification_code
from scoring.models import RankingRow

FLAG, CERTIFICATE, OPEN_AWARD = "provincial-flag", "chairman-certificate", "excellent-labour"
INTAKE_STATUSES = [
    Nomination.Status.SUBMITTED,
    Nomination.Status.RECEIVED,
    Nomination.Status.APPRAISED,
    Nomination.Status.RETURNED,
]
RECEIPT_MARK = b'id="receipt-code"'  # on the page that shows a voter the receipt
STORM_RATIO = 3.0  # the storm's p95 at most this many times one vote's time alone
SINGLE_VOTES = 5  # votes timed one at a time, alone, before the storm (their median counts)
CLOSING_VOTERS = 16
CLOSING_TARGET_S = 1.0  # closing and counting a ballot of CLOSING_VOTERS units


def ensure_award_types() -> None:
    """The award types a migration writes (gone after an earlier benchmark's flush)."""
    if not AwardType.objects.exists():
        importlib.import_module("awards.migrations.0002_default_award_types").create(apps, None)


def uuid_bytes() -> bytes:
    return uuid.uuid4().bytes


class AwardsData(DataStep):
    """Last year's awards. Every block proposes its leading unit for the provincial flag and
    its second for the chairman's certificate; each authority's council received them (the
    certificates at every stage of intake), approved the flags in a closed session and
    published the decision. The measured block held its ballots for real (closed, every unit
    voting) and has a nomination ballot still open for the voting storm: ballots need a
    published ranking, which only last year has."""

    counted = [Ballot, RollEntry, SealedBallot, Nomination, CouncilSession, Decision]

    def generate(self) -> None:
        found = self.step(RegistryData)
        block_years, members = found.block_years, found.members
        ensure_award_types()
        awards = {a.code: a for a in AwardType.objects.all()}
        flag, certificate = awards[FLAG], awards[CERTIFICATE]
        last_year = self.today.year - 1
        last = {by.pk: by for by in block_years if by.year == last_year}
        officers = {role.unit_id: role.user_id for role in unit_roles(UnitRole.Role.OFFICER)}
        leaders = {role.unit_id: role.user_id for role in unit_roles(UnitRole.Role.LEADER)}
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
        measured = next(by for by in last.values() if by.block_id == found.measured_block_id)
        ballots = self._ballots(measured, members, ranked, rows_by_pk, awards, officers, leaders)
        submitted = aware(datetime.date(last_year + 1, 1, 10))
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
        nominations = self.insert(nominations)
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
        secretariat = officers[head_of(year_members).unit_id]
        rows = [rows_by_pk[pk] for pk in ranked[block_year.pk]]
        closed_at = aware(datetime.date(block_year.year, 12, 18))
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
        boxes = self.insert(
            [
                BallotBox(
                    receipt_scope=f"benchmark:{block_year.pk}:{i}",
                    state=BallotBox.State.OPEN if b.is_open else BallotBox.State.COUNTED,
                )
                for i, b in enumerate(ballots)
            ]
        )
        for ballot, box in zip(ballots, boxes, strict=True):
            ballot.box = box
        ballots = self.insert(ballots)
        candidates = self.insert(
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
        for ballot in ballots:
            if ballot.is_open:  # sealed as the service seals: a counting board, an open box
                reset_ballot(ballot)
        closed = [ballot for ballot in ballots if not ballot.is_open]
        # Closed as the service closes a ballot: with the SHA-256 of its results.
        for ballot in closed:
            mine = [c for c in candidates if c.ballot_id == ballot.pk]
            ballot.results_sha256 = ballot_results.results_sha256(
                ballot, ballot_results.results_of(ballot, mine)
            )
        Ballot.objects.bulk_update(closed, ["results_sha256"])
        self.insert(
            [
                RollEntry(
                    box=ballot.box,
                    unit_id=m.unit_id,
                    voted_by_id=leaders[m.unit_id],
                    voted_at=closed_at - datetime.timedelta(hours=1, minutes=i),
                )
                for ballot in closed
                for i, m in enumerate(year_members)
            ]
        )
        self.insert(
            [
                SealedBallot(
                    box=ballot.box, receipt_sha256=hashlib.sha256(uuid_bytes()).hexdigest()
                )
                for ballot in closed
                for _m in year_members
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
        held = aware(datetime.date(year + 1, 1, 20))
        boxes = self.insert(
            [
                BallotBox(
                    receipt_scope=f"benchmark:council:{year}:{authority_id}",
                    state=BallotBox.State.COUNTED,
                )
                for authority_id in by_authority
            ]
        )
        sessions = self.insert(
            [
                CouncilSession(
                    box=box,
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
                for authority_id, box in zip(by_authority, boxes, strict=True)
            ]
        )
        present = CouncilSession.present.through
        self.insert(
            [
                present(councilsession_id=session.pk, user_id=user_id)
                for session in sessions
                for user_id in council[session.authority_id]
            ],
            "awards_councilsession_present",
        )
        self.insert(
            [
                RollEntry(box=session.box, voted_by_id=user_id, voted_at=held)
                for session in sessions
                for user_id in council[session.authority_id]
            ]
        )
        self.insert(
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
        decisions = self.insert(
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
                    issued_at=aware(signed),
                    issued_by_id=staff[session.authority_id],
                    published_at=aware(signed, 15),
                    published_by_id=staff[session.authority_id],
                    created_by_id=staff[session.authority_id],
                )
                for i, session in enumerate(sessions)
            ]
        )
        self.insert(
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
                    issued_at=aware(signed),
                    sha256=hashlib.sha256(f"decision {decision.pk}".encode()).hexdigest(),
                    file=stored.file.name,
                    size=stored.size,
                    subject_type=Decision._meta.label_lower,
                    subject_id=str(decision.pk),
                )
            )
        for decision, document in zip(decisions, self.insert(documents), strict=True):
            decision.document = document
        Decision.objects.bulk_update(decisions, ["document"])

    @classmethod
    def find(cls, cast: Cast) -> AwardsCast:
        found = registry_of(cast)
        ballots = Ballot.objects.filter(block_year=found.last_year, kind=Ballot.Kind.NOMINATION)
        return AwardsCast(
            ballot=ballots.get(status=Ballot.Status.OPEN),
            closed_ballot=ballots.get(award_type__code=FLAG),
            session=CouncilSession.objects.get(
                authority=found.authority, year=found.last_year.year
            ),
        )


@dataclass(frozen=True)
class AwardsCast:
    """The ballots and the council session that the pages and the voting storm use."""

    ballot: Ballot  # last year's, open: the voting storm's
    closed_ballot: Ballot  # last year's flag nomination, closed and counted
    session: CouncilSession  # last year's, closed


def awards_of(cast: Cast) -> AwardsCast:
    return cast.part(AwardsCast)


def _council_year(cast: Cast) -> list[int]:
    found = registry_of(cast)
    return [found.authority.pk, found.last_year.year]


PAGES = [
    Page("ballot", "leader",
         lambda c: reverse("awards:ballot_detail", args=[awards_of(c).ballot.pk]),
         "ballot page, open for voting"),
    Page("ballot_closed", "leader",
         lambda c: reverse("awards:ballot_detail", args=[awards_of(c).closed_ballot.pk]),
         "ballot page, closed and counted", published=True),
    Page("council_intake", "staff",
         lambda c: reverse("awards:intake_list", args=_council_year(c)),
         "council intake list (two nominations per block)"),
    Page("council_session", "staff",
         lambda c: reverse("awards:session_detail", args=[awards_of(c).session.pk]),
         "council session, closed (one item per block)", published=True),
    Page("statistics", "staff",
         lambda c: reverse("awards:statistics", args=_council_year(c)),
         "council statistics of last year"),
    Page("public_results", ANONYMOUS,
         lambda c: reverse("awards:results", args=_council_year(c)),
         "public results (a published decision)", published=True),
]  # fmt: skip


# The voting storm ----------------------------------------------------------------------------


@transaction.atomic  # a teller's seat is taken under a row lock
def reset_ballot(ballot: Ballot) -> list[str]:
    """Back to "open, nobody voted", in a new box opened as the voting core opens one: the
    default counting board (leaders of member units) named and seated, the key split among
    them, so that the votes are sealed for real. The old box goes with its roll and ballots.
    Returns the tellers' codes, kept as the tellers keep theirs, in their order."""
    old = ballot.box_id
    box = voting.new_box(f"benchmark:{ballot.pk}:{uuid.uuid4().hex[:16]}")
    voting.name_board(box, ballot_results.default_board(ballot.block_year), threshold=2)
    codes = [voting.seat(box, teller.user) for teller in box.tellers.order_by("position")]
    voting.open_box(box)
    # Opened now: the leaders' roles were granted before, so every one of them votes.
    Ballot.objects.filter(pk=ballot.pk).update(
        box=box, status=Ballot.Status.OPEN, opened_at=box.opened_at
    )
    ballot.box, ballot.status, ballot.opened_at = box, Ballot.Status.OPEN, box.opened_at
    if old is not None:
        BallotBox.objects.filter(pk=old).delete()
    return codes


def _vote_form(ballot: Ballot) -> dict[str, str]:
    form = {f"candidate_{pk}": AGREE for pk in ballot.candidates.values_list("pk", flat=True)}
    form["confirm"] = "on"
    return form


def single_votes(
    ballot: Ballot, transport: Transport, leaders: dict[int, User], sessions: dict[int, str]
) -> list[float]:
    """A few leaders vote one at a time, each alone on the server, on a fresh box: the time of
    one vote that the storm's is held to."""
    reset_ballot(ballot)
    path = reverse("awards:ballot_vote", args=[ballot.pk])
    form = _vote_form(ballot)
    times = []
    for unit in list(leaders)[:SINGLE_VOTES]:
        reply = transport.post_all([[Post(path, form, sessions[leaders[unit].pk])]])[0][0]
        if reply.status == 200 and RECEIPT_MARK in reply.body:
            times.append(reply.ms)
    return times


def voting_storm(ballot: Ballot, transport: Transport) -> dict[str, Any]:
    """The leader of every member unit of the ballot's block year casts the unit's ballot at
    once (agreeing with every candidate); then count the voter roll and the ballot box. Before
    it, one vote alone is timed: the storm's p95 is held to `STORM_RATIO` times its median."""
    leaders = leaders_of(ballot.block_year_id)
    path = reverse("awards:ballot_vote", args=[ballot.pk])
    form = _vote_form(ballot)
    sessions = sessions_for(list(leaders.values()))
    plan = repeat_and_shuffle(list(leaders))
    runs = [[Post(path, form, sessions[leaders[unit].pk])] for unit in plan]
    try:
        alone = single_votes(ballot, transport, leaders, sessions)
        reset_ballot(ballot)
        start = time.perf_counter()
        replies = [r[0] for r in transport.post_all(runs)]
        seconds = time.perf_counter() - start
        told: Counter[int] = Counter()
        failures: Counter[str] = Counter()
        for unit, reply in zip(plan, replies, strict=True):
            if reply.status == 200 and RECEIPT_MARK in reply.body:
                told[unit] += 1
            elif reply.status != 200:  # a 200 without a receipt: "already voted", for a repeat
                failures[reply.error or f"HTTP {reply.status}"] += 1
        roll = Counter(RollEntry.objects.filter(box=ballot.box_id).values_list("unit", flat=True))
        box = ballot.box_id
        cast = SealedBallot.objects.filter(box=box).count()
        sealed = SealedBallot.objects.filter(box=box, sealed__isnull=False).count()
        candidates = len(form) - 1  # the form's other field is the confirmation
        choices = cast * candidates
        latencies = [r.ms for r in replies if r.status == 200]
        chain_break = verify_chain()
        single = statistics.median(alone) if alone else None
        storm_p95 = percentile(latencies, 95)
        ratio = round(storm_p95 / single, 2) if storm_p95 is not None and single else None
        met = ratio is not None and ratio <= STORM_RATIO
        result = {
            "note": f"{sum(roll.values())} on the roll, {cast} ballots in the box with "
            f"{choices} choices ({candidates} candidates), {sealed} sealed, "
            f"{len(plan) - len(leaders)} repeats, audit chain "
            f"{'intact' if chain_break is None else 'BROKEN'}; p95 {_times(ratio)}× one vote "
            f"alone ({_ms(single)} ms; target ≤ {STORM_RATIO:g}×"
            f"{')' if met else ', MISS)'}",
            "throughput_per_s": round(cast / seconds, 2) if seconds else None,
            "errors": sum(failures.values()) + sum(1 for unit in leaders if not told[unit]),
            "lost": len(set(leaders) - set(roll)),
            "duplicates": doubled(roll, told) + max(0, cast - sum(roll.values())),
            "units": len(leaders),
            "requests": len(plan),
            "sealed": sealed,
            **timing(seconds, latencies),
            "single_vote_ms": [round(ms, 1) for ms in alone],
            "single_vote_p50_ms": None if single is None else round(single, 1),
            "ratio_to_single": ratio,
            "target_ratio": STORM_RATIO,
            "target_met": met,
            "audit_chain_intact": chain_break is None,
            "failures": dict(failures),
        }
    finally:
        close_sessions(sessions.values())
        reset_ballot(ballot)
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


# Closing a ballot ------------------------------------------------------------------------------


def _top_up(block_year: BlockYear, voters: int) -> None:
    """Enough member units, each with a leader, for `voters` to vote: new ones as needed."""
    missing = voters - len(leaders_of(block_year.pk))
    if missing <= 0:
        return
    authority = block_year.block.authority
    joined = datetime.date(block_year.year, 1, 1)
    granted = aware(datetime.date(block_year.year, 1, 1))
    tag = uuid.uuid4().hex[:8]
    for i in range(missing):
        unit = Unit.objects.create(
            authority=authority,
            name=f"Đơn vị kiểm phiếu {tag} {i + 1}",
            short_name=f"ĐV {tag} {i + 1}",
            kind=Unit.Kind.STATE_AGENCY,
        )
        leader = User.objects.create(username=f"close-{tag}-{i + 1}", full_name=person_name(i))
        UnitRole.objects.create(
            user=leader, unit=unit, role=UnitRole.Role.LEADER, granted_at=granted
        )
        Membership.objects.create(
            block_year=block_year, unit=unit, position=100 + i, joined_on=joined
        )


def closing_ballot(ballot: Ballot, voters: int = CLOSING_VOTERS) -> dict[str, Any]:
    """`voters` member units vote through the service on a fresh box; then closing the ballot
    and counting it with the tellers' codes (the key rebuilt, every ballot decrypted) is timed.
    Everything is rolled back: the data stays as generated."""
    with transaction.atomic():
        _top_up(ballot.block_year, voters)
        codes = reset_ballot(ballot)
        members = Membership.objects.filter(block_year=ballot.block_year_id, left_on__isnull=True)
        Ballot.objects.filter(pk=ballot.pk).update(members=members.count())
        ballot.refresh_from_db()
        leaders = list(leaders_of(ballot.block_year_id).values())[:voters]
        choices = {pk: True for pk in ballot.candidates.values_list("pk", flat=True)}
        for leader in leaders:
            ballot_results.cast_vote(ballot, by=leader, choices=choices)
        by = ballot.opened_by or ballot.created_by
        start = time.perf_counter()
        closed = ballot_results.close_ballot(ballot, by=by)
        counted = ballot_results.count_ballot(
            closed, by=by, codes=codes[: closed.box.threshold if closed.box else 2]
        )
        seconds = time.perf_counter() - start
        approvals = list(counted.candidates.values_list("approvals", flat=True))
        emptied = not SealedBallot.objects.filter(box=counted.box_id, sealed__isnull=False).exists()
        transaction.set_rollback(True)
    lost = sum(max(0, len(leaders) - (a or 0)) for a in approvals)
    met = seconds < CLOSING_TARGET_S
    return {
        "note": f"{len(leaders)} votes, {len(approvals)} candidates counted "
        f"{'/'.join(str(a) for a in approvals)}, box {'emptied' if emptied else 'NOT EMPTIED'}; "
        f"closed and counted in {seconds:.3f} s (target < {CLOSING_TARGET_S:g} s"
        f"{')' if met else ', MISS)'}",
        "throughput_per_s": None,
        "errors": 0 if emptied and counted.status == Ballot.Status.CLOSED else 1,
        "lost": lost,
        "duplicates": sum(max(0, (a or 0) - len(leaders)) for a in approvals),
        "units": len(leaders),
        "requests": len(leaders),
        "seconds": round(seconds, 3),
        "p50_ms": None,
        "p95_ms": None,
        "close_seconds": round(seconds, 3),
        "target_seconds": CLOSING_TARGET_S,
        "target_met": met,
    }


STORMS = [
    Storm(
        "voting_storm",
        "every unit of a block casts its secret ballot at once",
        lambda c, t: voting_storm(awards_of(c).ballot, t),
    ),
    Storm(
        "closing_ballot",
        f"{CLOSING_VOTERS} units vote, then the ballot is closed and counted (timed)",
        lambda c, _t: closing_ballot(awards_of(c).ballot),
    ),
]
