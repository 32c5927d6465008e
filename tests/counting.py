"""Running a vote through its counting board in tests: each teller receives their code (kept here,
as the tellers would keep theirs), voting opens, and closing hands the codes back at the counting
table. The functions take the services' arguments, so a test reads as the services do."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from awards.models import Ballot, BallotBox, CouncilSession
from awards.services import ballots, sessions, voting
from emulation.models import User

# The codes the tellers of each box received, by box.
CODES: dict[int, list[str]] = {}


def name_board(vote: Ballot | CouncilSession, *, by: User) -> None:
    """When no board was proposed at creation (too few people then), name one of up to three
    of those who may sit on it now, any two of whom count."""
    if isinstance(vote, Ballot):
        people = [r.user for r in ballots.board_candidates(vote.block_year)]
        unique = list({p.pk: p for p in people}.values())[:3]
        ballots.name_board(vote, by=by, tellers=unique, threshold=2)
    else:
        members = list(sessions.council_members(vote.authority_id)[:3])
        sessions.name_board(vote, by=by, tellers=members, threshold=min(2, len(members)))


def seat_board(vote: Ballot | CouncilSession, *, by: User | None = None) -> list[str]:
    """Every teller of the vote's board not yet seated receives their code (the board is named
    first by `by` when there is none)."""
    vote.refresh_from_db()
    assert vote.box is not None, "held on paper: no counting board"
    if not vote.box.tellers.exists() and by is not None:
        name_board(vote, by=by)
        vote.refresh_from_db()
    take = ballots.take_code if isinstance(vote, Ballot) else sessions.take_code
    box = vote.box.pk
    # Only the codes of this box's tellers (ids come back after a test's rollback).
    seated = {bytes(t.public_key or b"") for t in vote.box.tellers.all()}
    CODES[box] = [c for c in CODES.get(box, []) if _public_key(c) in seated]
    codes = CODES[box]
    for teller in vote.box.tellers.select_related("user").filter(seated_at__isnull=True):
        codes.append(take(vote, by=teller.user))  # type: ignore[arg-type]
    return codes


def _public_key(code: str) -> bytes:
    raw = voting.parse_code(code)
    return bytes(voting._teller_key(raw).public_key) if raw else b""


def open_ballot(ballot: Ballot, *, by: User, closes_on: datetime.date | None = None) -> Ballot:
    seat_board(ballot, by=by)
    return ballots.open_ballot(ballot, by=by, closes_on=closes_on)


def open_ballots(items: Iterable[Ballot], *, by: User, **options: Any) -> list[Ballot]:
    items = list(items)
    for ballot in items:
        if ballot.box_id and ballot.status == Ballot.Status.DRAFT:
            seat_board(ballot, by=by)
    return ballots.open_ballots(items, by=by, **options)


def count(vote: Any, *, by: User) -> Any:
    """Count a vote waiting for its board, with as many codes as it needs."""
    vote.refresh_from_db()
    box: BallotBox = vote.box
    codes = CODES[box.pk][: box.threshold]
    if isinstance(vote, Ballot):
        return ballots.count_ballot(vote, by=by, codes=codes)
    return sessions.count_session(vote, by=by, codes=codes)


def close_ballot(ballot: Ballot, *, by: User) -> Ballot:
    """Close voting and, with the quorum reached, count at once with the board's codes."""
    ballot = ballots.close_ballot(ballot, by=by)
    return count(ballot, by=by) if ballot.status == Ballot.Status.COUNTING else ballot


def close_ballots(items: Iterable[Ballot], *, by: User) -> list[Ballot]:
    closed = ballots.close_ballots(items, by=by)
    return [count(b, by=by) if b.status == Ballot.Status.COUNTING else b for b in closed]


def open_session(session: CouncilSession, *, by: User) -> CouncilSession:
    seat_board(session, by=by)
    return sessions.open_session(session, by=by)


def close_session(session: CouncilSession, *, by: User) -> CouncilSession:
    session = sessions.close_session(session, by=by)
    if session.status == CouncilSession.Status.COUNTING:
        return count(session, by=by)  # type: ignore[no-any-return]
    return session
