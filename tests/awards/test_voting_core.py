"""The voting core attacked through the services: who may sit on the counting board, the codes
given once and kept nowhere, counting with too few, wrong or foreign codes, boxes stuffed or
emptied behind the services' back, and the early close that would tell how the first voters
chose (docs/ballot-secrecy.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from nacl.public import PublicKey, SealedBox
from nacl.utils import random as random_bytes

from awards.models import (
    AgendaItem,
    Ballot,
    BallotBox,
    BallotCandidate,
    CouncilSession,
    SealedBallot,
    Teller,
)
from awards.services import ballots, sessions, voting
from blocks.models import UnitRole
from blocks.services import assign_unit_role
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests import counting
from tests.awards.matrix_sessions import opened, prepared
from tests.factories import World, make_ballot, make_council_members, make_leaders, make_user, rows

pytestmark = pytest.mark.django_db


# Helpers ------------------------------------------------------------------------------------------


def stored_values() -> Iterator[tuple[str, str, str | bytes]]:
    """Every value of every row of every table, as text or bytes: (model, field, value)."""
    for model in apps.get_models(include_auto_created=True):
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, memoryview | bytes | bytearray):
                    yield model._meta.label, name, bytes(value)
                elif isinstance(value, dict | list):
                    yield model._meta.label, name, json.dumps(value, ensure_ascii=False)
                else:
                    yield model._meta.label, name, str(value)


def code_forms(code: str) -> tuple[list[str], list[bytes]]:
    """A teller's code as text in every way it could be written, and its raw bytes."""
    raw = voting.parse_code(code)
    assert raw is not None and len(raw) == voting.SECRET_BYTES
    plain = code.replace("-", "")
    return [code, plain, plain.lower(), code.lower()], [
        raw,
        raw.hex().encode(),
        raw.hex().upper().encode(),
    ]


def assert_stored_nowhere(codes: list[str]) -> None:
    texts: list[str] = []
    raws: list[bytes] = []
    for code in codes:
        text_forms, raw_forms = code_forms(code)
        texts += text_forms
        raws += raw_forms
    seen = 0
    for label, name, value in stored_values():
        seen += 1
        if isinstance(value, bytes):
            assert not any(raw in value for raw in raws), (label, name)
            assert not any(t.encode() in value for t in texts), (label, name)
        else:
            assert not any(t in value for t in texts), (label, name)
            assert not any(raw.hex() in value.lower() for raw in raws[::3]), (label, name)
    assert seen > 100, "the scan read the database"
    for message in mail.outbox:
        body = message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert not any(t in body for t in texts), message.subject


def choices_for(candidates: list[Any], index: int, mode: str = "approve") -> dict[int, bool]:
    """Voter `index`'s choices: a different pattern each (the bits of the index)."""
    if mode == "choose":
        return {candidates[index % len(candidates)].pk: True}
    return {c.pk: bool((index >> bit) & 1) for bit, c in enumerate(candidates)}


def refused(action: Any, match: str) -> None:
    with pytest.raises(DomainError, match=match):
        action()


def counted_ballot_state(ballot: Ballot) -> tuple[Any, ...]:
    ballot.refresh_from_db()
    box = BallotBox.objects.get(ballot=ballot)
    return (
        ballot.status,
        box.state,
        list(ballot.candidates.values_list("approvals", "disapprovals")),
        SealedBallot.objects.filter(box=box, sealed__isnull=True).count(),
        Teller.objects.filter(box=box, sealed_share__isnull=True).count(),
    )


def voted_ballot(
    world: World, *, voters: int = 4, kind: str = "nomination"
) -> tuple[Ballot, list[str], dict[str, str]]:
    """An open ballot in which `voters` leaders voted differently; closed (waiting for the
    count) when the quorum is reached. Returns the ballot, its board's codes and receipts."""
    leaders = make_leaders(world)
    ballot = make_ballot(world, kind=kind)
    codes = counting.CODES[ballot.box_id]
    candidates = list(ballot.candidates.order_by("pk"))
    receipts = {}
    for index, leader in enumerate(leaders[:voters]):
        choices = choices_for(candidates, index, ballot.mode)
        receipts[leader.username] = ballots.cast_vote(ballot, by=leader, choices=choices)
    ballot = ballots.close_ballot(ballot, by=world.secretariat)
    return ballot, codes, receipts


