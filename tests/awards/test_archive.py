"""Archiving a block year: the guard, the audit, the confirmation page, and the year read-only
from then on (every acting permission refused, pages still readable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import rules
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType, Ballot, Nomination
from awards.services.archive import archive_checks, archive_year
from awards.services.closing import record_no_proposals, waive_ballot
from blocks.models import BlockYear
from blocks.rules import block_year_of, is_archived_object
from blocks.services import check_not_archived
from covenants.models import Document
from emulation.errors import DomainError
from emulation.models import AuditEvent
from scoring.models import Score, ScoreSheet
from tests.awards.test_statistics import decide
from tests.factories import (
    World,
    at_council_status,
    make_published_ranking,
    make_sent_dossier,
    open_assessment,
)

pytestmark = pytest.mark.django_db
N = Nomination.Status


def fresh(world: World) -> BlockYear:
    return BlockYear.objects.select_related("block__authority").get(pk=world.block_year.pk)


def needed_ballots_waived(world: World) -> None:
    """The acclaim and next year's head recorded as not held (the ballots themselves are walked
    through in test_archive_walk)."""
    for kind in (Ballot.Kind.ACCLAIM, Ballot.Kind.HEAD):
        waive_ballot(fresh(world), by=world.secretariat, kind=kind, reason="Không tổ chức.")


def all_decided(world: World) -> list[Nomination]:
    """The sent dossier's three nominations: one awarded, one approved (both in a published
    decision), one not approved."""
    first, second, third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    at_council_status([second], N.APPROVED)
    at_council_status([third], N.REJECTED)
    decide(world, [first, second])
    needed_ballots_waived(world)
    return [first, second, third]


def archived(world: World) -> BlockYear:
    """Test set-up only: the year archived directly (the service is tested on its own)."""
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        archived_at=timezone.now(), archived_by=world.staff
    )
    return fresh(world)


# The service -----------------------------------------------------------------------------------


def test_staff_archive_a_year_whose_nominations_are_all_decided(world: World) -> None:
    all_decided(world)
    assert all(check.ok for check in archive_checks(fresh(world)))
    archive_year(fresh(world), by=world.staff)
    year = fresh(world)
    assert year.is_archived and year.archived_by == world.staff
    event = AuditEvent.objects.get(action="blocks.blockyear.archived")
    assert event.actor == world.staff
    assert event.before is not None and event.after is not None
    assert event.before["archived_at"] is None and event.after["archived_by"] == world.staff.pk


def test_a_nomination_still_under_review_keeps_the_year_open(world: World) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], N.REJECTED)
    at_council_status([second], N.APPRAISED)
    with pytest.raises(DomainError) as refused:
        archive_year(fresh(world), by=world.staff)
    assert "1 of 3 nominations held by the council are decided." in refused.value.message
    assert not fresh(world).is_archived


def test_an_approved_nomination_needs_a_published_decision(world: World) -> None:
    first, second, third = make_sent_dossier(world)
    at_council_status([first, second], N.REJECTED)
    at_council_status([third], N.APPROVED)
    decision = decide(world, [third], status="issued")
    needed_ballots_waived(world)
    with pytest.raises(DomainError) as refused:
        archive_year(fresh(world), by=world.staff)
    assert "1 approved nomination is not yet in a published decision." in refused.value.message
    decision.status = "published"
    decision.save(update_fields=["status"])
    archive_year(fresh(world), by=world.staff)
    assert fresh(world).is_archived


def test_a_year_whose_dossier_was_not_sent_cannot_be_archived(world: World) -> None:
    make_published_ranking(world)
    unit = world.units[2]
    Nomination.objects.create(
        block_year=world.block_year,
        award_type=AwardType.objects.get(code="chairman-certificate"),
        unit=unit,
        unit_name=unit.name,
    )
    with pytest.raises(DomainError) as refused:
        archive_year(fresh(world), by=world.staff)
    assert "The block has not sent its dossier yet." in refused.value.message


def nobody_proposed(world: World) -> None:
    """The ranking published, the needed ballots waived and "no proposals" recorded."""
    make_published_ranking(world)
    needed_ballots_waived(world)
    record_no_proposals(fresh(world), by=world.secretariat, reason="Không đơn vị đủ tiêu chuẩn.")


def test_a_year_that_proposed_nobody_is_archived_once_it_records_so(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        archive_year(fresh(world), by=world.staff)
    assert "Publish the year's ranking first." in refused.value.message
    make_published_ranking(world)
    with pytest.raises(DomainError, match="has not recorded that it proposes nobody"):
        archive_year(fresh(world), by=world.staff)
    needed_ballots_waived(world)
    record_no_proposals(fresh(world), by=world.secretariat, reason="Không đơn vị đủ tiêu chuẩn.")
    archive_year(fresh(world), by=world.staff)
    assert fresh(world).is_archived


def test_a_year_is_archived_once(world: World) -> None:
    nobody_proposed(world)
    archive_year(fresh(world), by=world.staff)
    with pytest.raises(DomainError, match="already archived"):
        archive_year(fresh(world), by=world.staff)
    assert AuditEvent.objects.filter(action="blocks.blockyear.archived").count() == 1
    assert not rules.has_perm("awards.archive_year", world.staff, fresh(world))


@pytest.mark.parametrize("role", ["member", "secretariat", "leader"])
def test_only_council_staff_archive(role: str, world: World) -> None:
    make_published_ranking(world)
    with pytest.raises(DomainError, match="Only the council's staff"):
        archive_year(fresh(world), by=getattr(world, role))
    assert not fresh(world).is_archived


def test_services_can_refuse_changes_to_an_archived_year(world: World) -> None:
    check_not_archived(fresh(world))  # an open year: nothing to say
    with pytest.raises(DomainError, match="is archived: it can no longer change"):
        check_not_archived(archived(world))


# Read-only: every acting permission ------------------------------------------------------------


def objects(world: World) -> dict[str, Callable[[], Any]]:
    """Fresh objects of each kind the acting permissions take (no relation loaded)."""
    return {
        "year": lambda: BlockYear.objects.get(pk=world.block_year.pk),
        "document": lambda: Document.objects.get(
            block_year=world.block_year, kind=Document.Kind.COVENANT
        ),
        "sheet": lambda: ScoreSheet.objects.get(unit=world.units[2]),
        "ballot": lambda: Ballot.objects.get(block_year=world.block_year),
        "nomination": lambda: Nomination.objects.get(unit=world.units[2]),
    }


ACTING: list[tuple[str, str, list[str]]] = [
    # permission, object, roles that hold it while the year is open
    ("blocks.manage_blockyear", "year", ["admin", "staff"]),
    ("blocks.run_activities", "year", ["admin", "staff", "secretariat"]),
    ("covenants.run_documents", "year", ["admin", "staff", "secretariat"]),
    ("covenants.run_document", "document", ["admin", "staff", "secretariat"]),
    ("covenants.comment", "document", ["secretariat", "leader", "officer"]),
    ("covenants.sign", "document", ["leader"]),
    ("covenants.register", "year", ["leader", "officer"]),
    ("scoring.run_scoring", "year", ["admin", "staff", "secretariat"]),
    ("scoring.fill_in", "sheet", ["leader", "officer"]),
    ("scoring.submit", "sheet", ["leader"]),
    ("scoring.answer", "sheet", ["leader"]),
    ("scoring.review", "sheet", ["admin", "staff", "secretariat"]),
    ("scoring.settle", "sheet", ["admin", "staff", "secretariat"]),
    ("awards.run_ballots", "year", ["admin", "staff", "secretariat"]),
    ("awards.vote", "ballot", ["leader"]),
    ("awards.write_report", "nomination", ["leader", "officer"]),
    ("awards.approve_report", "nomination", ["leader"]),
    ("awards.attest", "nomination", ["leader"]),
    ("awards.run_dossier", "year", ["admin", "staff", "secretariat"]),
    ("awards.manage_nomination", "nomination", ["admin", "staff", "secretariat"]),
    (
        "awards.check_eligibility",
        "nomination",
        ["admin", "staff", "secretariat", "leader", "officer"],
    ),
    ("awards.appraise_nomination", "nomination", ["admin", "staff"]),
    ("awards.return_nomination", "nomination", ["admin", "staff"]),
    ("awards.confirm_handover", "year", ["admin", "staff"]),
    ("awards.archive_year", "year", ["admin", "staff"]),
]


@pytest.fixture
def busy_year(world: World) -> World:
    """The year with its covenant in force, self-assessment open, an open ballot and a
    nomination of the leader's unit."""
    open_assessment(world)
    Ballot.objects.create(
        block_year=world.block_year,
        kind=Ballot.Kind.ACCLAIM,
        mode=Ballot.Mode.APPROVE,
        status=Ballot.Status.OPEN,
        members=4,
        created_by=world.staff,
    )
    Nomination.objects.create(
        block_year=world.block_year,
        award_type=AwardType.objects.get(code="chairman-certificate"),
        unit=world.units[2],
        unit_name=world.units[2].name,
    )
    return world


