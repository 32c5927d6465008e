"""Next year's head: prepared from the election, confirmed by the council, handed over on the day;
the block's secretariat of the new year moves with it."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from awards.models import Handover
from awards.services import handover as services
from blocks.models import BlockYear, Membership
from blocks.rules import is_secretariat_of
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import World, archive, fresh, make_block_year, make_election

pytestmark = pytest.mark.django_db
HEAD, DEPUTY, MEMBER = Membership.Role.HEAD, Membership.Role.DEPUTY, Membership.Role.MEMBER


def roles(block_year: BlockYear) -> dict[str, str]:
    return {m.unit.short_name: m.role for m in block_year.memberships.select_related("unit")}


def test_electing_the_head_prepares_next_year_with_the_members_and_a_pending_hand_over(
    world: World,
) -> None:
    world.block_year.dossier_deadline = datetime.date(2027, 3, 15)
    world.block_year.save(update_fields=["dossier_deadline"])
    make_election(world, "head", world.units[2])
    following = BlockYear.objects.get(block=world.block, year=2027)
    assert following.theme == world.block_year.theme
    assert following.dossier_deadline == datetime.date(2028, 3, 15)
    assert set(roles(following).values()) == {MEMBER} and len(roles(following)) == 4
    assert set(following.memberships.values_list("joined_on", flat=True)) == {
        datetime.date(2027, 1, 1)
    }
    handover = Handover.objects.get(from_year=world.block_year)
    assert (handover.to_year, handover.head, handover.status) == (
        following,
        world.units[2],
        Handover.Status.PENDING,
    )
    assert list(handover.deputies.all()) == []
    assert AuditEvent.objects.filter(action="awards.handover.prepared").count() == 1


def test_the_deputies_join_the_hand_over_whichever_election_closes_first(world: World) -> None:
    make_election(world, "deputy", world.units[3])
    assert not Handover.objects.exists()  # the deputies wait for the head
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    assert handover.head == world.units[2]
    assert list(handover.deputies.all()) == [world.units[3]]


def test_a_deputy_election_after_the_head_updates_the_pending_hand_over(world: World) -> None:
    make_election(world, "head", world.units[2])
    make_election(world, "deputy", world.units[1], world.units[3])
    handover = Handover.objects.get()
    assert set(handover.deputies.all()) == {world.units[1], world.units[3]}
    assert handover.status == Handover.Status.PENDING


def test_preparing_again_changes_nothing(world: World) -> None:
    ballot = make_election(world, "head", world.units[2])
    events = AuditEvent.objects.count()
    again = services.prepare_from_ballot(ballot, by=world.secretariat)
    assert again is not None and again.pk == Handover.objects.get().pk
    assert AuditEvent.objects.count() == events
    assert BlockYear.objects.filter(block=world.block, year=2027).count() == 1


def test_a_next_year_without_members_gets_this_years_members(world: World) -> None:
    empty = BlockYear.objects.create(block=world.block, year=2027, theme="Kỷ cương")
    make_election(world, "head", world.units[2])
    assert Handover.objects.get().to_year == empty
    assert len(roles(empty)) == 4
    empty.refresh_from_db()
    assert empty.theme == "Kỷ cương"  # an existing year keeps what it has


def test_confirming_with_a_day_that_has_come_moves_the_secretariat_at_once(world: World) -> None:
    make_election(world, "head", world.units[2])
    make_election(world, "deputy", world.units[3])
    handover = Handover.objects.get()
    following = handover.to_year
    assert not is_secretariat_of(world.leader, following)
    assert not is_secretariat_of(world.officer, following)

    services.confirm_handover(handover, by=world.staff, handover_on=timezone.localdate())

    handover.refresh_from_db()
    assert handover.status == Handover.Status.DONE and handover.confirmed_by == world.staff
    assert roles(following) == {"VPTU": MEMBER, "BTCTU": MEMBER, "BTGTU": HEAD, "BQT": DEPUTY}
    assert is_secretariat_of(fresh(world.leader), following)
    assert is_secretariat_of(fresh(world.officer), following)
    assert is_secretariat_of(fresh(world.leader2), following)  # the deputy's leader
    # The old head still runs its own year, and only that one.
    assert is_secretariat_of(fresh(world.secretariat), world.block_year)
    assert not is_secretariat_of(fresh(world.secretariat), following)
    assert not is_secretariat_of(fresh(world.leader), world.block_year)
    applied = AuditEvent.objects.get(action="awards.handover.applied")
    assert applied.actor == world.staff
    assert applied.before is not None and applied.before["head"] is None
    assert applied.after is not None and applied.after["head"] == world.units[2].pk
    assert applied.after["deputies"] == [world.units[3].pk]


def test_a_later_hand_over_date_waits_for_the_daily_command(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=10)
    services.confirm_handover(handover, by=world.staff, handover_on=day)
    handover.refresh_from_db()
    assert (handover.status, handover.handover_on) == (Handover.Status.CONFIRMED, day)
    assert not is_secretariat_of(world.leader, handover.to_year)

    assert services.apply_due_handovers(today=day - datetime.timedelta(days=1)) == 0
    assert services.apply_due_handovers(today=day) == 1
    assert services.apply_due_handovers(today=day) == 0  # once
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DONE
    assert is_secretariat_of(fresh(world.leader), handover.to_year)
    # Carried out in the name of the council's staff member who confirmed it.
    assert AuditEvent.objects.get(action="awards.handover.applied").actor == world.staff


def test_the_command_hands_over_what_is_due(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    services.confirm_handover(
        handover, by=world.staff, handover_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    Handover.objects.filter(pk=handover.pk).update(handover_on=timezone.localdate())
    out = StringIO()
    call_command("apply_handovers", stdout=out)
    assert "1 hand-overs carried out." in out.getvalue()
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DONE


def test_a_next_year_headed_by_another_unit_waits_for_the_council_then_changes_hands(
    world: World,
) -> None:
    following = make_block_year(
        world.block, world.units, year=2027, head=world.units[0], deputies=(world.units[1],)
    )
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    assert handover.status == Handover.Status.PENDING
    assert roles(following)["VPTU"] == HEAD  # nothing moves before the council decides
    services.confirm_handover(handover, by=world.staff, handover_on=timezone.localdate())
    assert roles(following) == {"VPTU": MEMBER, "BTCTU": MEMBER, "BTGTU": HEAD, "BQT": MEMBER}
    assert not is_secretariat_of(world.secretariat, following)


def test_the_council_confirms_only_once(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    services.confirm_handover(handover, by=world.staff, handover_on=timezone.localdate())
    with pytest.raises(DomainError, match="already been confirmed"):
        services.confirm_handover(handover, by=world.staff, handover_on=timezone.localdate())


def test_a_hand_over_date_outside_the_two_years_is_refused(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    with pytest.raises(DomainError, match="must fall between 01/01/2026 and 31/12/2027") as error:
        services.confirm_handover(handover, by=world.staff, handover_on=datetime.date(2028, 1, 1))
    assert error.value.field == "handover_on"
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING


def test_an_elected_unit_that_left_next_year_blocks_the_hand_over(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    handover.to_year.memberships.filter(unit=world.units[2]).update(
        left_on=datetime.date(2027, 1, 2)
    )
    with pytest.raises(DomainError, match="not a current member"):
        services.confirm_handover(handover, by=world.staff, handover_on=timezone.localdate())
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING
    assert HEAD not in roles(handover.to_year).values()


def test_a_confirmed_hand_over_that_can_no_longer_be_done_stays_confirmed(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=5)
    services.confirm_handover(handover, by=world.staff, handover_on=day)
    handover.to_year.memberships.filter(unit=world.units[2]).update(
        left_on=datetime.date(2027, 1, 2)
    )
    assert services.apply_due_handovers(today=day) == 0
    handover.refresh_from_db()
    assert handover.status == Handover.Status.CONFIRMED


def test_a_hand_over_confirmed_before_the_year_was_archived_still_takes_place(
    world: World,
) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=5)
    services.confirm_handover(handover, by=world.staff, handover_on=day)
    archive(world)
    assert services.apply_due_handovers(today=day) == 1
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DONE
    assert roles(handover.to_year)["BTGTU"] == HEAD


def test_no_hand_over_goes_into_an_archived_year(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=5)
    services.confirm_handover(handover, by=world.staff, handover_on=day)
    BlockYear.objects.filter(pk=handover.to_year_id).update(
        archived_at=timezone.now(), archived_by=world.staff
    )
    assert services.apply_due_handovers(today=day) == 0
    with pytest.raises(DomainError, match=r"The year 2027 of .* is archived"):
        services.apply_handover(handover)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.CONFIRMED
    assert HEAD not in roles(handover.to_year).values()


def test_a_new_election_after_confirmation_needs_the_council_again(world: World) -> None:
    make_election(world, "head", world.units[2])
    handover = Handover.objects.get()
    services.confirm_handover(
        handover, by=world.staff, handover_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    make_election(world, "deputy", world.units[3])
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING and handover.handover_on is None
    assert list(handover.deputies.all()) == [world.units[3]]


# The pages --------------------------------------------------------------------------------------


def test_everyone_who_sees_the_year_sees_the_elected_head_and_only_staff_the_form(
    world: World, client: Any
) -> None:
    make_election(world, "head", world.units[2])
    url = reverse("awards:handover_detail", args=[world.block_year.pk])
    client.force_login(world.leader2)
    page = client.get(url).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in page and "Awaiting the council" in page
    assert reverse("awards:handover_confirm", args=[world.block_year.pk]) not in page
    client.force_login(world.staff)
    page = client.get(url).content.decode()
    assert reverse("awards:handover_confirm", args=[world.block_year.pk]) in page
    assert reverse("blocks:blockyear_detail", args=[Handover.objects.get().to_year_id]) in page


def test_a_year_that_elected_nobody_has_no_hand_over_page(world: World, client: Any) -> None:
    client.force_login(world.staff)
    response = client.get(reverse("awards:handover_detail", args=[world.block_year.pk]))
    assert response.status_code == 404


def test_staff_confirm_with_a_date_and_the_roles_move(world: World, client: Any) -> None:
    make_election(world, "head", world.units[2])
    client.force_login(world.staff)
    url = reverse("awards:handover_confirm", args=[world.block_year.pk])
    response = client.post(url, {"handover_on": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:handover_detail", args=[world.block_year.pk])
    assert Handover.objects.get().status == Handover.Status.DONE
    assert roles(Handover.objects.get().to_year)["BTGTU"] == HEAD


def test_a_bad_date_shows_the_reason_and_saves_nothing(world: World, client: Any) -> None:
    make_election(world, "head", world.units[2])
    client.force_login(world.staff)
    url = reverse("awards:handover_confirm", args=[world.block_year.pk])
    events = AuditEvent.objects.count()
    page = client.post(url, {"handover_on": "01/01/2030"}).content.decode()
    assert "must fall between" in page
    page = client.post(url, {"handover_on": "31/02/2027"}).content.decode()
    assert "Enter a valid date" in page
    assert Handover.objects.get().status == Handover.Status.PENDING
    assert AuditEvent.objects.count() == events


def test_the_secretariat_cannot_confirm_its_own_successor(world: World, client: Any) -> None:
    make_election(world, "head", world.units[2])
    client.force_login(world.secretariat)
    url = reverse("awards:handover_confirm", args=[world.block_year.pk])
    assert (
        client.post(url, {"handover_on": timezone.localdate().strftime("%d/%m/%Y")}).status_code
        == 403
    )
    assert Handover.objects.get().status == Handover.Status.PENDING


def test_not_even_the_site_administrator_confirms_a_hand_over_once_the_year_is_archived(
    world: World, client: Any
) -> None:
    make_election(world, "head", world.units[2])
    archive(world)
    client.force_login(world.admin)
    url = reverse("awards:handover_confirm", args=[world.block_year.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"handover_on": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 403
    assert Handover.objects.get().status == Handover.Status.PENDING
