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

from awards.models import (
    AgendaItem,
    Ballot,
    BallotBox,
    BallotCandidate,
    RollEntry,
    SealedBallot,
    Teller,
)
from awards.services import ballots
from blocks.models import Membership, Unit, UnitRole
from emulation.models import AuditEvent, User
from tests import counting
from tests.factories import World, make_ballot, make_leaders

VOTE_MODELS: list[Any] = [BallotBox, Teller, RollEntry, SealedBallot]


def relations(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model  # type: ignore[misc]
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }


def test_a_sealed_ballot_has_no_path_to_the_voter() -> None:
    """Only its box: no user, unit, roll row, candidate or item; no time and no counter that
    would order it with the roll; a random key."""
    assert relations(SealedBallot) == {BallotBox}
    fields = SealedBallot._meta.get_fields()
    assert {f.name for f in fields} == {"id", "box", "sealed", "receipt_sha256"}
    assert not any(
        isinstance(f, models.DateField | models.TimeField | models.AutoField | models.BigAutoField)
        for f in fields
    ), "no timestamp and no counter"
    assert isinstance(SealedBallot._meta.pk, models.UUIDField)
    assert SealedBallot._meta.pk.default is not None
    assert SealedBallot._meta.pk.default() != SealedBallot._meta.pk.default()


def test_the_voter_roll_has_no_path_to_the_sealed_ballot() -> None:
    assert relations(RollEntry) == {BallotBox, Unit, User}
    names = {f.name for f in RollEntry._meta.get_fields()}
    assert names == {"id", "box", "unit", "voted_by", "voted_at"}, "no receipt, no choice"
    # Nor does the box lead from one to the other but through the whole box.
    assert not relations(BallotBox) & {BallotCandidate, AgendaItem, Membership, UnitRole}


@pytest.mark.django_db
def test_the_admin_neither_shows_nor_keeps_a_history_of_the_box() -> None:
    for model in VOTE_MODELS:
        assert not admin.site.is_registered(model)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "history" in t or "historical" in t]


def _vote_everywhere(world: World) -> tuple[Ballot, dict[str, str]]:
    leaders = make_leaders(world)  # before opening: a leader named later does not vote
    ballot = make_ballot(world)
    candidates = list(ballot.candidates.order_by("position"))
    receipts = {}
    for i, leader in enumerate(leaders):
        choices = {c.pk: bool((i >> bit) & 1) for bit, c in enumerate(candidates)}
        receipts[leader.username] = ballots.cast_vote(ballot, by=leader, choices=choices)
    return ballot, receipts


@pytest.mark.django_db
def test_no_audit_event_or_admin_entry_says_what_a_unit_chose(world: World) -> None:
    ballot, receipts = _vote_everywhere(world)
    voted = AuditEvent.objects.filter(action="awards.ballot.voted")
    assert voted.count() == 4
    assert all(set(e.after or {}) == {"unit"} and e.before is None for e in voted)
    cast_types = {"awards.sealedballot", "awards.rollentry", "awards.ballotbox"}
    for event in AuditEvent.objects.all():
        text = json.dumps([event.before, event.after], ensure_ascii=False)
        assert event.object_type not in cast_types
        for word in ("approve", "choice", "agree", "receipt", *receipts.values()):
            assert word not in text, (event.action, word)
    kinds = ContentType.objects.get_for_models(*VOTE_MODELS).values()
    assert not LogEntry.objects.filter(content_type__in=kinds).exists()
    # Once closed, only the totals are recorded, as they are published.
    counting.close_ballot(ballot, by=world.secretariat)
    closed = AuditEvent.objects.get(action="awards.ballot.closed")
    after = closed.after or {}
    assert set(after) == {
        "status",
        "members",
        "cast",
        "quorum",
        "void",
        "tellers",
        "results",
        "sha256",
    }
    assert after["void"] == "" and len(after["tellers"]) == 2
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


@pytest.mark.django_db
def test_sealed_ballots_all_look_alike_whatever_they_say(world: World) -> None:
    """The same choice sealed twice gives two different ciphertexts, and every ballot has the
    same length: neither equality nor size tells two votes apart."""
    leaders = make_leaders(world)
    ballot = make_ballot(world)
    candidates = list(ballot.candidates.all())
    same = {c.pk: True for c in candidates}
    different = {c.pk: False for c in candidates}
    for leader, choices in zip(leaders, [same, same, different, same], strict=True):
        ballots.cast_vote(ballot, by=leader, choices=choices)
    sealed = [bytes(s or b"") for s in SealedBallot.objects.values_list("sealed", flat=True)]
    assert len(sealed) == 4 and len(set(sealed)) == 4
    assert len({len(s) for s in sealed}) == 1
    assert RollEntry.objects.filter(box=ballot.box_id).count() == 4
