"""The council's secret vote: nothing stored, logged or shown links a member to what they chose;
one vote per member present; receipts prove a vote is counted (DESIGN §6)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import BallotBox, CouncilSession, RollEntry, SealedBallot
from awards.services import sessions, voting
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests import counting
from tests.awards.matrix_sessions import opened
from tests.factories import World, make_council_members

pytestmark = pytest.mark.django_db


def test_the_councils_roll_names_the_member_and_no_unit(world: World) -> None:
    """A council vote goes in the same box as a block's: the roll says who voted (no unit), the
    box holds a ballot that names nobody."""
    session, members, _receipts = _three_vote(world)
    roll = RollEntry.objects.filter(box=session.box_id)
    assert sorted(roll.values_list("voted_by", flat=True)) == sorted(m.pk for m in members)
    assert not roll.filter(unit__isnull=False).exists()
    papers = SealedBallot.objects.filter(box=session.box_id)
    assert papers.count() == 3 and not papers.filter(sealed__isnull=True).exists()
    assert BallotBox.objects.get(session=session).state == BallotBox.State.OPEN


def with_board(world: World) -> CouncilSession:
    """A session opened with the world's member present, on a council of two (a counting board
    needs two members)."""
    make_council_members(world, 1)
    return opened(world, quorum=(1, 2))  # type: ignore[no-any-return]


def _three_vote(world: World) -> tuple[CouncilSession, list[User], dict[str, str]]:
    members = [world.member, *make_council_members(world, 2)]
    session = opened(world, present=members)
    items = list(session.items.order_by("position"))
    receipts = {}
    for i, member in enumerate(members):
        choices = {item.pk: bool((i >> bit) & 1) for bit, item in enumerate(items)}
        receipts[member.username] = sessions.cast_council_vote(session, by=member, choices=choices)
    return session, members, receipts


def test_no_audit_event_says_what_a_member_chose(world: World) -> None:
    session, members, receipts = _three_vote(world)
    voted = AuditEvent.objects.filter(action="awards.councilsession.voted")
    assert sorted(str((e.after or {}).get("member")) for e in voted) == sorted(
        m.username for m in members
    )
    assert all(set(e.after or {}) == {"member"} and e.before is None for e in voted)
    for event in AuditEvent.objects.all():
        text = json.dumps([event.before, event.after], ensure_ascii=False)
        assert event.object_type not in {"awards.sealedballot", "awards.rollentry"}
        for word in ("approve", "choice", "receipt", *receipts.values()):
            assert word not in text, (event.action, word)
    counting.close_session(session, by=world.staff)
    closed = AuditEvent.objects.get(action="awards.councilsession.closed")
    assert set(closed.after or {}) == {
        "status",
        "council_size",
        "voted",
        "quorum",
        "void",
        "tellers",
        "results",
        "sha256",
    }


def test_receipts_are_recorded_then_counted(world: World) -> None:
    session, _members, receipts = _three_vote(world)
    code = receipts[world.member.username]
    assert sessions.check_council_receipt(session, code) == voting.ReceiptCheck(True, False)
    assert not sessions.check_council_receipt(session, "AAAA-BBBB-CCCC").found
    counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert sessions.check_council_receipt(session, code.replace("-", "").lower()).counted


def test_a_member_votes_once(world: World) -> None:
    session = with_board(world)
    choices = {item.pk: True for item in session.items.all()}
    sessions.cast_council_vote(session, by=world.member, choices=choices)
    with pytest.raises(DomainError, match="already voted"):
        sessions.cast_council_vote(session, by=world.member, choices=choices)
    assert RollEntry.objects.count() == SealedBallot.objects.count() == 1


def test_a_member_not_present_and_the_staff_cannot_vote(world: World) -> None:
    absent = make_council_members(world, 1)[0]
    session = opened(world, quorum=(1, 2))  # one of two present
    choices = {item.pk: True for item in session.items.all()}
    for person in (absent, world.staff):
        with pytest.raises(DomainError, match="Only council members recorded present"):
            sessions.cast_council_vote(session, by=person, choices=choices)
    assert not RollEntry.objects.exists() and not SealedBallot.objects.exists()


def test_a_vote_must_answer_every_item_and_only_the_agenda(world: World) -> None:
    session = with_board(world)
    items = list(session.items.all())
    with pytest.raises(DomainError, match="every item"):
        sessions.cast_council_vote(session, by=world.member, choices={items[0].pk: True})
    full = {item.pk: True for item in items}
    with pytest.raises(DomainError, match="not on the agenda"):
        sessions.cast_council_vote(session, by=world.member, choices={**full, 10**9: True})
    assert not RollEntry.objects.exists() and not SealedBallot.objects.exists()


def test_the_receipt_is_shown_once_and_kept_nowhere(world: World, client: Client) -> None:
    session = with_board(world)
    client.force_login(world.member)
    data = {f"item_{item.pk}": "disagree" for item in session.items.all()} | {"confirm": "on"}
    response = client.post(reverse("awards:session_vote", args=[session.pk]), data)
    receipt = response.context["receipt"]
    assert "no-store" in response["Cache-Control"]
    stored = json.dumps({key: str(value) for key, value in client.session.items()})
    for secret in (receipt, receipt.replace("-", ""), "disagree"):
        assert secret not in stored
    again = client.get(reverse("awards:session_vote", args=[session.pk])).content.decode()
    assert receipt not in again and "A vote cannot be cast twice" in again
