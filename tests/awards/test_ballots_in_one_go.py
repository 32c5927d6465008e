"""The secretariat opens every prepared ballot, and closes and counts every open one, with one
confirmation: each ballot goes through the same service as one by one (audited and mailed as
such), all or none, and a second click changes nothing."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Ballot
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests import counting
from tests.factories import World, make_ballot, make_leaders

LATER = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def prepared(world: World) -> list[Ballot]:
    """Two online ballots prepared on the published ranking, and one held on paper."""
    make_leaders(world)
    acclaim = make_ballot(world, kind="acclaim", opened=False)
    nomination = make_ballot(world, opened=False)
    make_ballot(world, kind="head", method="paper")
    return [acclaim, nomination]


def statuses(chosen: list[Ballot]) -> list[str]:
    return [Ballot.objects.get(pk=b.pk).status for b in chosen]


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def listed(response: Any) -> list[int]:
    html = response.content.decode()
    return sorted(int(c.split('"', 1)[0]) for c in html.split('name="item" value="')[1:])


def test_the_list_offers_to_open_the_prepared_online_ballots_to_the_secretariat_only(
    world: World, prepared: list[Ballot], client: Client
) -> None:
    url = reverse("awards:ballot_list", args=[world.block_year.pk])
    client.force_login(world.secretariat)
    assert "Open 2 prepared ballots" in client.get(url).content.decode()
    client.force_login(world.leader)
    assert "prepared ballots" not in client.get(url).content.decode()


def test_one_confirmation_opens_every_listed_ballot_with_one_closing_date(
    world: World,
    prepared: list[Ballot],
    client: Client,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    world.leader.email = "donvi3@example.vn"
    world.leader.save(update_fields=["email"])
    client.force_login(world.secretariat)
    url = reverse("awards:ballots_open", args=[world.block_year.pk])
    ids = listed(client.get(url))
    assert ids == sorted(b.pk for b in prepared)  # not the paper ballot
    for ballot in prepared:
        counting.seat_board(ballot)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"item": ids, "closes_on": LATER.isoformat()}, follow=True)
    assert "2 ballots are open" in page.content.decode()
    assert statuses(prepared) == [Ballot.Status.OPEN] * 2
    assert {Ballot.objects.get(pk=b.pk).closes_on for b in prepared} == {LATER}
    assert events("awards.ballot.opened") == 2
    assert sum("donvi3@example.vn" in m.to for m in mailoutbox) == 2


def test_a_past_closing_date_opens_none(
    world: World, prepared: list[Ballot], client: Client
) -> None:
    client.force_login(world.secretariat)
    url = reverse("awards:ballots_open", args=[world.block_year.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ids = listed(client.get(url))
    page = client.post(url, {"item": ids, "closes_on": yesterday.isoformat()}, follow=True)
    assert "The closing date has passed" in page.content.decode()
    assert "No ballot was opened." in page.content.decode()
    assert statuses(prepared) == [Ballot.Status.DRAFT] * 2
    assert events("awards.ballot.opened") == 0


def test_a_ballot_opened_meanwhile_stops_the_whole_and_is_named(
    world: World, prepared: list[Ballot]
) -> None:
    nomination = prepared[1]
    counting.open_ballot(nomination, by=world.secretariat)
    named = re.escape(f"{nomination.title}: This ballot is not being prepared")
    with pytest.raises(DomainError, match=named):
        counting.open_ballots(prepared, by=world.secretariat)
    assert statuses(prepared) == [Ballot.Status.DRAFT, Ballot.Status.OPEN]


def test_one_confirmation_closes_and_counts_every_open_ballot_and_a_second_click_nothing(
    world: World, prepared: list[Ballot], client: Client
) -> None:
    counting.open_ballots(prepared, by=world.secretariat)
    client.force_login(world.secretariat)
    url = reverse("awards:ballots_close", args=[world.block_year.pk])
    ids = listed(client.get(url))
    assert ids == sorted(b.pk for b in prepared)
    page = client.post(url, {"item": ids}, follow=True)
    assert "Voting is closed in 2 ballots" in page.content.decode()
    again = client.post(url, {"item": ids}, follow=True).content.decode()
    assert "Only an open ballot can be closed. No ballot was closed." in again
    # Nobody voted: short of quorum, both are void at once, never counted.
    assert statuses(prepared) == [Ballot.Status.CLOSED] * 2
    assert events("awards.ballot.closed") == 2
    assert all(Ballot.objects.get(pk=b.pk).is_void for b in prepared)


def test_a_ballot_of_another_year_is_never_touched(
    world: World, prepared: list[Ballot], client: Client
) -> None:
    client.force_login(world.outsider)
    url = reverse("awards:ballots_open", args=[world.block_year.pk])
    assert client.post(url, {"item": [b.pk for b in prepared]}).status_code == 404
    assert statuses(prepared) == [Ballot.Status.DRAFT] * 2
