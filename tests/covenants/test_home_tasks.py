"""The secretariat's home page tasks about the year's documents."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from covenants import services
from covenants.models import Document
from emulation.models import User
from tests.factories import COVENANT_TEXT, World


def home(client: Any, world: World) -> str:
    User.objects.filter(pk=world.secretariat.pk).update(preferred_language="en")
    client.force_login(User.objects.get(pk=world.secretariat.pk))
    return str(client.get("/").content.decode())


def test_adopted_rules_are_not_offered_for_signing_only_the_covenant_is(
    world: World, client: Any
) -> None:
    rules = services.create_document(
        world.block_year,
        by=world.secretariat,
        kind=Document.Kind.RULES,
        title="Quy chế hoạt động",
        **COVENANT_TEXT,
    )
    page = home(client, world)
    assert "Put “Quy chế hoạt động” out for comments, or adopt it" in page
    services.adopt_document(rules, by=world.secretariat)
    page = home(client, world)
    assert "Quy chế hoạt động" not in page
    assert reverse("covenants:signing_open", args=[rules.pk]) not in page
    assert "Write the 2026 documents" in page  # the covenant itself is still to be written
