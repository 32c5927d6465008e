"""In Chromium: the secretariat opens every draft for comments and adopts them, then opens and
closes every ballot, each with one confirmation that lists what it acts on."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Ballot
from awards.services import ballots
from covenants import services
from covenants.models import Document
from emulation.models import User
from tests import counting
from tests.browser.conftest import sign_in
from tests.factories import (
    COVENANT_TEXT,
    World,
    make_ballot,
    make_covenant,
    make_leaders,
    make_world,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    world = make_world()
    User.objects.update(preferred_language="en")
    return world


def test_the_secretariat_consults_on_and_adopts_every_draft_with_one_confirmation_each(
    page: Page, live_server: Any, world: World, screenshot: Callable[[str], Path]
) -> None:
    covenant = make_covenant(world)
    rules = services.create_document(
        world.block_year,
        by=world.secretariat,
        kind=Document.Kind.RULES,
        title="Quy chế hoạt động năm 2026",
        **COVENANT_TEXT,
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    sign_in(page, live_server, "secretariat")
    page.goto(live_server.url + reverse("covenants:document_list", args=[world.block_year.pk]))
    page.get_by_role("link", name="Open 2 drafts for comments").click()
    for document in (covenant, rules):
        page.locator("#bulk-items").get_by_role("link", name=document.title).wait_for()
    page.get_by_label("Comments until").fill(later.isoformat())
    screenshot("covenants-documents-consult")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("covenants-documents-consult-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Put out for comments (2)").click()
    page.get_by_text("2 documents are open for comments").wait_for()
    page.get_by_role("link", name="Adopt 2 documents").click()
    page.get_by_role("button", name="Adopt (2)").click()
    page.get_by_text("2 documents were adopted").wait_for()
    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.ADOPTED}


def test_the_secretariat_opens_and_closes_every_ballot_with_one_confirmation_each(
    page: Page, live_server: Any, world: World, screenshot: Callable[[str], Path]
) -> None:
    leaders = make_leaders(world)
    prepared = [
        make_ballot(world, kind="acclaim", opened=False),
        make_ballot(world, opened=False),
    ]
    for ballot in prepared:  # voting opens once each counting board has received its codes
        counting.seat_board(ballot)
    sign_in(page, live_server, "secretariat")
    page.goto(live_server.url + reverse("awards:ballot_list", args=[world.block_year.pk]))
    page.get_by_role("link", name="Open 2 prepared ballots").click()
    page.get_by_role("button", name="Open the ballots (2)").click()
    page.get_by_text("2 ballots are open").wait_for()
    for ballot in prepared:
        ballot.refresh_from_db()
        agree = {c.pk: True for c in ballot.candidates.all()}
        for leader in leaders:
            ballots.cast_vote(ballot, by=leader, choices=agree)
    page.reload()
    page.get_by_role("link", name="Close voting in 2 open ballots").click()
    page.locator("#bulk-items").get_by_text("4 of 4 voted").first.wait_for()
    screenshot("awards-ballots-close")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("awards-ballots-close-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Close voting (2)").click()
    page.get_by_text("Voting is closed in 2 ballots").wait_for()
    # Voting is closed with the quorum reached: each ballot waits for its board's codes.
    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.COUNTING}
    for ballot in prepared:
        counting.count(ballot, by=world.secretariat)
    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.CLOSED}
