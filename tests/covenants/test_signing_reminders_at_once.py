"""The secretariat reminds every unit that has not signed the covenant with one confirmation:
once a day per unit (as the automatic reminders), audited, and a second click sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from covenants import services
from covenants.models import Document, SigningReminder
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests.factories import World, make_covenant, make_leaders


@pytest.fixture(autouse=True)
def _english(world: World) -> Iterator[None]:
    User.objects.update(preferred_language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def covenant(world: World) -> Document:
    """Open for signing; every unit has a leader with an address; unit 1 has signed."""
    leaders = make_leaders(world)
    for number, leader in enumerate(leaders, 1):
        leader.email = f"donvi{number}@example.vn"
        leader.save(update_fields=["email"])
    document = make_covenant(world, status="signing")
    services.sign_covenant(document, world.units[0], by=leaders[0], password="demo12345")
    return document


def test_the_progress_page_offers_the_reminder_to_the_secretariat_only(
    world: World, covenant: Document, client: Any
) -> None:
    url = reverse("covenants:signing_progress", args=[covenant.pk])
    client.force_login(world.secretariat)
    assert "Remind 3 units that have not signed" in client.get(url).content.decode()
    client.force_login(world.leader)
    assert "Remind" not in client.get(url).content.decode()


def test_the_confirmation_names_the_units_that_have_not_signed(
    world: World, covenant: Document, client: Any
) -> None:
    client.force_login(world.secretariat)
    page = client.get(reverse("covenants:signing_remind", args=[covenant.pk])).content.decode()
    assert all(unit.name in page for unit in world.units[1:])
    assert world.units[0].name not in page.split("receive an e-mail")[1]


def test_one_click_reminds_every_unsigned_unit_and_a_second_sends_nothing(
    world: World,
    covenant: Document,
    client: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(world.secretariat)
    url = reverse("covenants:signing_remind", args=[covenant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).content.decode()
    assert "The leaders of 3 units were reminded by e-mail to sign." in page
    assert sorted(m.to[0] for m in mailoutbox) == [
        "donvi2@example.vn",
        "donvi3@example.vn",
        "donvi4@example.vn",
    ]
    assert AuditEvent.objects.filter(action="covenants.signing.reminded").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).content.decode()
    assert "already reminded today; nothing was sent" in again
    assert len(mailoutbox) == 3
    assert SigningReminder.objects.filter(sent_on=timezone.localdate()).count() == 3


def test_the_daily_reminder_and_the_secretariats_do_not_both_reach_a_unit_on_one_day(
    world: World, covenant: Document
) -> None:
    services.remind_unsigned_units(covenant, by=world.secretariat)
    Document.objects.filter(pk=covenant.pk).update(signing_deadline=timezone.localdate())
    assert services.send_signing_reminders() == 0


def test_a_covenant_not_open_for_signing_is_refused(world: World) -> None:
    draft = make_covenant(world)
    with pytest.raises(DomainError, match="not open for signing"):
        services.remind_unsigned_units(draft, by=world.secretariat)
    assert not SigningReminder.objects.exists()
