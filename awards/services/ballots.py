"""Secret ballots of a block year: create with candidates, open, vote, close and count, or
record the counts of a ballot held on paper.

Secrecy (docs/ballot-secrecy.md): an online ballot has a box (`services.voting`), whose key the
counting board named here holds in shares. A vote writes the voter roll (this unit voted) and a
ballot sealed to the box's key; nothing written (rows, logs, audit events, e-mails) holds a choice
in clear. Closing stops the vote: without quorum it is void and never counted; otherwise the board
gives its codes, and only the totals are written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import eligibility
from awards.models import (
    AwardType,
    Ballot,
    BallotCandidate,
    BallotReminder,
    PersonProposal,
    RollEntry,
)
from awards.services import voting
from blocks.models import BlockYear, Membership, Person, Unit, UnitRole
from blocks.services import check_not_archived
from emulation import audit, mail
from emulation.bulk import each_or_none
from emulation.errors import DomainError
from emulation.models import User
from emulation.uploads import validate_upload
from scoring.models import Ranking, RankingRow


def published_ranking(block_year: BlockYear) -> Ranking | None:
    return Ranking.objects.filter(table__block_year=block_year).first()


def _rows(block_year: BlockYear) -> dict[int, RankingRow]:
    return {
        row.unit_id: row
        for row in RankingRow.objects.filter(ranking__table__block_year=block_year).order_by(
            "rank", "unit_name"
        )
    }


def _members(block_year: BlockYear) -> QuerySet[Membership]:
    return (
        block_year.memberships.filter(left_on__isnull=True)
        .select_related("unit")
        .order_by("position", "pk")
    )


def suggested_candidates(
    block_year: BlockYear, kind: str, award: AwardType | None = None
) -> list[Unit]:
    """Who the rules put on a ballot of this kind: from the published ranking and the award."""
    rows = _rows(block_year)
    members = [m.unit for m in _members(block_year)]
    if kind == Ballot.Kind.ACCLAIM:
        return [u for u in members if eligibility.is_leading(block_year, u, rows.get(u.pk))]
    if kind == Ballot.Kind.TIE:
        tied = [r for r in rows.values() if r.rank == 1 and r.tie == RankingRow.Tie.VOTE]
        ids = {r.unit_id for r in tied}
        return [u for u in members if u.pk in ids]
    if kind == Ballot.Kind.NOMINATION:
        assert award is not None
        if award.for_individuals:
            return []  # the people their units proposed stand, not units
        facts = eligibility.facts_of(block_year)
        found = [
            u
            for u in members
            if eligibility.passes(
                eligibility.check(award, block_year, u, ranking_only=True, facts=facts)
            )
        ]
        return sorted(found, key=lambda u: (rows[u.pk].rank if u.pk in rows else 999, u.name))
    return members  # head and deputies: any member unit


def _defaults(kind: str, award: AwardType | None, candidates: int) -> dict[str, Any]:
    if kind == Ballot.Kind.NOMINATION:
        assert award is not None
        return {
            "mode": Ballot.Mode.APPROVE,
            "seats": award.max_per_block or max(candidates, 1),
            "quorum_numerator": award.quorum_numerator,
            "quorum_denominator": award.quorum_denominator,
            "approval_numerator": award.approval_numerator,
            "approval_denominator": award.approval_denominator,
            "approval_base": award.approval_base,
            "approval_strict": award.approval_strict,
        }
    mode = Ballot.Mode.APPROVE if kind == Ballot.Kind.ACCLAIM else Ballot.Mode.CHOOSE
    return {"mode": mode, "seats": 1}


@transaction.atomic
def create_ballot(
    block_year: BlockYear,
    *,
    by: User,
    kind: str,
    award: AwardType | None = None,
    units: Iterable[Unit] | None = None,
    seats: int | None = None,
    method: str = Ballot.Method.ONLINE,
    closes_on: datetime.date | None = None,
    rerun_reason: str = "",
    people: Iterable[Person] | None = None,
) -> Ballot:
    """A ballot in preparation, with its candidates (the suggested ones unless `units` are given,
    which must be member units) and, online, a proposed counting board. Only once the ranking is
    published; one ballot of a kind (and award) at a time, none once one has succeeded, and a
    ballot held again after a void one says why. On an award to individuals the candidates are
    the people member units proposed (all standing proposals, or `people` among them when a void
    ballot is held again); no unit is chosen."""
    check_not_archived(block_year)
    BlockYear.objects.select_for_update().get(pk=block_year.pk)  # one creation at a time
    if kind not in Ballot.Kind.values:
        raise DomainError(_("Choose what the ballot is for."), field="kind")
    if kind == Ballot.Kind.NOMINATION and award is None:
        raise DomainError(_("Choose the award the units are proposed for."), field="award")
    if kind != Ballot.Kind.NOMINATION:
        award = None
    if published_ranking(block_year) is None:
        raise DomainError(_("Ballots are held once the year's ranking is published."))
    earlier = Ballot.objects.filter(block_year=block_year, kind=kind, award_type=award)
    if earlier.exclude(status=Ballot.Status.CLOSED).exists():
        raise DomainError(_("A ballot for this is already being prepared or open."))
    if BallotCandidate.objects.filter(ballot__in=earlier, elected=True).exists():
        raise DomainError(_("An earlier ballot for this has already decided it."))
    last = earlier.select_related("box").order_by("-created_at", "-pk").first()
    rerun_reason = rerun_reason.strip()
    if last is not None and last.is_void and not rerun_reason:
        raise DomainError(
            _("The earlier ballot for this was void: say why it is held again."),
            field="rerun_reason",
        )
    if method not in Ballot.Method.values:
        raise DomainError(_("Choose how the ballot is held."), field="method")

    if closes_on is not None and closes_on < timezone.localdate():
        raise DomainError(_("The closing date cannot be in the past."), field="closes_on")

    member_units = {m.unit_id: m.unit for m in _members(block_year)}
    if award is not None and award.for_individuals:
        if units is not None:
            raise DomainError(
                _("On a ballot for individuals the candidates are the people their units propose."),
                field="units",
            )
        proposals = _proposals(block_year, award, people, member_units)
        return _create(
            block_year,
            by=by,
            kind=kind,
            award=award,
            seats=seats,
            method=method,
            closes_on=closes_on,
            last=last,
            rerun_reason=rerun_reason,
            candidates=[
                BallotCandidate(
                    unit=p.unit,
                    unit_name=p.unit.name,
                    person=p.person,
                    person_name=p.person_name,
                    person_title=p.person_title,
                )
                for p in proposals
            ],
        )
    chosen = list(units) if units is not None else suggested_candidates(block_year, kind, award)
    outsiders = [u for u in chosen if u.pk not in member_units]
    if outsiders:
        raise DomainError(
            _("Only member units can be candidates: %(units)s.")
            % {"units": ", ".join(u.name for u in outsiders)},
            field="units",
        )
    if not chosen:
        raise DomainError(_no_candidates(block_year, kind), field="units")
    _check_candidates(block_year, kind, award, chosen)
    if kind == Ballot.Kind.TIE and len(chosen) < 2:
        raise DomainError(_("A tie needs at least two candidates."), field="units")
    rows = _rows(block_year)
    order = sorted(chosen, key=lambda u: (rows[u.pk].rank if u.pk in rows else 999, u.name))
    return _create(
        block_year,
        by=by,
        kind=kind,
        award=award,
        seats=seats,
        method=method,
        closes_on=closes_on,
        last=last,
        rerun_reason=rerun_reason,
        candidates=[
            BallotCandidate(
                unit=unit,
                unit_name=rows[unit.pk].unit_name if unit.pk in rows else unit.name,
                rank=rows[unit.pk].rank if unit.pk in rows else None,
                total=rows[unit.pk].total if unit.pk in rows else None,
                band=rows[unit.pk].band if unit.pk in rows else "",
            )
            for unit in order
        ],
    )


def _proposals(
    block_year: BlockYear,
    award: AwardType,
    people: Iterable[Person] | None,
    member_units: Mapping[int, Unit],
) -> list[PersonProposal]:
    """The standing proposals of the award from member units, by unit and name; `people` keeps
    those of them, and each must be proposed and still at the unit."""
    proposals = list(
        PersonProposal.objects.standing()
        .filter(block_year=block_year, award_type=award, unit__in=list(member_units))
        .select_related("unit", "person__unit")
        .order_by("unit__name", "person_name", "pk")
    )
    if people is not None:
        wanted = {p.pk: p for p in people}
        proposed = {p.person_id for p in proposals}
        missing = [str(p) for pk, p in wanted.items() if pk not in proposed]
        if missing:
            raise DomainError(
                _("Not proposed by a member unit: %(people)s.") % {"people": ", ".join(missing)},
                field="people",
            )
        proposals = [p for p in proposals if p.person_id in wanted]
    if not proposals:
        raise DomainError(_("No member unit has proposed anyone for this award."), field="people")
    facts = eligibility.facts_of(block_year)
    refused = []
    for proposal in proposals:
        failed = eligibility.failures(
            eligibility.check(
                award,
                block_year,
                proposal.unit,
                ranking_only=True,
                facts=facts,
                person=proposal.person,
            )
        )
        if failed:
            refused.append(f"{proposal.person_name}: {failed[0].rule} {failed[0].data}")
    if refused:
        raise DomainError(
            _("Not a candidate under the rules: %(units)s.") % {"units": "; ".join(refused)},
            field="people",
        )
    return proposals


def _create(
    block_year: BlockYear,
    *,
    by: User,
    kind: str,
    award: AwardType | None,
    seats: int | None,
    method: str,
    closes_on: datetime.date | None,
    last: Ballot | None,
    rerun_reason: str,
    candidates: list[BallotCandidate],
) -> Ballot:
    """Create the ballot with its candidates (in this order) and, online, its box and board."""
    settings = _defaults(kind, award, len(candidates))
    if seats is not None:
        if seats < 1:
            raise DomainError(_("There must be at least one place."), field="seats")
        settings["seats"] = seats
    ballot = Ballot.objects.create(
        block_year=block_year,
        kind=kind,
        award_type=award,
        method=method,
        closes_on=closes_on or block_year.ballot_deadline,
        created_by=by,
        rerun_of=last if rerun_reason else None,
        rerun_reason=rerun_reason,
        **settings,
    )
    if method == Ballot.Method.ONLINE:
        ballot.box = voting.new_box(str(ballot.pk))
        ballot.save(update_fields=["box"])
        board = default_board(block_year)
        if len(board) >= voting.SMALLEST_BOARD:
            voting.name_board(ballot.box, board, threshold=min(2, len(board)))
    for index, candidate in enumerate(candidates):
        candidate.ballot, candidate.position = ballot, index
    BallotCandidate.objects.bulk_create(candidates)
    audit.record(
        "awards.ballot.created",
        actor=by,
        obj=ballot,
        after={
            "kind": kind,
            "award": award.code if award else "",
            "candidates": [c.name for c in candidates],
            "method": method,
            "seats": ballot.seats,
            "tellers": [str(t.user) for t in ballot.box.tellers.all()] if ballot.box else [],
            "rerun_of": ballot.rerun_of_id,
        },
        reason=rerun_reason,
    )
    return ballot


def rerun_ballot(ballot: Ballot, *, by: User, reason: str) -> Ballot:
    """Hold a void ballot again, with the same candidates and rules, saying why."""
    if not ballot.is_void:
        raise DomainError(_("Only a void ballot is held again."))
    if not reason.strip():
        raise DomainError(_("Say why the ballot is held again."), field="reason")
    candidates = list(ballot.candidates.select_related("unit", "person"))
    individual = ballot.award_type is not None and ballot.award_type.for_individuals
    return create_ballot(
        ballot.block_year,
        by=by,
        kind=ballot.kind,
        award=ballot.award_type,
        units=None if individual else [c.unit for c in candidates],
        people=[c.person for c in candidates if c.person is not None] if individual else None,
        seats=ballot.seats,
        method=ballot.method,
        rerun_reason=reason,
    )


# The counting board -------------------------------------------------------------------------------


def board_candidates(block_year: BlockYear) -> QuerySet[UnitRole]:
    """Who may sit on a block ballot's counting board: leaders of the member units."""
    return (
        UnitRole.objects.filter(
            role=UnitRole.Role.LEADER,
            user__is_active=True,
            unit__in=block_year.memberships.filter(left_on__isnull=True).values("unit"),
        )
        .select_related("user", "unit")
        .order_by("unit__name", "user__full_name")
    )


