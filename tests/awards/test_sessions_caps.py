"""The authority's caps on what a council session approves: the Government flag at most 20 per
cent of the blocks' leading units (earlier approvals counting), and the most per block; the ones
with most votes go first, and a tie at the cut-off approves none of those tied."""

from __future__ import annotations

from typing import Any

import pytest

from awards import caps
from awards.models import AgendaItem, CouncilSession, Nomination
from awards.services import catalogue, sessions
from tests import counting
from tests.awards.matrix_sessions import nominate, opened, prepared, published_blocks
from tests.factories import World, make_council_members

pytestmark = pytest.mark.django_db


def flags(world: World, leading: int, proposed: int) -> list[Nomination]:
    """`leading` blocks with a published ranking; the leading units of the first `proposed`
    nominated for the Government flag and appraised."""
    years = published_blocks(world, leading)
    # The council enters the base of the 20 per cent for the year (letter 5007/BNV-TĐKT).
    catalogue.set_cap_base(
        world.authority, years[0].year, leading_units=leading, rounding="floor", by=world.staff
    )
    return [
        nominate(year, year.memberships.get().unit, "government-flag") for year in years[:proposed]
    ]


def vote(session: CouncilSession, members: list[Any], agree: dict[int, int]) -> None:
    """Every member votes; the item at index i gets `agree[i]` votes for (the first members)."""
    items = list(session.items.order_by("position"))
    for index, member in enumerate(members):
        choices = {item.pk: index < agree.get(n, 0) for n, item in enumerate(items)}
        sessions.cast_council_vote(session, by=member, choices=choices)
    counting.close_session(session, by=session.created_by)


def outcomes(session: CouncilSession) -> list[tuple[str, str]]:
    return [(i.nomination.unit_name, i.outcome) for i in session.items.order_by("position")]


def _members(world: World) -> list[Any]:
    return [world.member, *make_council_members(world, 2)]  # three members


def test_five_leading_units_allow_one_government_flag_and_the_one_with_more_votes_gets_it(
    world: World,
) -> None:
    members = _members(world)
    nominations = flags(world, leading=5, proposed=2)
    session = opened(world, nominations=nominations, present=members)
    items = list(session.items.order_by("position"))
    more = 0 if items[0].nomination == nominations[0] else 1
    agree = {more: 3, 1 - more: 2}
    vote(session, members, agree)
    first, second = (AgendaItem.objects.get(pk=i.pk) for i in items)
    winner, capped = (first, second) if more == 0 else (second, first)
    assert (winner.outcome, capped.outcome) == ("approved", "capped")
    assert capped.note_en == (
        "2 of 3 members voting agreed; more than 1/2 needed 2. Over the cap: Government Emulation"
        " Flag: at most 20 per cent of 5 leading units = 1 (rounded down); 0 approved at earlier sessions."
        " Others had more votes."
    )
    capped.nomination.refresh_from_db()
    winner.nomination.refresh_from_db()
    assert (winner.nomination.status, capped.nomination.status) == ("approved", "rejected")


def test_a_tie_at_the_cut_off_approves_neither_and_says_why(world: World) -> None:
    members = _members(world)
    session = opened(world, nominations=flags(world, leading=5, proposed=2), present=members)
    vote(session, members, {0: 3, 1: 3})
    assert [o for _u, o in outcomes(session)] == ["capped", "capped"]
    note = session.items.first().note_en  # type: ignore[union-attr]
    assert "at most 20 per cent of 5 leading units = 1" in note
    assert note.endswith("Tied at the cut-off with as many votes: none of those tied is approved.")


def test_an_item_without_its_share_takes_no_room_under_the_cap(world: World) -> None:
    members = _members(world)
    session = opened(world, nominations=flags(world, leading=5, proposed=2), present=members)
    vote(session, members, {0: 1, 1: 2})
    assert [o for _u, o in outcomes(session)] == ["rejected", "approved"]


def test_approvals_of_earlier_sessions_count_against_the_cap(world: World) -> None:
    members = _members(world)
    nominations = flags(world, leading=10, proposed=3)  # at most 2
    Nomination.objects.filter(pk=nominations[2].pk).update(status="approved")  # an earlier one
    session = opened(world, nominations=nominations[:2], present=members)
    lines = caps.cap_lines(world.authority, world.block_year.year, session)
    flag = next(line for line in lines if line.authority_wide)
    assert (flag.cap, flag.taken, flag.room, flag.proposed, flag.over) == (2, 1, 1, 2, True)
    assert flag.rule == (
        "Government Emulation Flag: at most 20 per cent of 10 leading units = 2 (rounded down);"
        " 1 approved at earlier sessions."
    )
    vote(session, members, {0: 3, 1: 2})
    assert [o for _u, o in outcomes(session)] == ["approved", "capped"]
    session.refresh_from_db()
    lines = caps.cap_lines(world.authority, world.block_year.year, session)
    flag = next(line for line in lines if line.authority_wide)
    assert (flag.taken, flag.proposed, flag.approved) == (1, 2, 1)


