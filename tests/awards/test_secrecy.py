"""The secret ballot: nothing stored, logged, mailed or shown links a unit to what it chose, and
no result exists before closing (DESIGN §6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from awards.models import Ballot, BallotCandidate, BallotVoter, CastBallot, CastChoice
from awards.services import ballots
from blocks.models import Membership, Unit, UnitRole
from emulation.models import AuditEvent, User
from tests import counting
from tests.factories import World, make_ballot, make_leaders, make_world

LINKING_MODELS = {User, Unit, BallotVoter, Membership, UnitRole}


def relations(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model  # type: ignore[misc]
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }


@pytest.mark.parametrize("model", [CastBallot, CastChoice])
def test_the_anonymous_ballot_has_no_path_to_the_voter(model: type[models.Model]) -> None:
    fields = model._meta.get_fields()
    assert not relations(model) & LINKING_MODELS
    assert not any(
        isinstance(f, models.DateField | models.TimeField | models.AutoField | models.BigAutoField)
        for f in fields
    ), "no timestamp and no counter"
    assert isinstance(model._meta.pk, models.UUIDField)
    expected = {CastBallot: {Ballot, CastChoice}, CastChoice: {CastBallot, BallotCandidate}}
    assert relations(model) == expected[model]


def test_the_voter_roll_has_no_path_to_the_choice() -> None:
    assert not relations(BallotVoter) & {CastBallot, CastChoice}
    names = {f.name for f in BallotVoter._meta.get_fields()}
    assert names == {"id", "ballot", "unit", "voted_by", "voted_at"}, "no receipt, no choice"


@pytest.mark.django_db
def test_the_admin_neither_shows_nor_keeps_a_history_of_cast_ballots() -> None:
    for model in (CastBallot, CastChoice, BallotVoter):
        assert not admin.site.is_registered(model)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "history" in t or "historical" in t]


def _vote_everywhere(world: World) -> tuple[Ballot, dict[str, str]]:
    ballot = make_ballot(world)
    candidates = list(ballot.candidates.order_by("position"))
    receipts = {}
    for i, leader in enumerate(make_leaders(world)):
        choices = {c.pk: bool((i >> bit) & 1) for bit, c in enumerate(candidates)}
        receipts[leader.username] = ballots.cast_vote(ballot, by=leader, choices=choices)
    return ballot, receipts


@pytest.mark.django_db
def test_no_audit_event_or_admin_entry_says_what_a_unit_chose(world: World) -> None:
    ballot, receipts = _vote_everywhere(world)
    voted = AuditEvent.objects.filter(action="awards.ballot.voted")
    assert voted.count() == 4
    assert all(set(e.after or {}) == {"unit"} and e.before is None for e in voted)
    cast_types = {"awards.castballot", "awards.castchoice"}
    for event in AuditEvent.objects.all():
        text = json.dumps([event.before, event.after], ensure_ascii=False)
        assert event.object_type not in cast_types
        for word in ("approve", "choice", "agree", "receipt", *receipts.values()):
            assert word not in text, (event.action, word)
    kinds = ContentType.objects.get_for_models(CastBallot, CastChoice, BallotVoter).values()
    assert not LogEntry.objects.filter(content_type__in=kinds).exists()
    # Once closed, only the totals are recorded, as they are published.
    counting.close_ballot(ballot, by=world.secretariat)
    closed = AuditEvent.objects.get(action="awards.ballot.closed")
    after = closed.after or {}
    assert set(after) == {"status", "members", "cast", "quorum", "results", "sha256"}
    assert after["results"] == [
        [c.unit_name, c.approvals, c.disapprovals, c.elected]
        for c in ballot.candidates.order_by("position", "pk")
    ]


@pytest.mark.django_db
def test_the_session_and_messages_keep_no_receipt_or_choice(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    client.force_login(world.leader)
    data = {f"candidate_{c.pk}": "disagree" for c in ballot.candidates.all()} | {"confirm": "on"}
    response = client.post(reverse("awards:ballot_vote", args=[ballot.pk]), data)
    receipt = response.context["receipt"]
    assert "no-store" in response["Cache-Control"]
    session = client.session
    stored = json.dumps({key: str(value) for key, value in session.items()})
    cookies = " ".join(str(c.value) for c in client.cookies.values())
    for secret in (receipt, receipt.replace("-", ""), "disagree"):
        assert secret not in stored and secret not in cookies
    # Shown once: the next visit to the ballot paper says the unit voted, with no code.
    again = client.get(reverse("awards:ballot_vote", args=[ballot.pk]))
    assert receipt not in again.content.decode()


def _storage_order(ballot: Ballot) -> list[tuple[Any, ...]]:
    """The cast ballots in the order they sit in the table: by rowid on SQLite; by ctid (with
    each row's xmin, the transaction that wrote it) on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id::text, xmin::text FROM awards_castballot WHERE ballot_id = %s"
                " ORDER BY ctid",
                [ballot.pk],
            )
        else:
            cursor.execute(
                "SELECT id, rowid FROM awards_castballot WHERE ballot_id = %s ORDER BY rowid",
                [ballot.pk],
            )
        return list(cursor.fetchall())


