"""What follows a closed ballot: nominations from a nomination ballot, next year's head and
deputies from an election."""

from __future__ import annotations

from awards.models import Ballot
from awards.services import dossiers, handover
from emulation.models import User


def ballot_closed(ballot: Ballot, *, by: User) -> None:
    if ballot.kind == Ballot.Kind.NOMINATION:
        dossiers.nominate_from_ballot(ballot, by=by)
    elif ballot.kind in {Ballot.Kind.HEAD, Ballot.Kind.DEPUTY}:
        handover.prepare_from_ballot(ballot, by=by)