# Naming the board -------------------------------------------------------------------------------


def test_the_block_board_refuses_too_few_a_bad_threshold_a_teller_twice_and_outsiders(
    world: World,
) -> None:
    leaders = make_leaders(world)
    ballot = make_ballot(world, opened=False)
    name = ballots.name_board
    by = world.secretariat
    refused(lambda: name(ballot, by=by, tellers=leaders[1:2], threshold=2), "at least two")
    refused(lambda: name(ballot, by=by, tellers=leaders[1:3], threshold=1), "Between 2 and 2")
    refused(lambda: name(ballot, by=by, tellers=leaders[1:4], threshold=4), "Between 2 and 3")
    refused(lambda: name(ballot, by=by, tellers=[leaders[1]] * 2, threshold=2), "each teller once")
    for stranger in (world.outsider, world.officer, world.member, world.secretariat):
        refused(
            lambda s=stranger: name(ballot, by=by, tellers=[leaders[1], s], threshold=2),
            "Only leaders of member units",
        )
    before = [t.user_id for t in Teller.objects.filter(box=ballot.box_id)]
    assert before == [leaders[1].pk, leaders[2].pk, leaders[3].pk], "the default board stayed"
    name(ballot, by=by, tellers=leaders[2:4], threshold=2)
    assert [t.user_id for t in Teller.objects.filter(box=ballot.box_id)] == [
        leaders[2].pk,
        leaders[3].pk,
    ]


def test_the_council_board_takes_only_council_members(world: World) -> None:
    members = [world.member, *make_council_members(world, 3)]
    session = prepared(world, present=members)
    name = sessions.name_board
    by = world.staff
    refused(lambda: name(session, by=by, tellers=members[:1], threshold=2), "at least two")
    refused(lambda: name(session, by=by, tellers=members[:3], threshold=1), "Between 2 and 3")
    refused(lambda: name(session, by=by, tellers=members[:2], threshold=3), "Between 2 and 2")
    refused(lambda: name(session, by=by, tellers=[members[0]] * 2, threshold=2), "once")
    for stranger in (world.staff, world.leader, world.admin):
        refused(
            lambda s=stranger: name(session, by=by, tellers=[members[0], s], threshold=2),
            "Only council members",
        )
    name(session, by=by, tellers=members[1:4], threshold=3)
    session.refresh_from_db()
    assert session.box is not None and session.box.threshold == 3


# Codes --------------------------------------------------------------------------------------------


def test_a_code_is_given_once_and_kept_nowhere(world: World) -> None:
    leaders = make_leaders(world)
    ballot = make_ballot(world, opened=False)
    first = ballots.take_code(ballot, by=leaders[1])
    refused(lambda: ballots.take_code(ballot, by=leaders[1]), "already received your code")
    refused(lambda: ballots.take_code(ballot, by=world.secretariat), "not on this ballot")
    codes = [first, *counting.seat_board(ballot)]
    assert len(set(codes)) == 3
    assert_stored_nowhere(codes)
    ballot = ballots.open_ballot(ballot, by=world.secretariat)
    candidates = list(ballot.candidates.order_by("pk"))
    for index, leader in enumerate(leaders):
        ballots.cast_vote(ballot, by=leader, choices=choices_for(candidates, index))
    assert_stored_nowhere(codes)
    ballots.close_ballot(ballot, by=world.secretariat)
    ballots.count_ballot(ballot, by=world.secretariat, codes=codes[1:])
    assert_stored_nowhere(codes)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED


