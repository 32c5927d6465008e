"""The home page, the year's dashboard and the hand-over page run a fixed number of queries
whatever the number of ballots, votes, nominations and hand-overs (steps 9–12 add one query; the
home section at most seven besides the person's roles, each read only for those it concerns)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from awards.models import AwardType, Ballot, BallotCandidate, Handover, Nomination
from awards.services import ballots
from blocks.models import BlockYear, Membership, UnitRole
from emulation.roles import roles_of
from tests import counting
from tests.factories import (
    YEAR,
    World,
    grow,
    make_election,
    make_leaders,
    make_unit,
    make_user,
)

K = Ballot.Kind


def awards_world(world: World) -> None:
    """An elected head awaiting the council, an open acclaim ballot in which one unit voted, a
    draft nomination ballot, and nominations of the leader's and the head's units."""
    make_election(world, "head", world.units[2])
    acclaim = ballots.create_ballot(world.block_year, by=world.secretariat, kind=K.ACCLAIM)
    counting.open_ballot(acclaim, by=world.secretariat)
    ballots.cast_vote(
        acclaim, by=make_leaders(world)[0], choices={acclaim.candidates.get().pk: True}
    )
    ballots.create_ballot(
        world.block_year,
        by=world.secretariat,
        kind=K.NOMINATION,
        award=AwardType.objects.get(code="provincial-flag"),
    )
    for unit, code in [
        (world.units[2], "chairman-certificate"),
        (world.units[0], "provincial-flag"),
    ]:
        Nomination.objects.create(
            block_year=world.block_year,
            award_type=AwardType.objects.get(code=code),
            unit=unit,
            unit_name=unit.name,
        )


def grow_awards(world: World) -> None:
    """More blocks with their elections awaiting the council, ballots open to the leader's unit in
    other blocks, more nominations and more member units."""
    grow(world)
    award = AwardType.objects.get(code="chairman-certificate")
    for previous in BlockYear.objects.filter(year=YEAR - 1).exclude(block=world.block):
        following = BlockYear.objects.get(block=previous.block, year=YEAR)
        head = following.memberships.order_by("position").first()
        assert head is not None
        Membership.objects.create(
            block_year=following, unit=world.units[2], position=30, joined_on=following.first_day
        )
        election = Ballot.objects.create(
            block_year=previous,
            kind=K.HEAD,
            mode=Ballot.Mode.CHOOSE,
            status=Ballot.Status.CLOSED,
            created_by=world.staff,
        )
        BallotCandidate.objects.create(
            ballot=election, unit=head.unit, unit_name=head.unit.name, elected=True
        )
        Handover.objects.create(from_year=previous, to_year=following, head=head.unit)
        Ballot.objects.create(
            block_year=following,
            kind=K.ACCLAIM,
            mode=Ballot.Mode.APPROVE,
            status=Ballot.Status.OPEN,
            members=7,
            created_by=world.staff,
        )
        Nomination.objects.create(
            block_year=following,
            award_type=award,
            unit=world.units[2],
            unit_name=world.units[2].name,
            status=Nomination.Status.SUBMITTED,
        )
    Handover.objects.get(from_year=world.block_year).deputies.add(world.units[1], world.units[3])
    Ballot.objects.create(
        block_year=world.block_year,
        kind=K.DEPUTY,
        mode=Ballot.Mode.CHOOSE,
        status=Ballot.Status.CLOSED,
        created_by=world.staff,
    )
    for _ in range(3):
        unit = make_unit(world.authority)
        Membership.objects.create(
            block_year=world.block_year,
            unit=unit,
            position=40,
            joined_on=world.block_year.first_day,
        )
        UnitRole.objects.create(user=make_user(), unit=unit, role=UnitRole.Role.LEADER)
        Nomination.objects.create(
            block_year=world.block_year, award_type=award, unit=unit, unit_name=unit.name
        )


HOME, DASHBOARD, HANDOVER = "home", "blocks:blockyear_detail", "awards:handover_detail"
PAGES: dict[str, tuple[str, str, int]] = {
    # role, page, queries
    # Unit people: one more, for the years in which to propose their people.
    "home as leader": ("leader", HOME, 12),  # with the seats on counting boards
    "home as officer": ("officer", HOME, 10),
    "home as secretariat": ("secretariat", HOME, 15),
    "home as staff": ("staff", HOME, 11),
    "dashboard as secretariat": ("secretariat", DASHBOARD, 12),
    "hand-over as staff": ("staff", HANDOVER, 8),
    "hand-over as leader": ("leader", HANDOVER, 8),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_home_and_dashboard_do_not_grow_with_ballots_and_nominations(
    page: str, world: World, client: Any, count_queries: Any
) -> None:
    role, name, pinned = PAGES[page]
    awards_world(world)
    client.force_login(world.user(role))
    url = reverse(name, args=[] if name == HOME else [world.block_year.pk])

    def load() -> None:
        response = client.get(url)
        assert response.status_code == 200
        if name == HOME:
            assert "Ballots, nominations and hand-over" in response.content.decode()

    load()
    small = count_queries(load)
    grow_awards(world)
    large = count_queries(load)
    assert (small, large) == (pinned, pinned), f"{page}: {small} queries small, {large} large"


def test_the_home_section_costs_fixed_queries_besides_the_roles(
    world: World, client: Any, count_queries: Any
) -> None:
    """Council staff: the elections whose hand-over awaits them, the council's counts, and its
    sessions and decisions in progress."""
    from awards.home import my_tasks

    awards_world(world)
    request: Any = type("Request", (), {"user": world.staff, "roles": roles_of(world.staff)})()
    section = my_tasks(request)
    assert section is not None
    assert count_queries(lambda: my_tasks(request)) == 4
    grow_awards(world)
    assert count_queries(lambda: my_tasks(request)) == 4
    grown = my_tasks(request)
    assert grown is not None and len(grown.context["tasks"]) > len(section.context["tasks"])