def test_another_authoritys_approvals_do_not_count(world: World) -> None:
    from blocks.models import BlockYear

    elsewhere = BlockYear.objects.get(block=world.other_block)
    nominate(elsewhere, world.other_unit, "government-flag", status="approved")
    members = _members(world)
    session = opened(world, nominations=flags(world, leading=5, proposed=1), present=members)
    vote(session, members, {0: 3})
    assert [o for _u, o in outcomes(session)] == ["approved"]


def test_at_most_one_provincial_flag_per_block(world: World) -> None:
    members = _members(world)
    two = [nominate(world.block_year, world.units[i], "provincial-flag") for i in (0, 1)]
    session = opened(world, nominations=two, present=members)
    lines = caps.cap_lines(world.authority, world.block_year.year, session)
    assert [(line.block, line.cap, line.proposed, line.over) for line in lines] == [
        (world.block.name, 1, 2, True)
    ]
    vote(session, members, {0: 2, 1: 3})
    assert [o for _u, o in outcomes(session)] == ["capped", "approved"]
    capped = session.items.order_by("position").first()
    assert capped is not None
    assert (
        f"at most 1 per block ({world.block.name}); 0 approved at earlier sessions."
        in capped.note_en
    )


def test_a_block_that_already_has_its_provincial_flag_gets_no_other(world: World) -> None:
    nominate(world.block_year, world.units[3], "provincial-flag", status="awarded")
    members = _members(world)
    one = [nominate(world.block_year, world.units[0], "provincial-flag")]
    session = opened(world, nominations=one, present=members)
    vote(session, members, {0: 3})
    assert [o for _u, o in outcomes(session)] == ["capped"]


def test_the_caps_are_shown_before_voting_as_proposed_against_the_room(world: World) -> None:
    nominations = flags(world, leading=5, proposed=2)
    lines = caps.cap_lines(world.authority, world.block_year.year)
    flag = next(line for line in lines if line.authority_wide)
    assert (flag.leading, flag.cap, flag.proposed, flag.approved, flag.over) == (
        5,
        1,
        2,
        None,
        True,
    )
    session = prepared(world, nominations=nominations)
    lines = caps.cap_lines(world.authority, 2026, session)
    assert lines[0].proposed == 2


def test_the_council_may_approve_fewer_provincial_flags_than_proposed(world: World) -> None:
    members = _members(world)
    years = published_blocks(world, 3)
    proposed = [nominate(y, y.memberships.get().unit, "provincial-flag") for y in years]
    session = opened(world, nominations=proposed, present=members)
    vote(session, members, {0: 3, 1: 1, 2: 3})
    assert sorted(o for _u, o in outcomes(session)) == ["approved", "approved", "rejected"]


def test_the_central_councils_clusters_have_no_twenty_per_cent(world: World) -> None:
    """Law Art. 25(2): the leader of each cluster the Central Council organises is proposed for
    the Government flag; its catalogue has no percentage, so the session cuts none."""
    from blocks.models import Authority

    Authority.objects.filter(pk=world.authority.pk).update(level=Authority.Level.CENTRAL)
    members = _members(world)
    nominations = flags(world, leading=5, proposed=2)
    session = opened(world, nominations=nominations, present=members)
    vote(session, members, {0: 3, 1: 2})
    assert sorted(i.outcome for i in session.items.all()) == ["approved", "approved"]
    lines = caps.cap_lines(world.authority.pk, nominations[0].block_year.year, session)
    assert lines and not any(line.authority_wide for line in lines)  # only the most per block


def test_the_caps_are_those_of_the_catalogue_version_that_judges_the_year(
    world: World,
) -> None:
    """The council edits its version: the session's cut follows it, as the eligibility check
    does, not the award type's defaults."""
    from awards import catalogue as rules
    from awards.models import AwardType

    award = AwardType.objects.get(code="provincial-flag")
    version = rules.version_for(world.authority, award, world.block_year.year)
    assert version is not None and version.max_per_block == 1
    excluded = rules.excluded_ids(version)  # a default version's, kept once it is saved
    version.max_per_block = 2
    version.save()
    version.excludes.set(excluded)
    members = _members(world)
    two = [nominate(world.block_year, world.units[i], "provincial-flag") for i in (0, 1)]
    session = opened(world, nominations=two, present=members)
    lines = caps.cap_lines(world.authority, world.block_year.year, session)
    assert [(line.block, line.cap, line.proposed, line.over) for line in lines] == [
        (world.block.name, 2, 2, False)
    ]
    vote(session, members, {0: 2, 1: 3})
    assert [o for _u, o in outcomes(session)] == ["approved", "approved"]
