"""The list of ballots and a ballot's page run a fixed number of queries, whatever the number of
member units, candidates, votes and ballots."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Ballot
from awards.services import ballots
from blocks.models import Membership, UnitRole
from tests import counting
from tests.factories import (
    World,
    grow,
    make_ballot,
    make_closed_ballot,
    make_leaders,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


def more_members(world: World, count: int = 6) -> None:
    """More member units, each with a leader, and more blocks and people in the province."""
    grow(world)
    for _ in range(count):
        unit = make_unit(world.authority)
        Membership.objects.create(
            block_year=world.block_year,
            unit=unit,
            position=20,
            joined_on=world.block_year.first_day,
        )
        UnitRole.objects.create(user=make_user(), unit=unit, role=UnitRole.Role.LEADER)


def everyone_votes(ballot: Ballot) -> None:
    """Every leader who may vote does: one whose role was granted before the ballot opened."""
    candidates = list(ballot.candidates.all())
    ballot.refresh_from_db()
    for role in UnitRole.objects.filter(
        role=UnitRole.Role.LEADER,
        unit__memberships__block_year=ballot.block_year,
        unit__memberships__left_on__isnull=True,
        granted_at__lt=ballot.opened_at,
    ).select_related("user"):
        if not ballots.has_voted(ballot, role.unit):
            picks = {c.pk: True for c in candidates[: ballot.seats]}
            ballots.cast_vote(ballot, by=role.user, choices=picks)


def measure(client: Client, address: str, count_queries: Any) -> int:
    assert client.get(address).status_code == 200
    return int(count_queries(lambda: client.get(address)))


LIST_PINS = {"leader": 9, "secretariat": 9, "admin": 9}


@pytest.mark.parametrize("role", sorted(LIST_PINS))
def test_the_list_of_ballots_does_not_grow(
    role: str, world: World, client: Client, count_queries: Any
) -> None:
    make_leaders(world)
    nomination = make_ballot(world)
    ballots.cast_vote(
        nomination, by=world.leader, choices={c.pk: True for c in nomination.candidates.all()}
    )
    make_closed_ballot(world, kind="acclaim")
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    address = reverse("awards:ballot_list", args=[world.block_year.pk])
    small = measure(client, address, count_queries)
    more_members(world)
    everyone_votes(nomination)
    election = make_ballot(world, kind="head", seats=2)
    everyone_votes(election)
    counting.close_ballot(election, by=world.secretariat)
    make_ballot(world, kind="deputy", method="paper")
    large = measure(client, address, count_queries)
    assert (small, large) == (LIST_PINS[role], LIST_PINS[role]), (small, large)


# A closed ballot's candidates, counts and roll come from the cache on the second visit.
# Open: one more read for the counting board (who holds a share of the key, who still waits).
DETAIL_PINS = {("leader", "open"): 9, ("leader", "closed"): 4, ("secretariat", "open"): 8}


@pytest.mark.parametrize(("role", "state"), sorted(DETAIL_PINS))
def test_a_ballots_page_does_not_grow(
    role: str, state: str, world: World, client: Client, count_queries: Any
) -> None:
    make_leaders(world)
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    first = make_ballot(world, kind="head")
    if state == "closed":
        everyone_votes(first)  # counted, not void
        counting.close_ballot(first, by=world.secretariat)
    else:
        ballots.cast_vote(first, by=world.leader2, choices={})
    small = measure(client, first.get_absolute_url(), count_queries)
    more_members(world)
    if state == "closed":
        larger = make_ballot(world, kind="deputy", seats=3)  # ten candidates
        everyone_votes(larger)
        counting.close_ballot(larger, by=world.secretariat)
    else:
        larger = first
        everyone_votes(larger)
    large = measure(client, larger.get_absolute_url(), count_queries)
    assert larger.candidates.count() >= 4 and larger.box.roll.count() >= 4
    assert (small, large) == (DETAIL_PINS[(role, state)],) * 2, (small, large)


# 18, then 21: the authority's catalogue (its award types and rule versions with what they
# exclude, read once for every award) and the block's acclaim ballot.
ELIGIBILITY_PIN = 21


@pytest.mark.parametrize("award_code", ["chairman-certificate", "government-flag"])
def test_the_eligibility_of_every_member_is_checked_in_a_fixed_number_of_queries(
    award_code: str, world: World, client: Client, count_queries: Any
) -> None:
    from awards.models import AwardType
    from tests.factories import make_published_ranking

    make_published_ranking(world)
    award = AwardType.objects.get(code=award_code)
    client.force_login(world.secretariat)
    address = reverse("awards:eligibility", args=[world.block_year.pk]) + f"?award={award.pk}"
    small = measure(client, address, count_queries)
    more_members(world)
    large = measure(client, address, count_queries)
    page = client.get(address).content.decode()
    assert page.count('class="bi bi-x-lg"') > 0  # the new members fail the ranking rules
    assert (small, large) == (ELIGIBILITY_PIN, ELIGIBILITY_PIN), (small, large)


# The confirmations for several ballots: the same count for one ballot or three.
BULK_PINS = {"awards:ballots_open": 5, "awards:ballots_close": 5}


@pytest.mark.parametrize("name", sorted(BULK_PINS))
def test_the_confirmation_for_several_ballots_does_not_grow(
    name: str, world: World, client: Client, count_queries: Any
) -> None:
    opened = name == "awards:ballots_close"
    make_leaders(world)
    make_ballot(world, kind="acclaim", opened=opened)
    client.force_login(world.secretariat)
    address = reverse(name, args=[world.block_year.pk])
    small = measure(client, address, count_queries)
    more_members(world)
    make_ballot(world, opened=opened)
    make_ballot(world, kind="head", opened=opened)
    large = measure(client, address, count_queries)
    assert "(3)" in client.get(address).content.decode()
    assert (small, large) == (BULK_PINS[name], BULK_PINS[name]), (small, large)
