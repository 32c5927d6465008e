"""The council's decision pages: what staff and members see, and the flow from the approved
nominations to a published decision through the browser's requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import AwardType, Decision, Nomination
from tests.awards.matrix_decisions import approved_nominations, draft, issued, published
from tests.factories import YEAR, World

pytestmark = pytest.mark.django_db


def _list(world: World) -> str:
    return reverse("awards:decision_list", args=[world.authority.pk, YEAR])


def test_the_list_shows_the_approved_nominations_waiting_and_the_decisions(
    client: Client, world: World
) -> None:
    approved_nominations(world, [world.units[1]])
    decision = draft(world, award_code="provincial-flag")
    client.force_login(world.staff)
    page = client.get(_list(world)).content.decode()
    assert "Certificate of Merit" in page
    assert world.units[1].name in page
    award = AwardType.objects.get(code="chairman-certificate")
    assert reverse("awards:decision_create", args=[world.authority.pk, YEAR, award.pk]) in page
    assert decision.number in page and "Draft" in page


def test_a_council_member_sees_the_list_without_the_drafting_button(
    client: Client, world: World
) -> None:
    approved_nominations(world)
    client.force_login(world.member)
    page = client.get(_list(world)).content.decode()
    assert world.units[0].name in page
    assert "Draft a decision" not in page


def test_staff_draft_issue_and_publish_a_decision_through_the_pages(
    client: Client, world: World
) -> None:
    approved_nominations(world, world.units[:2])
    award = AwardType.objects.get(code="chairman-certificate")
    client.force_login(world.staff)
    url = reverse("awards:decision_create", args=[world.authority.pk, YEAR, award.pk])
    form = client.get(url).content.decode()
    assert "Nghị định số 152/2025/NĐ-CP" in form  # the legal bases are prefilled
    assert "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in form
    response = client.post(
        url,
        {
            "number": "125/QĐ-UBND",
            "signed_on": f"05/03/{YEAR + 1}",
            "signer_name": "Hoàng Nam",
            "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
            "legal_bases": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    detail = client.get(decision.get_absolute_url()).content.decode()
    assert world.units[0].name in detail and world.units[1].name in detail
    assert reverse("awards:decision_issue", args=[decision.pk]) in detail

    confirm = client.get(reverse("awards:decision_issue", args=[decision.pk])).content.decode()
    assert "one certificate for each of its 2 units" in confirm
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT  # nothing changes on GET
    client.post(reverse("awards:decision_issue", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ISSUED and decision.document is not None
    detail = client.get(decision.get_absolute_url()).content.decode()
    assert decision.document.display_code in detail
    awardee = decision.awardees.first()
    assert awardee is not None
    assert reverse("awards:certificate_pdf", args=[awardee.pk]) in detail
    assert reverse("awards:decision_publish", args=[decision.pk]) in detail

    client.post(reverse("awards:decision_publish", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED
    public = reverse("awards:results", args=[world.authority.pk, YEAR])
    assert public in client.get(decision.get_absolute_url()).content.decode()


def test_a_duplicate_number_is_shown_on_the_form(client: Client, world: World) -> None:
    draft(world)
    approved_nominations(world, [world.units[1]], "provincial-flag")
    award = AwardType.objects.get(code="provincial-flag")
    client.force_login(world.staff)
    response = client.post(
        reverse("awards:decision_create", args=[world.authority.pk, YEAR, award.pk]),
        {
            "number": "125/QĐ-UBND",
            "signed_on": f"05/03/{YEAR + 1}",
            "signer_name": "Hoàng Nam",
            "legal_bases": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        },
    )
    assert response.status_code == 200
    assert "already has a document numbered 125/QĐ-UBND" in response.content.decode()
    assert Decision.objects.count() == 1


def test_editing_an_issued_decision_sends_back_with_the_reason(
    client: Client, world: World
) -> None:
    decision = issued(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("awards:decision_edit", args=[decision.pk]), {"number": "9/QĐ"}, follow=True
    )
    assert "can no longer change" in response.content.decode()
    decision.refresh_from_db()
    assert decision.number == "125/QĐ-UBND"


def test_a_draft_can_be_edited_through_its_form(client: Client, world: World) -> None:
    decision = draft(world)
    client.force_login(world.staff)
    url = reverse("awards:decision_edit", args=[decision.pk])
    assert "125/QĐ-UBND" in client.get(url).content.decode()
    client.post(
        url,
        {
            "number": "130/QĐ-UBND",
            "signed_on": f"10/03/{YEAR + 1}",
            "signer_name": "Lê Văn Bình",
            "signer_title": "Chủ tịch",
            "legal_bases": "Luật A",
        },
    )
    decision.refresh_from_db()
    assert (decision.number, decision.signer_name) == ("130/QĐ-UBND", "Lê Văn Bình")


def test_discarding_a_draft_returns_to_the_list_with_its_nominations_waiting(
    client: Client, world: World
) -> None:
    decision = draft(world)
    client.force_login(world.staff)
    response = client.post(reverse("awards:decision_discard", args=[decision.pk]))
    assert response["Location"] == _list(world)
    assert not Decision.objects.exists()
    assert Nomination.objects.get().status == Nomination.Status.APPROVED


def test_the_awardee_units_own_people_download_their_certificate_once_published(
    client: Client, world: World
) -> None:
    decision = issued(world, units=[world.units[2]])
    awardee = decision.awardees.get()
    url = reverse("awards:certificate_pdf", args=[awardee.pk])
    client.force_login(world.leader)
    assert client.get(url).status_code == 404  # issued, not yet published
    from awards.services import decisions

    decisions.publish_decision(decision, by=world.staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client.get(reverse("awards:decision_pdf", args=[decision.pk])).status_code == 200
    client.force_login(world.leader2)  # another unit of the block
    assert client.get(url).status_code == 404


def test_council_members_download_the_issued_decision(client: Client, world: World) -> None:
    decision = issued(world)
    client.force_login(world.member)
    response = client.get(reverse("awards:decision_pdf", args=[decision.pk]))
    assert response.status_code == 200
    assert "quyet-dinh-" in response["Content-Disposition"]


def test_a_draft_has_no_pdf_yet(client: Client, world: World) -> None:
    decision = draft(world)
    client.force_login(world.staff)
    assert client.get(reverse("awards:decision_pdf", args=[decision.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_the_decision_pages_run_a_fixed_number_of_queries(
    client: Client, world: World, size: int, django_assert_num_queries: Any
) -> None:
    from tests.factories import make_unit

    units = [make_unit(world.authority) for _ in range(size * 3)]
    for unit in units:
        world.block_year.memberships.create(unit=unit, joined_on=world.block_year.first_day)
    decision = published(world, units=units)
    approved_nominations(world, units[:size], "provincial-flag")
    client.force_login(world.staff)
    # 10: the list also reads the year's submissions of the Department of Home Affairs.
    with django_assert_num_queries(10):
        assert client.get(_list(world)).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(decision.get_absolute_url()).status_code == 200
