"""The public results page: anyone reads the published decisions' awardees, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.awards.matrix_decisions import draft, issued, published
from tests.factories import YEAR, World, make_unit

pytestmark = pytest.mark.django_db


def _results(world: World, year: int = YEAR) -> str:
    return reverse("awards:results", args=[world.authority.pk, year])


def test_anyone_reads_the_published_awardees_with_the_decision_number_without_signing_in(
    client: Client, world: World
) -> None:
    decision = published(world, units=world.units[:2])
    response = client.get(_results(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.units[0].name in page and world.units[1].name in page
    assert world.block.name in page
    assert "125/QĐ-UBND" in page
    assert decision.document is not None
    assert f"/verify/{decision.document.code}/" in page


def test_the_index_lists_the_authorities_and_years_with_published_results(
    client: Client, world: World
) -> None:
    published(world)
    page = client.get(reverse("awards:results_index")).content.decode()
    assert _results(world) in page
    assert world.authority.name in page
    assert world.other_authority.name not in page


def test_a_year_with_only_drafts_or_unpublished_decisions_is_not_found(
    client: Client, world: World
) -> None:
    draft(world)
    assert client.get(_results(world)).status_code == 404
    issued(world, number="126/QĐ-UBND", award_code="provincial-flag", units=[world.units[1]])
    assert client.get(_results(world)).status_code == 404
    assert _results(world) not in client.get(reverse("awards:results_index")).content.decode()


def test_the_page_shows_no_draft_and_no_unpublished_decision_beside_a_published_one(
    client: Client, world: World
) -> None:
    published(world, units=[world.units[0]])
    issued(world, number="126/QĐ-UBND", award_code="provincial-flag", units=[world.units[1]])
    draft(world, number="127/QĐ-UBND", award_code="excellent-labour", units=[world.units[2]])
    page = client.get(_results(world)).content.decode()
    assert world.units[0].name in page
    for hidden in ("126/QĐ-UBND", "127/QĐ-UBND", world.units[1].name, world.units[2].name):
        assert hidden not in page


def test_the_page_shows_no_one_but_the_signer(client: Client, world: World) -> None:
    decision = published(world)
    page = client.get(_results(world)).content.decode()
    assert decision.signer_name in page
    for person in (world.staff, world.leader, world.secretariat):
        assert person.get_full_name() not in page


def test_a_proposal_to_the_ministry_is_shown_as_proposed_not_awarded(
    client: Client, world: World
) -> None:
    published(world, number="12/TTr-UBND", award_code="government-flag")
    page = client.get(_results(world)).content.decode()  # in Vietnamese, as anyone first sees it
    assert "Đề nghị Thủ tướng Chính phủ khen thưởng" in page and "12/TTr-UBND" in page
    assert ">Đã được khen thưởng<" not in page


def test_the_sign_in_page_links_to_the_public_results(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert reverse("awards:results_index") in page


@pytest.mark.parametrize("size", [1, 6])
def test_the_public_pages_run_a_fixed_number_of_queries(
    client: Client, world: World, size: int, django_assert_num_queries: Any
) -> None:
    units = [make_unit(world.authority) for _ in range(size)]
    published(world, units=units)
    published(world, number="126/QĐ-UBND", award_code="provincial-flag", units=units[:1])
    # The first visit reads the decisions; the next ones only their documents' SHA-256. Each
    # page also reads the audit log's head, shown as it is now (never cached).
    with django_assert_num_queries(5):
        assert client.get(_results(world)).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(_results(world)).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(reverse("awards:results_index")).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(reverse("awards:results_index")).status_code == 200
