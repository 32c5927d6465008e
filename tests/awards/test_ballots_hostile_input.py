"""Random and hostile input through every ballot form: errors on the form (nothing saved) or the
change it asks for; never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from awards.models import Ballot, BallotCandidate, RollEntry, SealedBallot
from emulation.models import AuditEvent
from tests.factories import World, make_ballot, make_published_ranking
from tests.security.test_hostile_input import HYPOTHESIS, choices, dates, numbers, text

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, Any]:
    return {
        "ballots": list(Ballot.objects.order_by("pk").values_list("status", "closes_on", "cast")),
        "candidates": list(
            BallotCandidate.objects.order_by("pk").values_list("approvals", "disapprovals")
        ),
        "voters": RollEntry.objects.count(),
        "cast": SealedBallot.objects.count(),
        "choices": SealedBallot.objects.filter(sealed__isnull=False).count(),
        "audit": AuditEvent.objects.count(),
    }


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in {200, 302}, (response.status_code, data)
    context = response.context or {}
    if response.status_code == 200 and "form" in context and context["form"].errors:
        assert snapshot() == before, "nothing is saved when the form has errors"
    return response


def test_an_award_code_with_a_nul_byte_is_an_unknown_award(world: World, client: Client) -> None:
    """Found by the test below on PostgreSQL, which refuses a NUL in a query's text."""
    make_published_ranking(world)
    client.force_login(world.secretariat)
    address = reverse("awards:ballot_create", args=[world.block_year.pk])
    assert client.get(address, {"kind": "nomination", "award": "1\x00"}).status_code == 200
    post(client, address, {"kind": "nomination", "award": "1\x00", "method": "online"})


def test_preparing_a_ballot_with_any_input_never_fails(world: World, client: Client) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    address = reverse("awards:ballot_create", args=[world.block_year.pk])
    units = [u.pk for u in world.units] + [world.other_unit.pk]

    @HYPOTHESIS
    @given(
        kind=choices(list(Ballot.Kind.values)),
        award=choices(["provincial-flag", "pm-certificate", "excellent-labour"]),
        method=choices(["online", "paper"]),
        seats=numbers,
        closes_on=dates,
        picked=st.lists(choices(units), max_size=5),
    )
    def run(
        kind: str, award: str, method: str, seats: str, closes_on: str, picked: list[str]
    ) -> None:
        data = {
            "kind": kind,
            "award": award,
            "method": method,
            "seats": seats,
            "closes_on": closes_on,
            "units": picked,
        }
        post(client, address, data)

    run()


def test_a_ballot_paper_with_any_input_never_fails(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    candidates = [c.pk for c in ballot.candidates.all()]
    client.force_login(world.leader)
    address = reverse("awards:ballot_vote", args=[ballot.pk])

    @HYPOTHESIS
    @given(
        answers=st.lists(choices(["agree", "disagree"]), min_size=3, max_size=3),
        confirm=choices(["on", "true", "false", ""]),
        extra=text,
    )
    def run(answers: list[str], confirm: str, extra: str) -> None:
        data = {f"candidate_{pk}": answer for pk, answer in zip(candidates, answers, strict=True)}
        post(client, address, data | {"confirm": confirm, "chosen": extra})

    run()
    assert RollEntry.objects.count() <= 1 and SealedBallot.objects.count() <= 1


def test_paper_counts_with_any_input_never_fail(world: World, client: Client) -> None:
    paper = make_ballot(world, method="paper")
    candidates = [c.pk for c in paper.candidates.all()]
    client.force_login(world.secretariat)
    address = reverse("awards:ballot_paper", args=[paper.pk])

    @HYPOTHESIS
    @given(
        members=numbers,
        cast=numbers,
        counts=st.lists(numbers, min_size=6, max_size=6),
        scan=st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"not a pdf", b"\x89PNG\r\n\x1a\n"]),
    )
    def run(members: str, cast: str, counts: list[str], scan: bytes) -> None:
        data: dict[str, Any] = {"members": members, "cast": cast}
        for i, pk in enumerate(candidates):
            data[f"agree_{pk}"], data[f"disagree_{pk}"] = counts[2 * i], counts[2 * i + 1]
        if scan:
            data["scan"] = SimpleUploadedFile("bien-ban.pdf", scan, "application/pdf")
        post(client, address, data)

    run()


def test_receipts_and_closing_dates_with_any_input_never_fail(world: World, client: Client) -> None:
    ballot = make_ballot(world, opened=False)
    client.force_login(world.secretariat)
    receipt = reverse("awards:ballot_receipt", args=[ballot.pk])
    opening = reverse("awards:ballot_open", args=[ballot.pk])

    @HYPOTHESIS
    @given(code=text, closes_on=dates)
    def run(code: str, closes_on: str) -> None:
        post(client, receipt, {"code": code})
        post(client, opening, {"closes_on": closes_on})

    run()
