"""One source for each deadline: the year's. The secretariat sets the deadlines it owns; the
covenant open for signing and the opened self-assessment follow them, and opening either with a
date sets the year's; no form proposes a day already past."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from blocks import services
from blocks.dashboard import timeline
from blocks.models import BlockYear
from covenants import services as covenants
from covenants.models import Document
from emulation.errors import DomainError
from emulation.models import AuditEvent
from scoring import services as scoring
from scoring.models import CriteriaTable
from tests.factories import (
    World,
    make_covenant,
    make_covenant_in_force,
    make_criteria_table,
    open_assessment,
)

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def shown(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def year_of(world: World) -> BlockYear:
    return BlockYear.objects.get(pk=world.block_year.pk)


def step(world: World, number: int) -> Any:
    return next(s for d, s in timeline(year_of(world), world.secretariat) if d.number == number)


# The secretariat's form ---------------------------------------------------------------------


def test_the_secretariat_sets_its_deadlines_on_the_year_page(as_user: Any, world: World) -> None:
    client = as_user("secretariat")
    url = reverse("blocks:blockyear_deadlines", args=[world.block_year.pk])
    assert url in client.get(world.block_year.get_absolute_url()).content.decode()
    response = client.post(
        url,
        {"signing_deadline": shown(days(10)), "review_deadline": shown(days(40))},
    )
    assert response.status_code == 302
    block_year = year_of(world)
    assert (block_year.signing_deadline, block_year.review_deadline) == (days(10), days(40))
    event = AuditEvent.objects.get(action="blocks.blockyear.deadlines_changed")
    assert event.before == {"signing_deadline": None, "review_deadline": None}
    assert event.after == {
        "signing_deadline": days(10).isoformat(),
        "review_deadline": days(40).isoformat(),
    }
    page = client.get(world.block_year.get_absolute_url()).content.decode()
    assert shown(days(10)) in page and shown(days(40)) in page


def test_a_deadline_cannot_be_moved_to_a_day_already_past(world: World) -> None:
    with translation.override("en"), pytest.raises(DomainError, match="already passed") as error:
        services.set_deadlines(world.block_year, by=world.secretariat, ballot_deadline=days(-1))
    assert error.value.field == "ballot_deadline"
    assert year_of(world).ballot_deadline is None
    assert not AuditEvent.objects.filter(action="blocks.blockyear.deadlines_changed").exists()


def test_a_deadline_already_past_may_stay_while_another_changes(world: World) -> None:
    BlockYear.objects.filter(pk=world.block_year.pk).update(review_deadline=days(-3))
    services.set_deadlines(
        world.block_year, by=world.secretariat, review_deadline=days(-3), ballot_deadline=days(5)
    )
    assert (year_of(world).review_deadline, year_of(world).ballot_deadline) == (days(-3), days(5))


def test_the_secretariat_does_not_set_the_councils_dossier_deadline(world: World) -> None:
    with pytest.raises(ValueError, match="dossier_deadline"):
        services.set_deadlines(world.block_year, by=world.secretariat, dossier_deadline=days(9))


def test_a_leader_of_a_member_unit_may_not_set_the_deadlines(as_user: Any, world: World) -> None:
    url = reverse("blocks:blockyear_deadlines", args=[world.block_year.pk])
    assert as_user("leader").post(url, {"signing_deadline": shown(days(3))}).status_code == 403
    assert year_of(world).signing_deadline is None


# The covenant's signing deadline --------------------------------------------------------------


def test_opening_the_covenant_for_signing_sets_the_years_deadline(world: World) -> None:
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        signing_deadline=datetime.date(world.block_year.year, 3, 31)
    )
    covenant = make_covenant(world, status="adopted")
    covenants.open_signing(covenant, by=world.secretariat, deadline=days(30))
    covenant.refresh_from_db()
    assert covenant.signing_deadline == year_of(world).signing_deadline == days(30)
    assert step(world, 4).deadline == days(30)


def test_moving_the_years_signing_deadline_moves_the_covenants(as_user: Any, world: World) -> None:
    covenant = make_covenant(world, status="signing")
    as_user("secretariat").post(
        reverse("blocks:blockyear_deadlines", args=[world.block_year.pk]),
        {"signing_deadline": shown(days(45))},
    )
    covenant.refresh_from_db()
    assert covenant.signing_deadline == year_of(world).signing_deadline == days(45)
    event = AuditEvent.objects.get(action="covenants.covenant.deadline_changed")
    assert event.after == {"signing_deadline": days(45).isoformat()}
    assert step(world, 4).deadline == days(45)
    # The leader's task and the dashboard say the same date.
    leader_home = as_user("leader").get("/").content.decode()
    assert shown(days(45)) in leader_home


def test_the_signing_deadline_cannot_be_removed_while_the_covenant_is_open(world: World) -> None:
    make_covenant(world, status="signing")
    with pytest.raises(DomainError) as error:
        services.set_deadlines(world.block_year, by=world.secretariat, signing_deadline=None)
    assert error.value.field == "signing_deadline"
    assert year_of(world).signing_deadline == days(30)


def test_the_signing_form_never_proposes_a_day_already_past(as_user: Any, world: World) -> None:
    covenant = make_covenant(world, status="adopted")
    url = reverse("covenants:signing_open", args=[covenant.pk])
    BlockYear.objects.filter(pk=world.block_year.pk).update(signing_deadline=days(-20))
    page = as_user("secretariat").get(url).content.decode()
    assert shown(days(30)) in page and shown(days(-20)) not in page
    BlockYear.objects.filter(pk=world.block_year.pk).update(signing_deadline=days(12))
    assert shown(days(12)) in as_user("secretariat").get(url).content.decode()


# The self-assessment deadline ----------------------------------------------------------------


def test_opening_self_assessment_sets_the_years_deadline(world: World) -> None:
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        self_assessment_deadline=datetime.date(world.block_year.year, 11, 30)
    )
    make_covenant_in_force(world)
    table = make_criteria_table(world)
    scoring.open_self_assessment(table, by=world.secretariat, deadline=days(21))
    table.refresh_from_db()
    assert table.deadline == year_of(world).self_assessment_deadline == days(21)
    assert step(world, 6).deadline == days(21)


def test_moving_the_years_self_assessment_deadline_moves_the_opened_tables(world: World) -> None:
    table = open_assessment(world)
    services.set_deadlines(
        world.block_year, by=world.secretariat, self_assessment_deadline=days(25)
    )
    table.refresh_from_db()
    assert table.deadline == days(25)
    assert AuditEvent.objects.get(action="scoring.assessment.deadline_changed").before == {
        "deadline": days(14).isoformat()
    }
    assert step(world, 6).deadline == days(25)


def test_a_table_not_yet_opened_keeps_no_deadline_of_its_own(world: World) -> None:
    table = make_criteria_table(world)
    services.set_deadlines(world.block_year, by=world.secretariat, self_assessment_deadline=days(8))
    assert CriteriaTable.objects.get(pk=table.pk).deadline is None


def test_the_self_assessment_form_never_proposes_a_day_already_past(
    as_user: Any, world: World
) -> None:
    make_covenant_in_force(world)
    make_criteria_table(world)
    BlockYear.objects.filter(pk=world.block_year.pk).update(self_assessment_deadline=days(-2))
    url = reverse("scoring:assessment_open", args=[world.block_year.pk])
    page = as_user("secretariat").get(url).content.decode()
    assert shown(days(21)) in page and shown(days(-2)) not in page


def test_the_council_staff_s_edit_of_the_year_moves_the_covenant_too(world: World) -> None:
    covenant = make_covenant(world, status="signing")
    services.update_block_year(world.block_year, by=world.staff, signing_deadline=days(50))
    assert Document.objects.get(pk=covenant.pk).signing_deadline == days(50)


# Ballots ------------------------------------------------------------------------------------


def test_the_ballot_forms_never_propose_a_day_already_past(as_user: Any, world: World) -> None:
    from awards.models import Ballot
    from tests.factories import make_ballot

    ballot = make_ballot(world, opened=False)
    BlockYear.objects.filter(pk=world.block_year.pk).update(ballot_deadline=days(-4))
    Ballot.objects.filter(pk=ballot.pk).update(closes_on=days(-4))
    client = as_user("secretariat")
    created = client.get(reverse("awards:ballot_create", args=[world.block_year.pk]))
    opened = client.get(reverse("awards:ballot_open", args=[ballot.pk]))
    for page in (created.content.decode(), opened.content.decode()):
        assert shown(days(7)) in page and shown(days(-4)) not in page
    BlockYear.objects.filter(pk=world.block_year.pk).update(ballot_deadline=days(9))
    created = client.get(reverse("awards:ballot_create", args=[world.block_year.pk]))
    assert shown(days(9)) in created.content.decode()