def test_every_acting_permission_is_refused_once_the_year_is_archived(busy_year: World) -> None:
    world = busy_year
    made = objects(world)
    held_before = {
        (perm, role)
        for perm, kind, roles in ACTING
        for role in roles
        if rules.has_perm(perm, world.user(role), made[kind]())
    }
    expected = {(perm, role) for perm, _kind, roles in ACTING for role in roles}
    assert held_before == expected  # the table says who holds each permission
    archived(world)
    still = [
        (perm, role)
        for perm, kind, roles in ACTING
        for role in roles
        if rules.has_perm(perm, world.user(role), made[kind]())
    ]
    assert still == []


def test_the_council_keeps_its_own_permissions_on_an_archived_year(busy_year: World) -> None:
    world = busy_year
    archived(world)
    assert rules.has_perm("awards.see_council", world.member, world.authority)
    assert rules.has_perm("awards.run_council", world.staff, world.authority)
    assert rules.has_perm("scoring.see_ranking", world.staff, fresh(world))


def test_the_archived_check_uses_loaded_relations_without_a_query(
    busy_year: World, django_assert_num_queries: Any
) -> None:
    world = busy_year
    archived(world)
    loaded = Score.objects.select_related("sheet__table__block_year").filter(
        sheet__unit=world.units[2]
    )[0]
    with django_assert_num_queries(0):
        assert is_archived_object(world.officer, loaded)
    unloaded = Score.objects.filter(sheet__unit=world.units[2])[0]
    with django_assert_num_queries(1):
        assert is_archived_object(world.officer, unloaded)
    assert block_year_of(unloaded) == world.block_year
    assert block_year_of(world.units[2]) is None
    assert not is_archived_object(world.officer, world.units[2])