def test_a_council_code_is_given_once_and_kept_nowhere(world: World) -> None:
    members = [world.member, *make_council_members(world, 3)]
    session = prepared(world, present=members)
    codes = counting.seat_board(session)
    teller = Teller.objects.filter(box=session.box_id).select_related("user").first()
    assert teller is not None
    refused(lambda: sessions.take_code(session, by=teller.user), "already received")
    assert_stored_nowhere(codes)
    session = sessions.open_session(session, by=world.staff)
    items = list(session.items.order_by("pk"))
    for index, member in enumerate(members):
        sessions.cast_council_vote(session, by=member, choices=choices_for(items, index))
    counting.close_session(session, by=world.staff)
    assert_stored_nowhere(codes)


def test_voting_opens_only_once_every_teller_has_their_code(world: World) -> None:
    leaders = make_leaders(world)
    ballot = make_ballot(world, opened=False)
    ballots.take_code(ballot, by=leaders[1])
    ballots.take_code(ballot, by=leaders[2])
    refused(lambda: ballots.open_ballot(ballot, by=world.secretariat), "receive their codes first")
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.DRAFT and ballot.box is not None
    assert ballot.box.state == BallotBox.State.PREPARING and ballot.box.public_key is None
    assert not Teller.objects.filter(box=ballot.box, sealed_share__isnull=False).exists()
    ballots.take_code(ballot, by=leaders[3])
    assert ballots.open_ballot(ballot, by=world.secretariat).status == Ballot.Status.OPEN
    refused(lambda: ballots.take_code(ballot, by=leaders[3]), "before voting opens")


def test_a_session_opens_only_once_every_teller_has_their_code(world: World) -> None:
    members = [world.member, *make_council_members(world, 2)]
    session = prepared(world, present=members)
    teller = Teller.objects.filter(box=session.box_id).select_related("user").first()
    assert teller is not None
    sessions.take_code(session, by=teller.user)
    refused(lambda: sessions.open_session(session, by=world.staff), "receive their codes first")
    counting.seat_board(session)
    assert sessions.open_session(session, by=world.staff).status == CouncilSession.Status.OPEN


# Counting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["nomination", "head"])
def test_the_count_is_exactly_the_votes_cast(world: World, kind: str) -> None:
    leaders = make_leaders(world)
    ballot = make_ballot(world, kind=kind)
    candidates = list(ballot.candidates.order_by("pk"))
    assert len(candidates) >= 2
    expected = {c.pk: [0, 0] for c in candidates}
    patterns = set()
    for index, leader in enumerate(leaders):
        choices = choices_for(candidates, index, ballot.mode)
        patterns.add(frozenset(choices.items()))
        ballots.cast_vote(ballot, by=leader, choices=choices)
        for candidate in candidates:
            if candidate.pk in choices:
                expected[candidate.pk][0 if choices[candidate.pk] else 1] += 1
    assert len(patterns) >= 2, "the voters chose differently"
    ballots.close_ballot(ballot, by=world.secretariat)
    codes = counting.CODES[ballot.box_id]
    ballots.count_ballot(ballot, by=world.secretariat, codes=[codes[2], codes[0]])
    got = {c.pk: [c.approvals, c.disapprovals] for c in ballot.candidates.all()}
    assert got == expected
    assert ballot.mode == ("approve" if kind == "nomination" else "choose")
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.cast == 4


def test_the_councils_count_is_exactly_the_votes_cast(world: World) -> None:
    members = [world.member, *make_council_members(world, 4)]
    session = opened(world, present=members)
    items = list(session.items.order_by("pk"))
    expected = {i.pk: [0, 0] for i in items}
    for index, member in enumerate(members):
        choices = choices_for(items, index)
        sessions.cast_council_vote(session, by=member, choices=choices)
        for pk, agree in choices.items():
            expected[pk][0 if agree else 1] += 1
    sessions.close_session(session, by=world.staff)
    sessions.count_session(session, by=world.staff, codes=counting.CODES[session.box_id][1:])
    got = {i.pk: [i.approvals, i.disapprovals] for i in AgendaItem.objects.filter(session=session)}
    assert got == expected and len({tuple(v) for v in expected.values()}) > 1