def default_board(block_year: BlockYear, size: int = 3) -> list[tuple[User, Unit | None]]:
    """The board proposed with a new ballot: leaders of member units other than the head unit
    (which runs the ballot), in the block's order, one per unit."""
    head = block_year.memberships.filter(role=Membership.Role.HEAD).values_list("unit", flat=True)
    order = {m.unit_id: m.position for m in _members(block_year)}
    board: list[tuple[User, Unit | None]] = []
    seen: set[int] = set()
    for role in sorted(board_candidates(block_year), key=lambda r: order.get(r.unit_id, 999)):
        if role.unit_id in head or role.unit_id in seen or role.user_id in {u.pk for u, _ in board}:
            continue
        board.append((role.user, role.unit))
        seen.add(role.unit_id)
        if len(board) == size:
            break
    return board


@transaction.atomic
def name_board(ballot: Ballot, *, by: User, tellers: Iterable[User], threshold: int) -> Ballot:
    """Name the counting board of an online ballot being prepared: leaders of member units, any
    `threshold` of whom (at least two) must give their code to count."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.box is None or ballot.status != Ballot.Status.DRAFT:
        raise DomainError(_("The counting board is named before voting opens."))
    allowed = {r.user_id: r.unit for r in board_candidates(ballot.block_year)}
    people = list(tellers)
    outsiders = [str(p) for p in people if p.pk not in allowed]
    if outsiders:
        raise DomainError(
            _("Only leaders of member units sit on the counting board: %(names)s.")
            % {"names": ", ".join(outsiders)},
            field="tellers",
        )
    before = [str(t.user) for t in ballot.box.tellers.all()]
    voting.name_board(ballot.box, [(p, allowed[p.pk]) for p in people], threshold)
    audit.record(
        "awards.ballot.board_named",
        actor=by,
        obj=ballot,
        before={"tellers": before},
        after={"tellers": [str(p) for p in people], "threshold": threshold},
    )
    return ballot


@transaction.atomic
def take_code(ballot: Ballot, *, by: User) -> str:
    """A teller receives their code, once; it is never stored (only its public key)."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.box is None:
        raise DomainError(_("A ballot held on paper has no counting board."))
    code = voting.seat(ballot.box, by)
    audit.record("awards.ballot.teller_seated", actor=by, obj=ballot, after={"teller": str(by)})
    return code