# Pages -----------------------------------------------------------------------------------------


def test_pages_of_an_archived_year_are_read_only(busy_year: World, client: Any) -> None:
    world = busy_year
    archived(world)
    client.force_login(world.staff)
    dashboard = client.get(reverse("blocks:blockyear_detail", args=[world.block_year.pk]))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert "Archived on" in html and "by Cán bộ Ban Thi đua" in html
    assert reverse("blocks:membership_add", args=[world.block_year.pk]) not in html
    assert reverse("blocks:blockyear_edit", args=[world.block_year.pk]) not in html
    assert reverse("awards:year_archive", args=[world.block_year.pk]) not in html
    document = Document.objects.get(block_year=world.block_year, kind=Document.Kind.COVENANT)
    client.force_login(world.secretariat)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.post(reverse("covenants:document_edit", args=[document.pk])).status_code == 403
    ballot_create = reverse("awards:ballot_create", args=[world.block_year.pk])
    assert client.post(ballot_create, {"kind": "acclaim"}).status_code == 403
    client.force_login(world.admin)  # not even a site administrator changes an archived year
    assert client.post(ballot_create, {"kind": "acclaim"}).status_code == 403
    assert client.post(reverse("covenants:document_edit", args=[document.pk])).status_code == 403
    score = Score.objects.filter(sheet__unit=world.units[2]).first()
    assert score is not None
    client.force_login(world.officer)
    response = client.post(reverse("scoring:score_save", args=[score.pk]), {"points": "1"})
    assert response.status_code == 403


def test_the_site_administrator_is_offered_nothing_to_do_on_an_archived_year(
    busy_year: World, client: Any
) -> None:
    world = busy_year
    admin = world.admin
    assert admin.has_perm("blocks.manage_blockyear", fresh(world))
    archived(world)
    assert not admin.has_perm("blocks.manage_blockyear", fresh(world))
    assert not admin.has_perm("scoring.review", ScoreSheet.objects.get(unit=world.units[2]))
    assert admin.has_perm("blocks.manage_unit", world.units[2])  # not a year's
    assert admin.has_perm("blocks.change_blockyear")  # Django's own: the admin shows it read-only
    client.force_login(admin)
    year = world.block_year.pk
    html = client.get(reverse("blocks:blockyear_detail", args=[year])).content.decode()
    assert reverse("blocks:membership_add", args=[year]) not in html
    assert reverse("blocks:blockyear_edit", args=[year]) not in html
    assert reverse("blocks:activity_create", args=[year]) not in html
    html = client.get(reverse("awards:ballot_list", args=[year])).content.decode()
    assert reverse("awards:ballot_create", args=[year]) not in html


def test_the_confirmation_page_lists_what_archiving_requires(world: World, client: Any) -> None:
    first, second, third = make_sent_dossier(world)
    at_council_status([first, second], N.REJECTED)
    needed_ballots_waived(world)
    client.force_login(world.staff)
    url = reverse("awards:year_archive", args=[world.block_year.pk])
    html = client.get(url).content.decode()
    assert "The nomination dossier was sent to the council" in html
    assert "2 of 3 nominations held by the council are decided." in html
    assert "Archive the year</button>" not in html
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert not fresh(world).is_archived
    at_council_status([third], N.REJECTED)
    assert "Archive the year</button>" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == world.block_year.get_absolute_url()
    assert "The year is archived: it is read-only from now on." in response.content.decode()
    assert fresh(world).is_archived
    assert client.get(url).status_code == 403  # not twice
