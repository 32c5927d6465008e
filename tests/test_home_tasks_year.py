"""The year can be run from the home page: at every step, the person who must act finds a task on
`/` whose link leads to the action, and that page opens for them.

The year is driven through the services people's clicks call, step by step; each test takes it to
one step and looks at the home page of whoever must act there."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.documents import ballot_minutes
from awards.models import AwardType, Ballot, CouncilSession, Decision, Nomination
from awards.services import archive, ballots, closing, decisions, dossiers, intake, sessions
from covenants import services as covenants
from covenants.models import Document
from emulation.models import User
from scoring import services as scoring
from scoring.models import CriteriaTable, ScoreSheet
from tests import counting
from tests.factories import (
    COVENANT_TEXT,
    REPORT_TEXT,
    World,
    fill_sheet,
    make_award_type,
    make_council_members,
    make_leaders,
)

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=20)


@dataclass
class Year:
    """The world and what the walk has made so far."""

    world: World
    leaders: list[User]
    members: list[User] = field(default_factory=list)
    award: Any = None

    @property
    def covenant(self) -> Document:
        return Document.objects.get(block_year=self.world.block_year, kind=Document.Kind.COVENANT)

    @property
    def table(self) -> CriteriaTable:
        return CriteriaTable.objects.get(block_year=self.world.block_year)

    def sheet(self, unit_index: int = 2) -> ScoreSheet:
        return self.table.sheets.get(unit=self.world.units[unit_index])

    def sheets(self) -> list[ScoreSheet]:
        return list(self.table.sheets.order_by("position"))

    def ballot(self) -> Ballot:
        return Ballot.objects.filter(block_year=self.world.block_year).latest("pk")

    def nomination(self) -> Nomination:
        return Nomination.objects.get(block_year=self.world.block_year, unit=self.world.units[2])

    def nominations(self) -> list[Nomination]:
        return list(Nomination.objects.filter(block_year=self.world.block_year).order_by("pk"))

    def session(self) -> CouncilSession:
        return CouncilSession.objects.get(authority=self.world.authority)

    def decision(self) -> Decision:
        return Decision.objects.get(authority=self.world.authority)


# What is done at each step, by whoever must do it ---------------------------------------------


def write_covenant(year: Year) -> None:
    covenants.create_document(
        year.world.block_year,
        by=year.world.secretariat,
        kind=Document.Kind.COVENANT,
        title="Giao ước thi đua năm 2026",
        **COVENANT_TEXT,
    )


def adopt_covenant(year: Year) -> None:
    covenants.adopt_document(year.covenant, by=year.world.secretariat)


def open_signing(year: Year) -> None:
    covenants.open_signing(year.covenant, by=year.world.secretariat, deadline=LATER)


def sign_all(year: Year) -> None:
    for unit, leader in zip(year.world.units, year.leaders, strict=True):
        covenants.sign_covenant(year.covenant, unit, by=leader, password="demo12345")


def import_and_adopt_table(year: Year) -> None:
    from pathlib import Path

    from tests.factories import SAMPLE_CRITERIA

    content = (Path(__file__).resolve().parents[1] / SAMPLE_CRITERIA).read_bytes()
    upload = SimpleUploadedFile("tieu-chi.csv", content, content_type="text/csv")
    table = scoring.import_table(year.world.block_year, upload, by=year.world.secretariat)
    assert table.document is not None
    covenants.adopt_document(table.document, by=year.world.secretariat)


def open_assessment(year: Year) -> None:
    scoring.open_self_assessment(year.table, by=year.world.secretariat, deadline=LATER)


def fill_and_submit(year: Year) -> None:
    for sheet, leader in zip(year.sheets(), year.leaders, strict=True):
        fill_sheet(sheet, leader)
        scoring.submit_sheet(sheet, by=leader)


def reviewer_of(year: Year, sheet: ScoreSheet) -> User:
    # The head unit does not review its own sheet: council staff do.
    return year.world.staff if sheet.unit_id == year.world.units[0].pk else year.world.secretariat


def send_results(year: Year) -> None:
    for sheet in year.sheets():
        scoring.send_review_results(sheet, by=reviewer_of(year, sheet))


def accept_results(year: Year) -> None:
    for sheet, leader in zip(year.sheets(), year.leaders, strict=True):
        scoring.accept_review(sheet, by=leader)


def finalise(year: Year) -> None:
    for sheet in year.sheets():
        scoring.finalise_sheet(sheet, by=reviewer_of(year, sheet))


def publish_ranking(year: Year) -> None:
    scoring.publish_ranking(year.table, by=year.world.secretariat)


def prepare_ballot(year: Year) -> None:
    year.award = make_award_type()
    ballots.create_ballot(
        year.world.block_year,
        by=year.world.secretariat,
        kind=Ballot.Kind.NOMINATION,
        award=year.award,
        units=[year.world.units[2]],
        seats=1,
    )


def open_ballot(year: Year) -> None:
    counting.open_ballot(year.ballot(), by=year.world.secretariat)


def vote_all(year: Year) -> None:
    ballot = year.ballot()
    agree = {c.pk: True for c in ballot.candidates.all()}
    for leader in year.leaders:
        ballots.cast_vote(ballot, by=leader, choices=agree)


def close_ballot(year: Year) -> None:
    """The nomination ballot closes; the block holds no other ballot this year, and its
    secretariat records why, so that nothing is left open at the end of the year."""
    counting.close_ballot(year.ballot(), by=year.world.secretariat)
    for item in closing.open_items(year.world.block_year):
        if item.key.startswith("ballot:"):
            kind = item.key.split(":")[1]
            closing.waive_ballot(
                year.world.block_year, by=year.world.secretariat, kind=kind, reason="Không tổ chức."
            )


def write_report(year: Year) -> None:
    dossiers.save_report(year.nomination(), by=year.world.officer, **REPORT_TEXT)


def approve_report(year: Year) -> None:
    dossiers.approve_report(year.nomination(), by=year.world.leader)


def attest(year: Year) -> None:
    nomination = year.nomination()
    answers = dict.fromkeys(nomination.award_type.attestations, True)
    dossiers.attest(nomination, by=year.world.leader, answers=answers)


def send_dossier(year: Year) -> None:
    block_year, secretariat = year.world.block_year, year.world.secretariat
    ballot_minutes.issue_minutes(block_year, by=secretariat)
    dossiers.issue_proposal_letter(
        block_year,
        by=secretariat,
        number="05/TTr-KTĐ",
        signer_name="Nguyễn Văn An",
        signer_title="Chánh Văn phòng Tỉnh ủy",
    )
    dossiers.submit_dossier(block_year, by=secretariat)


def receive(year: Year) -> None:
    for nomination in year.nominations():
        intake.receive_nomination(nomination, by=year.world.staff)


def appraise(year: Year) -> None:
    for nomination in year.nominations():
        intake.appraise_nomination(
            nomination,
            by=year.world.staff,
            checklist=dict.fromkeys(intake.APPRAISAL_CHECKLIST, True),
            notes="Hồ sơ đầy đủ.",
        )


def create_session(year: Year) -> None:
    session = sessions.create_session(
        year.world.authority,
        by=year.world.staff,
        year=year.world.block_year.year,
        title="Phiên họp xét khen thưởng",
        held_on=TODAY,
    )
    sessions.add_to_agenda(session, year.nominations(), by=year.world.staff)
    year.members = [year.world.member, *make_council_members(year.world, 2)]
    sessions.record_attendance(session, year.members, by=year.world.staff)


def open_session(year: Year) -> None:
    counting.open_session(year.session(), by=year.world.staff)


def council_votes(year: Year) -> None:
    session = year.session()
    items = list(session.items.all())
    for member in year.members:
        sessions.cast_council_vote(session, by=member, choices={i.pk: True for i in items})


def close_session(year: Year) -> None:
    counting.close_session(year.session(), by=year.world.staff)


def draft_decision(year: Year) -> None:
    award = year.award or AwardType.objects.get(code="block-merit")
    decisions.draft_decision(
        year.world.authority,
        year.world.block_year.year,
        award,
        by=year.world.staff,
        number="125/QĐ-UBND",
        signed_on=TODAY,
        signer_name="Lê Văn Quang",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        legal_bases=decisions.default_legal_bases(award),
    )


def issue_decision(year: Year) -> None:
    decisions.issue_decision(year.decision(), by=year.world.staff)


def publish_decision(year: Year) -> None:
    decisions.publish_decision(year.decision(), by=year.world.staff)


def archive_year(year: Year) -> None:
    archive.archive_year(year.world.block_year, by=year.world.staff)


# The walk: before each step, who must act and where their task leads --------------------------

Where = Callable[[Year], str]


@dataclass(frozen=True)
class Step:
    name: str
    who: str  # a persona of the world
    text: str  # part of the task's words on the home page
    where: Where  # the task's link
    done: Callable[[Year], None]  # what moves the year past this step


def url(name: str, of: Callable[[Year], Any]) -> Where:
    return lambda year: reverse(name, args=[getattr(of(year), "pk", of(year))])


def year_pk(year: Year) -> int:
    return year.world.block_year.pk


def council(name: str) -> Where:
    return lambda year: reverse(name, args=[year.world.authority.pk, year.world.block_year.year])


STEPS = [
    Step(
        "the year has no covenant yet",
        "secretariat",
        "Write the 2026 documents of Khối thi đua các cơ quan Đảng tỉnh Quảng Trị",
        url("covenants:document_list", year_pk),
        write_covenant,
    ),
    Step(
        "the covenant is drafted",
        "secretariat",
        "out for comments, or adopt it",
        lambda y: y.covenant.get_absolute_url(),
        adopt_covenant,
    ),
    Step(
        "the covenant is adopted",
        "secretariat",
        "Open the covenant for signing",
        url("covenants:signing_open", lambda y: y.covenant),
        open_signing,
    ),
    Step(
        "the covenant is open: the leader signs",
        "leader",
        "Sign the covenant for Ban Tuyên giáo Tỉnh ủy",
        url("covenants:covenant_sign", lambda y: y.covenant),
        lambda y: None,
    ),
    Step(
        "the covenant is open: the secretariat follows the signatures",
        "secretariat",
        "Covenant signing: 0 of 4 units have signed",
        url("covenants:signing_progress", lambda y: y.covenant),
        sign_all,
    ),
    Step(
        "the covenant is in force: the criteria table",
        "secretariat",
        "Prepare and adopt the 2026 criteria table",
        url("scoring:criteria_detail", year_pk),
        import_and_adopt_table,
    ),
    Step(
        "the criteria table is adopted",
        "secretariat",
        "Open the 2026 self-assessment",
        url("scoring:assessment_open", year_pk),
        open_assessment,
    ),
    Step(
        "self-assessment is open: the officer fills in",
        "officer",
        "Fill in the self-assessment of Ban Tuyên giáo Tỉnh ủy",
        url("scoring:sheet_detail", lambda y: y.sheet()),
        lambda y: None,
    ),
    Step(
        "self-assessment is open: the leader submits",
        "leader",
        "Fill in and submit the self-assessment of Ban Tuyên giáo Tỉnh ủy",
        url("scoring:sheet_detail", lambda y: y.sheet()),
        fill_and_submit,
    ),
    Step(
        "the sheets are submitted",
        "secretariat",
        "Review the sheet of Ban Tuyên giáo Tỉnh ủy",
        url("scoring:sheet_review", lambda y: y.sheet()),
        lambda y: None,
    ),
    Step(
        "the sheets are submitted: council staff review the head's",
        "staff",
        "Review the sheet of the block head Văn phòng Tỉnh ủy",
        url("scoring:sheet_review", lambda y: y.sheet(0)),
        send_results,
    ),
    Step(
        "the review results are sent",
        "leader",
        "Accept or answer the review of Ban Tuyên giáo Tỉnh ủy",
        url("scoring:sheet_detail", lambda y: y.sheet()),
        accept_results,
    ),
    Step(
        "the results are accepted",
        "secretariat",
        "Finalise the scores of Ban Tuyên giáo Tỉnh ủy",
        url("scoring:sheet_finalise", lambda y: y.sheet()),
        lambda y: None,
    ),
    Step(
        "the results are accepted: council staff finalise the head's",
        "staff",
        "Finalise the scores of the block head Văn phòng Tỉnh ủy",
        url("scoring:sheet_finalise", lambda y: y.sheet(0)),
        finalise,
    ),
    Step(
        "every sheet is final",
        "secretariat",
        "Publish the 2026 ranking",
        url("scoring:ranking_detail", year_pk),
        publish_ranking,
    ),
    Step(
        "the ranking is published",
        "secretariat",
        "prepare the ballots",
        url("awards:ballot_list", year_pk),
        prepare_ballot,
    ),
    Step(
        "a ballot is prepared",
        "secretariat",
        "Open the ballot",
        url("awards:ballot_open", lambda y: y.ballot()),
        open_ballot,
    ),
    Step(
        "the ballot is open: the leader votes",
        "leader",
        "Vote:",
        url("awards:ballot_vote", lambda y: y.ballot()),
        vote_all,
    ),
    Step(
        "every unit voted: the secretariat closes the ballot",
        "secretariat",
        "(4 of 4 units voted)",
        url("awards:ballot_detail", lambda y: y.ballot()),
        close_ballot,
    ),
    Step(
        "a unit is nominated: the officer writes the report",
        "officer",
        "Write the achievement report of Ban Tuyên giáo Tỉnh ủy",
        url("awards:nomination_report", lambda y: y.nomination()),
        write_report,
    ),
    Step(
        "the report is written: the leader approves it",
        "leader",
        "Approve the achievement report of Ban Tuyên giáo Tỉnh ủy",
        url("awards:nomination_report_approve", lambda y: y.nomination()),
        approve_report,
    ),
    Step(
        "the report is approved: the leader attests",
        "leader",
        "Give the attestations of Ban Tuyên giáo Tỉnh ủy",
        url("awards:nomination_attest", lambda y: y.nomination()),
        attest,
    ),
    Step(
        "the nomination is complete: the dossier",
        "secretariat",
        "(1 of 1 nominations ready)",
        url("awards:dossier_detail", year_pk),
        send_dossier,
    ),
    Step(
        "the dossier is sent",
        "staff",
        "1 nomination to receive",
        council("awards:intake_list"),
        receive,
    ),
    Step(
        "the nomination is received",
        "staff",
        "1 nomination to appraise",
        council("awards:intake_list"),
        appraise,
    ),
    Step(
        "the nomination is appraised",
        "staff",
        "1 appraised nomination to put before a council session",
        council("awards:session_list"),
        create_session,
    ),
    Step(
        "the session is being prepared",
        "staff",
        "Prepare the council session “Phiên họp xét khen thưởng”",
        url("awards:session_detail", lambda y: y.session()),
        open_session,
    ),
    Step(
        "the session is open: a member votes",
        "member",
        "Vote in the council session: Phiên họp xét khen thưởng",
        url("awards:session_vote", lambda y: y.session()),
        council_votes,
    ),
    Step(
        "every member voted: the staff close the session",
        "staff",
        "(3 of 3 members present have voted)",
        url("awards:session_detail", lambda y: y.session()),
        close_session,
    ),
    Step(
        "the nomination is approved",
        "staff",
        "1 approved nomination awaiting a decision",
        council("awards:decision_list"),
        draft_decision,
    ),
    Step(
        "the decision is drafted",
        "staff",
        "Check and issue the decision No. 125/QĐ-UBND",
        url("awards:decision_detail", lambda y: y.decision()),
        issue_decision,
    ),
    Step(
        "the decision is issued",
        "staff",
        "Publish the decision No. 125/QĐ-UBND",
        url("awards:decision_detail", lambda y: y.decision()),
        publish_decision,
    ),
    Step(
        "every nomination is decided",
        "staff",
        "is decided: archive the year",
        url("awards:year_archive", year_pk),
        archive_year,
    ),
]


def start(world: World) -> Year:
    return Year(world, make_leaders(world))


def task_links(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("index", range(len(STEPS)), ids=[s.name for s in STEPS])
def test_whoever_must_act_finds_the_task_on_their_home_page(index: int, world: World) -> None:
    User.objects.update(preferred_language="en")
    year = start(world)
    for step in STEPS[:index]:
        step.done(year)
    step = STEPS[index]
    client = Client()
    client.force_login(User.objects.get(pk=world.user(step.who).pk))  # type: ignore[union-attr]
    page = task_links(client)
    link = step.where(year)
    assert f'href="{link}"' in page, f"{step.name}: no link to {link} for {step.who}"
    assert step.text in page, f"{step.name}: {step.who} is not told “{step.text}”"
    assert client.get(link).status_code == 200


def test_no_task_is_left_once_the_year_is_archived(world: World) -> None:
    """At the end of the year nobody is asked to do anything more about it."""
    User.objects.update(preferred_language="en")
    year = start(world)
    for step in STEPS:
        step.done(year)
    for who in ("secretariat", "leader", "officer", "staff", "member"):
        client = Client()
        client.force_login(User.objects.get(pk=world.user(who).pk))  # type: ignore[union-attr]
        assert "Go</a>" not in task_links(client), who
