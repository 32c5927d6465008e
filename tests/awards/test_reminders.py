"""Units that have not voted are reminded, through their leaders, when an open ballot closes soon:
once a day at most."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from awards.models import Ballot, BallotReminder
from awards.services import ballots
from emulation.models import User
from tests import counting
from tests.factories import World, make_leaders, make_published_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_ballot(world: World) -> Ballot:
    """An acclaim ballot closing tomorrow; everyone has an address; unit 3 has voted."""
    make_published_ranking(world)
    make_leaders(world)
    for person in User.objects.all():
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    ballot = ballots.create_ballot(world.block_year, by=world.secretariat, kind="acclaim")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    counting.open_ballot(ballot, by=world.secretariat, closes_on=tomorrow)
    ballots.cast_vote(ballot, by=world.leader, choices={ballot.candidates.get().pk: True})
    return ballot


def remind(mailoutbox: list[Any], capture: Any, **kwargs: Any) -> int:
    mailoutbox.clear()
    with capture(execute=True):
        count = ballots.send_ballot_reminders(**kwargs)
    return count


def test_only_the_leaders_of_units_that_have_not_voted_are_reminded(
    world: World,
    open_ballot: Ballot,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert remind(mailoutbox, django_capture_on_commit_callbacks) == 3
    leaders = {
        u.email
        for u in User.objects.filter(unit_roles__role="leader", unit_roles__unit__in=world.units)
    }
    recipients = {m.to[0] for m in mailoutbox}
    assert recipients == leaders - {"leader@example.vn"}
    assert not recipients & {"officer@example.vn", "secretariat@example.vn"}
    assert all(open_ballot.title in m.body for m in mailoutbox)
    assert set(BallotReminder.objects.values_list("unit", flat=True)) == {
        world.units[0].pk,
        world.units[1].pk,
        world.units[3].pk,
    }


def test_a_unit_is_reminded_once_a_day(
    world: World,
    open_ballot: Ballot,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    assert remind(mailoutbox, django_capture_on_commit_callbacks, today=today) == 3
    assert remind(mailoutbox, django_capture_on_commit_callbacks, today=today) == 0
    assert mailoutbox == []
    tomorrow = today + datetime.timedelta(days=1)
    assert remind(mailoutbox, django_capture_on_commit_callbacks, today=tomorrow) == 3


def test_no_reminder_while_the_closing_day_is_far_or_once_it_passed(
    world: World,
    open_ballot: Ballot,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    early = timezone.localdate() - datetime.timedelta(days=5)
    assert remind(mailoutbox, django_capture_on_commit_callbacks, today=early) == 0
    late = timezone.localdate() + datetime.timedelta(days=2)
    assert remind(mailoutbox, django_capture_on_commit_callbacks, today=late) == 0
    assert mailoutbox == [] and not BallotReminder.objects.exists()


def test_a_closed_ballot_reminds_nobody(
    world: World,
    open_ballot: Ballot,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    counting.close_ballot(open_ballot, by=world.secretariat)
    assert remind(mailoutbox, django_capture_on_commit_callbacks) == 0


def test_the_daily_command_reports_how_many_units_it_reminded(
    world: World, open_ballot: Ballot, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_ballot_reminders", "--days", "2", stdout=out)
    assert out.getvalue().strip() == "3 units reminded."
