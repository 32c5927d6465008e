"""The covenant pages run a fixed number of queries whatever the number of units and signatures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse

from blocks.models import Membership
from covenants import services
from covenants.models import Document, Registration
from tests.factories import World, make_covenant, make_leaders, make_unit, make_user


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    yield


def grow(world: World, document: Document, units: int = 8) -> None:
    """More member units, each registered, signed and commenting."""
    for _ in range(units):
        unit = make_unit(world.authority)
        Membership.objects.create(
            block_year=world.block_year,
            unit=unit,
            position=20,
            joined_on=world.block_year.first_day,
        )
        leader = make_user()
        leader.unit_roles.create(unit=unit, role="leader")
        Registration.objects.create(
            block_year=world.block_year,
            unit=unit,
            targets="Hoàn thành tốt",
            aims=["excellent"],
            registered_by=leader,
        )
        services.sign_covenant(document, unit, by=leader, password="demo12345")


PAGES: dict[str, tuple[str, Callable[[World, Document], list[Any]], int]] = {
    "covenants:document_list": ("secretariat", lambda w, d: [w.block_year.pk], 6),
    "covenants:documents_consult": ("secretariat", lambda w, d: [w.block_year.pk], 5),
    "covenants:documents_adopt": ("secretariat", lambda w, d: [w.block_year.pk], 5),
    "covenants:document_detail": ("secretariat", lambda w, d: [d.pk], 9),
    "covenants:signing_progress": ("secretariat", lambda w, d: [d.pk], 7),
    "covenants:signing_remind": ("secretariat", lambda w, d: [d.pk], 7),
    "covenants:registration_list": ("leader", lambda w, d: [w.block_year.pk], 7),
    "covenants:covenant_sign": ("leader", lambda w, d: [d.pk], 10),
    "blocks:blockyear_detail": ("leader", lambda w, d: [w.block_year.pk], 11),
    "home": (
        "leader",
        lambda w, d: [],
        12,
    ),  # with the seats on counting boards and the years to propose people in
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_covenant_pages_do_not_grow_with_units_and_signatures(
    name: str, world: World, client: Any, count_queries: Any
) -> None:
    document = make_covenant(world, status="signing")
    make_leaders(world)
    services.sign_covenant(
        document,
        world.units[0],
        by=world.units[0].roles.get(role="leader").user,
        password="demo12345",
    )
    role, args, pinned = PAGES[name]
    client.force_login(world.user(role))
    url = reverse(name, args=args(world, document))

    def load() -> None:
        assert client.get(url).status_code == 200

    load()
    small = count_queries(load)
    grow(world, document)
    large = count_queries(load)
    assert (small, large) == (pinned, pinned), f"{name}: {small} queries small, {large} large"