def _no_candidates(block_year: BlockYear, kind: str) -> str:
    first = [r for r in _rows(block_year).values() if r.rank == 1]
    tied = len(first) > 1 and any(r.tie == RankingRow.Tie.VOTE for r in first)
    if kind == Ballot.Kind.ACCLAIM and tied:
        return _("Units are tied for first place: settle the tie by a ballot first.")
    if kind == Ballot.Kind.TIE:
        return _("There is no tie for first place to settle.")
    return _("No unit qualifies as a candidate under the rules; see the eligibility check.")


def _check_candidates(
    block_year: BlockYear, kind: str, award: AwardType | None, chosen: list[Unit]
) -> None:
    """The rules decide who may stand: the leading unit is acclaimed, only units tied for first
    place settle a tie, and nominees meet the award's ranking rules."""
    rows = _rows(block_year)
    facts = eligibility.facts_of(block_year) if kind == Ballot.Kind.NOMINATION else None
    refused: list[str] = []
    for unit in chosen:
        row = rows.get(unit.pk)
        if kind == Ballot.Kind.ACCLAIM and not eligibility.is_leading(block_year, unit, row):
            refused.append(_("%(unit)s is not the leading unit") % {"unit": unit.name})
        elif kind == Ballot.Kind.TIE and not (
            row is not None and row.rank == 1 and row.tie == RankingRow.Tie.VOTE
        ):
            refused.append(_("%(unit)s is not tied for first place") % {"unit": unit.name})
        elif kind == Ballot.Kind.NOMINATION and award is not None:
            failed = eligibility.failures(
                eligibility.check(award, block_year, unit, ranking_only=True, facts=facts)
            )
            if failed:
                refused.append(f"{unit.name}: {failed[0].rule} {failed[0].data}")
    if refused:
        raise DomainError(
            _("Not a candidate under the rules: %(units)s.") % {"units": "; ".join(refused)},
            field="units",
        )


