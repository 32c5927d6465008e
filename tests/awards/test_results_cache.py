"""What never changes once published is read once, then served from the cache under the SHA-256
it stores: a closed ballot's and a council session's results, a published decision's awardees,
the public results. The same page comes back with fewer queries; a changed hash is a new key;
results altered behind the application's back are never cached; what belongs to one person is
never served to another."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from awards.models import AgendaItem, Ballot, BallotCandidate, CouncilSession, Decision
from awards.services import ballots, sessions
from emulation.models import IssuedDocument
from tests import counting
from tests.awards.matrix_decisions import published
from tests.awards.matrix_sessions import opened
from tests.factories import YEAR, World, make_closed_ballot

pytestmark = pytest.mark.django_db


def page(client: Client, address: str) -> str:
    """The page without what changes on every request (the CSRF token and the CSP nonce)."""
    response = client.get(address)
    assert response.status_code == 200
    return re.sub(
        r'nonce="[^"]*"|X-CSRFToken": "[^"]*"|value="[A-Za-z0-9]{64}"',
        "",
        response.content.decode(),
    )


def visits(client: Client, address: str, count_queries: Any) -> tuple[str, int, str, int]:
    """The page and its queries on a first visit and on a second (after the session's first
    request, which checks two-factor sign-in)."""
    client.get(reverse("home"))
    first: list[str] = []
    first_queries = count_queries(lambda: first.append(page(client, address)))
    second: list[str] = []
    second_queries = count_queries(lambda: second.append(page(client, address)))
    return first[0], first_queries, second[0], second_queries


# A closed ballot ----------------------------------------------------------------------------------


@pytest.fixture
def ballot(world: World) -> Ballot:
    return make_closed_ballot(world)  # type: ignore[no-any-return]


def test_a_closed_ballots_results_come_back_the_same_from_the_cache(
    world: World, ballot: Ballot, client: Client, count_queries: Any
) -> None:
    client.force_login(world.leader)
    first, first_queries, second, second_queries = visits(
        client, ballot.get_absolute_url(), count_queries
    )
    assert second == first and 'id="results"' in first
    # The counting board is read once with the results (it changes no more once counted).
    assert (first_queries, second_queries) == (8, 4)  # no candidates nor roll read the second time


def test_each_person_gets_their_own_page_around_the_cached_results(
    world: World, ballot: Ballot, client: Client
) -> None:
    client.force_login(world.secretariat)
    as_secretariat = page(client, ballot.get_absolute_url())
    client.force_login(world.leader)
    as_leader = page(client, ballot.get_absolute_url())
    assert world.secretariat.get_full_name() in as_secretariat
    assert world.secretariat.get_full_name() not in as_leader
    assert world.leader.get_full_name() in as_leader


def test_a_ballots_new_hash_is_a_new_key(world: World, ballot: Ballot, client: Client) -> None:
    client.force_login(world.leader)
    assert '<td class="text-end fw-semibold">4</td>' in page(client, ballot.get_absolute_url())
    BallotCandidate.objects.filter(ballot=ballot).update(approvals=3)
    ballot.refresh_from_db()
    sha256 = ballots.results_sha256(ballot, ballots.results_of(ballot))
    Ballot.objects.filter(pk=ballot.pk).update(results_sha256=sha256)
    shown = page(client, ballot.get_absolute_url())
    assert sha256 in shown and '<td class="text-end fw-semibold">3</td>' in shown


def test_counts_that_no_longer_match_their_hash_are_never_cached(
    world: World, ballot: Ballot, client: Client, count_queries: Any
) -> None:
    BallotCandidate.objects.filter(ballot=ballot).update(approvals=3)
    client.force_login(world.leader)
    _first, first_queries, second, second_queries = visits(
        client, ballot.get_absolute_url(), count_queries
    )
    assert '<td class="text-end fw-semibold">3</td>' in second
    assert first_queries == second_queries == 8  # the results and the counting board


# A closed council session -------------------------------------------------------------------------


@pytest.fixture
def session(world: World) -> CouncilSession:
    session = opened(world)
    choices = {item.pk: True for item in session.items.all()}
    sessions.cast_council_vote(session, by=world.member, choices=choices)
    return counting.close_session(session, by=world.staff)  # type: ignore[no-any-return]


def test_a_closed_sessions_results_come_back_the_same_from_the_cache(
    world: World, session: CouncilSession, client: Client, count_queries: Any
) -> None:
    client.force_login(world.member)
    first, first_queries, second, second_queries = visits(
        client, session.get_absolute_url(), count_queries
    )
    assert second == first and "proposed 3, approved 3" in first
    # Nothing but the session read the second time; the counting board is read with the results,
    # the caps with the catalogue's versions.
    assert (first_queries, second_queries) == (13, 4)


def test_a_sessions_counts_changed_behind_its_back_are_read_afresh(
    world: World, session: CouncilSession, client: Client, count_queries: Any
) -> None:
    AgendaItem.objects.filter(session=session).update(outcome=AgendaItem.Outcome.REJECTED)
    client.force_login(world.member)
    _first, first_queries, second, second_queries = visits(
        client, session.get_absolute_url(), count_queries
    )
    assert "proposed 3, approved 0" in second
    # The results, the counting board and the caps of the catalogue's versions.
    assert first_queries == second_queries == 13


# A published decision and the public results ------------------------------------------------------


@pytest.fixture
def decision(world: World) -> Decision:
    return published(world, units=world.units[:2])  # type: ignore[no-any-return]


def results(world: World) -> str:
    return reverse("awards:results", args=[world.authority.pk, YEAR])


def test_a_published_decisions_awardees_come_back_the_same_from_the_cache(
    world: World, decision: Decision, client: Client, count_queries: Any
) -> None:
    client.force_login(world.staff)
    first, first_queries, second, second_queries = visits(
        client, decision.get_absolute_url(), count_queries
    )
    assert second == first and world.units[1].name in first
    assert (first_queries, second_queries) == (5, 4)  # no awardees read the second time


def test_the_public_results_come_back_the_same_from_the_cache(
    world: World, decision: Decision, client: Client, count_queries: Any
) -> None:
    first = page(client, results(world))
    # The council, the hashes, and the audit log's head (shown as it is now, never cached).
    assert count_queries(lambda: page(client, results(world))) == 3
    assert page(client, results(world)) == first
    index = page(client, reverse("awards:results_index"))
    assert count_queries(lambda: page(client, reverse("awards:results_index"))) == 2
    assert page(client, reverse("awards:results_index")) == index


def test_a_decision_published_later_shows_at_once(
    world: World, decision: Decision, client: Client
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "126/QĐ-UBND" not in page(client, results(world))
    assert "1 decision" in page(client, reverse("awards:results_index"))
    published(world, number="126/QĐ-UBND", award_code="provincial-flag", units=[world.units[2]])
    assert "126/QĐ-UBND" in page(client, results(world))
    assert "2 decisions" in page(client, reverse("awards:results_index"))


def test_a_changed_document_hash_is_a_new_key(
    world: World, decision: Decision, client: Client
) -> None:
    assert decision.document is not None
    assert decision.document.display_code in page(client, results(world))
    # Another document in its place (as if the record were altered): its code shows at once.
    IssuedDocument.objects.filter(pk=decision.document.pk).update(
        sha256="0" * 64, code="ZZZZZZZZZZ"
    )
    shown = page(client, results(world))
    assert decision.document.display_code not in shown and "ZZZZZ-ZZZZZ" in shown
