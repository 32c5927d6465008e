"""Registrations across years: copied from last year as drafts, registered by the units, gathered
at the council by the title or award aimed for, approved or returned there in one go."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from covenants import services
from covenants.models import Registration
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import YEAR, World, make_block_year

S = Registration.Status
# The council page: the session and the person, the authority, the registrations, and the page.
PINNED = 5


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def last_year(world: World) -> list[Registration]:
    previous = make_block_year(world.block, world.units, year=YEAR - 1, head=world.units[1])
    return [
        Registration.objects.create(
            block_year=previous,
            unit=unit,
            targets=f"Mục tiêu {index} năm trước",
            aims=["excellent", "provincial_flag"] if index == 2 else ["excellent"],
            registered_by=world.leader,
        )
        for index, unit in enumerate(world.units[1:4], start=1)
    ]


def test_last_year_s_registrations_are_copied_as_drafts_once(world: World) -> None:
    before = last_year(world)
    services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="Mới", aims=["excellent"]
    )
    copied = services.copy_last_year_registrations(world.block_year, by=world.secretariat)
    # The unit that has registered already keeps its own.
    assert {r.unit_id for r in copied} == {world.units[1].pk, world.units[3].pk}
    assert {r.status for r in copied} == {S.DRAFT}
    assert {r.copied_from_id for r in copied} == {before[0].pk, before[2].pk}
    event = AuditEvent.objects.get(action="covenants.registration.copied")
    assert event.after == {"units": [r.unit_id for r in copied], "from_year": YEAR - 1}
    with pytest.raises(DomainError, match="has one this year already"):
        services.copy_last_year_registrations(world.block_year, by=world.secretariat)
    with pytest.raises(DomainError, match="secretariat or the council staff"):
        services.copy_last_year_registrations(world.block_year, by=world.leader)


def test_a_draft_saved_by_its_unit_goes_to_the_council(world: World) -> None:
    last_year(world)
    services.copy_last_year_registrations(world.block_year, by=world.secretariat)
    saved = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="Sửa lại", aims=["excellent"]
    )
    assert saved.status == S.SUBMITTED
    event = AuditEvent.objects.filter(action="covenants.registration.changed").get()
    assert (event.before or {})["status"] == S.DRAFT and (event.after or {})[
        "status"
    ] == S.SUBMITTED


def test_the_council_approves_or_returns_with_a_reason(world: World) -> None:
    registration = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="A", aims=["provincial_flag"]
    )
    with pytest.raises(DomainError, match="Say why"):
        services.review_registration(registration, by=world.staff, approve=False, reason=" ")
    with pytest.raises(DomainError, match="council staff"):
        services.review_registration(registration, by=world.member, approve=True)
    returned = services.review_registration(
        registration, by=world.staff, approve=False, reason="Chỉ tiêu chưa lượng hóa"
    )
    assert (returned.status, returned.review_reason) == (S.RETURNED, "Chỉ tiêu chưa lượng hóa")
    with pytest.raises(DomainError, match="only one awaiting the council"):
        services.review_registration(returned, by=world.staff, approve=True)
    again = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="A: 12", aims=["provincial_flag"]
    )
    assert again.status == S.SUBMITTED
    assert services.review_registration(again, by=world.staff, approve=True).status == S.APPROVED
    actions = list(
        AuditEvent.objects.filter(action__startswith="covenants.registration.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "covenants.registration.returned",
        "covenants.registration.changed",
        "covenants.registration.approved",
    ]


def test_reviewing_in_one_go_is_all_or_none(world: World) -> None:
    first = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="A", aims=["excellent"]
    )
    second = services.register_targets(
        world.block_year, world.units[3], by=world.leader2, targets="B", aims=["excellent"]
    )
    services.review_registration(second, by=world.staff, approve=True)
    with pytest.raises(DomainError, match="Nothing was changed"):
        services.review_registrations([first, second], by=world.staff, approve=True)
    first.refresh_from_db()
    assert first.status == S.SUBMITTED


def test_the_council_page_gathers_by_aim_and_reviews_the_ticked(as_user: Any, world: World) -> None:
    first = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="A", aims=["provincial_flag"]
    )
    services.register_targets(
        world.block_year, world.units[3], by=world.leader2, targets="B", aims=["excellent"]
    )
    url = f"/council/{world.authority.pk}/{YEAR}/registrations/"
    page = as_user("member").get(url + "?aim=provincial_flag")
    assert [r.unit for r in page.context["table"].data] == [world.units[2]]
    counts = {code: n for code, _label, n in page.context["aims"]}
    assert counts["provincial_flag"] == 1 and counts["excellent"] == 1
    assert 'id="review"' not in page.content.decode()
    assert as_user("member").post(url, {"item": [first.pk], "action": "approve"}).status_code == 403
    response = as_user("staff").post(
        url + "?aim=provincial_flag", {"item": [first.pk], "action": "return", "reason": "Thiếu"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.review_reason) == (S.RETURNED, "Thiếu")
    # The unit sees why on the block's list.
    listing = as_user("leader").get(f"/years/{world.block_year.pk}/registrations/")
    assert "Thiếu" in listing.content.decode()


def test_the_secretariat_copies_from_the_list_and_the_unit_starts_from_last_year(
    as_user: Any, world: World
) -> None:
    last_year(world)
    url = f"/years/{world.block_year.pk}/registrations/"
    assert "bi-files" in as_user("secretariat").get(url).content.decode()  # the copy button
    assert as_user("secretariat").post(url).status_code == 302
    assert Registration.objects.filter(block_year=world.block_year, status=S.DRAFT).count() == 3
    form = as_user("leader").get(f"{url}{world.units[2].pk}/").context["form"]
    assert form.initial["targets"] == "Mục tiêu 2 năm trước"


def test_the_council_page_runs_a_fixed_number_of_queries(
    client: Any, world: World, count_queries: Any
) -> None:
    services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="A", aims=["excellent"]
    )
    client.force_login(world.staff)
    url = f"/council/{world.authority.pk}/{YEAR}/registrations/"
    client.get(url)
    small = count_queries(lambda: client.get(url))
    services.register_targets(
        world.block_year, world.units[3], by=world.leader2, targets="B", aims=["excellent"]
    )
    last_year(world)
    large = count_queries(lambda: client.get(url))
    assert small == large == PINNED, (small, large)


def test_a_unit_in_two_blocks_last_year_starts_from_the_block_it_continues_in(
    world: World,
) -> None:
    """The copy and the form's start agree: the same block's registration comes first."""
    from tests.factories import make_block

    unit = world.units[2]
    other = make_block_year(make_block(world.authority, "Khối khác"), [unit], year=YEAR - 1)
    Registration.objects.create(
        block_year=other, unit=unit, targets="Của khối khác", registered_by=world.leader
    )
    own = last_year(world)[1]
    assert own.unit == unit
    assert services.last_year_registration(world.block_year, unit) == own
    assert services.last_year_registrations(world.block_year)[unit.pk] == own