def quorum_count(ballot: Ballot, members: int) -> int:
    """The fewest ballots cast that make the quorum (2/3 of 9 member units is 6)."""
    numerator, denominator = ballot.quorum_numerator, ballot.quorum_denominator or 1
    return -(-members * numerator // denominator)


def _locked(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("block_year__block__authority", "award_type", "box")
        .get(pk=ballot.pk)
    )


def _leaders(block_year: BlockYear) -> QuerySet[User]:
    units = block_year.memberships.filter(left_on__isnull=True).values("unit")
    return User.objects.filter(
        is_active=True, unit_roles__unit__in=units, unit_roles__role=UnitRole.Role.LEADER
    ).distinct()


def _people(block_year: BlockYear) -> QuerySet[User]:
    units = block_year.memberships.filter(left_on__isnull=True).values("unit")
    return User.objects.filter(is_active=True, unit_roles__unit__in=units).distinct()


def _mail_context(ballot: Ballot) -> dict[str, Any]:
    return {
        "ballot": ballot.title,
        "block_name": ballot.block_year.block.name,
        "year": ballot.block_year.year,
        "closes_on": ballot.closes_on.strftime("%d/%m/%Y") if ballot.closes_on else "",
        "path": reverse("awards:ballot_detail", args=[ballot.pk]),
    }


@transaction.atomic
def open_ballot(ballot: Ballot, *, by: User, closes_on: datetime.date | None = None) -> Ballot:
    """Open an online ballot: the member units at this moment are the ones entitled to vote."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.method != Ballot.Method.ONLINE:
        raise DomainError(_("A ballot held on paper is recorded from its counts, not opened."))
    if not ballot.can_move_to(Ballot.Status.OPEN):
        raise DomainError(_("This ballot is not being prepared: it cannot be opened."))
    if closes_on is not None:
        ballot.closes_on = closes_on
    if ballot.closes_on is not None and ballot.closes_on < timezone.localdate():
        raise DomainError(
            _("The closing date has passed: give a new one, today or later."), field="closes_on"
        )
    if ballot.box is None:
        raise DomainError(_("This ballot has no ballot box."))
    voting.open_box(ballot.box)
    before = audit.snapshot(ballot, ["status", "closes_on"])
    ballot.status = Ballot.Status.OPEN
    ballot.opened_at, ballot.opened_by = timezone.now(), by
    ballot.members = _members(ballot.block_year).count()
    ballot.save(update_fields=["status", "opened_at", "opened_by", "members", "closes_on"])
    audit.record(
        "awards.ballot.opened",
        actor=by,
        obj=ballot,
        before=before,
        after={
            **audit.snapshot(ballot, ["status", "closes_on", "members"]),
            "tellers": [str(t.user) for t in ballot.box.tellers.all()],
            "threshold": ballot.box.threshold,
        },
    )
    mail.send_templated_mail(
        template="ballot_opened",
        recipients=_leaders(ballot.block_year),
        context=_mail_context(ballot),
    )
    return ballot


# Voting -------------------------------------------------------------------------------------------


def voting_unit(ballot: Ballot, user: User) -> Unit | None:
    """The member unit this person casts the ballot for: one they lead (the first, by name),
    under a role granted before the ballot opened."""
    members = ballot.block_year.memberships.filter(left_on__isnull=True).values("unit")
    roles = UnitRole.objects.filter(user=user, role=UnitRole.Role.LEADER, unit__in=members)
    if ballot.opened_at is not None:
        roles = roles.filter(granted_at__lt=ballot.opened_at)
    role = roles.select_related("unit").order_by("unit__name").first()
    return role.unit if role else None


def _check_choices(ballot: Ballot, choices: Mapping[int, bool]) -> dict[int, bool]:
    candidates = set(ballot.candidates.values_list("pk", flat=True))
    unknown = set(choices) - candidates
    if unknown:
        raise DomainError(_("The ballot names a candidate who is not on it."))
    if ballot.mode == Ballot.Mode.APPROVE:
        missing = candidates - set(choices)
        if missing:
            raise DomainError(_("Say whether you agree or disagree for every candidate."))
        return {pk: bool(value) for pk, value in choices.items()}
    chosen = {pk: True for pk, value in choices.items() if value}
    if len(chosen) > ballot.seats:
        raise DomainError(
            _("Choose at most %(n)d candidate(s).") % {"n": ballot.seats}, field="choices"
        )
    return chosen


def cast_vote(ballot: Ballot, *, by: User, choices: Mapping[int, bool]) -> str:
    """Cast the unit's sealed ballot and return its receipt code (shown once, never stored as
    such)."""
    check_not_archived(ballot.block_year_id)
    try:
        with transaction.atomic():
            return _cast(ballot, by=by, choices=choices)
    except IntegrityError as error:  # the voter roll's constraint: a simultaneous second click
        raise DomainError(_("Your unit has already voted in this ballot.")) from error


def _options(ballot: Ballot) -> list[int]:
    return sorted(ballot.candidates.values_list("pk", flat=True))


def _cast(ballot: Ballot, *, by: User, choices: Mapping[int, bool]) -> str:
    ballot = _locked(ballot)
    if ballot.status != Ballot.Status.OPEN or ballot.box is None:
        raise DomainError(_("This ballot is not open for voting."))
    if ballot.closes_on is not None and timezone.localdate() > ballot.closes_on:
        raise DomainError(
            _("Voting closed on %(day)s.") % {"day": ballot.closes_on.strftime("%d/%m/%Y")}
        )
    unit = voting_unit(ballot, by)
    if unit is None:
        raise DomainError(_("Only the leader of a member unit casts its ballot."))
    if voting.roll(ballot.box).filter(unit=unit).exists():
        raise DomainError(_("Your unit has already voted in this ballot."))
    clean = _check_choices(ballot, choices)
    receipt = voting.cast(ballot.box, by=by, unit=unit, choices=clean, options=_options(ballot))
    # That the unit voted, never what it chose.
    audit.record("awards.ballot.voted", actor=by, obj=ballot, after={"unit": unit.name})
    return receipt


def check_receipt(ballot: Ballot, receipt: str) -> voting.ReceiptCheck:
    """Whether a ballot with this receipt is in the box, and (once counted) in the count."""
    return voting.check_receipt(ballot.box, receipt)


def has_voted(ballot: Ballot, unit: Unit | None) -> bool:
    return unit is not None and voting.roll(ballot.box_id).filter(unit=unit).exists()


def voters(ballot: Ballot) -> QuerySet[RollEntry]:
    """The units that voted, by whom and when (never what they chose)."""
    return voting.roll(ballot.box_id).select_related("unit", "voted_by").order_by("unit__name")


# Counting -----------------------------------------------------------------------------------------


def decide(
    ballot: Ballot, counts: Mapping[int, tuple[int, int]], cast: int
) -> dict[int, tuple[bool, str]]:
    """Who succeeds, from the counts {candidate: (agree, disagree)}: the quorum first, then the
    approval share, then the places (a tie at the last place decides nothing for those tied).
    Returns {candidate: (succeeded, `BallotCandidate.Outcome`)}."""
    outcome = BallotCandidate.Outcome
    members = ballot.members or 0
    if not ballot.quorum_met(cast, members):
        return {pk: (False, outcome.NO_QUORUM) for pk in counts}
    passing = {pk for pk, (agree, _d) in counts.items() if ballot.approved(agree, cast, members)}
    ordered = sorted(passing, key=lambda pk: -counts[pk][0])
    winners = set(ordered[: ballot.seats])
    if len(ordered) > ballot.seats:
        cutoff = counts[ordered[ballot.seats - 1]][0]
        tied = {pk for pk in ordered if counts[pk][0] == cutoff}
        if len(tied & winners) < len(tied):
            winners -= tied
    return {
        pk: (
            pk in winners,
            outcome.SUCCEEDED
            if pk in winners
            else (outcome.OUTSIDE if pk in passing else outcome.SHORT),
        )
        for pk in counts
    }


def results_of(
    ballot: Ballot, candidates: Iterable[BallotCandidate] | None = None
) -> list[dict[str, Any]]:
    """The results as published: each candidate's counts and outcome, in the ballot's order
    (`candidates` are read in that order unless given)."""
    if candidates is None:
        candidates = ballot.candidates.order_by("position", "pk")
    return [
        {
            "unit": c.name,
            "agree": c.approvals,
            "disagree": c.disapprovals,
            "elected": c.elected,
        }
        for c in candidates
    ]


def results_sha256(ballot: Ballot, results: list[dict[str, Any]]) -> str:
    """The SHA-256 of a closed ballot's results (what `Ballot.results_sha256` keeps)."""
    canonical = json.dumps(
        {"ballot": ballot.pk, "members": ballot.members, "cast": ballot.cast, "results": results},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _finish(
    ballot: Ballot,
    *,
    by: User,
    counts: Mapping[int, tuple[int, int]] | None,
    cast: int,
    before: str,
    tellers: Iterable[str] = (),
) -> None:
    """Write the outcome of a counted ballot, or (`counts` None) of a void one, which keeps no
    count at all."""
    lost = BallotCandidate.Outcome.NO_QUORUM
    if counts is None and ballot.quorum_met(cast, ballot.members or 0):
        lost = BallotCandidate.Outcome.VOID
    outcome = decide(ballot, counts, cast) if counts is not None else {}
    candidates = list(ballot.candidates.all())
    for candidate in candidates:
        if counts is None:
            candidate.approvals = candidate.disapprovals = None
            candidate.elected, candidate.outcome = False, lost
            continue
        agree, disagree = counts.get(candidate.pk, (0, 0))
        candidate.approvals, candidate.disapprovals = agree, disagree
        candidate.elected, candidate.outcome = outcome.get(candidate.pk, (False, ""))
    BallotCandidate.objects.bulk_update(
        candidates, ["approvals", "disapprovals", "elected", "outcome"]
    )
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at, ballot.closed_by = timezone.now(), by
    ballot.cast = cast
    ballot.quorum_reached = ballot.quorum_met(cast, ballot.members or 0)
    void = ballot.box.void if ballot.box else ("no_quorum" if counts is None else "")
    results = results_of(ballot)
    ballot.results_sha256 = results_sha256(ballot, results)
    ballot.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "cast",
            "quorum_reached",
            "results_sha256",
            "members",
            "minutes_scan",
            "minutes_scan_sha256",
        ]
    )
    audit.record(
        "awards.ballot.closed",
        actor=by,
        obj=ballot,
        before={"status": before},
        after={
            "status": Ballot.Status.CLOSED,
            "members": ballot.members,
            "cast": cast,
            "quorum": ballot.quorum_reached,
            "void": void,
            "tellers": list(tellers),
            # Totals only, as published once closed: [unit, agree, disagree, succeeded].
            "results": [[r["unit"], r["agree"], r["disagree"], r["elected"]] for r in results],
            "sha256": ballot.results_sha256,
        },
    )
    elected = [c.name for c in candidates if c.elected]
    mail.send_templated_mail(
        template="ballot_closed",
        recipients=_people(ballot.block_year),
        context={
            **_mail_context(ballot),
            "cast": cast,
            "members": ballot.members,
            "quorum": ballot.quorum_reached,
            "elected": elected,
            "void": counts is None,
        },
    )
    if counts is None:
        return  # nothing follows a void ballot but holding it again
    from awards.services import after_ballot  # nominations and hand-over follow the outcome

    after_ballot.ballot_closed(ballot, by=by)