def test_fewer_codes_than_the_threshold_wrong_and_foreign_codes_count_nothing(
    world: World,
) -> None:
    ballot, codes, _receipts = voted_ballot(world)
    other = make_ballot(world, kind="head")  # another box, the same tellers
    foreign = counting.CODES[other.box_id]
    assert ballot.status == Ballot.Status.COUNTING
    before = rows("awards", "emulation")
    state = counted_ballot_state(ballot)
    count = ballots.count_ballot
    by = world.secretariat
    unknown = voting.format_code(random_bytes(voting.SECRET_BYTES))
    attempts = [
        ([codes[0]], "2 tellers' codes are needed to count; 1 given"),
        ([codes[1], codes[1]], "1 given"),  # one code typed twice is one teller
        ([codes[0], ""], "1 given"),
        ([codes[0], unknown], "belongs to no teller"),
        ([codes[0], "not a code at all"], "is not a teller's code"),
        ([codes[0], foreign[1]], "belongs to no teller"),
        (foreign, "belongs to no teller"),
    ]
    for given, match in attempts:
        refused(lambda g=given: count(ballot, by=by, codes=g), match)
    assert rows("awards", "emulation") == before
    assert counted_ballot_state(ballot) == state
    assert state[2] == [(None, None)] * len(state[2]) and state[3] == state[4] == 0
    count(ballot, by=by, codes=[codes[0], codes[1].lower().replace("-", " ")])
    assert counted_ballot_state(ballot)[:2] == (Ballot.Status.CLOSED, BallotBox.State.COUNTED)


def test_a_threshold_of_three_refuses_two_codes(world: World) -> None:
    leaders = make_leaders(world)
    ballot = make_ballot(world, opened=False)
    ballots.name_board(ballot, by=world.secretariat, tellers=leaders[1:4], threshold=3)
    ballot = counting.open_ballot(ballot, by=world.secretariat)
    for leader in leaders:
        ballots.cast_vote(ballot, by=leader, choices={c.pk: True for c in ballot.candidates.all()})
    ballots.close_ballot(ballot, by=world.secretariat)
    codes = counting.seat_board(ballot)
    refused(
        lambda: ballots.count_ballot(ballot, by=world.secretariat, codes=codes[:2]),
        "3 tellers' codes are needed",
    )
    ballots.count_ballot(ballot, by=world.secretariat, codes=codes)
    assert ballot.candidates.exclude(approvals=4).count() == 0


def test_after_the_count_the_box_keeps_only_receipts(world: World) -> None:
    ballot, codes, receipts = voted_ballot(world)
    box = ballot.box_id
    for receipt in receipts.values():
        assert ballots.check_receipt(ballot, receipt) == voting.ReceiptCheck(True, False, False)
    assert SealedBallot.objects.filter(box=box, sealed__isnull=False).count() == 4
    ballots.count_ballot(ballot, by=world.secretariat, codes=codes[:2])
    ballot.refresh_from_db()
    assert SealedBallot.objects.filter(box=box).count() == 4
    assert not SealedBallot.objects.filter(box=box, sealed__isnull=False).exists()
    assert not Teller.objects.filter(box=box, sealed_share__isnull=False).exists()
    for receipt in receipts.values():
        assert ballots.check_receipt(ballot, receipt) == voting.ReceiptCheck(True, True, False)
    assert not ballots.check_receipt(ballot, "AAAA-BBBB-CCCC-DDDD").found
    # The codes are no use any more: nothing is left to open.
    refused(lambda: ballots.count_ballot(ballot, by=world.secretariat, codes=codes), "not waiting")


# Ballots put in or taken out behind the services' back --------------------------------------------


def stuff(box: BallotBox, choices: dict[int, bool], options: list[int]) -> SealedBallot:
    """What someone who can write to the database could put in the box: a ballot sealed to the
    box's public key exactly as the service seals one."""
    paper = voting.encode(choices, options)
    sealed = SealedBox(PublicKey(bytes(box.public_key or b""))).encrypt(paper)
    return SealedBallot.objects.create(box=box, sealed=sealed, receipt_sha256="f" * 64)


