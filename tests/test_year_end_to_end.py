"""A block's whole year on PostgreSQL, through the services people's clicks call, from the
covenant to the published award decision: every unit's leader signs the covenant, scores itself
and is reviewed; the ranking is published; the members acclaim the leading unit and nominate
units; the dossier goes to the council, which appraises it, meets, votes in secret and decides;
the decision is published and the year archived."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from awards.documents import ballot_minutes, session_minutes
from awards.models import AgendaItem, AwardType, Ballot, Decision, Nomination
from awards.services import archive, ballots, closing, decisions, dossiers, intake, sessions
from covenants import services as covenants
from covenants.models import Document
from emulation import audit
from scoring import services as scoring
from scoring.models import Ranking
from tests import counting
from tests.factories import (
    complete_nomination,
    finalise_all,
    make_council_members,
    make_covenant,
    make_criteria_table,
    make_leaders,
    make_world,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the end-to-end year runs on PostgreSQL"
)


def vote_for_all(ballot: Ballot, leaders: list[Any], *, but: Any = None) -> None:
    counting.open_ballot(ballot, by=ballot_secretary(ballot))
    agree = {c.pk: c.unit_id != getattr(but, "pk", None) for c in ballot.candidates.all()}
    for leader in leaders:
        ballots.cast_vote(ballot, by=leader, choices=agree)


def ballot_secretary(ballot: Ballot) -> Any:
    return ballot.created_by


def test_a_year_runs_from_the_covenant_to_the_published_decision(transactional_db: None) -> None:
    # Committed for real, as in production (the award types are seeded again by tests/conftest).
    translation.activate("en")
    world = make_world()
    leaders = make_leaders(world)
    today = timezone.localdate()

    # 1. The covenant: adopted, signed by every unit's leader, in force.
    covenant = make_covenant(world, status="signing")
    for unit, leader in zip(world.units, leaders, strict=True):
        covenants.sign_covenant(covenant, unit, by=leader, password="demo12345")
    covenant.refresh_from_db()
    assert covenant.status == Document.Status.IN_FORCE

    # 2. Self-assessment, review and the ranking (unit 1 leads with a bonus).
    table = make_criteria_table(world)
    scoring.open_self_assessment(
        table, by=world.secretariat, deadline=today + datetime.timedelta(days=14)
    )
    finalise_all(world, table, scores={0: {"IV.1": 5}, 2: {"I.1": 15}})
    scoring.publish_ranking(table, by=world.secretariat)
    ranking = Ranking.objects.get(table=table)
    assert ranking.rows.order_by("rank").first().unit == world.units[0]  # type: ignore[union-attr]

    # 3. Secret ballots: acclaim the leading unit, nominate for the flag and the certificate.
    acclaim = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind=Ballot.Kind.ACCLAIM
    )
    vote_for_all(acclaim, leaders)
    counting.close_ballot(acclaim, by=world.secretariat)
    for code in ("provincial-flag", "chairman-certificate"):
        ballot = ballots.create_ballot(
            world.block_year,
            by=world.secretariat,
            kind=Ballot.Kind.NOMINATION,
            award=AwardType.objects.get(code=code),
        )
        # One achievement, one award: the leading unit, proposed for the flag, is not proposed for
        # the certificate too.
        vote_for_all(ballot, leaders, but=world.units[0] if code != "provincial-flag" else None)
        counting.close_ballot(ballot, by=world.secretariat)
    nominations = list(Nomination.objects.filter(block_year=world.block_year))
    assert {n.award_type.code for n in nominations} == {"provincial-flag", "chairman-certificate"}
    flag = next(n for n in nominations if n.award_type.code == "provincial-flag")
    assert flag.unit == world.units[0]

    # 4. The dossier: reports written, approved and attested; minutes and letter; sent.
    for nomination in nominations:
        complete_nomination(nomination)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    dossiers.issue_proposal_letter(
        world.block_year,
        by=world.secretariat,
        number="05/TTr-KTĐ",
        signer_name="Nguyễn Văn An",
        signer_title="Chánh Văn phòng Tỉnh ủy",
    )
    dossiers.submit_dossier(world.block_year, by=world.secretariat)

    # 5. The council receives and appraises each nomination.
    for nomination in nominations:
        intake.receive_nomination(nomination, by=world.staff)
        intake.appraise_nomination(
            nomination,
            by=world.staff,
            checklist=dict.fromkeys(intake.APPRAISAL_CHECKLIST, True),
            notes="Hồ sơ đầy đủ.",
        )

    # 6. The session: three members, all present, vote online in secret.
    members = [world.member, *make_council_members(world, 2)]
    session = sessions.create_session(
        world.authority,
        by=world.staff,
        year=world.block_year.year,
        title="Phiên họp xét khen thưởng",
        held_on=today,
    )
    sessions.add_to_agenda(session, nominations, by=world.staff)
    sessions.record_attendance(session, members, by=world.staff)
    counting.open_session(session, by=world.staff)
    items = list(session.items.all())
    receipts = [
        sessions.cast_council_vote(session, by=m, choices={i.pk: True for i in items})
        for m in members
    ]
    counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    assert session.quorum_reached and session.cast == 3
    assert all(sessions.check_council_receipt(session, r).counted for r in receipts)
    assert set(session.items.values_list("outcome", flat=True)) == {AgendaItem.Outcome.APPROVED}
    session_minutes.issue_session_minutes(session, by=world.staff)

    # 7. The decisions, issued with certificates and published.
    issued = []
    for number, code in (
        ("125/QĐ-UBND", "provincial-flag"),
        ("126/QĐ-UBND", "chairman-certificate"),
    ):
        award = AwardType.objects.get(code=code)
        decision = decisions.draft_decision(
            world.authority,
            world.block_year.year,
            award,
            by=world.staff,
            number=number,
            signed_on=today,
            signer_name="Lê Văn Quang",
            signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
            legal_bases=decisions.default_legal_bases(award),
        )
        decisions.issue_decision(decision, by=world.staff)
        decisions.publish_decision(decision, by=world.staff)
        issued.append(decision)
    assert set(Nomination.objects.values_list("status", flat=True)) == {Nomination.Status.AWARDED}

    # 8. Anyone sees the results without signing in; the documents verify.
    anonymous = Client()
    page = anonymous.get(
        reverse("awards:results", args=[world.authority.pk, world.block_year.year])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "125/QĐ-UBND" in text and "126/QĐ-UBND" in text
    assert all(n.unit_name in text for n in nominations)
    for decision in Decision.objects.select_related("document"):
        assert decision.document is not None
        assert anonymous.get(reverse("verify", args=[decision.document.code])).status_code == 200

    # 9. The year is archived once nothing can still happen in it (next year's head was chosen
    # outside this walk: recorded, with the reason), read-only from then on; the chain holds.
    for kind in (Ballot.Kind.HEAD, Ballot.Kind.DEPUTY):
        if f"ballot:{kind}" in {item.key for item in closing.open_items(world.block_year)}:
            closing.waive_ballot(
                world.block_year,
                by=world.secretariat,
                kind=kind,
                reason="Khối bầu trưởng, phó khối năm sau tại hội nghị tổng kết",
            )
    archive.archive_year(world.block_year, by=world.staff)
    world.block_year.refresh_from_db()
    assert world.block_year.is_archived
    assert not world.secretariat.has_perm("awards.run_ballots", world.block_year)
    assert audit.verify_chain() is None