@transaction.atomic
def close_ballot(ballot: Ballot, *, by: User) -> Ballot:
    """Stop an online ballot. Without quorum it is void at once: no count, its ballots destroyed
    unopened. Otherwise it waits for the counting board (`count_ballot`), who are told."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.status != Ballot.Status.OPEN or ballot.box is None:
        raise DomainError(_("Only an open ballot can be closed."))
    cast = voting.roll(ballot.box).count()
    quorum = ballot.quorum_met(cast, ballot.members or 0)
    voting.stop(ballot.box, quorum=quorum)
    if not quorum:
        _finish(ballot, by=by, counts=None, cast=cast, before=Ballot.Status.OPEN)
        return ballot
    ballot.status = Ballot.Status.COUNTING
    ballot.save(update_fields=["status"])
    audit.record(
        "awards.ballot.stopped",
        actor=by,
        obj=ballot,
        before={"status": Ballot.Status.OPEN},
        after={"status": Ballot.Status.COUNTING, "cast": cast, "members": ballot.members},
    )
    mail.send_templated_mail(
        template="ballot_count",
        recipients=User.objects.filter(pk__in=ballot.box.tellers.values("user"), is_active=True),
        context={**_mail_context(ballot), "threshold": ballot.box.threshold},
    )
    return ballot


@transaction.atomic
def count_ballot(ballot: Ballot, *, by: User, codes: Iterable[str]) -> Ballot:
    """Count a closed ballot with the codes the counting board types at the table: the box is
    opened in memory, only the totals are written, the sealed ballots are emptied."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.status != Ballot.Status.COUNTING or ballot.box is None:
        raise DomainError(_("This ballot is not waiting for its count."))
    counts, cast, tellers = voting.count(ballot.box, codes=codes, options=_options(ballot))
    names = [str(t.user) for t in tellers]
    _finish(ballot, by=by, counts=counts, cast=cast, before=Ballot.Status.COUNTING, tellers=names)
    return ballot


