"""Council sessions: the state machine, the agenda, attendance and quorum, the approval shares,
the online count and the paper counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from awards.documents import session_minutes
from awards.models import AgendaItem, AwardType, CouncilSession, Nomination
from awards.services import sessions
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests import counting
from tests.awards.matrix_sessions import appraised, nominate, opened, prepared
from tests.factories import World, make_council_members

pytestmark = pytest.mark.django_db
S = CouncilSession.Status


def agree_all(session: CouncilSession, value: bool = True) -> dict[int, bool]:
    return {item.pk: value for item in session.items.all()}


# The state machine -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (S.DRAFT, {S.OPEN, S.CLOSED}),
        (S.OPEN, {S.COUNTING, S.CLOSED}),  # closed at once when void
        (S.COUNTING, {S.CLOSED}),
        (S.CLOSED, set()),
    ],
)
def test_a_session_moves_only_as_its_table_says(status: str, allowed: set[str]) -> None:
    session = CouncilSession(status=status)
    assert {target for target in S.values if session.can_move_to(target)} == allowed


def test_each_action_refuses_a_session_in_the_wrong_state(world: World) -> None:
    session = prepared(world)
    item = session.items.first()
    assert item is not None
    with pytest.raises(DomainError, match="not open for voting"):
        sessions.cast_council_vote(session, by=world.member, choices=agree_all(session))
    with pytest.raises(DomainError, match="Only a session open for voting can be closed"):
        counting.close_session(session, by=world.staff)
    with pytest.raises(DomainError, match="voting on paper"):
        sessions.record_paper_counts(session, by=world.staff, present=1, counts={}, scan=None)
    counting.open_session(session, by=world.staff)
    with pytest.raises(DomainError, match="not being prepared"):
        counting.open_session(session, by=world.staff)
    with pytest.raises(DomainError, match="only while the session is prepared"):
        sessions.remove_from_agenda(item, by=world.staff)
    with pytest.raises(DomainError, match="only while the session is prepared"):
        sessions.record_attendance(session, [], by=world.staff)
    with pytest.raises(DomainError, match="closed"):
        session_minutes.issue_session_minutes(session, by=world.staff)
    counting.close_session(session, by=world.staff)
    with pytest.raises(DomainError, match="Only a session open for voting can be closed"):
        counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert session.status == S.CLOSED


def test_a_quorum_is_a_fraction_no_larger_than_one(world: World) -> None:
    for quorum in [(0, 3), (4, 3)]:
        with pytest.raises(DomainError, match="fraction such as 2/3"):
            sessions.create_session(
                world.authority,
                by=world.staff,
                year=2026,
                title="Phiên họp",
                held_on=datetime.date(2026, 12, 1),
                quorum=quorum,
            )
    assert not CouncilSession.objects.exists()


# The agenda --------------------------------------------------------------------------------------


def test_the_agenda_takes_appraised_nominations_in_award_order_with_their_share(
    world: World,
) -> None:
    flag = AwardType.objects.get(code="government-flag")
    flag.council_approval_numerator, flag.council_approval_denominator = 3, 4
    flag.council_approval_strict = False
    flag.save()
    certificates = appraised(world)
    government = nominate(world.block_year, world.units[2], "government-flag")
    session = prepared(world, nominations=[*certificates, government])
    items = list(session.items.order_by("position"))
    assert items[0].nomination_id == government.pk  # the flag comes first
    assert [i.position for i in items] == [1, 2, 3, 4]
    first = items[0]
    assert (first.approval_numerator, first.approval_denominator, first.approval_strict) == (
        3,
        4,
        False,
    )
    assert set(Nomination.objects.values_list("status", flat=True)) == {"scheduled"}


def test_only_appraised_nominations_of_the_authority_and_year_go_on_the_agenda(
    world: World,
) -> None:
    session = prepared(world)
    received = nominate(world.block_year, world.units[2], "excellent-labour", status="received")
    with pytest.raises(DomainError, match="Only appraised nominations"):
        sessions.add_to_agenda(session, [received], by=world.staff)
    from blocks.models import BlockYear

    elsewhere = BlockYear.objects.get(block=world.other_block)
    foreign = nominate(elsewhere, world.other_unit, "chairman-certificate")
    with pytest.raises(DomainError, match="Only nominations of"):
        sessions.add_to_agenda(session, [foreign], by=world.staff)
    # Already scheduled on this agenda: no longer appraised.
    with pytest.raises(DomainError, match="Only appraised nominations"):
        sessions.add_to_agenda(session, [session.items.first().nomination], by=world.staff)  # type: ignore[union-attr]
    assert session.items.count() == 3


def test_a_nomination_taken_off_the_agenda_is_appraised_again(world: World) -> None:
    session = prepared(world)
    item = session.items.order_by("position").first()
    assert item is not None
    sessions.remove_from_agenda(item, by=world.staff)
    item.nomination.refresh_from_db()
    assert item.nomination.status == "appraised"
    assert [i.position for i in session.items.order_by("position")] == [1, 2]
    assert AuditEvent.objects.filter(action="awards.councilsession.agenda_removed").exists()


def test_only_council_members_are_recorded_present(world: World) -> None:
    session = prepared(world, present=[])
    with pytest.raises(DomainError, match="Only members of the council"):
        sessions.record_attendance(session, [world.member, world.staff], by=world.staff)
    assert session.present.count() == 0


# Quorum ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("present", "opens"), [(6, True), (5, False)])
def test_voting_opens_with_two_thirds_of_nine_members_present(
    world: World, present: int, opens: bool
) -> None:
    members = [world.member, *make_council_members(world, 8)]  # nine members
    session = prepared(world, present=members[:present])
    if opens:
        session = counting.open_session(session, by=world.staff)
        assert (session.status, session.council_size) == (S.OPEN, 9)
    else:
        with pytest.raises(DomainError, match=r"5 of 9 council members.*needs 6"):
            counting.open_session(session, by=world.staff)
        session.refresh_from_db()
        assert session.status == S.DRAFT


@pytest.mark.parametrize(("present", "opens"), [(6, False), (7, True)])
def test_a_quorum_of_three_quarters_needs_seven_of_nine(
    world: World, present: int, opens: bool
) -> None:
    members = [world.member, *make_council_members(world, 8)]
    session = prepared(world, present=members[:present], quorum=(3, 4))
    assert session.quorum_needed(9) == 7
    if opens:
        assert counting.open_session(session, by=world.staff).status == S.OPEN
    else:
        with pytest.raises(DomainError, match="needs 7"):
            counting.open_session(session, by=world.staff)


def test_voting_does_not_open_on_an_empty_agenda(world: World) -> None:
    session = sessions.create_session(
        world.authority,
        by=world.staff,
        year=2026,
        title="Phiên họp",
        held_on=datetime.date(2026, 12, 1),
    )
    sessions.record_attendance(session, [world.member], by=world.staff)
    with pytest.raises(DomainError, match="at least one nomination on the agenda"):
        counting.open_session(session, by=world.staff)


def test_too_few_votes_cast_leave_everything_undecided_for_a_later_session(world: World) -> None:
    members = [world.member, *make_council_members(world, 8)]
    session = opened(world, present=members[:6])
    for member in members[:5]:  # one present member does not vote: 5 of 9
        sessions.cast_council_vote(session, by=member, choices=agree_all(session))
    counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert (session.cast, session.quorum_reached) == (5, False)
    items = list(session.items.all())
    assert {i.outcome for i in items} == {"no_quorum"}
    assert items[0].note_en.startswith("No quorum: 5 of 9 council members voted; 6 needed (2/3).")
    assert set(Nomination.objects.values_list("status", flat=True)) == {"appraised"}
    # They can go on a later session.
    later = prepared(world, nominations=list(Nomination.objects.all()), present=members[:6])
    assert later.items.count() == 3


# Approval shares ---------------------------------------------------------------------------------


def _count_with(
    world: World, members: list, agree: int, *, numerator: int, denominator: int, strict: bool
) -> AgendaItem:
    award = AwardType.objects.get(code="chairman-certificate")
    award.council_approval_numerator, award.council_approval_denominator = numerator, denominator
    award.council_approval_strict = strict
    award.save()
    session = opened(world, nominations=appraised(world)[:1], present=members)
    for index, member in enumerate(members):
        sessions.cast_council_vote(session, by=member, choices=agree_all(session, index < agree))
    counting.close_session(session, by=world.staff)
    item = session.items.get()
    item.nomination.refresh_from_db()
    return item


@pytest.mark.parametrize(
    ("agree", "numerator", "denominator", "strict", "outcome"),
    [
        (5, 1, 2, True, "approved"),  # 5 of 9 is more than half
        (4, 1, 2, True, "rejected"),
        (6, 2, 3, False, "approved"),  # 6 of 9 is exactly 2/3: at least
        (6, 2, 3, True, "rejected"),  # ... but not more than 2/3
        (5, 2, 3, False, "rejected"),
    ],
)
def test_an_item_passes_with_its_awards_share_of_the_members_who_voted(
    world: World, agree: int, numerator: int, denominator: int, strict: bool, outcome: str
) -> None:
    members = [world.member, *make_council_members(world, 8)]
    item = _count_with(
        world, members, agree, numerator=numerator, denominator=denominator, strict=strict
    )
    assert (item.approvals, item.disapprovals, item.outcome) == (agree, 9 - agree, outcome)
    assert item.nomination.status == outcome
    assert item.note_en.startswith(f"{agree} of 9 members voting agreed;")


def test_the_explanation_says_how_many_agreed_and_how_many_were_needed(world: World) -> None:
    members = [world.member, *make_council_members(world, 8)]
    item = _count_with(world, members, 7, numerator=1, denominator=2, strict=True)
    assert item.note_en == "7 of 9 members voting agreed; more than 1/2 needed 5."


def test_closing_records_the_results_hash_and_tells_the_council(
    world: World, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    for person in (world.staff, world.member):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        session = opened(world)
    assert [m.to for m in mailoutbox] == [[world.member.email]]  # the members present
    mailoutbox.clear()
    sessions.cast_council_vote(session, by=world.member, choices=agree_all(session))
    with django_capture_on_commit_callbacks(execute=True):
        counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert len(session.results_sha256) == 64
    assert session.closed_by == world.staff
    recipients = {address for message in mailoutbox for address in message.to}
    assert {world.staff.email, world.member.email} <= recipients
    subjects = {message.subject for message in mailoutbox}
    assert any(s.startswith("Council session closed") for s in subjects)


# Paper counts ------------------------------------------------------------------------------------


def test_paper_counts_decide_like_an_online_vote_and_close_the_session(world: World) -> None:
    members = [world.member, *make_council_members(world, 8)]
    session = prepared(world, method="paper", present=[])
    items = list(session.items.order_by("position"))
    counts = {items[0].pk: (7, 0), items[1].pk: (3, 4), items[2].pk: (0, 7)}
    scan = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    sessions.record_paper_counts(session, by=world.staff, present=7, counts=counts, scan=scan)
    session.refresh_from_db()
    assert (session.status, session.council_size, session.cast) == (S.CLOSED, len(members), 7)
    assert session.minutes_scan
    outcomes = [i.outcome for i in session.items.order_by("position")]
    assert outcomes == ["approved", "rejected", "rejected"]


@pytest.mark.parametrize(
    ("present", "counts", "message"),
    [
        (10, (5, 0), "The council has 9 members"),
        (7, (5, 3), "more votes than members present"),
        (7, (-1, 0), "more votes than members present"),
        (7, None, "counts of every item"),
    ],
)
def test_bad_paper_counts_are_refused_and_nothing_is_saved(
    world: World, present: int, counts: tuple[int, int] | None, message: str
) -> None:
    make_council_members(world, 8)
    session = prepared(world, method="paper")
    items = list(session.items.all())
    given = {i.pk: counts for i in items} if counts else {items[0].pk: (1, 0)}
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError, match=message):
        sessions.record_paper_counts(
            session,
            by=world.staff,
            present=present,
            counts=given,  # type: ignore[arg-type]
            scan=None,
        )
    session.refresh_from_db()
    assert session.status == S.DRAFT and not session.results_sha256
    assert set(session.items.values_list("outcome", flat=True)) == {""}
    assert set(Nomination.objects.values_list("status", flat=True)) == {"scheduled"}
    assert AuditEvent.objects.count() == events


def test_the_explanation_is_kept_in_vietnamese_and_in_english(world: World) -> None:
    members = [world.member, *make_council_members(world, 8)]
    item = _count_with(world, members, 7, numerator=1, denominator=2, strict=True)
    assert item.note == "7/9 thành viên bỏ phiếu đồng ý; để đạt trên 1/2 cần 5 phiếu."
    with translation.override("vi"):
        assert item.explanation == item.note
    with translation.override("en"):
        assert item.explanation == item.note_en
