"""Minutes are signed by persons: the chair and the secretary of the meeting, named on the PDF,
typed in the issue form (proposed from the roles) and numbered in the body's register."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from awards.documents import ballot_minutes, session_minutes
from awards.models import Dossier
from awards.services import sessions
from blocks.models import Membership, UnitRole
from tests.awards.matrix_sessions import prepared
from tests.awards.test_minutes import pdf_text
from tests.factories import World, make_closed_ballot

pytestmark = pytest.mark.django_db


def test_the_form_names_the_chair_and_secretary_printed_on_the_minutes(
    world: World, client: Client
) -> None:
    make_closed_ballot(world, kind="acclaim")
    client.force_login(world.secretariat)
    issue = reverse("awards:minutes_issue", args=[world.block_year.pk])
    form = client.get(issue).content.decode()
    assert 'name="chair_name"' in form and 'name="secretary_name"' in form
    # The secretary proposed is the person issuing them.
    assert f'value="{world.secretariat.get_full_name()}"' in form
    client.post(issue, {"chair_name": "Nguyễn Văn Chủ  Trì", "secretary_name": "Trần Thị Thư"})
    document = Dossier.objects.get().minutes
    assert document is not None
    text = pdf_text(document)
    assert "Nguyễn Văn Chủ Trì" in text and "Trần Thị Thư" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text
    assert "Số: 1/BB-KTĐ" in text
    assert document.number == "1/BB-KTĐ"
    assert (document.metadata["chair"], document.metadata["secretary"]) == (
        "Nguyễn Văn Chủ Trì",
        "Trần Thị Thư",
    )
    # A unit's name is not a signature.
    head = world.block_year.memberships.get(role=Membership.Role.HEAD)
    assert f"{head.unit.name.upper()}\n" not in text


def test_left_blank_the_head_units_leader_chairs_and_the_issuer_keeps_the_minutes(
    world: World,
) -> None:
    make_closed_ballot(world, kind="acclaim")
    head = world.block_year.memberships.get(role=Membership.Role.HEAD)
    leader = UnitRole.objects.filter(unit=head.unit_id, role=UnitRole.Role.LEADER).first()
    document = ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    text = pdf_text(document)
    chair = leader.user.get_full_name() if leader else world.secretariat.get_full_name()
    assert document.metadata["chair"] == chair
    assert document.metadata["secretary"] == world.secretariat.get_full_name()
    assert chair in text
    # Issued again (the minutes are replaced until the dossier is sent): the next number.
    again = ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert again.number == "2/BB-KTĐ"


def test_the_council_session_minutes_name_their_chair_and_secretary(world: World) -> None:
    session = prepared(world, method="paper")
    counts = {item.pk: (1, 0) for item in session.items.all()}
    sessions.record_paper_counts(session, by=world.staff, present=1, counts=counts, scan=None)
    document = session_minutes.issue_session_minutes(
        session, by=world.staff, chair_name="Hoàng Nam", secretary_name="Lê Thư Ký"
    )
    text = pdf_text(document)
    assert "Hoàng Nam" in text and "Lê Thư Ký" in text
    assert "CHỦ TRÌ PHIÊN HỌP" in text and "THƯ KÝ" in text
    assert document.number == "1/BB-HĐTĐKT" and "Số: 1/BB-HĐTĐKT" in text