def test_a_stuffed_box_is_not_counted(world: World) -> None:
    ballot, codes, _receipts = voted_ballot(world)
    assert ballot.box is not None
    options = sorted(c.pk for c in ballot.candidates.all())
    stuff(ballot.box, {pk: True for pk in options}, options)
    refused(
        lambda: ballots.count_ballot(ballot, by=world.secretariat, codes=codes),
        "5 ballots for 4 voters",
    )
    assert counted_ballot_state(ballot)[:3] == (
        Ballot.Status.COUNTING,
        BallotBox.State.COUNTING,
        [(None, None)] * len(options),
    )


def test_a_box_missing_a_ballot_is_not_counted(world: World) -> None:
    ballot, codes, _receipts = voted_ballot(world)
    SealedBallot.objects.filter(pk=SealedBallot.objects.filter(box=ballot.box_id)[0].pk).delete()
    refused(
        lambda: ballots.count_ballot(ballot, by=world.secretariat, codes=codes),
        "3 ballots for 4 voters",
    )
    assert counted_ballot_state(ballot)[1] == BallotBox.State.COUNTING


def test_a_damaged_ballot_stops_the_count(world: World) -> None:
    ballot, codes, _receipts = voted_ballot(world)
    paper = SealedBallot.objects.filter(box=ballot.box_id)[0]
    sealed = bytearray(bytes(paper.sealed or b""))
    sealed[-1] ^= 1
    SealedBallot.objects.filter(pk=paper.pk).update(sealed=bytes(sealed))
    refused(lambda: ballots.count_ballot(ballot, by=world.secretariat, codes=codes), "damaged")
    assert counted_ballot_state(ballot)[1] == BallotBox.State.COUNTING


def test_a_swapped_ballot_is_caught_by_its_voters_receipt(world: World) -> None:
    """A ballot replaced by another sealed to the box's key keeps the numbers right, so the count
    cannot tell; the voter whose ballot went finds their receipt no longer in the box."""
    ballot, codes, receipts = voted_ballot(world)
    assert ballot.box is not None
    options = sorted(c.pk for c in ballot.candidates.all())
    leader = make_leaders(world)[0]
    mine = SealedBallot.objects.get(
        box=ballot.box,
        receipt_sha256=voting.secrecy.receipt_hash(
            ballot.box.receipt_scope, receipts[leader.username]
        ),
    )
    mine.delete()
    stuff(ballot.box, {pk: True for pk in options}, options)
    ballots.count_ballot(ballot, by=world.secretariat, codes=codes[:2])
    ballot.refresh_from_db()
    assert not ballots.check_receipt(ballot, receipts[leader.username]).found
    others = [r for name, r in receipts.items() if name != leader.username]
    assert all(ballots.check_receipt(ballot, r).counted for r in others)


# Void and held again ------------------------------------------------------------------------------


def test_closing_without_quorum_is_void_and_keeps_no_count(world: World) -> None:
    ballot, _codes, receipts = voted_ballot(world, voters=2)  # 2 of 4: the quorum is 3
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.is_void
    assert ballot.box is not None and ballot.box.void == BallotBox.Void.NO_QUORUM
    assert set(
        ballot.candidates.values_list("approvals", "disapprovals", "elected", "outcome")
    ) == {(None, None, False, BallotCandidate.Outcome.NO_QUORUM)}
    assert not SealedBallot.objects.filter(box=ballot.box, sealed__isnull=False).exists()
    assert not Teller.objects.filter(box=ballot.box, sealed_share__isnull=False).exists()
    for receipt in receipts.values():
        assert ballots.check_receipt(ballot, receipt) == voting.ReceiptCheck(True, False, True)


