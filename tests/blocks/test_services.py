"""The registry's rules, as its services enforce them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from blocks import services
from blocks.models import BlockYear, Membership, Succession, Unit
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import World, archive, make_block_year, make_unit

D = datetime.date


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_a_renamed_unit_keeps_its_old_name_on_past_records(world: World) -> None:
    unit = world.units[2]
    services.rename_unit(
        unit,
        by=world.staff,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        short_name="BTGDV",
        effective_date=D(2025, 7, 1),
        reason="Hợp nhất theo Quyết định của Trung ương",
    )
    unit.refresh_from_db()
    assert unit.name == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert unit.name_on(D(2025, 6, 30)) == "Ban Tuyên giáo Tỉnh ủy"
    assert unit.name_on(D(2025, 7, 1)) == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    event = AuditEvent.objects.get(action="blocks.unit.renamed")
    assert event.before == {"name": "Ban Tuyên giáo Tỉnh ủy", "short_name": "BTGTU"}
    assert event.reason.startswith("Hợp nhất")


def test_a_past_year_shows_the_name_of_that_year(world: World) -> None:
    unit = world.units[2]
    services.rename_unit(
        unit,
        by=world.staff,
        name="Tên mới",
        short_name="TM",
        effective_date=D(2027, 1, 1),
        reason="",
    )
    membership = Membership.objects.get(block_year=world.block_year, unit=unit)
    assert membership.unit_name == "Ban Tuyên giáo Tỉnh ủy"


def test_renaming_before_an_earlier_rename_is_refused(world: World) -> None:
    unit = world.units[2]
    services.rename_unit(
        unit, by=world.staff, name="Tên A", short_name="A", effective_date=D(2026, 5, 1), reason=""
    )
    with pytest.raises(DomainError, match="already renamed"):
        services.rename_unit(
            unit,
            by=world.staff,
            name="Tên B",
            short_name="B",
            effective_date=D(2026, 4, 1),
            reason="",
        )


def test_merging_units_retires_them_and_seats_the_successor_in_their_block(world: World) -> None:
    a, b = world.units[2], world.units[3]
    successor = services.merge_units(
        [a, b],
        by=world.staff,
        name="Ban Tuyên giáo - Báo chí",
        short_name="BTGBC",
        effective_date=D(2026, 7, 1),
        reason="Sắp xếp bộ máy",
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.active_to == b.active_to == D(2026, 6, 30)
    year = world.block_year
    left = Membership.objects.filter(block_year=year, unit__in=[a, b])
    assert {m.left_on for m in left} == {D(2026, 6, 30)}
    joined = Membership.objects.get(block_year=year, unit=successor)
    assert joined.joined_on == D(2026, 7, 1)
    assert set(
        Succession.objects.filter(successor=successor).values_list("predecessor", flat=True)
    ) == {a.pk, b.pk}


def test_merging_and_splitting_leave_an_archived_year_as_it_was(world: World) -> None:
    a, b, c = world.units[1], world.units[2], world.units[3]
    next_year = make_block_year(world.block, world.units, year=2027, head=world.units[0])
    archive(world)
    successor = services.merge_units(
        [a, b], by=world.staff, name="Ban Xây dựng Đảng", effective_date=D(2027, 7, 1), reason=""
    )
    services.split_unit(
        c,
        by=world.staff,
        parts=[("Báo A", "BA"), ("Báo B", "BB")],
        effective_date=D(2027, 9, 1),
        reason="",
    )
    archived = Membership.objects.filter(block_year=world.block_year)
    assert {m.unit_id: m.left_on for m in archived} == {u.pk: None for u in world.units}
    assert not archived.filter(unit=successor).exists()
    left = Membership.objects.filter(block_year=next_year, unit__in=[a, b, c])
    assert {m.unit_id: m.left_on for m in left} == {
        a.pk: D(2027, 6, 30),
        b.pk: D(2027, 6, 30),
        c.pk: D(2027, 8, 31),
    }
    assert Membership.objects.get(block_year=next_year, unit=successor).joined_on == D(2027, 7, 1)


def test_merging_into_an_existing_unit(world: World) -> None:
    a, into = world.units[3], world.units[2]
    assert (
        services.merge_units(
            [a], by=world.staff, into=into, effective_date=D(2026, 7, 1), reason=""
        )
        == into
    )
    assert Membership.objects.get(block_year=world.block_year, unit=into).left_on is None


def test_units_of_two_authorities_merge_for_whoever_manages_both(world: World) -> None:
    # The staff of one province cannot reach into another's units.
    with pytest.raises(DomainError, match="do not manage Báo Ninh Thuận"):
        services.merge_units(
            [world.units[3], world.other_unit],
            by=world.staff,
            name="Báo và Phát thanh, Truyền hình",
            effective_date=D(2026, 7, 1),
            reason="Sáp nhập tỉnh",
        )
    assert world.other_unit.active_to is None
    successor = services.merge_units(
        [world.units[3], world.other_unit],
        by=world.admin,
        name="Báo và Phát thanh, Truyền hình",
        authority=world.authority,
        effective_date=D(2026, 7, 1),
        reason="Sáp nhập tỉnh",
    )
    assert successor.authority == world.authority
    left = Membership.objects.get(unit=world.other_unit)
    assert left.left_on == D(2026, 6, 30)
    assert left.note == "Merged into Báo và Phát thanh, Truyền hình from 01/07/2026"
    assert set(Unit.objects.lineage_of(successor)) == {successor, world.units[3], world.other_unit}


def test_the_lineage_goes_back_through_every_generation(world: World) -> None:
    first = services.merge_units(
        [world.units[2], world.units[3]],
        by=world.staff,
        name="Ban A",
        effective_date=D(2026, 3, 1),
        reason="",
    )
    parts = services.split_unit(
        first,
        by=world.staff,
        parts=[("Ban B", "B"), ("Ban C", "C")],
        effective_date=D(2026, 9, 1),
        reason="",
    )
    assert set(Unit.objects.lineage_of(parts[0])) == {parts[0], first, *world.units[2:4]}
    assert set(Unit.objects.lineage_of(world.units[0])) == {world.units[0]}


def test_a_province_merged_into_another_goes_on_under_it(world: World) -> None:
    services.merge_authorities(
        world.other_authority,
        by=world.admin,
        into=world.authority,
        effective_date=D(2025, 7, 1),
        reason="Nghị quyết số 202/2025/QH15",
    )
    world.other_authority.refresh_from_db()
    world.other_unit.refresh_from_db()
    world.other_block.refresh_from_db()
    assert world.other_authority.active_to == D(2025, 6, 30)
    assert world.other_unit.authority == world.authority
    assert world.other_block.authority == world.authority
    assert world.other_authority.succession.successor == world.authority
    event = AuditEvent.objects.get(action="blocks.authority.merged")
    assert event.before is not None and event.before["units"] == [world.other_unit.pk]
    assert event.reason == "Nghị quyết số 202/2025/QH15"
    # The successor's council now runs what the merged province ran.
    assert world.staff.has_perm("blocks.manage_unit", world.other_unit)
    with pytest.raises(DomainError, match="already merged"):
        services.merge_authorities(
            world.other_authority,
            by=world.admin,
            into=world.authority,
            effective_date=D(2025, 7, 1),
            reason="",
        )


def test_merging_authorities_is_refused_on_a_clash_and_to_council_staff(world: World) -> None:
    with pytest.raises(DomainError, match="site administrator"):
        services.merge_authorities(
            world.other_authority,
            by=world.staff,
            into=world.authority,
            effective_date=D(2025, 7, 1),
            reason="",
        )
    make_unit(world.authority, "Báo Ninh Thuận")
    with pytest.raises(DomainError, match="“Báo Ninh Thuận”: rename them first"):
        services.merge_authorities(
            world.other_authority,
            by=world.admin,
            into=world.authority,
            effective_date=D(2025, 7, 1),
            reason="",
        )
    world.other_unit.refresh_from_db()
    assert world.other_unit.authority == world.other_authority
    assert not AuditEvent.objects.filter(action="blocks.authority.merged").exists()


def test_splitting_a_unit_creates_its_successors(world: World) -> None:
    unit = world.units[3]
    parts = services.split_unit(
        unit,
        by=world.staff,
        parts=[("Báo Quảng Trị điện tử", "BQTĐT"), ("Tạp chí Cửa Việt", "TCCV")],
        effective_date=D(2026, 9, 1),
        reason="",
    )
    assert [p.name for p in parts] == ["Báo Quảng Trị điện tử", "Tạp chí Cửa Việt"]
    assert all(p.active_from == D(2026, 9, 1) for p in parts)
    unit.refresh_from_db()
    assert unit.active_to == D(2026, 8, 31)
    assert Membership.objects.get(block_year=world.block_year, unit=unit).left_on == D(2026, 8, 31)


def test_a_unit_cannot_be_added_twice_to_one_year(world: World) -> None:
    with pytest.raises(DomainError, match="already a member"):
        services.add_member(
            world.block_year, world.units[1], by=world.staff, joined_on=D(2026, 3, 1)
        )
    assert world.block_year.memberships.count() == 4


def test_a_unit_joins_mid_year_and_leaves_with_a_reason(world: World) -> None:
    newcomer = make_unit(world.authority, "Ban Nội chính Tỉnh ủy")
    membership = services.add_member(
        world.block_year, newcomer, by=world.staff, joined_on=D(2026, 4, 1)
    )
    assert membership.position == 5
    services.end_membership(membership, by=world.staff, left_on=D(2026, 10, 1), reason="Giải thể")
    membership.refresh_from_db()
    assert membership.left_on == D(2026, 10, 1)
    assert AuditEvent.objects.get(action="blocks.membership.ended").reason == "Giải thể"


def test_a_membership_cannot_end_before_it_starts(world: World) -> None:
    newcomer = make_unit(world.authority)
    membership = services.add_member(
        world.block_year, newcomer, by=world.staff, joined_on=D(2026, 4, 1)
    )
    with pytest.raises(DomainError, match="cannot leave before it joined"):
        services.end_membership(membership, by=world.staff, left_on=D(2026, 3, 1), reason="")
    membership.refresh_from_db()
    assert membership.left_on is None


def test_the_head_cannot_leave_before_another_head_is_chosen(world: World) -> None:
    head = world.block_year.memberships.get(role=Membership.Role.HEAD)
    with pytest.raises(DomainError, match="another block head"):
        services.end_membership(head, by=world.staff, left_on=D(2026, 6, 1), reason="")


def test_a_unit_of_another_authority_cannot_join(world: World) -> None:
    with pytest.raises(DomainError, match="another authority"):
        services.add_member(
            world.block_year, world.other_unit, by=world.staff, joined_on=D(2026, 3, 1)
        )


def test_a_date_outside_the_year_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match="within 2026"):
        services.add_member(
            world.block_year, make_unit(world.authority), by=world.staff, joined_on=D(2025, 12, 31)
        )


def test_the_head_and_deputies_are_set_and_audited(world: World) -> None:
    u = world.units
    services.set_leadership(world.block_year, by=world.staff, head=u[2], deputies=[u[0], u[3]])
    roles = dict(world.block_year.memberships.values_list("unit", "role"))
    assert roles == {u[0].pk: "deputy", u[1].pk: "member", u[2].pk: "head", u[3].pk: "deputy"}
    event = AuditEvent.objects.get(action="blocks.blockyear.leadership_set")
    assert event.before == {"head": u[0].pk, "deputies": [u[1].pk]}


@pytest.mark.parametrize(
    ("head", "deputies", "message"),
    [
        ("outsider", [], "not a current member"),
        (2, [2], "cannot also be a deputy"),
        (2, [0, 1, 3], "at most two"),
    ],
)
def test_invalid_leadership_is_refused_and_nothing_changes(
    world: World, head: object, deputies: list[int], message: str
) -> None:
    before = list(world.block_year.memberships.values_list("unit", "role"))
    head_unit = world.other_unit if head == "outsider" else world.units[head]  # type: ignore[call-overload]
    with pytest.raises(DomainError, match=message):
        services.set_leadership(
            world.block_year,
            by=world.staff,
            head=head_unit,
            deputies=[world.units[d] for d in deputies],
        )
    assert list(world.block_year.memberships.values_list("unit", "role")) == before


def test_a_unit_that_left_cannot_become_head(world: World) -> None:
    member = world.block_year.memberships.get(unit=world.units[3])
    services.end_membership(member, by=world.staff, left_on=D(2026, 5, 1), reason="")
    with pytest.raises(DomainError, match="not a current member"):
        services.set_leadership(world.block_year, by=world.staff, head=world.units[3], deputies=[])


def test_a_new_year_carries_over_the_current_members_but_not_the_roles(world: World) -> None:
    gone = world.block_year.memberships.get(unit=world.units[3])
    services.end_membership(gone, by=world.staff, left_on=D(2026, 5, 1), reason="")
    next_year = services.create_block_year(world.block, by=world.staff, year=2027, theme="Mới")
    members = list(
        next_year.memberships.order_by("position").values_list("unit", "role", "joined_on")
    )
    assert members == [(u.pk, "member", D(2027, 1, 1)) for u in world.units[:3]]


def test_a_year_cannot_be_opened_twice(world: World) -> None:
    with pytest.raises(DomainError, match="already has the year 2026"):
        services.create_block_year(world.block, by=world.staff, year=2026)
    assert BlockYear.objects.filter(block=world.block).count() == 1


def test_a_contribution_is_recorded_once_per_unit_and_corrected_in_place(world: World) -> None:
    activity = world.activity
    services.record_contribution(
        activity,
        world.units[1],
        by=world.secretariat,
        books=10,
        money_vnd=1_000_000,
        participants=3,
        note="",
    )
    services.record_contribution(
        activity,
        world.units[1],
        by=world.secretariat,
        books=12,
        money_vnd=1_000_000,
        participants=3,
        note="Sửa",
    )
    assert activity.contributions.filter(unit=world.units[1]).get().books == 12
    assert AuditEvent.objects.get(action="blocks.contribution.changed").before == {
        "books": 10,
        "note": "",
    }


def test_a_unit_outside_the_block_cannot_contribute(world: World) -> None:
    with pytest.raises(DomainError, match="not a member"):
        services.record_contribution(
            world.activity,
            world.other_unit,
            by=world.staff,
            books=1,
            money_vnd=0,
            participants=0,
            note="",
        )


def test_unit_names_are_unique_within_an_authority(world: World) -> None:
    with pytest.raises(DomainError, match="already has a unit with that name"):
        services.create_unit(
            by=world.staff,
            authority=world.authority,
            name="Báo Quảng Trị",
            short_name="B",
            kind=Unit.Kind.PARTY_AGENCY,
        )