@transaction.atomic
def void_ballot(ballot: Ballot, *, by: User, reason: str) -> Ballot:
    """The counting board cannot give enough codes: the ballot is void, its sealed ballots are
    destroyed unopened, and it can be held again."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.status != Ballot.Status.COUNTING or ballot.box is None:
        raise DomainError(_("Only a ballot waiting for its count can be declared void."))
    voting.declare_void(ballot.box, reason=reason)
    cast = voting.roll(ballot.box).count()
    _finish(ballot, by=by, counts=None, cast=cast, before=Ballot.Status.COUNTING)
    audit.record("awards.ballot.voided", actor=by, obj=ballot, reason=reason.strip())
    return ballot


@transaction.atomic
def open_ballots(
    ballots: Iterable[Ballot], *, by: User, closes_on: datetime.date | None = None
) -> list[Ballot]:
    """Open several prepared online ballots, each through `open_ballot` (audited and mailed as
    one by one), all closing on `closes_on` when given. All or none: a ballot opened meanwhile,
    or whose closing date has passed, stops the whole and is named."""
    return each_or_none(
        ballots,
        lambda ballot: open_ballot(ballot, by=by, closes_on=closes_on),
        name=lambda ballot: ballot.title,
        nothing=_("No ballot was opened."),
    )


@transaction.atomic
def close_ballots(ballots: Iterable[Ballot], *, by: User) -> list[Ballot]:
    """Close voting in several open ballots, each through `close_ballot` (audited and mailed as
    one by one). All or none: a ballot closed meanwhile stops the whole and is named."""
    return each_or_none(
        ballots,
        lambda ballot: close_ballot(ballot, by=by),
        name=lambda ballot: ballot.title,
        nothing=_("No ballot was closed."),
    )


@transaction.atomic
def record_paper_ballot(
    ballot: Ballot,
    *,
    by: User,
    members: int,
    cast: int,
    counts: Mapping[int, tuple[int, int]],
    scan: UploadedFile | None,
) -> Ballot:
    """Record a ballot held on paper at the meeting: the counts per candidate and the scanned
    minutes signed there. It is closed at once."""
    check_not_archived(ballot.block_year_id)
    ballot = _locked(ballot)
    if ballot.method != Ballot.Method.PAPER or ballot.status != Ballot.Status.DRAFT:
        raise DomainError(_("Only a ballot held on paper, not yet recorded, takes counts."))
    entitled = _members(ballot.block_year).count()
    if not 1 <= members <= entitled:
        raise DomainError(
            _("The block has %(n)d member units entitled to vote.") % {"n": entitled},
            field="members",
        )
    if not 0 <= cast <= members:
        raise DomainError(_("More ballots cast than units entitled to vote."), field="cast")
    ids = set(ballot.candidates.values_list("pk", flat=True))
    if set(counts) != ids:
        raise DomainError(_("Give the counts of every candidate."))
    for agree, disagree in counts.values():
        if agree < 0 or disagree < 0 or agree + disagree > cast:
            raise DomainError(
                _("A candidate cannot have more votes than ballots cast."), field="counts"
            )
    if (
        ballot.mode == Ballot.Mode.CHOOSE
        and sum(a for a, _d in counts.values()) > cast * ballot.seats
    ):
        raise DomainError(_("More choices counted than the ballots allow."), field="counts")
    if scan is None:
        raise DomainError(
            _("Upload the scanned minutes signed at the meeting (PDF or image)."), field="scan"
        )
    try:
        checked = validate_upload(scan, kinds=("pdf", "image"))
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="scan") from error
    scan.name = checked.safe_name
    ballot.minutes_scan.save(scan.name, scan, save=False)
    ballot.minutes_scan_sha256 = checked.sha256
    ballot.members = members
    # Without quorum the meeting's counts are not kept: the ballot is void, as online.
    kept = counts if ballot.quorum_met(cast, members) else None
    try:
        _finish(ballot, by=by, counts=kept, cast=cast, before=Ballot.Status.DRAFT)
    except BaseException:
        ballot.minutes_scan.delete(save=False)  # the rows roll back; the file must go too
        raise
    return ballot


# Reminders ----------------------------------------------------------------------------------------


def send_ballot_reminders(*, today: datetime.date | None = None, days_before: int = 2) -> int:
    """Remind the leaders of units that have not voted when an open ballot closes soon; once a
    day per unit. Returns how many units were reminded."""
    today = today or timezone.localdate()
    ballots = Ballot.objects.filter(
        status=Ballot.Status.OPEN,
        block_year__archived_at=None,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=days_before),
    ).select_related("block_year__block")
    reminded = 0
    for ballot in ballots:
        voted = voting.roll(ballot.box_id).values("unit")
        waiting = (
            ballot.block_year.memberships.filter(left_on__isnull=True)
            .exclude(unit__in=voted)
            .select_related("unit")
        )
        for membership in waiting:
            with transaction.atomic():
                if not mail.claim_once(
                    BallotReminder, ballot=ballot, unit=membership.unit, sent_on=today
                ):
                    continue  # already reminded today
                mail.send_templated_mail(
                    template="ballot_reminder",
                    recipients=User.objects.filter(
                        is_active=True,
                        unit_roles__unit=membership.unit,
                        unit_roles__role=UnitRole.Role.LEADER,
                    ),
                    context={**_mail_context(ballot), "unit": membership.unit.name},
                )
                reminded += 1
    return reminded