def _voter_xmin(ballot: Ballot) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM awards_ballotvoter WHERE ballot_id = %s ORDER BY id DESC"
            " LIMIT 1",
            [ballot.pk],
        )
        return str(cursor.fetchone()[0])


def _whose(ballot: Ballot, pattern_of: dict[frozenset[int], int]) -> list[int]:
    """For each cast ballot in storage order, the voter (by voting order) whose choice it is;
    the test knows it because each voter chose a different candidate."""
    order = [str(row[0]).replace("-", "") for row in _storage_order(ballot)]
    chosen = {
        str(cast.pk).replace("-", ""): frozenset(c.candidate_id for c in cast.choices.all())
        for cast in CastBallot.objects.filter(ballot=ballot).prefetch_related("choices")
    }
    return [pattern_of[chosen[key]] for key in order]


def test_neither_keys_nor_storage_order_nor_transactions_follow_the_order_of_voting(
    transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    """Each of four leaders chooses a different candidate for head, so the test can tell which
    stored ballot is whose. After every vote the box is rewritten: every key is new, and every
    row was written by the latest vote's transaction (PostgreSQL xmin). Over several elections
    the storage order (SQLite rowid, PostgreSQL ctid) is a fresh shuffle of the voting order, so
    neither key nor position nor transaction points back to a voter."""
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    leaders = make_leaders(world)
    permutations = []
    for _round in range(6):
        ballot = make_ballot(world, kind=Ballot.Kind.HEAD)
        candidates = list(ballot.candidates.order_by("position"))
        pattern_of: dict[frozenset[int], int] = {}
        keys: set[str] = set()
        for index, (leader, candidate) in enumerate(zip(leaders, candidates, strict=True)):
            before = _storage_order(ballot)
            ballots.cast_vote(ballot, by=leader, choices={candidate.pk: True})
            pattern_of[frozenset({candidate.pk})] = index
            after = _storage_order(ballot)
            now = {str(row[0]) for row in after}
            assert len(now) == index + 1
            assert not now & keys, "every key changed with the new vote"
            keys = now
            if connection.vendor == "postgresql":
                assert {row[1] for row in after} == {_voter_xmin(ballot)}, (
                    "every row was rewritten by the latest vote's transaction"
                )
            assert len(before) == index
        permutations.append(tuple(_whose(ballot, pattern_of)))
        counting.close_ballot(ballot, by=world.secretariat)
        # Nobody had a majority: another election can be held.
        assert not ballot.candidates.filter(elected=True).exists()
    identity = (0, 1, 2, 3)
    # Six rounds of four shuffled papers: all in voting order by chance has odds 1 in 24^6.
    assert any(p != identity for p in permutations), permutations
    assert len(set(permutations)) > 1, permutations


@pytest.mark.django_db
def test_no_result_is_counted_or_shown_before_closing(world: World, client: Client) -> None:
    ballot, _receipts = _vote_everywhere(world)
    assert not BallotCandidate.objects.filter(ballot=ballot, approvals__isnull=False).exists()
    for role in ("admin", "secretariat", "leader", "member"):
        client.force_login(getattr(world, role))
        page = client.get(reverse("awards:ballot_detail", args=[ballot.pk]))
        html = page.content.decode()
        assert 'id="results"' not in html and "data-sha256" not in html
        assert "chart" not in page.context
        assert all(c.approvals is None for c in page.context["candidates"])
        assert (page.context["voted"], page.context["members"]) == (4, 4)
        listing = client.get(reverse("awards:ballot_list", args=[world.block_year.pk]))
        assert "after closing" in listing.content.decode()
    counting.close_ballot(ballot, by=world.secretariat)
    page = client.get(reverse("awards:ballot_detail", args=[ballot.pk]))
    assert 'id="results"' in page.content.decode() and "chart" in page.context
