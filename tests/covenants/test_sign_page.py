"""The signing page: a leader whose unit has signed sees who signed and when, not the form."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from covenants import services
from covenants.models import Signature
from tests.factories import World, make_covenant


def test_a_leader_whose_unit_has_not_signed_is_offered_the_form(world: World, client: Any) -> None:
    document = make_covenant(world, status="signing")
    client.force_login(world.leader)
    page = client.get(reverse("covenants:covenant_sign", args=[document.pk])).content.decode()
    assert 'name="password"' in page
    assert "đã ký:" not in page


def test_a_leader_whose_unit_has_signed_sees_who_signed_and_when_not_the_form(
    world: World, client: Any
) -> None:
    document = make_covenant(world, status="signing")
    services.sign_covenant(document, world.units[2], by=world.leader, password="demo12345")
    signature = Signature.objects.get(unit=world.units[2])
    client.force_login(world.leader)
    url = reverse("covenants:covenant_sign", args=[document.pk])
    page = client.get(url).content.decode()
    assert 'name="password"' not in page
    local = timezone.localtime(signature.signed_at)
    when = f"lúc {local:%H:%M} ngày {local:%d/%m/%Y}"
    # The page reads in the leader's language, Vietnamese.
    assert f"Ban Tuyên giáo Tỉnh ủy đã ký: Trưởng Ban Tuyên giáo, {when}." in page
    assert reverse("covenants:signing_progress", args=[document.pk]) in page


def test_a_second_signature_posted_from_a_stale_page_is_refused(world: World, client: Any) -> None:
    document = make_covenant(world, status="signing")
    services.sign_covenant(document, world.units[2], by=world.leader, password="demo12345")
    client.force_login(world.leader)
    response = client.post(
        reverse("covenants:covenant_sign", args=[document.pk]),
        {"unit": world.units[2].pk, "password": "demo12345", "confirm": "on"},
    )
    assert response.status_code == 200
    assert Signature.objects.filter(unit=world.units[2]).count() == 1


def test_the_dashboard_offers_signing_only_until_the_leaders_unit_has_signed(
    world: World, client: Any
) -> None:
    from blocks.dashboard import timeline
    from blocks.models import BlockYear

    document = make_covenant(world, status="signing")
    sign = reverse("covenants:covenant_sign", args=[document.pk])

    def actions() -> list[str]:
        block_year = BlockYear.objects.get(pk=world.block_year.pk)
        step = next(s for d, s in timeline(block_year, world.leader) if d.number == 4)
        return [url for _label, url in step.actions]

    assert sign in actions()
    services.sign_covenant(document, world.units[2], by=world.leader, password="demo12345")
    assert sign not in actions()
    assert reverse("covenants:signing_progress", args=[document.pk]) in actions()


def test_a_unit_that_signed_and_left_the_year_keeps_its_signature_shown_apart(
    world: World, client: Any
) -> None:
    """A unit merged into another after signing: its signature stays with the year's covenant,
    under the name it signed with, shown apart from the current members' and not counted."""
    import datetime

    from blocks import services as registry

    document = make_covenant(world, status="signing")
    services.sign_covenant(document, world.units[2], by=world.leader, password="demo12345")
    day = datetime.date(world.block_year.year, 7, 1)
    registry.merge_units(
        [world.units[2]], into=world.units[3], by=world.staff, effective_date=day, reason="Sáp nhập"
    )
    current, departed = services.signing_record(document)
    assert [m.unit for m, _s in current] == [world.units[0], world.units[1], world.units[3]]
    assert [(m.unit, s.unit_name) for m, s in departed] == [
        (world.units[2], "Ban Tuyên giáo Tỉnh ủy")
    ]
    client.force_login(world.secretariat)
    for name in ("covenants:signing_progress", "covenants:document_detail"):
        page = client.get(reverse(name, args=[document.pk])).content.decode()
        assert "Ban Tuyên giáo Tỉnh ủy" in page and "30/06/" in page, name
    page = client.get(reverse("covenants:signing_progress", args=[document.pk])).content.decode()
    assert 'data-signed="0"' in page
