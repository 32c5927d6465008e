"""The council's home, the year's list and a nomination's page run a fixed number of queries,
whatever the number of blocks, nominations, documents and events."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType, Nomination, NominationFile
from awards.services import intake
from blocks.models import BlockYear, Membership
from tests.factories import YEAR, World, grow, make_sent_dossier

pytestmark = pytest.mark.django_db

S = Nomination.Status
SPREAD = [S.SUBMITTED, S.RECEIVED, S.APPRAISED, S.SUBMITTED, S.RECEIVED, S.SCHEDULED]


def more_nominations(world: World) -> int:
    """More blocks in the province (`grow`), and six more nominations sent from them, at
    several council statuses. The number of nominations the council now holds."""
    grow(world)
    award = AwardType.objects.get(code="excellent-labour")
    years = BlockYear.objects.filter(block__authority=world.authority, year=YEAR).exclude(
        pk=world.block_year.pk
    )
    members = list(Membership.objects.filter(block_year__in=years).select_related("unit")[:6])
    Nomination.objects.bulk_create(
        Nomination(
            block_year_id=m.block_year_id,
            award_type=award,
            unit=m.unit,
            unit_name=m.unit.name,
            status=status,
            submitted_at=timezone.now(),
        )
        for m, status in zip(members, SPREAD, strict=True)
    )
    return Nomination.objects.exclude(status=S.DRAFT).count()


def more_history(nomination: Nomination, world: World) -> None:
    """Documents attached, and the council's steps recorded."""
    NominationFile.objects.bulk_create(
        NominationFile(
            nomination=nomination,
            file=f"nominations/2026/qd-{n}.pdf",
            name=f"qd-{n}.pdf",
            content_type="application/pdf",
            size=100,
            sha256=f"{n:064d}",
            uploaded_by=world.officer,
        )
        for n in range(5)
    )
    intake.receive_nomination(nomination, by=world.staff)
    ticks = dict.fromkeys(intake.APPRAISAL_CHECKLIST, True)
    intake.appraise_nomination(nomination, by=world.staff, checklist=ticks, notes="Lần 1")
    intake.appraise_nomination(nomination, by=world.staff, checklist=ticks, notes="Lần 2")


def measure(client: Client, address: str, count_queries: Any) -> int:
    assert client.get(address).status_code == 200
    return int(count_queries(lambda: client.get(address)))


LIST_PINS = {"staff": 9, "member": 9, "admin": 8}


@pytest.mark.parametrize("role", sorted(LIST_PINS))
def test_the_years_list_does_not_grow(
    role: str, world: World, client: Client, count_queries: Any
) -> None:
    make_sent_dossier(world)
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    address = reverse("awards:intake_list", args=[world.authority.pk, YEAR])
    small = measure(client, address, count_queries)
    assert more_nominations(world) == 9
    large = measure(client, address, count_queries)
    assert len(client.get(address).context["table"].page.object_list) == 9
    assert (small, large) == (LIST_PINS[role], LIST_PINS[role]), (small, large)


INDEX_PINS = {"staff": 5, "admin": 4}


@pytest.mark.parametrize("role", sorted(INDEX_PINS))
def test_the_council_home_does_not_grow(
    role: str, world: World, client: Client, count_queries: Any
) -> None:
    make_sent_dossier(world)
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    address = reverse("awards:council_index")
    small = measure(client, address, count_queries)
    more_nominations(world)
    large = measure(client, address, count_queries)
    assert (small, large) == (INDEX_PINS[role], INDEX_PINS[role]), (small, large)


# 14, then 16: the eligibility check reads the version of the authority's catalogue that judges
# the year (its rule versions, and the award types a default version refers to).
DETAIL_PINS = {"staff": 16, "member": 16}


@pytest.mark.parametrize("role", sorted(DETAIL_PINS))
def test_a_nominations_page_does_not_grow(
    role: str, world: World, client: Client, count_queries: Any
) -> None:
    first, second, _third = make_sent_dossier(world)
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    small = measure(client, reverse("awards:intake_detail", args=[first.pk]), count_queries)
    more_nominations(world)
    more_history(second, world)
    address = reverse("awards:intake_detail", args=[second.pk])
    large = measure(client, address, count_queries)
    assert len(client.get(address).context["files"]) == 5
    assert (small, large) == (DETAIL_PINS[role], DETAIL_PINS[role]), (small, large)
