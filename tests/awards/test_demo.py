"""The demo: last year's ballots closed with results, the nominations' reports approved and
attested, the dossier sent, next year's head handed over, the council's session and published
decisions; this year nothing yet."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import (
    AgendaItem,
    Ballot,
    BallotBox,
    CouncilSession,
    Decision,
    Dossier,
    Handover,
    Nomination,
    RollEntry,
    SealedBallot,
    Teller,
)
from awards.models.nominations import passes
from awards.services import ballots, dossiers
from blocks.models import BlockYear, Membership
from blocks.rules import is_secretariat_of
from emulation.models import AuditEvent, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
QT_PARTY = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"
K = Ballot.Kind


def year(offset: int) -> BlockYear:
    return BlockYear.objects.get(block__name=QT_PARTY, year=timezone.localdate().year + offset)


def elected(kind: str, award: str | None = None) -> list[str]:
    ballot = Ballot.objects.get(block_year=year(-1), kind=kind, award_type__code=award)
    return list(
        ballot.candidates.filter(elected=True)
        .order_by("position")
        .values_list("unit_name", flat=True)
    )


def assert_counted_by_its_board(box: BallotBox | None, voters: int) -> None:
    """A box counted by its board: everyone on the roll, a receipt for every ballot, the sealed
    ballots and the shares emptied, at least the threshold of tellers having given their code."""
    assert box is not None and box.state == BallotBox.State.COUNTED and not box.void
    assert box.counted_at is not None
    assert RollEntry.objects.filter(box=box).count() == voters
    papers = SealedBallot.objects.filter(box=box)
    assert papers.count() == voters and not papers.filter(sealed__isnull=False).exists()
    assert all(len(p.receipt_sha256) == 64 for p in papers)
    tellers = Teller.objects.filter(box=box)
    assert tellers.count() >= 2 and not tellers.filter(sealed_share__isnull=False).exists()
    assert tellers.filter(seated_at__isnull=False).count() == tellers.count()
    assert tellers.filter(counted_at__isnull=False).count() >= box.threshold >= 2


def test_last_years_ballots_closed_with_results_every_unit_voting() -> None:
    closed = Ballot.objects.filter(block_year=year(-1))
    assert closed.count() == 6
    assert set(closed.values_list("status", "cast", "members", "quorum_reached")) == {
        (Ballot.Status.CLOSED, 8, 8, True)  # the Mass Mobilisation Board merged on 1 July
    }
    assert elected(K.ACCLAIM) == ["Văn phòng Tỉnh ủy"]
    assert elected(K.NOMINATION, "provincial-flag") == ["Văn phòng Tỉnh ủy"]
    assert elected(K.NOMINATION, "chairman-certificate") == [
        "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    ]
    assert elected(K.HEAD) == ["Văn phòng Tỉnh ủy"]
    assert elected(K.DEPUTY) == ["Ban Tổ chức Tỉnh ủy"]
    # Two people their units proposed stood for the certificate for individuals; one succeeded.
    people = Ballot.objects.get(
        block_year=year(-1), award_type__code="chairman-certificate-individual"
    ).candidates.order_by("position")
    assert [(c.person_name, c.unit_name, c.elected) for c in people] == [
        ("Nguyễn Thị Minh Thư", "Ban Tuyên giáo và Dân vận Tỉnh ủy", True),
        ("Trương Công Phúc", "Báo Quảng Trị", False),
    ]
    for ballot in closed:
        assert_counted_by_its_board(ballot.box, 8)
        assert RollEntry.objects.filter(box=ballot.box, unit__isnull=False).count() == 8
        for candidate in ballot.candidates.all():
            assert candidate.approvals is not None and candidate.disapprovals is not None
            assert candidate.approvals + candidate.disapprovals <= 8
        results = ballots.results_of(ballot)
        canonical = json.dumps(
            {"ballot": ballot.pk, "members": 8, "cast": 8, "results": results},
            ensure_ascii=False,
            sort_keys=True,
        )
        assert ballot.results_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
        assert ballot.closed_at is not None and ballot.closed_at.year == year(-1).year


def test_the_nominations_are_complete_and_the_dossier_was_sent_before_its_deadline() -> None:
    nominations = Nomination.objects.filter(block_year=year(-1))
    assert sorted(nominations.values_list("unit_name", "award_type__code", "person_name")) == [
        ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "chairman-certificate", ""),
        (
            "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "chairman-certificate-individual",
            "Nguyễn Thị Minh Thư",
        ),
        ("Ban Tổ chức Tỉnh ủy", "chairman-certificate", ""),
        ("Văn phòng Tỉnh ủy", "provincial-flag", ""),
    ]
    for nomination in nominations:
        assert nomination.status == Nomination.Status.AWARDED  # the council's demo goes on
        assert nomination.report_is_approved and nomination.report_document is not None
        assert nomination.attested_at is not None and all(nomination.attestations.values())
        assert passes(nomination.eligibility)
        assert all(getattr(nomination, name) for name in Nomination.REPORT_FIELDS)
    dossier = Dossier.objects.get(block_year=year(-1))
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.minutes is not None and dossier.proposal_letter is not None
    deadline = year(-1).dossier_deadline
    assert dossier.submitted_at is not None and deadline is not None
    assert dossier.submitted_at.date() <= deadline
    assert dossier.manifest_sha256 == dossiers.manifest_sha256(dossier.manifest)
    assert len(dossier.manifest["documents"]) == 6  # letter, minutes, four reports
    assert Dossier.objects.state_of(year(-1)).complete


def test_this_years_head_was_elected_last_year_and_handed_over() -> None:
    handover = Handover.objects.get(from_year=year(-1))
    assert handover.to_year == year(0) and handover.status == Handover.Status.DONE
    assert handover.head.name == "Văn phòng Tỉnh ủy"
    assert [u.name for u in handover.deputies.all()] == ["Ban Tổ chức Tỉnh ủy"]
    assert handover.handover_on == year(0).first_day
    head = year(0).memberships.get(role=Membership.Role.HEAD)
    assert head.unit == handover.head
    assert is_secretariat_of(User.objects.get(username="canbo1"), year(0))
    assert is_secretariat_of(User.objects.get(username="canbo3"), year(-1))
    assert not is_secretariat_of(User.objects.get(username="canbo3"), year(0))


def test_last_years_council_session_approved_every_nomination_with_its_quorum() -> None:
    session = CouncilSession.objects.get(year=year(-1).year)
    assert session.status == CouncilSession.Status.CLOSED and session.quorum_reached
    assert (session.cast, session.council_size, session.present.count()) == (4, 5, 4)
    assert_counted_by_its_board(session.box, 4)
    assert session.box is not None and session.box.public_key, "opened and counted by its board"
    assert (
        AuditEvent.objects.filter(
            action="awards.councilsession.teller_seated", object_id=str(session.pk)
        ).count()
        == Teller.objects.filter(box=session.box).count()
    )
    roll = RollEntry.objects.filter(box=session.box)
    assert not roll.filter(unit__isnull=False).exists()
    assert set(roll.values_list("voted_by", flat=True)) <= set(
        session.present.values_list("pk", flat=True)
    )
    assert set(AgendaItem.objects.filter(session=session).values_list("outcome", flat=True)) == {
        AgendaItem.Outcome.APPROVED
    }
    assert session.minutes is not None
    assert session.held_on == datetime.date(year(-1).year + 1, 3, 20)


def test_last_years_decisions_are_issued_published_and_on_the_public_page(client: Client) -> None:
    decisions = Decision.objects.order_by("number")
    assert [(d.number, d.status) for d in decisions] == [
        ("345/QĐ-UBND", Decision.Status.PUBLISHED),
        ("346/QĐ-UBND", Decision.Status.PUBLISHED),
        ("347/QĐ-UBND", Decision.Status.PUBLISHED),  # the certificate for an individual
    ]
    assert all(d.document is not None for d in decisions)
    assert all(a.certificate is not None for d in decisions for a in d.awardees.all())
    authority = year(-1).block.authority
    page = client.get(reverse("awards:results", args=[authority.pk, year(-1).year]))
    text = page.content.decode()
    assert page.status_code == 200  # no sign-in needed
    assert "345/QĐ-UBND" in text and "Văn phòng Tỉnh ủy" in text and "Ban Tổ chức Tỉnh ủy" in text


def test_this_year_has_no_ballot_yet() -> None:
    assert not Ballot.objects.filter(block_year=year(0)).exists()
    assert not Nomination.objects.filter(block_year=year(0)).exists()


def test_seeding_again_changes_nothing() -> None:
    models = (
        Ballot,
        BallotBox,
        Teller,
        RollEntry,
        SealedBallot,
        Nomination,
        Dossier,
        Handover,
        CouncilSession,
        Decision,
        AuditEvent,
    )
    counts = [m.objects.count() for m in models]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.objects.count() for m in models] == counts
