from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from emulation.models import User
from tests.factories import World, make_world


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    """The shared world, with every persona reading the site in English."""
    world = make_world()
    User.objects.update(preferred_language="en")
    for name in (
        "admin",
        "staff",
        "member",
        "secretariat",
        "leader",
        "leader2",
        "officer",
        "outsider",
    ):
        getattr(world, name).preferred_language = "en"
    return world
