"""The admin edits award types and shows ballots, nominations, dossiers and hand-overs read-only;
what a unit chose is never registered there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from awards.models import (
    AwardType,
    Ballot,
    BallotBox,
    CouncilSession,
    Decision,
    Dossier,
    Handover,
    Nomination,
    RollEntry,
    SealedBallot,
    Teller,
)
from tests.factories import World, make_election

pytestmark = pytest.mark.django_db


def test_the_ballot_box_its_board_and_the_voter_roll_are_not_in_the_admin() -> None:
    secret: list[Any] = [BallotBox, Teller, RollEntry, SealedBallot]
    shown: list[Any] = [AwardType, Ballot, Nomination, Dossier, Handover, CouncilSession, Decision]
    assert not any(admin.site.is_registered(m) for m in secret)
    assert all(admin.site.is_registered(m) for m in shown)
    # Nor shown inside another model's page.
    for model_admin in admin.site._registry.values():
        inlined = {inline.model for inline in model_admin.inlines}
        assert not inlined & set(secret), model_admin
        shown_fields = {*(model_admin.fields or ()), *model_admin.readonly_fields}
        assert "box" not in shown_fields | set(model_admin.list_display), model_admin


def test_the_ballot_page_in_the_admin_edits_nothing_of_its_box(world: World, client: Any) -> None:
    ballot = make_election(world, "head", world.units[2])
    assert ballot.box is not None
    client.force_login(world.admin)
    url = reverse("admin:awards_ballot_change", args=[ballot.pk])
    html = client.get(url).content.decode()
    assert 'name="box"' not in html and 'name="tellers' not in html
    root = reverse("admin:index")
    assert client.get(f"{root}awards/ballot/").status_code == 200  # the path is right
    for model in ("ballotbox", "teller", "rollentry", "sealedballot"):
        assert client.get(f"{root}awards/{model}/").status_code == 404
    box = BallotBox.objects.get(pk=ballot.box.pk)
    assert client.post(url, {"box": ""}).status_code == 403
    assert BallotBox.objects.get(pk=box.pk).state == box.state == BallotBox.State.COUNTED


def test_ballots_and_hand_overs_are_read_only(world: World, client: Any) -> None:
    ballot = make_election(world, "head", world.units[2])
    client.force_login(world.admin)
    page = client.get(reverse("admin:awards_ballot_change", args=[ballot.pk]))
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    handover = Handover.objects.get()
    response = client.post(
        reverse("admin:awards_handover_change", args=[handover.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    assert Handover.objects.get().status == Handover.Status.PENDING
    assert client.get(reverse("admin:awards_ballot_add")).status_code == 403


def test_an_award_type_is_configured_in_the_admin_with_valid_attestations(
    world: World, client: Any
) -> None:
    award = AwardType.objects.get(code="chairman-certificate")
    client.force_login(world.admin)
    url = reverse("admin:awards_awardtype_change", args=[award.pk])
    page = client.get(url).content.decode()
    assert "Who may be proposed" in page and 'name="max_per_block"' in page
    form = {
        "code": award.code,
        "name_vi": award.name_vi,
        "name_en": award.name_en,
        "level": award.level,
        "decided_by": award.decided_by,
        "position": award.position,
        "candidates": award.candidates,
        "max_rank": 3,
        "min_band": award.min_band,
        "max_per_block": 2,
        "cap_percent": "",
        "prerequisite": "",
        "attestations": '["no_discipline", "unknown"]',
        "quorum_numerator": 2,
        "quorum_denominator": 3,
        "approval_numerator": 1,
        "approval_denominator": 2,
        "approval_base": award.approval_base,
        "approval_strict": "on",
        "council_approval_numerator": 1,
        "council_approval_denominator": 2,
        "council_approval_strict": "on",
        "legal_basis": award.legal_basis,
        "is_active": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "Give a list of these codes" in response.content.decode()
    response = client.post(url, {**form, "attestations": '["no_discipline"]'})
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.max_per_block, award.max_rank, award.attestations) == (2, 3, ["no_discipline"])
