"""Permission-matrix rows for ballots: name -> (arguments, GET statuses, POST statuses)."""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix import FORM_ERRORS, RUN, SEE, Args, everyone, read_only, scoped, year


def published(w: World) -> list[Any]:
    from tests.factories import make_published_ranking

    return [make_published_ranking(w).block_year_id]


def open_ballot(w: World) -> list[Any]:
    from tests.factories import make_ballot

    return [make_ballot(w).pk]


def draft_ballot(w: World) -> list[Any]:
    from tests.factories import make_ballot

    return [make_ballot(w, opened=False).pk]


def seated_ballot(w: World) -> list[Any]:
    """Prepared, every teller of its counting board holding their code: ready to open."""
    from tests import counting
    from tests.factories import make_ballot

    ballot = make_ballot(w, opened=False)
    counting.seat_board(ballot)
    return [ballot.pk]


def paper_ballot(w: World) -> list[Any]:
    from tests.factories import make_ballot

    return [make_ballot(w, method="paper").pk]


def recorded_paper_ballot(w: World) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, method="paper")
    scan = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    counts = {c.pk: (4, 0) for c in ballot.candidates.all()}
    ballots.record_paper_ballot(
        ballot, by=w.secretariat, members=4, cast=4, counts=counts, scan=scan
    )
    return [ballot.pk]


def issued_minutes(w: World) -> list[Any]:
    from awards.documents import ballot_minutes
    from tests.factories import make_closed_ballot

    ballot = make_closed_ballot(w)
    ballot_minutes.issue_minutes(w.block_year, by=w.secretariat)
    return [ballot.block_year_id]


def counting_ballot(w: World) -> list[Any]:
    """Every member unit voted and voting is closed: the board has not counted yet."""
    from awards.services import ballots
    from tests.factories import make_ballot, make_leaders

    ballot = make_ballot(w, kind="acclaim")
    for leader in make_leaders(w):
        ballots.cast_vote(ballot, by=leader, choices={c.pk: True for c in ballot.candidates.all()})
    return [ballots.close_ballot(ballot, by=w.secretariat).pk]


def void_ballot(w: World) -> list[Any]:
    """Closed with nobody voting: void, quorum not reached."""
    from awards.services import ballots
    from tests.factories import make_ballot

    return [ballots.close_ballot(make_ballot(w, kind="acclaim"), by=w.secretariat).pk]


VOTER = {"leader"}  # the leader of a member unit; no higher role votes for a unit
TELLER = {"leader"}  # a leader of a member unit named on the counting board (not the head's)

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:ballot_list": (published, scoped(SEE), everyone(405)),
    # An empty form: the kind is missing, so nothing is prepared.
    "awards:ballot_create": (published, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    # An empty POST names no ballot: refused on the list, nothing changed.
    "awards:ballots_open": (published, scoped(RUN), scoped(RUN, 302)),
    "awards:ballots_close": (published, scoped(RUN), scoped(RUN, 302)),
    "awards:eligibility": (published, scoped(SEE), everyone(405)),
    # No ballot is closed yet: the refusal is shown on the list of ballots.
    "awards:minutes_issue": (year, scoped(RUN), scoped(RUN, 302)),
    "awards:minutes_pdf": (issued_minutes, scoped(SEE), everyone(405)),
    "awards:ballot_detail": (open_ballot, scoped(SEE), everyone(405)),
    # Opening keeps the date set when it was prepared: an empty form opens the ballot.
    "awards:ballot_open": (seated_ballot, scoped(RUN), scoped(RUN, 302)),
    "awards:ballot_close": (open_ballot, scoped(RUN), scoped(RUN, 302)),
    "awards:ballot_vote": (open_ballot, scoped(VOTER), scoped(VOTER, FORM_ERRORS)),
    "awards:ballot_receipt": (open_ballot, scoped(SEE), scoped(SEE, FORM_ERRORS)),
    "awards:ballot_paper": (paper_ballot, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "awards:ballot_scan": (recorded_paper_ballot, scoped(SEE), everyone(405)),
    # The voting core: an empty board names nobody; a teller's code is theirs alone; the count
    # is for the tellers and whoever runs the vote (the codes open the box); void and rerun need
    # a reason.
    "awards:ballot_board": (draft_ballot, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "awards:ballot_code": (draft_ballot, scoped(TELLER), scoped(TELLER)),
    "awards:ballot_count": (counting_ballot, scoped(RUN | TELLER), scoped(RUN | TELLER)),
    "awards:ballot_void": (counting_ballot, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "awards:ballot_rerun": (void_ballot, scoped(RUN), scoped(RUN, FORM_ERRORS)),
}

# Once the year is archived: name -> (GET statuses, POST statuses).
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:ballot_list": (scoped(SEE), everyone(405)),
    "awards:ballot_create": (read_only(), read_only()),
    "awards:ballots_open": (read_only(), read_only()),
    "awards:ballots_close": (read_only(), read_only()),
    "awards:eligibility": (scoped(SEE), everyone(405)),
    "awards:minutes_issue": (read_only(), read_only()),
    "awards:minutes_pdf": (scoped(SEE), everyone(405)),
    "awards:ballot_detail": (scoped(SEE), everyone(405)),
    "awards:ballot_open": (read_only(), read_only()),
    "awards:ballot_close": (read_only(), read_only()),
    "awards:ballot_vote": (read_only(), read_only()),
    # Checking a receipt changes nothing: still answered.
    "awards:ballot_receipt": (scoped(SEE), scoped(SEE, FORM_ERRORS)),
    "awards:ballot_paper": (read_only(), read_only()),
    "awards:ballot_scan": (scoped(SEE), everyone(405)),
    "awards:ballot_board": (read_only(), read_only()),
    "awards:ballot_code": (read_only(), read_only()),
    "awards:ballot_count": (read_only(), read_only()),
    "awards:ballot_void": (read_only(), read_only()),
    "awards:ballot_rerun": (read_only(), read_only()),
}