def test_declaring_void_needs_a_reason_and_a_rerun_needs_one_too(world: World) -> None:
    ballot, _codes, _receipts = voted_ballot(world)
    by = world.secretariat
    for reason in ("", "   "):
        refused(lambda r=reason: ballots.void_ballot(ballot, by=by, reason=r), "Say why")
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.COUNTING
    ballots.void_ballot(ballot, by=by, reason="Hai thành viên Ban kiểm phiếu mất mã")
    ballot.refresh_from_db()
    assert ballot.is_void and ballot.box is not None
    assert ballot.box.void == BallotBox.Void.SHARES_LOST
    assert ballot.box.void_reason == "Hai thành viên Ban kiểm phiếu mất mã"
    assert not SealedBallot.objects.filter(box=ballot.box, sealed__isnull=False).exists()
    assert set(ballot.candidates.values_list("approvals", "disapprovals")) == {(None, None)}
    voided = AuditEvent.objects.get(action="awards.ballot.voided")
    assert voided.reason == "Hai thành viên Ban kiểm phiếu mất mã"
    award = ballot.award_type
    refused(
        lambda: ballots.create_ballot(
            world.block_year, by=by, kind=ballot.kind, award=award, units=[world.units[0]]
        ),
        "was void: say why",
    )
    refused(lambda: ballots.rerun_ballot(ballot, by=by, reason=" "), "Say why")
    again = ballots.rerun_ballot(ballot, by=by, reason="Bầu lại theo biên bản họp khối")
    assert again.rerun_of == ballot and again.rerun_reason == "Bầu lại theo biên bản họp khối"
    created = AuditEvent.objects.filter(action="awards.ballot.created").order_by("-seq")[0]
    assert created.reason == "Bầu lại theo biên bản họp khối"
    assert (created.after or {})["rerun_of"] == ballot.pk
    assert again.box is not None and again.box.pk != ballot.box.pk


def test_a_council_vote_without_quorum_is_void_and_held_again_with_a_reason(world: World) -> None:
    members = [world.member, *make_council_members(world, 3)]
    session = opened(world, present=members)  # 4 members: the quorum is 3
    items = list(session.items.order_by("pk"))
    receipt = sessions.cast_council_vote(session, by=members[0], choices=choices_for(items, 3))
    session = sessions.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert session.status == CouncilSession.Status.CLOSED and session.is_void
    assert set(
        AgendaItem.objects.filter(session=session).values_list("approvals", "disapprovals")
    ) == {(None, None)}
    assert not SealedBallot.objects.filter(box=session.box_id, sealed__isnull=False).exists()
    assert sessions.check_council_receipt(session, receipt) == voting.ReceiptCheck(
        True, False, True
    )
    refused(lambda: sessions.rerun_session(session, by=world.staff, reason=""), "Say why")
    again = sessions.rerun_session(session, by=world.staff, reason="Triệu tập lại đủ thành viên")
    assert again.rerun_of == session and again.rerun_reason == "Triệu tập lại đủ thành viên"
    created = AuditEvent.objects.filter(action="awards.councilsession.created").order_by("-seq")[0]
    assert created.reason == "Triệu tập lại đủ thành viên"


def test_a_council_vote_the_board_cannot_open_is_void_with_a_reason(world: World) -> None:
    members = [world.member, *make_council_members(world, 3)]
    session = opened(world, present=members)
    items = list(session.items.order_by("pk"))
    for index, member in enumerate(members):
        sessions.cast_council_vote(session, by=member, choices=choices_for(items, index))
    session = sessions.close_session(session, by=world.staff)
    assert session.status == CouncilSession.Status.COUNTING
    refused(lambda: sessions.void_session(session, by=world.staff, reason=" "), "Say why")
    sessions.void_session(session, by=world.staff, reason="Mất mã")
    session.refresh_from_db()
    assert session.is_void and session.box is not None and session.box.void_reason == "Mất mã"
    assert set(
        AgendaItem.objects.filter(session=session).values_list("approvals", "disapprovals")
    ) == {(None, None)}
    assert not SealedBallot.objects.filter(box=session.box, sealed__isnull=False).exists()
    assert AuditEvent.objects.get(action="awards.councilsession.voided").reason == "Mất mã"


# The early close ----------------------------------------------------------------------------------


