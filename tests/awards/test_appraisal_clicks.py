"""The council staff's clicks to appraise a nomination whose every item checks out, counted on
the page (see tests/clicks.py): a box per item of the checklist and the button, or one button."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination
from awards.services import intake
from tests.clicks import Walker
from tests.factories import World, make_sent_dossier

pytestmark = pytest.mark.django_db


def appraise_page(world: World, client: Client) -> tuple[Nomination, Walker]:
    nomination = intake.receive_nomination(make_sent_dossier(world)[0], by=world.staff)
    client.force_login(world.staff)
    return nomination, Walker(client, reverse("awards:intake_appraise", args=[nomination.pk]))


def test_ticking_each_box_takes_a_click_per_item_and_one_to_save(
    world: World, client: Client
) -> None:
    nomination, walker = appraise_page(world, client)
    walker.submit(
        "Mark as appraised with the ticked items", ticks=tuple(intake.APPRAISAL_CHECKLIST)
    )
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.APPRAISED
    assert walker.clicks == len(intake.APPRAISAL_CHECKLIST) + 1 == 8


def test_every_item_checked_takes_one_click(world: World, client: Client) -> None:
    nomination, walker = appraise_page(world, client)
    walker.submit("Every item checked")
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.APPRAISED
    assert walker.clicks == 1
