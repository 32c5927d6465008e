"""The ballots and council votes of a database made before the voting core move into it: closed
ones keep their voter roll, their receipts and their totals; one still open had its choices
written in clear, so it is closed as void and says why; the choices in clear are gone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from awards import secrecy

BEFORE = [("awards", "0004_agenda_item_note_en"), ("blocks", "0006_unit_role_granted_at")]
AFTER = [("awards", "0007_drop_plain_ballots")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_closed_votes_keep_roll_receipts_and_totals_and_open_ones_are_void() -> None:
    old = migrate(BEFORE)
    User = old.get_model("emulation", "User")
    Authority = old.get_model("blocks", "Authority")
    Unit = old.get_model("blocks", "Unit")
    Block = old.get_model("blocks", "Block")
    BlockYear = old.get_model("blocks", "BlockYear")
    Ballot = old.get_model("awards", "Ballot")
    Candidate = old.get_model("awards", "BallotCandidate")
    Voter = old.get_model("awards", "BallotVoter")
    Cast = old.get_model("awards", "CastBallot")
    Choice = old.get_model("awards", "CastChoice")
    Session = old.get_model("awards", "CouncilSession")
    CouncilVoter = old.get_model("awards", "CouncilVoter")
    CouncilCast = old.get_model("awards", "CouncilCastBallot")

    person = User.objects.create(username="lanh-dao", full_name="Nguyễn Văn A")
    authority = Authority.objects.create(
        name="UBND tỉnh Quảng Trị", short_name="QT", level="provincial"
    )
    units = [Unit.objects.create(authority=authority, name=f"Sở {n}") for n in range(3)]
    block = Block.objects.create(authority=authority, name="Khối thi đua")
    year = BlockYear.objects.create(block=block, year=2025)
    now = timezone.now()

    def ballot(status: str) -> Any:
        made = Ballot.objects.create(
            block_year=year,
            kind="head",
            mode="choose",
            status=status,
            created_by=person,
            members=3,
            cast=3 if status == "closed" else None,
            quorum_reached=True if status == "closed" else None,
        )
        candidate = Candidate.objects.create(
            ballot=made,
            unit=units[0],
            unit_name=units[0].name,
            approvals=3 if status == "closed" else None,
            disapprovals=0 if status == "closed" else None,
            elected=True if status == "closed" else None,
            outcome="succeeded" if status == "closed" else "",
        )
        receipts = []
        for unit in units:
            Voter.objects.create(ballot=made, unit=unit, voted_by=person, voted_at=now)
            receipt = secrecy.new_receipt()
            receipts.append(receipt)
            paper = Cast.objects.create(
                ballot=made, receipt_sha256=secrecy.receipt_hash(str(made.pk), receipt)
            )
            Choice.objects.create(cast_ballot=paper, candidate=candidate, approve=True)
        return made, receipts

    closed, closed_receipts = ballot("closed")
    still_open, open_receipts = ballot("open")
    session = Session.objects.create(
        authority=authority,
        year=2025,
        title="Phiên họp",
        held_on=datetime.date(2026, 1, 20),
        status="closed",
        created_by=person,
        council_size=1,
        cast=1,
        quorum_reached=True,
    )
    CouncilVoter.objects.create(session=session, user=person, voted_at=now)
    council_receipt = secrecy.new_receipt()
    CouncilCast.objects.create(
        session=session,
        receipt_sha256=secrecy.receipt_hash(f"council:{session.pk}", council_receipt),
    )

    migrate(AFTER)
    # Back to every app's latest (the registry's too: it was taken back to 0006 above).
    migrate(_leaves())

    from awards.models import Ballot as NewBallot
    from awards.models import BallotBox, CouncilSession, RollEntry
    from awards.services import ballots, sessions

    counted = NewBallot.objects.select_related("box").get(pk=closed.pk)
    assert counted.box is not None and counted.box.state == BallotBox.State.COUNTED
    assert RollEntry.objects.filter(box=counted.box).count() == 3
    assert all(ballots.check_receipt(counted, r).counted for r in closed_receipts)
    assert list(counted.candidates.values_list("approvals", "elected")) == [(3, True)]

    void = NewBallot.objects.select_related("box").get(pk=still_open.pk)
    assert void.status == NewBallot.Status.CLOSED and void.is_void
    assert void.box is not None and void.box.void == BallotBox.Void.LEGACY and void.box.void_reason
    assert list(void.candidates.values_list("approvals", "outcome")) == [(None, "void")]
    check = ballots.check_receipt(void, open_receipts[0])
    assert (check.found, check.counted, check.void) == (True, False, True)

    council = CouncilSession.objects.select_related("box").get(pk=session.pk)
    assert sessions.check_council_receipt(council, council_receipt).counted
    assert sessions.voters(council).filter(voted_by_id=person.pk).exists()

    tables = connection.introspection.table_names()
    assert not {"awards_castchoice", "awards_councilcastchoice"} & set(tables)


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