def test_closing_early_after_one_vote_tells_nothing_of_that_vote(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """The secretariat opens a ballot, one leader votes, the secretariat closes at once to learn
    the count: the ballot is void and no count exists anywhere."""
    make_leaders(world)
    for person in User.objects.all():
        User.objects.filter(pk=person.pk).update(email=f"{person.username}@example.vn")
    ballot = make_ballot(world)
    candidates = list(ballot.candidates.order_by("pk"))
    mixed = {c.pk: index % 2 == 0 for index, c in enumerate(candidates)}
    receipt = ballots.cast_vote(ballot, by=world.leader, choices=mixed)
    seq = AuditEvent.objects.order_by("-seq")[0].seq
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ballots.close_ballot(ballot, by=world.secretariat)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.is_void and ballot.cast == 1
    assert set(ballot.candidates.values_list("approvals", "disapprovals")) == {(None, None)}
    assert not SealedBallot.objects.filter(box=ballot.box_id, sealed__isnull=False).exists()
    assert ballots.check_receipt(ballot, receipt) == voting.ReceiptCheck(True, False, True)
    # Nothing after the close says anything but that it is void.
    later = AuditEvent.objects.filter(seq__gt=seq)
    assert [e.action for e in later] == ["awards.ballot.closed"]
    after = later[0].after or {}
    assert after["void"] == BallotBox.Void.NO_QUORUM and after["cast"] == 1
    assert [r[1:3] for r in after["results"]] == [[None, None]] * len(candidates)
    assert mail.outbox, "the block is told the ballot closed"
    for message in mail.outbox:
        body = message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        turnout = ("1 of 4 member units voted", "1/4 đơn vị thành viên đã bỏ phiếu")
        assert any(t in body for t in turnout)  # that it voted, the turnout only
        for t in turnout:
            body = body.replace(t, "")
        for count in ("1/1", "1/4", "(1)", "100%", "0%", "agree", "approv"):
            assert count not in body, (message.subject, count)
    for person in (world.secretariat, world.leader, world.admin):
        client.force_login(person)
        page = client.get(reverse("awards:ballot_detail", args=[ballot.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'id="results"' not in html, html[html.find('id="results"') - 300 :][:600]
        assert "chart-votes-title" not in html and "data-sha256" not in html
        assert all(c.approvals is None for c in page.context["candidates"])
    # And the same ballot cannot be held again as if nothing had happened.
    refused(
        lambda: ballots.create_ballot(
            world.block_year, by=world.secretariat, kind=ballot.kind, award=ballot.award_type
        ),
        "was void: say why",
    )


# Who votes ----------------------------------------------------------------------------------------


def test_a_leader_named_after_the_ballot_opened_cannot_vote(world: World) -> None:
    ballot = make_ballot(world)  # units 1 and 2 have no leader yet
    late = make_user("late", full_name="Chánh Văn phòng mới")
    role = assign_unit_role(world.units[1], late, by=world.admin, role=UnitRole.Role.LEADER)
    assert ballot.opened_at is not None and role.granted_at > ballot.opened_at
    choices = {c.pk: True for c in ballot.candidates.all()}
    refused(lambda: ballots.cast_vote(ballot, by=late, choices=choices), "Only the leader")
    assert not voting.roll(ballot.box).exists()
    # A role granted before opening votes (the check is the time, not the person).
    UnitRole.objects.filter(pk=role.pk).update(granted_at=ballot.opened_at.replace(year=2000))
    ballots.cast_vote(ballot, by=late, choices=choices)
    assert voting.roll(ballot.box).get().unit == world.units[1]


def test_council_staff_cannot_make_themselves_a_leader_to_vote(world: World) -> None:
    ballot = make_ballot(world)
    for by, match in ((world.staff, "to themselves"), (world.admin, "council staff or member")):
        refused(
            lambda b=by: assign_unit_role(
                world.units[1], world.staff, by=b, role=UnitRole.Role.LEADER
            ),
            match,
        )
    assert not UnitRole.objects.filter(user=world.staff).exists()
    choices = {c.pk: True for c in ballot.candidates.all()}
    for person in (world.staff, world.member):
        refused(
            lambda p=person: ballots.cast_vote(ballot, by=p, choices=choices), "Only the leader"
        )
    assert not voting.roll(ballot.box).exists()
